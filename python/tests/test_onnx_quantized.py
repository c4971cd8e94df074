# ---------------------------------------------------------------------------
# Tests of the quantized ONNX lowerings (egrl_import.onnx_quantized): QDQ
# and operator-oriented int8 graphs, ONNX Runtime's com.microsoft QLinear ops
# and dynamic quantization, against numpy implementations of the ONNX spec
# and against torch's post-training-quantized and fake-quantized exports.
# ---------------------------------------------------------------------------
"""Tests of egrl_import.onnx_quantized."""

import os
import tempfile
import unittest
import warnings

import support

if support.HAVE_ONNX and support.HAVE_TORCH:
    import numpy as np
    import onnx
    import torch
    import torch.nn as nn
    from onnx import TensorProto, helper, numpy_helper

    from egrl_import.mlir import UnsupportedError
    from egrl_import.onnx_import import import_onnx
    from test_onnx_import import _graph_model, _randomize, _vi


def _quantize(x, scale, zp, lo, hi):
    """QuantizeLinear by the spec: saturate(round_half_even(x / scale) + zp)."""
    return np.clip(np.rint(x / scale) + zp, lo, hi)


def _dequantize(q, scale, zp):
    """DequantizeLinear by the spec: (q - zp) * scale."""
    return (q - zp).astype(np.float32) * scale


def _init(name, values, dtype):
    return numpy_helper.from_array(np.array(values, dtype), name)


def _dynamic_quantize(x):
    """DynamicQuantizeLinear by the spec: x's range widened to hold 0, scale (max - min) / 255 (1 for
    an all-zero x, as ONNX Runtime has it), zero point saturate(round(0 - min / scale))."""
    lo, hi = np.minimum(x.min(), np.float32(0)), np.maximum(x.max(), np.float32(0))
    scale = np.float32(1) if lo == hi else (hi - lo) / np.float32(255)
    zp = np.rint(np.clip(np.float32(0) - lo / scale, 0, 255))
    return _quantize(x, scale, zp, 0, 255), scale, zp


def _ort_matmul(nodes, inits, x, w, ws, wz, out, bias=None):
    """ONNX Runtime's quantize_dynamic form of MatMul(x, W) (+ bias), with its names: x quantized
    once by DynamicQuantizeLinear, W an int8 initializer with its scale and zero point,
    MatMulInteger, Cast to float, Mul by the product of the two scales (a Mul node), Add."""
    if not any(n.op_type == "DynamicQuantizeLinear" and n.input[0] == x for n in nodes):
        nodes.append(helper.make_node("DynamicQuantizeLinear", [x], [f"{x}_quantized", f"{x}_scale",
                                                                    f"{x}_zero_point"], name=f"{x}_QuantizeLinear"))
    wn, mm = f"{out}_W", f"{out}_mm" if bias is not None else out
    inits += [numpy_helper.from_array(w, f"{wn}_quantized"), _init(f"{wn}_scale", ws, np.float32),
              _init(f"{wn}_zero_point", wz, np.int8)]
    nodes += [helper.make_node("MatMulInteger", [f"{x}_quantized", f"{wn}_quantized", f"{x}_zero_point",
                                                 f"{wn}_zero_point"], [f"{mm}_output_quantized"], name=f"{out}_quant"),
              helper.make_node("Cast", [f"{mm}_output_quantized"], [f"{mm}_cast_output"], to=TensorProto.FLOAT),
              helper.make_node("Mul", [f"{x}_scale", f"{wn}_scale"], [f"{out}_quant_scales_mul:0"]),
              helper.make_node("Mul", [f"{mm}_cast_output", f"{out}_quant_scales_mul:0"], [mm])]
    if bias is not None:
        inits.append(numpy_helper.from_array(bias, f"{out}_bias"))
        nodes.append(helper.make_node("Add", [mm, f"{out}_bias"], [out]))


def _ort_matmul_ref(x, w, ws, wz, bias=None):
    """The spec's numbers for _ort_matmul: the int32 accumulation (exact, in int64 here) and the
    float result."""
    q, s, z = _dynamic_quantize(x)
    acc = (q.astype(np.int64) - z.astype(np.int64)) @ (w.astype(np.int64) - np.asarray(wz, np.int64))
    y = acc.astype(np.float32) * (s * np.asarray(ws, np.float32))
    return (y if bias is None else y + bias), acc


