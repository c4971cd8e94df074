# ---------------------------------------------------------------------------
# Tests of python/corpus_score.py, which chooses the training seed a shipped
# policy comes from (scripts/train-policies.sh): the highest geometric-mean
# speed-up on the corpus wins, a tie goes to the first name in sort order,
# and a missing or invalid placement is an error, never a silent choice.
# ---------------------------------------------------------------------------
"""Tests of corpus_score.py."""

import json
import os
import subprocess
import tempfile
import unittest

import support

SCRIPT = os.path.join(support.REPO, "python", "corpus_score.py")


def bench(directory, name, speedups, valid=True):
    runs = [{"strategy": "policy", "model": f"g{k}", "valid": valid,
             "native_latency_s": 1.0, "latency_s": 1.0 / s}
            for k, s in enumerate(speedups)]
    path = os.path.join(directory, name + ".json")
    with open(path, "w") as f:
        json.dump({"runs": runs}, f)
    return path


def choose(*args):
    return subprocess.run(["/usr/bin/python3", SCRIPT, *args],
                          capture_output=True, text=True)


class CorpusScoreTest(unittest.TestCase):
    def test_geometric_mean_decides(self):
        with tempfile.TemporaryDirectory() as d:
            # Arithmetic means would pick 0 (2.05 vs 1.5); geometric picks 1.
            a = bench(d, "a", [4.0, 0.1])
            b = bench(d, "b", [1.5, 1.5])
            out = choose(f"0={a}", f"1={b}")
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertEqual(out.stdout.strip(), "1")
            self.assertIn("1: 1.5000x geomean over 2 corpus graphs", out.stderr)

    def test_tie_goes_to_the_first_name(self):
        with tempfile.TemporaryDirectory() as d:
            a = bench(d, "a", [1.2, 1.0])
            b = bench(d, "b", [1.0, 1.2])
            self.assertEqual(choose(f"2={b}", f"0={a}").stdout.strip(), "0")

    def test_invalid_placement_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            a = bench(d, "a", [1.2, 1.0], valid=False)
            out = choose(f"0={a}")
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("missing or invalid", out.stderr)
            self.assertNotEqual(choose().returncode, 0)


if __name__ == "__main__":
    unittest.main()
