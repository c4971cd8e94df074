# ---------------------------------------------------------------------------
# Tests of the torch.fx importer: each op family on a small module is
#  (1) emitted in the expected torch-mlir form,
#  (2) parsed and verified by mlir-opt,
#  (3) weight-complete: dense_resource elements == parameters + BN stats,
#  (4) numerically equal to torch when executed with mlir-runner.
# Plus unsupported-op errors, determinism, and BERT layer equivalence.
# ---------------------------------------------------------------------------
"""Tests of egrl_import.torch_import."""

import contextlib
import io
import math
import os
import re
import stat
import subprocess
import sys
import tempfile
import threading
import unittest

import support

if support.HAVE_TORCH:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    from egrl_import import models
    from egrl_import.mlir import UnsupportedError
    from egrl_import.torch_import import import_module

    class Attention(nn.Module):
        """bmm / 4-D matmul / permute / transpose / softmax / view."""

        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(16, 48)

        def forward(self, x):
            parts = self.qkv(x).chunk(3, dim=-1)
            q = parts[0].view(1, 6, 4, 4).transpose(1, 2)
            k = parts[1].view(1, 6, 4, 4).transpose(1, 2)
            v = parts[2].reshape(4, 6, 4)
            s = torch.matmul(q, k.transpose(-2, -1)) * 0.5
            p = F.softmax(s, dim=-1).reshape(4, 6, 6)
            return torch.bmm(p, v).permute(1, 0, 2).flatten(1)

    class Slicing(nn.Module):
        """getitem / chunk / cat / unsqueeze / mean / tensor methods."""

        def forward(self, x):
            a = x[:, 0]
            b = x[:, 1:3].mean(dim=1)
            c = torch.cat([a.unsqueeze(1), b.unsqueeze(1), x[..., ::2, :]], dim=1)
            return c.sigmoid() + x.size(1) - c.tanh().mul(2.0)


def bad_model():
    """For the CLI test: a model with an op the importer does not know."""
    return nn.Sequential(nn.Conv2d(3, 4, 1), nn.Upsample(scale_factor=2, mode="bicubic"))


def _randomize(m):
    """Non-trivial BN statistics so batch-norm is really exercised."""
    torch.manual_seed(0)
    for mod in m.modules():
        if isinstance(mod, nn.modules.batchnorm._BatchNorm):
            mod.running_mean.uniform_(-0.5, 0.5)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.5, 0.5)
    return m.eval()


if support.HAVE_TORCH:
    class Rounding(nn.Module):
        """floor / ceil / round / trunc / sign / reciprocal as functions and methods; SELU, CELU,
        Hardshrink, Softshrink, LogSigmoid, Softsign and GLU as modules and functions (trunc=False
        leaves trunc out: torch 1.13 cannot export it to ONNX)."""

        def __init__(self, trunc=True):
            super().__init__()
            self.trunc = trunc
            self.acts = nn.ModuleList([nn.SELU(), nn.CELU(0.5), nn.Hardshrink(0.3), nn.Softshrink(0.4),
                                       nn.LogSigmoid(), nn.Softsign()])
            self.glu = nn.GLU(1)

        def forward(self, x):
            r = (torch.floor(x) + x.ceil() * 2 + torch.round(x) * 3 + x.round() * 5 + x.sign()
                 + torch.sign(x) * 11 + (x.abs() + 1).reciprocal() + torch.ceil(x) + x.floor())
            if self.trunc:
                r = r + torch.trunc(x) * 7 + x.trunc() + torch.fix(x) * 13
            for act in self.acts:
                r = r + act(x)
            r = r + F.selu(x) + F.celu(x, 2.0) + F.hardshrink(x, 0.2) + F.softshrink(x) + F.logsigmoid(x) + F.softsign(x)
            return torch.cat([r, self.glu(x), F.glu(x, -1)], 1)

    ROUNDING_INPUT = torch.tensor([[-2.5, -1.5, -0.5, 0.0, 0.5, 1.5, 2.5, 0.3, -0.3, 0.2, -0.4, 3.7, -3.7, 0.45, -9.0,
                                    9.0]] * 2) * torch.tensor([[1.0], [0.9]])

    class Activations(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(16, 16)
            self.leaky, self.elu, self.softplus = nn.LeakyReLU(0.2), nn.ELU(0.7), nn.Softplus(2.0)
            self.mish, self.log_softmax = nn.Mish(), nn.LogSoftmax(-1)

        def forward(self, x):
            y = self.linear(x) * 50.0
            a = (self.leaky(y) + self.elu(y) + self.softplus(y) + self.mish(y) + F.leaky_relu(y, 0.05)
                 + F.elu(y) + F.softplus(y) + F.mish(y))
            b = torch.abs(y) + y.abs() + torch.log(y.abs() + 1.0) + (y.abs() + 2.0).log()
            return self.log_softmax(a + b) + F.log_softmax(y, dim=-1) + y.log_softmax(-1)


if support.HAVE_TORCH:
    class Sinusoidal(nn.Module):
        """sin and cos of run-time data, as functions and methods: a diffusion UNet's timestep
        embedding (frequencies from constants, the timestep an input) and rotary angles."""
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(16, 16)

        def forward(self, t, x):
            freqs = torch.exp(-math.log(10000.0) * torch.arange(8, dtype=torch.float32) / 8)
            a = t[:, None] * freqs[None]
            emb = self.linear(torch.cat([torch.cos(a), torch.sin(a)], -1))
            return emb + x.sin() * x.cos()

    class GroupedKV(nn.Module):
        """Grouped-query attention's K/V heads repeated with repeat_interleave (method and function,
        with a dim; the function without one repeats the flattened tensor)."""
        def __init__(self):
            super().__init__()
            self.k = nn.Linear(16, 8, bias=False)
            self.v = nn.Linear(16, 8, bias=False)

        def forward(self, x):
            k = self.k(x).view(1, 4, 2, 4).transpose(1, 2)
            v = self.v(x).view(1, 4, 2, 4).transpose(1, 2)
            kv = k.repeat_interleave(2, dim=1) + torch.repeat_interleave(v, 2, -3)
            return kv.flatten(1), torch.repeat_interleave(v[0, 0, :2], repeats=3)


if support.HAVE_TORCH:
    class PixelShuffles(nn.Module):
        """Sub-pixel convolution: nn.PixelShuffle / nn.PixelUnshuffle and the functions."""
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 12, 3, padding=1)
            self.shuffle, self.unshuffle = nn.PixelShuffle(2), nn.PixelUnshuffle(3)

        def forward(self, x):
            y = self.shuffle(self.conv(x))                       # 1x3x10x10
            z = F.pixel_unshuffle(torch.relu(y), 2)              # 1x12x5x5
            return self.unshuffle(y[:, :, 1:, 1:]), F.pixel_shuffle(z, 2) + y

    class CumulativeSums(nn.Module):
        """torch.cumsum / .cumsum on run-time data: floats along any dim, and HF-style position ids
        (mask.cumsum(1) * mask) from an integer mask (read through an embedding) and a float one."""
        def __init__(self):
            super().__init__()
            self.pos = nn.Embedding(8, 4)

        def forward(self, x, mask, fmask):
            positions = mask.cumsum(1) * mask
            return (torch.cumsum(x, 1), x.cumsum(-1), self.pos(positions) + self.pos(torch.cumsum(mask, dim=-1)),
                    fmask.cumsum(1) * fmask)

    def precompute_freqs_cis(dim: int, end: int, theta: float = 10000.0):
        """Meta's LLaMA (llama/model.py): the rotary frequencies as a complex64 table."""
        freqs = 1.0 / (theta ** (torch.arange(0, dim, 2)[: (dim // 2)].float() / dim))
        t = torch.arange(end, device=freqs.device)
        freqs = torch.outer(t, freqs).float()
        return torch.polar(torch.ones_like(freqs), freqs)  # complex64

    def reshape_for_broadcast(freqs_cis, x):  # Meta's, verbatim
        ndim = x.ndim
        assert 0 <= 1 < ndim
        assert freqs_cis.shape == (x.shape[1], x.shape[-1])
        shape = [d if i == 1 or i == ndim - 1 else 1 for i, d in enumerate(x.shape)]
        return freqs_cis.view(*shape)

    def apply_rotary_emb(xq, xk, freqs_cis):  # Meta's, verbatim
        xq_ = torch.view_as_complex(xq.float().reshape(*xq.shape[:-1], -1, 2))
        xk_ = torch.view_as_complex(xk.float().reshape(*xk.shape[:-1], -1, 2))
        freqs_cis = reshape_for_broadcast(freqs_cis, xq_)
        xq_out = torch.view_as_real(xq_ * freqs_cis).flatten(3)
        xk_out = torch.view_as_real(xk_ * freqs_cis).flatten(3)
        return xq_out.type_as(xq), xk_out.type_as(xk)

    def apply_rotary_emb_traceable(xq, xk, freqs_cis):
        """Meta's apply_rotary_emb without unpacking shapes (`*xq.shape[:-1]`), which torch.fx cannot
        trace: the same complex ops."""
        xq_ = torch.view_as_complex(xq.float().reshape(xq.shape[0], xq.shape[1], xq.shape[2], -1, 2))
        xk_ = torch.view_as_complex(xk.float().reshape(xk.shape[0], xk.shape[1], xk.shape[2], -1, 2))
        freqs_cis = freqs_cis.view(1, freqs_cis.shape[0], 1, freqs_cis.shape[1])
        xq_out = torch.view_as_real(xq_ * freqs_cis).flatten(3)
        xk_out = torch.view_as_real(xk_ * freqs_cis).flatten(3)
        return xq_out.type_as(xq), xk_out.type_as(xk)

    class RMSNorm(nn.Module):  # Meta's
        def __init__(self, dim: int, eps: float = 1e-6):
            super().__init__()
            self.eps = eps
            self.weight = nn.Parameter(torch.ones(dim))

        def _norm(self, x):
            return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

        def forward(self, x):
            return self._norm(x.float()).type_as(x) * self.weight

    class LlamaBlock(nn.Module):
        """Meta's LLaMA TransformerBlock at a small size (start_pos 0, no KV cache): RMSNorm,
        attention with complex rotary embeddings (the complex64 freqs_cis table sliced to the
        sequence), SwiGLU. `meta` unpacks shapes and calls Meta's apply_rotary_emb as written
        (the aten route only); else the traceable variant (both routes). The causal mask is a
        buffer: torch.fx folds no float tensor computed in forward."""
        def __init__(self, dim=32, n_heads=4, seqlen=6, meta=False):
            super().__init__()
            self.n_heads, self.head_dim, self.seqlen, self.meta = n_heads, dim // n_heads, seqlen, meta
            self.wq, self.wk, self.wv, self.wo = (nn.Linear(dim, dim, bias=False) for _ in range(4))
            self.w1, self.w3 = nn.Linear(dim, 3 * dim, bias=False), nn.Linear(dim, 3 * dim, bias=False)
            self.w2 = nn.Linear(3 * dim, dim, bias=False)
            self.attention_norm, self.ffn_norm = RMSNorm(dim), RMSNorm(dim)
            self.register_buffer("freqs_cis", precompute_freqs_cis(self.head_dim, 2 * seqlen), persistent=False)
            self.register_buffer("mask", torch.full((1, 1, seqlen, seqlen), float("-inf")).triu(1), persistent=False)

        def attention(self, x):
            if self.meta:
                bsz, seqlen, _ = x.shape
                rope = apply_rotary_emb
            else:
                bsz, seqlen, rope = 1, self.seqlen, apply_rotary_emb_traceable
            freqs_cis = self.freqs_cis[0:seqlen]
            xq = self.wq(x).view(bsz, seqlen, self.n_heads, self.head_dim)
            xk = self.wk(x).view(bsz, seqlen, self.n_heads, self.head_dim)
            xv = self.wv(x).view(bsz, seqlen, self.n_heads, self.head_dim)
            xq, xk = rope(xq, xk, freqs_cis=freqs_cis)
            xq, keys, values = xq.transpose(1, 2), xk.transpose(1, 2), xv.transpose(1, 2)
            scores = torch.matmul(xq, keys.transpose(2, 3)) / math.sqrt(self.head_dim) + self.mask
            scores = F.softmax(scores.float(), dim=-1).type_as(xq)
            output = torch.matmul(scores, values).transpose(1, 2).contiguous().view(bsz, seqlen, -1)
            return self.wo(output)

        def forward(self, x):
            h = x + self.attention(self.attention_norm(x))
            return h + self.w2(F.silu(self.w1(self.ffn_norm(h))) * self.w3(self.ffn_norm(h)))


if support.HAVE_TORCH:
    class Sequence1d(nn.Module):
        """Conv1d (strided; dilated and grouped), GroupNorm, constant padding."""
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv1d(4, 8, 5, stride=2, padding=2)
            self.conv2 = nn.Conv1d(8, 8, 3, padding=2, dilation=2, groups=4)
            self.norm = nn.GroupNorm(2, 8)

        def forward(self, x):
            return F.pad(self.norm(self.conv2(torch.relu(self.conv1(x)))), (1, 2), value=0.5)

    class Decoder(nn.Module):
        """Transposed convolutions: strided, with output padding and no bias, dilated."""
        def __init__(self):
            super().__init__()
            self.up1 = nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1)
            self.up2 = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1, bias=False)
            self.up3 = nn.ConvTranspose2d(3, 2, 3, dilation=2)

        def forward(self, x):
            return self.up3(torch.relu(self.up2(torch.relu(self.up1(x)))))

    class GroupedDecoder(nn.Module):
        """Transposed convolutions in 1-D (module and function), grouped and depthwise in 2-D, grouped
        and strided in 3-D (an NCL input; the 2-D and 3-D ones on views of it)."""
        def __init__(self):
            super().__init__()
            self.up1 = nn.ConvTranspose1d(4, 6, 4, stride=2, padding=1, output_padding=1, groups=2)
            self.w1 = nn.Parameter(torch.randn(6, 3, 2))
            self.up2 = nn.ConvTranspose2d(6, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False)
            self.dw = nn.ConvTranspose2d(4, 4, 2, stride=2, groups=4)
            self.up3 = nn.ConvTranspose3d(4, 4, 2, stride=(1, 2, 2), groups=2)

        def forward(self, x):
            y = torch.relu(F.conv_transpose1d(self.up1(x), self.w1, groups=2))
            z = self.dw(self.up2(y.reshape(1, 6, 2, -1)))
            return self.up3(z.unsqueeze(2).repeat(1, 1, 2, 1, 1))

    class Gathers(nn.Module):
        """gather with run-time indices: the argmax's, and an index input (method and function)."""
        def forward(self, x, idx):
            return x.gather(-1, x.argmax(-1, keepdim=True)) + torch.gather(x, 1, idx)

    class IndexSelects(nn.Module):
        """index_select (function and method) by run-time indices along a middle and the last dim,
        and by a constant index along the first."""
        def forward(self, x, ids):
            return (torch.index_select(x, 1, ids) * 2, x.index_select(-1, ids[1:3]),
                    x.index_select(0, torch.tensor([1, 0, 1])))

    class Bags(nn.Module):
        """nn.EmbeddingBag in modes sum, mean and max on 1-D ids with run-time offsets (an empty bag
        among them), constant offsets of unequal bags, include_last_offset, and 2-D ids (one bag per
        row); F.embedding_bag with per-sample weights."""
        def __init__(self):
            super().__init__()
            self.sum, self.mean = nn.EmbeddingBag(10, 4, mode="sum"), nn.EmbeddingBag(10, 4)
            self.max = nn.EmbeddingBag(10, 4, mode="max")
            self.last = nn.EmbeddingBag(10, 4, include_last_offset=True)
            self.table = nn.Parameter(torch.randn(10, 4))

        def forward(self, ids, offsets, rows, weights):
            return (self.sum(ids, offsets) + self.mean(ids, offsets) + self.max(ids, offsets),
                    self.sum(rows) + self.mean(rows) + self.max(rows),
                    self.last(ids, torch.cat([offsets, torch.tensor([8])])),
                    F.embedding_bag(ids, self.table, offsets, mode="sum", per_sample_weights=weights),
                    self.sum(rows, per_sample_weights=weights.view(2, 4)[:, :3]),
                    self.mean(ids, torch.tensor([0, 3, 6])))

    class Reductions(nn.Module):
        """logsumexp, prod (over dims and whole; of integers too), tril / triu with diagonals on
        run-time tensors, and atan2, as functions and methods."""
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 6)

        def forward(self, x, ids):
            y = self.fc(x)
            return (torch.logsumexp(y, 1), y.logsumexp(-1, keepdim=True), torch.logsumexp(y * 50, (1, 2)),
                    torch.prod(y, 1), y.prod(), y.prod(2, keepdim=True), ids.prod(1), torch.prod(ids),
                    torch.tril(y), y.triu(1), torch.triu(y, diagonal=-1), y.tril(-2), torch.tril(ids, 1),
                    torch.atan2(y, x), y.atan2(x * -1.0))

    class Sorts(nn.Module):
        """topk (largest and smallest, .values / .indices and by index), sort (descending, stable, of
        i64 too) and argsort as functions and methods, along the last, a middle and the first dim."""
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(6, 6)

        def forward(self, x, ids):
            y = self.fc(x)
            s = torch.sort(y, dim=1, descending=True)
            t = y.topk(2, dim=0, largest=False)
            return (torch.topk(y, 3).values, s[0], s[1], y.argsort(-1), t[0], t.indices, y.sort()[0],
                    torch.argsort(ids, descending=True), torch.sort(y, stable=True, dim=1)[0], ids.sort(0)[0])

    class EdgePadding(nn.Module):
        """Reflect and replicate padding: modules and F.pad."""
        def __init__(self):
            super().__init__()
            self.reflect, self.replicate = nn.ReflectionPad2d((1, 2, 2, 1)), nn.ReplicationPad2d(2)
            self.conv = nn.Conv2d(3, 3, 3)

        def forward(self, x):
            y = self.replicate(self.conv(self.reflect(x)))[:, :, :6, :6]
            z = F.pad(x, (2, 1, 1, 0), mode="reflect")[:, :, :6, :6]
            return y + F.pad(x, (1, 1, 1, 1), mode="replicate")[:, :, :6, :6] + z * 2.0

    class ConvPaddingModes(nn.Module):
        """Convolutions padding from their input's edges (padding_mode reflect, replicate,
        circular; 1-D, 2-D and 3-D, 'same' too), circular F.pad and the 3-D padding modules."""
        def __init__(self):
            super().__init__()
            self.circ = nn.Conv2d(3, 4, 3, padding=(1, 2), dilation=(1, 2), padding_mode="circular")
            self.refl = nn.Conv2d(4, 3, (3, 5), padding="same", padding_mode="reflect")
            self.rep1d = nn.Conv1d(3, 3, 3, padding=2, stride=2, padding_mode="replicate")
            self.circ3d = nn.Conv3d(3, 2, 3, padding=1, padding_mode="circular")
            self.rep3d = nn.Conv3d(2, 2, 3, padding=(1, 1, 2), padding_mode="replicate")
            self.refl3d = nn.Conv3d(2, 2, 3, padding=1, padding_mode="reflect")
            self.pad3d = nn.ReflectionPad3d((1, 0, 2, 1, 0, 1))
            # Replicate padding wider than the dim (depth 1 padded by 2): no limit in torch.
            self.wide = nn.Conv3d(3, 2, (1, 3, 3), padding=(2, 1, 1), padding_mode="replicate")

        def forward(self, x):
            y = self.refl(self.circ(x))
            z = self.rep1d(x[:, :, 0])
            w = self.circ3d(x.unsqueeze(2).repeat(1, 1, 3, 1, 1))
            v = self.pad3d(self.refl3d(self.rep3d(w)))
            u = self.wide(x.unsqueeze(2))
            return y + F.pad(input=x, pad=(2, 1, 0, 3), mode="circular")[:, :, :5, :6], z, v, u

    class Bilinear(nn.Module):
        """(Bi)linear upsampling by integer factors, align_corners=False: module, size, scales."""
        def __init__(self):
            super().__init__()
            self.up = nn.Upsample(scale_factor=2, mode="bilinear")
            self.conv = nn.Conv2d(3, 3, 1)

        def forward(self, x):
            return (self.up(self.conv(x)) + F.interpolate(x, size=(8, 18), mode="bilinear")[..., :12]
                    + F.interpolate(x, scale_factor=(2, 4), mode="bilinear")[..., :12])

    class UNetBits(nn.Module):
        """InstanceNorm2d, nearest upsampling (module, scale and size), group norm as a
        function and a module, skip concatenation, padding, repeat."""
        def __init__(self):
            super().__init__()
            self.down = nn.Conv2d(3, 8, 3, stride=2, padding=1)
            self.inorm = nn.InstanceNorm2d(8, affine=True)
            self.up = nn.Upsample(scale_factor=2)
            self.norm = nn.GroupNorm(11, 11)

        def forward(self, x):
            z = torch.cat([self.up(self.inorm(self.down(x))), x], 1)
            z = F.group_norm(z, 1) + F.interpolate(z[:, :, ::2, ::2], size=(8, 8)) + self.norm(z)
            return F.pad(z, (1, 1, 2, 0)) + x[:, :1, :1, :1].repeat(1, 11, 10, 10)

    class Resampling(nn.Module):
        """Interpolation by any ratio: align_corners, sizes that are not multiples, fractional scale
        factors (torch then uses 1 / factor, not in / out: 5 * 1.5 gives 7 positions 2/3 apart)."""
        def __init__(self, exact=True):  # torch 1.13 cannot export nearest-exact to ONNX
            super().__init__()
            self.up = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=True)
            self.exact = exact

        def forward(self, x):
            ys = (self.up(x), F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True),
                  F.interpolate(x, size=(8, 4)), F.interpolate(x, scale_factor=1.5),
                  F.interpolate(x, size=(7, 9), mode="bilinear"), F.interpolate(x, scale_factor=(1.5, 0.5),
                                                                                mode="bilinear"))
            return ys + (F.interpolate(x, size=(3, 9), mode="nearest-exact"),) if self.exact else ys

    class Pool1dPReLUArgMax(nn.Module):
        """1-D max / average / adaptive pooling (modules and functions), PReLU (per channel and one
        slope), argmax / argmin (function and method, keepdim, no dim) as i64."""
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv1d(3, 4, 3)
            self.act, self.act1 = nn.PReLU(4), nn.PReLU()
            self.maxpool, self.avgpool = nn.MaxPool1d(3, 2, 1, ceil_mode=True), nn.AvgPool1d(2, padding=1)
            self.adaptive = nn.AdaptiveAvgPool1d(2)

        def forward(self, x):
            y = self.act1(self.act(self.conv(x)))
            a = self.adaptive(self.avgpool(self.maxpool(y)))
            b = F.adaptive_avg_pool1d(F.avg_pool1d(F.max_pool1d(y, 2, 2), 2), 2) + F.prelu(a, self.act1.weight)
            return a + b, y.argmax(1), torch.argmin(y, -1, keepdim=True), torch.argmax(y)

    class Conv3dSubclass(nn.Conv3d):
        """As torchvision's video Conv3DSimple: not a torch.nn leaf, so fx traces into its
        forward and sees F.conv3d."""

    class Video3d(nn.Module):
        """3-D conv (strided, padded, with bias; depthwise and dilated; grouped), BatchNorm3d and
        3-D pooling (max with padding and ceil_mode, avg with padding, adaptive with a None
        size, and their functions). `same=False` spells the depthwise padding out, as
        torch.onnx 1.13 cannot export padding="same"."""
        def __init__(self, same=True):
            super().__init__()
            self.conv = nn.Conv3d(4, 8, 3, stride=(1, 2, 2), padding=1)
            self.bn = nn.BatchNorm3d(8)
            self.dw = nn.Conv3d(8, 8, 3, padding="same" if same else (1, 2, 1), dilation=(1, 2, 1), groups=8,
                                bias=False)
            self.grouped = Conv3dSubclass(8, 4, (1, 3, 3), padding=(0, 1, 1), groups=2)
            self.maxpool = nn.MaxPool3d(3, stride=2, padding=1, ceil_mode=True)
            self.avgpool = nn.AvgPool3d((1, 2, 2), padding=(0, 1, 1))
            self.adaptive = nn.AdaptiveAvgPool3d((1, None, 1))

        def forward(self, x):
            y = self.grouped(self.dw(F.relu(self.bn(self.conv(x)))))
            z = F.max_pool3d(y, 2, 1)
            return self.adaptive(self.avgpool(self.maxpool(y))), F.adaptive_avg_pool3d(z, 1)


