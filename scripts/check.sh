#!/usr/bin/env bash
# The whole test suite, after scripts/setup.sh has built ./build:
#   1. every test of the normal build (unit, golden, property, CLI, schema, editor);
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer (./build-asan);
#   3. the executor and load tests under ThreadSanitizer (./build-tsan);
#   4. a fuzz smoke: each libFuzzer target for FUZZ_SECONDS (default 60) (./build-fuzz, clang).
# Set BLOCKFLOW_QUICK=1 to run step 1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
here="$(pwd)"
step() { echo; echo "=== $* ==="; }

step "tests (Release build)"
ctest --test-dir build --output-on-failure -j2
[[ "${BLOCKFLOW_QUICK:-0}" == "1" ]] && exit 0

common=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLOCKFLOW_BUILD_BENCH=OFF)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$here/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

step "tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan "${common[@]}" -DBLOCKFLOW_SANITIZE=address,undefined >/dev/null
cmake --build build-asan
ctest --test-dir build-asan --output-on-failure -j2

step "executor and load tests under ThreadSanitizer"
cmake -S . -B build-tsan "${common[@]}" -DBLOCKFLOW_SANITIZE=thread -DBLOCKFLOW_BUILD_EDITOR=OFF >/dev/null
cmake --build build-tsan --target blockflow_tests
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" build-tsan/tests/blockflow_tests "[executor],[load]"

step "fuzz smoke"
CXX=clang++-14 cmake -S . -B build-fuzz "${common[@]}" -DBLOCKFLOW_BUILD_FUZZERS=ON -DBLOCKFLOW_SANITIZE=address,undefined \
  -DBLOCKFLOW_BUILD_EDITOR=OFF -DBLOCKFLOW_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz
tests/fuzz/fuzz_smoke.sh build-fuzz "${FUZZ_SECONDS:-60}"

step "all checks passed"
