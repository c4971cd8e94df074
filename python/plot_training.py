#!/usr/bin/python3
"""Plot an egrl-train run from its --curves CSV files.

Usage: /usr/bin/python3 python/plot_training.py PREFIX [out.png]

Reads PREFIX-graphs.csv and PREFIX-losses.csv and writes PREFIX.png (or
out.png) with three panels: per corpus graph, the best speed-up over native
found so far against the evaluations spent in all; per graph, the speed-up of
the policy's own most likely placement (what strategy=policy places); per
round, the REINFORCE and self-imitation losses and the mean reward.
"""

import csv
import sys
from collections import defaultdict

try:
    import matplotlib
except ImportError as e:  # The pyenv python3 on PATH has no Debian packages.
    sys.exit(f"plot_training.py: error: {sys.executable} cannot import matplotlib ({e}); "
             "run it with Debian's /usr/bin/python3 (package python3-matplotlib)")

matplotlib.use("Agg")  # Files only: no display on build machines.
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        sys.exit(f"plot_training.py: error: cannot read {path}: {e.strerror} (egrl-train --curves=PREFIX writes "
                 "PREFIX-graphs.csv and PREFIX-losses.csv)")


def main(argv):
    if len(argv) > 1 and argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return
    if len(argv) not in (2, 3):
        sys.exit(__doc__.strip())
    prefix = argv[1]
    out = argv[2] if len(argv) == 3 else prefix + ".png"
    graphs = read(prefix + "-graphs.csv")
    losses = read(prefix + "-losses.csv")
    if not graphs or not losses:
        sys.exit(f"{prefix}: no rounds recorded")

    per_graph = defaultdict(list)
    for row in graphs:
        per_graph[row["graph"]].append(row)

    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    for name, rows in sorted(per_graph.items()):
        x = [int(r["evaluations"]) for r in rows]
        axes[0].plot(x, [float(r["best_speedup"]) for r in rows], lw=0.8,
                     label=name)
        axes[1].plot(x, [float(r["policy_speedup"]) for r in rows], lw=0.8)
    axes[0].set_title("best found so far, per corpus graph")
    axes[1].set_title("the policy's most likely placement")
    for ax in axes[:2]:
        ax.set_xlabel("evaluations (all graphs)")
        ax.set_ylabel("speed-up over native")
        ax.axhline(1.0, color="grey", lw=0.5)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=5, ncol=2)

    x = [int(r["evaluations"]) for r in losses]
    axes[2].plot(x, [float(r["reinforce_loss"]) for r in losses],
                 label="REINFORCE loss")
    axes[2].plot(x, [float(r["imitation_loss"]) for r in losses],
                 label="self-imitation loss")
    axes[2].plot(x, [float(r["mean_reward"]) for r in losses],
                 label="mean reward")
    axes[2].set_title("learner, per round (mean over graphs)")
    axes[2].set_xlabel("evaluations (all graphs)")
    axes[2].grid(alpha=0.3)
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
