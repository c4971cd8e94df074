# ---------------------------------------------------------------------------
# Tests of egrl_import.mlir: literals, reshape decomposition, op syntax.
# These need no torch/onnx (numpy only).
# ---------------------------------------------------------------------------
"""Unit tests of the MLIR text emitter."""

import math
import unittest

import support  # noqa: F401  (sets sys.path)
from egrl_import.mlir import Emitter, UnsupportedError, float_literal, one_line, sanitize, string_literal


class LiteralTest(unittest.TestCase):
    def test_float_literals_have_a_dot_and_roundtrip(self):
        for v, s in [(0.0, "0.0"), (1e-5, "1.0e-05"), (6.0, "6.0"), (0.125, "0.125"), (1e-12, "1.0e-12")]:
            self.assertEqual(float_literal(v), s)
        self.assertEqual(float_literal(float("-inf")), "0xFF800000")
        self.assertEqual(float_literal(float("inf")), "0x7F800000")

    def test_sanitize_gives_bare_identifiers(self):
        self.assertEqual(sanitize("layer1.0.conv1.weight"), "layer1_0_conv1_weight")
        self.assertEqual(sanitize("0.weight"), "w_0_weight")
        self.assertEqual(sanitize("onnx::Conv_12"), "onnx__Conv_12")

    def test_string_literals_escape_quotes_backslashes_and_control_characters(self):
        self.assertEqual(string_literal('a"b\\c'), '"a\\"b\\\\c"')
        self.assertEqual(string_literal("x\ny\tz\x01\x7f\u00fc"), '"x\\ny\\09z\\01\\7F\u00fc"')
        self.assertEqual(one_line('a "q"\\ \nb\r'), 'a "q"\\ \\nb\\0D')

    def test_locations_and_header_with_any_characters_parse(self):
        em = Emitter()
        x = em.new_arg(0, (2,), "f32")
        em.loc = "".join(chr(c) for c in range(1, 128)) + " \u00fcn\u00ef"
        y = em.unary("relu", x)
        text = em.module("forward", [x], [y], header=["graph 'a\nb\rc'"])
        self.assertIn("// graph 'a\\nb\\0Dc'", text)
        out = support.mlir_opt(self, text, "-mlir-print-debuginfo")
        self.assertIn("\\01\\02", out)  # mlir-opt prints the same characters back


class ReshapeTest(unittest.TestCase):
    def reshape(self, src, dst):
        em = Emitter()
        x = em.new_arg(0, src, "f32")
        y = em.reshape(x, dst)
        self.assertEqual(y.shape, tuple(dst))
        return em.module("f", [x], [y])

    def test_collapse_only(self):
        t = self.reshape((1, 2048, 1, 1), (1, 2048))
        self.assertIn("tensor.collapse_shape %arg0 [[0], [1, 2, 3]]", t)
        self.assertNotIn("expand_shape", t)

    def test_expand_only(self):
        t = self.reshape((1, 128, 768), (1, 128, 12, 64))
        self.assertIn("[[0], [1], [2, 3]] output_shape [1, 128, 12, 64]", t)
        self.assertNotIn("collapse_shape", t)

    def test_collapse_then_expand(self):
        t = self.reshape((2, 3), (3, 2))
        self.assertIn("collapse_shape", t)
        self.assertIn("expand_shape", t)

    def test_identity_and_errors(self):
        em = Emitter()
        x = em.new_arg(0, (4, 4), "f32")
        self.assertIs(em.reshape(x, (4, 4)), x)
        with self.assertRaises(UnsupportedError):
            em.reshape(x, (5, 3))

    def test_all_emitted_forms_verify(self):
        em = Emitter()
        x = em.new_arg(0, (1, 4, 8, 8), "f32")
        ids = em.new_arg(1, (1, 5), "i64")
        w = em.weight("w", (4, 4, 3, 3))
        y = em.conv(x, w, em.weight("b", (4,)), (1, 1), (1, 1, 1, 1), (1, 1), 1)
        y = em.conv(y, em.weight("dw", (4, 1, 3, 3)), None, (2, 2), (1, 1, 1, 1), (1, 1), 4)
        y = em.conv(y, em.weight("gw", (4, 2, 1, 1)), None, (1, 1), (0, 0, 0, 0), (1, 1), 2)
        y = em.max_pool(y, (2, 2), (2, 2), (0, 0, 0, 0), ceil_mode=True)
        y = em.adaptive_avg_pool(y, (1, 1))
        y = em.reshape(y, (1, 4))
        y = em.softmax(em.unary("gelu", em.linear(y, em.weight("fc", (6, 4)), None)), -1)
        e = em.embedding(ids, em.weight("table", (10, 6)))
        e = em.layer_norm(e, 1, em.weight("g", (6,)), None, 1e-12)
        z = em.binary("add", e, y)
        text = em.module("forward", [x, ids], [z])
        self.assertEqual(len(em.resources), 7)
        self.assertEqual(sum(math.prod(s) for s, _ in em.resources.values()), 144 + 4 + 36 + 8 + 24 + 60 + 6)
        support.mlir_opt(self, text)


if __name__ == "__main__":
    unittest.main()
