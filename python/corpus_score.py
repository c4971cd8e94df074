#!/usr/bin/python3
"""Scores trained policies on the graphs they were trained on, to choose
between training seeds without looking at held-out models.

Usage: corpus_score.py NAME=bench.json...
Each bench.json is `egrl-bench --strategies=policy --budgets=1` over the
corpus; the score is the geometric mean over graphs of the policy's
speed-up over native (its placement with no search). Prints one line per
policy, best first, and the best name last on its own line.
"""

import json
import math
import sys


def score(path):
    with open(path) as f:
        runs = json.load(f)["runs"]
    logs = [math.log(r["native_latency_s"] / r["latency_s"])
            for r in runs if r["strategy"] == "policy" and r["valid"]]
    if not logs or len(logs) != sum(r["strategy"] == "policy" for r in runs):
        sys.exit(f"corpus_score: {path}: a policy placement is missing or invalid")
    return math.exp(sum(logs) / len(logs)), len(logs)


def main(args):
    if not args or any("=" not in a for a in args):
        sys.exit(__doc__)
    scores = []
    for arg in args:
        name, path = arg.split("=", 1)
        value, graphs = score(path)
        scores.append((value, name, graphs))
    scores.sort(key=lambda s: (-s[0], s[1]))
    for value, name, graphs in scores:
        print(f"{name}: {value:.4f}x geomean over {graphs} corpus graphs",
              file=sys.stderr)
    print(scores[0][1])


if __name__ == "__main__":
    main(sys.argv[1:])