if support.HAVE_TORCH:
    class AvgPools(nn.Module):
        """Average pooling whose divisor differs between windows: padding not counted, ceil_mode's
        last windows past the padding (counted up to the padding's end, or only inside the input), in
        1-D, 2-D and 3-D, modules and functions; with `torch_only`, divisor_override (torch.onnx 1.13
        cannot export it) and a ceil_mode window that would start in the padding, dropped (onnx 1.12's
        shape inference keeps it)."""
        def __init__(self, torch_only=True):
            super().__init__()
            self.torch_only = torch_only
            self.excl = nn.AvgPool2d(3, 2, 1, count_include_pad=False)
            self.ceil = nn.AvgPool2d(3, 2, 1, ceil_mode=True)
            self.ceil_excl = nn.AvgPool2d((3, 2), (2, 3), (1, 1), ceil_mode=True, count_include_pad=False)
            self.pool1d = nn.AvgPool1d(3, 2, 1, ceil_mode=True, count_include_pad=False)
            self.pool3d = nn.AvgPool3d((1, 3, 3), 2, (0, 1, 1), ceil_mode=True, count_include_pad=False)

        def forward(self, x):
            ys = (self.excl(x), self.ceil(x), self.ceil_excl(x), self.pool1d(x.flatten(2)),
                  self.pool3d(x.unsqueeze(2)), F.avg_pool2d(x[..., :8], 2, 2, 1, ceil_mode=True, count_include_pad=False),
                  F.avg_pool1d(x.mean(2), 2, 2, ceil_mode=True))
            if self.torch_only:
                ys += (F.avg_pool2d(x, 3, 2, 1, divisor_override=5),
                       F.avg_pool2d(x, 2, 2, 1, ceil_mode=True, count_include_pad=False))  # 9 wide: 5 windows, not 6
            return ys

    class LocalResponseNorms(nn.Module):
        """nn.LocalResponseNorm of an odd and an even size (torch's window: size // 2 channels before,
        the rest after) and F.local_response_norm on 3-D and 5-D inputs; alphas large enough that a
        window off by one channel shows."""
        def __init__(self):
            super().__init__()
            self.lrn, self.even = nn.LocalResponseNorm(5, 0.3, 0.75, 2.0), nn.LocalResponseNorm(4, 0.5)

        def forward(self, x):
            return (self.lrn(x), self.even(x), F.local_response_norm(x.flatten(2), 3, 0.5, 0.6, 1.5),
                    F.local_response_norm(x.unsqueeze(2), 2, alpha=0.4))

    class Rnn(nn.Module):
        """nn.RNN (tanh or relu, layers, bidirectional, batch_first as given): its output and final
        state, the module's tuple unpacked (which stops fx)."""
        def __init__(self, **kw):
            super().__init__()
            self.rnn = nn.RNN(4, 6, **kw)

        def forward(self, x):
            y, h = self.rnn(x)
            return y, h


