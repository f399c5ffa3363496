#!/usr/bin/env sh
# Set up and run `copytrace compare` on the bundled seed pair.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/copytrace compare examples/004_3080a4ee7dd42127.txt examples/000_3f926fbd34ea6708.txt "$@"
