#!/usr/bin/env bash
# Fuzzes one input loader for a while with libFuzzer (Debian's clang), with
# AddressSanitizer + UBSan, in ${EGRL_FUZZ_BUILD_DIR:-build-fuzz}.
# Usage: scripts/fuzz.sh target|graph|placement|mlir [seconds, default 60]
# Seeds come from the bundled files; the corpus grows in
# build-fuzz/corpus/<name>. A crashing input is written to
# fuzz/regressions/<name>/: fix the bug, keep the file (ctest replays it on
# the normal build), commit both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: scripts/fuzz.sh target|graph|placement|mlir [seconds]}
seconds=${2:-60}
build=${EGRL_FUZZ_BUILD_DIR:-$root/build-fuzz}
clang=$(command -v clang++ || true)
[[ -n "$clang" ]] || { echo "fuzz.sh: needs clang++ (apt-get install clang)" >&2; exit 1; }
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER="${clang%++}" -DCMAKE_CXX_COMPILER="$clang" \
    -DEGRL_FUZZ=ON -DEGRL_SANITIZE=ON -DEGRL_BUILD_TESTS=OFF \
    -DEGRL_BUILD_BENCHMARKS=OFF -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir
fi
ninja -C "$build" "egrl-fuzz-$name"
corpus=$build/corpus/$name
mkdir -p "$corpus" "$root/fuzz/regressions/$name"
case $name in
  target) cp -n "$root"/targets/*.json "$root"/test/Inputs/*.json "$corpus"/ ;;
  graph) ninja -C "$root/build" egrl-model-graphs 2>/dev/null &&
         cp -n "$root"/build/models/*.json "$corpus"/ || cp -n "$root"/corpus/*.json "$corpus"/ ;;
  placement) echo '{"nodes": [{"weights": "sram", "output": "llc"}, {"weights": "dram", "output": "dram"}, {"weights": "llc", "output": "sram"}]}' > "$corpus/seed.json" ;;
  mlir) cp -n "$root"/test/Inputs/*.mlir "$root"/models/tiny_cnn.mlir "$corpus"/ ;;
  *) echo "fuzz.sh: unknown fuzzer '$name'" >&2; exit 1 ;;
esac
export ASAN_OPTIONS=allow_user_poisoning=0:detect_leaks=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$build/bin/egrl-fuzz-$name" -max_total_time="$seconds" -timeout=20 \
  -rss_limit_mb=4096 -artifact_prefix="$root/fuzz/regressions/$name/" "$corpus"
