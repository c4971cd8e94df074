#!/usr/bin/python3
"""Plot best-so-far latency against evaluations from an egrl-bench JSON file.

Usage: /usr/bin/python3 python/plot_bench.py bench.json bench.png

One panel per model; one line per strategy and budget (the median over seeds
of the best latency found after each number of evaluations); latencies are
relative to the model's native placement, so 1.0 is the vendor heuristic.
"""

import json
import statistics
import sys

try:
    import matplotlib
except ImportError as e:  # The pyenv python3 on PATH has no Debian packages.
    sys.exit(f"plot_bench.py: error: {sys.executable} cannot import matplotlib ({e}); "
             "run it with Debian's /usr/bin/python3 (package python3-matplotlib)")

matplotlib.use("Agg")  # Files only: no display on build machines.
import matplotlib.pyplot as plt  # noqa: E402


def best_so_far(history, evaluations):
    """Best latency after each evaluation count, from improvement points."""
    out, best, k = [], None, 0
    for n in evaluations:
        while k < len(history) and history[k][0] <= n:
            best = history[k][1]
            k += 1
        out.append(best)
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        bench = json.load(f)
    runs = bench["runs"]
    models = sorted({r["model"] for r in runs})
    fig, axes = plt.subplots(1, len(models), figsize=(6 * len(models), 4.5),
                             squeeze=False)
    for ax, model in zip(axes[0], models):
        # A search with a smaller budget replays the start of the same seeds'
        # run with the largest budget, so only the largest budget is drawn.
        largest = {}
        for r in runs:
            if r["model"] == model:
                largest[r["strategy"]] = max(largest.get(r["strategy"], 0), r["budget"])
        groups = {}
        for r in runs:
            if r["model"] == model and r["budget"] == largest[r["strategy"]]:
                groups.setdefault((r["strategy"], r["budget"]), []).append(r)
        styles = iter(["--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1))] * 4)
        most = max((r["evaluations"] for g in groups.values() for r in g), default=0)
        for (strategy, budget), group in sorted(groups.items()):
            native = group[0]["native_latency_s"]
            last = max(r["evaluations"] for r in group)
            if last <= 1:
                # One-shot strategies: a horizontal reference line.
                value = statistics.median(r["latency_s"] for r in group) / native
                ax.axhline(value, linestyle=next(styles), linewidth=1.2,
                           color=ax._get_lines.get_next_color(),
                           label=f"{strategy} ({value:.3f})")
                continue
            xs = sorted({p[0] for r in group for p in r["history"]} | {last})
            curves = [best_so_far(r["history"], xs) for r in group]
            ys = []
            for i in range(len(xs)):
                values = [c[i] for c in curves if c[i] is not None]
                ys.append(statistics.median(values) / native if values else None)
            points = [(x, y) for x, y in zip(xs, ys) if y is not None]
            ax.step([p[0] for p in points], [p[1] for p in points], where="post",
                    label=f"{strategy} (median of {len(group)} seeds)" if len(group) > 1
                    else f"{strategy} (one seed)")
        chip = bench.get("sim_target") or ""
        on = f" on {chip}" if chip and chip != bench["target"] else ""
        ax.set_title(f"{model} — {bench['target']}, {bench['evaluator']}{on}")
        ax.set_xlabel("evaluations")
        ax.set_ylabel("best latency / native")
        # A log scale for searches of hundreds of evaluations; a few fit a
        # linear axis, whose ticks a log one would reduce to 0 and 10^0
        # (outside tester s43).
        if most > 20:
            ax.set_xscale("symlog")
        # Evaluations start at 0: symlog's autoscale ran the axis into
        # negative counts (outside tester s40).
        ax.set_xlim(left=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(argv[2], dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
