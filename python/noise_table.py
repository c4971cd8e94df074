"""The noise table of scripts/bench-noise.sh: for each model and search, the
noise-free latency of the placement it returned (median of its seeds), as %
above the same search's result without noise.

Usage: /usr/bin/python3 python/noise_table.py DIR   (DIR/sigma*-repeats*/bench.json)
"""
import glob
import json
import os
import re
import statistics
import sys


def main():
    root = sys.argv[1]
    results = {}  # (sigma, repeats) -> (model, strategy) -> median latency
    for path in glob.glob(os.path.join(root, "sigma*-repeats*", "bench.json")):
        match = re.search(r"sigma([0-9.]+)-repeats(\d+)", path)
        key = (float(match.group(1)), int(match.group(2)))
        runs = {}
        for run in json.load(open(path))["runs"]:
            latency = run.get("noise_free_latency_s", run["latency_s"])
            runs.setdefault((run["model"], run["strategy"]), []).append(latency)
        results[key] = {k: statistics.median(v) for k, v in runs.items()}
    if (0.0, 1) not in results:
        sys.exit("noise_table.py: no noise-free run (sigma0-repeats1) in " + root)
    clean = results[(0.0, 1)]
    columns = sorted(k for k in results if k != (0.0, 1))
    header = "| model | search | no noise |" + "".join(
        " σ %g%%, %s |" % (100 * s, "1 measurement" if r == 1 else "repeats=%d" % r)
        for s, r in columns)
    print(header)
    print("|---|---|---:|" + "---:|" * len(columns))
    for model, strategy in sorted(clean):
        base = clean[(model, strategy)]
        cells = ["%.1f µs" % (base * 1e6)]
        for key in columns:
            latency = results[key].get((model, strategy))
            cells.append("%+.2f%%" % (100 * (latency / base - 1)) if latency else "–")
        print("| %s | %s | %s |" % (model, strategy, " | ".join(cells)))


if __name__ == "__main__":
    main()
