#!/usr/bin/env bash
# Throughput of the MPI evaluation pool against its number of workers
# (docs/scale-out.md, "Figures"): a random search (batches of 256) on
# resnet50, measured on
#   - a slow card: bench/sleepy-chip.py, an external command that sleeps
#     20 ms per placement, one per worker;
#   - nnpi-sim workers (CPU-bound: bounded by the machine's cores);
# and the pool's cost per evaluation on rank 0 (analytical workers, the
# fastest evaluator, so the pool is all there is to measure).
# Usage: scripts/bench-scale-out.sh [workers...]   (default: 1 2 4 8 16)
# Not run by the tests: it takes a few minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
bench="$build/bin/egrl-bench"
workers=("$@")
[[ ${#workers[@]} -gt 0 ]] || workers=(1 2 4 8 16)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpirun=(mpirun --oversubscribe --mca orte_abort_on_non_zero_status 0)
sleep_s=0.02

# Prints "evaluations wall-seconds" of the one run in egrl-bench's table.
run() {
  "$@" 2>/dev/null | awk '$2 == "random" { print $(NF-1), $NF }'
}

echo "machine: $(uname -n), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo
echo "## Slow card: external command sleeping ${sleep_s} s per placement"
echo "| workers | evaluations | wall s | evaluations/s | vs N x one worker |"
echo "|---:|---:|---:|---:|---:|"
one=""
for n in "${workers[@]}"; do
  budget=$((150 * n))
  read -r evals wall < <(run "${mpirun[@]}" -n $((n + 1)) "$bench" resnet50 \
    --strategies=random --budgets=$budget --seeds=1 \
    --evaluator="external:$root/bench/sleepy-chip.py $sleep_s")
  rate=$(awk -v e="$evals" -v w="$wall" 'BEGIN { printf "%.1f", e / w }')
  [[ -n $one ]] || one=$rate
  eff=$(awk -v r="$rate" -v o="$one" -v n="$n" 'BEGIN { printf "%.2f", r / (n * o) }')
  echo "| $n | $evals | $wall | $rate | $eff |"
done

echo
echo "## nnpi-sim workers (CPU-bound: $(nproc) cores)"
echo "| workers | evaluations | wall s | evaluations/s |"
echo "|---:|---:|---:|---:|"
read -r evals wall < <(run "$bench" resnet50 --strategies=random \
  --budgets=20000 --seeds=1 --evaluator=nnpi-sim)
echo "| no MPI, 1 thread | $evals | $wall | $(awk -v e="$evals" -v w="$wall" 'BEGIN { printf "%.0f", e / w }') |"
for n in "${workers[@]}"; do
  read -r evals wall < <(run "${mpirun[@]}" -n $((n + 1)) "$bench" resnet50 \
    --strategies=random --budgets=20000 --seeds=1 --evaluator=nnpi-sim)
  echo "| $n | $evals | $wall | $(awk -v e="$evals" -v w="$wall" 'BEGIN { printf "%.0f", e / w }') |"
done

echo
echo "## Pool cost per evaluation (analytical workers, resnet50)"
read -r evals wall < <(run "$bench" resnet50 --strategies=random \
  --budgets=50000 --seeds=1 --evaluator=analytical)
local_us=$(awk -v e="$evals" -v w="$wall" 'BEGIN { printf "%.2f", w / e * 1e6 }')
echo "no MPI: $local_us us per evaluation"
for n in 1 2; do
  # Rank 0's CPU time as well as the wall time: what the pool costs the
  # learner's process, whatever the workers do.
  out=$("${mpirun[@]}" -n $((n + 1)) sh -c 'if [ "$OMPI_COMM_WORLD_RANK" = 0 ]; then exec /usr/bin/time -f "rank0-cpu %U %S" "$0" "$@"; else exec "$0" "$@"; fi' \
    "$bench" resnet50 --strategies=random --budgets=50000 --seeds=1 \
    --evaluator=analytical 2>&1)
  read -r evals wall < <(echo "$out" | awk '$2 == "random" { print $(NF-1), $NF }')
  cpu=$(echo "$out" | awk '$1 == "rank0-cpu" { print $2 + $3 }')
  echo "$n worker(s): $(awk -v e="$evals" -v w="$wall" 'BEGIN { printf "%.2f", w / e * 1e6 }') us wall per evaluation;" \
    "rank 0 CPU (whole run, incl. start-up) $(awk -v e="$evals" -v c="$cpu" 'BEGIN { printf "%.2f", c / e * 1e6 }') us per evaluation"
done
