#!/usr/bin/env bash
# The evaluators' speeds, as documented (docs/cost-model.md, docs/simulator.md):
# runs egrl-cost-bench and egrl-sim-bench REPS times each (default 5) and
# writes docs/results/speeds.md: per benchmark the median, the range over the
# repetitions, and the ratio to the analytical model's full evaluation of a
# 400-node graph measured in the same run, which holds across machines where
# absolute times do not (they differed by 2x between two 2-core VMs).
# Usage: scripts/bench-speeds.sh [REPS] [out file, default docs/results/speeds.md]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
reps=${1:-5}
out=${2:-$root/docs/results/speeds.md}
# EGRL_BIN: a directory holding other egrl-*-bench binaries (a snapshot).
bin=${EGRL_BIN:-$build/bin}
[[ -n "${EGRL_BIN:-}" ]] || "$root/scripts/build.sh" egrl-cost-bench egrl-sim-bench >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
common=(--benchmark_repetitions="$reps" --benchmark_format=json
        --benchmark_min_time=0.5)
echo "bench-speeds: egrl-cost-bench, $reps repetitions" >&2
"$bin/egrl-cost-bench" "${common[@]}" \
  --benchmark_filter='BM_Analytical(Full|Incremental)/(400|1000)$|BM_Greedy/(400|5000)$' \
  >"$tmp/cost.json"
echo "bench-speeds: egrl-sim-bench, $reps repetitions" >&2
"$bin/egrl-sim-bench" "${common[@]}" \
  --benchmark_filter='BM_SimFull/400$|BM_SimBundled/|BM_SimNative/400$' \
  >"$tmp/sim.json"
mkdir -p "$(dirname "$out")"
/usr/bin/python3 "$root/python/speed_table.py" "$tmp/cost.json" "$tmp/sim.json" >"$out"
echo "bench-speeds: wrote $out" >&2
