#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (choose the
# "Ubuntu 22.04" base image). It installs Python 3.11, torch's CPU build and solver (the
# wheel beside this script) into one virtual environment, then checks that it grades.
# SOLVER_PREFIX (default /opt/solver) and SOLVER_TORCH_INDEX (default PyTorch's CPU wheel
# index) can be overridden to try the bundle on another machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${SOLVER_PREFIX:-/opt/solver}"
torch_index="${SOLVER_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"

python="$(command -v python3.11 || true)"
if [ -z "$python" ] || ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
  if ! command -v apt-get >/dev/null; then
    echo "setup.sh: solver needs Python 3.11 with its venv module, and apt-get is missing" >&2
    exit 1
  fi
  # Ubuntu 22.04 carries Python 3.11 in its universe archive.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11 python3.11-venv || {
    echo "setup.sh: apt-get has no python3.11 here: choose Gradescope's Ubuntu 22.04 base image" >&2
    exit 1
  }
  python="$(command -v python3.11)"
fi

"$python" -m venv "$prefix"
"$prefix/bin/python" -m pip install --quiet --no-cache-dir --index-url "$torch_index" torch==@TORCH@
"$prefix/bin/python" -m pip install --quiet --no-cache-dir "$here"/@WHEEL@
# The grader reads its lab before any student does: a broken install fails here, at setup.
"$prefix/bin/python" -m solver @EXAM@list >/dev/null
echo "setup.sh: solver installed in $prefix"
