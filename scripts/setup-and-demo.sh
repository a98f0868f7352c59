#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The newcomer's first command: install the dependencies, build, and run
# the basic example (three parts of one file, walked, written, persisted).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build
cmake --build build -j"$(nproc)"
echo
echo "== examples/basic =="
./build/examples/basic
