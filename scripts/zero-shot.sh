#!/usr/bin/env bash
# Zero-shot table of trained policies on the held-out models (docs/training.md).
# Usage: scripts/zero-shot.sh [policy.json...]   (default: policies/*.json)
# Environment: ZERO_SHOT_BUDGETS (100,200,1000), ZERO_SHOT_SEEDS (3),
# ZERO_SHOT_MODELS (the held-out three), ZERO_SHOT_OUT (build/zero-shot),
# EGRL_BUILD_DIR.
# For each policy, on the models (by default bert_base, resnet101 and
# mobilenet_v2, fused) on nnpi-sim with the policy's own sim-target: native,
# greedy, the policy with no search, strategy=policy refined at each budget,
# and the model-free searches pg, egrl and anneal (from native) cold at the
# same budgets (medians over the seeds). Writes
# $out/<policy>/{place,search}/bench.json and prints the table.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
out=${ZERO_SHOT_OUT:-$build/zero-shot}
# A failing bench run shows its log instead of failing silently.
trap 'echo "zero-shot: failed; see $out/*.log" >&2' ERR
budgets=${ZERO_SHOT_BUDGETS:-100,200,1000}
seeds=${ZERO_SHOT_SEEDS:-3}
# ZERO_SHOT_MODELS (space-separated names or files) replaces the held-out
# three, e.g. with the fresh validation graphs scripts/validate-fit.sh --fresh
# and --fresh-torchvision import (docs/training.md).
read -r -a models <<<"${ZERO_SHOT_MODELS:-bert_base resnet101 mobilenet_v2}"
policies=("$@")
[[ ${#policies[@]} -gt 0 ]] || policies=("$root"/policies/*.json)
dirs=()
for policy in "${policies[@]}"; do
  name=$(basename "$policy" .json)
  read -r target sim < <(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["target"], d["sim_target"] or "")' "$policy")
  common=(--target="$target" --evaluator=nnpi-sim --policy="$policy")
  [[ -n $sim ]] && common+=(--sim-target="$sim")
  mkdir -p "$out"
  # The policy with no search is budget 1: its placement, measured once.
  "$build/bin/egrl-bench" "${models[@]}" "${common[@]}" \
    --strategies=native,greedy,policy --budgets=1 --seeds=1 --out="$out/$name/place" \
    >"$out/$name.place.log" 2>&1
  "$build/bin/egrl-bench" "${models[@]}" "${common[@]}" \
    --strategies=policy,pg,egrl,anneal --budgets="$budgets" --seeds="$seeds" --out="$out/$name/search" \
    >"$out/$name.search.log" 2>&1
  dirs+=("$name=$out/$name")
  echo "zero-shot: $name done (logs: $out/$name.*.log)" >&2
done
/usr/bin/python3 "$root/python/zero_shot_table.py" "${dirs[@]}"
