#!/usr/bin/env bash
# The tables of docs/results.md, the bundled models' tables of
# docs/mismatch.md and the zero-shot and model-to-chip tables of
# docs/training.md, in one command (about an hour and a half on the 2-core
# machine), and the speed figures of docs/results/speeds.md and
# docs/scale-out.md:
#   1. all strategies at 1k / 5k evaluations, model-free, fused, on the
#      analytical model and on nnpi-sim (docs/results/{analytical,nnpi-sim};
#      MobileNetV2 and tiny_cnn in .../small),
#      the searches that take seeds model-seeded from 100 to 5k (.../seeded),
#      the shipped nnpi-1000 policy with no search and refining (.../policy),
#      and egrl beside egrl-sac, the paper's learner (.../sac);
#   2. BERT-base at op granularity on nnpi-sim at 1k / 5k / 20k, model-free
#      and model-seeded (docs/results/op);
#   3. the mismatched chips (scripts/bench-mismatch.sh);
#   4. noisy measurements (scripts/bench-noise.sh);
#   5. the shipped policies zero-shot (scripts/zero-shot.sh,
#      docs/results/zero-shot);
#   6. model-to-chip transfer (scripts/model-to-chip.sh,
#      docs/results/model-to-chip);
#   7. the evaluators' speeds (scripts/bench-speeds.sh, docs/results/speeds.md);
#   8. the MPI pool's throughput, when mpirun is there
#      (scripts/bench-scale-out.sh, docs/scale-out.md);
#   9. chips written outside the bundled family (bench/chips/*.json) on
#      the bundled models, model-free (docs/results/other-chips).
# Each step prints its table; plots (bench.png) sit beside the bench.json of
# the runs with --plot (the model-free tables, op, the mismatched chips,
# model-to-chip).
# Usage: scripts/bench-all.sh   (EGRL_BIN: another bin directory)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
[[ -n "${EGRL_BIN:-}" ]] || "$root/scripts/build.sh"
bench=${EGRL_BIN:-$build/bin}/egrl-bench
all=native,greedy,dp,ilp,random,ea,anneal,pg,egrl
models=(resnet50 resnet101 bert_base)
for evaluator in analytical nnpi-sim; do
  "$bench" "${models[@]}" --evaluator=$evaluator --strategies=$all \
    --budgets=1000,5000 --seeds=3 --out="$root/docs/results/$evaluator" --plot \
    >"$root/docs/results/$evaluator/table.txt"
  /usr/bin/python3 "$root/python/evals_to_target.py" \
    "$root/docs/results/$evaluator/bench.json"
  # The other bundled models, where native is the optimum (a tie).
  mkdir -p "$root/docs/results/$evaluator/small"
  "$bench" mobilenet_v2 tiny_cnn --evaluator=$evaluator --strategies=$all \
    --budgets=1000,5000 --seeds=3 --out="$root/docs/results/$evaluator/small" \
    >"$root/docs/results/$evaluator/small/table.txt"
  /usr/bin/python3 "$root/python/evals_to_target.py" \
    "$root/docs/results/$evaluator/small/bench.json"
  # Seeded from the model's placements: never slower than the best of them?
  mkdir -p "$root/docs/results/$evaluator/seeded"
  "$bench" "${models[@]}" --evaluator=$evaluator --seed-from=model \
    --strategies=ilp,random,ea,anneal,egrl --budgets=100,200,500,1000,5000 \
    --seeds=3 --out="$root/docs/results/$evaluator/seeded" \
    >"$root/docs/results/$evaluator/seeded/table.txt"
  /usr/bin/python3 "$root/python/seeded_check.py" \
    "$root/docs/results/$evaluator/bench.json" \
    "$root/docs/results/$evaluator/seeded/bench.json"
  # The learner egrl ships against the paper's discrete SAC (strategies.md).
  mkdir -p "$root/docs/results/$evaluator/sac"
  "$bench" bert_base --evaluator=$evaluator --strategies=egrl,egrl-sac \
    --budgets=1000 --seeds=3 --out="$root/docs/results/$evaluator/sac" \
    >"$root/docs/results/$evaluator/sac/table.txt"
  /usr/bin/python3 "$root/python/evals_to_target.py" \
    "$root/docs/results/$evaluator/sac/bench.json"
  # The shipped policy with no search and refining (docs/results.md); it was
  # trained on nnpi-sim, and on the analytical model it is measured there.
  mkdir -p "$root/docs/results/$evaluator/policy"
  "$bench" "${models[@]}" --evaluator=$evaluator \
    --policy="$root/policies/nnpi-1000.json" --strategies=policy \
    --budgets=1,1000,5000 --seeds=3 --out="$root/docs/results/$evaluator/policy" \
    >"$root/docs/results/$evaluator/policy/table.txt"
done
mkdir -p "$root/docs/results/op/none" "$root/docs/results/op/model"
"$bench" bert_base --granularity=op --evaluator=nnpi-sim --strategies=$all \
  --budgets=1000,5000,20000 --seeds=3 --out="$root/docs/results/op/none" \
  --plot >"$root/docs/results/op/none/table.txt"
"$bench" bert_base --granularity=op --evaluator=nnpi-sim --seed-from=model \
  --strategies=ilp,random,ea,anneal,egrl --budgets=100,200,500,1000,5000,20000 --seeds=3 \
  --out="$root/docs/results/op/model" --plot >"$root/docs/results/op/model/table.txt"
/usr/bin/python3 "$root/python/evals_to_target.py" "$root/docs/results/op/none/bench.json"
/usr/bin/python3 "$root/python/seeded_check.py" "$root/docs/results/op/none/bench.json" \
  "$root/docs/results/op/model/bench.json"
EGRL_BENCH=$bench "$root/scripts/bench-mismatch.sh"
EGRL_BENCH=$bench "$root/scripts/bench-noise.sh"
ZERO_SHOT_OUT="$root/docs/results/zero-shot" "$root/scripts/zero-shot.sh"
MODEL_TO_CHIP_OUT="$root/docs/results/model-to-chip" "$root/scripts/model-to-chip.sh"
"$root/scripts/bench-speeds.sh"
if command -v mpirun >/dev/null; then
  "$root/scripts/bench-scale-out.sh"
fi
for chip in "$root"/bench/chips/*.json; do
  out="$root/docs/results/other-chips/$(basename "$chip" .json)"
  mkdir -p "$out"
  "$bench" resnet50 bert_base mobilenet_v2 --target="$chip" --evaluator=nnpi-sim \
    --strategies=native,greedy,ilp,anneal,pg,egrl --budgets=1000,5000 --seeds=3 \
    --time-limit=60 --out="$out" >"$out/table.txt"
  /usr/bin/python3 "$root/python/evals_to_target.py" "$out/bench.json"
done
