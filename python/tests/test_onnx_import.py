# ---------------------------------------------------------------------------
# Tests of the ONNX importer on models exported offline with
# torch.onnx.export into a temp dir, on "light" variants whose initializers
# were replaced by ConstantOfShape nodes (as the ONNX model zoo's light_*.onnx
# files are), and on hand-built graphs for attribute corner cases.
# ---------------------------------------------------------------------------
"""Tests of egrl_import.onnx_import."""

import contextlib
import io
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

    from egrl_import import models
    from egrl_import.mlir import UnsupportedError
    from egrl_import.onnx_import import import_onnx


def light(model, threshold=128):
    """Replace float initializers above `threshold` elements by
    ConstantOfShape(<name>__SHAPE), as onnx's
    replace_initializer_by_constant_of_shape (not in onnx 1.12) does.
    """
    g = model.graph
    keep, nodes = [], []
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT or np.prod(init.dims) <= threshold:
            keep.append(init)
            continue
        shape_name = f"{init.name}__SHAPE"
        keep.append(numpy_helper.from_array(np.array(list(init.dims), np.int64), name=shape_name))
        nodes.append(helper.make_node("ConstantOfShape", [shape_name], [init.name],
                                      value=numpy_helper.from_array(np.array([0.5], np.float32))))
    graph = helper.make_graph(nodes + list(g.node), g.name, list(g.input), list(g.output), initializer=keep)
    out = helper.make_model(graph, opset_imports=model.opset_import)
    out.ir_version = model.ir_version
    return out


def _randomize(m):
    torch.manual_seed(0)
    for p in m.parameters():  # distinct values: torch.onnx dedups equal initializers
        p.data.uniform_(-0.5, 0.5)
    for mod in m.modules():
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
    return m.eval()