@support.needs_torch
class OpTranslationTest(unittest.TestCase):
    def check(self, module, inputs, expect=(), numeric=True, atol=1e-4, trace="auto"):
        module = _randomize(module)
        r = import_module(module, inputs, trace=trace)
        for s in expect:
            self.assertIn(s, r.text)
        support.mlir_opt(self, r.text)
        bn = sum(m.running_mean.numel() * 2 for m in module.modules()
                 if isinstance(m, nn.modules.batchnorm._BatchNorm))
        self.assertEqual(r.resource_elements, r.parameter_count + bn)
        self.assertEqual(r.kept_buffer_count, bn)
        self.assertNotIn("num_batches_tracked", r.text)
        if numeric:
            ri = import_module(module, inputs, inline_weights=True, trace=trace)
            with torch.no_grad():
                ref = module(*inputs)
            refs = ref if isinstance(ref, tuple) else (ref,)
            support.run_numeric(self, ri.text, [i.numpy() for i in inputs], [t.numpy() for t in refs], atol=atol)
        return r

    def test_slice_that_drops_one_unit_dim_and_keeps_another(self):
        """x[:, :, 0] of a 1x2x8x9 tensor keeps the batch's unit dim: emitted as a full-rank slice and
        a collapse_shape, since upstream's memref lowering of the rank-reducing slice dropped the wrong
        unit dim (mlir-opt 22 failed, or computed wrong values)."""

        class Pick(nn.Module):
            def forward(self, x):
                return x[:, :, 0] * 2 + x[:, :, 1]

        for trace in ("fx", "aten"):
            self.check(Pick(), [torch.randn(1, 2, 8, 9)], ["tensor.collapse_shape"], trace=trace)

    def test_dead_code_is_not_imported(self):
        """What no result needs (`_ = self.unused(x)`) is dropped on both routes, so its weights
        are not placed; a write in place whose result nothing reads is kept on fx."""

        class Leftover(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc, self.unused = nn.Linear(16, 4), nn.Linear(16, 256)

            def forward(self, x):
                _ = torch.relu(self.unused(x))
                return self.fc(x)

        x = torch.randn(1, 16)
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = import_module(Leftover().eval(), [x], trace=trace)
                support.mlir_opt(self, r.text)
                self.assertEqual(r.resource_elements, 16 * 4 + 4)
                self.assertEqual(r.text.count("linalg.matmul"), 1)

    def test_forward_hooks_are_in_the_graph(self):
        """torch.fx calls forward, not the module, so a forward hook that changes a module's
        output would be left out: the fx route refuses such a module, naming it, and the aten
        route (trace=auto) imports the hook with torch's numbers. weight_norm's pre-hook, which
        only recomputes .weight, stays on the fx route."""

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1, self.fc2 = nn.Linear(16, 32), nn.Linear(32, 8)

            def forward(self, x):
                return self.fc2(torch.relu(self.fc1(x)))

        m = Net().eval()
        m.fc1.register_forward_hook(lambda mod, inputs, out: out * 2.0)
        x = torch.randn(1, 16)
        with self.assertRaisesRegex(UnsupportedError, "module 'fc1' \\(Linear\\) has a forward hook"):
            import_module(m, [x], trace="fx")
        r = self.check(m, [x])
        self.assertEqual(r.route, "aten")
        normed = Net().eval()
        nn.utils.weight_norm(normed.fc1)
        self.assertEqual(import_module(normed, [x]).route, "fx")

    def test_conv_padding_bias_stride_dilation(self):
        m = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=2, dilation=2),
                          nn.Conv2d(8, 4, (1, 3), stride=(2, 1), bias=False))
        r = self.check(m, [torch.randn(1, 3, 15, 15)],
                       ["tensor.pad", "linalg.conv_2d_nchw_fchw {dilations = dense<2> : vector<2xi64>, "
                        "strides = dense<2> : vector<2xi64>}", "strides = dense<[2, 1]> : vector<2xi64>",
                        "dense_resource<w_0_weight> : tensor<8x3x3x3xf32>", "dense_resource<w_0_bias>"])
        self.assertEqual(r.text.count("tensor.pad"), 1)

    def test_more_activations_and_log_softmax(self):
        """LeakyReLU, ELU, Softplus, Mish, abs, log and log_softmax, as modules, functions and
        methods, on both routes, with torch's numbers (log_softmax stays finite where
        log(softmax) would underflow: inputs up to ~500 apart)."""
        m = Activations()
        x = torch.randn(2, 16)
        for trace in ("fx", "aten"):
            r = import_module(_randomize(m), x, trace=trace, inline_weights=True)
            self.assertEqual(r.route, trace)
            support.mlir_opt(self, r.text)
            for op in ("math.log1p", "math.absf", "math.log "):
                self.assertIn(op, r.text)
            with torch.no_grad():
                ref = m(x)
            self.assertTrue(bool(torch.isfinite(ref).all()))
            support.run_numeric(self, r.text, [x.numpy()], [ref.numpy()], atol=2e-3, rtol=1e-5)

    def test_softmax_without_dim_takes_torchs_implicit_dim(self):
        """nn.Softmax() / nn.LogSoftmax() / F.softmax(x) / F.log_softmax(x) without a dim reduce over
        torch's legacy implicit dim (0 for a 1-D or 3-D input, else 1: the classes of an N x C x H x W
        segmentation output), not the last: the fx route was 1.37 off torch on a legacy segmentation
        head, and F.softmax(x) an internal TypeError (outside tester s44)."""
        import warnings

        class NoDim(nn.Module):
            def __init__(self):
                super().__init__()
                self.sm, self.lsm = nn.Softmax(), nn.LogSoftmax()

            def forward(self, x1, x2, x3, x4):
                return (self.sm(x1), self.lsm(x2), self.sm(x3), self.lsm(x4), F.softmax(x3), F.log_softmax(x4),
                        F.softmax(x2), self.sm(x4))

        inputs = [torch.randn(5), torch.randn(3, 5), torch.randn(2, 3, 4), torch.randn(2, 3, 4, 5)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's "Implicit dimension choice ... has been deprecated"
            for trace in ("fx", "aten"):
                with self.subTest(trace=trace):
                    r = self.check(NoDim(), inputs, trace=trace)
                    self.assertEqual(r.route, trace)

    def test_rounding_sign_selu_celu_shrink_logsigmoid_softsign_and_glu(self):
        """On both routes, equal to torch: round is half to even (math.roundeven), sign is 0 at 0,
        SELU / CELU are elu's generic with a scale / input scale, GLU two slices and one generic."""
        m = Rounding()
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(m, [ROUNDING_INPUT], trace=trace, expect=[
                    "math.floor", "math.ceil", "math.roundeven", "math.trunc", "math.log1p", "tensor.extract_slice"])
                self.assertEqual(r.route, trace)

    def test_sin_and_cos(self):
        """torch.sin/torch.cos and the .sin()/.cos() methods on run-time data, on both routes,
        as math.sin / math.cos generics, with torch's numbers."""
        torch.manual_seed(0)
        m, inputs = Sinusoidal().eval(), [torch.tensor([37.0]), torch.randn(1, 16) * 3]
        with torch.no_grad():
            ref = m(*inputs)
        for trace in ("fx", "aten"):
            r = import_module(m, inputs, trace=trace, inline_weights=True)
            self.assertEqual(r.route, trace)
            self.assertEqual(r.text.count("math.sin "), 2)
            self.assertEqual(r.text.count("math.cos "), 2)
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [i.numpy() for i in inputs], [ref.numpy()])

    def test_repeat_interleave_by_an_integer(self):
        """repeat_interleave with an integer count, as grouped-query attention repeats K/V heads:
        unsqueeze + expand + reshape on both routes, with torch's numbers. A tensor of repeats
        (an output shape that depends on data) is an error that says so."""
        torch.manual_seed(0)
        m, x = GroupedKV().eval(), torch.randn(1, 4, 16)
        with torch.no_grad():
            ref = m(x)
        for trace in ("fx", "aten"):
            r = import_module(m, x, trace=trace, inline_weights=True)
            self.assertEqual(r.route, trace)
            self.assertIn("tensor<1x2x1x4x4xf32>", r.text)  # the unsqueezed heads, expanded
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])

        class TensorRepeats(nn.Module):
            def forward(self, x, counts):
                return x.repeat_interleave(counts, dim=1)

        inputs = [torch.randn(1, 3), torch.tensor([1, 2, 1])]
        for trace, message in (("fx", "fx node 'repeat_interleave' .*: repeat_interleave with a tensor of repeats "
                                      "is not supported \\(its output shape depends on the tensor's values\\)"),
                               ("aten", "the output shape of aten.repeat_interleave.Tensor depends on tensor values "
                                        "\\(repeat_interleave with a tensor of repeats")):
            with self.assertRaisesRegex(UnsupportedError, message):
                import_module(TensorRepeats(), inputs, trace=trace)

        # Zero repeats (an empty tensor) and a dim the tensor does not have are errors on
        # both routes, not a crash or a silently wrapped dim; input= by keyword works.
        class Repeats(nn.Module):
            def __init__(self, repeats, dim):
                super().__init__()
                self.repeats, self.dim = repeats, dim

            def forward(self, x):
                return torch.cat([x, torch.repeat_interleave(input=x, repeats=self.repeats, dim=self.dim)], dim=1)

        x = torch.randn(2, 3)
        for trace in ("fx", "aten"):
            for repeats, dim, message in ((0, 1, "repeat_interleave with 0 repeats"),
                                          (2, 5, "Dimension out of range|repeat_interleave along dim 5 of a "
                                                 "rank-2 tensor")):
                with self.assertRaisesRegex(UnsupportedError, message):
                    import_module(Repeats(repeats, dim), x, trace=trace)
            r = import_module(Repeats(2, 1), x, trace=trace, inline_weights=True)
            support.run_numeric(self, r.text, [x.numpy()], [Repeats(2, 1)(x).numpy()])

    def test_boolean_input_is_refused_with_the_way_around_it(self):
        """A boolean key-padding mask as a forward input: refused on both routes with the dtypes that are
        supported and how to pass a mask (it said only "input dtype torch.bool is not supported")."""
        class Masked(nn.Module):
            def forward(self, x, mask):
                return x.masked_fill(mask, 0.0)

        x, mask = torch.randn(2, 4), torch.zeros(2, 4, dtype=torch.bool)
        for trace in ("fx", "aten"):
            with self.assertRaisesRegex(UnsupportedError, r"input dtype torch.bool is not supported \(float32, "
                                        r"int64 and int32 are\) \(pass the mask as int64 .*\.bool\(\)\)"):
                import_module(Masked(), (x, mask), trace=trace)

    def test_long_reasons_are_cut_at_a_word(self):
        """The fx-to-aten note cut its reason at 200 characters, mid-identifier, before 'is not supported'."""
        from egrl_import.cli import _first_sentence
        reason = ("fx node 'f' (call_function f) in module 'features.1.0.attn' (ShiftedWindowAttentionV2): "
                  "function torchvision.models.swin_transformer._get_relative_position_bias is not supported")
        self.assertEqual(_first_sentence(reason), reason)
        long = " ".join(["word"] * 200)
        cut = _first_sentence(long)
        self.assertTrue(cut.endswith(" ...") and len(cut) <= 404, cut)
        self.assertEqual(_first_sentence("First. Second."), "First")

    def test_pixel_shuffle_and_unshuffle(self):
        """nn.PixelShuffle / nn.PixelUnshuffle and F.pixel_shuffle / F.pixel_unshuffle on both routes:
        reshape + linalg.transpose + reshape (no arithmetic), with torch's numbers."""
        torch.manual_seed(0)
        m, x = PixelShuffles().eval(), torch.randn(1, 3, 5, 5)
        with torch.no_grad():
            ref = m(x)
        for trace in ("fx", "aten"):
            r = import_module(m, x, trace=trace, inline_weights=True)
            self.assertEqual(r.route, trace)
            self.assertEqual(r.text.count("permutation = [0, 1, 4, 2, 5, 3]"), 2)  # shuffles
            self.assertEqual(r.text.count("permutation = [0, 1, 3, 5, 2, 4]"), 2)  # unshuffles
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])

    def test_cumsum_on_run_time_data(self):
        """cumsum of run-time f32, i64 and boolean tensors on both routes: a linalg.generic with a
        reduction dim that adds input j to output i where j <= i (linalg.index compared), with
        torch's numbers; int64 sums for integer and boolean inputs, as torch gives."""
        torch.manual_seed(0)
        m = CumulativeSums().eval()
        inputs = [torch.randn(1, 5, 7), torch.tensor([[1, 1, 0, 1, 0, 0, 1]]),
                  torch.tensor([[1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 0.0]])]
        with torch.no_grad():
            ref = m(*inputs)
        for trace in ("fx", "aten"):
            r = import_module(m, inputs, trace=trace, inline_weights=True)
            self.assertEqual(r.route, trace)
            self.assertEqual(r.text.count("arith.cmpi ule"), 5)
            self.assertIn("arith.addi", r.text)  # the integer sums
            self.assertIn('iterator_types = ["parallel", "parallel", "reduction"]', r.text)
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [i.numpy() for i in inputs], [t.numpy() for t in ref])

        class FromIds(nn.Module):  # position ids from token ids: a boolean mask's cumsum is int64
            def __init__(self):
                super().__init__()
                self.pos = nn.Embedding(8, 4)

            def forward(self, ids):
                mask = ids != 0
                return self.pos(torch.cumsum(mask, 1) * mask.long() + 1)

        m, ids = FromIds().eval(), torch.tensor([[5, 3, 0, 9, 0, 2]])
        r = import_module(m, ids, trace="aten", inline_weights=True)
        self.assertIn("arith.extui", r.text)
        with torch.no_grad():
            support.run_numeric(self, r.text, [ids.numpy()], [m(ids).numpy()])

    def test_complex_rotary_embeddings(self):
        """view_as_complex / view_as_real, complex products (run-time by a complex64 buffer sliced and
        viewed, run-time by run-time, by a real tensor and a number), complex sums and views, on both
        routes as real tensors with a trailing (real, imag) dim: the buffer is a weight of that shape.
        Other ops on complex tensors, and a complex result, are errors naming the node."""
        class Rotary(nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer("freqs_cis", precompute_freqs_cis(8, 16), persistent=False)

            def forward(self, x):
                c = torch.view_as_complex(x.float().reshape(1, 6, 2, 4, 2))
                rotated = c * self.freqs_cis[:6].view(1, 6, 1, 4)
                mixed = (rotated + c * c - c * x[..., ::2] * 0.5).view(1, 6, 8)
                return torch.view_as_real(rotated).flatten(3).type_as(x), torch.view_as_real(mixed)

        torch.manual_seed(0)
        m, x = Rotary().eval(), torch.randn(1, 6, 2, 8)
        with torch.no_grad():
            ref = m(x)
        for trace in ("fx", "aten"):
            r = import_module(m, x, trace=trace, inline_weights=True)
            self.assertEqual(r.route, trace)
            self.assertEqual(list(r.resources.values()), [(1, 6, 1, 4, 2)])  # freqs_cis[:6] as pairs
            self.assertEqual(r.kept_buffer_count, 48)
            self.assertNotIn("complex", r.text)
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])

        class Unsupported(nn.Module):
            def __init__(self, what):
                super().__init__()
                self.what = what

            def forward(self, x):
                c = torch.view_as_complex(x.reshape(1, 6, 2, 4, 2))
                if self.what == "abs":
                    return torch.abs(c)
                if self.what == "exp":
                    return torch.view_as_real(c.exp())
                if self.what == "sub":
                    return torch.view_as_real(c - 1.0)
                return c * c

        x = torch.randn(1, 6, 2, 8)
        for what, messages in (
                ("abs", {"fx": "(call_function abs): complex tensors are not supported by this op",
                         "aten": "(call_function aten.abs.default): complex tensors are not "
                                 "supported by this op (complex: view_as_complex, view_as_real, "}),
                ("exp", {"fx": "fx node 'exp' (call_method exp): tensor method 'exp' of a complex tensor is not",
                         "aten": "aten node 'exp' (call_function aten.exp.default): complex tensors are not"}),
                ("sub", {"fx": "fx node 'sub' (call_function sub): 'sub' of a complex and a real operand is not",
                         "aten": "aten node 'sub' (call_function aten.sub.Tensor): 'sub' of a complex and a real"}),
                ("result", {"fx": "a complex result is not supported (return torch.view_as_real of it)",
                            "aten": "a complex result is not supported"})):
            for trace, message in messages.items():
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(Unsupported(what), x, trace=trace)
                self.assertIn(message, str(cm.exception))
        # torch.onnx cannot export complex ops: the --trace onnx route says so in one line.
        from egrl_import import cli
        with tempfile.TemporaryDirectory() as d, self.assertRaises(UnsupportedError) as cm:
            cli._export_onnx(m, [x], 17, os.path.join(d, "m.onnx"))
        self.assertIn("torch.onnx.export failed: UnsupportedOperatorError: Exporting the operator "
                      "'aten::view_as_complex' to ONNX opset version 17 is not supported", str(cm.exception))
        self.assertNotIn("\n", str(cm.exception))

    def test_llama_block_with_complex_rope(self):
        """A Meta-style LLaMA block (RMSNorm, attention with complex rotary embeddings, SwiGLU) with
        random weights imports end to end on both routes and equals torch; Meta's own
        apply_rotary_emb (shape unpacking: `*xq.shape[:-1]`) fails in torch.fx, and --trace auto
        takes the aten route."""
        torch.manual_seed(0)
        x = torch.randn(1, 6, 32)
        for meta, traces in ((False, ("fx", "aten")), (True, ("auto",))):
            m = LlamaBlock(meta=meta).eval()
            for p in m.parameters():
                nn.init.normal_(p, 0.0, 0.3)
            with torch.no_grad():
                ref = m(x)
            for trace in traces:
                r = import_module(m, x, trace=trace, inline_weights=True)
                self.assertEqual(r.route, "aten" if meta else trace)
                self.assertEqual(r.parameter_count, 4 * 32 * 32 + 3 * 96 * 32 + 2 * 32)
                self.assertEqual(r.resource_elements, r.parameter_count + r.kept_buffer_count)
                self.assertEqual(r.kept_buffer_count, 36 + 6 * 4 * 2)  # the mask, freqs_cis[:6] as pairs
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [x.numpy()], [ref.numpy()], atol=2e-4)
            if meta:
                self.assertIn("torch.fx cannot trace LlamaBlock", r.fallback_reason)

    def test_pow_as_method_function_and_operator(self):
        """x.pow(2) (python/README.md lists pow among the methods), torch.pow with the exponent by
        keyword, and **, on both routes, with torch's numbers."""
        class Powers(nn.Module):
            def forward(self, x):
                return x.pow(2) + x.abs().pow(0.5) + torch.pow(x, exponent=3) - x ** 2

        m, x = Powers(), torch.randn(2, 8)
        for trace in ("fx", "aten"):
            r = import_module(m, x, trace=trace, inline_weights=True)
            self.assertEqual(r.route, trace)
            self.assertEqual(r.text.count("math.powf"), 4)
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [x.numpy()], [m(x).numpy()])

    def test_clamp_with_tensor_bounds(self):
        """clamp / clip / clamp_min / clamp_max with tensor bounds (run-time inputs, a 0-d run-time
        tensor, buffers, a bound larger than x that broadcasts the result as torch does) on both
        routes: element-wise maximum then minimum, with torch's numbers. torch.clamp(x, min=lo)
        once crashed the fx route with a Python TypeError, so the aten route never ran."""
        class Clamps(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(8, 8)
                self.register_buffer("floor", torch.linspace(-0.5, 0.0, 8))
                self.register_buffer("big", torch.randn(3, 8) * 0.3)

            def forward(self, x, lo, s):
                y = self.lin(x)
                return (torch.clamp(y, min=lo), torch.clamp(y, max=lo + 1.0), torch.clip(y, lo, lo + 0.5),
                        y.clamp(min=lo), y.clamp_min(self.floor), y.clamp_max(s), torch.clamp_min(y, s),
                        torch.clamp_max(y, 0.1), torch.clamp(y[:1], min=self.big), torch.clamp(y, -0.2, 0.2))

        torch.manual_seed(0)
        m = Clamps().eval()
        inputs = [torch.randn(2, 8), torch.randn(1, 8) * 0.3, torch.tensor(0.05)]
        with torch.no_grad():
            ref = m(*inputs)
        self.assertEqual(tuple(ref[8].shape), (3, 8))
        for trace in ("fx", "aten", "auto"):
            r = import_module(m, inputs, trace=trace, inline_weights=True)
            self.assertEqual(r.route, "aten" if trace == "aten" else "fx")
            self.assertEqual(r.text.count("arith.maximumf"), 7)
            self.assertEqual(r.text.count("arith.minimumf"), 5)
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [i.numpy() for i in inputs], [t.numpy() for t in ref])

    def test_integer_sums(self):
        """sum of i64 (and boolean) tensors, with and without keepdim, amax / amin / max over a dim
        of i64 tensors, and sum(dtype=float32): integer reductions (arith.addi, maxsi, minsi), with
        torch's numbers. They once failed with "internal error: lowered dtype f32 != traced dtype
        torch.int64"; the mean of an i64 tensor (ONNX ReduceMean allows one) is refused by name."""
        class IntSums(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(8, 8)

            def forward(self, x, ids):
                return (self.lin(x) + ids.sum(dim=1, keepdim=True).float(), ids.sum().float(),
                        (ids > 0).sum(-1).float(), ids.amax(1).float(), ids.amin(0).float(),
                        torch.max(ids, 1)[0].float(), ids.sum(1, dtype=torch.float32))

        torch.manual_seed(0)
        m = IntSums().eval()
        inputs = [torch.randn(2, 8), torch.randint(-5, 5, (2, 8))]
        with torch.no_grad():
            ref = m(*inputs)
        for trace in ("aten", "auto"):  # fx has no sum
            r = import_module(m, inputs, trace=trace, inline_weights=True)
            self.assertEqual(r.route, "aten")
            self.assertEqual(r.text.count("arith.addi"), 3)
            self.assertEqual(r.text.count("arith.maxsi"), 2)
            self.assertEqual(r.text.count("arith.minsi"), 1)
            self.assertIn("arith.constant -9223372036854775808 : i64", r.text)  # amax's initial value
            support.mlir_opt(self, r.text)
            support.run_numeric(self, r.text, [i.numpy() for i in inputs], [t.numpy() for t in ref])
        from egrl_import.mlir import Emitter
        em = Emitter()
        with self.assertRaisesRegex(UnsupportedError, "^'mean' reduction of i64 tensors is not supported "
                                                      "\\(f32; sum, prod, max and min of i64; max and min of i32\\)$"):
            em.reduce(em.new_arg(0, (2, 3), "i64"), [1], "mean")

    def test_conv1d_norms_upsampling_and_padding(self):
        """Sequence, UNet and decoder building blocks (transposed convolutions, edge padding,
        bilinear upsampling) on both routes, with torch's numbers; bicubic, align_corners and
        fractional resizing are refused by name."""
        cases = ((Sequence1d(), torch.randn(1, 4, 20)), (UNetBits(), torch.randn(1, 3, 8, 8)),
                 (Decoder(), torch.randn(1, 8, 5, 6)), (EdgePadding(), torch.randn(1, 3, 5, 6)),
                 (ConvPaddingModes(), torch.randn(1, 3, 5, 6)), (Bilinear(), torch.randn(1, 3, 4, 6)))
        for trace in ("fx", "aten"):
            for m, x in cases:
                torch.manual_seed(0)
                for p in m.parameters():
                    nn.init.normal_(p, 0.0, 0.5)
                r = import_module(m.eval(), x, trace=trace, inline_weights=True)
                self.assertEqual(r.route, trace)
                support.mlir_opt(self, r.text)
                with torch.no_grad():
                    ref = m(x)
                ref = ref if isinstance(ref, tuple) else (ref,)
                support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])
                if isinstance(m, ConvPaddingModes):
                    # Edge padding is one concatenation of slices per padded dim on both routes:
                    # ATen's circular padding writes copy_ into slices of an uninitialized
                    # tensor, which imported as five full-size nodes per pad.
                    self.assertNotIn("tensor.insert_slice", r.text)
                    self.assertEqual(r.text.count("tensor.concat"), 22, trace)

        class Resize(nn.Module):
            def __init__(self, **kw):
                super().__init__()
                self.kw = kw

            def forward(self, x):
                return F.interpolate(x, **self.kw)

        for kw, messages in (({"scale_factor": 2, "mode": "bicubic"}, ("mode 'bicubic' is not supported",) * 2),
                             ({"scale_factor": 2, "mode": "bilinear", "antialias": True},
                              ("bilinear interpolation with antialias=True is not supported",
                               "_upsample_bilinear2d_aa.* ATen op is not supported"))):
            for trace, message in zip(("fx", "aten"), messages):
                with self.assertRaisesRegex(UnsupportedError, message):
                    import_module(Resize(**kw), torch.randn(1, 2, 4, 4), trace=trace)

    def test_sliding_windows_import_as_strided_slices(self):
        """Tensor.unfold (framing a sequence) and F.unfold (im2col) import on the aten route
        (--trace auto falls back to it) as one strided slice per window position and a
        concatenation, equal to torch for negative dims, steps longer than the window, dilation,
        padding, stride and an unbatched image; --trace onnx equals torch too, where torch
        1.13's own export of Tensor.unfold along a negative dim swaps the windows' axes."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class Windows(nn.Module):
            def __init__(self):
                super().__init__()
                self.frame = nn.Linear(4, 3)
                self.patch = nn.Linear(2 * 6, 5)
                self.unbatched = True

            def forward(self, x, s):
                frames = self.frame(s.unfold(-1, 4, 2))
                sparse = s.unfold(2, 4, 5) + s.unfold(0, 2, 1).transpose(-1, -2)[..., :4].narrow(2, 0, 2)
                cols = F.unfold(x, (2, 3), dilation=(2, 1), padding=(1, 0), stride=(1, 2))
                unbatched = (F.unfold(x[0], 2, stride=2) * 2.0,) if self.unbatched else ()
                return (frames, sparse, self.patch(cols.transpose(1, 2))) + unbatched

        torch.manual_seed(0)
        m = Windows().eval()
        inputs = [torch.randn(1, 2, 5, 7), torch.randn(2, 3, 13)]
        with torch.no_grad():
            ref = [t.numpy() for t in m(*inputs)]
        r = import_module(m, inputs, trace="auto", inline_weights=True)
        self.assertEqual(r.route, "aten")
        self.assertNotIn("im2col", r.text)
        support.run_numeric(self, r.text, [i.numpy() for i in inputs], ref)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, inputs, 17, path)
            # torch 1.13 exports F.unfold of an unbatched image as reading a 4th dim it lacks.
            with self.assertRaisesRegex(UnsupportedError, "op type Gather.*index 3 is out of range for axis 0 "
                                                          "of size 3$"):
                import_onnx(onnx.load(path))
            m.unbatched = False
            cli._export_onnx(m, inputs, 17, path)
            o = import_onnx(onnx.load(path), inline_weights=True)
        support.run_numeric(self, o.text, [i.numpy() for i in inputs], ref[:3])
        self.assertFalse("unfold" in torch.Tensor.__dict__)  # the export's replacement is undone
        with self.assertRaisesRegex(UnsupportedError, "tensor method .unfold. is not supported"):
            import_module(m, inputs, trace="fx")

    def test_one_hot_imports_as_a_comparison(self):
        """F.one_hot with num_classes imports on the aten route (ATen's one_hot reads the largest id,
        which make_fx cannot trace) and ONNX OneHot on the onnx route (any axis, its values and their
        element type, negative ids counted from the end as the spec says), equal to torch; without
        num_classes the shape depends on the ids: refused with what to give."""
        import numpy as np
        import onnx
        from onnx import helper

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class Tokens(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(7, 3)

            def forward(self, ids):
                return self.fc(F.one_hot(ids, 7).float()), F.one_hot(ids[0], num_classes=9) * 2

        torch.manual_seed(0)
        m, ids = Tokens().eval(), torch.tensor([[0, 6, 3, 3], [1, 2, 5, 4]])
        with torch.no_grad():
            ref = [t.numpy() for t in m(ids)]
        r = import_module(m, [ids], trace="auto", inline_weights=True)
        self.assertEqual(r.route, "aten")
        support.run_numeric(self, r.text, [ids.numpy()], ref)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, [ids], 17, path)
            self.assertIn("OneHot", [n.op_type for n in onnx.load(path).graph.node])
            o = import_onnx(onnx.load(path), inline_weights=True)
        support.run_numeric(self, o.text, [ids.numpy()], ref)

        class Unsized(nn.Module):
            def forward(self, ids):
                return F.one_hot(ids)

        with self.assertRaisesRegex(UnsupportedError, "F.one_hot without num_classes .* give num_classes"):
            import_module(Unsized(), [ids], trace="aten")

        # ONNX's own form: axis 1, float values (off -1, on 5), ids -4..3 of depth 4 (negative wrap).
        node = helper.make_node("OneHot", ["ids", "depth", "values"], ["y"], axis=1)
        graph = helper.make_graph(
            [node], "g", [helper.make_tensor_value_info("ids", onnx.TensorProto.INT64, [2, 4])],
            [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2, 4, 4])],
            [helper.make_tensor("depth", onnx.TensorProto.INT64, [], [4]),
             helper.make_tensor("values", onnx.TensorProto.FLOAT, [2], [-1.0, 5.0])])
        ids = np.array([[-4, -1, 0, 3], [2, -3, 1, 1]], np.int64)
        expected = np.full((2, 4, 4), -1.0, np.float32)
        for b in range(2):
            for j in range(4):
                expected[b, ids[b, j] % 4, j] = 5.0
        o = import_onnx(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), inline_weights=True)
        support.run_numeric(self, o.text, [ids], [expected])
        # INT32 values (ONNX's test_onehot_without_axis: off 2, on 5, a float depth 12) give an INT32
        # output, as the graph declares; it was i64.
        node = helper.make_node("OneHot", ["ids", "depth", "values"], ["y"])
        graph = helper.make_graph(
            [node], "g", [helper.make_tensor_value_info("ids", onnx.TensorProto.INT64, [3])],
            [helper.make_tensor_value_info("y", onnx.TensorProto.INT32, [3, 12])],
            [helper.make_tensor("depth", onnx.TensorProto.FLOAT, [], [12.0]),
             helper.make_tensor("values", onnx.TensorProto.INT32, [2], [2, 5])])
        ids = np.array([0, 7, -1], np.int64)
        expected = np.full((3, 12), 2, np.int32)
        expected[[0, 1, 2], [0, 7, 11]] = 5
        o = import_onnx(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)]), inline_weights=True)
        self.assertIn("-> tensor<3x12xi32>", o.text)
        support.run_numeric(self, o.text, [ids], [expected])

    def test_elementwise_math_masks_and_promoted_comparisons(self):
        """log1p, expm1, isnan / isinf / isfinite (i1), addcmul / addcdiv, lerp (torch's CPU formula:
        fma on the side of weight 0.5 nearer to it), threshold (F.threshold, nn.Threshold), mask logic
        (&, |, ^, ~, torch.logical_*) and the same operators bitwise on integer tensors, and an integer
        tensor compared with a float number or tensor (promoted to f32, as torch does), equal to torch
        on the fx and the aten routes."""

        class Ops(nn.Module):
            def __init__(self):
                super().__init__()
                self.th = nn.Threshold(0.1, -2.0)

            def forward(self, x, y, w, ids):
                pad = ids != 0
                causal = torch.ones(4, 4, dtype=torch.bool).tril()
                mask = pad[:, None, :] & causal  # HF-style: (B, 1, T) & (T, T)
                mask = (mask | (ids[:, :, None] > 4)) ^ causal.logical_not()
                finite = torch.isfinite(x) & ~torch.isnan(y) | torch.isinf(x)
                tiny = w * 1e-6  # exact near 0 (Kahan's formulas), not log(1 + x) and exp(x) - 1
                return (torch.log1p(x.abs()) + torch.expm1(y * 0.1) + (torch.log1p(tiny) + torch.expm1(tiny)) * 1e6,
                        torch.addcmul(x, y, w, value=0.5) + torch.addcdiv(y, x, w.abs() + 1, value=-2) + x.addcmul(y, w),
                        torch.lerp(x, y, 0.3) + torch.lerp(x, y, 0.75) + torch.lerp(x, y, w),
                        F.threshold(x, 0.2, 5.0) + self.th(y),
                        torch.where(mask, 1.0, 0.0),
                        finite.float(),
                        torch.logical_and(ids, x[:2, :4] > 0).float() + torch.logical_or(pad, ids > 2).float()
                        + torch.logical_xor(pad, x[:2, :4]).float(),
                        (ids & 6) | (ids ^ (ids + 3)) + (~ids),
                        (ids >= 2.5).float() + (ids == 2.0).float() + (ids < x[:2, :4]).float() * 2,
                        mask.sum(-1) + torch.sum(pad))  # booleans sum as i64 (fx's sum is new too)

        torch.manual_seed(0)
        x, y, w = torch.randn(5, 4), torch.randn(5, 4), torch.randn(5, 4)
        x[0, 1], x[1, 2], y[1, 3], w[0, 0] = math.inf, -math.inf, math.nan, 0.5
        ids = torch.tensor([[0, 2, 3, 7], [5, 0, -1, 2]])
        m = Ops().eval()
        with torch.no_grad():
            ref = [t.numpy() for t in m(x, y, w, ids)]
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = import_module(m, [x, y, w, ids], trace=trace, inline_weights=True)
                support.mlir_opt(self, r.text)
                support.run_numeric(self, r.text, [x.numpy(), y.numpy(), w.numpy(), ids.numpy()], ref, atol=1e-5)
        self.assertIn("math.fma", r.text)

    def test_bilinear(self):
        """nn.Bilinear and F.bilinear (ATen's _trilinear, as two einsums; leading dims flattened) on the
        fx and aten routes; equal to torch."""

        class Pair(nn.Module):
            def __init__(self):
                super().__init__()
                self.bil = nn.Bilinear(5, 3, 4)
                self.w = nn.Parameter(torch.randn(2, 4, 3))

            def forward(self, a, b):
                return self.bil(a, b), F.bilinear(self.bil(a, b), b, self.w)

        torch.manual_seed(0)
        m, a, b = Pair().eval(), torch.randn(2, 3, 5), torch.randn(2, 3, 3)
        with torch.no_grad():
            ref = [t.numpy() for t in m(a, b)]
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = import_module(m, [a, b], trace=trace, inline_weights=True)
                support.run_numeric(self, r.text, [a.numpy(), b.numpy()], ref)

    def test_scatter(self):
        """torch.scatter / Tensor.scatter_ of a tensor (dense MoE routing: topk weights scattered into
        (tokens, experts)) or of a number, scatter_add, along either dim, src larger than the index,
        on the fx and aten routes: equal to torch. A reduce other than add is refused."""

        class Route(nn.Module):
            def __init__(self):
                super().__init__()
                self.gate = nn.Linear(8, 5)
                self.register_buffer("big", torch.randn(7, 5))  # src larger than the index

            def forward(self, x, ids):
                probs = self.gate(x).softmax(-1)
                top = probs.topk(2, dim=-1)
                topv, topi = top.values, top.indices  # (fx cannot unpack topk's result)
                w = torch.zeros_like(probs).scatter(1, topi, topv / topv.sum(-1, keepdim=True))
                hot = torch.zeros_like(probs).scatter_(1, topi, 1.0)
                cols = x[:2, :5].scatter(0, ids, self.big)  # dim 0: ids of shape (2, 5)
                added = probs.scatter_add(0, ids.repeat(3, 1), x[:, :5])
                return w, hot, cols, added

        torch.manual_seed(0)
        m, x = Route().eval(), torch.randn(6, 8)
        ids = torch.tensor([[1, 0, 1, 0, 0], [0, 1, 1, 1, 0]])
        with torch.no_grad():
            ref = [t.numpy() for t in m(x, ids)]
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = import_module(m, [x, ids], trace=trace, inline_weights=True)
                support.run_numeric(self, r.text, [x.numpy(), ids.numpy()], ref)

        class Multiply(nn.Module):
            def forward(self, x, ids):
                return x.scatter(0, ids, 2.0, reduce="multiply")

        with self.assertRaisesRegex(UnsupportedError, "scatter with reduce='multiply' is not supported"):
            import_module(Multiply(), [x[:2, :5], ids], trace="aten")

    def test_grid_sample_and_affine_grid(self):
        """Spatial transformers and flow warping (RAFT): F.affine_grid (traced as its base grid times
        theta) and F.grid_sample, bilinear or nearest, zeros or border padding, either align_corners,
        equal to torch on the aten route (auto takes it) and, for a grid computed from the image, on
        onnx (GridSample); reflection padding and bicubic sampling are refused by name."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class Transformer(nn.Module):
            def __init__(self, mode, padding, align_corners, flow=False):
                super().__init__()
                self.conv, self.loc, self.g = nn.Conv2d(3, 4, 3, padding=1), nn.Linear(4, 6), nn.Conv2d(4, 2, 1)
                self.kw = {"mode": mode, "padding_mode": padding, "align_corners": align_corners}
                self.flow = flow

            def forward(self, x):
                y = self.conv(x)
                if self.flow:  # a flow field from the image itself, RAFT-like
                    grid = torch.tanh(self.g(y)).permute(0, 2, 3, 1) * 1.2
                else:
                    theta = self.loc(y.mean((2, 3))).view(-1, 2, 3)
                    grid = F.affine_grid(theta, [x.shape[0], 4, 5, 7], align_corners=self.kw["align_corners"]) * 1.3
                return F.grid_sample(y, grid, **self.kw)

        torch.manual_seed(0)
        x = torch.randn(2, 3, 6, 8)
        for mode, padding, align_corners in (("bilinear", "zeros", False), ("bilinear", "border", True),
                                             ("nearest", "zeros", True), ("nearest", "border", False)):
            with self.subTest(mode=mode, padding=padding, align_corners=align_corners):
                m = Transformer(mode, padding, align_corners).eval()
                with torch.no_grad():
                    ref = m(x.clone()).numpy()
                r = import_module(m, [x], trace="auto", inline_weights=True)
                self.assertEqual(r.route, "aten")
                support.run_numeric(self, r.text, [x.numpy()], [ref])
                m = Transformer(mode, padding, align_corners, flow=True).eval()
                with torch.no_grad():
                    ref = m(x.clone()).numpy()
                with tempfile.TemporaryDirectory() as d:
                    path = os.path.join(d, "m.onnx")
                    cli._export_onnx(m, [x], 17, path)
                    o = import_onnx(onnx.load(path), inline_weights=True)
                support.run_numeric(self, o.text, [x.numpy()], [ref])
        for mode, padding in (("bilinear", "reflection"), ("bicubic", "zeros")):
            with self.assertRaisesRegex(UnsupportedError, f"grid_sample with mode '{mode}' and padding_mode "
                                                          f"'{padding}' is not supported"):
                import_module(Transformer(mode, padding, False).eval(), [x], trace="aten")

    def test_circular_padding_exports_to_onnx_as_meant(self):
        """torch 1.13's ONNX export of circular padding takes its slices from the wrong ends;
        --trace onnx exports the slices it means (circular_pad_by_slices), so the ONNX route equals torch."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class Circular(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="circular")

            def forward(self, x):
                return self.conv(x), F.pad(x[:, :, 0], (3, 1), mode="circular") * 2.0

        torch.manual_seed(0)
        m, x = Circular().eval(), torch.randn(1, 2, 5, 6)
        with torch.no_grad():
            ref = m(x)
        err = io.StringIO()
        with tempfile.TemporaryDirectory() as d, contextlib.redirect_stderr(err):
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, [x], 17, path)
            r = import_onnx(onnx.load(path), inline_weights=True)
        support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])
        # The slices' shape checks are the importer's, not the model's branches: no warning (each
        # circular pad was said to branch on a tensor, at aten_import.py).
        self.assertEqual(err.getvalue(), "")

        # Nor is the importer's own code reported when it does branch on a traced size.
        from egrl_import import aten_import

        class OwnBranch(nn.Module):
            def forward(self, x):
                return aten_import.im2col_by_slices(x, 2, stride=2) * 2.0

        err = io.StringIO()
        with tempfile.TemporaryDirectory() as d, contextlib.redirect_stderr(err):
            cli._export_onnx(OwnBranch(), [torch.randn(1, 2, 6, 6)], 17, os.path.join(d, "m.onnx"))
        self.assertEqual(err.getvalue(), "")

        # A pad bound before the export is not replaced: refused, not exported wrongly.
        bound_pad = F.pad

        class BoundPad(nn.Module):
            def forward(self, x):
                return bound_pad(x, (1, 2), mode="circular") * 2.0

        with tempfile.TemporaryDirectory() as d, self.assertRaises(UnsupportedError) as cm:
            cli._export_onnx(BoundPad(), [x[:, :, 0]], 17, os.path.join(d, "m.onnx"))
        self.assertIn("pads circularly through a pad bound before the export", str(cm.exception))
        self.assertIs(F.pad, torch._C._nn.pad)  # F.pad is restored

    def test_floor_division_exports_to_onnx_as_floor(self):
        """torch 1.13 exports a // b, torch.floor_divide and Tensor.floor_divide(_) as a truncating
        Div (-7 // 2 exported as -3, not -4; 1.0 off torch on integers and floats); the export
        traces them as torch.div(rounding_mode="floor"), equal to torch, and restores them after."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class FloorDivisions(nn.Module):
            def forward(self, a, b, x):
                c = a.clone()
                c //= b
                d = a.clone().floor_divide_(3)
                return (a // b, torch.floor_divide(a, b), a.floor_divide(b), a // 2, 7 // b, c, d, x // 0.7,
                        x.floor_divide(-0.4))

        m = FloorDivisions()
        a = torch.tensor([[7, -7, 7, -7, 6, -6, 0, -1, 1, -20]])
        b = torch.tensor([[2, 2, -2, -2, 3, 3, 5, 4, -4, 3]])
        inputs = [a, b, torch.tensor([[-2.9, -1.3, -0.2, 0.0, 0.4], [1.1, 1.6, 2.2, 2.95, 3.3]])]
        with torch.no_grad():
            ref = [t.numpy() for t in m(*inputs)]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, inputs, 17, path)
            r = import_onnx(onnx.load(path), inline_weights=True)
        support.run_numeric(self, r.text, [i.numpy() for i in inputs], ref, atol=0, rtol=0)
        self.assertIs(torch.floor_divide, torch._C._VariableFunctions.floor_divide)  # restored
        for name in ("floor_divide", "floor_divide_", "__ifloordiv__"):
            self.assertNotIn(name, torch.Tensor.__dict__)

    def test_chained_repeat_interleave_exports_without_a_loop(self):
        """A repeat_interleave of a repeat_interleave's result (grouped-query attention's K/V heads in
        a second layer) exported as SplitToSequence + Loop, which the ONNX importer refuses; the export
        traces an integer count as the aten route does (unsqueeze + expand + reshape), equal to torch,
        torch.repeat_interleave and the method alike; the export's replacement is undone."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class Chained(nn.Module):
            def forward(self, k):
                a = k.repeat_interleave(2, dim=1)
                b = a[:, :2].repeat_interleave(2, dim=1)
                return b * 1.5, torch.repeat_interleave(a[:, 1:], 3, -1), a.repeat_interleave(2)

        torch.manual_seed(0)
        m, k = Chained(), torch.randn(1, 2, 6, 4)
        with torch.no_grad():
            ref = [t.numpy() for t in m(k)]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, [k], 17, path)
            model = onnx.load(path)
        self.assertFalse({"Loop", "SplitToSequence"} & {n.op_type for n in model.graph.node})
        r = import_onnx(model, inline_weights=True)
        support.run_numeric(self, r.text, [k.numpy()], ref)
        self.assertIs(torch.repeat_interleave, torch._C._VariableFunctions.repeat_interleave)  # restored
        self.assertNotIn("repeat_interleave", torch.Tensor.__dict__)

    def test_export_replacements_are_undone_whatever_happens(self):
        """The export's stand-ins (unfold on a nonnegative dim, floor division by div, repeat_interleave
        by expand, circular padding) are each one aten_import.patched: the attribute is restored after
        the export, also when the model raises while it is traced; an attribute the owner had itself is
        set back, one it inherited (Tensor's methods) is deleted again."""
        from egrl_import import aten_import, cli

        class Fails(nn.Module):
            def forward(self, x):
                y = x.unfold(-1, 2, 2) // 2 + x.repeat_interleave(2, dim=0).sum()
                if torch.jit.is_tracing():  # the export's trace, not the check before it
                    raise ValueError("the model fails")
                return y

        names = ("unfold", "floor_divide", "floor_divide_", "__ifloordiv__", "repeat_interleave")
        with tempfile.TemporaryDirectory() as d, self.assertRaisesRegex(UnsupportedError, "the model fails"):
            cli._export_onnx(Fails(), [torch.randn(2, 4)], 17, os.path.join(d, "m.onnx"))
        self.assertFalse(set(names) & set(torch.Tensor.__dict__))
        self.assertIs(torch.floor_divide, torch._C._VariableFunctions.floor_divide)
        self.assertIs(torch.repeat_interleave, torch._C._VariableFunctions.repeat_interleave)

        class Owner:
            def own(self):
                return "own"

        class Heir(Owner):
            pass

        for owner, name in ((Owner, "own"), (Heir, "own")):
            with self.assertRaises(KeyError):
                with aten_import.patched(owner, name, lambda self: "patched"):
                    self.assertEqual(Heir().own(), "patched")
                    raise KeyError(name)
            self.assertEqual(Heir().own(), "own")
            self.assertEqual("own" in Heir.__dict__, False)

    def test_repeat_interleave_by_counts_exports_as_torch_does(self):
        """The export's repeat_interleave replacement passes every call but an integer count to torch
        as it was made: the one-argument form, torch.repeat_interleave(counts) (indices repeated by
        counts), failed the export with a TypeError (the replacement called torch with (counts, None,
        None)), which torch.onnx.export alone exports; a tensor of repeats by keyword, through the
        method, exports too. Equal to torch on onnx; zero repeats is refused as on fx and aten."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class Counts(nn.Module):
            def forward(self, x):
                idx = torch.repeat_interleave(torch.tensor([2, 1, 3]))
                rows = x.repeat_interleave(repeats=torch.tensor([1, 2, 1]), dim=0)
                return x[idx] * 2, rows + 1, torch.repeat_interleave(input=x, repeats=2, dim=1)

        class Zero(nn.Module):
            def forward(self, x):
                return torch.repeat_interleave(x, 0, dim=1)

        m, x = Counts(), torch.randn(3, 4)
        with torch.no_grad():
            ref = [t.numpy() for t in m(x)]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, [x], 17, path)
            r = import_onnx(onnx.load(path), inline_weights=True)
            support.run_numeric(self, r.text, [x.numpy()], ref)
            with self.assertRaisesRegex(UnsupportedError, "^repeat_interleave with 0 repeats .an empty tensor. is "
                                                          "not supported$"):
                cli._export_onnx(Zero(), [x], 17, path)
        self.assertIs(torch.repeat_interleave, torch._C._VariableFunctions.repeat_interleave)  # restored
        self.assertNotIn("repeat_interleave", torch.Tensor.__dict__)

    def test_integer_clamp_with_float_bounds_exports_as_torch_clamps(self):
        """torch 1.13 exports ids.clamp(min=0.5) of int64 ids as an INT64 Clip at 0 with an integer
        result; torch promotes the ids to float32 (0.5 for an id 0). The export now traces the clamp,
        clip, clamp_min and clamp_max functions and methods of an integer tensor with a float bound as
        the float clamp torch means (the ids cast first), so --trace onnx equals torch (it was 0.81
        off); integer bounds stay an integer Clip, and the replacements are undone."""
        import numpy as np
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class Clamps(nn.Module):
            def forward(self, ids, x):
                return (ids.clamp(min=0.5) * x, torch.clamp(ids, 0.5, 3.5) * x, ids.clip(max=2.5) + x,
                        torch.clamp_min(ids, 1.5) + x, ids.clamp_max(1.5) * x, torch.clip(input=ids, min=-0.5) + x,
                        ids.clamp(min=1.0) + x, torch.clamp_max(ids, 2.5) * x, ids.clamp(2, 3))

        torch.manual_seed(0)
        m, inputs = Clamps(), [torch.tensor([[0, 1, 2, 3, 4, -1]]), torch.randn(1, 6)]
        with torch.no_grad():
            ref = [t.numpy() for t in m(*inputs)]
        self.assertEqual(ref[-1].dtype, np.int64)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, inputs, 17, path)
            model = onnx.load(path)
        r = import_onnx(model, inline_weights=True)
        support.run_numeric(self, r.text, [t.numpy() for t in inputs], ref)
        self.assertIs(torch.clamp, torch._C._VariableFunctions.clamp)
        self.assertFalse({"clamp", "clip", "clamp_min", "clamp_max"} & set(torch.Tensor.__dict__))

    def test_floor_division_of_floats_on_the_aten_route(self):
        """a // b, torch.floor_divide and torch.div(rounding_mode="floor") of f32 tensors import on the
        aten route (and so auto) as torch computes them, exactly: they were refused ("element-wise
        'floordiv' on f32 tensors is not supported"). torch's float floor division is not floor(a / b),
        which rounds the quotient first (-7 // 0.7: torch -11, floor(a / b) -10; 2.1 // 0.7: 2, not 3):
        the quotient of a less fmod(a, b), corrected where the signs differ; inf, nan and signed
        zeros for b = 0 as torch."""
        class FloorDivision(nn.Module):
            def forward(self, x, y):
                return (x // y, torch.floor_divide(x, 0.7), torch.div(x, y, rounding_mode="floor"), 3.0 // y,
                        x // 0.0)

        m = FloorDivision()
        x = torch.tensor([[7.0, -7, 7, -7, 6, -6, 0, -1, 1, -20, 2.1, -0.0, 1e-8, -1e-8]])
        y = torch.tensor([[2.0, 2, -2, -2, 3, 3, 5, 4, -4, 3, 0.7, 3, -2, 0.0]])
        ref = [t.numpy() for t in m(x.clone(), y.clone())]
        r = import_module(m, [x, y], trace="auto")
        self.assertEqual(r.route, "aten")
        self.assertIn("arith.remf", r.text)
        support.run_numeric(self, r.text, [x.numpy(), y.numpy()], ref, atol=0, rtol=0)

    def test_promotion_of_masks_and_i32_tensors_follows_torch(self):
        """torch's promotion: a mask with an i32 tensor is i32 (refused before: "element-wise 'add' of an
        i1 tensor and an i32 tensor"), and an i32 tensor with an i64 0-dim tensor stays i32, since a 0-dim
        tensor decides only when its category is higher (it became i64: (i32 * 100000) * (ids.sum() * 5000) imported
        as 7.35e10 where torch's i32 wraps); integers and i32 stay i32, a float number makes f32, a mask with
        an i64 0-dim tensor is i64 (a higher category)."""
        import numpy as np

        class Promoted(nn.Module):
            def forward(self, x, ids):
                i32 = ids.to(torch.int32)
                mask = ids > 2
                wide = (i32 * 100000) * (ids.sum() * 5000)  # an i64 0-dim tensor: i32
                return ((mask + i32) * 1.5 + x, wide.float(), (i32 + 2).float() * x, (mask * torch.tensor(2)) + x,
                        (i32 * 0.5) + x)

        x, ids = torch.randn(2, 5), torch.tensor([[0, 3, 7, -2, 9], [5, 1, -8, 4, 2]])
        m = Promoted()
        ref = [t.numpy() for t in m(x.clone(), ids.clone())]
        self.assertEqual(ref[1][0, 2], np.float32(np.int64(7 * 100000 * 21 * 5000).astype(np.int32)))  # wraps
        r = import_module(m, [x, ids], trace="auto")
        self.assertEqual(r.route, "aten")
        self.assertIn("arith.extui", r.text)  # the mask to i32
        self.assertNotIn("i32 to i64", r.text)
        support.run_numeric(self, r.text, [x.numpy(), ids.numpy()], ref)

    def test_integer_ops_and_torch_type_promotion(self):
        """clamp / clamp_min / clamp_max, neg and abs of i64 tensors (position ids clamped to a table's
        size: arith.maxsi / minsi, subi; a float bound makes the result f32 as torch promotes),
        torch.div with rounding_mode "trunc" (and "floor" of integers) on both routes, and torch's
        promotion of mixed element-wise operands: an i64 or boolean tensor with an f32 tensor or a
        float number is cast to f32 (arith.sitofp / uitofp), integers divided are f32, a mask with
        integers is i64. Each was refused ("'clamp' on i64 tensors is not supported (f32 only)",
        "element-wise 'mul' of an f32 tensor and an i64 tensor is not supported", ...)."""
        class Integers(nn.Module):
            def forward(self, x, ids, mask):
                clamped = ids.clamp(min=1, max=6) + torch.clamp(ids, max=4) - ids.clamp_min(2)
                signs = -ids + ids.abs()
                trunc = torch.div(ids, 3, rounding_mode="trunc") * 10 + torch.div(-ids, 3, rounding_mode="floor")
                masked = x * mask.unsqueeze(-1)
                scaled = torch.arange(3) * x.mean(1)
                mixed = ids / 2 + ids * 0.5 + (1.0 - mask)
                return (clamped, signs, trunc, masked, scaled, mixed, torch.div(x, 0.3, rounding_mode="trunc"),
                        ids.clamp(min=0.5))

        class Masks(nn.Module):  # comparisons: the aten route only
            def forward(self, x, ids):
                return (ids > 0) * 2 + ids, (ids > 0) * x[..., 0] + ids

        x = torch.randn(2, 5, 3)
        ids = torch.tensor([[0, 3, 7, -2, 9], [5, 1, -8, 4, 2]])
        mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]])
        for m, inputs, routes in ((Integers(), [x, ids, mask], ("fx", "aten")), (Masks(), [x, ids], ("aten",))):
            with torch.no_grad():
                ref = [t.numpy() for t in m(*inputs)]
            for route in routes:
                with self.subTest(model=type(m).__name__, route=route):
                    r = import_module(m, inputs, trace=route)
                    self.assertEqual(r.route, route)
                    support.mlir_opt(self, r.text)
                    support.run_numeric(self, r.text, [i.numpy() for i in inputs], ref)
        r = import_module(Integers(), [x, ids, mask], trace="aten")
        for op in ("arith.maxsi", "arith.minsi", "arith.sitofp", "arith.divsi", "math.trunc"):
            self.assertIn(op, r.text)
        # The onnx route: ONNX's Clip and Neg of INT64 by the spec (torch's export casts the rest);
        # ids.clamp(min=0.5) too, which the export traces as the float clamp torch computes.
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(Integers(), [x, ids, mask], 17, path)
            r = import_onnx(onnx.load(path))
        with torch.no_grad():
            ref = [t.numpy() for t in Integers()(x, ids, mask)]
        support.run_numeric(self, r.text, [i.numpy() for i in (x, ids, mask)], ref)

    def test_batch_norm_without_running_statistics_uses_the_batch(self):
        """BatchNorm with track_running_stats=False normalises by the batch's own statistics in eval
        mode too; it was refused as "(training mode)". Imported on fx and aten as a group norm of one
        group per channel over the batch and positions (a batch of one: instance norm), equal to torch."""
        class Norms(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 3)
                self.bn = nn.BatchNorm2d(4, track_running_stats=False)
                self.bn1 = nn.BatchNorm1d(4, affine=False, track_running_stats=False)

            def forward(self, x):
                y = self.conv(x)
                return self.bn(y).relu(), self.bn1(y.flatten(2))

        torch.manual_seed(0)
        m = Norms().eval()
        with torch.no_grad():
            m.bn.weight.uniform_(0.5, 1.5)
            m.bn.bias.uniform_(-0.5, 0.5)
        for batch in (3, 1):
            x = torch.randn(batch, 3, 6, 6)
            with torch.no_grad():
                ref = [t.numpy() for t in m(x)]
            for route in ("fx", "aten"):
                with self.subTest(batch=batch, route=route):
                    r = import_module(m, [x], trace=route, inline_weights=True)
                    support.run_numeric(self, r.text, [x.numpy()], ref)

    def test_batch_norm_statistics_are_chosen_as_torch_chooses(self):
        """fx imports a BatchNorm on the statistics torch uses, as aten does: one that stays in training mode
        (its parent's train() leaves it so) without running statistics normalises by the batch and updates
        nothing (fx refused it, "batch-norm updating its running statistics (training mode)", which was
        wrong: it updates nothing); one whose track_running_stats was turned off after it was built,
        in eval mode, uses the running statistics it has (fx refused it too). A training-mode one that
        tracks them is refused on both routes as what it is, one that updates its running statistics."""
        class Norm(nn.Module):
            def __init__(self, bn):
                super().__init__()
                self.conv, self.bn = nn.Conv2d(3, 4, 3), bn

            def forward(self, x):
                return self.bn(self.conv(x)).relu()

        class StaysTraining(Norm):
            def train(self, mode=True):  # leaves its batch-norm in training mode
                self.training = mode
                self.conv.train(mode)
                return self

        torch.manual_seed(0)
        untracked = nn.BatchNorm2d(4)
        with torch.no_grad():
            untracked.running_mean.uniform_(-0.5, 0.5)
            untracked.running_var.uniform_(0.5, 1.5)
        untracked.track_running_stats = False
        x = torch.randn(3, 3, 6, 6)
        for m in (StaysTraining(nn.BatchNorm2d(4, track_running_stats=False)).eval(), Norm(untracked).eval()):
            bn = m.bn
            with torch.no_grad():
                ref = [m(x.clone()).numpy()]
            for route in ("fx", "aten"):
                with self.subTest(model=type(m).__name__, route=route):
                    self.assertEqual(bn.training, type(m) is StaysTraining)
                    r = import_module(m, [x], trace=route, inline_weights=True)
                    self.assertEqual(r.route, route)
                    support.run_numeric(self, r.text, [x.numpy()], ref)
        for route in ("fx", "aten"):
            with self.assertRaisesRegex(UnsupportedError, "batch-norm in training mode, which updates its running "
                                                          "statistics, is not supported"):
                import_module(StaysTraining(nn.BatchNorm2d(4)), [x], trace=route)

    def test_onnx_export_keeps_batch_norm_weights(self):
        """torch.onnx.export in EVAL mode folds each BatchNorm after a Conv into the Conv (the tester's
        FPN: 9,278 weight elements on onnx, 9,502 on fx and aten: the BN parameters and statistics);
        the route's export (PRESERVE, on the module in eval mode) keeps it, so the onnx route has the
        weights of fx, as the README says, with torch's numbers."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        torch.manual_seed(0)
        m = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 4, 1, bias=False),
                          nn.BatchNorm2d(4))
        for bn in (m[1], m[4]):
            bn.running_mean.uniform_(-0.5, 0.5)
            bn.running_var.uniform_(0.5, 2.0)
        m.eval()
        x = torch.randn(1, 3, 8, 8)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            cli._export_onnx(m, [x], 17, path, distinct_weights=True)
            model = onnx.load(path)
            self.assertEqual([n.op_type for n in model.graph.node].count("BatchNormalization"), 2)
            blobless = import_onnx(model)
            cli._export_onnx(m, [x], 17, path)
            r = import_onnx(onnx.load(path), inline_weights=True)
        fx = import_module(m, x, trace="fx")
        self.assertEqual(blobless.resource_elements, fx.resource_elements)
        self.assertEqual(blobless.resource_count, fx.resource_count)
        self.assertFalse(m.training)
        with torch.no_grad():
            support.run_numeric(self, r.text, [x.numpy()], [m(x).numpy()])

    def test_interpolation_by_any_ratio_and_align_corners(self):
        """Bilinear with align_corners=True, nearest, nearest-exact and bilinear to sizes that are
        not integer multiples and by fractional scale factors (torch's coordinates: the given
        factor, not in / out), on both routes: affine floordiv maps and weight vectors, torch's
        numbers."""
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Resampling(), [torch.randn(1, 2, 5, 6)], trace=trace, expect=[
                    "(d0, d1, (d2 * 4) floordiv 9, d3)", "(d0, d1, (d2 * 4 + 9) floordiv 9, d3)",  # align_corners 5 -> 10
                    "(d0, d1, (d2 * 2) floordiv 3, (d3 * 2) floordiv 3)",  # nearest by 1.5
                    "(d0, d1, (d2 * 5 + 6) floordiv 7, d3)",  # half-pixel 5 -> 7, after a pad of 1
                    "dense<[0.0, 0.6666666666666666, 0.3333333333333333, 0.0, 0.6666666666666666, "
                    "0.3333333333333333, 0.0]> : tensor<7xf32>"])
                self.assertEqual(r.route, trace)

    def test_1d_pooling_prelu_and_argmax(self):
        """On both routes, equal to torch (argmax indices as i64), the PReLU slopes counted as weights."""
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Pool1dPReLUArgMax(), [torch.randn(1, 3, 13)], trace=trace, expect=[
                    "linalg.pooling_nchw_max", "linalg.pooling_nchw_sum", "tensor<1x4x11xf32> into tensor<1x4x1x11xf32>",
                    "dense_resource<act_weight> : tensor<4xf32>", "linalg.index", "-> (tensor<1x11xf32>, tensor<1x11xi64>)"])
                self.assertEqual(r.route, trace)
                self.assertEqual(r.resources["act_weight"], (4,))
                self.assertEqual(r.resources["act1_weight"], (1,))

    def test_whole_tensor_max_and_min(self):
        """x.max() / x.min() / torch.max(x) of the whole tensor (a rank-0 result; fx: 'tensor method
        'max' is not supported', aten: aten.max.default refused), of i64 too, the values and indices of
        a max / min over a dim (fx refused both; aten, the indices) and torch.max of two tensors equal torch
        on both routes."""
        class MaxMin(nn.Module):
            def __init__(self):
                super().__init__()
                self.linear = nn.Linear(6, 6)

            def forward(self, x, ids):
                y = self.linear(x)
                smallest = torch.min(y, dim=1, keepdim=True)  # (values, indices): fx cannot unpack it
                return (y.max(), torch.min(y), torch.max(y) - y.min() * 2, ids.max(), torch.min(ids),
                        y.max(-1).values, y.max(dim=0)[1], smallest[0], smallest.indices, torch.max(y, y * -1))

        torch.manual_seed(0)
        m = MaxMin().eval()
        x, ids = torch.randn(4, 6), torch.randint(-50, 50, (3, 5))
        with torch.no_grad():
            ref = [t.numpy() for t in m(x.clone(), ids.clone())]
        self.assertEqual(ref[0].shape, ())
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = import_module(m, [x, ids], trace=trace, inline_weights=True)
                self.assertEqual(r.route, trace)
                self.assertIn("-> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<i64>, tensor<i64>, tensor<4xf32>, "
                              "tensor<6xi64>, tensor<4x1xf32>, tensor<4x1xi64>, tensor<4x6xf32>)", r.text)
                support.run_numeric(self, r.text, [x.numpy(), ids.numpy()], ref)

    def test_int32_tensor_arithmetic(self):
        """int32 inputs keep their type through integer arithmetic, as torch computes it: `ids32 * 2`
        (it was "'mul' of an i32 tensor and the integer 2 is not supported"), + - with tensors and
        integers, torch.remainder, truncating division, maximum / minimum, a whole-tensor max, a
        comparison; an embedding read through `ids32.long()`. fx and aten equal torch, in i32."""
        class Ints(nn.Module):
            def __init__(self):
                super().__init__()
                self.e = nn.Embedding(16, 4)

            def forward(self, ids32, other, x):
                h = self.e(ids32.long() + 3)
                # (torch.remainder and comparisons: the aten route's; fx reads neither)
                rem = torch.remainder(ids32 - 5, 3) if self.aten else ids32 - 5
                return (h * x, ids32 * 2, ids32 + other - 1, rem,
                        torch.div(ids32 - 5, other, rounding_mode="trunc"), torch.maximum(ids32, other),
                        torch.minimum(ids32, other).max(), (ids32 > other).long() if self.aten else other.long())

        torch.manual_seed(0)
        m = Ints().eval()
        inputs = [torch.tensor([[1, 2, 3, 9, 12]], dtype=torch.int32), torch.tensor([[2, -2, 3, 4, -5]], dtype=torch.int32),
                  torch.randn(1, 5, 4)]
        for trace in ("fx", "aten"):
            m.aten = trace == "aten"
            with torch.no_grad():
                ref = [t.numpy() for t in m(*[t.clone() for t in inputs])]
            self.assertEqual({str(r.dtype) for r in ref[1:7]}, {"int32"})
            with self.subTest(trace=trace):
                r = import_module(m, inputs, trace=trace, inline_weights=True)
                self.assertIn("tensor<1x5xi32>, tensor<1x5xi32>, tensor<1x5xi32>, tensor<1x5xi32>, tensor<1x5xi32>, "
                              "tensor<i32>, tensor<1x5xi64>)", r.text)
                support.run_numeric(self, r.text, [t.numpy() for t in inputs], ref)

    def test_none_outputs_are_dropped(self):
        """`return linear(x), None` and HF-style outputs holding None (a dict's, a list's) import with
        the None left out, on fx and aten as on onnx (torch.onnx.export drops them); both were
        'unsupported output of type NoneType'. Only None is no tensor at all."""
        class WithNone(nn.Module):
            def __init__(self, only_none=False):
                super().__init__()
                self.linear = nn.Linear(6, 4)
                self.only_none = only_none

            def forward(self, x):
                if self.only_none:
                    return None, (None,)
                y = self.linear(x)
                return y, None, {"hidden": None, "pooled": [y.mean(1), None]}

        torch.manual_seed(0)
        m, x = WithNone().eval(), torch.randn(3, 6)
        with torch.no_grad():
            y, _, rest = m(x.clone())
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = import_module(m, x, trace=trace, inline_weights=True)
                self.assertIn("-> (tensor<3x4xf32>, tensor<3xf32>)", r.text)
                support.run_numeric(self, r.text, [x.numpy()], [y.numpy(), rest["pooled"][0].numpy()])
                with self.assertRaisesRegex(UnsupportedError, "the module returns no tensor"):
                    import_module(WithNone(only_none=True), x, trace=trace)
        if support.HAVE_ONNX:
            from egrl_import import cli
            from egrl_import.onnx_import import import_onnx
            with tempfile.TemporaryDirectory() as d:
                cli._export_onnx(m, [x], 17, os.path.join(d, "m.onnx"))
                r = import_onnx(os.path.join(d, "m.onnx"))
            self.assertIn("-> (tensor<3x4xf32>, tensor<3xf32>)", r.text)

    def test_zero_and_fill_in_place_on_aten_and_cumprod_refused(self):
        """aten's zero_ and fill_ with a number are fills, read by the written tensor's later readers;
        on a view whose base is read after (slice assignment into a run-time tensor) they stay
        refused, as every in-place op on a view; cumprod and round(decimals=) are refused on each route, in
        one line."""
        class Zeroed(nn.Module):
            def forward(self, x):
                y = x * 2.0
                z = y.clone()
                z.zero_()
                w = (x + 1.0).fill_(3.0)
                return z + w + y

        class IntoView(nn.Module):
            def forward(self, x):
                y = x * 2.0
                y[:, 0].zero_()
                return y

        class ChainedWrites(nn.Module):
            """Two in-place ops on one slice: the second writes through the first's result,
            the same view (its write was lost from y: 1.0 off torch)."""
            def forward(self, x):
                y = x - 0.5
                t = y[:, 0:2]
                t.mul_(2.0)
                t.add_(1.0)
                return y * 1.0

        class ComplexAlias(nn.Module):
            """An alias by view_as_complex, which _VIEW_OPS does not list, taken before a write
            to a slice and read after it (2.71 off torch)."""
            def forward(self, x):
                y = x.reshape(1, 3, 2, 2) - 0.5
                c = torch.view_as_complex(y)
                y[:, 0:2].relu_()
                return torch.view_as_real(c) * 1.0

        class SliceReadAfter(nn.Module):
            """A slice of the chain written through, read after the write: its readers
            would read the old elements (imported, before 2026-12-07, 1.8 off torch)."""
            def forward(self, x):
                y = x - 0.5
                s = y[:, :]
                s[:, 0:2].relu_()
                return s * 1.0

        class CumProd(nn.Module):
            def forward(self, x):
                return torch.cumprod(x, -1)

        class Round1(nn.Module):
            def forward(self, x):
                return x.round(decimals=1)

        r = self.check(Zeroed(), [torch.randn(1, 3, 4)], trace="aten", expect=["linalg.fill"])
        self.assertEqual(r.route, "aten")
        for m, trace, message in (
                (IntoView(), "aten", "aten node 'zero_' (call_function aten.zero_.default): an in-place op on a view"),
                (SliceReadAfter(), "aten", "aten node 'relu_' (call_function aten.relu_.default): an in-place op on "
                                           "a view"),
                (ChainedWrites(), "aten", "aten node 'add_' (call_function aten.add_.Tensor): an in-place op on a "
                                          "view"),
                (ComplexAlias(), "aten", "aten node 'relu_' (call_function aten.relu_.default): an in-place op on "
                                         "a view"),
                (CumProd(), "fx", "fx node 'cumprod' (call_function cumprod): function "
                                  "torch._VariableFunctionsClass.cumprod is not supported"),
                (CumProd(), "aten", "aten node 'cumprod' (call_function aten.cumprod.default): ATen op is not supported"),
                (Round1(), "fx", "fx node 'round_1' (call_method round): round with decimals is not supported"),
                (Round1(), "aten", "aten node 'round_1' (call_function aten.round.decimals): round with decimals is not "
                                   "supported")):
            with self.subTest(m=type(m).__name__, trace=trace):
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(m, torch.randn(1, 3, 4), trace=trace)
                self.assertIn(message, str(cm.exception))
                self.assertNotIn("\n", str(cm.exception))

    def test_views_taken_before_a_write_in_place_read_the_written_values(self):
        """A view of a tensor (a slice, a transpose, flatten, view, select, views of views) taken
        before an in-place write to that tensor and read after it reads the written values, as in
        torch. Before, fx, aten and auto imported it with the values from before the write (the skip
        sliced off a conv output ahead of nn.ReLU(inplace=True): 3.28 off torch; transpose before
        sigmoid_ 1.49, flatten before clamp_ 2.54, view before mul_ and += 1.8, a view of an input
        2.18). The aten route lowers each such view again on the updated tensor; fx refuses it,
        naming the view and its reader, and --trace auto takes the aten route; the ONNX export,
        which torch 1.13 makes with the old values, is refused before it runs, naming the op that
        reads and the one that wrote, while a view taken after a write still exports. fx also
        refuses a write into a tensor made while tracing (torch.zeros(3, 4).add_(x): its constant
        was read after the recorded run had written into it, 4.36 off); aten refuses a view taken
        before the tensor changed shape in place (transpose_) and read after a later write."""
        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class SkipView(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv, self.act, self.head = nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(inplace=True), nn.Conv2d(8, 2, 1)

            def forward(self, x):
                x = self.conv(x)
                skip = x[:, :4]
                x = self.act(x)
                return self.head(x), skip * 2

        class Linear(nn.Module):
            def __init__(self):
                super().__init__()
                self.l = nn.Linear(4, 6)

        class TView(Linear):
            def forward(self, x):
                y = self.l(x)
                t = y.transpose(0, 1)
                y.sigmoid_()
                return t + 0

        class Flat(Linear):
            def forward(self, x):
                y = self.l(x)
                f = y.flatten()
                y.clamp_(min=0)
                return f * 2

        class Chain(Linear):
            def forward(self, x):
                y = self.l(x)
                z = y.view(-1)
                y.mul_(2)
                y += 1
                return z * 1.0, F.relu(y, inplace=True) + y

        class OnInput(nn.Module):
            def forward(self, x):
                v = x.view(-1)
                x.mul_(2)
                return v + 0

        class Pieces(Linear):
            """A select, views of it, a slice of a permute; views taken between two writes."""
            def forward(self, x):
                y = self.l(x)
                a = y[1]
                b = a.unsqueeze(0).expand(2, 6)
                c = y.permute(1, 0)[:, 1:3]
                y.mul_(2)
                d = y[0]
                y.tanh_()
                return b * 1, c * 1, d * 1, a * 1

        class Traced(nn.Module):
            def forward(self, x):
                return torch.zeros(3, 4).add_(x) * 2

        class Reshaped(Linear):
            def forward(self, x):
                y = self.l(x)
                e = y.unsqueeze(0)
                y.transpose_(0, 1)
                y.relu_()
                return e * 1, y * 1

        class After(Linear):
            def forward(self, x):
                y = self.l(x)
                y.mul_(2)
                return y[0] * 1, y[1:3] * 1

        fx_refusals = {"SkipView": "fx node 'act' (call_module act (ReLU)): it writes 'conv' in place, and 'mul' "
                                   "reads 'getitem', a view of it taken before the write, after it; torch.fx does "
                                   "not follow the write (the aten route does: --trace=aten)",
                       "OnInput": "fx node 'mul_' (call_method mul_): it writes 'x' in place, and 'add' reads "
                                  "'view', a view of it taken before the write, after it",
                       "Chain": "fx node 'mul_' (call_method mul_): it writes 'l' in place, and 'add' reads it",
                       "Pieces": "tensor method 'expand' is not supported",  # before the write
                       "Traced": "a tensor of the module or one made while tracing, in place; torch.fx does not "
                                 "follow the write (the aten route does: --trace=aten)"}
        onnx_refusals = {"SkipView": "Tensor.mul reads a tensor made by Tensor.__getitem__ after its memory was "
                                     "written in place by F.relu",
                         "TView": "Tensor.add reads a tensor made by Tensor.transpose after its memory was written "
                                  "in place by Tensor.sigmoid_",
                         "Flat": "Tensor.mul reads a tensor made by Tensor.flatten after its memory was written in "
                                 "place by Tensor.clamp_",
                         "Chain": "Tensor.mul reads a tensor made by Tensor.view after its memory was written in "
                                  "place by Tensor.add_",
                         "OnInput": "Tensor.add reads a tensor made by Tensor.view after its memory was written in "
                                    "place by Tensor.mul_",
                         "Pieces": "Tensor.mul reads a tensor made by Tensor.expand after its memory was written "
                                   "in place by Tensor.tanh_"}
        torch.manual_seed(0)
        for m, x in ((SkipView(), torch.randn(1, 3, 6, 6)), (TView(), torch.randn(3, 4)), (Flat(), torch.randn(3, 4)),
                     (Chain(), torch.randn(2, 4)), (OnInput(), torch.randn(3, 4)), (Pieces(), torch.randn(3, 4)),
                     (Traced(), torch.randn(3, 4))):
            name = type(m).__name__
            with self.subTest(name):
                m.eval()
                with torch.no_grad():
                    ref = m(x.clone())
                refs = [t.numpy() for t in (ref if isinstance(ref, tuple) else (ref,))]
                r = import_module(m, x, trace="auto", inline_weights=True)
                self.assertEqual(r.route, "aten")
                support.run_numeric(self, r.text, [x.numpy()], refs)
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(m, x, trace="fx")
                self.assertIn(fx_refusals.get(name, "a view of it taken before the write, after it; torch.fx does not "
                                                   "follow the write"), str(cm.exception))
                if name in onnx_refusals and support.HAVE_ONNX:
                    with tempfile.TemporaryDirectory() as d, self.assertRaises(UnsupportedError) as cm:
                        cli._export_onnx(m, [x], 17, os.path.join(d, "m.onnx"))
                    self.assertIn(onnx_refusals[name] + " through another tensor (a view taken before the write, "
                                  "or the base of a view "
                                  "written through); torch 1.13's ONNX export keeps the values from before the "
                                  "write there, a wrong answer: import it with --trace aten", str(cm.exception))
                    self.assertNotIn("\n", str(cm.exception))
        with self.assertRaises(UnsupportedError) as cm:
            import_module(Reshaped().eval(), torch.randn(3, 4), trace="aten")
        self.assertIn("aten node 'relu_' (call_function aten.relu_.default): 'unsqueeze', a view taken before "
                      "'transpose_' changed the shape of the tensor 'relu_' writes in place, is read after the "
                      "write; not supported", str(cm.exception))
        # Views taken after the write (by an integer and a slice, which reach no TorchFunctionMode) export.
        m, x = After().eval(), torch.randn(3, 4)
        if support.HAVE_ONNX:
            with tempfile.TemporaryDirectory() as d:
                cli._export_onnx(m, [x], 17, os.path.join(d, "m.onnx"))
                o = import_onnx(os.path.join(d, "m.onnx"), inline_weights=True)
            with torch.no_grad():
                support.run_numeric(self, o.text, [x.numpy()], [t.numpy() for t in m(x)])

    def test_windows_of_unfold_are_a_view_of_their_tensor(self):
        """Tensor.unfold is a view in torch: windows taken before an in-place write to their tensor
        and read after it read the written values, and a write through the windows reaches the
        tensor. The aten route traced unfold as slices and a stack, a copy, so both read the values
        from before (w = y.unfold(1, 2, 2); y.relu_(); w * 1: 1.31 off torch; w = y.unfold(1, 3, 3);
        w.mul_(2); y * 1: 1.41 off, on aten and auto). Now it lowers ATen's own unfold (strided
        slices and a concatenation) and follows it as a view: the windows, and a view of them, are
        lowered again on the written tensor; a write through windows whose tensor is read after it
        is refused on aten (as through a transpose), and by the ONNX export, naming the read; a
        write through windows that alone read their tensor imports."""
        from egrl_import import cli

        class Linear(nn.Module):
            def __init__(self):
                super().__init__()
                self.l = nn.Linear(4, 6)

        class UnfoldThenWrite(Linear):
            def forward(self, x):
                y = self.l(x)
                w = y.unfold(1, 2, 2)
                v = y.unfold(-1, 3, 1).transpose(-1, -2)
                y.relu_()
                return w * 1, v * 1

        class WriteThroughUnfold(Linear):
            def forward(self, x):
                y = self.l(x)
                w = y.unfold(1, 3, 3)
                w.mul_(2)
                return y * 1

        class WriteThroughPrivateUnfold(Linear):
            def forward(self, x):
                w = self.l(x).unfold(1, 3, 3)
                w.mul_(2)
                return w * 1

        torch.manual_seed(0)
        x = torch.randn(2, 4)
        for m in (UnfoldThenWrite().eval(), WriteThroughPrivateUnfold().eval()):
            with self.subTest(type(m).__name__):
                with torch.no_grad():
                    ref = m(x.clone())
                refs = [t.numpy() for t in (ref if isinstance(ref, tuple) else (ref,))]
                r = import_module(m, x.clone(), trace="auto", inline_weights=True)
                self.assertEqual(r.route, "aten")
                self.assertIn("tensor.extract_slice", r.text)
                support.run_numeric(self, r.text, [x.numpy()], refs)
        m = WriteThroughUnfold().eval()
        with self.assertRaisesRegex(UnsupportedError, "aten node 'mul_' .*: an in-place op on a view .the mutation "
                                                      "would reach its base. is not supported"):
            import_module(m, x.clone(), trace="aten")
        if support.HAVE_ONNX:
            for m, read in ((UnfoldThenWrite().eval(), "made by Tensor.unfold"), (m, "made by torch.linear")):
                with tempfile.TemporaryDirectory() as d, self.assertRaises(UnsupportedError) as cm:
                    cli._export_onnx(m, [x.clone()], 17, os.path.join(d, "m.onnx"))
                self.assertIn(f"Tensor.mul reads a tensor {read} after its memory was written in place",
                              str(cm.exception))
                self.assertIn("import it with --trace aten, which reads the written values (a write through a "
                              "view into its base only through a slice: others it refuses)", str(cm.exception))

    def test_one_walk_finds_the_views_taken_before_a_write(self):
        """The fx route's check for a view read after a write (_view_read_after) and the aten route's
        re-derivation of such views (_views_read_after) walked a tensor's aliases with two copies of
        one loop; both call torch_import.aliases_taken_before: each alias taken before the write from
        a name or an alias found (its first operand), with the node it was taken from, in the order
        found, not through what the caller excludes, nor what is taken after the write."""
        import operator

        import torch.fx as fx

        from egrl_import.torch_import import aliases_taken_before

        def f(x):
            y = x + 1
            v = y.view(-1)
            w = v[:2]
            c = y * 2
            t = y.t()
            y.relu_()
            after = y.view(-1)
            return w, c, t, after

        g = fx.symbolic_trace(f).graph
        nodes = {n.name: n for n in g.nodes}
        order = {n: i for i, n in enumerate(g.nodes)}

        def is_alias(u):
            return u.target in ("view", "t") or u.target is operator.getitem

        found = aliases_taken_before([nodes["add"]], nodes["relu_"], order, is_alias)
        self.assertEqual({u.name: n.name for u, n in found.items()}, {"view": "add", "getitem": "view", "t": "add"})
        found = aliases_taken_before([nodes["add"]], nodes["relu_"], order, is_alias, exclude=[nodes["view"]])
        self.assertEqual([u.name for u in found], ["t"])

    def test_export_checks_follow_the_path_the_export_traces(self):
        """The check before the ONNX export ran the model under torch.no_grad(), the export with grad: a
        model that takes another path without grad (nn.MultiheadAttention takes its fused fast path)
        was checked on a path the export does not trace. Here the path with grad reads a view after a
        write to its tensor, which torch 1.13 exports with the values from before it: the check saw
        the other path and the export went on, 0.67 off torch; now it runs in the export's grad mode and
        refuses it."""
        from egrl_import import cli

        class GradPath(nn.Module):
            def __init__(self):
                super().__init__()
                self.l = nn.Linear(4, 6)

            def forward(self, x):
                y = self.l(x)
                if not torch.is_grad_enabled():
                    return y.relu() * 1
                skip = y[:, :2]
                y.relu_()
                return skip * 1

        with tempfile.TemporaryDirectory() as d, self.assertRaises(UnsupportedError) as cm:
            cli._export_onnx(GradPath(), [torch.randn(3, 4)], 17, os.path.join(d, "m.onnx"))
        self.assertIn("Tensor.mul reads a tensor made by Tensor.__getitem__ after its memory was written in place "
                      "by Tensor.relu_", str(cm.exception))

    def test_transposed_convolution_in_1d_and_3d_and_grouped(self):
        """ConvTranspose1d (module and F.conv_transpose1d, over a height of 1), grouped and depthwise
        ConvTranspose2d, a grouped strided ConvTranspose3d, on both routes, equal torch: the flipped
        weight's generic reads channel (o floordiv C_out/g) * C_in/g + i, o mod C_out/g; padding
        beyond the kernel's reach stays a one-line error."""
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(GroupedDecoder(), [torch.randn(1, 4, 7)], trace=trace, expect=[
                    "linalg.conv_2d_ngchw_gfchw", "linalg.depthwise_conv_2d_nchw_chw", "(d0 floordiv 3) * 2 + d1",
                    "(d0 + d1, 0, 1 - d2, 1 - d3)", "tensor<1x4x1x7xf32> into tensor<1x4x1x13xf32>"])
                self.assertEqual(r.route, trace)
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(nn.Sequential(nn.ConvTranspose2d(2, 2, 2, padding=2)).eval(), torch.randn(1, 2, 5, 5),
                                  trace=trace)
                self.assertIn("transposed conv: padding [2, 2] beyond the kernel's reach is not supported",
                              str(cm.exception))
                self.assertNotIn("\n", str(cm.exception))

    def test_gather_with_run_time_indices(self):
        """x.gather / torch.gather with run-time indices (an argmax's, an input) on both routes and
        torch.take_along_dim on aten (expand + gather) equal torch: one generic over the index's
        shape reading x with tensor.extract."""
        x, idx = torch.randn(2, 5), torch.tensor([[4, 0, 2], [1, 1, 3]])
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Gathers(), [x, idx], trace=trace, expect=["tensor.extract"])
                self.assertEqual(r.route, trace)

        class TakeAlongDim(nn.Module):
            def forward(self, x, idx):
                return torch.take_along_dim(x, idx, 1)

        self.check(TakeAlongDim(), [x, idx], trace="aten")

    def test_index_select(self):
        """torch.index_select / .index_select by run-time and constant indices on both routes equal
        torch: rows read as an embedding's are (tensor.extract), the indexed dim moved to the front
        and back."""
        x, ids = torch.randn(2, 5, 3), torch.tensor([2, 0, 1, 1])
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(IndexSelects(), [x, ids], trace=trace, expect=["tensor.extract"])
                self.assertEqual(r.route, trace)

    def test_index_select_by_a_0d_index_keeps_the_dim(self):
        """index_select by a 0-d index keeps the indexed dim (size 1), as torch does; ONNX Gather's
        0-d index drops it."""
        class ZeroD(nn.Module):
            def forward(self, x, i):
                return torch.index_select(x, 1, i) * 2, x.index_select(0, i), x.index_select(-1, i + 1)

        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                self.assertEqual(self.check(ZeroD(), [torch.randn(2, 3), torch.tensor(1)], trace=trace).route, trace)

    def test_embedding_bag(self):
        """nn.EmbeddingBag and F.embedding_bag on both routes equal torch, with weights = parameters:
        bags of one length (2-D ids, or ATen's equal constant offsets) as an embedding reshaped and
        reduced, other offsets as one generic over (bag, dim, id) taking the ids between a bag's
        offsets; an empty bag is 0. padding_idx and max_norm are one-line errors naming the node."""
        torch.manual_seed(0)
        inputs = [torch.tensor([1, 2, 4, 5, 4, 3, 2, 9]), torch.tensor([0, 2, 2, 5]),
                  torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.randn(8)]
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Bags(), inputs, trace=trace, expect=['iterator_types = ["parallel", "parallel", '
                                                                    '"reduction"]'])
                self.assertEqual(r.route, trace)
                self.assertEqual(r.resource_elements, 5 * 40)

        class Padded(nn.Module):
            def __init__(self, **kw):
                super().__init__()
                self.bag = nn.EmbeddingBag(10, 4, **kw)

            def forward(self, ids):
                return self.bag(ids)

        ids = torch.tensor([[1, 0, 3]])
        for kw, trace, message in (
                (dict(padding_idx=0), "fx", "fx node 'bag' (call_module bag (EmbeddingBag)): embedding_bag with "
                                            "padding_idx is not supported"),
                (dict(padding_idx=0), "aten", "aten node '_embedding_bag' (call_function aten._embedding_bag.default) "
                                              "in module 'bag' (EmbeddingBag): embedding_bag with padding_idx is not "
                                              "supported"),
                (dict(max_norm=1.0), "fx", "fx node 'bag' (call_module bag (EmbeddingBag)): nn.EmbeddingBag with "
                                           "max_norm is not supported: torch renormalizes the rows it looks up"),
                # ATen renormalises the table in place first: refused as max_norm.
                (dict(max_norm=1.0), "aten", "aten node 'embedding_renorm_' (call_function "
                                             "aten.embedding_renorm_.default) in module 'bag' (EmbeddingBag): an "
                                             "embedding with max_norm is not supported")):
            with self.subTest(trace=trace, **kw):
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(Padded(**kw), ids, trace=trace)
                self.assertTrue(str(cm.exception).startswith(message), str(cm.exception))
                self.assertNotIn("\n", str(cm.exception))

    def test_embedding_max_norm_is_refused_on_every_route(self):
        """F.embedding(..., max_norm=) and nn.Embedding(max_norm=) renormalize the rows they look up in
        the weight, in place, on every call: the fx route (F.embedding) and the onnx route imported a
        plain lookup (4.8 off torch on inputs other than the example), and the aten route called it an
        in-place op on a view (outside tester s44). Every route refuses it in one line saying max_norm."""
        from egrl_import import cli

        class Functional(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = nn.Parameter(torch.randn(10, 4) * 3)

            def forward(self, ids):
                return F.embedding(ids, self.table, max_norm=1.0)

        class Module(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(10, 4, max_norm=1.0)

            def forward(self, ids):
                return self.emb(ids)

        ids = torch.tensor([[1, 5, 7]])
        said = {(Functional, "fx"): "fx node 'embedding' (call_function embedding): F.embedding with max_norm",
                (Module, "fx"): "fx node 'emb' (call_module emb (Embedding)): nn.Embedding with max_norm",
                (Functional, "aten"): "aten node 'embedding_renorm_' (call_function aten.embedding_renorm_.default):"
                                      " an embedding with max_norm",
                (Module, "aten"): "aten node 'embedding_renorm_' (call_function aten.embedding_renorm_.default) "
                                  "in module 'emb' (Embedding): an embedding with max_norm"}
        for (kind, trace), message in said.items():
            with self.subTest(kind=kind.__name__, trace=trace):
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(kind().eval(), ids, trace=trace)
                self.assertEqual(str(cm.exception), f"{message} is not supported: torch renormalizes the rows it "
                                                    "looks up in the weight itself, in place, on every call")
        with self.assertRaisesRegex(UnsupportedError, r"^fx node .* with max_norm .* \(the aten route failed too: "
                                                      r"aten node .* with max_norm"):
            import_module(Functional().eval(), ids, trace="auto")
        with tempfile.TemporaryDirectory() as d:
            for kind in (Functional, Module):
                with self.subTest(kind=kind.__name__, trace="onnx"):
                    with self.assertRaises(UnsupportedError) as cm:
                        cli._export_onnx(kind().eval(), [ids], 17, os.path.join(d, "m.onnx"))
                    self.assertEqual(str(cm.exception), "F.embedding with max_norm is not supported: torch "
                                                        "renormalizes the rows it looks up in the weight itself, in "
                                                        "place, on every call (torch 1.13's ONNX export drops the "
                                                        "renormalization)")

    def test_logsumexp_prod_tril_triu_and_atan2(self):
        """logsumexp (max + log(sum(exp(x - max))): finite on x * 50), prod over dims and whole (i64
        too), tril / triu of run-time tensors with diagonals (one generic comparing linalg.index
        values) and atan2 (math.atan2) on both routes equal torch."""
        torch.manual_seed(0)
        x, ids = torch.randn(2, 5, 6), torch.tensor([[1, 2, 3], [4, -5, 6]])
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Reductions(), [x, ids], trace=trace, expect=["math.atan2", "arith.muli"])
                self.assertEqual(r.route, trace)
                self.assertEqual(r.text.count("linalg.index"), 2 * 5)

        class BooleanProd(nn.Module):  # booleans multiply as int64, as torch's do
            def forward(self, ids):
                return (ids > 2).prod(1), torch.logsumexp(ids.float(), 0)

        self.check(BooleanProd(), [ids], trace="aten")

    def test_topk_sort_and_argsort(self):
        """topk, sort and argsort on both routes equal torch (distinct values: ties come in index
        order, as a stable sort's): each element's rank counted by one generic with a reduction over
        the dim, then one generic per result read picking the element of each rank; a result
        nothing reads is not computed."""
        torch.manual_seed(0)
        x, ids = torch.randn(3, 5, 6), torch.tensor([[5, 1, 9], [2, 7, 3]])
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Sorts(), [x, ids], trace=trace)
                self.assertEqual(r.route, trace)
                # 8 sorts rank (2 linalg.index each); 6 pick values (1), 4 pick indices (2): the argsorts
                # and the sort and topk whose indices are read.
                self.assertEqual(r.text.count("arith.extui"), 8)
                self.assertEqual(r.text.count("linalg.index"), 8 * 2 + 6 + 4 * 2)

    def test_sorts_order_nan_as_torch(self):
        """NaN sorts as torch's largest and equal to NaN (NaNs in index order): first descending, last
        ascending, in topk's largest and not in its smallest; each sort's ranks a permutation (ordered
        compares alone gave several elements one rank, and a 0 in the values). Rows with several NaNs
        and ties; topk's indices only where torch's are unambiguous (its NaNs and ties are not in
        index order)."""
        nan = float("nan")

        class NaNSorts(nn.Module):
            def forward(self, x, y):
                d, a, two = torch.sort(x, 1, descending=True), x.t().sort(0), x[:, :2].sort(1, True)
                t = torch.topk(y, 2)
                return (d[0], d[1], a[0], a[1], torch.argsort(x, dim=1), x.argsort(-1, True), x.topk(4)[0],
                        x.topk(5, largest=False)[0], t[0], t[1], y.topk(3, 0, False).indices, two[0], two[1])

        x = torch.tensor([[nan, 1.0, nan, 3.0, 2.0, nan, 1.0], [2.0, nan, -1.0, nan, 2.0, 0.0, 5.0]])
        y = torch.tensor([[nan, 1.0, 4.0], [2.0, -3.0, nan], [0.5, nan, 7.0], [9.0, 8.0, -1.0]])
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                self.assertEqual(self.check(NaNSorts(), [x, y], trace=trace).route, trace)

    def test_depthwise_and_grouped_conv(self):
        m = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.Conv2d(8, 4, 1, groups=2),
                          nn.Conv2d(4, 4, 3, padding="same", groups=1))
        self.check(m, [torch.randn(1, 8, 9, 9)],
                   ["linalg.depthwise_conv_2d_nchw_chw", "tensor<8x1x3x3xf32> into tensor<8x3x3xf32>",
                    "linalg.conv_2d_ngchw_gfchw"])

    def test_adaptive_pooling_with_uneven_windows(self):
        """torch's windows [floor(i n / m), ceil((i + 1) n / m)) on both routes, equal to torch:
        one length at one stride (8 -> 7) is the named pooling op; otherwise a window generic
        reading `(o * n) floordiv m + k`, the input an operand (padded where the longest window
        would pass the end), windows shorter than the longest masked through a lengths vector,
        the average divided by each window's count; max (values) too, in 1-D, 2-D and 3-D."""
        class Adaptive(nn.Module):
            def __init__(self):
                super().__init__()
                self.avg = nn.AdaptiveAvgPool2d((3, 4))
                self.max = nn.AdaptiveMaxPool2d((3, None))
                self.avg3 = nn.AdaptiveAvgPool3d((2, 3, 7))

            def forward(self, x, v):
                return (self.avg(x), self.max(x), F.adaptive_avg_pool2d(x[:, :, :, :8], (4, 7)),
                        F.adaptive_max_pool1d(x.flatten(2), 11), F.adaptive_avg_pool1d(x.flatten(2), 7),
                        self.avg3(v), F.adaptive_max_pool3d(v, (3, 2, 4)),
                        F.adaptive_avg_pool2d(x[:, :, :1, :4], (3, 2)))  # a size-1 dim pooled to 3

        x, v = torch.randn(1, 2, 5, 10), torch.randn(1, 2, 3, 5, 7)
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Adaptive(), [x, v], trace=trace, expect=[
                    "-> (d0, d1, (d2 * 5) floordiv 3 + d4, (d3 * 5) floordiv 2 + d5)>",  # 5x10 -> 3x4
                    "tensor<1x2x5x10xf32> to tensor<1x2x6x10xf32>", "dense<[2, 3, 2]> : tensor<3xi64>",
                    "arith.cmpi slt", "arith.sitofp", "arith.divf",
                    "linalg.pooling_nchw_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(",
                    " : tensor<1x2x5x8xf32>, tensor<2x2xf32>) outs(",  # 5x8 -> 4x7: windows of 2 at stride 1
                    "-> (d0, d1, (d2 * 3) floordiv 2 + d5, (d3 * 5) floordiv 3 + d6, d4 + d7)>",
                    "arith.maximumf %out"])
                self.assertEqual(r.route, trace)

    def test_conv3d_batchnorm3d_and_3d_pooling(self):
        """Video-model ops on both routes: the named 3-D convolutions, a grouped one and 3-D
        pooling as linalg.generic window ops (no NCDHW named op), batch-norm on 5-D."""
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(Video3d(), [torch.randn(1, 4, 5, 9, 8)], trace=trace, expect=[
                    "linalg.conv_3d_ncdhw_fcdhw {dilations = dense<1> : vector<3xi64>, strides = dense<[1, 2, 2]> "
                    ": vector<3xi64>}", "linalg.depthwise_conv_3d_ncdhw_cdhw",
                    "tensor<8x1x3x3x3xf32> into tensor<8x3x3x3xf32>", "math.rsqrt", "0xFF800000",
                    "(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2 * 2 + d5, d3 * 2 + d6, d4 * 2 + d7)",
                    "(d0, d1, d6, d3 + d7, d4 + d8, d5 + d9)"])
                self.assertEqual(r.route, trace)
                self.assertNotIn("pooling_", r.text)
                self.assertEqual(r.text.count("linalg.conv_3d_ncdhw_fcdhw"), 1)

    def test_conv_functions(self):
        """F.conv1d/2d/3d (subclasses of the conv modules reach them on fx) lower as the modules do."""
        class Functions(nn.Module):
            def __init__(self):
                super().__init__()
                self.c1, self.c2 = nn.Conv1d(2, 4, 3), nn.Conv2d(2, 2, 3, groups=2, bias=False)
                self.c3 = nn.Conv3d(2, 2, (1, 3, 3), stride=(1, 2, 1))

            def forward(self, x):
                y = F.conv1d(x.flatten(2), self.c1.weight, self.c1.bias, padding="same", dilation=2)
                z = F.conv2d(x.mean(2), self.c2.weight, None, 1, 1, 1, 2)
                return y, z, F.conv3d(x, self.c3.weight, self.c3.bias, stride=(1, 2, 1), padding=(0, 1, 0))

        self.check(Functions(), [torch.randn(1, 2, 2, 5, 6)], trace="fx",
                   expect=["loc(\"conv3d\")", "linalg.conv_3d_ncdhw_fcdhw", "linalg.depthwise_conv_2d_nchw_chw",
                           "dense_resource<c1_weight>"])

    def test_batchnorm_relu_relu6_residual(self):
        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(4, 4, 3, padding=1, bias=False)
                self.bn = nn.BatchNorm2d(4)
                self.act = nn.ReLU6()

            def forward(self, x):
                return F.relu(self.act(self.bn(self.conv(x))) + x)

        r = self.check(Block(), [torch.randn(1, 4, 6, 6)],
                       ["dense_resource<bn_running_mean>", "dense_resource<bn_running_var>", "math.rsqrt",
                        "arith.minimumf", "arith.maximumf", "arith.addf"])
        self.assertEqual(r.resource_count, 5)

    def test_pooling_flatten_linear(self):
        m = nn.Sequential(nn.MaxPool2d(3, 2, 1), nn.MaxPool2d(2, ceil_mode=True), nn.AvgPool2d(2, 1),
                          nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.5), nn.Linear(4, 3))
        self.check(m, [torch.randn(1, 4, 13, 13)],
                   ["linalg.pooling_nchw_max", "0xFF800000", "linalg.pooling_nchw_sum", "tensor.collapse_shape",
                    "linalg.transpose", "permutation = [1, 0]", "linalg.matmul"])

    def test_linear_on_3d_input(self):
        r = self.check(nn.Sequential(nn.Linear(8, 5), nn.GELU(), nn.Linear(5, 2, bias=False)), [torch.randn(1, 7, 8)],
                       ["tensor<1x7x8xf32> into tensor<7x8xf32>", "linalg.matmul", "math.erf", "output_shape [1, 7, 5]"])
        self.assertNotIn("batch_matmul", r.text)

    def test_attention_ops(self):
        self.check(Attention(), [torch.randn(1, 6, 16)],
                   ["linalg.batch_matmul", "linalg.transpose", "arith.maximumf", "math.exp", "arith.divf"])

    def test_hardswish_and_hardsigmoid(self):
        # MobileNetV3's activations, as modules and as functions.
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 3)
                self.act = nn.Hardswish()

            def forward(self, x):
                y = self.act(self.conv(x))
                return y * nn.functional.hardsigmoid(y)

        self.check(M(), [torch.randn(1, 3, 8, 8) * 4], ["arith.minimumf", "arith.maximumf"])

    def test_matmul_operator_and_t(self):
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(16, 32)
                self.w = nn.Parameter(torch.randn(8, 32))

            def forward(self, x):
                return torch.relu(self.a(x)) @ self.w.t()

        self.check(M(), [torch.randn(2, 16)], ["linalg.matmul", "linalg.transpose"])

    def test_layernorm_gelu_tanh_embedding(self):
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(11, 6)
                self.norm = nn.LayerNorm(6, eps=1e-12)
                self.act = nn.GELU(approximate="tanh")

            def forward(self, ids):
                return torch.tanh(self.act(self.norm(self.emb(ids))))

        self.check(M(), [torch.tensor([[3, 0, 10, 5]])],
                   ["tensor.extract", "arith.index_cast", "linalg.index 2", "math.tanh", '"reduction"', "1.0e-12"])

    def test_slicing_and_methods(self):
        self.check(Slicing(), [torch.randn(1, 4, 6)], ["tensor.extract_slice", "tensor.concat"])

    def test_tiny_bert_matches_torch(self):
        torch.manual_seed(0)
        b = models.BertModel(vocab_size=50, hidden=16, num_layers=2, heads=2, ffn=32, max_position=16, seq_len=8)
        for p in b.parameters():
            p.data.uniform_(-0.5, 0.5)
        r = self.check(b, [torch.randint(0, 50, (1, 8))],
                       ["func.func @forward(%arg0: tensor<1x8xi64>) -> tensor<1x16xf32>",
                        "dense_resource<encoder_layers_1_self_attn_in_proj_weight> : tensor<48x16xf32>",
                        "dense<[[0, 1, 2, 3, 4, 5, 6, 7]]> : tensor<1x8xi64>"])
        self.assertNotIn("position_ids", r.text)

    def test_average_pooling_not_counting_padding_ceil_mode_and_divisor_override(self):
        """Each window divided by the positions torch counts (not the padding with
        count_include_pad=False; never ceil_mode's overhang past the padding), computed from
        linalg.index in the dividing generic, so no weight; on both routes, equal to torch."""
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(AvgPools(), [torch.randn(1, 2, 8, 9)], trace=trace, expect=[
                    "linalg.pooling_nchw_sum", "arith.minsi", "arith.maxsi", "arith.index_cast", "arith.divf"])
                self.assertEqual(r.route, trace)
                self.assertEqual(r.resource_count, 0)

    def test_local_response_norm(self):
        """nn.LocalResponseNorm and F.local_response_norm: on fx the emitter's form (channels
        zero-padded, a window generic summing squares, math.powf), on aten the ATen ops
        local_response_norm is written in (pad, avg_pool3d, pow); equal to torch, no weights."""
        x = torch.randn(1, 7, 4, 5) * 2
        for trace in ("fx", "aten"):
            with self.subTest(trace=trace):
                r = self.check(LocalResponseNorms(), [x], trace=trace, expect=["math.powf", "tensor.pad"])
                self.assertEqual(r.route, trace)
                self.assertEqual(r.resource_count, 0)
                if trace == "fx":
                    self.assertIn("(d0, d1 + d4, d2, d3)", r.text)

    def test_rnn_tanh_and_relu_by_the_aten_route(self):
        """nn.RNN stops fx (the note names it) and takes the aten route as nn.LSTM / nn.GRU do: traced
        on the real inputs, rnn_tanh / rnn_relu unrolled into addmm + tanh / relu per step; forward
        and bidirectional, 2 layers, batch_first; each weight one constant, equal to torch."""
        torch.manual_seed(0)
        for kw, x in ((dict(), torch.randn(3, 1, 4)),
                      (dict(nonlinearity="relu", num_layers=2, bidirectional=True, batch_first=True),
                       torch.randn(2, 3, 4))):
            with self.subTest(**kw):
                m = Rnn(**kw).eval()
                for p in m.parameters():
                    nn.init.uniform_(p, -0.5, 0.5)
                r = import_module(m, x, trace="auto", inline_weights=True)
                self.assertEqual(r.route, "aten")
                self.assertIn("forward unpacks the tuple that nn.RNN 'rnn' returns", r.fallback_reason)
                self.assertIn("math.tanh" if not kw else "arith.maximumf", r.text)
                support.mlir_opt(self, r.text)
                with torch.no_grad():
                    ref = m(x)
                support.run_numeric(self, r.text, [x.numpy()], [t.numpy() for t in ref])
                r = import_module(m, x, trace="aten")
                self.assertEqual(r.resource_elements, sum(p.numel() for p in m.parameters()))

    def test_instance_norm_with_running_statistics_in_eval(self):
        """InstanceNorm with track_running_stats=True in eval mode normalises with its running
        statistics: batch-norm's lowering on fx (the statistics kept buffers, equal to torch). The
        aten route stays refused: ATen's instance_norm writes the averaged statistics back into the
        buffers (copy_) even in eval."""
        m = nn.Sequential(nn.Conv2d(3, 4, 1), nn.InstanceNorm2d(4, affine=True, track_running_stats=True),
                          nn.Flatten(2), nn.InstanceNorm1d(4, track_running_stats=True))
        torch.manual_seed(0)
        for norm in (m[1], m[3]):
            norm.running_mean.uniform_(-0.5, 0.5)
            norm.running_var.uniform_(0.5, 2.0)
        m.eval()
        x = torch.randn(1, 3, 5, 5)
        r = import_module(m, x, trace="auto", inline_weights=True)
        self.assertEqual(r.route, "fx")
        self.assertEqual(r.kept_buffer_count, 16)
        self.assertEqual(r.resource_elements, r.parameter_count + 16)
        self.assertNotIn("num_batches_tracked", r.text)
        support.mlir_opt(self, r.text)
        with torch.no_grad():
            support.run_numeric(self, r.text, [x.numpy()], [m(x).numpy()])
        with self.assertRaisesRegex(UnsupportedError, r"aten node 'copy_' .*ATen op is not supported"):
            import_module(m, x, trace="aten")

    def test_instance_norm_of_an_unbatched_input(self):
        """InstanceNorm1d on C x L and InstanceNorm2d on C x H x W, which torch takes unbatched: normalised
        per channel as a batch of one. The fx route read C x L as N x C x L (all zeros out), and with
        affine=True wrote MLIR that did not verify (outside tester s44)."""
        class Unbatched(nn.Module):
            def __init__(self):
                super().__init__()
                self.n1 = nn.InstanceNorm1d(4)
                self.n1a = nn.InstanceNorm1d(4, affine=True)
                self.n2 = nn.InstanceNorm2d(3, affine=True)
                self.r1 = nn.InstanceNorm1d(4, affine=True, track_running_stats=True)
                self.r3 = nn.InstanceNorm3d(3, track_running_stats=True)

            def forward(self, x, y, z):
                return self.n1(x), self.n1a(x), self.n2(y), self.r1(x), self.r3(z)

        m = Unbatched()
        torch.manual_seed(0)
        for norm in m.children():
            if norm.affine:
                norm.weight.data.uniform_(0.5, 1.5)
                norm.bias.data.uniform_(-1, 1)
            if norm.track_running_stats:
                norm.running_mean.uniform_(-0.5, 0.5)
                norm.running_var.uniform_(0.5, 2.0)
        m.eval()
        inputs = [torch.randn(4, 9), torch.randn(3, 5, 6), torch.randn(3, 2, 3, 4)]
        r = import_module(m, inputs, trace="fx", inline_weights=True)
        self.assertEqual(r.route, "fx")
        self.assertEqual(r.resource_elements, r.parameter_count + 14)  # the running statistics
        support.mlir_opt(self, r.text)
        with torch.no_grad():
            support.run_numeric(self, r.text, [i.numpy() for i in inputs], [o.numpy() for o in m(*inputs)])


