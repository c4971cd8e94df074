# ---------------------------------------------------------------------------
# Transformers written the usual way (issue 11 item 4): shape unpacking,
# einsum, .clamp, torch.where masks, nn.MultiheadAttention.  torch.fx cannot
# trace them; the aten route (make_fx) and the ONNX route (torch.onnx.export
# + the ONNX importer) must import each one with the expected structure
# (matmuls per layer), valid MLIR, and torch's numbers.  Small
# configurations keep the suite fast; docs/models.md has the full-size
# figures (ViT-B/16, the 12-layer GPT-2 stack, the MHA encoder).
# ---------------------------------------------------------------------------
"""Tests of the aten route, the ONNX ops transformers export to, and the CLI flags."""

import contextlib
import io
import math
import os
import re
import subprocess
import sys
import tempfile
import unittest
import warnings

import support

if support.HAVE_TORCH:
    import numpy as np
    import torch
    import torch.nn as nn

    from egrl_import import models
    from egrl_import.cli import linalg_op_counts
    from egrl_import.mlir import UnsupportedError
    from egrl_import.torch_import import import_module

    def tiny_vit():
        """torchvision's VisionTransformer (vit_b_16's code) at a test size."""
        import torchvision

        torch.manual_seed(0)
        m = torchvision.models.VisionTransformer(image_size=32, patch_size=16, num_layers=2, num_heads=2,
                                                 hidden_dim=32, mlp_dim=64, num_classes=10)
        return m.eval(), [torch.randn(1, 3, 32, 32)]

    # name -> (factory, layers, linalg.matmul per layer, linalg.batch_matmul per layer, matmuls outside layers)
    CASES = {
        # c_attn, attention c_proj, c_fc, MLP c_proj; two einsums
        "gpt2_stack_tiny": (lambda: models.build("gpt2_stack_tiny"), 2, 4, 2, 0),
        # packed in_proj, out_proj, linear1, linear2; QK^T and AV
        "mha_encoder_tiny": (lambda: models.build("mha_encoder_tiny"), 2, 4, 2, 0),
        "torch_encoder_tiny": (lambda: models.build("torch_encoder_tiny"), 2, 4, 2, 0),
        # + the classification head (the patch embedding is a conv)
        "vit_tiny": (tiny_vit, 2, 4, 2, 1),
    }

if support.HAVE_ONNX:
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from egrl_import.onnx_import import import_onnx


def _reference(m, inputs):
    with torch.no_grad():
        return m(*inputs).numpy()


