#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (unit, CLI smoke and integration against the
# mock on loopback) under ASan+UBSan with warnings as errors. This is what .ci/run calls.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake --preset ci >/dev/null
cmake --build --preset ci -j "$(nproc)"
ctest --preset ci -j "$(nproc)" --repeat until-pass:2