@support.needs_torch
class UnsupportedOpTest(unittest.TestCase):
    def test_unsupported_module_names_node_and_path(self):
        m = bad_model()
        with self.assertRaises(UnsupportedError) as cm:
            import_module(m, torch.randn(1, 3, 4, 4))
        msg = str(cm.exception)
        self.assertIn("fx node '_1'", msg)
        self.assertIn("call_module 1", msg)
        self.assertIn("Upsample", msg)

    def test_quantized_modules_are_refused_naming_them_and_auto_takes_the_onnx_route(self):
        """An eager-mode quantized model (convert) and a QAT one (prepare_qat: fake-quant modules)
        are one-line errors on the fx and aten routes, naming the quantized module and --trace onnx;
        the CLI's default --trace auto imports them through torch.onnx.export, with a note."""
        factory = ("import torch, torch.nn as nn, torch.ao.quantization as tq\n"
                   "def make(qat=False):\n"
                   "    torch.backends.quantized.engine = next(e for e in ('qnnpack', 'fbgemm')\n"
                   "                                           if e in torch.backends.quantized.supported_engines)\n"
                   "    m = nn.Sequential(tq.QuantStub(), nn.Conv2d(3, 4, 3), nn.ReLU(), tq.DeQuantStub())\n"
                   "    m.qconfig = tq.get_default_qat_qconfig(torch.backends.quantized.engine, 0) if qat else \\\n"
                   "        tq.get_default_qconfig(torch.backends.quantized.engine)\n"
                   "    (tq.prepare_qat if qat else tq.prepare)(m.train(qat), inplace=True)\n"
                   "    m(torch.randn(1, 3, 6, 6))\n"
                   "    if qat:\n"
                   "        m.apply(tq.disable_observer)\n"
                   "        return m.eval(), [torch.randn(1, 3, 6, 6)]\n"
                   "    return tq.convert(m.eval()), [torch.randn(1, 3, 6, 6)]\n"
                   "def make_qat():\n"
                   "    return make(True)\n")
        with support.factory_module("qnet", factory) as (qnet, d):
            for name, want in (("make", "'0' (torch.ao.nn.quantized.modules.Quantize)"),
                               ("make_qat", "'0.activation_post_process' (torch.ao.quantization.fake_quantize.")):
                m, ins = getattr(qnet, name)()
                for trace in ("fx", "aten", "auto"):
                    with self.subTest(name, trace=trace), self.assertRaises(UnsupportedError) as cm:
                        import_module(m, ins, trace=trace)
                    self.assertNotIn("\n", str(cm.exception))
                    self.assertIn(f"Sequential is quantized ({want}", str(cm.exception))
                    self.assertIn("--trace onnx imports it", str(cm.exception))
            if not support.HAVE_ONNX:
                return
            for name in ("make", "make_qat"):
                p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                    f"qnet:{name}"], capture_output=True, text=True, timeout=120, cwd=d)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn(f"egrl-import: note: qnet:{name} is quantized (", p.stderr)
                self.assertIn("used the onnx route", p.stderr)
                self.assertIn("linalg.conv_2d_nchw_fchw", p.stdout)

    def test_float_model_with_float_functional_and_stubs_is_not_quantized(self):
        """A float model prepared for eager-mode quantization but not converted (QuantStub and
        DeQuantStub, identities until then; FloatFunctional's add_relu / mul / cat, torch.add,
        relu, ... until convert swaps them for QFunctional) imports as the float model it is: fx
        and aten take it and equal torch, and --trace auto uses fx, not the onnx route whose export
        merged its untrained batch-norms' equal statistics (844 weight elements for 892, and
        batch-norm generics reading another constant's name)."""
        import json

        from egrl_import.torch_import import quantized_part

        tq = torch.ao.quantization
        factory = ("import torch, torch.nn as nn, torch.ao.quantization as tq\n"
                   "class Net(nn.Module):\n"
                   "    def __init__(self):\n"
                   "        super().__init__()\n"
                   "        self.q, self.dq = tq.QuantStub(), tq.DeQuantStub()\n"
                   "        self.c1 = nn.Conv2d(3, 8, 3, bias=False); self.b1 = nn.BatchNorm2d(8)\n"
                   "        self.c2 = nn.Conv2d(8, 8, 3, bias=False); self.b2 = nn.BatchNorm2d(8)\n"
                   "        self.fc = nn.Linear(16, 4)\n"
                   "        self.add, self.mul = torch.ao.nn.quantized.FloatFunctional(), torch.nn.quantized.FloatFunctional()\n"
                   "        self.cat = torch.ao.nn.quantized.FXFloatFunctional()\n"
                   "    def forward(self, x):\n"
                   "        x = torch.relu(self.b1(self.c1(self.q(x))))\n"
                   "        y = self.add.add_relu(self.b2(self.c2(x)), x[:, :, 1:-1, 1:-1])\n"
                   "        y = self.cat.cat([self.mul.mul(y, y), self.mul.add_scalar(y, 1.0)], 1)\n"
                   "        return self.dq(self.fc(y.mean((2, 3))))\n"
                   "def make():\n"
                   "    torch.manual_seed(0)\n"
                   "    return Net().eval(), [torch.randn(1, 3, 12, 12)]\n")
        with support.factory_module("ffnet", factory) as (ffnet, d):
            m, (x,) = ffnet.make()
            self.assertIsNone(quantized_part(m))
            with torch.no_grad():
                ref = m(x.clone()).numpy()
            weights = 216 + 576 + 4 * 16 + 16 * 4 + 4  # convs, batch-norms (with statistics), linear
            for trace in ("fx", "aten"):
                with self.subTest(trace=trace):
                    r = import_module(m, [x.clone()], trace=trace, inline_weights=True)
                    self.assertEqual(r.resource_elements, weights)
                    support.run_numeric(self, r.text, [x.numpy()], [ref])
            # A converted model still is quantized.
            conv = nn.Sequential(tq.QuantStub(), nn.Conv2d(3, 4, 3), tq.DeQuantStub())
            conv.qconfig = tq.default_qconfig
            tq.prepare(conv.eval(), inplace=True)
            conv(torch.randn(1, 3, 6, 6))
            tq.convert(conv, inplace=True)
            self.assertIn("torch.ao.nn.quantized.modules", quantized_part(conv))
            routes = ("auto", "onnx") if support.HAVE_ONNX else ("auto",)
            for trace in routes:
                with self.subTest(cli=trace):
                    p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                        "ffnet:make", "--trace", trace, "--stats", "-", "-o", os.devnull],
                                       capture_output=True, text=True, timeout=120, cwd=d)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertNotIn("quantized", p.stderr)
                    stats = json.loads(p.stderr.strip().splitlines()[-1])
                    self.assertEqual(stats["route"], "fx" if trace == "auto" else "onnx")
                    self.assertEqual(stats["weight_elements"], weights)

    def test_torchscript_modules_take_the_onnx_route(self):
        """A torch.jit.trace'd module (whose forward is a ScriptMethod, without a Python signature:
        the CLI's arity check was a 32-line ValueError traceback) and a torch.jit.script'ed one are
        one-line errors on the fx and aten routes, which trace Python code; --trace auto imports
        them through torch.onnx.export with a note, equal to torch, and the arity check reads the
        ScriptMethod's schema."""
        import json

        factory = ("import torch, torch.nn as nn\n"
                   "def module():\n"
                   "    torch.manual_seed(0)\n"
                   "    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3)).eval()\n"
                   "class Two(nn.Module):\n"
                   "    def forward(self, a, b):\n"
                   "        return a * b\n"
                   "def make_traced():\n"
                   "    return torch.jit.trace(module(), torch.randn(1, 3, 8, 8)), [torch.randn(1, 3, 8, 8)]\n"
                   "def make_script():\n"
                   "    return torch.jit.script(module()), [torch.randn(1, 3, 8, 8)]\n"
                   "def make_two():\n"
                   "    return torch.jit.trace(Two(), (torch.randn(2), torch.randn(2))), [torch.randn(2)]\n")
        with support.factory_module("jitnet", factory) as (jitnet, d):
            for name, how in (("make_traced", "torch.jit.trace"), ("make_script", "torch.jit.script")):
                m, ins = getattr(jitnet, name)()
                for trace in ("fx", "aten", "auto"):
                    with self.subTest(name, trace=trace), self.assertRaises(UnsupportedError) as cm:
                        import_module(m, ins, trace=trace)
                    self.assertNotIn("\n", str(cm.exception))
                    self.assertIn(f"is a TorchScript module ({how} of Sequential): the fx and aten routes "
                                  "trace Python code", str(cm.exception))
                    self.assertIn("--trace onnx imports it", str(cm.exception))
                with torch.no_grad():
                    ref = m(ins[0].clone()).numpy()
                if not support.HAVE_ONNX:
                    continue
                out = os.path.join(d, name + ".mlir")
                p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                    f"jitnet:{name}", "--inline-weights", "-o", out, "--stats", "-"],
                                   capture_output=True, text=True, timeout=120, cwd=d)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn(f"egrl-import: note: jitnet:{name} is a TorchScript module ({how} of "
                              "Sequential); used the onnx route (torch.onnx.export)", p.stderr)
                self.assertNotIn("Traceback", p.stderr)
                self.assertEqual(json.loads(p.stderr.strip().splitlines()[-1])["weight_elements"], 547)
                with open(out) as f:
                    support.run_numeric(self, f.read(), [ins[0].numpy()], [ref])
            p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                "jitnet:make_two", "--trace", "onnx"], capture_output=True, text=True, timeout=120, cwd=d)
            self.assertEqual(p.returncode, 1)
            self.assertEqual(p.stderr, "egrl-import: error: TopLevelTracedModule.forward takes 2 inputs (a, b), the "
                                       "example has 1: give --input-shape once per input\n")

    def test_values_read_out_of_run_time_tensors_are_refused_on_every_route(self):
        """x / x.abs().max().item() (peak normalisation), an argmax's .item() as an index, .tolist(),
        int(t) and float(t): the fx route (so --trace auto) and the onnx route's export held the
        example input's value as a constant, silently (0.73 and 2.9 off torch on other inputs, outside
        tester s44); every route now refuses them in one line. Shapes (x.size(1) // 2, x.shape[-1] ** 0.5,
        traced as tensors by the export) and the .item() of a buffer or of a parameter's values stay
        constants, and compute what torch computes on any input."""
        import onnx

        from egrl_import import cli
        from egrl_import.onnx_import import import_onnx

        class PeakNorm(nn.Module):
            def forward(self, x):
                return x / x.abs().max().item()

        class TokenIndex(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(10, 4)

            def forward(self, h):
                return self.emb.weight[h[0, :10].argmax().item()] + h[0, :4]

        class ToList(nn.Module):
            def forward(self, x):
                return x * x[0].tolist()[0]

        class Count(nn.Module):
            def forward(self, x):
                return x * int((x > 0).sum())

        class Peak(nn.Module):
            def forward(self, x):
                return x / float(x.abs().max())

        x = torch.randn(1, 12)
        fx_says = {PeakNorm: "fx node 'item' (call_method item): Tensor.item() reads a Python float out of a "
                             "run-time tensor (",
                   TokenIndex: "fx node 'item' (call_method item): Tensor.item() reads a Python int out of a "
                               "run-time tensor (",
                   ToList: "fx node 'tolist' (call_method tolist): Tensor.tolist() reads a Python list out of"}
        for kind, message in fx_says.items():
            with self.subTest(kind=kind.__name__, trace="fx"):
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(kind().eval(), x, trace="fx")
                self.assertIn(message, str(cm.exception))
                self.assertIn("which the graph would hold as a constant for every input: not supported",
                              str(cm.exception))
        for kind in (PeakNorm, TokenIndex, ToList, Count, Peak):
            for trace in ("auto", "aten"):
                with self.subTest(kind=kind.__name__, trace=trace):
                    with self.assertRaises(UnsupportedError) as cm:
                        import_module(kind().eval(), x, trace=trace)
                    self.assertRegex(str(cm.exception), f"make_fx cannot trace {kind.__name__}: "
                                     r".*test_torch_import\.py:\d+: it reads a Python value out of a traced tensor")
                    self.assertNotIn("\n", str(cm.exception))
        said = {PeakNorm: "Tensor.item() reads a Python number", TokenIndex: "Tensor.item() reads a Python number",
                ToList: "Tensor.tolist() reads a Python list", Count: "int(tensor) reads a Python integer",
                Peak: "float(tensor) reads a Python float"}
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            for kind, message in said.items():
                with self.subTest(kind=kind.__name__, trace="onnx"):
                    with self.assertRaises(UnsupportedError) as cm:
                        cli._export_onnx(kind().eval(), [x], 17, path)
                    self.assertRegex(str(cm.exception), r"test_torch_import\.py:\d+: " + re.escape(message) +
                                     " out of a tensor computed from the inputs, which torch.onnx.export records "
                                     "as the example input's value")
            for name in ("item", "tolist", "__int__", "__float__", "__index__"):
                self.assertNotIn(name, torch.Tensor.__dict__)  # restored

        class Shapes(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(6, 6)
                self.register_buffer("scale", torch.tensor(2.0))

            def forward(self, x):
                half = x.size(1) // 2
                y = x.view(-1, half, 2, x.shape[2]) / x.shape[-1] ** 0.5 * x.size(2)
                k = self.lin.weight.abs().max().item() + self.scale.item()
                return self.lin(y.reshape(x.shape)) * k * x.dim() + torch.zeros_like(x)

        m = _randomize(Shapes())
        example, other = torch.randn(1, 4, 6), torch.randn(1, 4, 6) * 3
        with torch.no_grad():
            ref = m(other).numpy()
        r = import_module(m, example, trace="fx", inline_weights=True)
        self.assertEqual(r.route, "fx")
        support.run_numeric(self, r.text, [other.numpy()], [ref])
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "m.onnx")
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                cli._export_onnx(m, [example], 17, path)
            self.assertEqual(err.getvalue(), "")
            support.run_numeric(self, import_onnx(onnx.load(path), inline_weights=True).text, [other.numpy()], [ref])

    def test_unsupported_function(self):
        class M(nn.Module):
            def forward(self, x):
                return torch.cumprod(x, 1)

        with self.assertRaises(UnsupportedError) as cm:
            import_module(M(), torch.randn(1, 5))
        self.assertIn("fx node 'cumprod'", str(cm.exception))
        self.assertIn("cumprod", str(cm.exception))

    def test_errors_name_the_module_path(self):
        """An unsupported op inside a submodule's forward is named with the module's path and type
        on both routes (ONNX node names carry it: /block/block.1/...), and so is
        a node whose lowering fails in the emitter (a transposed conv padded beyond the kernel's reach)."""
        class Inner(nn.Module):
            def forward(self, x):
                return torch.cumprod(x, -1)

        class Outer(nn.Module):
            def __init__(self):
                super().__init__()
                self.block = nn.Sequential(nn.Linear(8, 8), Inner())

            def forward(self, x):
                return self.block(x)

        class Adaptive(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(torch.randn(4, 2, 3, 3))

            def forward(self, x):
                return F.conv_transpose2d(x, self.w, padding=3)

        class Owner(nn.Module):  # owns its parameter: torch.func swaps its class while tracing
            def __init__(self):
                super().__init__()
                self.scale = nn.Parameter(torch.ones(8))

            def forward(self, x):
                return torch.cumprod(x * self.scale, 1)

        cases = ((nn.Sequential(nn.Linear(8, 8), Owner()), torch.randn(1, 8), {
                     "aten": "aten node 'cumprod' (call_function aten.cumprod.default) in module '1' (Owner): "}),
                 (Outer(), torch.randn(1, 8), {
                     "fx": "fx node 'cumprod' (call_function cumprod) in module 'block.1' (Inner): function ",
                     "aten": "aten node 'cumprod' (call_function aten.cumprod.default) in module 'block.1' (Inner): "
                             "ATen op is not supported"}),
                 (Adaptive(), torch.randn(1, 4, 8, 8), {
                     "fx": "fx node 'conv_transpose2d' (call_function conv_transpose2d): transposed conv: padding "
                           "[3, 3] beyond the kernel's reach is not supported",
                     "aten": "aten node 'convolution' (call_function aten.convolution.default): transposed conv: "
                             "padding [3, 3] beyond the kernel's reach is not supported"}))
        for m, x, messages in cases:
            for trace, message in messages.items():
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(m.eval(), x, trace=trace)
                self.assertIn(message, str(cm.exception))
                self.assertNotIn("\n", str(cm.exception))
        # A module's own node is named by its path already: no "in module".
        with self.assertRaises(UnsupportedError) as cm:
            import_module(nn.Sequential(nn.Sequential(bad_model())), torch.randn(1, 3, 4, 4))
        self.assertIn("fx node '_0_0_1' (call_module 0.0.1 (Upsample)): ", str(cm.exception))

    def test_arguments_left_at_their_default_and_inputs_that_are_not_tensors(self):
        class Masked(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(8, 8)

            def forward(self, x, mask=None):  # mask unused, as in many models
                return self.fc(x)

        # fx sees `mask` as an input it has no example for; auto takes aten.
        with self.assertRaises(UnsupportedError) as cm:
            import_module(Masked(), torch.randn(1, 8), trace="fx")
        self.assertIn("more arguments than the 1 example input(s)", str(cm.exception))
        r = import_module(Masked(), torch.randn(1, 8), trace="auto")
        self.assertEqual(r.route, "aten")
        self.assertIn("more arguments", r.fallback_reason)
        for bad in ({"x": torch.randn(1, 8)}, 3):
            with self.assertRaises(UnsupportedError) as cm:
                import_module(Masked(), [bad])
            self.assertIn("example inputs must be tensors", str(cm.exception))

    def test_numbers_given_as_tensors_and_lowering_bugs_are_one_line_errors(self):
        """A run-time tensor where a lowering takes a number (leaky_relu's slope) is an error naming
        the node, not a Python TypeError; so is any other Python error while a node is lowered (a
        bug in the importer), on either route, and with --trace auto the aten route still runs."""
        class Slope(nn.Module):
            def forward(self, x, s):
                return F.leaky_relu(x, s)

        inputs = [torch.randn(2, 8), torch.tensor(0.1)]
        with self.assertRaises(UnsupportedError) as cm:
            import_module(Slope(), inputs, trace="fx")
        self.assertEqual(str(cm.exception), "fx node 'leaky_relu' (call_function leaky_relu): a tensor "
                                            "(tensor<f32>) where a number is expected is not supported")

        from unittest import mock
        from egrl_import.torch_import import _FxImporter
        m, x = nn.Sequential(nn.Linear(4, 4), nn.ReLU()), torch.randn(1, 4)
        with mock.patch.object(_FxImporter, "_module", side_effect=TypeError("boom\nsecond line")):
            with self.assertRaises(UnsupportedError) as cm:
                import_module(m, x, trace="fx")
            self.assertEqual(str(cm.exception), "fx node '_0' (call_module 0 (Linear)): internal error: "
                                                "TypeError: boom")
            r = import_module(m, x, trace="auto")
            self.assertEqual(r.route, "aten")
            self.assertIn("internal error: TypeError: boom", r.fallback_reason)
        with mock.patch("egrl_import.mlir.Emitter.unary", side_effect=KeyError("k")):
            with self.assertRaises(UnsupportedError) as cm:
                import_module(m, x, trace="auto")
        self.assertEqual(str(cm.exception), "fx node '_1' (call_module 1 (ReLU)): internal error: KeyError: 'k' "
                                            "(the aten route failed too: aten node 'relu' (call_function "
                                            "aten.relu.default) in module '1' (ReLU): internal error: KeyError: 'k')")

    def test_3d_forms_still_unsupported_are_one_line_errors(self):
        """Max-pool and adaptive max-pool indices and an unbatched input to a 3-D pooling module
        (which a 2-D pooling over its last dims would get wrong)."""
        class Indices(nn.Module):
            def forward(self, x):
                return F.max_pool3d(x, 2, return_indices=True)[1].float()

        class AdaptiveIndices(nn.Module):
            def forward(self, x):
                return F.adaptive_max_pool3d(x, 3, return_indices=True)[1].float()

        cases = ((Indices(), torch.randn(1, 2, 4, 4, 4), {
                     "fx": "function torch.nn.functional.max_pool3d_with_indices is not supported",
                     "aten": "the indices of a max-pool are not supported (its values are)"}),
                 (AdaptiveIndices(), torch.randn(1, 2, 4, 6, 6), {
                     "fx": "function torch.nn.functional.adaptive_max_pool3d_with_indices is not supported",
                     "aten": "the indices of an adaptive max-pool are not supported (its values are)"}),
                 (nn.MaxPool3d(2), torch.randn(2, 4, 4, 4), {
                     "fx": "3-D pooling of a rank-4 input is not supported",
                     "aten": "3-D pooling of a rank-4 input is not supported"}))
        for m, x, messages in cases:
            for trace, message in messages.items():
                with self.subTest(m=type(m).__name__, trace=trace):
                    with self.assertRaises(UnsupportedError) as cm:
                        import_module(m.eval(), x, trace=trace)
                    self.assertIn(message, str(cm.exception))
                    self.assertNotIn("\n", str(cm.exception))

    def test_unbatched_convolution_is_refused_on_fx_and_imported_by_aten(self):
        """nn.Conv1d on C x L (and F.conv2d on C x H x W), which torch takes unbatched: the fx route
        said "internal error: ValueError: not enough values to unpack" (outside tester s44); now one
        line, and --trace auto imports it on the aten route, equal to torch."""
        class Functional(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = nn.Parameter(torch.randn(3, 4, 3, 3))

            def forward(self, x):
                return F.conv2d(x, self.w, stride=2)

        cases = ((nn.Conv1d(4, 3, 3, padding=1), torch.randn(4, 9),
                  "fx node '_0' (call_module 0 (Conv1d)): convolution of a rank-2 input with a rank-3 weight"),
                 (Functional(), torch.randn(4, 7, 9),
                  "fx node 'conv2d' (call_function conv2d): convolution of a rank-3 input with a rank-4 weight"))
        for m, x, message in cases:
            m = nn.Sequential(m).eval() if isinstance(m, nn.Conv1d) else m.eval()
            with self.subTest(m=type(m).__name__):
                with self.assertRaises(UnsupportedError) as cm:
                    import_module(m, x, trace="fx")
                self.assertEqual(str(cm.exception), f"{message} is not supported (batched inputs only; the aten "
                                                    "route takes an unbatched one: --trace aten)")
                r = import_module(m, x, trace="auto", inline_weights=True)
                self.assertEqual(r.route, "aten")
                with torch.no_grad():
                    support.run_numeric(self, r.text, [x.numpy()], [m(x).numpy()])

    def test_function_names_that_are_not_identifiers_are_quoted(self):
        r = import_module(nn.Linear(4, 4), torch.randn(1, 4), func_name="my-func")
        self.assertIn('func.func @"my-func"(', r.text)
        support.mlir_opt(self, r.text)

    def test_untraceable_module(self):
        layer = nn.TransformerEncoderLayer(16, 2, 32, batch_first=True)
        with self.assertRaises(UnsupportedError) as cm:
            import_module(nn.Sequential(layer), torch.randn(1, 4, 16))
        self.assertIn("TransformerEncoderLayer", str(cm.exception))

    def test_cli_finds_a_model_in_the_current_directory(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "usernet.py"), "w") as f:
                f.write("import torch.nn as nn\n"
                        "def make():\n"
                        "    return nn.Sequential(nn.Linear(4, 3), nn.ReLU())\n")
            p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                "usernet:make", "--input-shape", "1,4"],
                               capture_output=True, text=True, timeout=120, cwd=d)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("linalg.matmul", p.stdout)
            # The factory's module is in training mode (nn.Module's default):
            # imported for inference, with a note.
            self.assertIn("egrl-import: note: usernet:make is in training mode; it is imported for inference",
                          p.stderr)
            p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                "usernet:missing", "--input-shape", "1,4"],
                               capture_output=True, text=True, timeout=120, cwd=d)
            self.assertEqual(p.returncode, 1)
            self.assertIn("egrl-import: error: cannot load 'usernet:missing'", p.stderr)

    def test_cli_takes_one_input_shape_per_input(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "twoinputs.py"), "w") as f:
                f.write("import torch.nn as nn\n"
                        "class M(nn.Module):\n"
                        "    def __init__(self):\n"
                        "        super().__init__()\n"
                        "        self.emb = nn.Embedding(100, 16)\n"
                        "    def forward(self, ids, mask):\n"
                        "        return self.emb(ids) * mask.unsqueeze(-1)\n"
                        "def make():\n"
                        "    return M()\n"
                        "def make_with_example():\n"
                        "    import torch\n"
                        "    return M(), [torch.zeros(1, 4, dtype=torch.int64), torch.ones(1, 4)]\n")

            def run(*flags, factory="twoinputs:make"):
                return subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                       factory, *flags], capture_output=True, text=True, timeout=120, cwd=d)

            # Without --input-dtype, the factory's example inputs keep their types (token ids
            # became float zeros, which the embedding refused with no word of --input-dtype).
            p = run("--input-shape", "1,8", "--input-shape", "1,8", factory="twoinputs:make_with_example")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("func.func @forward(%arg0: tensor<1x8xi64>, %arg1: tensor<1x8xf32>)", p.stdout)

            p = run("--input-shape", "1,8", "--input-shape", "1,8", "--input-dtype", "i64", "--input-dtype", "f32")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("func.func @forward(%arg0: tensor<1x8xi64>, %arg1: tensor<1x8xf32>)", p.stdout)
            p = run("--input-shape", "1,8", "--input-dtype", "i64")
            self.assertEqual(p.returncode, 1)
            self.assertIn("M.forward takes 2 inputs (ids, mask), the example has 1: give --input-shape once per input",
                          p.stderr)
            p = run("--input-shape", "1,8", "--input-shape", "1,8", "--input-dtype", "i64", "--input-dtype", "f32",
                    "--input-dtype", "f32")
            self.assertEqual(p.returncode, 1)
            self.assertIn("3 --input-dtype for 2 --input-shape", p.stderr)

    def test_cli_names_a_factory_that_fails_or_returns_no_module(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "factories.py"), "w") as f:
                f.write("import torch.nn as nn\n"
                        "def boom():\n"
                        "    raise ValueError('no weights here')\n"
                        "def number():\n"
                        "    return 42\n"
                        "def one():\n"
                        "    return (nn.ReLU(),)\n")
            expected = {"factories:boom": "factories:boom() failed: ValueError: no weights here",
                        "factories:number": "factories:number() returned int, not a torch.nn.Module",
                        "factories:one": "factories:one() returned a tuple of 1; return a module, or",
                        "torchvision:get_weight": "cannot build 'torchvision:get_weight': TypeError"}
            for spec, message in expected.items():
                p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                    spec, "--input-shape", "1,4"], capture_output=True, text=True, timeout=120,
                                   cwd=d)
                self.assertEqual(p.returncode, 1, spec)
                self.assertIn(f"egrl-import: error: {message}", p.stderr)
                self.assertNotIn("Traceback", p.stderr)

    def test_cli_reports_error_and_writes_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "x.mlir")
            env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__)))
            p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                "test_torch_import:bad_model", "--input-shape", "1,3,4,4", "-o", out],
                               capture_output=True, text=True, timeout=120, env=env)
            self.assertEqual(p.returncode, 1)
            self.assertIn("egrl-import: error: fx node", p.stderr)
            self.assertFalse(os.path.exists(out))

    def test_output_through_links_and_pipes_is_written_not_replaced(self):
        """-o writes a pipe or a device in place and through a symbolic link: a rename over them made the
        machine's /dev/null a regular file (run as root) and replaced a link (outside tester s40)."""
        from egrl_import.cli import write_output
        with tempfile.TemporaryDirectory() as d:
            real, link = os.path.join(d, "real.mlir"), os.path.join(d, "link.mlir")
            with open(real, "w") as f:
                f.write("old\n")
            os.symlink("real.mlir", link)
            write_output(link, "new\n")
            self.assertTrue(os.path.islink(link))
            with open(real) as f:
                self.assertEqual(f.read(), "new\n")
            fifo = os.path.join(d, "pipe")
            os.mkfifo(fifo)
            got = []
            reader = threading.Thread(target=lambda: got.append(open(fifo).read()), daemon=True)
            reader.start()
            write_output(fifo, "through the pipe\n")
            reader.join(timeout=30)
            self.assertEqual(got, ["through the pipe\n"])
            self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
            self.assertEqual(sorted(os.listdir(d)), ["link.mlir", "pipe", "real.mlir"])
            # A link whose file does not exist yet (the first run) stays a link.
            os.symlink("later.mlir", os.path.join(d, "dangling.mlir"))
            write_output(os.path.join(d, "dangling.mlir"), "first\n")
            self.assertTrue(os.path.islink(os.path.join(d, "dangling.mlir")))
            with open(os.path.join(d, "later.mlir")) as f:
                self.assertEqual(f.read(), "first\n")
            # A file replaced keeps its permissions.
            os.chmod(real, 0o600)
            write_output(real, "private\n")
            self.assertEqual(stat.S_IMODE(os.stat(real).st_mode), 0o600)


