# ---------------------------------------------------------------------------
# Tests of python/plot_bench.py, egrl-bench --plot's figure of best latency
# against evaluations.
# ---------------------------------------------------------------------------
"""Tests of the bench plot."""

import json
import os
import tempfile
import unittest

import support  # noqa: F401  (puts python/ on the path)

try:
    import plot_bench
except SystemExit:  # plot_bench exits when matplotlib cannot be imported
    plot_bench = None


@unittest.skipIf(plot_bench is None, "matplotlib is not importable (run with Debian's /usr/bin/python3)")
class PlotBenchTest(unittest.TestCase):
    def test_evaluation_axis_starts_at_zero(self):
        """symlog's autoscale ran the axis into negative evaluation counts
        (outside tester s40)."""
        native = {"model": "m", "strategy": "native", "budget": 100, "seed": 0, "latency_s": 2e-6,
                  "native_latency_s": 2e-6, "evaluations": 1, "history": [[1, 2e-6]]}
        search = [{"model": "m", "strategy": "anneal", "budget": 100, "seed": s, "latency_s": 1e-6,
                   "native_latency_s": 2e-6, "evaluations": 100,
                   "history": [[1, 2e-6], [3, 1.5e-6], [40, 1e-6]]} for s in range(2)]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bench.json")
            with open(path, "w") as f:
                json.dump({"target": "t", "evaluator": "analytical", "runs": [native] + search}, f)
            self.assertEqual(plot_bench.main(["plot_bench.py", path, os.path.join(d, "bench.png")]), 0)
            self.assertTrue(os.path.getsize(os.path.join(d, "bench.png")) > 0)
            axes = plot_bench.plt.gcf().axes[0]
            left, right = axes.get_xlim()
            labels = [line.get_label() for line in axes.get_lines()]
            plot_bench.plt.close("all")
        self.assertEqual(left, 0)
        self.assertGreaterEqual(right, 100)
        self.assertIn("anneal (median of 2 seeds)", labels)
        # One seed is no median (outside tester s42).
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bench.json")
            with open(path, "w") as f:
                json.dump({"target": "t", "evaluator": "analytical", "runs": [native] + search[:1]}, f)
            self.assertEqual(plot_bench.main(["plot_bench.py", path, os.path.join(d, "bench.png")]), 0)
            labels = [line.get_label() for line in plot_bench.plt.gcf().axes[0].get_lines()]
            plot_bench.plt.close("all")
        self.assertIn("anneal (one seed)", labels)
        self.assertEqual(axes.get_xscale(), "symlog")
        # A search of a few evaluations gets a linear axis: a log one ticked only 0 and 10^0 (s43).
        short = [dict(r, evaluations=4, budget=4, history=[[1, 2e-6], [3, 1.5e-6]]) for r in search]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bench.json")
            with open(path, "w") as f:
                json.dump({"target": "t", "evaluator": "analytical", "runs": [native] + short}, f)
            self.assertEqual(plot_bench.main(["plot_bench.py", path, os.path.join(d, "bench.png")]), 0)
            scale = plot_bench.plt.gcf().axes[0].get_xscale()
            plot_bench.plt.close("all")
        self.assertEqual(scale, "linear")


if __name__ == "__main__":
    unittest.main()
