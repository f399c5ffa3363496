#!/usr/bin/env sh
# Create .venv (if missing) and install copytrace with the given extras.
# Usage: scripts/setup.sh [EXTRAS]   e.g. scripts/setup.sh dev,spark
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "${1:-}" ]; then
  .venv/bin/python -m pip install -q -e ".[$1]"
else
  .venv/bin/python -m pip install -q -e .
fi