@support.needs_onnx
class OnnxQuantizedTest(unittest.TestCase):
    """QDQ and operator-oriented int8 graphs against numpy implementations of the ONNX spec."""

    def error(self, model):
        with self.assertRaises(UnsupportedError) as cm:
            import_onnx(model)
        msg = str(cm.exception)
        self.assertNotIn("\n", msg)
        self.assertNotIn("internal error", msg)
        return msg

    def test_conv_with_int8_weights_and_int32_bias_through_dequantize_linear(self):
        """ONNX Runtime's QDQ form of a conv: the activation quantized to uint8 and back, per-channel
        int8 weights and an int32 bias (scale x_scale * w_scale) through DequantizeLinear. The
        dequantized constants are the two weights, with the initializers' names and element counts
        (no i8 constant, no scale tensor as a weight)."""
        rng = np.random.default_rng(0)
        w = rng.integers(-128, 128, (4, 3, 3, 3)).astype(np.int8)
        ws = (rng.random(4) * 0.01 + 0.001).astype(np.float32)
        xs, xz = np.float32(0.03), np.uint8(120)
        bias = rng.integers(-3000, 3000, 4).astype(np.int32)
        nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
                 helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
                 helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"], axis=0),
                 helper.make_node("DequantizeLinear", ["b", "bs"], ["bd"], axis=0),
                 helper.make_node("Conv", ["xd", "wd", "bd"], ["y"], pads=[1, 1, 1, 1])]
        inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(ws, "ws"), _init("wz", [0] * 4, np.int8),
                 numpy_helper.from_array(bias, "b"), numpy_helper.from_array(xs * ws, "bs"),
                 _init("xs", xs, np.float32), _init("xz", xz, np.uint8)]
        m = _graph_model(nodes, [_vi("x", [1, 3, 6, 6])], [_vi("y", None)], inits)
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.resources, {"w": (4, 3, 3, 3), "b": (4,)})
        self.assertEqual(r.resource_elements, w.size + bias.size)
        self.assertNotIn("xi8>", r.text.split("linalg.conv_2d")[1])  # the conv reads f32 weights
        x = rng.standard_normal((1, 3, 6, 6)).astype(np.float32)
        xd = _dequantize(_quantize(x, xs, int(xz), 0, 255), xs, int(xz))
        wd = _dequantize(w.astype(np.int64), ws[:, None, None, None], 0)
        bd = bias.astype(np.float32) * (xs * ws)
        ref = torch.nn.functional.conv2d(torch.tensor(xd), torch.tensor(wd), torch.tensor(bd), padding=1).numpy()
        support.run_numeric(self, import_onnx(m, inline_weights=True).text, [x], [ref], atol=1e-5)

    def test_quantize_rounds_half_to_even_and_saturates_per_tensor_and_per_axis(self):
        """Exact integer results (read through DequantizeLinear with scale 1): ties round to even,
        values past the type's range saturate, an absent zero point means uint8 and 0, per-axis
        scales and zero points follow `axis` (negative too), and opset 10's per-tensor form."""
        half = np.float32(0.5)  # x / 0.5 is exact, so the ties are ties
        x = np.array([[0.25, 0.75, -0.25, -0.75, 1.25, 63.9, 64.2, 200.0],
                      [-64.3, -100.0, 0.0, 0.26, -0.24, 1.75, 2.25, 127.75]], np.float32)
        one = _init("one", 1.0, np.float32)
        cases = [  # (name, Q inputs, Q attributes, extra initializers, reference of the integers)
            ("int8", ["x", "half", "z8"], {}, [_init("z8", 0, np.int8)], _quantize(x, half, 0, -128, 127)),
            ("uint8 zp 5", ["x", "half", "zu"], {}, [_init("zu", 5, np.uint8)], _quantize(x, half, 5, 0, 255)),
            ("default uint8", ["x", "half"], {}, [], _quantize(x, half, 0, 0, 255)),
            ("per-axis 0", ["x", "s2", "z2"], {"axis": 0},
             [_init("s2", [0.5, 0.25], np.float32), _init("z2", [-3, 7], np.int8)],
             _quantize(x, np.array([[0.5], [0.25]], np.float32), np.array([[-3], [7]]), -128, 127)),
            ("per-axis -1", ["x", "s8", "z8u"], {"axis": -1},
             [_init("s8", [0.5, 1, 0.25, 2, 0.5, 4, 0.125, 1], np.float32),
              _init("z8u", [0, 1, 2, 3, 250, 5, 6, 128], np.uint8)],
             _quantize(x, np.array([0.5, 1, 0.25, 2, 0.5, 4, 0.125, 1], np.float32),
                       np.array([0, 1, 2, 3, 250, 5, 6, 128]), 0, 255)),
        ]
        for name, q_in, q_at, inits, want in cases:
            for opset in ((10, 13) if "per-axis" not in name else (13,)):
                with self.subTest(name, opset=opset):
                    nodes = [helper.make_node("QuantizeLinear", q_in, ["q"], **q_at),
                             helper.make_node("DequantizeLinear", ["q", "one"], ["ints"]),
                             helper.make_node("DequantizeLinear", ["q"] + q_in[1:], ["y"], **q_at)]
                    m = _graph_model(nodes, [_vi("x", [2, 8])], [_vi("ints", None), _vi("y", None)],
                                     [_init("half", half, np.float32), one] + inits, opset=opset)
                    r = import_onnx(m)
                    support.mlir_opt(self, r.text)
                    self.assertEqual(r.resource_count, 0)
                    scale = numpy_helper.to_array(next(i for i in m.graph.initializer if i.name == q_in[1]))
                    zp = 0 if len(q_in) < 3 else numpy_helper.to_array(
                        next(i for i in m.graph.initializer if i.name == q_in[2])).astype(np.int64)
                    if scale.size > 1:
                        shape = (-1, 1) if q_at["axis"] == 0 else (1, -1)
                        scale, zp = scale.reshape(shape), zp.reshape(shape)
                    support.run_numeric(self, r.text, [x], [want.astype(np.float32), _dequantize(want, scale, zp)],
                                        atol=0, rtol=0)

    def test_dequantize_of_int32_and_of_uint8_activations_and_folded_float_weights(self):
        """DequantizeLinear of a run-time int32 tensor (as biases are stored); of uint8 values above
        127 (extended unsigned); a float weight quantized and dequantized (torch's fake-quant
        export) folds into one weight holding the dequantized values."""
        rng = np.random.default_rng(1)
        ints = np.array([[-70000, -1, 0, 3, 2**20, 123456]], np.int32)
        w = rng.standard_normal((6, 5)).astype(np.float32)
        ws = np.float32(0.02)
        nodes = [helper.make_node("DequantizeLinear", ["i", "s"], ["di"]),
                 helper.make_node("QuantizeLinear", ["x", "s", "zu"], ["q"]),
                 helper.make_node("DequantizeLinear", ["q", "s", "zu"], ["dq"]),
                 helper.make_node("QuantizeLinear", ["w", "ws", "z8"], ["wq"]),
                 helper.make_node("DequantizeLinear", ["wq", "ws", "z8"], ["wd"]),
                 helper.make_node("MatMul", ["dq", "wd"], ["y"])]
        m = _graph_model(nodes, [_vi("i", [1, 6], TensorProto.INT32), _vi("x", [1, 6])],
                         [_vi("di", None), _vi("y", None)],
                         [_init("s", 0.25, np.float32), _init("zu", 10, np.uint8), numpy_helper.from_array(w, "w"),
                          _init("ws", ws, np.float32), _init("z8", 0, np.int8)])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.resources, {"w": (6, 5)})
        x = np.array([[-3.0, 0.0, 20.0, 50.0, 61.3, 100.0]], np.float32)  # 50 -> 210: above int8's range
        dq = _dequantize(_quantize(x, np.float32(0.25), 10, 0, 255), np.float32(0.25), 10)
        wd = _dequantize(_quantize(w, ws, 0, -128, 127), ws, 0)
        support.run_numeric(self, import_onnx(m, inline_weights=True).text, [ints, x],
                            [ints.astype(np.float32) * np.float32(0.25), dq @ wd], atol=1e-4)

    def test_qlinear_conv_and_qlinear_matmul_against_the_integer_spec(self):
        """QLinearConv (uint8 input, per-channel int8 weights, int32 bias, uint8 output) and
        QLinearMatMul (int8 activations, per-column uint8 weights) lowered as dequantize -> f32 op ->
        quantize equal the spec's integer accumulation rescaled, within one step where f32
        rounding meets a tie; the weights are weights of the quantized tensors' element counts."""
        rng = np.random.default_rng(2)
        xs, xz, ys, yz = np.float32(0.02), 128, np.float32(0.05), 100
        w = rng.integers(-128, 128, (4, 3, 3, 3)).astype(np.int8)
        ws = (rng.random(4) * 0.01 + 0.002).astype(np.float32)
        bias = rng.integers(-500, 500, 4).astype(np.int32)
        conv = _graph_model(
            [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("QLinearConv", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["yq"],
                              name="qconv", pads=[1, 1, 1, 1], strides=[2, 2]),
             helper.make_node("DequantizeLinear", ["yq", "one"], ["y"])],
            [_vi("x", [1, 3, 7, 7])], [_vi("y", None)],
            [_init("xs", xs, np.float32), _init("xz", xz, np.uint8), numpy_helper.from_array(w, "w"),
             numpy_helper.from_array(ws, "ws"), _init("wz", [0] * 4, np.int8), _init("ys", ys, np.float32),
             _init("yz", yz, np.uint8), numpy_helper.from_array(bias, "b"), _init("one", 1.0, np.float32)])
        x = rng.standard_normal((1, 3, 7, 7)).astype(np.float32)
        xq = _quantize(x, xs, xz, 0, 255)
        acc = torch.nn.functional.conv2d(torch.tensor(xq - xz, dtype=torch.float64),
                                         torch.tensor(w, dtype=torch.float64), padding=1, stride=2).numpy()
        acc += bias[None, :, None, None]  # exact integers
        ref = _quantize(acc * (np.float64(xs) * ws[None, :, None, None].astype(np.float64) / np.float64(ys)) + 0,
                        1, yz, 0, 255)
        a_s, bs = np.float32(0.04), (rng.random(5) * 0.02 + 0.01).astype(np.float32)
        b = rng.integers(0, 256, (6, 5)).astype(np.uint8)
        bz = rng.integers(100, 156, 5).astype(np.uint8)
        mm = _graph_model(
            [helper.make_node("QuantizeLinear", ["a", "as", "az"], ["aq"]),
             helper.make_node("QLinearMatMul", ["aq", "as", "az", "b", "bs", "bz", "ys", "yz8"], ["yq"], name="qmm"),
             helper.make_node("DequantizeLinear", ["yq", "one"], ["y"])],
            [_vi("a", [2, 3, 6])], [_vi("y", None)],
            [_init("as", a_s, np.float32), _init("az", -5, np.int8), numpy_helper.from_array(b, "b"),
             numpy_helper.from_array(bs, "bs"), numpy_helper.from_array(bz, "bz"), _init("ys", ys, np.float32),
             _init("yz8", 3, np.int8), _init("one", 1.0, np.float32)])
        a = rng.standard_normal((2, 3, 6)).astype(np.float32)
        aq = _quantize(a, a_s, -5, -128, 127)
        mm_acc = (aq + 5) @ (b.astype(np.float64) - bz)
        mm_ref = _quantize(mm_acc * (np.float64(a_s) * bs.astype(np.float64) / np.float64(ys)), 1, 3, -128, 127)
        for model, inp, want, weights in ((conv, x, ref, {"w": (4, 3, 3, 3), "b": (4,)}), (mm, a, mm_ref, {"b": (6, 5)})):
            with self.subTest(model.graph.node[1].op_type):
                r = import_onnx(model)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resources, weights)
                got = support.execute.run_forward(import_onnx(model, inline_weights=True).text, [inp], [want.shape])[0]
                self.assertLessEqual(np.abs(got - want).max(), 1)
                self.assertGreater((got == want).mean(), 0.95)

    def test_unsupported_quantized_forms_are_one_line_errors_naming_the_node(self):
        T = TensorProto
        x = _vi("x", [1, 4])
        cases = [
            ("ONNX node 'q0' (op type QuantizeLinear): the run-time scale 's' is not supported (quantization "
             "parameters must be constants)",
             [helper.make_node("QuantizeLinear", ["x", "s"], ["y"], name="q0")], [x, _vi("s", [])], [], 13),
            ("ONNX node 'q1' (op type QuantizeLinear): quantized type FLOAT8E4M3FN is not supported (INT8, UINT8)",
             [helper.make_node("QuantizeLinear", ["x", "one"], ["y"], name="q1", output_dtype=17)], [x], [], 13),
            ("ONNX node 'q2' (op type QuantizeLinear): block_size 2 (blocked quantization) is not supported",
             [helper.make_node("QuantizeLinear", ["x", "one"], ["y"], name="q2", block_size=2)], [x], [], 13),
            ("ONNX node 'q3' (op type QuantizeLinear): the scale 's4' has 4 values; this one must be a single "
             "value (per-tensor) before opset 13",
             [helper.make_node("QuantizeLinear", ["x", "s4"], ["y"], name="q3")], [x],
             [_init("s4", [1, 2, 3, 4], np.float32)], 10),
            ("ONNX node 'q4' (op type QuantizeLinear): the scale 's4' has 4 values for axis 0 of size 1",
             [helper.make_node("QuantizeLinear", ["x", "s4"], ["y"], name="q4", axis=0)], [x],
             [_init("s4", [1, 2, 3, 4], np.float32)], 13),
            ("ONNX node 'dq' (op type DequantizeLinear): quantized type INT16 is not supported",
             [helper.make_node("DequantizeLinear", ["i", "one"], ["y"], name="dq")], [x],
             [_init("i", [1, 2], np.int16)], 13),
        ]
        for expected, nodes, inputs, inits, opset in cases:
            with self.subTest(expected=expected[:40]):
                m = _graph_model(nodes, inputs, [_vi("y", None, T.UINT8)],
                                 [_init("one", 1.0, np.float32)] + inits, opset=opset)
                self.assertIn(expected, self.error(m))

    def test_torch_quantized_and_fake_quantized_exports_equal_torch(self):
        """torch's own int8 models through torch.onnx.export (opset 13): an eager-mode post-training
        quantized conv + linear (QuantizeLinear, a Cast of its output to UINT8, DequantizeLinear,
        int8 weights and int32 biases as Constants through DequantizeLinear) and a fake-quantized
        one (QAT's form: a float weight through QuantizeLinear per channel). Both equal torch; the
        weights are the float model's parameters, counted once."""
        import torch.ao.quantization as tq

        class Net(nn.Module):
            def __init__(self, fake):
                super().__init__()
                self.fake = fake
                self.q, self.dq = tq.QuantStub(), tq.DeQuantStub()
                self.conv, self.fc = nn.Conv2d(3, 4, 3, padding=1), nn.Linear(4 * 6 * 6, 5)
                self.register_buffer("ws", torch.rand(4) * 0.01 + 0.002)

            def forward(self, x):
                if self.fake:
                    x = torch.fake_quantize_per_tensor_affine(x, 0.02, 128, 0, 255)
                    w = torch.fake_quantize_per_channel_affine(self.conv.weight, self.ws,
                                                               torch.zeros(4, dtype=torch.int32), 0, -128, 127)
                    y = torch.relu(nn.functional.conv2d(x, w, self.conv.bias, padding=1))
                    y = torch.fake_quantize_per_tensor_affine(y, 0.01, 0, 0, 255)
                    return self.fc(torch.flatten(y, 1))
                y = torch.relu(self.conv(self.q(x)))
                return self.dq(self.fc(torch.flatten(y, 1)))

        torch.manual_seed(0)
        x = torch.randn(1, 3, 6, 6)
        for fake in (False, True):
            with self.subTest(fake=fake):
                m = _randomize(Net(fake))
                params = sum(p.numel() for p in m.parameters())
                if not fake:
                    m.qconfig = tq.get_default_qconfig("fbgemm")
                    with warnings.catch_warnings():  # fbgemm's qconfig uses reduce_range, which warns
                        warnings.simplefilter("ignore")
                        tq.prepare(m, inplace=True)
                    for _ in range(4):
                        m(torch.randn(1, 3, 6, 6))
                    tq.convert(m, inplace=True)
                with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    torch.onnx.export(m, (x,), os.path.join(d, "q.onnx"), opset_version=13)
                    om = onnx.load(os.path.join(d, "q.onnx"))
                self.assertIn("QuantizeLinear", {n.op_type for n in om.graph.node})
                r = import_onnx(om)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resource_elements, params)
                self.assertEqual(len(r.resources), 4)
                with torch.no_grad():
                    ref = m(x).numpy()
                support.run_numeric(self, import_onnx(om, inline_weights=True).text, [x.numpy()], [ref], atol=1e-5)

    def test_fold_qdq_imports_the_float_graph_a_quantized_one_quantizes(self):
        """With fold_qdq (`--fold-qdq`) a QDQ conv and a QLinearConv import as the float conv on the
        dequantized weights: no i8 tensor and no element-wise Q/DQ work, the float graph's generics, the
        same weights, the float numbers."""
        rng = np.random.default_rng(4)
        w = rng.integers(-128, 128, (4, 3, 3, 3)).astype(np.int8)
        ws = (rng.random(4) * 0.01 + 0.002).astype(np.float32)
        bias = rng.integers(-500, 500, 4).astype(np.int32)
        xs, xz, ys, yz = np.float32(0.02), 128, np.float32(0.05), 100
        params = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(ws, "ws"), _init("wz", [0] * 4, np.int8),
                  numpy_helper.from_array(bias, "b"), _init("xs", xs, np.float32), _init("xz", xz, np.uint8)]
        qdq = _graph_model(
            [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
             helper.make_node("DequantizeLinear", ["w", "ws", "wz"], ["wd"], axis=0),
             helper.make_node("DequantizeLinear", ["b", "bs"], ["bd"], axis=0),
             helper.make_node("Conv", ["xd", "wd", "bd"], ["y"], pads=[1, 1, 1, 1])],
            [_vi("x", [1, 3, 6, 6])], [_vi("y", None)], params + [numpy_helper.from_array(xs * ws, "bs")])
        qlinear = _graph_model(
            [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("QLinearConv", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"], ["yq"],
                              pads=[1, 1, 1, 1]),
             helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])],
            [_vi("x", [1, 3, 6, 6])], [_vi("y", None)],
            params + [_init("ys", ys, np.float32), _init("yz", yz, np.uint8)])
        wd = w.astype(np.float32) * ws[:, None, None, None]
        bd = bias.astype(np.float32) * (xs * ws)
        conv = _graph_model([helper.make_node("Conv", ["x", "w", "b"], ["y"], pads=[1, 1, 1, 1])],
                            [_vi("x", [1, 3, 6, 6])], [_vi("y", None)],
                            [numpy_helper.from_array(wd, "w"), numpy_helper.from_array(bd, "b")])
        x = rng.standard_normal((1, 3, 6, 6)).astype(np.float32)
        ref = torch.nn.functional.conv2d(torch.tensor(x), torch.tensor(wd), torch.tensor(bd), padding=1).numpy()
        float_generics = import_onnx(conv).text.count("linalg.generic")
        for name, model in (("QDQ", qdq), ("QLinearConv", qlinear)):
            with self.subTest(name):
                r = import_onnx(model, fold_qdq=True)
                support.mlir_opt(self, r.text)
                self.assertNotIn("i8>", r.text)
                self.assertEqual(r.text.count("linalg.generic"), float_generics)
                self.assertEqual(r.resources, {"w": (4, 3, 3, 3), "b": (4,)})
                support.run_numeric(self, import_onnx(model, inline_weights=True, fold_qdq=True).text, [x], [ref],
                                    atol=1e-4)
                self.assertIn("i8>", import_onnx(model).text)  # without it, the int8 semantics

    def test_int8_tensors_move_pool_pad_and_clamp_in_their_types_order(self):
        """ONNX Runtime's QOperator graphs move quantized tensors between the QLinear ops: MaxPool
        (padding below the type's range), Pad with the zero point, Clip and Relu (integer bounds),
        Transpose, Reshape, Slice, Concat and GlobalMaxPool on INT8 and UINT8 values, compared in
        the type's order (uint8 200 above 100), equal numpy on the integers. With fold_qdq the same
        graph is float ops on x, Pad's value and Clip's bounds the numbers they stand for."""
        rng = np.random.default_rng(5)
        x = (rng.standard_normal((1, 3, 5, 5)) * 4).astype(np.float32)

        def graph(ints, pool, pad, clip, relu):  # the ops on integers (or floats), in numpy
            p = np.pad(ints, [(0, 0), (0, 0), (1, 1), (1, 1)], constant_values=pool)
            m = p[:, :, :6, :6].reshape(1, 3, 3, 2, 3, 2).max(axis=(3, 5))  # MaxPool 2x2, stride 2, pads 1
            m = np.clip(np.pad(m, [(0, 0), (0, 0), (0, 1), (1, 0)], constant_values=pad), *clip)
            m = np.maximum(m, relu) if relu is not None else m
            t = m.transpose(0, 2, 3, 1).reshape(1, -1, 3)[:, 1:10]
            return np.concatenate([t, t[:, ::2]], axis=1), m.max(axis=(2, 3), keepdims=True)

        for qt, zp, s, clip, relu in ((np.uint8, 128, 0.05, (100, 200), None), (np.int8, -3, 0.04, (-100, 90), 0)):
            with self.subTest(qt.__name__):
                lo, hi = (0, 255) if qt == np.uint8 else (-128, 127)
                nodes = [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
                         helper.make_node("MaxPool", ["q"], ["m"], kernel_shape=[2, 2], strides=[2, 2],
                                          pads=[1, 1, 1, 1]),
                         helper.make_node("Pad", ["m", "pads", "z"], ["p"]),
                         helper.make_node("Clip", ["p", "lo", "hi"], ["c"]),
                         helper.make_node("Relu" if relu is not None else "Identity", ["c"], ["r"]),
                         helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 3, 1]),
                         helper.make_node("Reshape", ["t", "shape"], ["f"]),
                         helper.make_node("Slice", ["f", "st", "en", "ax"], ["sl"]),
                         helper.make_node("Slice", ["sl", "st0", "en", "ax", "two"], ["rev"]),
                         helper.make_node("Concat", ["sl", "rev"], ["cat"], axis=1),
                         helper.make_node("GlobalMaxPool", ["r"], ["g"]),
                         helper.make_node("DequantizeLinear", ["cat", "s", "z"], ["y"]),
                         helper.make_node("DequantizeLinear", ["g", "s", "z"], ["gy"])]
                inits = [_init("s", s, np.float32), _init("z", zp, qt), _init("pads", [0, 0, 0, 1, 0, 0, 1, 0], np.int64),
                         _init("lo", clip[0], qt), _init("hi", clip[1], qt), _init("shape", [1, -1, 3], np.int64),
                         _init("st", [1], np.int64), _init("en", [10], np.int64), _init("ax", [1], np.int64),
                         _init("st0", [0], np.int64), _init("two", [2], np.int64)]
                m = _graph_model(nodes, [_vi("x", [1, 3, 5, 5])], [_vi("y", None), _vi("gy", None)], inits, opset=14)
                ints = _quantize(x, np.float32(s), zp, lo, hi)
                want = [_dequantize(v, np.float32(s), zp) for v in graph(ints, lo, zp, clip, relu)]
                fold = graph(x, -np.inf, 0.0, [(c - zp) * np.float32(s) for c in clip],
                             None if relu is None else (relu - zp) * np.float32(s))
                for fold_qdq, ref in ((False, want), (True, fold)):
                    r = import_onnx(m, fold_qdq=fold_qdq)
                    support.mlir_opt(self, r.text)
                    self.assertEqual("i8>" in r.text, not fold_qdq)
                    support.run_numeric(self, r.text, [x], ref, atol=1e-5)

    def test_onnx_runtime_qlinear_add_mul_global_average_pool_and_concat(self):
        """ONNX Runtime's com.microsoft QLinearAdd, QLinearMul (a constant uint8 operand, folded to a
        weight), QLinearGlobalAveragePool and QLinearConcat, as its quantize_static writes them: equal
        numpy's dequantize -> float op -> quantize (within one step at an f32 tie); with fold_qdq, the
        float ops on x and y."""
        rng = np.random.default_rng(6)
        x, y = rng.standard_normal((2, 1, 3, 4, 4)).astype(np.float32)
        c = rng.integers(0, 256, (1, 3, 1, 1)).astype(np.uint8)
        p = {"x": (0.02, 128), "y": (0.03, 100), "a": (0.05, 120), "c": (0.01, 50), "m": (0.04, 130),
             "g": (0.02, 110), "o": (0.06, 128)}
        ms = lambda op, ins, out, **kw: helper.make_node(op, ins, [out], domain="com.microsoft", **kw)
        qp = lambda k: [k + "s", k + "z"]
        nodes = [helper.make_node("QuantizeLinear", ["x"] + qp("x"), ["xq"]),
                 helper.make_node("QuantizeLinear", ["y"] + qp("y"), ["yq"]),
                 ms("QLinearAdd", ["xq"] + qp("x") + ["yq"] + qp("y") + qp("a"), "aq"),
                 ms("QLinearMul", ["aq"] + qp("a") + ["c"] + qp("c") + qp("m"), "mq"),
                 ms("QLinearGlobalAveragePool", ["mq"] + qp("m") + qp("g"), "gq"),
                 ms("QLinearConcat", qp("o") + ["xq"] + qp("x") + ["aq"] + qp("a"), "oq", axis=1),
                 helper.make_node("DequantizeLinear", ["gq"] + qp("g"), ["g"]),
                 helper.make_node("DequantizeLinear", ["oq"] + qp("o"), ["o"])]
        inits = [numpy_helper.from_array(c, "c")] + [
            t for k, (sc, z) in p.items() for t in (_init(k + "s", sc, np.float32), _init(k + "z", z, np.uint8))]
        g = helper.make_graph(nodes, "g", [_vi("x", [1, 3, 4, 4]), _vi("y", [1, 3, 4, 4])],
                              [_vi("g", None), _vi("o", None)], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)])
        qdq = lambda v, k: _dequantize(_quantize(v, np.float32(p[k][0]), p[k][1], 0, 255), np.float32(p[k][0]), p[k][1])
        a = qdq(qdq(x, "x") + qdq(y, "y"), "a")
        mm = qdq(a * _dequantize(c, np.float32(p["c"][0]), p["c"][1]), "m")
        want = [qdq(mm.mean(axis=(2, 3), keepdims=True), "g"), qdq(np.concatenate([qdq(x, "x"), a], axis=1), "o")]
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.resources, {"c": (1, 3, 1, 1)})
        got = support.execute.run_forward(import_onnx(m, inline_weights=True).text, [x, y], [w.shape for w in want])
        for gv, wv, k in zip(got, want, "go"):
            self.assertLessEqual(np.abs(gv - wv).max(), p[k][0] * 1.01)
            self.assertGreater(np.isclose(gv, wv, atol=1e-6).mean(), 0.95)
        cd = _dequantize(c, np.float32(p["c"][0]), p["c"][1])
        fold = [((x + y) * cd).mean(axis=(2, 3), keepdims=True), np.concatenate([x, x + y], axis=1)]
        r = import_onnx(m, inline_weights=True, fold_qdq=True)
        self.assertNotIn("i8>", r.text)
        support.run_numeric(self, r.text, [x, y], fold, atol=1e-5)

    def test_dynamic_quantize_linear_by_the_spec(self):
        """DynamicQuantizeLinear's y, scale and zero point computed at run time (rank-0 tensors): the
        spec's (y and the zero point exactly), read through DequantizeLinear with scale 1, for a mixed-sign x, an
        all-positive and an all-negative one (the range widened to hold 0) and an all-zero one."""
        rng = np.random.default_rng(7)
        nodes = [helper.make_node("DynamicQuantizeLinear", ["x"], ["q", "s", "z"]),
                 helper.make_node("DequantizeLinear", ["q", "one"], ["qi"]),
                 helper.make_node("DequantizeLinear", ["z", "one"], ["zi"])]
        m = _graph_model(nodes, [_vi("x", [2, 3, 5])], [_vi("qi", None), _vi("s", None), _vi("zi", None)],
                         [_init("one", 1.0, np.float32)])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        self.assertIn("-> (tensor<2x3x5xf32>, tensor<f32>, tensor<f32>)", r.text)
        x = rng.standard_normal((2, 3, 5)).astype(np.float32) * 3
        for name, v in (("mixed", x), ("positive", np.abs(x) + 1), ("negative", -np.abs(x) - 0.5),
                        ("zero", np.zeros_like(x))):
            with self.subTest(name):
                q, s, z = _dynamic_quantize(v)
                # rtol: mlir-runner prints 6 significant digits (the integers are exact within it)
                support.run_numeric(self, r.text, [v], [q, np.array(s), np.array(z, np.float32)], atol=0, rtol=1e-5)

    def test_matmul_integer_mlp_and_attention_as_onnx_runtime_writes_them(self):
        """ONNX Runtime's dynamic quantization of a 2-layer MLP (per-tensor weight zero points) and of
        an attention block (shared activation quantization for Q, K, V; per-column weight zero points
        and scales; the scores as a MatMulInteger of two run-time quantized tensors, batched):
        the int32 accumulations exactly the spec's, the results within f32 rounding; each int8
        weight is one weight of its element count (a per-column scale, which a Mul reads, one too)."""
        rng = np.random.default_rng(8)
        ints = lambda *shape: rng.integers(-128, 128, shape).astype(np.int8)
        w1, w2 = ints(8, 16), ints(16, 4)
        b1, b2 = (rng.standard_normal(n).astype(np.float32) for n in (16, 4))
        nodes, inits = [], []
        _ort_matmul(nodes, inits, "x", w1, 0.01, 3, "h", b1)
        nodes.append(helper.make_node("Relu", ["h"], ["hr"]))
        _ort_matmul(nodes, inits, "hr", w2, 0.02, -5, "y", b2)
        mlp = _graph_model(nodes, [_vi("x", [2, 3, 8])], [_vi("y", None), _vi("h_mm_cast_output", None)], inits)
        x = rng.standard_normal((2, 3, 8)).astype(np.float32)
        h, acc1 = _ort_matmul_ref(x, w1, 0.01, 3, b1)
        y, _ = _ort_matmul_ref(np.maximum(h, 0), w2, 0.02, -5, b2)

        d = 8
        wq, wk, wv = ints(d, d), ints(d, d), ints(d, d)
        zs = {k: rng.integers(-10, 10, d).astype(np.int8) for k in "qkv"}
        ss = {k: (rng.random(d) * 0.01 + 0.005).astype(np.float32) for k in "qkv"}
        bs = {k: rng.standard_normal(d).astype(np.float32) for k in "qkv"}
        nodes, inits = [], []
        for k, w in zip("qkv", (wq, wk, wv)):
            _ort_matmul(nodes, inits, "a", w, ss[k], zs[k], k, bs[k])
        nodes += [helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 2, 1]),
                  helper.make_node("DynamicQuantizeLinear", ["q"], ["qq", "qs", "qz"]),
                  helper.make_node("DynamicQuantizeLinear", ["kt"], ["kq", "ks", "kz"]),
                  helper.make_node("MatMulInteger", ["qq", "kq", "qz", "kz"], ["si"]),
                  helper.make_node("Cast", ["si"], ["sf"], to=TensorProto.FLOAT),
                  helper.make_node("Mul", ["qs", "ks"], ["qks"]),
                  helper.make_node("Mul", ["sf", "qks"], ["scores"]),
                  helper.make_node("Softmax", ["scores"], ["p"], axis=-1),
                  helper.make_node("MatMul", ["p", "v"], ["o"])]
        attn = _graph_model(nodes, [_vi("a", [2, 5, d])], [_vi("o", None), _vi("sf", None)], inits)
        a = rng.standard_normal((2, 5, d)).astype(np.float32)
        q, k, v = (_ort_matmul_ref(a, w, ss[n], zs[n], bs[n])[0] for n, w in zip("qkv", (wq, wk, wv)))
        (kq, ks, kz), (qq, qs, qz) = _dynamic_quantize(k.transpose(0, 2, 1)), _dynamic_quantize(q)
        sacc = (qq - qz).astype(np.int64) @ (kq - kz).astype(np.int64)
        p = np.exp(sacc.astype(np.float32) * (qs * ks))
        o = (p / p.sum(-1, keepdims=True)) @ v
        for name, m, inp, want, exact, weights in (
                ("mlp", mlp, x, y, acc1, {"h_W_quantized": (8, 16), "h_bias": (16,), "y_W_quantized": (16, 4),
                                          "y_bias": (4,)}),
                ("attention", attn, a, o, sacc, {**{f"{n}_W_quantized": (d, d) for n in "qkv"},
                                                 **{f"{n}_W_scale": (d,) for n in "qkv"},
                                                 **{f"{n}_bias": (d,) for n in "qkv"}})):
            with self.subTest(name):
                r = import_onnx(m)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resources, weights)
                self.assertIn("linalg.matmul ins", r.text)
                self.assertIn("xi32>) outs", r.text.split("linalg.matmul ins")[1].split("\n")[0])
                got, acc = support.execute.run_forward(import_onnx(m, inline_weights=True).text, [inp],
                                                       [want.shape, exact.shape])
                np.testing.assert_array_equal(acc, exact.astype(np.float32))
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    def test_conv_integer_against_the_integer_spec(self):
        """ConvInteger (uint8 x with its run-time zero point from DynamicQuantizeLinear, int8 weights
        with a zero point per output channel; padded with 0 after the zero points are subtracted, as
        ONNX's reference and ONNX Runtime have it; a grouped one too) in i32, then Cast and Mul by the
        scales: the accumulation exact, the result within f32 rounding."""
        rng = np.random.default_rng(9)
        x = rng.standard_normal((1, 4, 7, 7)).astype(np.float32)
        xq, xs, xz = _dynamic_quantize(x)
        for group in (1, 2, 4):
            with self.subTest(group=group):
                w = rng.integers(-128, 128, (4, 4 // group, 3, 3)).astype(np.int8)
                wz = rng.integers(-20, 20, 4).astype(np.int8)
                nodes = [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
                         helper.make_node("ConvInteger", ["xq", "w", "xz", "wz"], ["ci"], pads=[1, 1, 1, 1],
                                          strides=[2, 2], group=group),
                         helper.make_node("Cast", ["ci"], ["cf"], to=TensorProto.FLOAT),
                         helper.make_node("Mul", ["xs", "ws"], ["s"]),
                         helper.make_node("Mul", ["cf", "s"], ["y"])]
                m = _graph_model(nodes, [_vi("x", [1, 4, 7, 7])], [_vi("y", None), _vi("cf", None)],
                                 [numpy_helper.from_array(w, "w"), _init("wz", wz, np.int8), _init("ws", 0.01, np.float32)])
                r = import_onnx(m)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resources, {"w": w.shape})
                acc = torch.nn.functional.conv2d(torch.tensor(xq - xz, dtype=torch.float64),
                                                 torch.tensor(w.astype(np.float64) - wz[:, None, None, None]),
                                                 padding=1, stride=2, groups=group).numpy()
                got, gacc = support.execute.run_forward(import_onnx(m, inline_weights=True).text, [x],
                                                        [acc.shape, acc.shape])
                np.testing.assert_array_equal(gacc, acc.astype(np.float32))
                np.testing.assert_allclose(got, acc.astype(np.float32) * (xs * np.float32(0.01)), rtol=1e-5)

    def test_fold_qdq_imports_dynamic_quantization_as_the_float_graph(self):
        """With fold_qdq, ONNX Runtime's dynamic pattern is the float model on the dequantized weights:
        DynamicQuantizeLinear passes x on (scale 1, zero point 0), MatMulInteger / ConvInteger compute
        in f32 on the weights less their zero points, so the Mul by (1 x the weight's scale) gives the
        float product; no integer tensor, the float model's weight elements, its generics plus that
        Mul, and its numbers within f32 rounding."""
        rng = np.random.default_rng(10)
        w1, w2 = (rng.integers(-128, 128, s).astype(np.int8) for s in ((8, 16), (16, 4)))
        z2 = rng.integers(-9, 9, 4).astype(np.int8)
        b1, b2 = (rng.standard_normal(n).astype(np.float32) for n in (16, 4))
        wc = rng.integers(-128, 128, (4, 3, 3, 3)).astype(np.int8)
        nodes, inits = [], []
        _ort_matmul(nodes, inits, "x", w1, 0.01, 3, "h", b1)
        nodes.append(helper.make_node("Relu", ["h"], ["hr"]))
        _ort_matmul(nodes, inits, "hr", w2, 0.02, z2, "y", b2)
        mlp = _graph_model(nodes, [_vi("x", [2, 8])], [_vi("y", None)], inits)
        d1, d2 = (w1 - np.float32(3)) * np.float32(0.01), (w2 - z2.astype(np.float32)) * np.float32(0.02)
        mlp_float = _graph_model(
            [helper.make_node("MatMul", ["x", "w1"], ["m1"]), helper.make_node("Add", ["m1", "b1"], ["h"]),
             helper.make_node("Relu", ["h"], ["hr"]), helper.make_node("MatMul", ["hr", "w2"], ["m2"]),
             helper.make_node("Add", ["m2", "b2"], ["y"])], [_vi("x", [2, 8])], [_vi("y", None)],
            [numpy_helper.from_array(v, n) for v, n in ((d1, "w1"), (b1, "b1"), (d2, "w2"), (b2, "b2"))])
        conv = _graph_model(
            [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
             helper.make_node("ConvInteger", ["xq", "w", "xz", "wz"], ["ci"], pads=[1, 1, 1, 1]),
             helper.make_node("Cast", ["ci"], ["cf"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["xs", "ws"], ["s"]), helper.make_node("Mul", ["cf", "s"], ["y"])],
            [_vi("x", [1, 3, 6, 6])], [_vi("y", None)],
            [numpy_helper.from_array(wc, "w"), _init("wz", [1, -2, 0, 5], np.int8), _init("ws", 0.03, np.float32)])
        dc = (wc - np.array([1, -2, 0, 5], np.float32)[:, None, None, None]) * np.float32(0.03)
        conv_float = _graph_model([helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 1, 1, 1])],
                                  [_vi("x", [1, 3, 6, 6])], [_vi("y", None)], [numpy_helper.from_array(dc, "w")])
        x = rng.standard_normal((2, 8)).astype(np.float32)
        xc = rng.standard_normal((1, 3, 6, 6)).astype(np.float32)
        mlp_ref = np.maximum(x @ d1 + b1, 0) @ d2 + b2
        conv_ref = torch.nn.functional.conv2d(torch.tensor(xc), torch.tensor(dc), padding=1).numpy()
        for name, m, fm, inp, ref, products in (("mlp", mlp, mlp_float, x, mlp_ref, 2),
                                                ("conv", conv, conv_float, xc, conv_ref, 1)):
            with self.subTest(name):
                r, f = import_onnx(m, fold_qdq=True), import_onnx(fm)
                support.mlir_opt(self, r.text)
                self.assertNotIn("i8>", r.text)
                self.assertNotIn("i32>", r.text)
                self.assertEqual(r.resource_elements, f.resource_elements)
                self.assertEqual(r.text.count("linalg.generic"), f.text.count("linalg.generic") + products)
                support.run_numeric(self, import_onnx(m, inline_weights=True, fold_qdq=True).text, [inp], [ref],
                                    atol=1e-5, rtol=1e-4)

    def test_unsupported_integer_product_forms_are_one_line_errors(self):
        T = TensorProto
        x = _vi("x", [1, 4, 3, 3])
        dq = helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"])
        w = numpy_helper.from_array(np.ones((2, 4, 1, 1), np.int8), "w")
        cases = [
            ("ONNX node 'ci' (op type ConvInteger): the zero point 'z4' has 4 values; this one must be a single "
             "value (per-tensor)",
             [dq, helper.make_node("ConvInteger", ["xq", "w", "z4"], ["y"], name="ci")],
             [w, _init("z4", [1, 2, 3, 4], np.uint8)]),
            ("ONNX node 'ci' (op type ConvInteger): the zero point 'wz' has 3 values for axis 0 of size 2",
             [dq, helper.make_node("ConvInteger", ["xq", "w", "xz", "wz"], ["y"], name="ci")],
             [w, _init("wz", [1, 2, 3], np.int8)]),
            ("ONNX node 'mi' (op type MatMulInteger): the run-time zero point 'xz' of the constant 'm' is not "
             "supported",
             [dq, helper.make_node("MatMulInteger", ["xq", "m", "xz", "xz"], ["y"], name="mi")],
             [numpy_helper.from_array(np.ones((3, 2), np.uint8), "m")]),
            ("ONNX node 'mi' (op type MatMulInteger): quantized type FLOAT is not supported (INT8, UINT8)",
             [helper.make_node("MatMulInteger", ["x", "m"], ["y"], name="mi")],
             [numpy_helper.from_array(np.ones((3, 2), np.int8), "m")]),
            ("ONNX node 'mi' (op type MatMulInteger): the zero point 'bz' of shape [2, 2] does not broadcast to "
             "input 'm' of shape [3, 2]",
             [dq, helper.make_node("MatMulInteger", ["xq", "m", "xz", "bz"], ["y"], name="mi")],
             [numpy_helper.from_array(np.ones((3, 2), np.int8), "m"), _init("bz", [[1, 2], [3, 4]], np.int8)]),
        ]
        for expected, nodes, inits in cases:
            with self.subTest(expected=expected[:60]):
                m = _graph_model(nodes, [x], [_vi("y", None, T.INT32)], inits)
                self.assertIn(expected, self.error(m))


    def test_cast_of_quantized_values_to_numbers_widens_by_their_type(self):
        """Cast of a QuantizeLinear output to FLOAT or INT32 gives its integers: sign-extended for
        INT8, zero-extended for UINT8 (200 stays 200, not -56)."""
        x = np.array([[-3.0, -0.4, 0.0, 0.6, 2.5, 9.0]], np.float32)
        for qt, zp, lo, hi in ((np.int8, -10, -128, 127), (np.uint8, 120, 0, 255)):
            for to, dtype in ((onnx.TensorProto.FLOAT, "f32"), (onnx.TensorProto.INT32, "i32")):
                with self.subTest(qt=qt.__name__, to=dtype):
                    m = _graph_model([helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
                                      helper.make_node("Cast", ["q"], ["c"], to=to),
                                      helper.make_node("Cast", ["c"], ["y"], to=onnx.TensorProto.FLOAT)],
                                     [_vi("x", [1, 6])], [_vi("y", None)],
                                     [_init("s", 0.05, np.float32), _init("z", zp, qt)])
                    want = _quantize(x, np.float32(0.05), zp, lo, hi).astype(np.float32)
                    support.run_numeric(self, import_onnx(m).text, [x], [want], atol=0)


if __name__ == "__main__":
    unittest.main()
