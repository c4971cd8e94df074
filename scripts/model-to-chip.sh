#!/usr/bin/env bash
# Model-to-chip transfer (issue 9, item 8; docs/training.md): how many chip
# measurements pre-training on the analytical model saves. For each held-out
# model, egrl-train trains a policy on that model alone against the
# compiler's analytical model of nnpi-1000 (cheap: no chip measurement), then
# egrl searches nnpi-sim of each chip started from that policy
# (strategy=policy with a budget: warm) and from scratch (egrl: cold), at
# several budgets, seeds 0-2. Writes MODEL_TO_CHIP_OUT (default
# build/model-to-chip/) and prints the table (python/transfer_table.py) and a
# plot of best latency against chip measurements, warm and cold
# (<chip>/<model>/bench.png there).
# Usage: scripts/model-to-chip.sh   (EGRL_BIN: another bin directory)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
bin=${EGRL_BIN:-$build/bin}
out=${MODEL_TO_CHIP_OUT:-$build/model-to-chip}
models=(bert_base resnet101)
chips=(nnpi-1000 nnpi-1000-fastcompute nnpi-1000-slowllc nnpi-1000-dram40)
pretrain=${MODEL_TO_CHIP_PRETRAIN:-20000}
mkdir -p "$out"
# Pre-trained on every run: a policy kept from an earlier build may hold
# another feature version, or another model's graph.
for model in "${models[@]}"; do
  "$bin/egrl-train" "$model" --target=nnpi-1000 --evaluator=analytical \
    --budget="$pretrain" --seed=0 --output="$out/$model.json" \
    --progress=false 2>"$out/$model.train.log"
done
for chip in "${chips[@]}"; do
  mkdir -p "$out/$chip"
  for model in "${models[@]}"; do
    "$bin/egrl-bench" "$model" --target=nnpi-1000 --evaluator=nnpi-sim \
      --sim-target="$chip" --policy="$out/$model.json" \
      --strategies=ilp,policy,egrl --budgets=50,100,200,500,1000 --seeds=3 \
      --out="$out/$chip/$model" --plot >"$out/$chip/$model.log" 2>&1 ||
      { echo "model-to-chip: $chip/$model failed, see its log" >&2; exit 1; }
  done
done
/usr/bin/python3 "$root/python/transfer_table.py" "$out"
