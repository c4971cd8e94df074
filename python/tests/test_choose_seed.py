# ---------------------------------------------------------------------------
# Tests of python/choose_seed.py, the rule scripts/train-policies.sh ships a
# seed by: most validation graphs within 2% of greedy, then the smallest mean
# shortfall, then the lower seed; graphs measured differently are refused.
# ---------------------------------------------------------------------------
"""Tests of the seed choice among trained policies."""

import json
import os
import subprocess
import tempfile
import unittest

import support

SCRIPT = os.path.join(support.REPO, "python", "choose_seed.py")


class ChooseSeedTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.dir.cleanup()

    def bench(self, name, policy_over_greedy):
        """A bench.json with greedy at 100 us and the policy at 100 us times
        each given ratio (1.05: 5% slower than greedy)."""
        runs = []
        for model, ratio in policy_over_greedy.items():
            runs.append({"model": model, "strategy": "greedy", "latency_s": 1e-4})
            runs.append({"model": model, "strategy": "policy",
                         "latency_s": 1e-4 * ratio})
        path = os.path.join(self.dir.name, name + ".json")
        with open(path, "w") as f:
            json.dump({"runs": runs}, f)
        return path

    def choose(self, *args):
        return subprocess.run(["/usr/bin/python3", SCRIPT, *args],
                              capture_output=True, text=True)

    def test_most_graphs_within_two_percent_wins_over_a_smaller_shortfall(self):
        # Seed 0's mean shortfall is smaller (1.2% against 1.9%), but it
        # misses 2% on one graph and seed 1 on none.
        a = self.bench("a", {"m": 1.025, "n": 1.0})   # one graph 2.4% slower
        b = self.bench("b", {"m": 1.019, "n": 1.019})  # both within 2%
        out = self.choose(f"0={a}", f"1={b}")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertTrue(out.stdout.strip().endswith("chosen: 1"), out.stdout)

    def test_shortfall_then_seed_break_ties(self):
        a = self.bench("a", {"m": 1.05, "n": 0.90})   # 1 within; faster on n
        b = self.bench("b", {"m": 1.04, "n": 1.0})    # 1 within; less behind
        c = self.bench("c", {"m": 1.04, "n": 1.0})
        out = self.choose(f"2={a}", f"1={c}", f"0={b}")
        self.assertEqual(out.returncode, 0, out.stderr)
        # A gain above greedy does not make up for a shortfall elsewhere,
        # and of two equal candidates the lower seed is kept.
        self.assertTrue(out.stdout.strip().endswith("chosen: 0"), out.stdout)

    def test_results_of_several_sets_are_joined(self):
        a1 = self.bench("a1", {"m": 1.0})
        a2 = self.bench("a2", {"n": 1.10})
        b1 = self.bench("b1", {"m": 1.01})
        b2 = self.bench("b2", {"n": 1.01})
        out = self.choose(f"0={a1},{a2}", f"1={b1},{b2}")
        self.assertIn("seed 1: 2 of 2 within 2% of greedy", out.stdout)
        self.assertTrue(out.stdout.strip().endswith("chosen: 1"), out.stdout)

    def test_candidates_measured_on_other_graphs_are_refused(self):
        a = self.bench("a", {"m": 1.0})
        b = self.bench("b", {"n": 1.0})
        out = self.choose(f"0={a}", f"1={b}")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("seed 1 was measured on other graphs than seed 0",
                      out.stderr)

    def test_malformed_argument_is_refused(self):
        out = self.choose("zero=x.json")
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("expected SEED=BENCH.json", out.stderr)


if __name__ == "__main__":
    unittest.main()
