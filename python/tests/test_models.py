# ---------------------------------------------------------------------------
# Checks the checked-in models/*.mlir against models/README.md: each file
# parses and verifies with mlir-opt, and its dense_resource constants (count
# and total elements) match the README table, where weight elements =
# parameters + kept buffers.  Needs no torch: it reads the files.
# ---------------------------------------------------------------------------
"""Tests of the bundled models in models/."""

import math
import os
import re
import unittest

import support

MODELS = os.path.join(support.REPO, "models")


def readme_rows():
    rows = {}
    with open(os.path.join(MODELS, "README.md")) as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 8 and cells[0].endswith(".mlir") and cells[1][0].isdigit():
                num = lambda s: int(s.replace(",", ""))
                rows[cells[0]] = {"parameters": num(cells[1]), "kept": num(cells[2]), "constants": num(cells[3]),
                                  "elements": num(cells[4]), "linalg_ops": num(cells[5]), "bytes": num(cells[6])}
    return rows


class BundledModelsTest(unittest.TestCase):
    def test_readme_lists_all_models(self):
        rows = readme_rows()
        self.assertEqual(set(rows), {"tiny_cnn.mlir", "resnet50.mlir", "resnet101.mlir", "mobilenet_v2.mlir",
                                     "bert_base.mlir"})
        self.assertEqual(rows["resnet50.mlir"]["parameters"], 25_557_032)
        self.assertEqual(rows["bert_base.mlir"]["parameters"], 109_482_240)

    def test_files_match_readme(self):
        for name, row in readme_rows().items():
            with self.subTest(model=name):
                with open(os.path.join(MODELS, name)) as f:
                    text = f.read()
                consts = re.findall(r"dense_resource<(\w+)> : tensor<([0-9x]+)xf32>", text)
                self.assertEqual(len(consts), row["constants"])
                self.assertEqual(len({c[0] for c in consts}), len(consts), "resource names must be unique")
                elements = sum(math.prod(int(d) for d in shape.split("x")) for _, shape in consts)
                self.assertEqual(elements, row["elements"])
                self.assertEqual(elements, row["parameters"] + row["kept"])
                ops = [o for o in re.findall(r"= (linalg\.[a-z_0-9]+)", text) if o != "linalg.index"]
                self.assertEqual(len(ops), row["linalg_ops"])
                self.assertEqual(len(text.encode()), row["bytes"])
                self.assertNotIn("num_batches_tracked", text)
                self.assertEqual(text.count("func.func @forward("), 1)

    def test_files_verify_and_canonicalize(self):
        for name in readme_rows():
            with self.subTest(model=name):
                with open(os.path.join(MODELS, name)) as f:
                    text = f.read()
                support.mlir_opt(self, text)
                support.mlir_opt(self, text, "--canonicalize", "--cse")


if __name__ == "__main__":
    unittest.main()
