"""The model-to-chip table of scripts/model-to-chip.sh: per chip and model,
the best latency egrl found, warm (started from a policy pre-trained on the
analytical model, strategy=policy) and cold (egrl from scratch), at each
budget, median of the seeds, as % above the best any run found there (ilp's
placement included); and the chip measurements each needed to come within
1% of that.

Usage: /usr/bin/python3 python/transfer_table.py DIR   (DIR/<chip>/<model>/bench.json)
"""
import glob
import json
import os
import statistics
import sys


def within(run, target):
    """Evaluations after which the run's best was within 1% of target."""
    for evaluations, best, _ in run["history"]:
        if best <= target * 1.01:
            return evaluations
    return None


def main():
    root = sys.argv[1]
    rows = []
    for path in sorted(glob.glob(os.path.join(root, "*", "*", "bench.json"))):
        chip = os.path.basename(os.path.dirname(os.path.dirname(path)))
        runs = json.load(open(path))["runs"]
        model = runs[0]["model"]
        best = min(r["latency_s"] for r in runs if r["valid"])
        ilp = next(r["latency_s"] for r in runs if r["strategy"] == "ilp")
        budgets = sorted({r["budget"] for r in runs if r["strategy"] != "ilp"})
        cells = {}
        for strategy in ("policy", "egrl"):
            for budget in budgets:
                lat = [r["latency_s"] for r in runs
                       if r["strategy"] == strategy and r["budget"] == budget]
                cells[(strategy, budget)] = statistics.median(lat)
            largest = [r for r in runs
                       if r["strategy"] == strategy and r["budget"] == budgets[-1]]
            needed = [within(r, best) for r in largest]
            needed = [n if n is not None else float("inf") for n in needed]
            cells[(strategy, "needed")] = statistics.median(needed)
        rows.append((chip, model, best, ilp, budgets, cells))
    budgets = rows[0][4]
    print("| chip | model | best found (ilp) | " + " | ".join(
        "warm / cold %d" % b for b in budgets) + " | to within 1%: warm / cold |")
    print("|---|---|---:|" + "---:|" * (len(budgets) + 1))
    for chip, model, best, ilp, _, cells in rows:
        gap = lambda v: "%+.1f%%" % (100 * (v / best - 1))
        need = lambda v: "never" if v == float("inf") else "%d" % v
        print("| %s | %s | %.1f µs (%+.1f%%) | %s | %s / %s |" % (
            chip, model, best * 1e6, 100 * (ilp / best - 1),
            " | ".join("%s / %s" % (gap(cells[("policy", b)]), gap(cells[("egrl", b)]))
                       for b in budgets),
            need(cells[("policy", "needed")]), need(cells[("egrl", "needed")])))


if __name__ == "__main__":
    main()
