#!/usr/bin/python3
"""Which tensors two runs of egrl-bench placed differently.

Usage: /usr/bin/python3 python/placement_diff.py BENCH.json MODEL A B

BENCH.json is written by `egrl-bench ... --placements --out=DIR`. A and B
each pick runs of MODEL: STRATEGY, STRATEGY:BUDGET or STRATEGY:BUDGET:SEED;
when several runs match, the fastest is taken (and named). Prints every
tensor (a node's weights or its output) the two placements put on different
levels, largest first, then the bytes each change of level moves: what to
read when one strategy beats another, to find why (docs/results.md).
"""

import json
import signal
import sys


def pick(runs, model, selector):
    """The fastest run of `model` that `selector` matches, or an error."""
    parts = selector.split(":")
    if not 1 <= len(parts) <= 3 or not parts[0] or not all(p.isdigit() for p in parts[1:]):
        sys.exit(f"placement_diff: '{selector}' is not STRATEGY[:BUDGET[:SEED]]")
    matches = [r for r in runs if r["model"] == model and r["strategy"] == parts[0]
               and (len(parts) < 2 or r["budget"] == int(parts[1]))
               and (len(parts) < 3 or r["seed"] == int(parts[2]))]
    if not matches:
        sys.exit(f"placement_diff: no run of {model} matches '{selector}'")
    run = min(matches, key=lambda r: r["latency_s"])
    if "placement" not in run:
        sys.exit("placement_diff: the runs have no placements: run egrl-bench with --placements")
    return run


def describe(run):
    # A strategy with one measurement (native, greedy, ilp) runs once.
    budget = f" budget {run['budget']} seed {run['seed']}" if run["evaluations"] > 1 else ""
    return f"{run['strategy']}{budget} ({run['latency_s'] * 1e6:.1f} us)"


def mib(n):
    """Bytes as the tools print them: MiB, KiB, or bytes under one KiB (not "0.0 KiB")."""
    if n >= 2**20:
        return f"{n / 2**20:.2f} MiB"
    return f"{n / 2**10:.1f} KiB" if n >= 2**10 else f"{n} B"


def diff(document, model, a, b):
    """Rows (bytes, node, tensor, level in a, level in b) that differ."""
    graph = document.get("graphs", {}).get(model)
    if graph is None:
        sys.exit(f"placement_diff: no graph of {model} in the file (known: "
                 f"{', '.join(document.get('graphs', {})) or 'none'})")
    rows = []
    for i, node in enumerate(graph["nodes"]):
        for tensor, size in (("weights", node["weight_bytes"]), ("output", node["output_bytes"])):
            if size > 0 and a["placement"][i][tensor] != b["placement"][i][tensor]:
                rows.append((size, i, tensor, a["placement"][i][tensor], b["placement"][i][tensor]))
    rows.sort(key=lambda row: (-row[0], row[1], row[2]))
    return graph, rows


def main(argv):
    if len(argv) != 5:
        print(__doc__.strip(), file=sys.stderr if len(argv) > 1 and argv[1] not in ("-h", "--help") else sys.stdout)
        return 0 if len(argv) == 2 and argv[1] in ("-h", "--help") else 2
    _, path, model, sel_a, sel_b = argv
    try:
        with open(path) as f:
            document = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"placement_diff: cannot read {path}: {e}")
    runs = document.get("runs", [])
    a, b = pick(runs, model, sel_a), pick(runs, model, sel_b)
    graph, rows = diff(document, model, a, b)
    noun = "tensor" if len(rows) == 1 else "tensors"
    print(f"{model}: {describe(a)} against {describe(b)}: {len(rows)} {noun} on other levels")
    if not rows:
        return 0
    print(f"| node | name | location | tensor | bytes | {sel_a} | {sel_b} |")
    print("|---:|---|---|---|---:|---|---|")
    moved = {}
    for size, i, tensor, level_a, level_b in rows:
        node = graph["nodes"][i]
        print(f"| {i} | {node['name']} | {node['loc']} | {tensor} | {mib(size)} | {level_a} | {level_b} |")
        moved[(level_b, level_a)] = moved.get((level_b, level_a), 0) + size
    order = {name: k for k, name in enumerate(graph["levels"])}
    print(f"\nbytes {sel_a} places elsewhere than {sel_b}:")
    for (frm, to), size in sorted(moved.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]])):
        print(f"  {frm} -> {to}: {mib(size)}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    sys.exit(main(sys.argv))
