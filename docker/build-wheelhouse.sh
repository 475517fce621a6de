#!/usr/bin/env bash
# Fill wheelhouse/ with the wheels the grading image installs with `pip install --no-index`
# (docker/Dockerfile), on a machine with a package index; the image build then needs no network.
#
#   docker/build-wheelhouse.sh                         # CPU image: + tensorflow-cpu, for Python 3.11
#   TF_PACKAGE= PY_VERSION=3.11 docker/build-wheelhouse.sh  # GPU image: its base has TensorFlow
#
# The wheels are for the IMAGE's Python (PY_VERSION, default 3.11 = Debian bookworm's and the
# tensorflow/tensorflow:2.21.0-gpu image's), not necessarily the host's: binary wheels only,
# for cp${PY_VERSION}/manylinux (glibc <= 2.GLIBC_MINOR). Versions follow the host environment's
# (`pip freeze` of $PYTHON) so the containers grade with the same numpy/TensorFlow/Keras.
# The dependency download is skipped when the same set was downloaded before; the project's
# own wheel (unit4_autograder-*.whl) is rebuilt on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
OUT=${WHEELHOUSE:-wheelhouse}
PY_VERSION=${PY_VERSION:-3.11}
GLIBC_MINOR=${GLIBC_MINOR:-36}  # the image's glibc: 2.36 in bookworm (2.35 in Ubuntu 22.04)
TF_PACKAGE=${TF_PACKAGE-tensorflow-cpu}
REQS=docker/requirements-image.txt
mkdir -p "$OUT"
pins=$(mktemp)
trap 'rm -f "$pins"' EXIT
"$PYTHON" -m pip freeze --exclude-editable 2>/dev/null | grep -vE ' @ |^-e ' > "$pins" || true
stamp="$OUT/.deps-$(cat "$REQS" "$pins" <(echo "$TF_PACKAGE $PY_VERSION $GLIBC_MINOR") | sha256sum | cut -c1-16)"
platforms=()
for minor in $(seq "$GLIBC_MINOR" -1 5); do platforms+=(--platform "manylinux_2_${minor}_x86_64"); done
platforms+=(--platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64)
if [ ! -f "$stamp" ]; then
  # seqeval ships only as a source archive: build its (pure-Python) wheel here first.
  "$PYTHON" -m pip wheel -q --no-deps -c "$pins" -w "$OUT" seqeval
  # shellcheck disable=SC2086
  "$PYTHON" -m pip download -q --dest "$OUT" --find-links "$OUT" -c "$pins" \
    --only-binary=:all: --implementation cp --python-version "$PY_VERSION" "${platforms[@]}" \
    -r "$REQS" pip $TF_PACKAGE
  touch "$stamp"
fi
rm -f "$OUT"/unit4_autograder-*.whl
"$PYTHON" -m pip wheel -q --no-deps --no-build-isolation -w "$OUT" .
echo "wheelhouse: $(ls "$OUT" | wc -l) files, $(du -sh "$OUT" | cut -f1) in $OUT"