@support.needs_torch
class AtenRouteTest(unittest.TestCase):
    def check_structure(self, name, text):
        _, layers, mm, bmm, extra = CASES[name]
        counts = linalg_op_counts(text)
        self.assertEqual(counts.get("linalg.matmul", 0), layers * mm + extra, name)
        self.assertEqual(counts.get("linalg.batch_matmul", 0), layers * bmm, name)

    def test_fx_cannot_trace_these(self):
        for name in CASES:
            m, inp = CASES[name][0]()
            with self.subTest(name), self.assertRaises(UnsupportedError):
                import_module(m, inp, trace="fx")

    def test_each_model_imports_by_the_aten_route(self):
        for name in CASES:
            with self.subTest(name):
                m, inp = CASES[name][0]()
                r = import_module(m, inp, inline_weights=True, trace="auto")
                self.assertEqual(r.route, "aten")
                self.assertIn("cannot trace", r.fallback_reason)
                self.check_structure(name, r.text)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [x.numpy() for x in inp], [_reference(m, inp)])

    def test_weights_keep_module_path_names(self):
        m, inp = models.build("mha_encoder_tiny")
        r = import_module(m, inp, trace="aten")
        self.assertEqual(r.resource_elements, r.parameter_count)
        self.assertIn("layers_0_self_attn_in_proj_weight", r.resources)
        self.assertIn("layers_1_norm2_bias", r.resources)
        self.assertIn('loc("layers.0.self_attn/bmm")', r.text)  # module-path locations, as in the fx route
        self.assertIn('loc("layers.1.norm2/native_layer_norm', r.text)
        m, inp = models.build("gpt2_stack_tiny")
        r = import_module(m, inp, trace="aten")
        self.assertIn("h_1_attn_c_attn_weight", r.resources)
        self.assertIn("tensor<1x1x16x16xi1>", r.text)  # the sliced causal mask, folded
        self.assertIn("arith.select", r.text)

    def test_auto_keeps_fx_for_traceable_models(self):
        m, inp = models.build("tiny_cnn")
        r = import_module(m, inp, trace="auto")
        self.assertEqual((r.route, r.fallback_reason), ("fx", ""))
        self.assertEqual(r.text, import_module(m, inp).text)

    def test_aten_route_on_a_cnn_matches_fx_weights(self):
        m, inp = models.build("tiny_cnn")
        m.eval()
        a = import_module(m, inp, trace="aten", inline_weights=True)
        f = import_module(m, inp)
        self.assertEqual(a.resources, f.resources)
        support.run_numeric(self, a.text, [x.numpy() for x in inp], [_reference(m, inp)])

    def test_tied_weights_are_one_weight_on_the_aten_route(self):
        """An LM head whose weight *is* the embedding table (`lm.weight =
        tok.weight`) reads the one table, as on the fx route; it was once a
        second, transposed constant."""
        class Tied(nn.Module):
            def __init__(self):
                super().__init__()
                self.tok = nn.Embedding(50, 8)
                self.ln = nn.LayerNorm(8)
                self.lm = nn.Linear(8, 50, bias=False)
                self.lm.weight = self.tok.weight

            def forward(self, ids):
                return self.lm(self.ln(self.tok(ids)))

        torch.manual_seed(0)
        m, ids = Tied().eval(), torch.randint(0, 50, (1, 6))
        r = import_module(m, ids, trace="aten", inline_weights=True)
        self.assertEqual(r.resources, import_module(m, ids).resources)
        self.assertNotIn("dense_resource<const", r.text)
        support.run_numeric(self, r.text, [ids.numpy()], [_reference(m, [ids])])

    def test_a_returned_buffer_or_parameter_is_a_result_on_the_aten_route(self):
        """A detector that returns its priors buffer (and a model returning a parameter) as they are:
        the aten route failed with 'unsupported output of type _LazyWeight'; it returns the weight, as
        the fx route does, named by its module path and counted once."""
        class Detector(nn.Module):
            def __init__(self):
                super().__init__()
                self.head = nn.Linear(4, 6)
                self.register_buffer("priors", torch.rand(5, 4))

            def forward(self, x):
                B, N, _ = x.shape  # shape unpacking: fx cannot trace it
                return self.head(x).view(B, N, 3, 2), self.priors, {"bias": self.head.bias}

        torch.manual_seed(0)
        m, x = Detector().eval(), torch.randn(1, 5, 4)
        r = import_module(m, x, trace="aten", inline_weights=True)
        self.assertEqual(sorted(r.resources), ["head_bias", "head_weight", "priors"])
        self.assertEqual(r.resource_elements, 30 + 20)
        with torch.no_grad():
            ref = [x.numpy() for x in (m(x)[0], m.priors, m.head.bias)]
        support.run_numeric(self, r.text, [x.numpy()], ref)

    def test_inplace_ops(self):
        """relu_/add_ (torchvision's inplace=True) lower functionally; their input's later readers see the result."""
        class Inplace(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 3, padding=1)
                self.relu = nn.ReLU(inplace=True)

            def forward(self, x):
                b, c, h, w = x.shape
                y = self.conv(x)
                z = y * 2.0
                y.add_(1.0)
                return self.relu(z) + y.view(b, 4, h * w).mean(-1).view(b, 4, 1, 1)

        class OnAView(nn.Module):
            def forward(self, x):
                x = x * 1.0
                x[:, 0].mul_(2.0)
                return x

        torch.manual_seed(0)
        m, x = Inplace().eval(), torch.randn(1, 3, 5, 5)
        r = import_module(m, x, trace="aten", inline_weights=True)
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])
        with self.assertRaisesRegex(UnsupportedError, "in-place op on a view"):
            import_module(OnAView(), torch.randn(1, 2, 3), trace="aten")

    def test_writes_in_place_that_fx_cannot_follow(self):
        """torch.fx keeps no aliases: an in-place write whose operand is read
        again after it (a residual around nn.ReLU(inplace=True)) is refused by
        the fx route, and --trace=auto imports it through the aten route with
        torch's numbers. A write the fx route can follow (torchvision's ReLUs)
        stays on it."""
        class ReluInResidual(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 3, padding=1)
                self.relu = nn.ReLU(inplace=True)

            def forward(self, x):
                y = self.conv(x)
                return self.relu(y) + y

        class ReluLast(ReluInResidual):
            def forward(self, x):
                return self.relu(self.conv(x)) * 2.0

        torch.manual_seed(0)
        m, x = ReluInResidual().eval(), torch.randn(1, 3, 5, 5)
        with self.assertRaisesRegex(UnsupportedError, "writes 'conv' in place, and 'add' reads it after that"):
            import_module(m, x, trace="fx")
        r = import_module(m, x, trace="auto", inline_weights=True)
        self.assertEqual(r.route, "aten")
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])
        self.assertEqual(import_module(ReluLast().eval(), x, trace="auto").route, "fx")

    def test_in_place_transpose_and_padding_masks(self):
        """transpose_ (nn.GRU with batch_first) changes a traced tensor's shape
        after its node ran; a key-padding mask is filled in place through
        detach(zeros_like(mask)), a view nothing else reads. Both import with
        torch's numbers."""
        class Gru(nn.Module):
            def __init__(self):
                super().__init__()
                self.gru = nn.GRU(8, 16, batch_first=True)

            def forward(self, x):
                return self.gru(x)[0]

        class PaddedAttention(nn.Module):
            def __init__(self):
                super().__init__()
                self.att = nn.MultiheadAttention(16, 2, batch_first=True)

            def forward(self, x, pad):
                return self.att(x, x, x, key_padding_mask=pad > 0.5)[0]

        torch.manual_seed(0)
        m, x = Gru().eval(), torch.randn(1, 5, 8)
        r = import_module(m, x, trace="auto", inline_weights=True)
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])
        m, x, pad = PaddedAttention().eval(), torch.randn(1, 6, 16), torch.zeros(1, 6)
        pad[0, 4:] = 1.0
        r = import_module(m, [x, pad], trace="auto", inline_weights=True)
        support.run_numeric(self, r.text, [x.numpy(), pad.numpy()], [_reference(m, [x, pad])])
        # The mask is computed at run time: the traced run's mask, filled in place
        # into zeros_like's memory, is not folded into the graph.
        x2, pad2 = torch.randn(1, 6, 16), torch.zeros(1, 6)
        pad2[0, :2] = 1.0
        support.run_numeric(self, r.text, [x2.numpy(), pad2.numpy()], [_reference(m, [x2, pad2])])

    def test_swin_v2_zeroes_a_slice_of_a_cloned_bias(self):
        """torchvision's Swin V2 (qkv_bias.clone() with its middle third zeroed in place, read
        after by linear) imports on the aten route and equals torch: an in-place op on a slice
        (or a chain of slices) of a tensor the graph computes afresh is that tensor updated by
        tensor.insert_slice, read by its later readers. A view of it taken before the write and
        read after (which would hold the old elements), and a write into an input's slice, stay
        refused in one line."""
        import torchvision
        from torchvision.models import swin_transformer as st

        torch.manual_seed(0)
        m = st.SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[1, 1], num_heads=[2, 2], window_size=[2, 2],
                               num_classes=10, block=st.SwinTransformerBlockV2,
                               downsample_layer=st.PatchMergingV2).eval()
        x = torch.randn(1, 3, 16, 16)
        r = import_module(m, x, trace="auto", inline_weights=True)
        self.assertEqual(r.route, "aten")
        self.assertIn("tensor.insert_slice", r.text)
        self.assertEqual(r.resource_elements, r.parameter_count + r.kept_buffer_count)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])

        class Strided(nn.Module):
            def forward(self, x):
                y = x * 2.0
                z = y.clone()
                z[:, 1::2].zero_()
                return z + y

        class StaleView(nn.Module):
            def forward(self, x):
                z = (x * 2.0).clone()
                v = z[:, 0:2]
                z[:, 1:3].zero_()
                return v + 1.0

        class IntoInput(nn.Module):
            def forward(self, x):
                x[:, 1:3].zero_()
                return x * 2.0

        x = torch.randn(1, 4)
        r = import_module(Strided(), x, trace="aten", inline_weights=True)
        self.assertIn("tensor.insert_slice %", r.text)
        self.assertIn("[0, 1] [1, 2] [1, 2] : tensor<1x2xf32> into tensor<1x4xf32>", r.text)
        support.run_numeric(self, r.text, [x.numpy()], [_reference(Strided(), [x])])
        for m in (StaleView(), IntoInput()):
            with self.subTest(m=type(m).__name__):
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(m, x.clone(), trace="aten")
                self.assertIn("an in-place op on a view (the mutation would reach its base) is not supported",
                              str(cm.exception))
                self.assertNotIn("\n", str(cm.exception))

    def test_swin_blocks_index_roll_and_slice_assigned_masks(self):
        """torchvision's Swin: relative-position bias read through a constant index buffer
        (aten.index), shifted windows (roll), an attention mask built by slice assignment
        (fill_ on slices of a constant, once dropped by dead-code elimination: the mask
        stayed zero), and a restrided pooled output (as_strided_). Imports with torch's
        numbers; a constant read before it is written, and slice assignment into a run-time
        tensor, are refused."""
        import torchvision

        torch.manual_seed(0)
        m = torchvision.models.swin_transformer.SwinTransformer(
            patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 2], window_size=[2, 2],
            num_classes=10).eval()
        x = torch.randn(1, 3, 32, 32)
        r = import_module(m, x, trace="auto", inline_weights=True)
        self.assertEqual(r.route, "aten")
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])

        class Indexing(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = nn.Parameter(torch.randn(5, 3, 4))
                self.register_buffer("ids", torch.tensor([[0, 2], [-1, 1]]))

            def forward(self, x):
                return x + self.table[:, self.ids].sum() + self.table[self.ids].mean(0).sum() + torch.roll(
                    x, (1, -2), (1, 2))

        class ReadBeforeWrite(nn.Module):
            def forward(self, x):
                mask = x.new_zeros((4, 4))
                y = x + mask
                mask[0:2] = 1.0
                return y + mask

        class WriteIntoInput(nn.Module):
            def forward(self, x):
                y = x * 2.0
                y[:, 0] = 0.0
                return y

        m, x = Indexing().eval(), torch.randn(1, 4, 6)
        r = import_module(m, x, trace="aten", inline_weights=True)
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])
        with self.assertRaisesRegex(UnsupportedError, "a constant is written in place after 'add' read it"):
            import_module(ReadBeforeWrite(), torch.randn(1, 4, 4), trace="aten")
        with self.assertRaisesRegex(UnsupportedError, "fill_"):
            import_module(WriteIntoInput(), torch.randn(1, 4, 4), trace="aten")

    def test_variance_max_over_a_dim_norms_and_flip(self):
        """var/std (each correction form), max/min values over a dim, amin, F.normalize and
        p-norms, flip: torch's numbers; so are the indices of a max over a dim (argmax's)."""
        class Reductions(nn.Module):
            def __init__(self):
                super().__init__()
                self.linear = nn.Linear(8, 8)

            def forward(self, x):
                y = self.linear(x)
                a = (y.var(-1, keepdim=True) + y.std(dim=1, unbiased=False, keepdim=True)
                     + torch.var(y, dim=(1, 2), correction=0, keepdim=True))
                b = y.max(dim=-1, keepdim=True).values + torch.min(y, 1, keepdim=True)[0] + y.amin(-1, keepdim=True)
                c = nn.functional.normalize(y, dim=-1) + torch.flip(y, (1, 2)) + y.norm(p=1, dim=-1, keepdim=True)
                return a + b + c

        class ArgMax(nn.Module):
            def forward(self, x):
                return x.max(dim=-1)[1].float()

        torch.manual_seed(0)
        m, x = Reductions().eval(), torch.randn(1, 5, 8)
        r = import_module(m, x, trace="aten", inline_weights=True)
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])
        x = torch.randn(2, 5)
        r = import_module(ArgMax(), x, trace="aten")
        support.run_numeric(self, r.text, [x.numpy()], [_reference(ArgMax(), [x.clone()])])

    def test_addmv_mv_and_dot_as_matmuls_and_cdist_refused_by_name(self):
        """torch.addmv (beta, alpha), torch.mv and torch.dot (function and method) import as matmuls of
        their 1-D operands, equal to torch (each was 'ATen op is not supported'); torch.cdist, whose fake
        tracing fails inside torch 1.13 (an internal TypeError from make_fx), is refused naming torch's
        kernel and --trace onnx."""
        class Products(nn.Module):
            def __init__(self):
                super().__init__()
                self.w, self.b = nn.Parameter(torch.randn(4, 4)), nn.Parameter(torch.randn(4))

            def forward(self, x, v):
                return (torch.addmv(self.b, self.w, x[0], beta=0.5, alpha=2.0), torch.dot(x[0], v),
                        torch.mv(self.w, v), x[1].dot(v) * 2)

        class Distances(nn.Module):
            def forward(self, x, v):
                return torch.cdist(x, v[None])

        torch.manual_seed(0)
        m, inputs = Products().eval(), [torch.randn(2, 4), torch.randn(4)]
        with torch.no_grad():
            ref = [t.numpy() for t in m(*[t.clone() for t in inputs])]
        r = import_module(m, inputs, trace="aten", inline_weights=True)
        self.assertEqual(r.resource_elements, 20)
        support.run_numeric(self, r.text, [t.numpy() for t in inputs], ref)
        with self.assertRaises(UnsupportedError) as cm:
            import_module(Distances(), inputs, trace="aten")
        self.assertEqual(str(cm.exception), "make_fx cannot trace Distances: torch 1.13's fake-tensor kernel "
                         "meta_cdist_forward fails on it (TypeError: '>=' not supported between instances of "
                         "'NoneType' and 'int'), so the aten route cannot import it; --trace onnx may "
                         "(torch.onnx.export)")

    def test_lstm_by_the_aten_route_on_real_inputs(self):
        """nn.LSTM keeps its own references to its weights, which fake tracing
        cannot replace: traced on the real inputs instead, its time steps are
        unrolled and read each weight as one constant, not one per step."""
        class Lstm(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(16, 32, batch_first=True)

            def forward(self, x):
                return self.lstm(x)[0]

        class SplitThenReadAgain(nn.Module):
            def forward(self, x):
                y = x * 1.0
                a, b = torch.split(y, 2, dim=1)
                a.mul_(2.0)
                return y + 1.0

        torch.manual_seed(0)
        m, x = Lstm().eval(), torch.randn(1, 6, 16)
        r = import_module(m, x, trace="auto", inline_weights=True)
        self.assertEqual(r.route, "aten")
        self.assertIn("LSTM is not supported", r.fallback_reason)
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])
        # The recurrent weight (32x128 transposed) and its bias appear once.
        constants = [line for line in r.text.splitlines()
                     if "arith.constant dense" in line and ": tensor<32x128xf32>" in line]
        self.assertEqual(len(constants), 1, [c[:80] for c in constants])
        # Unpacking the module's tuple stops fx (on this Python, inside torch 1.13's Proxy.__iter__): the
        # note says so, not "list index out of range".
        class UnpackedGru(nn.Module):
            def __init__(self):
                super().__init__()
                self.gru = nn.GRU(4, 8, batch_first=True)

            def forward(self, x):
                out, h = self.gru(x)
                return out + h.transpose(0, 1)

        r = import_module(UnpackedGru().eval(), torch.randn(1, 1, 4), trace="auto")
        self.assertEqual(r.route, "aten")
        self.assertIn("GRU", r.fallback_reason)
        self.assertNotIn("list index out of range", r.fallback_reason)
        # A piece written in place while its split's input is read again
        # would change what that read sees: refused.
        with self.assertRaisesRegex(UnsupportedError, "in-place op on a view"):
            import_module(SplitThenReadAgain(), torch.randn(1, 4, 3), trace="aten")

    def test_integer_arithmetic_comparisons_and_casts(self):
        """Ids are i64 at run time: a padding mask (ids != 0), shifted and wrapped positions
        ((ids - 50) % 7, torch's floor remainder) and casts to float import as i64 / i1 element-wise
        ops and match torch."""
        class Ids(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(100, 8)

            def forward(self, ids):
                mask = (ids != 0).unsqueeze(-1).float()
                pos = torch.maximum((ids - 50) % 7 * 3 + 1, ids // 1000)
                return self.emb(ids) * mask + self.emb(pos) + (ids > 40).unsqueeze(-1).to(torch.float32)

        class FloatRemainder(nn.Module):
            def forward(self, x):
                return x % 2.0

        torch.manual_seed(0)
        m, ids = Ids().eval(), torch.tensor([[0, 5, 99, 3, 0, 42, 7, 1, 57, 43]])
        r = import_module(m, ids, trace="aten", inline_weights=True)
        self.assertIn("arith.cmpi ne", r.text)
        self.assertIn("arith.remsi", r.text)
        self.assertIn("arith.uitofp", r.text)
        support.run_numeric(self, r.text, [ids.numpy()], [_reference(m, [ids])])
        with self.assertRaisesRegex(UnsupportedError, "'remainder' on f32 tensors is not supported"):
            import_module(FloatRemainder(), torch.randn(1, 4), trace="aten")

    def test_einsum_in_the_fx_route(self):
        class E(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(torch.randn(4, 5))

            def forward(self, x):
                y = torch.einsum("bij,jk->bik", x, self.w)
                return torch.einsum("bik,bjk->bij", y, y) + torch.einsum("...k->...", y).unsqueeze(-1)

        torch.manual_seed(0)
        m, x = E().eval(), torch.randn(2, 3, 4)
        r = import_module(m, x, inline_weights=True)
        self.assertEqual(r.route, "fx")
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])

    def test_forward_with_star_args(self):
        """fx says why it cannot take forward(*args); the aten route imports it."""
        class Star(nn.Module):
            def __init__(self):
                super().__init__()
                self.l = nn.Linear(4, 4)

            def forward(self, *args):
                return self.l(args[0]) + args[1]

        m, xs = Star().eval(), (torch.randn(1, 4), torch.randn(1, 4))
        with self.assertRaisesRegex(UnsupportedError, r"forward\(\*args\) takes a variable number of inputs"):
            import_module(m, xs, trace="fx")
        r = import_module(m, xs, inline_weights=True, trace="auto")
        self.assertEqual(r.route, "aten")
        self.assertIn("forward(*args)", r.fallback_reason)
        support.run_numeric(self, r.text, [x.numpy() for x in xs], [_reference(m, list(xs))])

    def test_fx_route_einsum_clamp_where_masked_fill(self):
        """Without shape unpacking, the same ingredients import through fx."""
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.qk = nn.Linear(8, 16)
                self.register_buffer("mask", torch.tril(torch.ones(6, 6, dtype=torch.bool)), persistent=False)
                self.register_buffer("bias", torch.tril(torch.ones(6, 6)), persistent=False)

            def forward(self, x):
                qk = self.qk(x)
                s = torch.einsum("bqd,bkd->bqk", qk[..., :8], qk[..., 8:]).clamp(-2.0, 2.0)
                s = torch.where(self.mask, s, torch.tensor(-1e9))
                s = s.masked_fill(self.bias == 0, float("-inf")).clamp_min(-1e4)
                return torch.softmax(s, dim=-1)

        torch.manual_seed(0)
        m, x = Block().eval(), torch.randn(1, 6, 8)
        r = import_module(m, x, inline_weights=True)
        self.assertEqual(r.route, "fx")
        self.assertEqual(r.text.count("arith.select"), 2)
        self.assertEqual(set(r.resources), {"qk_weight", "qk_bias"})  # masks are i1 / folded, -1e9 a scalar
        support.run_numeric(self, r.text, [x.numpy()], [_reference(m, [x])])

    def test_both_routes_failing_reports_both(self):
        m = nn.Sequential(nn.Conv2d(3, 4, 1), nn.Upsample(scale_factor=2, mode="bicubic"))
        with self.assertRaises(UnsupportedError) as cm:
            import_module(m, torch.zeros(1, 3, 4, 4), trace="auto")
        self.assertIn("fx node", str(cm.exception))
        self.assertIn("the aten route failed too", str(cm.exception))


@support.needs_onnx
class OnnxRouteTest(unittest.TestCase):
    def test_each_model_imports_by_the_onnx_route(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name in CASES:
                # opset 14 decomposes LayerNormalization (ReduceMean/Pow/Sqrt); once per kind of model
                for opset in (17, 14) if name in ("gpt2_stack_tiny", "vit_tiny") else (17,):
                    with self.subTest(name=name, opset=opset):
                        m, inp = CASES[name][0]()
                        path = os.path.join(tmp, f"{name}.onnx")
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            torch.onnx.export(m, tuple(inp), path, opset_version=opset)
                        r = import_onnx(path, inline_weights=True)
                        AtenRouteTest.check_structure(self, name, r.text)
                        support.mlir_opt(self, r.text)
                        support.run_numeric(self, r.text, [x.numpy() for x in inp], [_reference(m, inp)])

    def test_dynamic_batch_exports(self):
        """With a symbolic batch dim the export keeps its shape arithmetic (Shape, Gather, Div, Concat, ...):
        folded at batch 1."""
        with tempfile.TemporaryDirectory() as tmp:
            for name in CASES:
                with self.subTest(name=name):
                    m, inp = CASES[name][0]()
                    path = os.path.join(tmp, f"{name}.onnx")
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        torch.onnx.export(m, tuple(inp), path, opset_version=17, input_names=["x"],
                                          dynamic_axes={"x": {0: "batch"}})
                    self.assertIn("Shape", {n.op_type for n in onnx.load(path).graph.node})
                    note = io.StringIO()
                    with contextlib.redirect_stderr(note):
                        r = import_onnx(path, inline_weights=True)
                    self.assertIn("symbolic batch dim ('batch'); using batch 1", note.getvalue())
                    AtenRouteTest.check_structure(self, name, r.text)
                    self.assertIsNone(re.search(r"tensor<[0-9x]*i64>", r.text))  # no shape tensors at run time
                    support.run_numeric(self, r.text, [x.numpy() for x in inp], [_reference(m, inp)])

    def test_masked_attention_and_decoder(self):
        """nn.MultiheadAttention with a boolean causal attn_mask, and nn.TransformerDecoder (self- and
        cross-attention, float tgt_mask, two inputs): both routes equal torch."""
        class Causal(nn.Module):
            def __init__(self):
                super().__init__()
                self.attn = nn.MultiheadAttention(32, 4, batch_first=True)

            def forward(self, x):
                S = x.shape[1]
                mask = torch.triu(torch.ones(S, S, dtype=torch.bool), 1)
                return self.attn(x, x, x, attn_mask=mask, need_weights=False)[0]

        class Decoder(nn.Module):
            def __init__(self):
                super().__init__()
                layer = nn.TransformerDecoderLayer(32, 4, 64, batch_first=True, norm_first=True)
                self.dec = nn.TransformerDecoder(layer, 2)

            def forward(self, x, memory):
                return self.dec(x, memory, tgt_mask=nn.Transformer.generate_square_subsequent_mask(x.shape[1]))

        torch.manual_seed(0)
        with tempfile.TemporaryDirectory() as tmp:
            for m, inp in ((Causal().eval(), [torch.randn(1, 6, 32)]),
                           (Decoder().eval(), [torch.randn(1, 6, 32), torch.randn(1, 5, 32)])):
                with self.subTest(type(m).__name__):
                    ref = _reference(m, inp)
                    r = import_module(m, inp, inline_weights=True, trace="auto")
                    self.assertEqual(r.route, "aten")
                    support.run_numeric(self, r.text, [x.numpy() for x in inp], [ref])
                    path = os.path.join(tmp, "m.onnx")
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        torch.onnx.export(m, tuple(inp), path, opset_version=17)
                    r = import_onnx(path, inline_weights=True)
                    support.run_numeric(self, r.text, [x.numpy() for x in inp], [ref])


def _graph(nodes, inputs, outputs, inits=(), opset=14):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def _f32(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


@support.needs_onnx
class OnnxTransformerOpsTest(unittest.TestCase):
    """Each new op against numpy, executed through mlir-runner."""

    def run_graph(self, nodes, x, ref, inits=(), opset=14):
        m = _graph(nodes, [_f32("x", list(x.shape))], [_f32("y", None)], inits, opset)
        r = import_onnx(m, inline_weights=True)
        support.mlir_opt(self, r.text)
        support.run_numeric(self, r.text, [x], [ref])
        return r

    def test_einsum(self):
        rng = np.random.default_rng(0)
        x = rng.standard_normal((2, 3, 4)).astype(np.float32)
        w = rng.standard_normal((4, 5)).astype(np.float32)
        for eq, other in (("bij,jk->bik", w), ("bij,bkj->bik", x), ("bij,bik->bjk", x), ("bij,bij->ij", x),
                          ("bij,k->bkj", w[:, 0].copy()), ("...j,jk->...k", w)):
            with self.subTest(eq):
                self.run_graph([helper.make_node("Einsum", ["x", "w"], ["y"], equation=eq)], x,
                               np.einsum(eq, x, other), [numpy_helper.from_array(other, "w")])
        self.run_graph([helper.make_node("Einsum", ["x"], ["y"], equation="bij->jb")], x, np.einsum("bij->jb", x))

    def test_einsum_unsupported_says_why(self):
        x = np.zeros((3, 3, 3), np.float32)
        for eq, why in (("bii->bi", "repeat an index"), ("bi->b", "name 2 dimensions, the operand has 3")):
            with self.subTest(eq):
                m = _graph([helper.make_node("Einsum", ["x"], ["y"], equation=eq)],
                           [_f32("x", list(x.shape))], [_f32("y", None)], (), 14)
                with self.assertRaisesRegex(UnsupportedError, why):
                    import_onnx(m, inline_weights=True)

    def test_expand_where_equal(self):
        rng = np.random.default_rng(1)
        x = rng.standard_normal((1, 4, 4)).astype(np.float32)
        tok = rng.standard_normal((1, 1, 4)).astype(np.float32)
        mask = np.tril(np.ones((4, 4), bool))
        nodes = [helper.make_node("Expand", ["tok", "shape"], ["t"]),        # runtime Expand of a weight
                 helper.make_node("Add", ["x", "t"], ["s"]),
                 helper.make_node("Where", ["mask", "s", "ninf"], ["w"]),   # causal mask
                 helper.make_node("Equal", ["w", "x"], ["eq"]),            # runtime Equal
                 helper.make_node("Where", ["eq", "w", "zero"], ["y"])]
        inits = [numpy_helper.from_array(tok, "tok"), numpy_helper.from_array(np.array([1, 4, 4], np.int64), "shape"),
                 numpy_helper.from_array(mask, "mask"), numpy_helper.from_array(np.array(-np.inf, np.float32), "ninf"),
                 numpy_helper.from_array(np.array(0.0, np.float32), "zero")]
        s = x + tok
        w = np.where(mask, s, -np.inf).astype(np.float32)
        self.run_graph(nodes, x, np.where(w == x, w, 0.0).astype(np.float32), inits)

    def test_shape_subgraphs_fold(self):
        """Trilu / Equal / Where / ConstantOfShape / Expand on constants fold; no i64 tensors remain."""
        x = np.random.default_rng(2).standard_normal((1, 3, 3)).astype(np.float32)
        nodes = [helper.make_node("Shape", ["x"], ["sh"]),
                 helper.make_node("ConstantOfShape", ["sh"], ["ones"],
                                  value=numpy_helper.from_array(np.array([1], np.int64))),
                 helper.make_node("Trilu", ["ones"], ["tri"], upper=0),
                 helper.make_node("Equal", ["tri", "zero_i"], ["above"]),
                 helper.make_node("Not", ["above"], ["keep"]),
                 helper.make_node("Expand", ["keep", "sh"], ["keep2"]),
                 helper.make_node("Where", ["keep2", "x", "ninf"], ["y"])]
        inits = [numpy_helper.from_array(np.array(0, np.int64), "zero_i"),
                 numpy_helper.from_array(np.array(-np.inf, np.float32), "ninf")]
        r = self.run_graph(nodes, x, np.where(np.tril(np.ones((1, 3, 3))) != 0, x, -np.inf).astype(np.float32),
                           inits)
        self.assertNotIn("i64", r.text)


@support.needs_torch
class CliTest(unittest.TestCase):
    CLI = os.path.join(support.PYTHON_DIR, "egrl-import")

    def run_cli(self, *args, hide=None, cwd=None):
        code = "import runpy, sys\n"
        if hide:  # `import torch` then raises ImportError, as in a Python without it
            code += f"sys.modules[{hide!r}] = None\n"
        code += f"sys.argv = [{self.CLI!r}] + sys.argv[1:]\nrunpy.run_path({self.CLI!r}, run_name='__main__')\n"
        return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                              cwd=cwd)

    @staticmethod
    @contextlib.contextmanager
    def user_module(name, source):
        """A temporary directory holding the user's NAME.py, for run_cli(..., cwd=it)."""
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, f"{name}.py"), "w") as f:
                f.write(source)
            yield tmp

    def test_missing_torch_names_debian_python(self):
        for hide, args in (("torch", ["torch", "tiny_cnn"]), ("onnx", ["onnx", "x.onnx"])):
            with self.subTest(hide):
                p = self.run_cli(*args, hide=hide)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertNotIn("Traceback", p.stderr)
                self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
                self.assertIn(f"cannot import {hide}", p.stderr)
                self.assertIn("/usr/bin/python3", p.stderr)

    def test_trace_flag_and_inline_weights(self):
        p = self.run_cli("torch", "gpt2_stack_tiny", "--inline-weights", "--stats", "-")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("egrl-import: note: torch.fx could not import gpt2_stack_tiny", p.stderr)
        self.assertIn('"route": "aten"', p.stderr)
        self.assertIn('dense<"0x', p.stdout)
        self.assertFalse("arith.constant dense_resource" in p.stdout)
        p = self.run_cli("torch", "gpt2_stack_tiny", "--trace", "fx")
        self.assertEqual(p.returncode, 1)
        self.assertIn("egrl-import: error: torch.fx cannot trace GPT2Stack", p.stderr)

    @support.needs_onnx
    def test_onnx_route_and_export(self):
        with tempfile.TemporaryDirectory() as tmp:
            onnx_path = os.path.join(tmp, "m.onnx")
            p = self.run_cli("torch", "mha_encoder_tiny", "--trace", "onnx", "--export-onnx", onnx_path,
                             "--opset", "14", "--stats", "-")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn('"route": "onnx"', p.stderr)
            self.assertIn("Generated by egrl-import (ONNX)", p.stdout)
            self.assertEqual(onnx.load(onnx_path).opset_import[0].version, 14)


    def test_half_precision_model_gets_a_hint(self):
        """torch on the CPU has no float16 kernel for most ops: the error was torch's alone."""
        user = ("import torch, torch.nn as nn\n"
                "def half():\n"
                "    return nn.Sequential(nn.Linear(8, 8), nn.LayerNorm(8)).half().eval(), "
                "[torch.randn(1, 8).half()]\n")
        with self.user_module("halfmodels", user) as tmp:
            p = self.run_cli("torch", "halfmodels:half", cwd=tmp)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("not implemented for 'Half'", p.stderr)
            self.assertIn("import the model in float32 (model.float(), float32 example inputs)", p.stderr)

    @support.needs_onnx
    def test_onnx_route_keeps_equal_weights_apart_and_says_where_the_trace_branched(self):
        """torch.onnx.export merges initializers of equal values: an untrained nn.TransformerEncoder's
        deep-copied layers would import as one layer's weights. The onnx route imports as many weights
        as the aten route; and a branch on a tensor's value, which a trace records one way, is said
        with the user's file and line (not torch's own shape checks)."""
        user = (
            "import torch, torch.nn as nn\n"
            "class Branch(nn.Module):\n"
            "    def __init__(self):\n"
            "        super().__init__(); self.a = nn.Linear(8, 8); self.b = nn.Linear(8, 8)\n"
            "    def forward(self, x):\n"
            "        if x.sum() > 0:\n"
            "            return self.a(x)\n"
            "        return self.b(x)\n"
            "def encoder():\n"
            "    layer = nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)\n"
            "    return nn.TransformerEncoder(layer, 2).eval(), [torch.randn(1, 4, 16)]\n"
            "def branch():\n"
            "    return Branch().eval(), [torch.randn(1, 8)]\n"
            "def seq2seq():\n"
            "    m = nn.Transformer(16, 2, 1, 2, 32, batch_first=True)\n"
            "    return m.eval(), [torch.randn(1, 5, 16), torch.randn(1, 3, 16)]\n")
        with self.user_module("usermodels", user) as tmp:
            weights = {}
            for route in ("aten", "onnx"):
                p = self.run_cli("torch", "usermodels:encoder", "--trace", route, cwd=tmp)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertNotIn("warning", p.stderr)
                weights[route] = sorted(set(re.findall(r"dense_resource<([^>]+)> : (tensor<[^>]+>)", p.stdout)))
            self.assertEqual(len(weights["aten"]), 24)  # per layer: 4 attention, 4 FFN, 4 norm tensors
            self.assertEqual(len(weights["onnx"]), len(weights["aten"]))
            elements = {route: sorted(math.prod(int(d) for d in re.findall(r"(\d+)x", t)) for _, t in w)
                        for route, w in weights.items()}  # the onnx route holds some matrices transposed
            self.assertEqual(elements["onnx"], elements["aten"])
            # The export folds each cross-attention's K/V bias out of in_proj_bias: with only a first
            # element made distinct, the decoder layers' zero K/V biases were one weight.
            counted = {}
            for route in ("aten", "onnx"):
                p = self.run_cli("torch", "usermodels:seq2seq", "--trace", route, cwd=tmp)
                self.assertEqual(p.returncode, 0, p.stderr)
                found = set(re.findall(r"dense_resource<([^>]+)> : (tensor<[^>]+>)", p.stdout))
                counted[route] = sum(math.prod(int(d) for d in re.findall(r"(\d+)x", t)) for _, t in found)
            self.assertEqual(counted["onnx"], counted["aten"])
            p = self.run_cli("torch", "usermodels:branch", "--trace", "onnx", cwd=tmp)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(p.stderr.count("warning"), 1, p.stderr)
            self.assertIn("usermodels.py:6: the ONNX trace turned a tensor into a Python bool", p.stderr)


if __name__ == "__main__":
    unittest.main()
