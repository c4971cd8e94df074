#!/usr/bin/env bash
# The shipped policies against greedy on the validation graphs
# (python/validation_models.py: transformers in neither the corpus nor the
# held-out set), with no search, on nnpi-sim measuring each policy's chip:
# how a rule about policies chosen with the held-out models in view fares on
# graphs that played no part in choosing it (docs/policy.md). Imports the
# graphs once into build/validation/validation_models/ (about 2 min), then
# about 1 min; results in build/validation/results-<set>/ (under
# $EGRL_VALIDATION_RESULTS instead when set: scripts/train-policies.sh keeps
# each seed's apart).
# With --torchvision, the same for validation_models.TORCHVISION instead:
# torchvision models outside the corpus and the held-out set (about 1 min to
# import); one choice was made on them with the transformers (docs/training.md,
# "Starting the search from the policy").
# With --fresh or --fresh-torchvision, validation_models.FRESH (transformers)
# or FRESH_TORCHVISION: a third set, made for the ensemble decision
# (docs/training.md), imported into the same directories.
# With --modern, validation_models.MODERN: families the corpus holds none of
# (LLaMA-style decoders, a T5 encoder, Whisper's audio encoder, a diffusion
# UNet; python/egrl_import/modern_models.py), about 2 min to import.
# Usage: scripts/validate-fit.sh [--torchvision|--fresh|--fresh-torchvision|--modern] [policy.json...]   (default: policies/*.json)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
list=NAMES source=validation_models
if [[ ${1:-} == --torchvision ]]; then
  list=TORCHVISION source=torchvision
  shift
elif [[ ${1:-} == --fresh ]]; then
  list=FRESH source=validation_models
  shift
elif [[ ${1:-} == --fresh-torchvision ]]; then
  list=FRESH_TORCHVISION source=torchvision
  shift
elif [[ ${1:-} == --modern ]]; then
  list=MODERN source=validation_models
  shift
fi
# Graphs are imported once per source; results go under one directory per
# set, so that the sets sharing a source do not overwrite each other's.
graphsDir=$build/validation/$source
out=${EGRL_VALIDATION_RESULTS:-$build/validation}/results-$list
mkdir -p "$graphsDir" "$out"
trap 'echo "validate-fit: failed; see $graphsDir/*.import*.log and $out/*.log" >&2' ERR
names=$(cd "$root/python" && /usr/bin/python3 -c "import validation_models as v; print(' '.join(v.$list))")
# The torchvision sets were measured at 224 x 224; egrl-import now defaults a
# classifier to the size its weights document (299, 384, 600, ...), so the
# size is given to keep the recorded sets reproducible.
shape=()
[[ $source == torchvision ]] && shape=(--input-shape 1,3,224,224)
graphs=()
for name in $names; do
  # Imported to a temporary name of this process, so a failed import leaves
  # nothing a later run would take for done, and two runs side by side
  # (scripts/train-policies.sh for two chips) never write one file together:
  # each renames a whole import into place.
  if [[ ! -f $graphsDir/$name.mlir ]]; then
    PYTHONPATH="$root/python" /usr/bin/python3 "$root/python/egrl-import" torch \
      "$source:$name" "${shape[@]}" -o "$graphsDir/$name.mlir.part$$" 2>"$graphsDir/$name.import$$.log"
    mv "$graphsDir/$name.import$$.log" "$graphsDir/$name.import.log"
    mv "$graphsDir/$name.mlir.part$$" "$graphsDir/$name.mlir"
  fi
  graphs+=("$graphsDir/$name.mlir")
done
policies=("$@")
[[ ${#policies[@]} -gt 0 ]] || policies=("$root"/policies/*.json)
echo "| policy | model | greedy | policy, no search | vs greedy |"
echo "|---|---|---:|---:|---:|"
for policy in "${policies[@]}"; do
  name=$(basename "$policy" .json)
  read -r target sim < <(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["target"], d["sim_target"] or "")' "$policy")
  args=(--target="$target" --evaluator=nnpi-sim --policy="$policy")
  [[ -n $sim ]] && args+=(--sim-target="$sim")
  "$build/bin/egrl-bench" "${graphs[@]}" "${args[@]}" --strategies=greedy,policy \
    --budgets=1 --seeds=1 --out="$out/$name" >"$out/$name.log" 2>&1
  /usr/bin/python3 - "$out/$name/bench.json" "$name" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
latency = {(r["model"], r["strategy"]): r["latency_s"] for r in runs}
for model in dict.fromkeys(r["model"] for r in runs):
    g, p = latency[(model, "greedy")], latency[(model, "policy")]
    print(f"| {sys.argv[2]} | {model} | {g * 1e6:.1f} us | {p * 1e6:.1f} us | {100 * (g / p - 1):+.2f}% |")
PY
done
