#!/usr/bin/env bash
# What `make demo` and `make test` need from the host before anything else: Python's venv module
# and bubblewrap (the default sandbox of student code). When one is missing and this user can
# install Debian/Ubuntu packages (root, or a working sudo), install it; otherwise stop with the one
# command to run. Exit 0 when everything is there.
set -u
need=()
"${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1 || need+=(python3-venv)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
[ ${#need[@]} -eq 0 ] && exit 0

command_line="apt-get install -y ${need[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "autograder: missing ${need[*]}; install it with your system's package manager (on Debian/Ubuntu: sudo $command_line)" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  run=(sudo -n)
else
  echo "autograder: missing ${need[*]} (needed to grade: bubblewrap sandboxes student code)." >&2
  echo "Run this once, then try again:" >&2
  echo "    sudo $command_line" >&2
  exit 1
fi
echo "autograder: installing ${need[*]} (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq && "${run[@]}" apt-get install -y -qq "${need[@]}" >/dev/null || {
  echo "autograder: could not install ${need[*]}; run: sudo $command_line" >&2
  exit 1
}
