#!/usr/bin/env bash
# Builds egrl with AddressSanitizer + UndefinedBehaviorSanitizer into
# ${EGRL_SANITIZE_BUILD_DIR:-build-sanitize} and runs every test suite there,
# stopping at the first report. Slower than scripts/test.sh (a separate
# build, ~3x slower tests), so CI does not run it; run it before a stop.
# Usage: scripts/test-sanitizers.sh [ctest arguments...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_SANITIZE_BUILD_DIR:-$root/build-sanitize}
"$root/scripts/setup.sh"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEGRL_SANITIZE=ON \
    -DEGRL_BUILD_BENCHMARKS=OFF \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir
fi
ninja -C "$build"
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons memory it hands
# out again, which an uninstrumented libLLVM then touches.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:allow_user_poisoning=0:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=suppressions=$root/scripts/lsan.supp:print_suppressions=0
cd "$build"
ctest --output-on-failure -j2 "$@"
