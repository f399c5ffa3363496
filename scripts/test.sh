#!/usr/bin/env sh
# Set up everything the tests need and run the whole suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/system-deps.sh
sh scripts/setup.sh dev,spark
.venv/bin/python -m pytest "$@"
