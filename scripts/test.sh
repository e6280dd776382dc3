#!/usr/bin/env bash
# Runs the whole test suite: an ASan+UBSan build's tests, short fuzz runs,
# then the release build's ctest (whose summary line ends the output).
# Set MOAT_QUICK=1 to run only the release build's ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
JOBS=$(nproc)

if [ "${MOAT_QUICK:-0}" != 1 ]; then
  echo "== sanitizer build (ASan + UBSan) =="
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DMOAT_SANITIZE=ON \
        -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
  cmake --build build-asan
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j "$JOBS"

  echo "== short fuzz runs =="
  bash test/fuzz/run.sh --seconds "${MOAT_FUZZ_SECONDS:-20}"
fi

echo "== release build =="
# No -G: a new build directory gets CMake's default generator (what
# scripts/setup.sh made in CI), an existing one keeps the generator it has.
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS"