@support.needs_onnx
class OnnxExportTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def export(self, m, inputs, **kw):
        path = os.path.join(self.tmp.name, "m.onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(m, tuple(inputs), path, opset_version=kw.pop("opset", 13), **kw)
        return onnx.load(path)

    def numeric(self, model, m, inputs, atol=1e-4):
        r = import_onnx(model, inline_weights=True)
        with torch.no_grad():
            ref = m(*inputs)
        support.run_numeric(self, r.text, [i.numpy() for i in inputs], [ref.numpy()], atol=atol)

    def test_tied_lm_head_is_one_weight(self):
        class Tied(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok = nn.Embedding(50, 8)
                self.lm = nn.Linear(8, 50, bias=False)
                self.lm.weight = self.tok.weight

            def forward(self, ids):
                return self.lm(torch.relu(self.tok(ids)))

        torch.manual_seed(0)
        m, ids = Tied().eval(), torch.randint(0, 50, (1, 6))
        model = self.export(m, [ids])
        self.assertEqual(len([t for t in model.graph.initializer if len(t.dims) == 2]), 2)  # table, table^T
        r = import_onnx(model)
        self.assertEqual(list(r.resources), ["tok_weight"])
        self.assertIn("linalg.transpose", r.text)
        self.numeric(model, m, [ids])

    def test_opset9_shape_slice_folds(self):
        """Below opset 10 Slice takes starts and ends as attributes; a flatten's shape arithmetic
        (Shape -> Slice -> Concat -> Reshape) folded only the input form and failed with an
        internal IndexError."""
        class Flat(nn.Module):
            def __init__(self):
                super().__init__()
                self.c = nn.Conv2d(3, 8, 3)

            def forward(self, x):
                return self.c(x).flatten(2)

        torch.manual_seed(0)
        m, x = Flat().eval(), torch.randn(1, 3, 16, 16)
        model = self.export(m, [x], opset=9)
        self.assertIn("starts", {a.name for n in model.graph.node if n.op_type == "Slice" for a in n.attribute})
        self.numeric(model, m, [x])

    def test_export_without_params_is_noted(self):
        """export_params=False makes the weights graph inputs: the import succeeds with no weight, and
        says why."""
        m, x = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).eval(), torch.randn(1, 4)
        for params, noted in ((False, True), (True, False)):
            with self.subTest(export_params=params):
                model = self.export(m, [x], export_params=params)
                err = io.StringIO()
                with contextlib.redirect_stderr(err):
                    r = import_onnx(model)
                self.assertEqual("exported without its weights" in err.getvalue(), noted, err.getvalue())
                self.assertEqual(r.resource_count == 0, noted)

    def test_inputs_sharing_a_symbolic_dim_share_its_size(self):
        """Two inputs with one symbolic batch 'b': --input-shape on one sized only that one, the
        other got batch 1, and the import failed at a distant Concat."""
        class Two(nn.Module):
            def __init__(self):
                super().__init__()
                self.a, self.b = nn.Linear(8, 4), nn.Linear(6, 4)

            def forward(self, x, y):
                return torch.cat([self.a(x), self.b(y)], 1)

        m = Two().eval()
        model = self.export(m, [torch.randn(1, 8), torch.randn(1, 6)], input_names=["x", "y"],
                            dynamic_axes={"x": {0: "b"}, "y": {0: "b"}})
        r = import_onnx(model, input_shapes={"y": (3, 6)})
        self.assertIn("tensor<3x8xf32>", r.text)
        with self.assertRaisesRegex(Exception, "gives the dim 'b' two sizes: 3 .'x'. and 2 .'y'."):
            import_onnx(model, input_shapes={"x": (3, 8), "y": (2, 6)})

    def test_negative_slice_steps(self):
        """torch.flip exports as a Slice of step -1 (the fx and aten routes imported it, this route
        refused it); any negative step reads the axis reversed."""
        class Flip(nn.Module):
            def __init__(self):
                super().__init__()
                self.c = nn.Conv2d(3, 4, 3)

            def forward(self, x):
                return torch.flip(self.c(x), [1, 3])

        m, x = _randomize(Flip()).eval(), torch.randn(1, 3, 8, 8)
        model = self.export(m, [x], opset=13)
        self.numeric(model, m, [x])
        # ONNX clamps a negative step's start to the axis (-10: element 0), where Python's slice
        # gives an empty range.
        onnx_reference = {(-10, -100, -1): np.arange(16, dtype=np.float32).reshape(2, 8)[:, 0:1]}
        for starts, ends, step in ((5, 0, -2), (-1, -100, -3), (7, 7, -1), (-10, -100, -1)):
            with self.subTest(starts=starts, ends=ends, step=step):
                const = lambda name, v: numpy_helper.from_array(np.array([v], np.int64), name=name)
                graph = helper.make_graph(
                    [helper.make_node("Slice", ["x", "s", "e", "a", "p"], ["y"])], "g",
                    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
                    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                    initializer=[const("s", starts), const("e", ends), const("a", 1), const("p", step)])
                model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
                xs = np.arange(16, dtype=np.float32).reshape(2, 8)
                expected = onnx_reference.get((starts, ends, step), xs[:, starts:ends:step])
                if expected.size == 0:
                    with self.assertRaises(Exception):
                        import_onnx(model, inline_weights=True)
                    continue
                r = import_onnx(model, inline_weights=True)
                support.run_numeric(self, r.text, [xs], [expected])

    def test_lstm_and_gru_exports(self):
        """torch's exports of nn.LSTM (batch_first: Transposes around the node; Y, Y_h and Y_c read)
        and of a 2-layer bidirectional nn.GRU (linear_before_reset=1, batch 3) unroll per step (the
        input projection of all steps one matmul per layer and direction, as on the aten route) and
        equal torch; W, R and B stay weights named after their initializers, counted as the
        module's parameters."""
        class Rnn(nn.Module):
            def __init__(self, cell, **kw):
                super().__init__()
                self.rnn = cell(4, 6, **kw)

            def forward(self, x):
                y, h = self.rnn(x)
                return (y,) + (h if isinstance(h, tuple) else (h,))

        for cell, kw, x, steps in ((nn.LSTM, dict(batch_first=True), torch.randn(1, 3, 4), 3),
                                   (nn.GRU, dict(bidirectional=True, num_layers=2), torch.randn(2, 3, 4), 2 * 2 * 2)):
            with self.subTest(cell=cell.__name__):
                m = _randomize(Rnn(cell, **kw))
                om = self.export(m, [x], opset=17)
                self.assertIn(cell.__name__.upper(), {n.op_type for n in om.graph.node})
                r = import_onnx(om)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resource_elements, sum(p.numel() for p in m.parameters()))
                self.assertTrue(all(name.startswith(f"onnx__{cell.__name__.upper()}_") for name in r.resources))
                layers = kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1)
                self.assertEqual(r.text.count("linalg.matmul"), layers + steps)  # X @ W^T; h @ R^T per step
                ri = import_onnx(om, inline_weights=True)
                with torch.no_grad():
                    ref = m(x)
                support.run_numeric(self, ri.text, [x.numpy()], [t.numpy() for t in ref])

    def test_cnn_with_batchnorm(self):
        m, inp = models.build("tiny_cnn")
        m = _randomize(m)
        om = self.export(m, inp, training=torch.onnx.TrainingMode.PRESERVE)
        ops = {n.op_type for n in om.graph.node}
        self.assertTrue({"Conv", "BatchNormalization", "Relu", "Add", "MaxPool", "GlobalAveragePool",
                         "Flatten", "Gemm"} <= ops, ops)
        r = import_onnx(om)
        support.mlir_opt(self, r.text)
        bn = sum(2 * x.num_features for x in m.modules() if isinstance(x, nn.BatchNorm2d))
        self.assertEqual(r.resource_elements, sum(p.numel() for p in m.parameters()) + bn)
        for s in ("linalg.conv_2d_nchw_fchw", "math.rsqrt", "linalg.pooling_nchw_max", "linalg.pooling_nchw_sum",
                  "linalg.matmul", "dense_resource<stem_weight>"):
            self.assertIn(s, r.text)
        self.numeric(om, m, inp)

    def test_more_activations_and_log_softmax(self):
        from test_torch_import import Activations

        torch.manual_seed(0)
        m, inp = Activations().eval(), [torch.randn(2, 16)]
        for opset in (13, 17):
            om = self.export(m, inp, opset=opset)
            ops = {n.op_type for n in om.graph.node}
            self.assertTrue({"LeakyRelu", "Elu", "Softplus", "Abs", "Log", "LogSoftmax"} <= ops, ops)
            r = import_onnx(om, inline_weights=True)
            with torch.no_grad():
                ref = m(*inp)
            support.run_numeric(self, r.text, [i.numpy() for i in inp], [ref.numpy()], atol=2e-3, rtol=1e-5)

    def test_rounding_sign_selu_celu_shrink_and_glu(self):
        """torch's exports (Floor, Ceil, Round, Sign, Selu, Celu, hardshrink / softshrink as Where and
        Cast, logsigmoid, Softsign, GLU as Split + Sigmoid + Mul) equal torch."""
        from test_torch_import import ROUNDING_INPUT, Rounding

        m = Rounding(trunc=False).eval()
        model = self.export(m, [ROUNDING_INPUT], opset=13)
        self.assertTrue({"Floor", "Ceil", "Round", "Sign", "Selu", "Celu"} <= {n.op_type for n in model.graph.node})
        self.numeric(model, m, [ROUNDING_INPUT])

    def test_pixel_shuffle_unshuffle_and_cumsum(self):
        """torch.onnx's exports at opset 17: pixel_shuffle as DepthToSpace (mode CRD), pixel_unshuffle
        as Reshape + Transpose + Reshape, cumsum as CumSum with a constant axis (on f32 data and on an
        int64 mask, HF-style position ids read through Gather); equal to torch."""
        from test_torch_import import CumulativeSums, PixelShuffles

        torch.manual_seed(0)
        cases = ((PixelShuffles(), [torch.randn(1, 3, 5, 5)], {"DepthToSpace"}),
                 (CumulativeSums(), [torch.randn(1, 5, 7), torch.tensor([[1, 1, 0, 1, 0, 0, 1]]),
                                     torch.tensor([[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]])], {"CumSum", "Gather"}))
        for m, inp, ops in cases:
            m = _randomize(m)
            om = self.export(m, inp, opset=17)
            self.assertTrue(ops <= {n.op_type for n in om.graph.node}, [n.op_type for n in om.graph.node])
            if "DepthToSpace" in ops:
                self.assertEqual({helper.get_attribute_value(a) for n in om.graph.node if n.op_type == "DepthToSpace"
                                  for a in n.attribute if a.name == "mode"}, {b"CRD"})
            r = import_onnx(om, inline_weights=True)
            support.mlir_opt(self, r.text)
            with torch.no_grad():
                ref = m(*inp)
            support.run_numeric(self, r.text, [i.numpy() for i in inp], [t.numpy() for t in ref])

    def test_conv1d_instance_norm_resize_pad_and_conv_transpose(self):
        from test_torch_import import Bilinear, Decoder, EdgePadding, GroupedDecoder, Sequence1d, UNetBits

        seen = set()
        for m, x in ((Sequence1d(), torch.randn(1, 4, 20)), (UNetBits(), torch.randn(1, 3, 8, 8)),
                     (Decoder(), torch.randn(1, 8, 5, 6)), (EdgePadding(), torch.randn(1, 3, 5, 6)),
                     (Bilinear(), torch.randn(1, 3, 4, 6)), (GroupedDecoder(), torch.randn(1, 4, 7))):
            torch.manual_seed(0)
            for p in m.parameters():
                nn.init.normal_(p, 0.0, 0.5)
            m.eval()
            for opset in (11, 17):
                om = self.export(m, [x], opset=opset)
                seen |= {n.op_type for n in om.graph.node}
                self.numeric(om, m, [x])
        self.assertTrue({"Conv", "InstanceNormalization", "Pad", "Resize", "Tile", "ConvTranspose"} <= seen, seen)

    def test_conv3d_batchnorm_and_3d_pooling(self):
        """torch's export of the 3-D test module: Conv (plain, depthwise, grouped),
        BatchNormalization, MaxPool (ceil_mode), AveragePool, GlobalAveragePool on NCDHW."""
        from test_torch_import import Video3d

        m, inp = _randomize(Video3d(same=False)), [torch.randn(1, 4, 5, 9, 8)]
        om = self.export(m, inp, training=torch.onnx.TrainingMode.PRESERVE)
        ops = {n.op_type for n in om.graph.node}
        self.assertTrue({"Conv", "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool"} <= ops, ops)
        r = import_onnx(om, inline_weights=True)
        support.mlir_opt(self, r.text)
        for s in ("linalg.conv_3d_ncdhw_fcdhw", "linalg.depthwise_conv_3d_ncdhw_cdhw", "math.rsqrt"):
            self.assertIn(s, r.text)
        self.assertEqual(r.resource_elements, sum(p.numel() for p in m.parameters()) + 2 * m.bn.num_features)
        with torch.no_grad():
            ref = m(*inp)
        support.run_numeric(self, r.text, [i.numpy() for i in inp], [t.numpy() for t in ref])

    def test_prelu_1d_pooling_argmax_hard_activations_and_any_ratio_resize(self):
        """torch's exports of the test modules: PRelu (slopes counted as weights), MaxPool/AveragePool/
        GlobalAveragePool on NCL, ArgMax/ArgMin (i64), HardSigmoid/HardSwish, and Resize with
        align_corners, sizes that are not multiples and fractional scales: equal to torch."""
        from test_torch_import import Pool1dPReLUArgMax, Resampling

        class Hard(nn.Module):
            def forward(self, x):
                return nn.functional.hardswish(x) + nn.functional.hardsigmoid(x)

        torch.manual_seed(0)
        seen = set()
        for m, x, opsets in ((Pool1dPReLUArgMax(), torch.randn(1, 3, 13), (13, 17)),
                             (Hard(), torch.randn(1, 2, 9) * 4, (17,)), (Resampling(exact=False), torch.randn(1, 2, 5, 6), (11, 17))):
            m = _randomize(m)
            for opset in opsets:
                with self.subTest(m=type(m).__name__, opset=opset):
                    om = self.export(m, [x], opset=opset)
                    seen |= {n.op_type for n in om.graph.node}
                    r = import_onnx(om, inline_weights=True)
                    support.mlir_opt(self, r.text)
                    self.assertEqual(r.resource_elements, sum(p.numel() for p in m.parameters()))
                    with torch.no_grad():
                        ref = m(x)
                    refs = ref if isinstance(ref, tuple) else (ref,)
                    support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in refs])
        self.assertTrue({"PRelu", "MaxPool", "AveragePool", "ArgMax", "ArgMin", "HardSwish", "HardSigmoid",
                         "Resize"} <= seen, seen)

    def test_resize_align_corners_with_scales_takes_the_integer_output_length(self):
        """As python/README.md says: align_corners maps output i to i (in - 1) / (out - 1) with the
        integer output length also when Resize is given scales, as torch computes it, so torch's export
        of F.interpolate(scale_factor=0.6, align_corners=True) (Resize with scales; 7 * 0.6 = 4.2) equals
        torch; ONNX's reference takes in * scale there (onnx/onnx#2462), so its conformance case
        test_resize_downsample_scales_linear_align_corners gives 3.142857 where this gives 4."""
        class Down(nn.Module):
            def forward(self, x):
                return nn.functional.interpolate(x, scale_factor=0.6, mode="bilinear", align_corners=True)

        x = torch.randn(1, 2, 5, 7)
        om = self.export(Down(), [x], opset=17)
        self.assertEqual([n.op_type for n in om.graph.node if n.op_type == "Resize"], ["Resize"])
        r = import_onnx(om, inline_weights=True)
        with torch.no_grad():
            support.run_numeric(self, r.text, [x.numpy()], [Down()(x.clone()).numpy()])
        node = helper.make_node("Resize", ["x", "", "scales"], ["y"], mode="linear",
                                coordinate_transformation_mode="align_corners")
        m = _graph_model([node], [_vi("x", [1, 1, 2, 4])], [_vi("y", [1, 1, 1, 2])],
                         [numpy_helper.from_array(np.array([1, 1, 0.6, 0.6], np.float32), "scales")])
        x = np.arange(1, 9, dtype=np.float32).reshape(1, 1, 2, 4)
        support.run_numeric(self, import_onnx(m).text, [x], [np.array([[[[1.0, 4.0]]]], np.float32)])

    def test_sin_cos_and_repeat_interleave(self):
        """Sin and Cos (a timestep embedding of run-time data) and repeat_interleave by an
        integer (grouped-query attention: Expand + Reshape on shapes that Split and Where
        compute from constants, folded), with torch's numbers."""
        from test_torch_import import GroupedKV, Sinusoidal

        torch.manual_seed(0)
        for m, inputs, ops in ((Sinusoidal(), [torch.tensor([37.0]), torch.randn(1, 16) * 3], {"Sin", "Cos"}),
                               (GroupedKV(), [torch.randn(1, 4, 16)], {"Split", "Where", "Expand"})):
            m.eval()
            om = self.export(m, inputs, opset=17)
            self.assertTrue(ops <= {n.op_type for n in om.graph.node})
            r = import_onnx(om, inline_weights=True)
            support.mlir_opt(self, r.text)
            with torch.no_grad():
                ref = m(*inputs)
            refs = ref if isinstance(ref, tuple) else (ref,)
            support.run_numeric(self, r.text, [i.numpy() for i in inputs], [t.numpy() for t in refs])

    def test_reductions_var_std_normalize_and_logsumexp(self):
        """torch's exports of sum / amax / amin / max over dims, prod, p-norms, F.normalize (ReduceL2),
        var / std (ReduceMean and a folded ReduceProd of the shape) and logsumexp equal torch, at
        opset 11 (axes attributes) and 17 (ReduceSum's axes an input)."""
        import torch.nn.functional as F

        class Reductions(nn.Module):
            def forward(self, x):
                return (x.sum(1) + x.amax(1) - torch.amin(x, 1, keepdim=True).squeeze(1) + x.max(dim=1)[0],
                        x.sum((2, 3), keepdim=True), x.prod(3), x.norm(p=1, dim=1) + x.norm(dim=1),
                        F.normalize(x, dim=1), x.var(dim=1) + x.std(dim=(2, 3), keepdim=True).mean(1),
                        torch.logsumexp(x, dim=2), x.sum())

        torch.manual_seed(0)
        m, inp = Reductions().eval(), [torch.randn(1, 3, 4, 5)]
        with torch.no_grad():
            ref = [t.numpy() for t in m(*inp)]
        for opset in (11, 17):
            with self.subTest(opset=opset):
                om = self.export(m, inp, opset=opset)
                ops = {n.op_type for n in om.graph.node}
                self.assertTrue({"ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                                 "ReduceLogSumExp"} <= ops, ops)
                r = import_onnx(om, inline_weights=True)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [inp[0].numpy()], ref)

    def test_index_select_and_run_time_trilu(self):
        """torch's exports (opsets 14 and 17) of index_select by run-time and constant indices (Gather
        along any axis), logsumexp, prod, and tril / triu of a run-time tensor (Trilu, from opset 14)
        equal torch."""
        from test_torch_import import IndexSelects

        class Triangles(nn.Module):
            def forward(self, x, ids):
                y = x.index_select(2, ids % 3) * 2
                return (torch.tril(y), y.triu(1), torch.triu(y, diagonal=-1), torch.logsumexp(y, 1),
                        y.prod(1), IndexSelects()(x, ids)[0])

        torch.manual_seed(0)
        inp = [torch.randn(2, 5, 3), torch.tensor([2, 0, 1, 1])]
        with torch.no_grad():
            ref = [t.numpy() for t in Triangles()(*inp)]
        for opset in (14, 17):
            with self.subTest(opset=opset):
                om = self.export(Triangles(), inp, opset=opset)
                self.assertTrue({"Gather", "Trilu", "ReduceLogSumExp", "ReduceProd"}
                                <= {n.op_type for n in om.graph.node})
                r = import_onnx(om, inline_weights=True)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [t.numpy() for t in inp], ref)

    def test_topk_sort_and_argsort_exports(self):
        """torch's exports (opsets 11 and 17) of topk, sort and argsort (TopK nodes) equal torch."""
        class Sorts(nn.Module):
            def forward(self, x):
                s = torch.sort(x, dim=1, descending=True)
                t = x.topk(2, dim=0, largest=False)
                return torch.topk(x, 3).values, s[0], s[1], x.argsort(-1), t[0], t.indices

        torch.manual_seed(0)
        inp = [torch.randn(3, 5, 6)]
        with torch.no_grad():
            ref = [t.numpy() for t in Sorts()(*inp)]
        for opset in (11, 17):
            with self.subTest(opset=opset):
                om = self.export(Sorts(), inp, opset=opset)
                self.assertIn("TopK", {n.op_type for n in om.graph.node})
                r = import_onnx(om, inline_weights=True)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [inp[0].numpy()], ref)

    def test_padding_mask_casts_and_integer_comparisons(self):
        """A padding-mask text model as torch exports it (opset 17): ids != 0 and ids > 3 against integer
        constants (Equal + Not, Greater), runtime Casts bool -> i64 / f32 / i32 and i32 -> f32, position ids
        by CumSum of the mask, a Where on the scores, integer Div and Mod, sums of the mask; equals torch."""
        class PadMask(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok, self.pos, self.q = nn.Embedding(20, 8), nn.Embedding(12, 8), nn.Linear(8, 8)

            def forward(self, ids):
                keep = ids != 0
                pos = keep.long().cumsum(1) * keep.long()
                x = self.tok(ids) + self.pos(pos)
                scores = (self.q(x) @ x.transpose(1, 2)).masked_fill(~keep.unsqueeze(1), float("-inf"))
                y = scores.softmax(-1) @ x
                pooled = (y * keep.float().unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True).float()
                return pooled + (ids > 3).int().sum(1, keepdim=True).float() + (ids // 2 % 3).float().mean(1, True)

        torch.manual_seed(0)
        m, ids = PadMask().eval(), torch.tensor([[5, 3, 9, 1, 0, 0, 0]])
        model = self.export(m, [ids], opset=17)
        self.assertTrue({"Cast", "Not", "Greater", "Equal", "Mod", "Where"} <= {n.op_type for n in model.graph.node})
        r = import_onnx(model, inline_weights=True)
        support.mlir_opt(self, r.text)
        self.numeric(model, m, [ids])

    def test_gather_elements_export(self):
        """torch's export of gather with run-time indices (GatherElements) equals torch."""
        from test_torch_import import Gathers

        x, idx = torch.randn(2, 5), torch.tensor([[4, 0, 2], [1, 1, 3]])
        model = self.export(Gathers(), [x, idx], opset=13)
        self.assertIn("GatherElements", {n.op_type for n in model.graph.node})
        self.numeric(model, Gathers(), [x, idx])
        # ONNX's negative indices count from the end of the axis.
        m = _graph_model([helper.make_node("GatherElements", ["x", "i"], ["y"], axis=0)],
                         [_vi("x", [3, 2]), _vi("i", [2, 2], TensorProto.INT64)], [_vi("y", None)])
        xs, i = np.arange(6, dtype=np.float32).reshape(3, 2), np.array([[-1, 0], [1, -3]], np.int64)
        support.run_numeric(self, import_onnx(m).text, [xs, i], [np.take_along_axis(xs, i % 3, 0)])

    def test_light_variant_gives_the_same_ir(self):
        m, inp = models.build("tiny_cnn")
        om = self.export(_randomize(m), inp, training=torch.onnx.TrainingMode.PRESERVE)
        lm = light(om)
        self.assertIn("ConstantOfShape", {n.op_type for n in lm.graph.node})
        self.assertLess(lm.ByteSize(), om.ByteSize() / 10)
        a, b = import_onnx(om), import_onnx(lm)
        self.assertEqual(a.text, b.text)
        self.assertEqual(a.resources, b.resources)
        support.mlir_opt(self, b.text)

    def test_folded_batchnorm_export_and_depthwise(self):
        import torchvision

        m = _randomize(torchvision.models.mobilenet_v2(weights=None, width_mult=0.25))
        inp = [torch.randn(1, 3, 32, 32)]
        om = self.export(m, inp)  # eval mode: torch folds BN into Conv
        r = import_onnx(light(om))
        self.assertIn("linalg.depthwise_conv_2d_nchw_chw", r.text)
        support.mlir_opt(self, r.text)
        self.numeric(om, m, inp, atol=1e-3)

    def test_bert_opset13_and_17(self):
        b = _randomize(models.BertModel(vocab_size=40, hidden=16, num_layers=2, heads=2, ffn=32,
                                        max_position=16, seq_len=8))
        inp = [torch.randint(0, 40, (1, 8))]
        for opset, marker in ((13, "ReduceMean"), (17, "LayerNormalization")):
            with self.subTest(opset=opset):
                om = self.export(b, inp, opset=opset)
                self.assertIn(marker, {n.op_type for n in om.graph.node})
                r = import_onnx(om)
                for s in ("tensor.extract", "math.erf", "linalg.batch_matmul", "math.tanh"):
                    self.assertIn(s, r.text)
                support.mlir_opt(self, r.text)
                lr = import_onnx(light(om))
                self.assertEqual(lr.resource_elements, r.resource_elements)
                self.numeric(om, b, inp)

    def test_deterministic(self):
        m, inp = models.build("tiny_cnn")
        om = self.export(m, inp)
        self.assertEqual(import_onnx(om).text, import_onnx(om).text)

    def test_average_pooling_not_counting_padding_and_ceil_mode(self):
        """torch's exports (opset 11 and 13) of average pooling with count_include_pad=False and
        ceil_mode in 1-D, 2-D and 3-D (count_include_pad=True exports as Pad + AveragePool with
        ceil_mode's pads) equal torch."""
        from test_torch_import import AvgPools

        m, x = AvgPools(torch_only=False), torch.randn(1, 2, 8, 9)
        with torch.no_grad():
            ref = m(x)
        for opset in (11, 13):
            with self.subTest(opset=opset):
                om = self.export(m, [x], opset=opset)
                self.assertEqual({n.attribute[0].i for n in om.graph.node if n.op_type == "AveragePool"
                                  and n.attribute[0].name == "ceil_mode"}, {0, 1})
                r = import_onnx(om, inline_weights=True)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])

    def test_local_response_norm_export_with_a_folded_if(self):
        """torch.onnx writes local_response_norm as Mul, Pad, AveragePool and an If (a squeeze of a
        dim it cannot see is 1) on a condition folded at import: the taken branch is inlined; equal
        to torch at opset 11 and 13."""
        from test_torch_import import LocalResponseNorms

        m, x = LocalResponseNorms(), torch.randn(1, 7, 4, 5) * 2
        with torch.no_grad():
            ref = m(x)
        for opset in (11, 13):
            with self.subTest(opset=opset):
                om = self.export(m, [x], opset=opset)
                self.assertIn("If", {n.op_type for n in om.graph.node})
                r = import_onnx(om, inline_weights=True)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resource_count, 0)
                support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])

    def test_rnn_exports(self):
        """torch's exports of nn.RNN (tanh; a 2-layer bidirectional relu one, batch_first) are ONNX RNN
        nodes (activations Tanh / Relu), unrolled as LSTM and GRU are; W, R and B stay weights,
        counted as the module's parameters; equal to torch at opsets 11 and 17."""
        from test_torch_import import Rnn

        for kw, x in ((dict(), torch.randn(3, 1, 4)),
                      (dict(nonlinearity="relu", num_layers=2, bidirectional=True, batch_first=True),
                       torch.randn(2, 3, 4))):
            m = _randomize(Rnn(**kw))
            with torch.no_grad():
                ref = m(x)
            for opset in (11, 17):
                with self.subTest(opset=opset, **kw):
                    om = self.export(m, [x], opset=opset)
                    self.assertIn("RNN", {n.op_type for n in om.graph.node})
                    r = import_onnx(om)
                    support.mlir_opt(self, r.text)
                    self.assertEqual(r.resource_elements, sum(p.numel() for p in m.parameters()))
                    ri = import_onnx(om, inline_weights=True)
                    support.run_numeric(self, ri.text, [x.numpy()], [t.numpy() for t in ref])


