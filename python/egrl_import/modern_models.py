# ---------------------------------------------------------------------------
# egrl_import.modern_models — architecture families the corpus does not hold.
#
# Written as their reference implementations write them, so that importing
# them exercises what a compiler engineer's own models contain:
#  - LlamaModel: a LLaMA-style decoder (RMSNorm, rotary position embeddings
#    applied by rotate_half, grouped-query attention whose K/V heads are
#    repeated with repeat_interleave, a causal mask, a SwiGLU FFN, tied
#    input/output embeddings, token ids as input);
#  - T5Encoder: T5's encoder (RMS-style layer norm without bias, a learned
#    relative-position bias added to every head's scores, no-bias linears);
#  - AudioEncoder: Whisper's audio encoder (two Conv1d with GELU, a
#    sinusoidal position table, pre-LN attention blocks);
#  - DiffusionUNet: a small diffusion UNet (GroupNorm, SiLU, strided
#    downsampling, nearest upsampling, skip connections concatenated on
#    channels, and a sinusoidal timestep embedding computed in forward with
#    sin and cos).
# scripts/validate-fit.sh --modern imports the sizes python/validation_models.py
# names (MODERN) and compares the shipped policies with greedy on them.
# ---------------------------------------------------------------------------
"""Model families beyond the corpus: LLaMA-style, T5, Whisper, diffusion UNet."""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


def _rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class LlamaAttention(nn.Module):
    def __init__(self, dim, heads, kv_heads, seq):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim, self.seq = heads, kv_heads, dim // heads, seq
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.v = nn.Linear(dim, kv_heads * self.head_dim, bias=False)
        self.o = nn.Linear(dim, dim, bias=False)
        inv = 1.0 / (10000 ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        angles = torch.outer(torch.arange(seq).float(), inv)
        angles = torch.cat((angles, angles), dim=-1)
        self.register_buffer("cos", angles.cos(), persistent=False)
        self.register_buffer("sin", angles.sin(), persistent=False)
        self.register_buffer("causal", torch.tril(torch.ones(seq, seq, dtype=torch.bool)), persistent=False)

    def forward(self, x):
        s, hd = self.seq, self.head_dim
        q = self.q(x).view(1, s, self.heads, hd).transpose(1, 2)
        k = self.k(x).view(1, s, self.kv_heads, hd).transpose(1, 2)
        v = self.v(x).view(1, s, self.kv_heads, hd).transpose(1, 2)
        q = q * self.cos + _rotate_half(q) * self.sin
        k = k * self.cos + _rotate_half(k) * self.sin
        groups = self.heads // self.kv_heads
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        scores = scores.masked_fill(~self.causal, float("-inf"))
        y = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(1, s, self.heads * hd)
        return self.o(y)


class LlamaBlock(nn.Module):
    def __init__(self, dim, heads, kv_heads, ffn, seq):
        super().__init__()
        self.attn_norm = RMSNorm(dim)
        self.attn = LlamaAttention(dim, heads, kv_heads, seq)
        self.ffn_norm = RMSNorm(dim)
        self.w1 = nn.Linear(dim, ffn, bias=False)
        self.w3 = nn.Linear(dim, ffn, bias=False)
        self.w2 = nn.Linear(ffn, dim, bias=False)

    def forward(self, x):
        x = x + self.attn(self.attn_norm(x))
        h = self.ffn_norm(x)
        return x + self.w2(F.silu(self.w1(h)) * self.w3(h))


class LlamaModel(nn.Module):
    def __init__(self, vocab, dim, layers, heads, kv_heads, ffn, seq):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.layers = nn.ModuleList([LlamaBlock(dim, heads, kv_heads, ffn, seq) for _ in range(layers)])
        self.norm = RMSNorm(dim)
        self.lm_head = nn.Linear(dim, vocab, bias=False)
        self.lm_head.weight = self.embed.weight

    def forward(self, ids):
        x = self.embed(ids)
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.norm(x))


def _relative_buckets(relative, buckets, max_distance):
    """T5's bidirectional bucketing of relative positions."""
    buckets //= 2
    out = (relative > 0).to(torch.long) * buckets
    n = torch.abs(relative)
    exact = buckets // 2
    large = exact + (torch.log(n.float() / exact) / math.log(max_distance / exact) * (buckets - exact)).to(torch.long)
    large = torch.min(large, torch.full_like(large, buckets - 1))
    return out + torch.where(n < exact, n, large)


class T5Attention(nn.Module):
    def __init__(self, dim, heads, seq, buckets=32, max_distance=128):
        super().__init__()
        self.heads, self.head_dim, self.seq = heads, dim // heads, seq
        self.buckets, self.max_distance = buckets, max_distance
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(dim, dim, bias=False)
        self.v = nn.Linear(dim, dim, bias=False)
        self.o = nn.Linear(dim, dim, bias=False)
        self.relative_attention_bias = nn.Embedding(buckets, heads)

    def forward(self, x):
        s, hd = self.seq, self.head_dim
        q = self.q(x).view(1, s, self.heads, hd).transpose(1, 2)
        k = self.k(x).view(1, s, self.heads, hd).transpose(1, 2)
        v = self.v(x).view(1, s, self.heads, hd).transpose(1, 2)
        positions = torch.arange(s, dtype=torch.long)
        relative = positions[None, :] - positions[:, None]
        bias = self.relative_attention_bias(_relative_buckets(relative, self.buckets, self.max_distance))
        scores = q @ k.transpose(3, 2) + bias.permute(2, 0, 1).unsqueeze(0)
        return self.o((F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(1, s, self.heads * hd))


class T5Block(nn.Module):
    def __init__(self, dim, heads, ffn, seq):
        super().__init__()
        self.attn_norm = RMSNorm(dim)
        self.attn = T5Attention(dim, heads, seq)
        self.ffn_norm = RMSNorm(dim)
        self.wi = nn.Linear(dim, ffn, bias=False)
        self.wo = nn.Linear(ffn, dim, bias=False)

    def forward(self, x):
        x = x + self.attn(self.attn_norm(x))
        return x + self.wo(F.relu(self.wi(self.ffn_norm(x))))


class T5Encoder(nn.Module):
    def __init__(self, vocab, dim, layers, heads, ffn, seq):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.blocks = nn.ModuleList([T5Block(dim, heads, ffn, seq) for _ in range(layers)])
        self.norm = RMSNorm(dim)

    def forward(self, ids):
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x)
        return self.norm(x)


