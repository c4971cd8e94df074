#!/usr/bin/python3
"""Measurements each search needs to come within X% of the best-known placement.

Reads egrl-bench's bench.json files (their runs carry best-so-far histories),
takes as best-known the lowest latency any run of a model reached (ilp and the
model-based strategies included, when the files hold them; --best adds others,
e.g. from another evaluator's run of the same chip), and prints per model and
strategy (at its largest budget) the median over seeds of the evaluations after which the best-so-far
latency is within the tolerance, or "never" when a run did not get there.

  /usr/bin/python3 python/evals_to_target.py out/bench.json [more.json ...]
      [--tolerance 0.01] [--best resnet50=347.4e-6 ...]
"""

import argparse
import json
import sys


def evaluations_to(history, target):
    """First evaluation count whose best-so-far latency is <= target."""
    for evaluations, latency, _ in history:
        if latency > 0 and latency <= target:
            return evaluations
    return None


def median(values):
    """Median that treats None (never) as larger than any count."""
    key = sorted(values, key=lambda v: float("inf") if v is None else v)
    return key[len(key) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--best", action="append", default=[],
                        help="MODEL=SECONDS, a best-known latency from "
                        "elsewhere")
    args = parser.parse_args()

    runs = []
    for path in args.files:
        with open(path) as f:
            runs += json.load(f)["runs"]
    best = {}
    for run in runs:
        if run["valid"]:
            model = run["model"]
            best[model] = min(best.get(model, float("inf")), run["latency_s"])
    for item in args.best:
        model, seconds = item.split("=")
        best[model] = min(best.get(model, float("inf")), float(seconds))

    # Each search at its largest budget (a run at a smaller budget may
    # schedule itself differently, e.g. anneal's temperature).
    largest = {}
    for run in runs:
        key = (run["model"], run["strategy"])
        largest[key] = max(largest.get(key, 0), run["budget"])
    table = {}
    for run in runs:
        if not run["history"]:
            continue
        if run["budget"] != largest[(run["model"], run["strategy"])]:
            continue
        target = best[run["model"]] * (1 + args.tolerance)
        table.setdefault((run["model"], run["strategy"]), []).append(
            evaluations_to(run["history"], target))

    models = list(dict.fromkeys(model for model, _ in table))
    strategies = list(dict.fromkeys(strategy for _, strategy in table))
    print("| model (best-known) | " + " | ".join(strategies) + " |")
    print("|---|" + "---:|" * len(strategies))
    for model in models:
        cells = []
        for strategy in strategies:
            values = table.get((model, strategy))
            if values is None:
                cells.append("")
                continue
            m = median(values)
            cells.append("never" if m is None else str(m))
        print("| %s (%.1f us) | %s |" % (model, best[model] * 1e6,
                                        " | ".join(cells)))
    print("\nEvaluations to come within %g%% of the best-known latency, median "
          "over seeds (never: the median run did not)." %
          (100 * args.tolerance), file=sys.stderr)


if __name__ == "__main__":
    main()