def _graph_model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


@support.needs_onnx
class OnnxGraphTest(unittest.TestCase):
    def test_unsupported_op_names_node_and_type(self):
        m = _graph_model([helper.make_node("Relu", ["x"], ["r"], name="relu0"),
                          helper.make_node("Resize", ["r", "", "scales"], ["y"], name="up0", mode="cubic")],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                         [numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")])
        with self.assertRaises(UnsupportedError) as cm:
            import_onnx(m)
        self.assertIn("ONNX node 'up0' (op type Resize)", str(cm.exception))

    def test_float16_models_and_newer_opsets_are_said(self):
        """A float16 model is refused as a whole, with what to do; an opset newer than the importer
        knows imports with a note saying so."""
        w = numpy_helper.from_array(np.ones((4, 4), np.float16), "w")
        m = _graph_model([helper.make_node("MatMul", ["x", "w"], ["y"])],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 4])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT16, None)], [w])
        with self.assertRaisesRegex(UnsupportedError, "the model is float16 \\(1 FLOAT16 initializers, 'w' the "
                                                      "first\\): the importer reads float32 models"):
            import_onnx(m)
        m = _graph_model([helper.make_node("Relu", ["x"], ["y"])],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], opset=21)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            import_onnx(m)
        self.assertIn("the model's opset 21 is newer than 17", err.getvalue())

    def test_nodes_no_output_needs_are_dropped(self):
        """A node whose output nothing reads (an exporter's leftover) is not imported, so its
        weights are not placed; one whose op is unsupported does not stop the import either."""
        w = numpy_helper.from_array(np.ones((8, 8), np.float32), "w")
        dead = numpy_helper.from_array(np.ones((8, 512), np.float32), "dead_w")
        m = _graph_model([helper.make_node("MatMul", ["x", "dead_w"], ["unused"], name="leftover"),
                          helper.make_node("Relu", ["unused"], ["unused2"]),
                          helper.make_node("Resize", ["x", "", "s"], ["unused3"], mode="cubic"),
                          helper.make_node("MatMul", ["x", "w"], ["y"], name="live")],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                         [w, dead, numpy_helper.from_array(np.array([1, 2], np.float32), "s")])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.text.count("linalg.matmul"), 1)
        self.assertEqual(r.resource_elements, 64)

    def test_dynamic_dims(self):
        def model():
            return _graph_model([helper.make_node("Relu", ["x"], ["y"])],
                                [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", "S", 4])],
                                [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
        with self.assertRaises(UnsupportedError) as cm:
            import_onnx(model())
        self.assertIn("--input-shape x=", str(cm.exception))
        r = import_onnx(model(), {"x": [1, 3, 4]})
        self.assertIn("func.func @forward(%arg0: tensor<1x3x4xf32>) -> tensor<1x3x4xf32>", r.text)

    def test_symbolic_batch_dim_becomes_one_with_a_note(self):
        m = _graph_model([helper.make_node("Relu", ["x"], ["y"])],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 4])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            r = import_onnx(m)
        self.assertIn("func.func @forward(%arg0: tensor<1x3x4xf32>)", r.text)
        self.assertIn("graph input 'x' has a symbolic batch dim ('N'); using batch 1", err.getvalue())
        # A dim 0 named as a sequence (nn.GRU's seq-first layout) is no batch: batch 1 imported
        # one time step of 35.
        seq = _graph_model([helper.make_node("Relu", ["x"], ["y"])],
                           [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["seq_len", 3, 4])],
                           [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
        with self.assertRaisesRegex(UnsupportedError, "dynamic dim 0 \\('seq_len'\\), which names a sequence"):
            import_onnx(seq)

    def test_gemm_attributes_and_legacy_softmax(self):
        rng = np.random.default_rng(0)
        a = rng.standard_normal((5, 3)).astype(np.float32)   # transA -> 3x5
        b = rng.standard_normal((4, 5)).astype(np.float32)   # transB -> 5x4
        c = rng.standard_normal((4,)).astype(np.float32)
        m = _graph_model([helper.make_node("Gemm", ["a", "b", "c"], ["g"], transA=1, transB=1, alpha=0.5, beta=2.0),
                          helper.make_node("Reshape", ["g", "shape"], ["r"]),
                          helper.make_node("Softmax", ["r"], ["y"], axis=1)],
                         [helper.make_tensor_value_info("a", TensorProto.FLOAT, [5, 3])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                         [numpy_helper.from_array(b, "b"), numpy_helper.from_array(c, "c"),
                          numpy_helper.from_array(np.array([3, 2, 2], np.int64), "shape")], opset=11)
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        g = 0.5 * a.T @ b.T + 2.0 * c
        flat = g.reshape(3, 4)  # opset-11 Softmax(axis=1) coerces to 2-D
        e = np.exp(flat - flat.max(1, keepdims=True))
        ref = (e / e.sum(1, keepdims=True)).reshape(3, 2, 2)
        support.run_numeric(self, r.text, [a], [ref])

    def test_maxpool_same_upper_and_clip(self):
        x = np.random.default_rng(1).standard_normal((1, 2, 5, 5)).astype(np.float32)
        m = _graph_model([helper.make_node("MaxPool", ["x"], ["p"], kernel_shape=[2, 2], strides=[2, 2],
                                           auto_pad="SAME_UPPER"),
                          helper.make_node("Clip", ["p", "lo", "hi"], ["y"])],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 5, 5])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                         [numpy_helper.from_array(np.array(0.0, np.float32), "lo"),
                          numpy_helper.from_array(np.array(0.5, np.float32), "hi")])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.resource_count, 0)  # scalar initializers inline, not weights
        xp = np.pad(x, ((0, 0), (0, 0), (0, 1), (0, 1)), constant_values=-np.inf)
        ref = np.clip(xp.reshape(1, 2, 3, 2, 3, 2).max(axis=(3, 5)), 0.0, 0.5)
        support.run_numeric(self, r.text, [x], [ref])

    def test_review_findings_folded_integer_division_resize_sizes_and_malformed_nodes(self):
        """Found by review: folded integer Div truncates and Mod honours fmod as the run-time lowering
        does; a float32 scale (0.7f) sizes the output as torch and ONNX do (7 of 10, not 6); and
        malformed nodes are one-line errors, not internal ones."""
        a = np.array([-7, 7, -7, 7, -6, 5], np.int64)
        b = np.array([2, -2, -2, 2, 4, -3], np.int64)
        for op, kw, want in (("Div", {}, np.trunc(a / b).astype(np.int64)), ("Mod", {"fmod": 1}, np.fmod(a, b)),
                             ("Mod", {}, np.mod(a, b))):
            with self.subTest(op=op, **kw):
                m = _graph_model([helper.make_node(op, ["ca", "cb"], ["q"], **kw),
                                  helper.make_node("Cast", ["q"], ["f"], to=TensorProto.FLOAT),
                                  helper.make_node("Add", ["x", "f"], ["y"])],
                                 [helper.make_tensor_value_info("x", TensorProto.FLOAT, [6])],
                                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                                 [numpy_helper.from_array(a, "ca"), numpy_helper.from_array(b, "cb")])
                r = import_onnx(m)
                support.run_numeric(self, r.text, [np.zeros(6, np.float32)], [want.astype(np.float32)])
        x = np.random.default_rng(2).standard_normal((1, 1, 10, 10)).astype(np.float32)
        m = _graph_model([helper.make_node("Resize", ["x", "", "s"], ["y"], mode="nearest",
                                           coordinate_transformation_mode="asymmetric", nearest_mode="floor")],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 10, 10])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                         [numpy_helper.from_array(np.array([1, 1, 0.7, 0.7], np.float32), "s")])
        r = import_onnx(m)
        idx = np.floor(np.arange(7) / np.float64(np.float32(0.7))).astype(int)
        support.run_numeric(self, r.text, [x], [x[:, :, idx][:, :, :, idx]])
        w = numpy_helper.from_array(np.zeros((4, 2, 3, 3), np.float32), "w")
        cases = [
            ("pads [1, 1] must have 4 entries",
             [helper.make_node("ConvTranspose", ["x", "w"], ["y"], pads=[1, 1])], [1, 4, 3, 3], [w]),
            ("needs scales or sizes", [helper.make_node("Resize", ["x", "", ""], ["y"])], [1, 1, 2, 2], []),
            ("dilations [2, 2] must have 1 entries",
             [helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2], dilations=[2, 2])], [1, 1, 6], []),
            ("needs the weights W and R",
             [helper.make_node("LSTM", ["x", "W", ""], ["y"], hidden_size=2)], [3, 1, 4],
             [numpy_helper.from_array(np.zeros((1, 8, 4), np.float32), "W")]),
        ]
        for expected, nodes, shape, inits in cases:
            with self.subTest(expected=expected):
                m = _graph_model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                                 [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
                with self.assertRaises(UnsupportedError) as cm:
                    import_onnx(m)
                self.assertIn(expected, str(cm.exception))
                self.assertNotIn("internal error", str(cm.exception))


def _vi(name, shape, t=None):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT if t is None else t, shape)


