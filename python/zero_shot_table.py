#!/usr/bin/python3
"""Markdown table of trained policies on held-out models (scripts/zero-shot.sh).

Usage: /usr/bin/python3 python/zero_shot_table.py NAME=DIR...

DIR holds place/bench.json (native, greedy, policy at budget 1) and
search/bench.json (policy, pg, egrl, and anneal when it was run, at several
budgets and seeds). Cells are
speed-ups over native on the measuring chip, medians over seeds; the
"vs greedy" column is the policy's own placement against greedy's.
"""

import json
import statistics
import sys
from collections import defaultdict


def load(path):
    with open(path) as f:
        return json.load(f)


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return
    if len(argv) < 2:
        sys.exit(__doc__.strip())
    budgets = None
    rows = []
    loaded = []
    for arg in argv[1:]:
        name, _, directory = arg.partition("=")
        loaded.append((name, load(f"{directory}/place/bench.json"),
                       load(f"{directory}/search/bench.json")))
    # One set of columns for every row: anneal's when any directory ran it.
    searches = ["policy", "pg", "egrl"]
    if any(run["strategy"] == "anneal"
           for _, _, search in loaded for run in search["runs"]):
        searches.append("anneal")
    for name, place, search in loaded:
        cells = defaultdict(list)
        native = {}
        for run in place["runs"] + search["runs"]:
            native[run["model"]] = run["native_latency_s"]
            cells[(run["model"], run["strategy"], run["budget"])].append(
                run["latency_s"])
        found = sorted({b for (_, s, b) in cells if s == "pg"})
        budgets = budgets or found
        for model in dict.fromkeys(r["model"] for r in place["runs"]):
            def speedup(strategy, budget):
                values = cells.get((model, strategy, budget))
                if not values:
                    return None
                return native[model] / statistics.median(values)
            greedy = speedup("greedy", 1)
            zero = speedup("policy", 1)
            row = [name, model, search.get("sim_target") or "-",
                   f"{native[model] * 1e6:.1f} us", f"{greedy:.3f}x",
                   f"{zero:.3f}x", f"{100 * (zero / greedy - 1):+.2f}%"]
            for strategy in searches:
                for budget in budgets:
                    value = speedup(strategy, budget)
                    row.append("-" if value is None else f"{value:.3f}x")
            rows.append(row)
    head = ["policy", "model", "sim-target", "native", "greedy",
            "policy, no search", "vs greedy"]
    for strategy in searches:
        label = "policy+egrl" if strategy == "policy" else strategy
        head += [f"{label} {b}" for b in budgets]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv)
