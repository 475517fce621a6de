#!/usr/bin/env bash
# Serve the Docker API with Debian's podman and build the CPU grading image, without any registry.
# Idempotent (each step is skipped when its result exists, except the API service, which is always
# started afresh); run as root, from anywhere:
#
#   docker/podman-ci.sh
#   export DOCKER_HOST=unix:///tmp/podman.sock CONTAINERS_CONF=/etc/containers/autograder.conf
#   AUTOGRADER_DOCKER_TESTS=1 .venv/bin/python -m pytest tests/test_docker_backend.py
#
# Steps: apt (podman, runc, debootstrap) -> containers.conf (runc, lower ulimits) -> the API
# service on $PODMAN_SOCK -> a Debian base image (debootstrap + podman import) -> wheelhouse/
# (docker/build-wheelhouse.sh) -> the CPU image from docker/Dockerfile. Each step's time is
# printed as "[podman-ci] STEP: N s". FORCE_IMAGE=1 rebuilds the grading image from scratch
# (--no-cache: the wheelhouse is bind-mounted, so the layer cache would not see new wheels).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
SOCK=${PODMAN_SOCK:-/tmp/podman.sock}
CONF=${CONTAINERS_CONF:-/etc/containers/autograder.conf}
ROOTFS=${ROOTFS:-/var/tmp/autograder-rootfs}
BASE=${AUTOGRADER_BASE_IMAGE:-localhost/autograder-base:bookworm}
IMAGE=${AUTOGRADER_DOCKER_IMAGE:-localhost/autograder:cpu}
LOG=${PODMAN_LOG:-/tmp/podman-service.log}
# The mirror apt already uses on this machine (deb822 or one-line sources), else Debian's CDN.
MIRROR=${DEBIAN_MIRROR:-$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -n1 | tr -d ' ' || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

timed() {  # timed NAME COMMAND...: run it and print how long it took
  local name=$1 began
  shift
  began=$(date +%s.%N)
  "$@"
  printf '[podman-ci] %s: %.1f s\n' "$name" "$(echo "$(date +%s.%N) - $began" | bc)"
}

install_packages() {
  local need=()
  for pkg in podman runc debootstrap curl bc; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" uidmap >/dev/null
  fi
}

write_conf() {
  mkdir -p "$(dirname "$CONF")"
  cat > "$CONF" <<'CONFEOF'
# autograder: podman as a Docker API for CI (docker/podman-ci.sh); crun fails on these machines,
# the default ulimits (nofile/nproc = the host's hard limits) are refused inside containers, and
# without systemd as pid 1 the cgroups (v1 here) are managed directly.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONFEOF
}

api_up() { curl -sf --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; }

service_pids() {  # the podman API services serving $SOCK (started by an earlier run of this script)
  local proc cmd
  for proc in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' < "$proc/cmdline" 2>/dev/null) || continue
    case "$cmd" in "podman system service "*"unix://$SOCK"*) echo "${proc#/proc/}" ;; esac
  done
}

start_service() {
  # Always a fresh service: one left running by an earlier run had gathered stale conmon processes,
  # and every container start then failed ("write child: broken pipe"; issue 11, stop 20).
  local pids
  pids=$(service_pids)
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null || true
    for _ in $(seq 50); do [ -z "$(service_pids)" ] && break; sleep 0.2; done
  fi
  # Stage containers a killed run left behind (the Docker backend labels each one).
  podman ps -aq --filter label=org.autograder.stage | xargs -r podman rm -f >/dev/null 2>&1 || true
  rm -f "$SOCK"
  setsid podman system service --time=0 "unix://$SOCK" >"$LOG" 2>&1 < /dev/null &
  for _ in $(seq 100); do api_up && return 0; sleep 0.2; done
  echo "podman system service did not answer on $SOCK; see $LOG" >&2
  tail -n 20 "$LOG" >&2
  return 1
}

make_rootfs() {
  [ -x "$ROOTFS/usr/bin/python3" ] && [ -f "$ROOTFS/.autograder-complete" ] && return 0
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase --include=python3,python3-venv bookworm "$ROOTFS" "$MIRROR" >/tmp/debootstrap.log 2>&1 \
    || { tail -n 20 /tmp/debootstrap.log >&2; return 1; }
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  touch "$ROOTFS/.autograder-complete"
}

import_base() { tar -C "$ROOTFS" --exclude=./.autograder-complete -c . | podman import - "$BASE" >/dev/null; }

build_image() {
  podman build ${FORCE_IMAGE:+--no-cache} -f docker/Dockerfile --ignorefile docker/Dockerfile.dockerignore \
    --build-arg BASE_IMAGE="$BASE" -t "$IMAGE" . >/tmp/podman-build.log 2>&1 \
    || { tail -n 30 /tmp/podman-build.log >&2; return 1; }
}

export CONTAINERS_CONF="$CONF"
timed apt install_packages
write_conf
timed "api service" start_service
podman image exists "$BASE" || { timed debootstrap make_rootfs; timed "podman import" import_base; }
# The dependency wheels are cached in wheelhouse/; the project's own wheel is rebuilt each run.
timed wheelhouse docker/build-wheelhouse.sh
if [ -n "${FORCE_IMAGE:-}" ] || ! podman image exists "$IMAGE"; then timed "image build" build_image; fi
echo "[podman-ci] Docker API on unix://$SOCK; image $IMAGE ($(podman image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