@support.needs_torch
class ModelTest(unittest.TestCase):
    def test_deterministic(self):
        for name in ("tiny_cnn",):
            m, inp = models.build(name)
            a = import_module(m, inp).text
            m2, inp2 = models.build(name)
            self.assertEqual(a, import_module(m2, inp2).text)
        b1 = models.BertModel(vocab_size=30, hidden=8, num_layers=1, heads=2, ffn=16, max_position=8, seq_len=4)
        b2 = models.BertModel(vocab_size=30, hidden=8, num_layers=1, heads=2, ffn=16, max_position=8, seq_len=4)
        ids = torch.zeros(1, 4, dtype=torch.long)
        self.assertEqual(import_module(b1, ids).text, import_module(b2, ids).text)

    def test_resnet50_parameter_count(self):
        m, inp = models.build("resnet50")
        r = import_module(m, inp)
        self.assertEqual(r.parameter_count, 25_557_032)
        bn = sum(2 * x.num_features for x in m.modules() if isinstance(x, nn.BatchNorm2d))
        self.assertEqual(r.resource_elements, 25_557_032 + bn)
        self.assertEqual(r.text.count("linalg.conv_2d_nchw_fchw"), 53)

    def test_torchvision_video_models_take_a_clip(self):
        """torchvision:video.NAME builds the video models on the clip their weights document
        (1x3x16x112x112 for the video ResNets, 16 frames of 224x224 for S3D and MViT, which fail on
        112); their Conv3d subclasses import on fx (imported here on a smaller clip)."""
        from egrl_import.models import _video_clip
        import torchvision.models.video as video

        self.assertEqual([_video_clip(f) for f in (video.r3d_18, video.r2plus1d_18, video.s3d, video.mvit_v1_b,
                                                   video.mvit_v2_s)],
                         [(1, 3, 16, 112, 112)] * 2 + [(1, 3, 16, 224, 224)] * 3)
        m, inp = models.build("torchvision:video.mc3_18")
        self.assertEqual(tuple(inp[0].shape), (1, 3, 16, 112, 112))
        r = import_module(m, torch.randn(1, 3, 2, 16, 16), trace="fx")
        self.assertEqual(r.route, "fx")
        self.assertEqual(r.text.count("linalg.conv_3d_ncdhw_fcdhw"), 20)
        bn = sum(2 * x.num_features for x in m.modules() if isinstance(x, nn.BatchNorm3d))
        self.assertEqual(r.resource_elements, r.parameter_count + bn)
        self.assertEqual(r.parameter_count, sum(p.numel() for p in m.parameters()))

    def test_torchvision_classifiers_take_the_image_their_weights_document(self):
        """torchvision:NAME without --input-shape is built on the crop size its weights' transforms
        document, read from the weights enum (no download): Inception-V3 on 299 x 299, not the 224 x 224
        it was imported on silently (outside tester); 224 where the weights document no crop. A ViT is
        built for the size it is given (its position embedding is sized for one): ViT-H/14 on 518."""
        from unittest import mock

        import torchvision.models as tv

        from egrl_import.models import _image_size

        sizes = {f: _image_size(f) for f in (tv.inception_v3, tv.efficientnet_b1, tv.efficientnet_b7, tv.vit_h_14,
                                             tv.resnet50, tv.mobilenet_v2, tv.segmentation.fcn_resnet50, tv.get_weight)}
        self.assertEqual(list(sizes.values()), [(299, 299), (240, 240), (600, 600), (518, 518)] + [(224, 224)] * 4)
        with mock.patch("torch.hub.load_state_dict_from_url", side_effect=AssertionError("downloads")):
            m, inp = models.build("torchvision:inception_v3")
        self.assertEqual(tuple(inp[0].shape), (1, 3, 299, 299))
        # ViT-H/14 (633 M parameters) is not built: what it would be built with is checked.
        with mock.patch("torchvision.models.vision_transformer.VisionTransformer") as vit:
            _, inp = models.build("torchvision:vit_h_14")
        self.assertEqual(vit.call_args.kwargs["image_size"], 518)
        self.assertEqual(tuple(inp[0].shape), (1, 3, 518, 518))
        m, inp = models.build("torchvision:vit_b_32", image_size=(64, 64))
        self.assertEqual((m.image_size, tuple(m.eval()(inp[0]).shape)), (64, (1, 1000)))

    def test_cli_imports_a_torchvision_classifier_on_its_weights_image_size(self):
        """egrl-import torch torchvision:efficientnet_b1 (weights for 240 x 240, the cheapest model whose
        weights document another size than 224) imports a 240 x 240 input and says so; an explicit
        --input-shape wins, with nothing said."""
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "m.mlir")
            for extra, shape, note in (([], "1x3x240x240", True), (["--input-shape", "1,3,224,224"], "1x3x224x224",
                                                                         False)):
                p = subprocess.run([sys.executable, os.path.join(support.PYTHON_DIR, "egrl-import"), "torch",
                                    "torchvision:efficientnet_b1", "-o", out, *extra],
                                   capture_output=True, text=True, timeout=300)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(out) as f:
                    text = f.read()
                self.assertEqual(text.split("func.func @forward(%arg0: tensor<", 1)[-1].split("xf32>", 1)[0], shape)
                said = ("egrl-import: note: torchvision:efficientnet_b1: input 1x3x240x240, the size its torchvision "
                        "weights document (--input-shape to change)")
                self.assertEqual(said in p.stderr, note, p.stderr)

    def test_torchvision_segmentation_models_build_without_a_download(self):
        """Segmentation (and detection) builders load a pretrained backbone unless weights_backbone=None:
        torchvision:NAME builds them untrained, as every other, with no network."""
        from unittest import mock

        with mock.patch("torch.hub.load_state_dict_from_url", side_effect=AssertionError("downloads")):
            m, _ = models.build("torchvision:segmentation.lraspp_mobilenet_v3_large")
        self.assertEqual(type(m).__name__, "LRASPP")

    def test_bert_layer_equals_torch_transformer_layer(self):
        torch.manual_seed(0)
        ours = models.BertEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0).eval()
        ref = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, activation="gelu", batch_first=True,
                                         norm_first=False, layer_norm_eps=1e-12).eval()
        self.assertEqual({k: v.shape for k, v in ours.state_dict().items()},
                         {k: v.shape for k, v in ref.state_dict().items()})
        ref.load_state_dict(ours.state_dict())
        x = torch.randn(1, 10, 32)
        with torch.no_grad():
            torch.testing.assert_close(ours(x), ref(x), atol=1e-5, rtol=1e-5)

    def test_bert_base_configuration(self):
        """Parameter shapes of the bundled BERT-base (no forward pass: fast)."""
        b = models.BertModel(num_layers=1)
        per_layer = sum(p.numel() for p in b.encoder.layers[0].parameters())
        total = sum(p.numel() for p in b.parameters()) + 11 * per_layer
        self.assertEqual(per_layer, 7_087_872)
        self.assertEqual(total, 109_482_240)


if __name__ == "__main__":
    unittest.main()
