#!/usr/bin/env bash
# Fuzzes one input loader for a while with libFuzzer (Debian's clang), with
# AddressSanitizer + UBSan, in ${EGRL_FUZZ_BUILD_DIR:-build-fuzz}.
# Usage: scripts/fuzz.sh target|graph|placement|policy|mlir [seconds, default 60]
# Seeds come from the bundled files; the corpus grows in
# build-fuzz/corpus/<name>. Crashing and hanging inputs are written to
# build-fuzz/artifacts/<name>/ for triage: a bug of ours gets fixed and its
# input moves to fuzz/regressions/<name>/ (ctest replays it on the normal
# build); a crash inside a library we do not build goes to fuzz/upstream/.
# The mlir fuzzer runs in fork mode and goes on past crashes, since MLIR's
# own parser crashes on some malformed text.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: scripts/fuzz.sh target|graph|placement|policy|mlir [seconds]}
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
artifacts=$build/artifacts/$name
mkdir -p "$corpus" "$artifacts"
case $name in
  target) cp -n "$root"/targets/*.json "$root"/test/Inputs/*.json "$corpus"/ ;;
  graph) ninja -C "$root/build" egrl-model-graphs 2>/dev/null &&
         cp -n "$root"/build/models/*.json "$corpus"/ || cp -n "$root"/corpus/*.json "$corpus"/ ;;
  placement) echo '{"nodes": [{"weights": "sram", "output": "llc"}, {"weights": "dram", "output": "dram"}, {"weights": "llc", "output": "sram"}]}' > "$corpus/seed.json" ;;
  policy) cp -n "$root"/test/Inputs/tiny-policy.json "$corpus"/ ;;
  mlir) cp -n "$root"/test/Inputs/*.mlir "$root"/models/tiny_cnn.mlir "$corpus"/
        # Placed modules too, whose #egrl.placement strategy=keep reads.
        for seed in models/tiny_cnn.mlir test/Inputs/mlp.mlir; do
          "$root/build/bin/egrl-opt" "$root/$seed" --egrl-memory-placement \
            -o "$corpus/placed-$(basename "$seed")" 2>/dev/null || true
        done ;;
  *) echo "fuzz.sh: unknown fuzzer '$name'" >&2; exit 1 ;;
esac
export ASAN_OPTIONS=allow_user_poisoning=0:detect_leaks=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
mode=()
[[ $name == mlir ]] && mode=(-fork=1 -ignore_crashes=1)
"$build/bin/egrl-fuzz-$name" "${mode[@]}" -max_total_time="$seconds" \
  -timeout=20 -rss_limit_mb=4096 -artifact_prefix="$artifacts/" "$corpus"
echo "fuzz.sh: inputs to triage, if any: $artifacts" >&2
