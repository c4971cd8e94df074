#!/usr/bin/env bash
# A measured lever, not shipped (docs/strategies.md, greedy): greedy followed
# by first-improvement exchanges on the model (greedy-exchange.patch, behind
# EGRL_GREEDY_EXCHANGE=1, kept out of the shipped tree). Builds egrl-bench
# from HEAD with the patch in a git worktree under OUT and prints greedy
# with and without the exchanges, measured on nnpi-sim, on the chips where
# greedy is above the optimum (edge-small, bench/chips/scratch-4m.json), and
# which corpus graphs' greedy placement on nnpi-1000 the exchanges change:
# greedy is the reference of the validation rule that chose the shipped
# policies (docs/training-experiments.md), which is why it is not shipped.
# Usage: scripts/ablation/greedy-exchange.sh [OUT]   (default:
# build/ablation-greedy; about 10 minutes on the 2-core machine, the build
# included)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$root/build/ablation-greedy}" && cd "${1:-$root/build/ablation-greedy}" && pwd)
source "$root/scripts/ablation/patched-bench.sh"
patched_bench greedy-exchange.patch
models=(resnet50 resnet101 bert_base mobilenet_v2)
for chip in edge-small "$root/bench/chips/scratch-4m.json"; do
  for exchange in "" 1; do
    echo "== greedy${exchange:+ with exchanges} on $(basename "$chip" .json)"
    # Set only when on: the patch switches on for any value.
    env ${exchange:+EGRL_GREEDY_EXCHANGE=1} "$bench" "${models[@]}" \
      --target="$chip" --evaluator=nnpi-sim --strategies=greedy 2>/dev/null |
      grep '^[a-z]'
  done
done
echo "== corpus graphs whose greedy placement on nnpi-1000 the exchanges change"
EGRL_GREEDY_EXCHANGE=1 "$bench" "$root"/corpus/*.json --strategies=greedy 2>&1 |
  awk '/^egrl-bench: .*nodes/ {model = $2; sub(":", "", model)}
       /^  greedy/ && !/ 0 exchanges/ {print model}'
