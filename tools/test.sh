#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (unit, CLI smoke and integration against the
# mock on loopback) under ASan+UBSan with warnings as errors. This is what .ci/run calls.
# Before the suite, the shipped binary (a Release build, with mimalloc as its allocator, which the
# sanitizer build cannot have) goes through the smoke and bulk integration tests too.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
# The sources follow .clang-format (tools/format.sh rewrites them; --check only lists).
tools/format.sh --check
# Unity builds (batches of source files compiled as one) cut the build's CPU time to about a
# third on the 2-core CI machine: the big headers (json, Catch2, fmt) are parsed once per batch.
# Any .cpp must therefore keep its file-local names unique across its module (see STYLE.md).
# ccache (installed by tools/setup.sh), when present, serves the objects any earlier build on this
# machine compiled from the same sources: a clean clone in a new directory hits too, since
# CCACHE_BASEDIR makes the paths relative to the clone and CCACHE_NOHASHDIR leaves its directory
# out of the hash. TF_CCACHE=0 builds everything from scratch.
if [[ "${TF_CCACHE:-1}" != 0 ]] && command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
cmake --preset ci -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build --preset ci -j "$(nproc)"
cmake --preset release -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build --preset release -j "$(nproc)" --target trafficinator
# No retries: a test that fails now and then has a defect to find, not to hide.
release_test() {
  TF_BIN=build/release/src/trafficinator TF_MOCK=build/ci/tools/mock-matomo/mock-matomo \
    TF_TEST_DATA_DIR=tests/data bash "tests/integration/$1.sh" >"build/release/$1.log" 2>&1
}
for t in run_smoke run_bulk; do
  echo "release binary: integration.$t"
  release_test "$t" ||
    { tail -30 "build/release/$t.log"; echo "release binary: integration.$t FAILED"; exit 1; }
done
ctest --preset ci -j "$(nproc)"