def _sinusoids(length, channels, max_timescale=10000):
    increment = math.log(max_timescale) / (channels // 2 - 1)
    inv = torch.exp(-increment * torch.arange(channels // 2).float())
    t = torch.arange(length).float()[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


class WhisperAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim, bias=False)
        self.value = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x):
        _, n, dim = x.shape
        scale = (dim // self.heads) ** -0.25
        q = self.query(x).view(1, n, self.heads, -1).permute(0, 2, 1, 3) * scale
        k = self.key(x).view(1, n, self.heads, -1).permute(0, 2, 3, 1) * scale
        v = self.value(x).view(1, n, self.heads, -1).permute(0, 2, 1, 3)
        w = (q @ k).softmax(dim=-1)
        return self.out((w @ v).permute(0, 2, 1, 3).flatten(start_dim=2))


class WhisperBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.attn_ln = nn.LayerNorm(dim)
        self.attn = WhisperAttention(dim, heads)
        self.mlp_ln = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.attn_ln(x))
        return x + self.mlp(self.mlp_ln(x))


class AudioEncoder(nn.Module):
    def __init__(self, mels, frames, dim, layers, heads):
        super().__init__()
        self.conv1 = nn.Conv1d(mels, dim, 3, padding=1)
        self.conv2 = nn.Conv1d(dim, dim, 3, stride=2, padding=1)
        self.register_buffer("positional_embedding", _sinusoids(frames // 2, dim))
        self.blocks = nn.ModuleList([WhisperBlock(dim, heads) for _ in range(layers)])
        self.ln_post = nn.LayerNorm(dim)

    def forward(self, x):
        x = F.gelu(self.conv2(F.gelu(self.conv1(x)))).permute(0, 2, 1)
        x = x + self.positional_embedding
        for block in self.blocks:
            x = block(x)
        return self.ln_post(x)


class UNetResBlock(nn.Module):
    def __init__(self, cin, cout, temb):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(F.silu(temb))[:, :, None, None]
        return self.conv2(F.silu(self.norm2(h))) + self.skip(x)


class DiffusionUNet(nn.Module):
    """Two resolutions down and up; the timestep embedding is computed in
    forward from the timestep, as diffusion models do."""

    def __init__(self, ch, temb=32):
        super().__init__()
        self.temb_dim = temb
        self.temb = nn.Sequential(nn.Linear(temb, 2 * temb), nn.SiLU(), nn.Linear(2 * temb, 2 * temb))
        self.inc = nn.Conv2d(3, ch, 3, padding=1)
        self.d1 = UNetResBlock(ch, ch, 2 * temb)
        self.down1 = nn.Conv2d(ch, ch, 3, stride=2, padding=1)
        self.d2 = UNetResBlock(ch, 2 * ch, 2 * temb)
        self.down2 = nn.Conv2d(2 * ch, 2 * ch, 3, stride=2, padding=1)
        self.mid = UNetResBlock(2 * ch, 2 * ch, 2 * temb)
        self.u2 = UNetResBlock(4 * ch, 2 * ch, 2 * temb)
        self.u1 = UNetResBlock(3 * ch, ch, 2 * temb)
        self.out_norm = nn.GroupNorm(8, ch)
        self.out = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, x, t):
        half = self.temb_dim // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
        angles = t[:, None] * freqs[None]
        temb = self.temb(torch.cat([torch.cos(angles), torch.sin(angles)], dim=-1))
        h1 = self.d1(self.inc(x), temb)
        h2 = self.d2(self.down1(h1), temb)
        h = self.mid(self.down2(h2), temb)
        h = self.u2(torch.cat([F.interpolate(h, scale_factor=2, mode="nearest"), h2], dim=1), temb)
        h = self.u1(torch.cat([F.interpolate(h, scale_factor=2, mode="nearest"), h1], dim=1), temb)
        return self.out(F.silu(self.out_norm(h)))


def llama(vocab, dim, layers, heads, kv_heads, ffn, seq):
    def build():
        torch.manual_seed(0)
        return LlamaModel(vocab, dim, layers, heads, kv_heads, ffn, seq).eval(), \
            [torch.randint(0, vocab, (1, seq), dtype=torch.long)]
    return build


def t5_encoder(vocab, dim, layers, heads, ffn, seq):
    def build():
        torch.manual_seed(0)
        return T5Encoder(vocab, dim, layers, heads, ffn, seq).eval(), \
            [torch.randint(0, vocab, (1, seq), dtype=torch.long)]
    return build


def audio_encoder(mels, frames, dim, layers, heads):
    def build():
        torch.manual_seed(0)
        return AudioEncoder(mels, frames, dim, layers, heads).eval(), [torch.randn(1, mels, frames)]
    return build


def diffusion_unet(ch, size):
    def build():
        torch.manual_seed(0)
        return DiffusionUNet(ch).eval(), [torch.randn(1, 3, size, size), torch.tensor([10.0])]
    return build
