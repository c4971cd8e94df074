#!/usr/bin/python3
"""Where does placement search pay on nnpi-sim, and where does a model suffice?

For each variant of the nnpi-1000 target (prefetch ring and tile, no prefetch,
DRAM bandwidth, compute rate, each over a plausible range) and each model, runs
egrl-bench on the simulator with the compiler's model describing the same chip:
the `ilp` placement (the analytical optimum) against the best black-box searches
at a budget, and prints a markdown table of the best search's gain over the ilp
placement.

  /usr/bin/python3 python/sensitivity.py [--build build] [--models resnet50,...]
      [--strategies pg] [--budget 5000] [--seeds 1] [--time-limit 20]

Each row names its target change; every run's table goes to stderr as it runs.

With --mismatch the compiler's model keeps believing nnpi-1000 while the
simulator measures the changed chip (--sim-target), over a range of DRAM
sustained fractions and compute rates that includes the bundled mismatched
chips (docs/mismatch.md): each cell is the search's gain over the placement of
the model's optimum (`ilp` on nnpi-1000), then the gain of `ilp` told the truth
(the changed chip as --target): how much of what the search finds a correct
model would have found. Searches run seeded from the model (--seed-from=model).
"""

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def scale_compute(factor):
    """A change of the target's MAC and vector rates by `factor`."""
    def change(t):
        t["compute"]["mac_per_s"] *= factor
        t["compute"]["vector_ops_per_s"] *= factor
    return change


# (label, change to the target JSON). Ranges are plausible chips of this
# class, chosen before looking at any result: a ring from a quarter to four
# times the nominal 4 MiB, DMA tiles from 16 to 256 KiB, a runtime without
# prefetch, LPDDR4x at half or twice the bandwidth (channels, speed grade),
# and compute at half or twice the MAC and vector rates (clock, engines
# enabled).
def variants():
    def sim(path, value):
        def change(t):
            node = t["sim"]
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        return change

    def scale_level(name, factor):
        def change(t):
            for level in t["levels"]:
                if level["name"] == name:
                    level["bandwidth_bytes_per_s"] *= factor
        return change

    return [
        ("nominal", lambda t: None),
        ("ring 1 MiB", sim(["prefetch", "ring_bytes"], 1 << 20)),
        ("ring 16 MiB", sim(["prefetch", "ring_bytes"], 16 << 20)),
        ("tile 16 KiB", sim(["prefetch", "tile_bytes"], 16 << 10)),
        ("tile 256 KiB", sim(["prefetch", "tile_bytes"], 256 << 10)),
        ("no prefetch", sim(["prefetch", "enabled"], False)),
        ("DRAM x0.5", scale_level("dram", 0.5)),
        ("DRAM x2", scale_level("dram", 2)),
        ("compute x0.5", scale_compute(0.5)),
        ("compute x2", scale_compute(2)),
    ]


def mismatch_variants():
    def dram_fraction(value):
        def change(t):
            t["sim"]["levels"]["dram"]["sustained_fraction"] = value
        return change

    return ([("DRAM sustains %g (0.8)" % f, dram_fraction(f))
             for f in (0.7, 0.6, 0.5, 0.4, 0.3)] +
            [("compute x%g" % m, scale_compute(m)) for m in (1.5, 2, 2.5, 3)])


def run_bench(args, model, target_path, out_dir, strategies=None, extra=()):
    strategies = strategies or ["ilp"] + args.strategies.split(",")
    cmd = [os.path.join(args.build, "bin", "egrl-bench"), model,
           "--target=" + target_path, "--evaluator=nnpi-sim",
           "--strategies=" + ",".join(strategies),
           "--budgets=%d" % args.budget, "--seeds=%d" % args.seeds,
           "--time-limit=%g" % args.time_limit, "--out=" + out_dir, *extra]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    sys.stderr.write(done.stdout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("sensitivity: egrl-bench failed on %s" % model)
    with open(os.path.join(out_dir, "bench.json")) as f:
        return json.load(f)["runs"]


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--models",
                        default="resnet50,resnet101,bert_base,mobilenet_v2,"
                        "tiny_cnn")
    parser.add_argument("--strategies", default="pg",
                        help="black-box searches to take the best of")
    parser.add_argument("--budget", type=int, default=5000)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=20)
    parser.add_argument("--mismatch", action="store_true",
                        help="the model believes nnpi-1000, the simulator "
                        "measures the changed chip")
    args = parser.parse_args()

    if args.mismatch:
        def cell(model, chip, out):
            # The model believes nnpi-1000; the simulator measures `chip`.
            believed = run_bench(args, model, NOMINAL, out,
                                 extra=["--sim-target=" + chip,
                                        "--seed-from=model"])
            ilp, best = ilp_and_best_search(believed)
            truth = run_bench(args, model, chip, out,
                              strategies=["ilp"])[0]["latency_s"]
            return "%+.1f%% / %+.1f%%" % (100 * (ilp / best - 1),
                                          100 * (ilp / truth - 1))
        models, rows = sweep(args, mismatch_variants(), cell)
        header = ["chip the simulator measures"] + [
            "%s: search / ilp told the truth" % m for m in models]
    else:
        def cell(model, chip, out):
            ilp, best = ilp_and_best_search(run_bench(args, model, chip, out))
            return "%+.2f%%" % (100 * (ilp / best - 1))
        models, rows = sweep(args, variants(), cell)
        header = ["chip (model and simulator alike)"] + models

    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * len(models))
    for label, cells in rows:
        print("| %s | %s |" % (label, " | ".join(cells)))


NOMINAL = os.path.join(ROOT, "targets", "nnpi-1000.json")


def sweep(args, changes, cell):
    """Rows of `cell(model, chip JSON path, scratch dir)`, one per change of
    the nominal target and one cell per model."""
    with open(NOMINAL) as f:
        nominal = json.load(f)
    models = args.models.split(",")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, change in changes:
            chip = copy.deepcopy(nominal)
            chip["name"] = "nnpi-1000 (" + label + ")"
            change(chip)
            path = os.path.join(tmp, "chip.json")
            with open(path, "w") as f:
                json.dump(chip, f)
            cells = []
            for model in models:
                print("sensitivity: %s, %s" % (label, model), file=sys.stderr,
                      flush=True)
                cells.append(cell(model, path, os.path.join(tmp, "out")))
            rows.append((label, cells))
    return models, rows


def ilp_and_best_search(runs):
    """The ilp placement's latency and the best search's median."""
    ilp = [r["latency_s"] for r in runs if r["strategy"] == "ilp"][0]
    search = {}
    for r in runs:
        if r["strategy"] != "ilp":
            search.setdefault(r["strategy"], []).append(r["latency_s"])
    return ilp, min(median(v) for v in search.values())


if __name__ == "__main__":
    main()
