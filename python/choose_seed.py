#!/usr/bin/python3
"""Choose among policies trained with different seeds on the validation graphs.

Usage: /usr/bin/python3 python/choose_seed.py SEED=BENCH.json[,BENCH.json...] ...

Each argument names one candidate (its training seed) and the egrl-bench
results (--strategies=greedy,policy) of its policy on the validation graphs
(scripts/validate-fit.sh writes them). The graphs are neither in the corpus
nor held out, so choosing on them is a choice on data the zero-shot results
never see. Candidates are ranked by (docs/training.md, "Choosing the seed"):
  1. how many graphs the policy places within 2% of greedy's placement,
  2. the mean shortfall against greedy (gaps above greedy count as 0),
  3. the lower seed.
Prints one line per candidate, best first, then "chosen: SEED".
"""

import json
import sys


def gaps(paths):
    """Policy against greedy in percent per model (+: the policy is faster)."""
    result = {}
    for path in paths:
        with open(path) as f:
            runs = json.load(f)["runs"]
        latency = {(r["model"], r["strategy"]): r["latency_s"] for r in runs}
        for model in dict.fromkeys(r["model"] for r in runs):
            if model in result:
                sys.exit(f"choose_seed: {model} appears twice in {paths}")
            greedy = latency.get((model, "greedy"))
            policy = latency.get((model, "policy"))
            if greedy is None or policy is None:
                sys.exit(f"choose_seed: {path}: {model} lacks a greedy or "
                         "policy run")
            result[model] = 100 * (greedy / policy - 1)
    return result


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(argv) > 1 else 2
    candidates = []
    for arg in argv[1:]:
        seed, sep, paths = arg.partition("=")
        if not sep or not seed.isdigit() or not paths:
            sys.exit(f"choose_seed: expected SEED=BENCH.json[,...], got '{arg}'")
        candidates.append((int(seed), gaps(paths.split(","))))
    models = set(candidates[0][1])
    for seed, by_model in candidates:
        if set(by_model) != models:
            sys.exit(f"choose_seed: seed {seed} was measured on other graphs "
                     f"than seed {candidates[0][0]}")

    def score(by_model):
        """Graphs within 2% of greedy, and the mean shortfall (<= 0)."""
        within = sum(g >= -2.0 for g in by_model.values())
        shortfall = sum(min(g, 0.0) for g in by_model.values()) / len(by_model)
        return within, shortfall

    scored = [(seed, by_model, *score(by_model)) for seed, by_model in candidates]
    ranked = sorted(scored, key=lambda c: (-c[2], -c[3], c[0]))
    for seed, by_model, within, shortfall in ranked:
        worst = min(by_model, key=by_model.get)
        print(f"seed {seed}: {within} of {len(by_model)} within 2% of greedy, "
              f"mean shortfall {shortfall:.2f}%, worst {by_model[worst]:+.2f}% "
              f"({worst})")
    print(f"chosen: {ranked[0][0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
