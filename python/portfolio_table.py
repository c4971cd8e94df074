#!/usr/bin/python3
"""The portfolio table of docs/mismatch.md: `portfolio` against ilp's placement
and against the best median any search reached, per (chip, model).

Reads egrl-bench's bench.json files. PORTFOLIO_JSON holds runs of ilp and
portfolio (`egrl-bench ... --sim-target=CHIP --strategies=ilp,portfolio`); the
SEARCH_JSON files are the mismatch tables' (model-free and seeded), whose
search runs of the same model and sim-target are grouped by strategy, seed-from
and budget (up to 5,000) and reduced to their median over seeds. Prints one
Markdown row per model of PORTFOLIO_JSON that some search ran on.

Usage: /usr/bin/python3 python/portfolio_table.py PORTFOLIO_JSON SEARCH_JSON...
"""
import json
import statistics
import sys
from collections import defaultdict

MODEL_BASED = ("native", "greedy", "dp", "ilp", "portfolio")
MAX_BUDGET = 5000


def load(path):
    with open(path) as f:
        data = json.load(f)
    return data.get("sim_target") or data.get("target") or "-", data.get("seed_from", "none"), data["runs"]


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    chip, _, runs = load(argv[0])
    planned = {(r["model"], r["strategy"]): r for r in runs}
    searched = defaultdict(list)
    for path in argv[1:]:
        search_chip, seed_from, search_runs = load(path)
        if search_chip != chip:
            continue
        for r in search_runs:
            if r["strategy"] in MODEL_BASED or r["budget"] > MAX_BUDGET:
                continue
            searched[(r["model"], f'{r["strategy"]} {seed_from} {r["budget"]}')].append(r["latency_s"])
    for (model, strategy), run in planned.items():
        if strategy != "portfolio" or (model, "ilp") not in planned:
            continue
        medians = [(statistics.median(lat), which) for (m, which), lat in searched.items() if m == model]
        if not medians:
            continue
        best, which = min(medians)
        ilp = planned[(model, "ilp")]["latency_s"]
        winner = run.get("detail", "").split("the fastest planned on ")[-1]
        print(f"| `{chip}` | {model} | {ilp * 1e6:.1f} µs | {100 * (run['latency_s'] / ilp - 1):+.2f}% "
              f"({run['evaluations']}; {winner}) | {100 * (best / ilp - 1):+.2f}% ({which}) |")


if __name__ == "__main__":
    main(sys.argv[1:])
