#!/usr/bin/env bash
# Trains the shipped policies (policies/README.md): one per chip, each on
# corpus/ (which holds none of the held-out bert_base, resnet101,
# mobilenet_v2), measured on nnpi-sim, with the compiler believing nnpi-1000.
# Training is unstable across seeds, so each chip is trained with several
# seeds and the policy that places the corpus best (python/corpus_score.py:
# geometric mean of its speed-up over native with no search, on the graphs
# it was trained on; no held-out model is looked at) is shipped.
# Usage: scripts/train-policies.sh [name...]   (default: all four)
#   names: nnpi-1000 nnpi-1000-fastcompute nnpi-1000-slowllc nnpi-1000-dram40
# EGRL_TRAIN_BUDGET overrides the evaluations per policy (default 250000),
# EGRL_TRAIN_SEEDS the seeds (default "0 1 2"). Each seed's policy, curves
# (<name>-s<seed>-{graphs,losses}.csv, .png) and corpus placement go to
# build/train/; the chosen one is copied to policies/<name>.json.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
budget=${EGRL_TRAIN_BUDGET:-250000}
read -r -a seeds <<<"${EGRL_TRAIN_SEEDS:-0 1 2}"
names=("$@")
[[ ${#names[@]} -gt 0 ]] ||
  names=(nnpi-1000 nnpi-1000-fastcompute nnpi-1000-slowllc nnpi-1000-dram40)
mkdir -p "$build/train" "$root/policies"
revision=$(cd "$root" && git describe --always --dirty)
for name in "${names[@]}"; do
  sim=()
  [[ $name != nnpi-1000 ]] && sim=(--sim-target="$name")
  scored=()
  for seed in "${seeds[@]}"; do
    run=$build/train/$name-s$seed
    (cd "$root" && "$build/bin/egrl-train" --corpus=corpus --target=nnpi-1000 \
      "${sim[@]}" --evaluator=nnpi-sim --budget="$budget" --seed="$seed" \
      --output="$run.json" --curves="$run" --progress=false --revision="$revision")
    /usr/bin/python3 "$root/python/plot_training.py" "$run" >/dev/null
    "$build/bin/egrl-bench" "$root"/corpus/*.json --target=nnpi-1000 "${sim[@]}" \
      --evaluator=nnpi-sim --policy="$run.json" --strategies=policy --budgets=1 \
      --seeds=1 --out="$run.corpus" >/dev/null 2>&1
    scored+=("$seed=$run.corpus/bench.json")
  done
  best=$(/usr/bin/python3 "$root/python/corpus_score.py" "${scored[@]}")
  cp "$build/train/$name-s$best.json" "$root/policies/$name.json"
  echo "train-policies: $name: seed $best shipped" >&2
done
