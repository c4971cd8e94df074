#!/usr/bin/env bash
# What each part of egrl adds (docs/strategies.md, "What each part adds"):
# builds egrl-bench from HEAD with egrl-parts.patch applied (environment
# switches that turn off the learner, the spare room or the local members;
# kept out of the shipped tree) in a git worktree under OUT, runs egrl as
# shipped and with each part off, model-free, on the bundled models and
# BERT-base at op granularity, and prints the measurements each needs to come
# within 1% of the best-known placement. ABLATION_CORPUS=1 also runs the five
# corpus graphs of docs/mismatch.md, model-free and seeded (about 30 minutes
# more).
# Usage: scripts/ablation/egrl-parts.sh [OUT]   (default: build/ablation;
# about 20 minutes on the 2-core machine, the build included)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$root/build/ablation}" && cd "${1:-$root/build/ablation}" && pwd)
source "$root/scripts/ablation/patched-bench.sh"
patched_bench egrl-parts.patch
declare -A switches=(
  [shipped]="" [no-learner]="EGRL_ABLATE_NO_LEARNER=1"
  [no-spare-room]="EGRL_ABLATE_NO_SPARE_ROOM=1"
  [neither]="EGRL_ABLATE_NO_LEARNER=1 EGRL_ABLATE_NO_SPARE_ROOM=1"
  [no-local]="EGRL_ABLATE_NO_LOCAL=1")
variants=(shipped no-learner no-spare-room neither no-local)
chips=("analytical:--evaluator=analytical" "nnpi-sim:--evaluator=nnpi-sim"
  "fastcompute:--evaluator=nnpi-sim --sim-target=nnpi-1000-fastcompute")
for variant in "${variants[@]}"; do
  mkdir -p "$out/$variant"
  for entry in "${chips[@]}"; do
    chip=${entry%%:*}
    # shellcheck disable=SC2086
    env ${switches[$variant]} "$bench" resnet50 resnet101 bert_base ${entry#*:} \
      --strategies=egrl --budgets=5000 --seeds=3 --out="$out/$variant/$chip" \
      >"$out/$variant/$chip.txt" 2>&1
  done
  # shellcheck disable=SC2086
  env ${switches[$variant]} "$bench" bert_base --granularity=op --evaluator=nnpi-sim \
    --strategies=egrl --budgets=5000 --seeds=3 --out="$out/$variant/op" >"$out/$variant/op.txt" 2>&1
  echo "egrl-parts: $variant done" >&2
done
# The best-known placements (docs/results.md, docs/mismatch.md), so that
# every variant is measured against the same target.
best_fused="--best resnet50=347.4e-6 --best resnet101=632.3e-6"
declare -A best=(
  [analytical]="$best_fused --best bert_base=864.4e-6"
  [nnpi-sim]="$best_fused --best bert_base=864.5e-6"
  [fastcompute]="--best resnet50=207.3e-6 --best resnet101=382.5e-6 --best bert_base=729.7e-6"
  [op]="--best bert_base=1.3524e-3")
for chip in analytical nnpi-sim fastcompute op; do
  echo "== $chip"
  for variant in "${variants[@]}"; do
    # shellcheck disable=SC2086
    echo "$variant: $(/usr/bin/python3 "$root/python/evals_to_target.py" \
      "$out/$variant/$chip/bench.json" ${best[$chip]} 2>/dev/null |
      grep '^| [a-z0-9_]* ([0-9]' | tr '\n' ' ')"
  done
done
if [[ -n ${ABLATION_CORPUS:-} ]]; then
  c=$root/corpus
  for variant in shipped no-learner no-local; do
    for chip in nnpi-1000-fastcompute nnpi-1000-dram40; do
      for from in none model; do
        # shellcheck disable=SC2086
        env ${switches[$variant]} "$bench" "$c/wide_resnet50_2.json" "$c/vgg11.json" \
          "$c/gpt2_6l.json" "$c/gpt2_medium_8l.json" "$c/bert_large_s384.json" \
          --target=nnpi-1000 --evaluator=nnpi-sim --sim-target=$chip --seed-from=$from \
          --strategies=egrl --budgets=1000,5000 --seeds=3 --time-limit=10 \
          --out="$out/$variant/corpus-$chip-$from"
      done
    done
  done
fi
