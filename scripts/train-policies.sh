#!/usr/bin/env bash
# Trains the shipped policies (policies/README.md): one per chip, each on
# corpus/ (which holds none of the held-out bert_base, resnet101,
# mobilenet_v2), measured on nnpi-sim, with the compiler believing nnpi-1000.
# Each chip is trained once per seed (EGRL_TRAIN_SEEDS, default "0 1 2"),
# and python/choose_seed.py keeps the seed whose policy places the validation
# graphs of scripts/validate-fit.sh (in neither the corpus nor the held-out
# set) best against greedy: docs/training.md, "Choosing the seed".
# Usage: scripts/train-policies.sh [name...]   (default: all four)
#   names: nnpi-1000 nnpi-1000-fastcompute nnpi-1000-slowllc nnpi-1000-dram40
# EGRL_TRAIN_BUDGET overrides the evaluations per policy (default 250000).
# About 3 min per training on one core, and 1 min per policy to validate
# (the first run also imports the validation graphs, about 5 min).
# Each seed's files go to build/train/seed<N>/: <name>.json, the curves
# <name>-{graphs,losses}.csv and <name>.png, and validation/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
budget=${EGRL_TRAIN_BUDGET:-250000}
read -r -a seeds <<<"${EGRL_TRAIN_SEEDS:-0 1 2}"
[[ ${#seeds[@]} -gt 0 ]] || { echo "train-policies: EGRL_TRAIN_SEEDS is empty" >&2; exit 2; }
names=("$@")
[[ ${#names[@]} -gt 0 ]] ||
  names=(nnpi-1000 nnpi-1000-fastcompute nnpi-1000-slowllc nnpi-1000-dram40)
mkdir -p "$root/policies"
# Taken once: the policies this script writes would make later ones "-dirty".
revision=$(cd "$root" && git describe --always --dirty)
for name in "${names[@]}"; do
  sim=()
  [[ $name != nnpi-1000 ]] && sim=(--sim-target="$name")
  candidates=()
  for seed in "${seeds[@]}"; do
    dir=$build/train/seed$seed
    mkdir -p "$dir"
    (cd "$root" && "$build/bin/egrl-train" --corpus=corpus --target=nnpi-1000 \
      "${sim[@]}" --evaluator=nnpi-sim --budget="$budget" --seed="$seed" \
      --output="$dir/$name.json" --curves="$dir/$name" --progress=false \
      --revision="$revision")
    /usr/bin/python3 "$root/python/plot_training.py" "$dir/$name" >/dev/null
    [[ ${#seeds[@]} -gt 1 ]] || break
    # validate-fit.sh's flag for each set, and the list it writes results as.
    results=()
    for set in :NAMES --torchvision:TORCHVISION --fresh:FRESH \
      --fresh-torchvision:FRESH_TORCHVISION; do
      EGRL_VALIDATION_RESULTS=$dir/validation \
        "$root/scripts/validate-fit.sh" ${set%%:*} "$dir/$name.json" >/dev/null
      results+=("$dir/validation/results-${set#*:}/$name/bench.json")
    done
    candidates+=("$seed=$(IFS=,; echo "${results[*]}")")
  done
  chosen=${seeds[0]}
  if [[ ${#seeds[@]} -gt 1 ]]; then
    echo "$name:"
    /usr/bin/python3 "$root/python/choose_seed.py" "${candidates[@]}" |
      tee "$build/train/$name-seeds.txt"
    chosen=$(sed -n 's/^chosen: //p' "$build/train/$name-seeds.txt")
  fi
  cp "$build/train/seed$chosen/$name.json" "$root/policies/$name.json"
done