@support.needs_onnx
class OnnxEdgeCaseTest(unittest.TestCase):
    """Valid ONNX that once imported wrongly, failed internally or wrote unparseable MLIR."""

    def error(self, model, shapes=None):
        with self.assertRaises(UnsupportedError) as cm:
            import_onnx(model, shapes)
        msg = str(cm.exception)
        self.assertNotIn("\n", msg)
        return msg

    def test_variadic_max_min_fold_every_input(self):
        rng = np.random.default_rng(2)
        a, b = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal((3,)).astype(np.float32)
        c = rng.standard_normal((2, 1)).astype(np.float32)
        for op, fn in (("Max", np.maximum), ("Min", np.minimum)):
            with self.subTest(op=op):
                m = _graph_model([helper.make_node(op, ["a", "b", "c", "d"], ["y"], name="v0")],
                                 [_vi("a", [2, 3]), _vi("b", [3]), _vi("c", [2, 1])], [_vi("y", None)],
                                 [numpy_helper.from_array(np.array(0.25, np.float32), "d")])
                r = import_onnx(m)
                self.assertEqual(r.text.count("arith.maximumf" if op == "Max" else "arith.minimumf"), 3)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [a, b, c], [fn(fn(fn(a, b), c), np.float32(0.25))])

    def test_sum_and_mean(self):
        rng = np.random.default_rng(3)
        a, b, c = (rng.standard_normal(s).astype(np.float32) for s in ((2, 3), (3,), (2, 3)))
        m = _graph_model([helper.make_node("Sum", ["a", "b", "c"], ["s"]),
                          helper.make_node("Mean", ["a", "b", "c"], ["y"])],
                         [_vi("a", [2, 3]), _vi("b", [3]), _vi("c", [2, 3])], [_vi("s", None), _vi("y", None)])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [a, b, c], [a + b + c, (a + b + c) / 3])

    def test_rank0_input_runs(self):  # execute.run_forward once fed rank-0 inputs as rank 1
        x, t = np.arange(4, dtype=np.float32).reshape(1, 4), np.array(1.5, np.float32)
        m = _graph_model([helper.make_node("Mul", ["x", "t"], ["y"])], [_vi("x", [1, 4]), _vi("t", [])], [_vi("y", None)])
        support.run_numeric(self, import_onnx(m).text, [x, t], [x * t])

    def test_one_input_variadic_is_the_identity(self):
        for op in ("Max", "Min", "Sum", "Mean"):
            with self.subTest(op=op):
                m = _graph_model([helper.make_node(op, ["a"], ["y"]), helper.make_node("Relu", ["y"], ["z"])],
                                 [_vi("a", [1, 16])], [_vi("z", None)])
                r = import_onnx(m)
                self.assertIn("func.func @forward(%arg0: tensor<1x16xf32>) -> tensor<1x16xf32>", r.text)
                self.assertEqual(r.text.count("linalg.generic"), 1)  # the Relu only

    def test_variadic_folds_of_constants_use_every_input(self):
        shapes = [numpy_helper.from_array(np.array(v, np.int64), n)
                  for v, n in (([2, 1], "s0"), ([1, 3], "s1"), ([3, 2], "s2"))]
        m = _graph_model([helper.make_node("Max", ["s0", "s1", "s2"], ["shape"]),
                          helper.make_node("Reshape", ["x", "shape"], ["y"])],
                         [_vi("x", [9])], [_vi("y", None)], shapes)
        self.assertIn("-> tensor<3x3xf32>", import_onnx(m).text)

    def test_pow_of_constants_folds(self):  # attention's scale, d ** -0.5, as torch.onnx exports it
        x = np.random.default_rng(5).standard_normal((2, 16)).astype(np.float32)
        consts = [numpy_helper.from_array(np.array(16.0, np.float32), "d"),
                  numpy_helper.from_array(np.array(-0.5, np.float32), "e")]
        m = _graph_model([helper.make_node("Pow", ["d", "e"], ["s"]), helper.make_node("Mul", ["x", "s"], ["y"])],
                         [_vi("x", [2, 16])], [_vi("y", None)], consts)
        support.run_numeric(self, import_onnx(m).text, [x], [x * np.float32(0.25)])

    def test_negative_axes(self):
        x = np.random.default_rng(4).standard_normal((1, 3, 4, 5)).astype(np.float32)
        for axis, shape in ((-1, (12, 5)), (-3, (1, 60)), (4, (60, 1)), (0, (1, 60))):
            with self.subTest(axis=axis):
                m = _graph_model([helper.make_node("Flatten", ["x"], ["y"], axis=axis)],
                                 [_vi("x", [1, 3, 4, 5])], [_vi("y", None)])
                r = import_onnx(m)
                self.assertIn(f"-> tensor<{shape[0]}x{shape[1]}xf32>", r.text)
                support.mlir_opt(self, r.text)
        m = _graph_model([helper.make_node("Flatten", ["x"], ["f"], axis=-2),
                          helper.make_node("Softmax", ["f"], ["s"], axis=-2),
                          helper.make_node("Unsqueeze", ["s", "ax"], ["u"]),
                          helper.make_node("Transpose", ["u"], ["t"], perm=[2, 1, 0]),
                          helper.make_node("Concat", ["t", "t"], ["y"], axis=-3)],
                         [_vi("x", [1, 3, 4, 5])], [_vi("y", None)],
                         [numpy_helper.from_array(np.array([-1], np.int64), "ax")])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        f = x.reshape(3, 20)
        e = np.exp(f - f.max(0, keepdims=True))
        s = (e / e.sum(0, keepdims=True))[:, :, None].transpose(2, 1, 0)
        support.run_numeric(self, r.text, [x], [np.concatenate([s, s], 0)])
        bad = _graph_model([helper.make_node("Flatten", ["x"], ["y"], axis=-5, name="fl0")],
                           [_vi("x", [1, 3, 4, 5])], [_vi("y", None)])
        self.assertIn("ONNX node 'fl0' (op type Flatten): axis -5 is out of range", self.error(bad))

    def test_slice_attributes_of_old_opsets_and_uneven_split(self):
        x = np.arange(2 * 8, dtype=np.float32).reshape(2, 8)
        for opset in (7, 9):
            with self.subTest(opset=opset):
                m = _graph_model([helper.make_node("Slice", ["x"], ["y"], starts=[1, -6], ends=[2, 100],
                                                   axes=[0, 1])],
                                 [_vi("x", [2, 8])], [_vi("y", None)], opset=opset)
                r = import_onnx(m)
                support.run_numeric(self, r.text, [x], [x[1:2, -6:]])
        # Opset 18's num_outputs: chunks of ceil(8 / 3), the last one smaller.
        m = _graph_model([helper.make_node("Split", ["x"], ["a", "b", "c"], axis=1, num_outputs=3)],
                         [_vi("x", [2, 8])], [_vi("a", None), _vi("b", None), _vi("c", None)], opset=18)
        r = import_onnx(m)
        support.run_numeric(self, r.text, [x], [x[:, 0:3], x[:, 3:6], x[:, 6:8]])

    def test_matmul_with_vectors_and_broadcast_batch_dims(self):
        rng = np.random.default_rng(5)
        v, w, u = (rng.standard_normal(s).astype(np.float32) for s in ((6,), (6, 4), (4,)))
        m = _graph_model([helper.make_node("MatMul", ["v", "w"], ["vw"]),      # 1-D x 2-D -> [4]
                          helper.make_node("MatMul", ["w", "u"], ["wu"]),      # 2-D x 1-D -> [6]
                          helper.make_node("MatMul", ["vw", "u"], ["dot"])],   # 1-D x 1-D -> rank 0
                         [_vi("v", [6]), _vi("w", [6, 4]), _vi("u", [4])],
                         [_vi("vw", None), _vi("wu", None), _vi("dot", None)])
        r = import_onnx(m)
        self.assertIn("-> (tensor<4xf32>, tensor<6xf32>, tensor<f32>)", r.text)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [v, w, u], [v @ w, w @ u, np.array((v @ w) @ u)])
        a, b = rng.standard_normal((2, 1, 4, 8)).astype(np.float32), rng.standard_normal((3, 8, 5)).astype(np.float32)
        c = rng.standard_normal((4, 8)).astype(np.float32)
        m = _graph_model([helper.make_node("MatMul", ["a", "b"], ["y"]), helper.make_node("MatMul", ["c", "b"], ["z"])],
                         [_vi("a", [2, 1, 4, 8]), _vi("b", [3, 8, 5]), _vi("c", [4, 8])], [_vi("y", None), _vi("z", None)])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [a, b, c], [a @ b, c @ b])

    def test_zero_size_dims_and_input_ranks(self):
        m = _graph_model([helper.make_node("Relu", ["x"], ["y"])], [_vi("x", [1, 0, 4])], [_vi("y", None)])
        msg = self.error(m)
        self.assertIn("graph input 'x' has a zero-size dim 1", msg)
        self.assertNotIn("dynamic", msg)
        m = _graph_model([helper.make_node("Relu", ["x"], ["y"])], [_vi("x", ["N", "S", 4])], [_vi("y", None)])
        self.assertIn("has rank 2; the input has rank 3", self.error(m, {"x": [1, 4]}))

    def test_3d_conv_auto_pad_global_max_pool_and_what_stays_unsupported(self):
        """A 3-D Conv with auto_pad SAME_UPPER and strides, and GlobalMaxPool on NCDHW, equal to
        torch; a ConvTranspose with asymmetric pads equals torch's output cropped; 4-D spatial Conv and
        pooling and a ConvTranspose with output_shape are one-line errors."""
        rng = np.random.default_rng(0)
        x = rng.standard_normal((1, 2, 5, 6, 7)).astype(np.float32)
        w = rng.standard_normal((3, 2, 3, 3, 2)).astype(np.float32)
        m = _graph_model([helper.make_node("Conv", ["x", "w"], ["c"], strides=[2, 2, 1], auto_pad="SAME_UPPER"),
                          helper.make_node("GlobalMaxPool", ["c"], ["y"])],
                         [_vi("x", [1, 2, 5, 6, 7])], [_vi("c", None), _vi("y", None)],
                         [numpy_helper.from_array(w, "w")])
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        # SAME_UPPER: total pads 2, 1, 1 (the odd one at the end).
        c = torch.nn.functional.conv3d(torch.nn.functional.pad(torch.from_numpy(x), (0, 1, 0, 1, 1, 1)),
                                       torch.from_numpy(w), stride=(2, 2, 1)).numpy()
        self.assertEqual(c.shape, (1, 3, 3, 3, 7))
        support.run_numeric(self, r.text, [x], [c, c.max(axis=(2, 3, 4), keepdims=True)])

        x6 = [_vi("x", [1, 2, 3, 3, 3, 3])]
        m = _graph_model([helper.make_node("Conv", ["x", "w"], ["y"], name="conv4d")], x6, [_vi("y", None)],
                         [numpy_helper.from_array(np.zeros((2, 2, 1, 1, 1, 1), np.float32), "w")])
        self.assertIn("ONNX node 'conv4d' (op type Conv): only 1-D, 2-D and 3-D convolution", self.error(m))
        m = _graph_model([helper.make_node("MaxPool", ["x"], ["y"], name="pool4d", kernel_shape=[2, 2, 2, 2])],
                         x6, [_vi("y", None)])
        self.assertIn("ONNX node 'pool4d' (op type MaxPool): only 1-D, 2-D and 3-D pooling", self.error(m))
        x4 = rng.standard_normal((1, 4, 3, 5)).astype(np.float32)
        w4 = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
        m = _graph_model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2], pads=[0, 2, 1, 0],
                                           group=2, output_padding=[1, 0])],
                         [_vi("x", [1, 4, 3, 5])], [_vi("y", None)], [numpy_helper.from_array(w4, "w")])
        r = import_onnx(m, inline_weights=True)
        full = torch.nn.functional.conv_transpose2d(torch.from_numpy(x4), torch.from_numpy(w4), stride=2, groups=2,
                                                    output_padding=(1, 0)).numpy()
        support.run_numeric(self, r.text, [x4], [full[:, :, 0:full.shape[2] - 1, 2:]])
        m = _graph_model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up3d", output_shape=[4, 4, 4])],
                         [_vi("x", [1, 2, 3, 3, 3])], [_vi("y", None)],
                         [numpy_helper.from_array(np.zeros((2, 2, 2, 2, 2), np.float32), "w")])
        self.assertEqual("ONNX node 'up3d' (op type ConvTranspose): output_shape is not supported on ConvTranspose "
                         "(give pads and output_padding)", self.error(m))

    def test_lstm_gru_attributes_against_numpy_and_what_stays_unsupported(self):
        """ONNX-only forms against numpy: LSTM with layout=1 and initial_h / initial_c inputs, a
        reverse GRU with linear_before_reset=0 (r applied before R_h) and no bias; clip, other
        activations, peepholes, sequence_lens and input_forget are one-line errors naming the node."""
        rng = np.random.default_rng(0)
        sig = lambda v: 1 / (1 + np.exp(-v))
        f32 = lambda *s: (rng.standard_normal(s) * 0.5).astype(np.float32)
        hs, steps, batch, isz = 3, 4, 2, 5
        x, w, r, b = f32(batch, steps, isz), f32(1, 4 * hs, isz), f32(1, 4 * hs, hs), f32(1, 8 * hs)
        h0, c0 = f32(batch, 1, hs), f32(batch, 1, hs)
        m = _graph_model([helper.make_node("LSTM", ["x", "w", "r", "b", "", "h0", "c0"], ["y", "yh", "yc"],
                                           hidden_size=hs, layout=1)],
                         [_vi("x", [batch, steps, isz]), _vi("h0", [batch, 1, hs]), _vi("c0", [batch, 1, hs])],
                         [_vi("y", None), _vi("yh", None), _vi("yc", None)],
                         [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (r, "r"), (b, "b"))], opset=14)
        h, c, ys = h0[:, 0], c0[:, 0], []
        for t in range(steps):
            g = x[:, t] @ w[0].T + h @ r[0].T + b[0, :4 * hs] + b[0, 4 * hs:]
            i, o, f, cc = (g[:, k * hs:(k + 1) * hs] for k in range(4))
            c = sig(f) * c + sig(i) * np.tanh(cc)
            h = sig(o) * np.tanh(c)
            ys.append(h)
        res = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, res.text)
        self.assertEqual(res.resource_elements, w.size + r.size + b.size)
        support.run_numeric(self, res.text, [x, h0, c0], [np.stack(ys, 1)[:, :, None], h[:, None], c[:, None]])

        x, w, r = f32(steps, batch, isz), f32(1, 3 * hs, isz), f32(1, 3 * hs, hs)
        m = _graph_model([helper.make_node("GRU", ["x", "w", "r"], ["y"], hidden_size=hs, direction="reverse")],
                         [_vi("x", [steps, batch, isz])], [_vi("y", None)],
                         [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (r, "r"))])
        h, ys = np.zeros((batch, hs), np.float32), [None] * steps
        for t in reversed(range(steps)):
            xg = x[t] @ w[0].T
            z = sig(xg[:, :hs] + h @ r[0, :hs].T)
            rr = sig(xg[:, hs:2 * hs] + h @ r[0, hs:2 * hs].T)
            n = np.tanh(xg[:, 2 * hs:] + (rr * h) @ r[0, 2 * hs:].T)
            h = (1 - z) * n + z * h
            ys[t] = h
        res = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, res.text)
        support.run_numeric(self, res.text, [x], [np.stack(ys)[:, None]])

        inits = [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (r, "r"))]
        for extra, inputs, message in (
                (dict(clip=1.0), [], "clip is not supported"),
                (dict(activations=["Relu", "Tanh"]), [], "activations ['Relu', 'Tanh'] are not supported"),
                ({}, ["", "lens"], "sequence_lens is not supported")):
            m = _graph_model([helper.make_node("GRU", ["x", "w", "r"] + inputs, ["y"], name="gru0", hidden_size=hs,
                                               **extra)],
                             [_vi("x", [steps, batch, isz])] + ([_vi("lens", [batch], TensorProto.INT32)] if inputs else []),
                             [_vi("y", None)], inits)
            self.assertIn(f"ONNX node 'gru0' (op type GRU): {message}", self.error(m))
        w4, r4 = f32(1, 4 * hs, isz), f32(1, 4 * hs, hs)
        for extra, inputs, message in ((dict(input_forget=1), [], "input_forget is not supported"),
                                       ({}, ["", "", "", "", "p"], "peepholes (input P) are not supported")):
            m = _graph_model([helper.make_node("LSTM", ["x", "w", "r"] + inputs, ["y"], name="lstm0", hidden_size=hs,
                                               **extra)], [_vi("x", [steps, batch, isz])], [_vi("y", None)],
                             [numpy_helper.from_array(a, n) for a, n in ((w4, "w"), (r4, "r"), (f32(1, 3 * hs), "p"))])
            self.assertIn(f"ONNX node 'lstm0' (op type LSTM): {message}", self.error(m))

    def test_hard_sigmoid_prelu_argmax_and_resize_attributes(self):
        """ONNX-only semantics against numpy: HardSigmoid's alpha and beta, PRelu's slope broadcast
        one way, ArgMax/ArgMin with keepdims=0 and select_last_index on ties, Resize nearest under
        half_pixel + round_prefer_ceil to sizes, linear asymmetric downsampling by 0.6."""
        rng = np.random.default_rng(3)
        x = rng.standard_normal((1, 2, 3, 5)).astype(np.float32)
        slope = rng.standard_normal((3, 1)).astype(np.float32)
        ties = np.array([[[1, 3, 3, 0], [2, 2, -1, 2], [0, 0, 0, 0]]], np.float32)
        nodes = [helper.make_node("HardSigmoid", ["x"], ["hs"], alpha=0.3, beta=0.4),
                 helper.make_node("PRelu", ["x", "slope"], ["pr"]),
                 helper.make_node("ArgMax", ["t"], ["amax"], axis=-1, keepdims=0, select_last_index=1),
                 helper.make_node("ArgMin", ["t"], ["amin"], axis=1),
                 helper.make_node("Resize", ["x", "", "", "sizes"], ["near"], mode="nearest",
                                  coordinate_transformation_mode="half_pixel", nearest_mode="round_prefer_ceil"),
                 helper.make_node("Resize", ["x", "", "scales"], ["lin"], mode="linear",
                                  coordinate_transformation_mode="asymmetric")]
        inits = [numpy_helper.from_array(slope, "slope"),
                 numpy_helper.from_array(np.array([1, 2, 7, 4], np.int64), "sizes"),
                 numpy_helper.from_array(np.array([1, 1, 1, 0.6], np.float32), "scales")]
        m = _graph_model(nodes, [_vi("x", [1, 2, 3, 5]), _vi("t", [1, 3, 4])],
                         [_vi(n, None) for n in ("hs", "pr", "near", "lin")]
                         + [_vi("amax", None, TensorProto.INT64), _vi("amin", None, TensorProto.INT64)], inits)
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.resource_elements, 3)

        def positions(size, out, src):  # ONNX's rule: source positions, clamped into the input
            return np.clip(src(np.arange(out, dtype=np.float64)), 0, size - 1)

        near_h = np.floor(positions(3, 7, lambda d: (d + 0.5) * 3 / 7 - 0.5) + 0.5).astype(int)
        near_w = np.floor(positions(5, 4, lambda d: (d + 0.5) * 5 / 4 - 0.5) + 0.5).astype(int)
        src = positions(5, 3, lambda d: d / 0.6)
        lo = np.floor(src).astype(int)
        hi, f = np.minimum(lo + 1, 4), src - lo
        last = ties.shape[-1] - 1 - np.argmax(ties[..., ::-1], axis=-1)
        support.run_numeric(self, r.text, [x, ties], [
            np.clip(0.3 * x + 0.4, 0, 1), np.where(x < 0, x * slope, x), x[:, :, near_h][..., near_w],
            (x[..., lo] * (1 - f) + x[..., hi] * f).astype(np.float32), last, np.argmin(ties, axis=1)[:, None]])

    def test_topk_against_numpy(self):
        # TopK's values and indices, largest and smallest, along the last and a middle axis (K an
        # input from opset 10, an attribute before), equal to numpy's stable sorts; ties come in
        # index order, as the spec says. An output nothing reads is not computed.
        x = np.array([[[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]], [[5, 8, 9, 7, 9], [3, 2, 3, 8, 4]]], np.float32)
        nodes = [helper.make_node("TopK", ["x", "k"], ["v", "i"]),
                 helper.make_node("TopK", ["x", "one"], ["lo", "li"], axis=1, largest=0)]
        m = _graph_model(nodes, [_vi("x", [2, 2, 5])],
                         [_vi("v", None), _vi("i", None, TensorProto.INT64), _vi("lo", None)],
                         [numpy_helper.from_array(np.array([3], np.int64), "k"),
                          numpy_helper.from_array(np.array([1], np.int64), "one")])
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.text.count("arith.index_cast"), 2 + 1 + 1)  # 3 picks' ranks, 1 index pick
        order = np.argsort(-x, axis=-1, kind="stable")[..., :3]
        support.run_numeric(self, r.text, [x], [np.take_along_axis(x, order, -1), order, np.sort(x, 1)[:, :1]])
        m = _graph_model([helper.make_node("TopK", ["x"], ["v", "i"], k=2)], [_vi("x", [2, 2, 5])],
                         [_vi("v", None)], opset=9)
        r = import_onnx(m, inline_weights=True)
        support.run_numeric(self, r.text, [x], [-np.sort(-x, -1)[..., :2]])

    def test_topk_orders_nan_as_torch(self):
        # The spec says nothing of NaN; TopK orders it as torch does (the largest, NaNs equal, so in
        # index order, as the spec's ties): first when largest, last when smallest, against torch's
        # stable sort. Ordered compares alone made up values and repeated indices.
        import torch

        nan = np.nan
        x = np.array([[nan, 1, nan, 3, 2, nan, 1], [2, nan, -1, nan, 2, 0, 5]], np.float32)
        nodes = [helper.make_node("TopK", ["x", "k"], ["v", "i"]),
                 helper.make_node("TopK", ["x", "k"], ["lo", "li"], largest=0)]
        m = _graph_model(nodes, [_vi("x", [2, 7])], [_vi("v", None), _vi("i", None, TensorProto.INT64),
                                                      _vi("lo", None), _vi("li", None, TensorProto.INT64)],
                         [numpy_helper.from_array(np.array([6], np.int64), "k")])
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        big, small = (torch.sort(torch.from_numpy(x), dim=1, descending=d, stable=True) for d in (True, False))
        support.run_numeric(self, r.text, [x], [t[:, :6].numpy() for t in (*big, *small)])

    def test_reduction_attributes_against_numpy(self):
        """Reduce* corner cases: axes as an attribute (opset 11) or ReduceSum's input (13), keepdims=0,
        no axes (every dim), noop_with_empty_axes=1 (each element alone), negative axes, ReduceSum and
        ReduceMax of i64, ReduceSumSquare, ReduceLogSum, ReduceLogSumExp of -inf rows; a dim named
        twice is an error naming the node."""
        rng = np.random.default_rng(7)
        x = rng.uniform(0.5, 2.0, (2, 3, 4)).astype(np.float32)
        ids = rng.integers(-5, 9, (2, 6)).astype(np.int64)
        t = np.array([[-np.inf, -np.inf], [1.0, 2.0]], np.float32)
        axes = numpy_helper.from_array(np.array([-1], np.int64), "ax")
        empty = numpy_helper.from_array(np.zeros(0, np.int64), "none")
        cases11 = [("ReduceSum", dict(axes=[0, 2], keepdims=0), x.sum((0, 2))),
                   ("ReduceProd", dict(axes=[-1]), x.prod(-1, keepdims=True)),
                   ("ReduceMin", {}, x.min(keepdims=True)),
                   ("ReduceL1", dict(axes=[1], keepdims=0), np.abs(x).sum(1)),
                   ("ReduceSumSquare", dict(axes=[1, 2]), (x * x).sum((1, 2), keepdims=True)),
                   ("ReduceLogSum", dict(axes=[0], keepdims=0), np.log(x.sum(0))),
                   ("ReduceMean", dict(axes=[2], keepdims=0), x.mean(2))]
        for opset, nodes, inputs, feeds, refs, inits in (
                (11, [helper.make_node(op, ["x"], [f"y{i}"], **kw) for i, (op, kw, _) in enumerate(cases11)]
                 + [helper.make_node("ReduceLogSumExp", ["t"], ["lse"], axes=[1], keepdims=0)],
                 [_vi("x", [2, 3, 4]), _vi("t", [2, 2])], [x, t],
                 [ref for _, _, ref in cases11] + [np.array([-np.inf, np.log(np.exp(1) + np.exp(2))], np.float32)],
                 []),
                (13, [helper.make_node("ReduceSum", ["x", "ax"], ["s"], keepdims=0),
                      helper.make_node("ReduceSum", ["x", "none"], ["all"]),
                      helper.make_node("ReduceSum", ["x", "none"], ["same"], noop_with_empty_axes=1),
                      helper.make_node("ReduceSum", ["ids", "ax"], ["isum"]),
                      helper.make_node("ReduceMax", ["ids"], ["imax"], axes=[0], keepdims=0)],
                 [_vi("x", [2, 3, 4]), _vi("ids", [2, 6], TensorProto.INT64)], [x, ids],
                 [x.sum(-1), x.sum(keepdims=True), x, ids.sum(-1, keepdims=True), ids.max(0)], [axes, empty])):
            with self.subTest(opset=opset):
                outs = [o for n in nodes for o in n.output]
                m = _graph_model(nodes, inputs, [_vi(o, None, TensorProto.INT64 if o.startswith("i") else None)
                                                 for o in outs], inits, opset=opset)
                r = import_onnx(m)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, feeds, [np.asarray(v, v.dtype) for v in refs], atol=1e-5)
        m = _graph_model([helper.make_node("ReduceMax", ["x"], ["y"], name="rmax", axes=[1, -2])],
                         [_vi("x", [2, 3, 4])], [_vi("y", None)], opset=11)
        self.assertEqual(self.error(m), "ONNX node 'rmax' (op type ReduceMax): axes [1, -2] name a dim twice")

    def test_runtime_casts_logic_and_integer_arithmetic_against_numpy(self):
        """Cast of runtime tensors between FLOAT, INT64, INT32 and BOOL (float to integer truncates, to
        bool is != 0); comparisons of i64 tensors with i64 tensors and integer constants; Not / And / Or /
        Xor of runtime masks; Where between i64 values; integer Div (truncating) and Mod (fmod 0 and 1).
        A cast to DOUBLE is a one-line error naming the node."""
        rng = np.random.default_rng(9)
        x = np.array([[-2.7, -0.5, 0.0, 0.4, 1.5, 3.9]], np.float32)
        a = rng.integers(-7, 8, (1, 6)).astype(np.int64)
        b = np.array([[3, -2, 5, 1, -4, 2]], np.int64)
        T = TensorProto
        cast = lambda i, o, to: helper.make_node("Cast", [i], [o], to=to)
        nodes = [cast("x", "xi", T.INT64), cast("x", "xb", T.BOOL), cast("xb", "xbf", T.FLOAT),
                 cast("a", "a32", T.INT32), cast("a32", "a32f", T.FLOAT), cast("a32", "a64", T.INT64),
                 helper.make_node("Greater", ["a", "b"], ["gt"]), helper.make_node("Less", ["a", "zero"], ["neg"]),
                 helper.make_node("Equal", ["a", "b"], ["eq"]), helper.make_node("Not", ["eq"], ["ne"]),
                 helper.make_node("And", ["gt", "xb"], ["gt_and"]), helper.make_node("Or", ["neg", "eq"], ["or"]),
                 helper.make_node("Xor", ["gt", "neg"], ["xor"]),
                 helper.make_node("Concat", ["gt_and", "or", "xor", "ne"], ["masks"], axis=0),
                 cast("masks", "mf", T.FLOAT),
                 helper.make_node("Where", ["gt", "a", "b"], ["sel"]),
                 helper.make_node("Div", ["a", "b"], ["quot"]),
                 helper.make_node("Mod", ["a", "b"], ["mod"]), helper.make_node("Mod", ["a", "b"], ["fmod"], fmod=1)]
        outs = [_vi("xi", None, T.INT64), _vi("xbf", None), _vi("a32f", None), _vi("a64", None, T.INT64),
                _vi("mf", None), _vi("sel", None, T.INT64), _vi("quot", None, T.INT64), _vi("mod", None, T.INT64),
                _vi("fmod", None, T.INT64)]
        m = _graph_model(nodes, [_vi("x", [1, 6]), _vi("a", [1, 6], T.INT64), _vi("b", [1, 6], T.INT64)], outs,
                         [numpy_helper.from_array(np.array(0, np.int64), "zero")])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        gt, neg, eq, xb = a > b, a < 0, a == b, x != 0
        masks = np.concatenate([gt & xb, neg | eq, gt ^ neg, ~eq]).astype(np.float32)
        support.run_numeric(self, r.text, [x, a, b], [
            x.astype(np.int64), xb.astype(np.float32), a.astype(np.float32), a, masks, np.where(gt, a, b),
            np.trunc(a / b).astype(np.int64), np.mod(a, b), np.fmod(a, b)])
        m = _graph_model([helper.make_node("Cast", ["x"], ["y"], name="to_double", to=T.DOUBLE)], [_vi("x", [2])],
                         [_vi("y", None, T.DOUBLE)])
        self.assertEqual(self.error(m), "ONNX node 'to_double' (op type Cast): casting to DOUBLE is not supported "
                                        "(FLOAT, INT64, INT32, BOOL)")

    def test_pow_of_integer_bases_and_float_bases_with_integer_exponents(self):
        """Pow(x, 2) of an INT64 or INT32 base is x * x in the base's type (arith.muli; torch exports
        ids ** 2 so): it was arith.mulf on the i64 value with an f32 result, MLIR that does not verify,
        with exit 0 (outside tester s44). A FLOAT base with an INT64 exponent tensor (ONNX's T1) is float
        pow of the exponent cast (was refused); an integer base with another exponent stays a one-line
        refusal."""
        T = TensorProto
        ids = np.array([[3, -4, 0, 7, 3037000499]], np.int64)
        small = np.array([[3, -4, 0, 7, 46340]], np.int32)
        nodes = [helper.make_node("Pow", ["ids", "two_i"], ["p1"]), helper.make_node("Pow", ["ids", "two_f"], ["p2"]),
                 helper.make_node("Pow", ["small", "two_i"], ["p3"])]
        m = _graph_model(nodes, [_vi("ids", [1, 5], T.INT64), _vi("small", [1, 5], T.INT32)],
                         [_vi("p1", None, T.INT64), _vi("p2", None, T.INT64), _vi("p3", None, T.INT32)],
                         [numpy_helper.from_array(np.array(2, np.int64), "two_i"),
                          numpy_helper.from_array(np.array(2.0, np.float32), "two_f")])
        r = import_onnx(m)
        self.assertNotIn("arith.mulf", r.text)
        self.assertIn("arith.muli %in, %in : i64", r.text)
        self.assertIn("arith.muli %in, %in : i32", r.text)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [ids, small], [ids * ids, ids * ids, small * small], atol=0, rtol=0)

        x = np.array([[0.5, 1.5, 2.0, 3.0, 1.1]], np.float32)
        e = np.array([[2, 3, 0, 1, -2]], np.int64)
        m = _graph_model([helper.make_node("Pow", ["x", "e"], ["p4"]), helper.make_node("Pow", ["three", "e"], ["p5"])],
                         [_vi("x", [1, 5]), _vi("e", [1, 5], T.INT64)], [_vi("p4", None), _vi("p5", None)],
                         [numpy_helper.from_array(np.array(3.0, np.float32), "three")])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [x, e], [np.power(x, e.astype(np.float32)),
                                                   np.power(np.float32(3.0), e.astype(np.float32))])
        m = _graph_model([helper.make_node("Pow", ["ids", "three"], ["y"], name="pow")], [_vi("ids", [1, 5], T.INT64)],
                         [_vi("y", None, T.INT64)], [numpy_helper.from_array(np.array(3, np.int64), "three")])
        self.assertEqual(self.error(m), "ONNX node 'pow' (op type Pow): element-wise 'pow' on i64 tensors is not "
                                        "supported (i64 and i32: add, sub, mul, max, min, floordiv, remainder, "
                                        "truncdiv, fmod)")

    def test_int32_arithmetic_against_numpy(self):
        """INT32 element-wise arithmetic as INT64's, in i32: Add, Sub, Mul, Div (truncating), Mod (fmod 0
        and 1: ONNX's test_mod_mixed_sign_int32), Max / Min (variadic), with INT32 constants (a scalar, a
        tensor: read as int64, they join the INT32 operands) and a comparison. Add and Mul were 'of an i32
        tensor and an i32 tensor is not supported', Mod and Div named the wrong type ('remainder' /
        'truncdiv' on f32 tensors); an op without an integer form names the real type."""
        T = TensorProto
        a = np.array([[7, -7, 9, -9, 0, 5, -3, 2**30]], np.int32)
        b = np.array([[2, 2, -4, -4, 3, 5, -3, 3]], np.int32)
        binary = [("Add", {}, a + b), ("Sub", {}, a - b), ("Mul", {}, a * b),
                  ("Div", {}, np.trunc(a / b).astype(np.int32)), ("Mod", {}, np.mod(a, b)),
                  ("Mod", {"fmod": 1}, np.fmod(a, b))]
        nodes = [helper.make_node(op, ["a", "b"], [f"y{i}"], **at) for i, (op, at, _) in enumerate(binary)]
        nodes += [helper.make_node("Max", ["a", "b", "c"], ["mx"]), helper.make_node("Min", ["a", "b"], ["mn"]),
                  helper.make_node("Mul", ["a", "two"], ["a2"]), helper.make_node("Add", ["a2", "c"], ["a2c"]),
                  helper.make_node("Less", ["a2c", "b"], ["lt"]), helper.make_node("Where", ["lt", "a", "b"], ["sel"])]
        c = np.arange(-4, 4, dtype=np.int32)
        refs = [r for _, _, r in binary] + [np.maximum(np.maximum(a, b), c), np.minimum(a, b), a * 2 + c,
                                            np.where(a * 2 + c < b, a, b)]
        outs = [_vi(f"y{i}", None, T.INT32) for i in range(len(binary))] + [
            _vi(n, None, T.INT32) for n in ("mx", "mn", "a2c", "sel")]
        m = _graph_model(nodes, [_vi("a", [1, 8], T.INT32), _vi("b", [1, 8], T.INT32)], outs,
                         [numpy_helper.from_array(np.array(2, np.int32), "two"), numpy_helper.from_array(c, "c")])
        r = import_onnx(m)
        self.assertIn("arith.divsi", r.text)
        self.assertNotIn("i64", r.text.split("module {", 1)[1])
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [a, b], refs)
        m = _graph_model([helper.make_node("Pow", ["a", "b"], ["y"], name="pow")],
                         [_vi("a", [1, 8], T.INT32), _vi("b", [1, 8], T.INT32)], [_vi("y", None, T.INT32)])
        self.assertEqual(self.error(m), "ONNX node 'pow' (op type Pow): element-wise 'pow' on i32 tensors is not "
                                        "supported (i64 and i32: add, sub, mul, max, min, floordiv, remainder, "
                                        "truncdiv, fmod)")

    def test_shrink_selu_celu_round_and_sign_attributes(self):
        """ONNX-only attributes against numpy: Shrink with a bias other than lambd, Selu's alpha and gamma,
        Celu's alpha; Round's ties to even, Sign (0 at 0), Softsign."""
        x = np.array([[-2.5, -1.5, -0.6, -0.5, 0.0, 0.5, 0.7, 1.5, 2.5, -3.2]], np.float32)
        nodes = [helper.make_node("Shrink", ["x"], ["sh"], lambd=0.6, bias=0.2),
                 helper.make_node("Selu", ["x"], ["se"], alpha=2.0, gamma=0.5),
                 helper.make_node("Celu", ["x"], ["ce"], alpha=0.7),
                 helper.make_node("Round", ["x"], ["ro"]), helper.make_node("Sign", ["x"], ["sg"]),
                 helper.make_node("Softsign", ["x"], ["ss"])]
        m = _graph_model(nodes, [_vi("x", [1, 10])], [_vi(n.output[0], None) for n in nodes])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [x], [
            np.where(x < -0.6, x + 0.2, np.where(x > 0.6, x - 0.2, 0)).astype(np.float32),
            np.where(x > 0, 0.5 * x, 0.5 * 2.0 * (np.exp(x) - 1)).astype(np.float32),
            (np.maximum(x, 0) + np.minimum(0, 0.7 * (np.exp(x / 0.7) - 1))).astype(np.float32),
            np.round(x), np.sign(x), x / (1 + np.abs(x))])

    def test_ceil_mode_window_starting_in_the_padding_is_a_one_line_error(self):
        """MaxPool(2, 2, pads 1, ceil_mode) on 5x5: torch and the spec drop the last window (it would
        start in the padding), onnx 1.12's shape inference keeps it: said by name, not a shape mismatch."""
        m = _graph_model([helper.make_node("MaxPool", ["x"], ["y"], name="pool", kernel_shape=[2, 2], strides=[2, 2],
                                           pads=[1, 1, 1, 1], ceil_mode=1)], [_vi("x", [1, 1, 5, 5])], [_vi("y", None)])
        self.assertIn("ONNX node 'pool' (op type MaxPool): with ceil_mode the last window along dim 2 would start in "
                      "the padding", self.error(m))

    def test_errors_while_lowering_name_the_node(self):
        # i64 against i64 compares (a padding mask); i64 against f32 does not.
        m = _graph_model([helper.make_node("Equal", ["ids", "zero"], ["y"], name="eq0")],
                         [_vi("ids", [1, 4], TensorProto.INT64)], [_vi("y", None)],
                         [numpy_helper.from_array(np.zeros((1, 4), np.int64), "zero")])
        self.assertIn("arith.cmpi eq", import_onnx(m).text)
        m = _graph_model([helper.make_node("Equal", ["ids", "zero"], ["y"], name="eq0")],
                         [_vi("ids", [1, 4], TensorProto.INT64)], [_vi("y", None)],
                         [numpy_helper.from_array(np.zeros((1, 4), np.float32), "zero")])
        self.assertEqual("ONNX node 'eq0' (op type Equal): comparison of an i64 tensor with an f32 tensor is not "
                         "supported (f32 with f32 or numbers, or integer tensors of one type with integers)",
                         self.error(m))
        m = _graph_model([helper.make_node("MatMul", ["x", "w"], ["y"], name="mm0")],
                         [_vi("x", [1, 10])], [_vi("y", None)], [numpy_helper.from_array(np.zeros((32, 4), np.float32), "w")])
        self.assertIn("ONNX node 'mm0' (op type MatMul): matmul: shapes [1, 10] and [32, 4] do not contract", self.error(m))
        m = _graph_model([helper.make_node("Concat", ["x", "x"], ["y"], name="cat0")],  # no axis attribute
                         [_vi("x", [1, 10])], [_vi("y", None)])
        self.assertIn("ONNX node 'cat0' (op type Concat): internal error: KeyError", self.error(m))

    def test_invalid_nodes_are_errors_not_crashes_or_wrong_graphs(self):
        # Each of these crashed the importer (a zero stride: SIGFPE inside
        # ONNX's shape inference), or imported with exit 0 into a graph that
        # computes something else or that egrl-opt cannot parse.
        x4 = [_vi("x", [1, 2, 3, 3])]
        w = numpy_helper.from_array(np.zeros((4, 2, 1, 1), np.float32), "w")
        cases = [
            (_graph_model([helper.make_node("MaxPool", ["x"], ["y"], name="p", kernel_shape=[1, 1], strides=[0, 0])],
                          x4, [_vi("y", None)]), "ONNX node 'p' (op type MaxPool): strides [0, 0] must be positive"),
            (_graph_model([helper.make_node("Conv", ["x", "w", "b"], ["y"], name="c")], x4, [_vi("y", None)],
                          [w, numpy_helper.from_array(np.zeros(3, np.float32), "b")]),
             "ONNX node 'c' (op type Conv): bias of shape [3] for 4 output channels"),
            (_graph_model([helper.make_node("BatchNormalization", ["x", "s", "s", "s", "s"], ["y", "m", "v"], name="bn")],
                          x4, [_vi("y", None)], [numpy_helper.from_array(np.ones(2, np.float32), "s")], opset=13),
             "ONNX node 'bn' (op type BatchNormalization): the training form"),
            (_graph_model([helper.make_node("ReduceMean", ["x"], ["y"], name="r", axes=[1, -3])], x4, [_vi("y", None)]),
             "ONNX node 'r' (op type ReduceMean): axes [1, -3] name a dim twice"),
            (_graph_model([helper.make_node("Gather", ["x", "i"], ["y"], name="g", axis=1)], x4, [_vi("y", None)],
                          [numpy_helper.from_array(np.array(7, np.int64), "i")]),
             "ONNX node 'g' (op type Gather): index 7 is out of range for axis 1 of size 2"),
            (_graph_model([helper.make_node("Split", ["x"], ["a", "b"], name="s", axis=2, split=[1, 1])], x4,
                          [_vi("a", None)]),
             "ONNX node 's' (op type Split): split sizes [1, 1] do not cover axis 2 of size 3"),
            (_graph_model([helper.make_node("Concat", ["x", "v"], ["y"], name="k", axis=0)], x4, [_vi("y", None)],
                          [numpy_helper.from_array(np.zeros(3, np.float32), "v")], opset=13),
             "ONNX node 'k' (op type Concat): inputs of shapes [[1, 2, 3, 3], [3]] do not concatenate"),
            (_graph_model([helper.make_node("MaxPool", ["x"], ["y"], name="big", kernel_shape=[5, 5])], x4,
                          [_vi("y", None)]),
             "ONNX node 'big' (op type MaxPool): output 'y' would have shape [1, 2, -1, -1]"),
            (_graph_model([helper.make_node("Relu", ["x"], [])], x4, [_vi("x", None)]),
             "an unnamed ONNX node (op type Relu): the node has no outputs"),
            (_graph_model([helper.make_node("Relu", ["x"], ["y"])], x4, []),
             "the ONNX graph has no outputs"),
        ]
        for model, message in cases:
            with self.subTest(message=message):
                self.assertIn(message, self.error(model))

    def test_negative_pads_are_errors_wherever_pads_are_read(self):
        # Conv's pads of -1 imported into a tensor.pad with negative low/high, which
        # nothing can lower. ONNX's pads are >= 0 except Pad's, which crop (and Pad
        # refuses them with its own message).
        x3, x4 = [_vi("x", [1, 2, 6])], [_vi("x", [1, 2, 6, 6])]
        w1 = numpy_helper.from_array(np.ones((2, 2, 3), np.float32), "w")
        w2 = numpy_helper.from_array(np.ones((2, 2, 3, 3), np.float32), "w")
        cases = [
            (_graph_model([helper.make_node("Conv", ["x", "w"], ["y"], name="c", pads=[-1, -1, -1, -1])], x4,
                          [_vi("y", None)], [w2]), "ONNX node 'c' (op type Conv): pads [-1, -1, -1, -1] must be "
                                                  "non-negative"),
            (_graph_model([helper.make_node("Conv", ["x", "w"], ["y"], name="c1", pads=[1, -1])], x3,
                          [_vi("y", None)], [w1]), "ONNX node 'c1' (op type Conv): pads [1, -1] must be non-negative"),
            (_graph_model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="t", pads=[-1, 0, -1, 0])], x4,
                          [_vi("y", None)], [w2]), "ONNX node 't' (op type ConvTranspose): pads [-1, 0, -1, 0] must "
                                                  "be non-negative"),
            (_graph_model([helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="t2", strides=[2, 2],
                                            output_padding=[-1, 0])], x4, [_vi("y", None)], [w2]),
             "ONNX node 't2' (op type ConvTranspose): output_padding [-1, 0] must be non-negative"),
            (_graph_model([helper.make_node("MaxPool", ["x"], ["y"], name="m", kernel_shape=[3, 3],
                                            pads=[0, 0, -1, 0])], x4, [_vi("y", None)]),
             "ONNX node 'm' (op type MaxPool): pads [0, 0, -1, 0] must be non-negative"),
            (_graph_model([helper.make_node("AveragePool", ["x"], ["y"], name="a", kernel_shape=[2, 2],
                                            pads=[-1, -1, 0, 0])], x4, [_vi("y", None)]),
             "ONNX node 'a' (op type AveragePool): pads [-1, -1, 0, 0] must be non-negative"),
            (_graph_model([helper.make_node("Pad", ["x", "p"], ["y"], name="p")], x3, [_vi("y", None)],
                          [numpy_helper.from_array(np.array([0, 0, -1, 0, 0, 1], np.int64), "p")]),
             "ONNX node 'p' (op type Pad): pads [0, 0, -1, 0, 0, 1] of a rank-3 input are not supported "
             "(non-negative, two per dim)"),
        ]
        for model, message in cases:
            with self.subTest(message=message):
                self.assertEqual(self.error(model), message)
        # Pads of zero and more still import (and compute what numpy does).
        x = np.random.default_rng(6).standard_normal((1, 2, 6, 6)).astype(np.float32)
        m = _graph_model([helper.make_node("Conv", ["x", "w"], ["y"], pads=[1, 0, 1, 0])], x4, [_vi("y", None)], [w2])
        r = import_onnx(m, inline_weights=True)
        self.assertIn("tensor.pad %arg0 low[0, 0, 1, 0] high[0, 0, 1, 0]", r.text)
        xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0)))
        ref = np.stack([sum(xp[:, :, i:i + 6, j:j + 4] for i in range(3) for j in range(3)).sum(1)] * 2, 1)
        support.run_numeric(self, r.text, [x], [ref])

    def test_graphs_that_break_single_assignment_are_errors(self):
        # Two nodes writing one name, and two graph inputs of one name, imported
        # silently (the later definition won). An initializer may share a graph
        # input's name: it is the input's default value (IR version 4 on; before,
        # every initializer was also an input), imported as the weight.
        x, y = [_vi("x", [2, 3])], [_vi("y", None)]
        ones = numpy_helper.from_array(np.ones((2, 3), np.float32), "w")
        cases = [
            (_graph_model([helper.make_node("Relu", ["x"], ["y"], name="r"),
                           helper.make_node("Exp", ["x"], ["y"], name="e")], x, y),
             "ONNX node 'e' (op type Exp): its output 'y' is already defined by ONNX node 'r' (op type Relu) "
             "(an ONNX graph defines each name once)"),
            (_graph_model([helper.make_node("Split", ["x"], ["a", "a"], name="s", axis=0),
                           helper.make_node("Relu", ["a"], ["y"])], x, y),
             "ONNX node 's' (op type Split): its output 'a' is already defined by ONNX node 's' (op type Split)"),
            (_graph_model([helper.make_node("Relu", ["x"], ["y"])], x + [_vi("x", [2, 3])], y),
             "graph input 'x' is declared twice (an ONNX graph defines each name once)"),
            (_graph_model([helper.make_node("Relu", ["x"], ["x"], name="r")], x, [_vi("x", None)]),
             "ONNX node 'r' (op type Relu): its output 'x' is already defined by graph input 'x'"),
            (_graph_model([helper.make_node("Relu", ["x"], ["w"], name="r"), helper.make_node("Add", ["x", "w"], ["y"])],
                          x, y, [ones]), "ONNX node 'r' (op type Relu): its output 'w' is already defined by "
                                         "initializer 'w'"),
            (_graph_model([helper.make_node("Add", ["x", "w"], ["y"])], x, y, [ones, ones]),
             "initializer 'w' is given twice (an ONNX graph defines each name once)"),
            (_graph_model([helper.make_node("Add", ["x", "w"], ["y"])], x + [_vi("w", [1, 3])], y, [ones]),
             "graph input 'w' is declared FLOAT [1, 3], but its initializer (its default value) is FLOAT [2, 3]"),
        ]
        for model, message in cases:
            with self.subTest(message=message):
                self.assertIn(message, self.error(model))
        a = np.random.default_rng(7).standard_normal((2, 3)).astype(np.float32)
        for ir_version in (3, 8):
            with self.subTest(ir_version=ir_version):
                m = _graph_model([helper.make_node("Add", ["x", "w"], ["y"])], x + [_vi("w", ["N", 3])], y, [ones])
                m.ir_version = ir_version
                r = import_onnx(m, inline_weights=True)
                self.assertIn("func.func @forward(%arg0: tensor<2x3xf32>) -> tensor<2x3xf32>", r.text)
                self.assertEqual(r.resources, {"w": (2, 3)})
                support.run_numeric(self, r.text, [a], [a + 1])

    def test_depth_to_space_space_to_depth_and_cumsum_attributes(self):
        """DepthToSpace in both modes (DCR, ONNX's default, and CRD), SpaceToDepth, and CumSum with
        its exclusive and reverse attributes and a negative axis, equal to numpy; CumSum's axis must
        be a compile-time constant."""
        x = np.arange(1 * 8 * 2 * 3, dtype=np.float32).reshape(1, 8, 2, 3)
        dcr = x.reshape(1, 2, 2, 2, 2, 3).transpose(0, 3, 4, 1, 5, 2).reshape(1, 2, 4, 6)
        crd = x.reshape(1, 2, 2, 2, 2, 3).transpose(0, 1, 4, 2, 5, 3).reshape(1, 2, 4, 6)
        y = np.arange(1 * 2 * 4 * 6, dtype=np.float32).reshape(1, 2, 4, 6)
        s2d = y.reshape(1, 2, 2, 2, 3, 2).transpose(0, 3, 5, 1, 2, 4).reshape(1, 8, 2, 3)
        m = _graph_model([helper.make_node("DepthToSpace", ["x"], ["dcr"], blocksize=2),
                          helper.make_node("DepthToSpace", ["x"], ["crd"], blocksize=2, mode="CRD"),
                          helper.make_node("SpaceToDepth", ["y"], ["s2d"], blocksize=2)],
                         [_vi("x", [1, 8, 2, 3]), _vi("y", [1, 2, 4, 6])], [_vi("dcr", None), _vi("crd", None),
                                                                            _vi("s2d", None)])
        r = import_onnx(m)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [x, y], [dcr, crd, s2d])

        v = np.random.default_rng(6).standard_normal((3, 5)).astype(np.float32)
        ids = np.array([[1, 0, 1, 1, 0]], np.int64)
        axis = lambda a: numpy_helper.from_array(np.array(a, np.int32), f"axis{a}")
        m = _graph_model([helper.make_node("CumSum", ["v", "axis-1"], ["plain"]),
                          helper.make_node("CumSum", ["v", "axis0"], ["excl"], exclusive=1),
                          helper.make_node("CumSum", ["v", "axis-1"], ["rev"], reverse=1),
                          helper.make_node("CumSum", ["v", "axis0"], ["both"], exclusive=1, reverse=1),
                          helper.make_node("CumSum", ["ids", "axis-1"], ["pos"]),
                          helper.make_node("Mul", ["pos", "ids"], ["posm"]),
                          helper.make_node("Gather", ["table", "posm"], ["emb"])],
                         [_vi("v", [3, 5]), _vi("ids", [1, 5], TensorProto.INT64)],
                         [_vi(n, None) for n in ("plain", "excl", "rev", "both", "emb")],
                         [axis(-1), axis(0), numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3),
                                                                      "table")])
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        rev = lambda a, k: np.flip(np.cumsum(np.flip(a, k), k), k)
        table = np.arange(12, dtype=np.float32).reshape(4, 3)
        support.run_numeric(self, r.text, [v, ids], [np.cumsum(v, -1), np.cumsum(v, 0) - v, rev(v, -1),
                                                     rev(v, 0) - v, table[np.cumsum(ids, -1) * ids]])
        m = _graph_model([helper.make_node("CumSum", ["v", "a"], ["y"], name="cs0")],
                         [_vi("v", [3, 5]), _vi("a", [], TensorProto.INT64)], [_vi("y", None)])
        self.assertIn("ONNX node 'cs0' (op type CumSum): input 1 ('a') must be a compile-time constant",
                      self.error(m))

    def test_gather_wraps_negative_runtime_indices(self):
        # ONNX allows indices in [-n, n): -1 is the last row, as numpy reads it.
        table = np.arange(15, dtype=np.float32).reshape(5, 3)
        m = _graph_model([helper.make_node("Gather", ["E", "ids"], ["y"])],
                         [_vi("ids", [3], TensorProto.INT64)], [_vi("y", None)],
                         [numpy_helper.from_array(table, "E")])
        r = import_onnx(m, inline_weights=True)
        ids = np.array([-1, -5, 2], np.int64)
        support.run_numeric(self, r.text, [ids], [table[ids]])

    def test_gather_along_any_axis_and_trilu_against_numpy(self):
        # Gather along axis 1 by 2-D run-time indices (negative ones counting from the end), by a 0-d
        # one (the axis dropped, unlike torch's index_select) and by constant ones that are not
        # contiguous; Trilu of a run-time tensor, lower and upper, with and without k, against numpy.
        rng = np.random.default_rng(5)
        x = rng.standard_normal((2, 4, 3)).astype(np.float32)
        ids = np.array([[-1, 0], [2, -4]], np.int64)
        nodes = [helper.make_node("Gather", ["x", "ids"], ["g"], axis=1),
                 helper.make_node("Gather", ["x", "pick"], ["c"], axis=-1),
                 helper.make_node("Trilu", ["x", "k"], ["lo"], upper=0),
                 helper.make_node("Trilu", ["x"], ["up"]),
                 helper.make_node("Gather", ["x", "one"], ["g0"], axis=1)]
        m = _graph_model(nodes, [_vi("x", [2, 4, 3]), _vi("ids", [2, 2], TensorProto.INT64),
                                 _vi("one", [], TensorProto.INT64)],
                         [_vi(n, None) for n in ("g", "c", "lo", "up", "g0")],
                         [numpy_helper.from_array(np.array([2, 0, 2], np.int64), "pick"),
                          numpy_helper.from_array(np.array(-1, np.int64), "k")], opset=14)
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        one = np.array(-3, np.int64)
        support.run_numeric(self, r.text, [x, ids, one], [np.take(x, ids, axis=1), x[..., [2, 0, 2]], np.tril(x, -1),
                                                           np.triu(x), x[:, 1]])

    def test_resize_scales_may_be_an_initializer(self):
        # onnx-simplifier turns Resize's Constant scales into an initializer:
        # still a compile-time constant, and not a weight.
        scales = np.array([1, 1, 2, 2], np.float32)
        as_initializer = _graph_model([helper.make_node("Resize", ["x", "", "sc"], ["y"], mode="nearest")],
                                      [_vi("x", [1, 2, 3, 4])], [_vi("y", None)],
                                      [numpy_helper.from_array(scales, "sc")])
        as_constant = _graph_model([helper.make_node("Constant", [], ["sc"], value=numpy_helper.from_array(scales)),
                                    helper.make_node("Resize", ["x", "", "sc"], ["y"], mode="nearest")],
                                   [_vi("x", [1, 2, 3, 4])], [_vi("y", None)])
        r = import_onnx(as_initializer)
        self.assertEqual(r.resource_count, 0)
        self.assertEqual(r.text, import_onnx(as_constant).text)

    def test_names_with_control_characters_give_parseable_mlir(self):
        m = _graph_model([helper.make_node("Relu", ["in\"put"], ["r"], name='node "a"\\b\nnewline\ttab\x01'),
                          helper.make_node("Neg", ["r"], ["y"])],
                         [_vi('in\"put', [1, 4])], [_vi("y", None)])
        m.graph.name = "graph\nname"
        r = import_onnx(m)
        self.assertIn('loc("node \\"a\\"\\\\b\\nnewline\\09tab\\01")', r.text)
        self.assertIn("graph 'graph\\nname'", r.text)
        support.mlir_opt(self, r.text)
        m.graph.node[1].op_type = "Nope"
        m.graph.node[1].name = "bad\nname"
        self.assertIn("ONNX node 'bad\\nname' (op type Nope)", self.error(m))

    def test_missing_external_data_names_the_data_file(self):
        w = numpy_helper.from_array(np.ones((64, 64), np.float32), "w")
        m = _graph_model([helper.make_node("MatMul", ["x", "w"], ["y"])], [_vi("x", [1, 64])], [_vi("y", None)], [w])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            onnx.save_model(m, path, save_as_external_data=True, location="m.weights", size_threshold=0)
            self.assertIn("dense_resource<w>", import_onnx(path).text)
            os.remove(os.path.join(d, "m.weights"))
            with self.assertRaises(UnsupportedError) as cm:
                import_onnx(path)
        self.assertIn(f"cannot read '{os.path.join(d, 'm.weights')}', the external data of '{path}'", str(cm.exception))

    def test_average_pool_attributes_against_numpy(self):
        """AveragePool's default count_include_pad=0 with asymmetric pads and with auto_pad
        SAME_UPPER (what TF converters write), and count_include_pad=1 with ceil_mode's last window
        past the pads (the pads counted, the overhang not), in 1-D and 2-D, against numpy."""
        def ref(x, k, s, lo, hi, ceil, counted):
            out = x
            for j in range(len(k)):  # one spatial dim at a time (the divisor is a product)
                n, d = out.shape[2 + j], 2 + j
                span = n + lo[j] + hi[j] - k[j]
                o = (-(-span // s[j]) if ceil else span // s[j]) + 1
                if ceil and (o - 1) * s[j] >= n + lo[j]:
                    o -= 1
                first, end = (-lo[j], n + hi[j]) if counted else (0, n)
                parts = []
                for i in range(o):
                    a = i * s[j] - lo[j]
                    window = np.take(out, range(max(a, 0), min(a + k[j], n)), axis=d)
                    parts.append(window.sum(axis=d, keepdims=True) / (min(a + k[j], end) - max(a, first)))
                out = np.concatenate(parts, axis=d)
            return out.astype(np.float32)

        rng = np.random.default_rng(4)
        for shape, attrs, lo, hi, counted in (
                ([1, 2, 7, 8], dict(kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 1, 2]), [0, 1], [1, 2], False),
                ([1, 2, 7, 8], dict(kernel_shape=[3, 2], strides=[2, 3], auto_pad="SAME_UPPER"), [1, 0], [1, 1], False),
                ([1, 2, 7, 8], dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                                    count_include_pad=1), [1, 1], [1, 1], True),
                ([1, 3, 10], dict(kernel_shape=[4], strides=[3], pads=[2, 1], ceil_mode=1), [2], [1], False)):
            with self.subTest(**attrs):
                x = rng.standard_normal(shape).astype(np.float32)
                m = _graph_model([helper.make_node("AveragePool", ["x"], ["y"], **attrs)], [_vi("x", shape)],
                                 [_vi("y", None)])
                r = import_onnx(m)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resource_count, 0)
                ceil = bool(attrs.get("ceil_mode"))
                support.run_numeric(self, r.text, [x], [ref(x, attrs["kernel_shape"], attrs["strides"], lo, hi, ceil,
                                                            counted)])

    def test_lrn_against_numpy(self):
        """ONNX LRN (the ONNX zoo's AlexNet, CaffeNet, GoogLeNet, ZFNet): the window is
        floor((size - 1) / 2) channels before and ceil((size - 1) / 2) after (torch's is the other way
        round for an even size), alpha / size, bias, beta; odd and even sizes, rank 3 and 4, against
        numpy; an If on a run-time condition is a one-line error."""
        def ref(x, size, alpha, beta, bias):
            out, c = np.empty_like(x), x.shape[1]
            for i in range(c):
                lo, hi = max(0, i - (size - 1) // 2), min(c - 1, i + -(-(size - 1) // 2))
                out[:, i] = x[:, i] / (bias + alpha / size * (x[:, lo:hi + 1] ** 2).sum(1)) ** beta
            return out

        rng = np.random.default_rng(5)
        for shape, attrs in (([1, 6, 3, 4], dict(size=5, alpha=0.3, beta=0.75, bias=2.0)),
                             ([1, 6, 3, 4], dict(size=4, alpha=0.5, beta=0.6)), ([1, 5, 7], dict(size=2, alpha=0.4)),
                             ([1, 3, 2, 2], dict(size=1))):
            with self.subTest(**attrs):
                x = (rng.standard_normal(shape) * 2).astype(np.float32)
                m = _graph_model([helper.make_node("LRN", ["x"], ["y"], **attrs)], [_vi("x", shape)], [_vi("y", None)])
                r = import_onnx(m)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resource_count, 0)
                support.run_numeric(self, r.text, [x], [ref(x, attrs["size"], attrs.get("alpha", 1e-4),
                                                            attrs.get("beta", 0.75), attrs.get("bias", 1.0))])
        branch = helper.make_graph([helper.make_node("Relu", ["x"], ["r"])], "b", [], [_vi("r", None)])
        m = _graph_model([helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
                          helper.make_node("Greater", ["s", "zero"], ["c"]),
                          helper.make_node("If", ["c"], ["y"], name="if0", then_branch=branch, else_branch=branch)],
                         [_vi("x", [2, 3])], [_vi("y", None)], [numpy_helper.from_array(np.array(0.0, np.float32), "zero")])
        self.assertIn("ONNX node 'if0' (op type If): a condition computed at run time is not supported", self.error(m))

    def test_upsample_and_image_scaler(self):
        """Upsample (deprecated): scales an attribute at opset 7, an input at opset 9, Resize-10's
        semantics (asymmetric coordinates; nearest rounds down, linear interpolates there, clamped at the
        edge) against numpy, integer and fractional factors; torch's opset-9 export of nearest
        upsampling equals torch. ImageScaler (experimental, not in onnx 1.12's schemas, which still
        checks a model of it): scale x + bias[c], the bias one weight."""
        def ref(x, scales, mode):
            for axis, f in enumerate(scales):
                n = x.shape[axis]
                src = np.arange(int(np.floor(n * f))) / f
                i0 = np.minimum(np.floor(src).astype(int), n - 1)
                if mode == "nearest":
                    x = np.take(x, i0, axis)
                    continue
                w = (src - np.floor(src)).reshape([-1 if a == axis else 1 for a in range(x.ndim)])
                x = np.take(x, i0, axis) * (1 - w) + np.take(x, np.minimum(i0 + 1, n - 1), axis) * w
            return x.astype(np.float32)

        rng = np.random.default_rng(6)
        x = rng.standard_normal((1, 2, 3, 4)).astype(np.float32)
        for opset, mode, scales in ((7, "nearest", [1, 1, 2, 3]), (7, "linear", [1, 1, 2, 1.5]),
                                    (9, "nearest", [1, 1, 1.5, 2.5]), (9, "linear", [1, 1, 3, 2])):
            with self.subTest(opset=opset, mode=mode, scales=scales):
                if opset == 7:
                    node, inits = helper.make_node("Upsample", ["x"], ["y"], mode=mode, scales=scales), []
                else:
                    node = helper.make_node("Upsample", ["x", "s"], ["y"], mode=mode)
                    inits = [numpy_helper.from_array(np.array(scales, np.float32), "s")]
                m = _graph_model([node], [_vi("x", [1, 2, 3, 4])], [_vi("y", None)], inits, opset=opset)
                r = import_onnx(m)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resource_count, 0)
                support.run_numeric(self, r.text, [x], [ref(x, scales, mode)])
        up = torch.nn.Upsample(scale_factor=2)
        with tempfile.TemporaryDirectory() as d, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(up, (torch.from_numpy(x),), os.path.join(d, "up.onnx"), opset_version=9)
            om = onnx.load(os.path.join(d, "up.onnx"))
        self.assertIn("Upsample", {n.op_type for n in om.graph.node})
        support.run_numeric(self, import_onnx(om).text, [x], [up(torch.from_numpy(x)).numpy()])

        m = _graph_model([helper.make_node("ImageScaler", ["x"], ["s"], name="scaler", scale=0.5, bias=[1.0, -2.0]),
                          helper.make_node("Relu", ["s"], ["y"])], [_vi("x", [1, 2, 3, 4])], [_vi("y", [1, 2, 3, 4])], opset=7)
        onnx.checker.check_model(m)
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        self.assertEqual(r.resources, {"scaler_bias": (1, 2, 1, 1)})
        support.run_numeric(self, r.text, [x], [np.maximum(0.5 * x + np.array([1, -2], np.float32)[:, None, None], 0)])

    def test_rnn_attributes_against_numpy(self):
        """ONNX-only RNN forms against numpy: layout=1 with initial_h, a reverse Relu one without
        bias, a bidirectional one with a Tanh and a Relu direction; other activations and clip are
        one-line errors naming the node."""
        rng = np.random.default_rng(7)
        f32 = lambda *s: (rng.standard_normal(s) * 0.5).astype(np.float32)
        hs, steps, batch, isz = 3, 4, 2, 5
        acts = {"Tanh": np.tanh, "Relu": lambda v: np.maximum(v, 0)}

        def ref(x, w, r, b, h0, names, backward):  # x [steps, batch, in]; per direction
            ys = []
            for d, name in enumerate(names):
                h, out = h0[d], [None] * steps
                for t in (reversed(range(steps)) if backward[d] else range(steps)):
                    bias = 0 if b is None else b[d, :hs] + b[d, hs:]
                    h = acts[name](x[t] @ w[d].T + h @ r[d].T + bias)
                    out[t] = h
                ys.append(np.stack(out))
            return np.stack(ys, 1), np.stack([y[-1] if not bw else y[0] for y, bw in zip(ys, backward)])

        cases = (dict(layout=1), dict(direction="reverse", activations=["Relu"]),
                 dict(direction="bidirectional", activations=["Tanh", "Relu"]))
        for attrs in cases:
            with self.subTest(**attrs):
                nd = 2 if attrs.get("direction") == "bidirectional" else 1
                x, w, r = f32(steps, batch, isz), f32(nd, hs, isz), f32(nd, hs, hs)
                b = None if attrs.get("direction") == "reverse" else f32(nd, 2 * hs)
                h0 = f32(nd, batch, hs) if attrs.get("layout") else np.zeros((nd, batch, hs), np.float32)
                y, hn = ref(x, w, r, b, h0, attrs.get("activations", ["Tanh"] * nd),
                            [False, True] if nd == 2 else [attrs.get("direction") == "reverse"])
                inits = [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (r, "r"))]
                inputs, feed = ["x", "w", "r"], []
                if b is not None:
                    inputs.append("b")
                    inits.append(numpy_helper.from_array(b, "b"))
                if attrs.get("layout"):
                    inputs += ["", "h0"]
                    feed = [h0.transpose(1, 0, 2)]
                    x_in, y, hn = x.transpose(1, 0, 2), y.transpose(2, 0, 1, 3), hn.transpose(1, 0, 2)
                else:
                    x_in = x
                m = _graph_model([helper.make_node("RNN", inputs, ["y", "yh"], hidden_size=hs, **attrs)],
                                 [_vi("x", list(x_in.shape))] + ([_vi("h0", list(feed[0].shape))] if feed else []),
                                 [_vi("y", None), _vi("yh", None)], inits, opset=14)  # layout: opset 14
                res = import_onnx(m, inline_weights=True)
                support.mlir_opt(self, res.text)
                self.assertEqual(res.resource_elements, w.size + r.size + (0 if b is None else b.size))
                support.run_numeric(self, res.text, [x_in] + feed, [y, hn])
        x, w, r = f32(steps, batch, isz), f32(1, hs, isz), f32(1, hs, hs)
        for extra, message in ((dict(activations=["Sigmoid"]), "activations ['Sigmoid'] are not supported"),
                               (dict(clip=1.0), "clip is not supported")):
            m = _graph_model([helper.make_node("RNN", ["x", "w", "r"], ["y"], name="rnn0", hidden_size=hs, **extra)],
                             [_vi("x", [steps, batch, isz])], [_vi("y", None)],
                             [numpy_helper.from_array(a, n) for a, n in ((w, "w"), (r, "r"))])
            self.assertIn(f"ONNX node 'rnn0' (op type RNN): {message}", self.error(m))


