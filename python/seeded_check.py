#!/usr/bin/python3
"""Is every model-seeded search at least as fast as the best model-based
placement? (Issue 9: "never slower than the best model-based placement at any
budget >= 100".)

Reads egrl-bench's bench.json files. The model-based placements are the runs
of native, greedy, dp and ilp, as measured on the evaluator (and sim-target)
of their file (same target, sim-target, evaluator and granularity); the
seeded runs are those of files written with --seed-from=model, an invalid one
counting as slower. Seeded searches start from native, greedy, ilp and dp
(dp since 2026-12-07), so a slower run is a budget too small to measure them
all, or a bug; each seed's run counts, not the median. Prints one line per
(chip, model, strategy): the best model-based placement and the slowest
seeded run at each budget against it, then per strategy how many (chip,
model, budget) cells at a budget of 100 or more hold a slower run. A report:
it exits 0 either way.

Usage: /usr/bin/python3 python/seeded_check.py BENCH_JSON...
"""
import json
import sys
from collections import defaultdict

MODEL_BASED = ("native", "greedy", "dp", "ilp")
MIN_BUDGET = 100
# Latencies are deterministic; this absorbs printing and summation order only.
TOLERANCE = 1e-9


def main(paths):
    if paths and paths[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    if not paths:
        sys.exit(__doc__.strip())
    best = {}  # (chip, model) -> (latency, strategy)
    seeded = defaultdict(list)  # (chip, model, strategy, budget) -> latencies
    for path in paths:
        with open(path) as f:
            document = json.load(f)
        # One chip and problem: the model's target, the chip measured, the
        # evaluator and the granularity (a fused and an op graph differ).
        chip = "%s%s (%s, %s)" % (
            document["target"],
            " on " + document["sim_target"] if document.get("sim_target") else "",
            document["evaluator"], document.get("granularity", "fused"))
        for run in document["runs"]:
            key = (chip, run["model"])
            if run["strategy"] in MODEL_BASED:
                if run["valid"] and (key not in best
                                     or run["latency_s"] < best[key][0]):
                    best[key] = (run["latency_s"], run["strategy"])
            elif document.get("seed_from") == "model":
                # An invalid seeded result is slower than any valid one.
                latency = run["latency_s"] if run["valid"] else float("inf")
                seeded[key + (run["strategy"], run["budget"])].append(latency)
    lines = defaultdict(list)
    failures = defaultdict(int)
    cells = defaultdict(int)
    for (chip, model, strategy, budget), values in sorted(seeded.items()):
        if (chip, model) not in best or budget < MIN_BUDGET:
            continue
        reference = best[(chip, model)][0]
        worst = max(values)
        slower = worst > reference * (1 + TOLERANCE)
        failures[strategy] += slower
        cells[strategy] += 1
        lines[(chip, model, strategy)].append(
            "%d: %+.2f%%%s" % (budget, 100 * (worst / reference - 1),
                               " SLOWER" if slower else ""))
    if not cells:
        sys.exit("seeded_check: no seeded run at a budget of %d or more beside "
                 "a model-based one" % MIN_BUDGET)
    for (chip, model, strategy), row in lines.items():
        latency, source = best[(chip, model)]
        print("- %s, %s, %s seeded (slowest seed at each budget, against %s's "
              "%.1f us): %s" % (chip, model, strategy, source, latency * 1e6,
                                ", ".join(row)))
    print()
    for strategy in sorted(cells):
        print("%s seeded: %d of %d (chip, model, budget) cells have a run "
              "slower than the best model-based placement" % (
                  strategy, failures[strategy], cells[strategy]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
