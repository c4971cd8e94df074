#!/usr/bin/env bash
# Trains the shipped policies (policies/README.md): one per chip, each on
# corpus/ (which holds none of the held-out bert_base, resnet101,
# mobilenet_v2), measured on nnpi-sim, with the compiler believing nnpi-1000.
# Usage: scripts/train-policies.sh [name...]   (default: all four)
#   names: nnpi-1000 nnpi-1000-fastcompute nnpi-1000-slowllc nnpi-1000-dram40
# EGRL_TRAIN_BUDGET overrides the evaluations per policy (default 250000).
# Curves go to build/train/<name>-{graphs,losses}.csv and <name>.png.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
budget=${EGRL_TRAIN_BUDGET:-250000}
names=("$@")
[[ ${#names[@]} -gt 0 ]] ||
  names=(nnpi-1000 nnpi-1000-fastcompute nnpi-1000-slowllc nnpi-1000-dram40)
mkdir -p "$build/train" "$root/policies"
# Taken once: the policies this script writes would make later ones "-dirty".
revision=$(cd "$root" && git describe --always --dirty)
for name in "${names[@]}"; do
  sim=()
  [[ $name != nnpi-1000 ]] && sim=(--sim-target="$name")
  (cd "$root" && "$build/bin/egrl-train" --corpus=corpus --target=nnpi-1000 \
    "${sim[@]}" --evaluator=nnpi-sim --budget="$budget" --seed=0 \
    --output="policies/$name.json" --curves="$build/train/$name" --progress=false \
    --revision="$revision")
  /usr/bin/python3 "$root/python/plot_training.py" "$build/train/$name" >/dev/null
done