@support.needs_onnx
class OnnxCliErrorTest(unittest.TestCase):
    """User errors are one line on stderr and exit 1, never a traceback or a file."""

    def run_cli(self, *args):
        import subprocess
        import sys
        p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "onnx", *args],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        return p.stderr

    def test_files_that_are_not_models(self):
        with tempfile.TemporaryDirectory() as d:
            empty, garbage, out = (os.path.join(d, n) for n in ("empty.onnx", "garbage.onnx", "x.mlir"))
            open(empty, "wb").close()
            with open(garbage, "wb") as f:
                f.write(bytes(range(256)) * 8)
            self.assertIn("the ONNX graph has no nodes", self.run_cli(empty, "-o", out))
            self.assertIn("is not an ONNX model", self.run_cli(garbage, "-o", out))
            self.assertIn("cannot read", self.run_cli(os.path.join(d, "missing.onnx")))
            self.assertIn("cannot read", self.run_cli(d))
            self.assertEqual(sorted(os.listdir(d)), ["empty.onnx", "garbage.onnx"])

    def test_bad_input_shapes_and_outputs(self):
        m = _graph_model([helper.make_node("Relu", ["x"], ["y"], name="relu0")],
                         [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "dyn.onnx")
            onnx.save(m, path)
            self.assertIn("'1,-4' is not a static shape", self.run_cli(path, "--input-shape", "x=1,-4"))
            self.assertIn("'x' is not NAME=SHAPE", self.run_cli(path, "--input-shape", "x"))
            self.assertIn("names 'nosuch', not an input of the graph (its inputs: x)",
                          self.run_cli(path, "--input-shape", "nosuch=1,8"))
            self.assertIn("-o: no directory", self.run_cli(path, "-o", os.path.join(d, "no", "x.mlir")))
            self.assertIn("is a directory", self.run_cli(path, "-o", d))
            self.assertIn("'x' is given twice", self.run_cli(path, "--input-shape", "x=1,8", "--input-shape", "x=2,8"))
            self.assertIn("below 2^63", self.run_cli(path, "--input-shape", "x=99999999999999999999,8"))
            self.assertIn("--func-name: '' is not a function name", self.run_cli(path, "--func-name", ""))
            self.assertEqual(sorted(os.listdir(d)), ["dyn.onnx"])
        half = _graph_model([helper.make_node("Relu", ["x"], ["y"])],
                            [helper.make_tensor_value_info("x", TensorProto.FLOAT16, [1, 8])],
                            [helper.make_tensor_value_info("y", TensorProto.FLOAT16, None)])
        with self.assertRaises(UnsupportedError) as cm:
            import_onnx(half)
        self.assertIn("unsupported element type FLOAT16 (supported: FLOAT, INT64, INT32)", str(cm.exception))

    def test_errors_are_one_line_whatever_the_names(self):
        m = _graph_model([helper.make_node("Relu", ["x\ny"], ["y"])],
                         [helper.make_tensor_value_info("x\ny", TensorProto.FLOAT, [1, 0])],
                         [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "zero.onnx")
            onnx.save(m, path)
            err = self.run_cli(path)
        self.assertEqual(err.count("\n"), 1, err)
        self.assertIn("graph input 'x\\ny' has a zero-size dim 1", err)


if __name__ == "__main__":
    unittest.main()
