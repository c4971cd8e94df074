#!/usr/bin/env bash
# How the black-box searches degrade with measurement noise (issue 10):
# nnpi-sim measured through copies of nnpi-1000 whose measurements carry
# noise_stddev 1%, 3% and 10% (docs/simulator.md rule 11), each search with
# one measurement per placement and with repeats=3 (the incumbent kept by
# its median), judged by the noise-free latency of the placement it returns.
# Usage: scripts/bench-noise.sh [out dir, default docs/results/noise]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
out=${1:-$root/docs/results/noise}
# EGRL_BENCH: another egrl-bench binary (a snapshot, while developing).
bench=${EGRL_BENCH:-$build/bin/egrl-bench}
[[ -n "${EGRL_BENCH:-}" ]] || "$root/scripts/build.sh" egrl-bench >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # sigma repeats
  local chip=$tmp/nnpi-1000-noise$1.json
  /usr/bin/python3 - "$root/targets/nnpi-1000.json" "$chip" "$1" <<'PY'
import json, sys
target = json.load(open(sys.argv[1]))
target["name"] = "nnpi-1000-noise" + sys.argv[3]
target.setdefault("sim", {})["noise_stddev"] = float(sys.argv[3])
target["sim"]["noise_seed"] = 7
json.dump(target, open(sys.argv[2], "w"), indent=1)
PY
  "$bench" resnet50 bert_base --evaluator=nnpi-sim \
    --sim-target="$chip" --strategies=pg,ea,egrl --budgets=1000 --seeds=3 \
    --repeats="$2" --out="$out/sigma$1-repeats$2" >/dev/null
}
run 0 1
for sigma in 0.01 0.03 0.1; do
  run "$sigma" 1
  run "$sigma" 3
done
/usr/bin/python3 "$root/python/noise_table.py" "$out" | tee "$out/table.md"
