#!/usr/bin/env bash
# The main job: set up, build egrl-opt, and place a model's tensors on the
# NNP-I target with the native compiler heuristic, with greedy and with the
# shipped trained policy (policies/nnpi-1000.json, one forward pass; on
# nnpi-1000 only), printing the summary (predicted latency, speed-up vs
# native, bytes per level).
#
# Usage: scripts/demo.sh [MODEL] [egrl-memory-placement options...]
#   MODEL: a bundled model name (resnet50, resnet101, bert_base,
#          mobilenet_v2, tiny_cnn) or a path to a .mlir file.
#          Default: resnet50.
#   e.g.   scripts/demo.sh bert_base target=edge-small granularity=op
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}

model=${1:-resnet50}
shift || true
if [[ -f "$model" ]]; then
  input=$model
elif [[ -f "$root/models/$model.mlir" ]]; then
  input=$root/models/$model.mlir
else
  echo "demo: no model '$model' (a .mlir file or one of:" \
    "$(cd "$root/models" 2>/dev/null && ls *.mlir 2>/dev/null | sed 's/\.mlir$//' | tr '\n' ' '))" >&2
  exit 1
fi

"$root/scripts/setup.sh"
"$root/scripts/build.sh" egrl-opt EGRLPolicy

options="$*"
if [[ " $options" == *" strategy="* ]]; then
  echo "demo: the demo compares native, greedy and the shipped policy; run another strategy with" \
    "build/bin/egrl-opt MODEL --egrl-memory-placement=\"strategy=...\"" >&2
  exit 1
fi
strategies=(native greedy)
# The shipped policy was trained for nnpi-1000; other targets skip it.
policy=$root/policies/nnpi-1000.json
if [[ -f $policy && " $options" != *" target="* ]]; then
  strategies+=(policy)
fi
for strategy in "${strategies[@]}"; do
  echo "== $strategy on $(basename "$input")"
  extra=
  [[ $strategy == policy ]] && extra="policy=$policy"
  # The summary remark only, unless the run fails: then everything it said.
  if ! out=$("$build/bin/egrl-opt" "$input" -o /dev/null \
    --egrl-memory-placement="strategy=$strategy $extra $options report=$build/demo-$strategy.json" 2>&1); then
    echo "$out" >&2
    exit 1
  fi
  echo "$out" | sed -n 's/.*remark: egrl: //p'
done
echo "reports: $(for s in "${strategies[@]}"; do printf '%s ' "$build/demo-$s.json"; done)"
