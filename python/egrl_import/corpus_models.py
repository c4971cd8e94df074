# ---------------------------------------------------------------------------
# egrl_import.corpus_models — the training corpus of corpus/ (issue 9 item 6).
#
# Graphs to train placement policies on, beyond the five bundled models.
# BERT-base, ResNet-101 and MobileNetV2 are the held-out test models of
# zero-shot transfer, so the corpus holds none of them, no near-duplicate of
# them (no 12-layer x 768 encoder, no ResNet-101/152 or ResNeXt-/Wide-101,
# no MobileNetV2 or MNASNet, which is MobileNetV2's block with other
# widths), and none of the bundled models (resnet50, tiny_cnn).
#
# Three kinds of factory, all fx-traceable:
#  - torchvision classifiers (weights=None; weights are never emitted), at
#    their native resolution; ShuffleNetV2 with its blocks' forward rewritten
#    so fx can follow it (torchvision unpacks x.size() and x.chunk(), which a
#    Proxy cannot do) — same modules, same parameters, same function;
#  - BertModel (egrl_import.models) at sizes other than BERT-base;
#  - GPT: a decoder-only pre-LN stack (GPT-2's layout: token + position
#    embeddings, causal self-attention, tanh-GELU MLP, final layer-norm, LM
#    head tied to the token embedding) and ViT: patch embedding as a strided
#    conv, class token, position embedding, pre-LN encoder, head on the
#    class token.  Both use PreLNBlock below.
#
# Every factory returns (module, [example inputs]) at batch 1 and seeds
# torch's generator, so `egrl-import torch corpus:NAME` is deterministic.
# ---------------------------------------------------------------------------
"""Corpus model factories: name -> (nn.Module, example inputs)."""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .models import BertModel


# -- pre-LN transformer block (GPT and ViT) -------------------------------------
class PreLNAttention(nn.Module):
    """Multi-head self-attention with a packed QKV Linear (timm's names).

    `mask`, if given, is added to the scaled scores before the softmax
    (GPT's causal mask: 0 on and below the diagonal, -1e9 above).
    """

    def __init__(self, d_model: int, nhead: int):
        super().__init__()
        self.num_heads = nhead
        self.head_dim = d_model // nhead
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)

    def forward(self, x, mask=None):
        qkv = self.qkv(x).chunk(3, dim=-1)  # fx cannot unpack a Proxy: index it
        b = x.size(0)
        q = qkv[0].view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        k = qkv[1].view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        v = qkv[2].view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        if mask is not None:  # a Python-level branch on an argument: fx follows it
            scores = scores + mask
        ctx = torch.matmul(F.softmax(scores, dim=-1), v)
        ctx = ctx.transpose(1, 2).contiguous().view(b, -1, self.num_heads * self.head_dim)
        return self.proj(ctx)


class PreLNMlp(nn.Module):
    def __init__(self, d_model: int, hidden: int, gelu_approximate: str):
        super().__init__()
        self.fc1 = nn.Linear(d_model, hidden)
        self.act = nn.GELU(approximate=gelu_approximate)
        self.fc2 = nn.Linear(hidden, d_model)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class PreLNBlock(nn.Module):
    """x + attn(norm1(x)), then x + mlp(norm2(x)) (GPT-2 / ViT layout)."""

    def __init__(self, d_model: int, nhead: int, ffn: int, eps: float = 1e-5, gelu_approximate: str = "none"):
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model, eps=eps)
        self.attn = PreLNAttention(d_model, nhead)
        self.norm2 = nn.LayerNorm(d_model, eps=eps)
        self.mlp = PreLNMlp(d_model, ffn, gelu_approximate)

    def forward(self, x, mask=None):
        x = x + self.attn(self.norm1(x), mask)
        return x + self.mlp(self.norm2(x))


# -- GPT (decoder-only) ---------------------------------------------------------
class GPTModel(nn.Module):
    """GPT-2-style decoder: causal pre-LN blocks, LM head tied to `wte`.

    Input: token ids (1 x seq_len) int64; output: logits (1 x seq_len x vocab)
    for every position (a prefill pass).  The causal mask is one float buffer
    (seq_len x seq_len) shared by every layer: a constant of the graph, read
    by each layer's score addition.  The LM head is F.linear with the
    embedding table itself, so the table is one weight (looked up row by row
    by the embedding, read whole by the head).  Position ids are an integer
    buffer (an inline index constant).
    """

    def __init__(self, vocab_size=50257, hidden=768, num_layers=12, heads=12, ffn=None, seq_len=128,
                 max_position=1024, layer_norm_eps=1e-5):
        super().__init__()
        ffn = ffn or 4 * hidden
        self.wte = nn.Embedding(vocab_size, hidden)
        self.wpe = nn.Embedding(max_position, hidden)
        self.register_buffer("position_ids", torch.arange(seq_len).unsqueeze(0), persistent=False)
        self.register_buffer("causal_mask", torch.triu(torch.full((seq_len, seq_len), -1e9), 1),
                             persistent=False)
        self.blocks = nn.ModuleList([PreLNBlock(hidden, heads, ffn, layer_norm_eps, "tanh")
                                     for _ in range(num_layers)])
        self.ln_f = nn.LayerNorm(hidden, eps=layer_norm_eps)

    def forward(self, input_ids):
        x = self.wte(input_ids) + self.wpe(self.position_ids)
        for block in self.blocks:
            x = block(x, self.causal_mask)
        return F.linear(self.ln_f(x), self.wte.weight)


# -- ViT --------------------------------------------------------------------------
class VisionTransformer(nn.Module):
    """ViT: conv patch embedding, class token, position embedding, pre-LN
    encoder (erf-GELU, eps 1e-6), final norm, Linear head on the class token.

    Batch 1: the class token is concatenated as is (no expand).
    """

    def __init__(self, image_size=224, patch=16, hidden=768, num_layers=12, heads=12, ffn=None,
                 num_classes=1000, layer_norm_eps=1e-6):
        super().__init__()
        ffn = ffn or 4 * hidden
        tokens = (image_size // patch) ** 2 + 1
        self.patch_embed = nn.Conv2d(3, hidden, patch, stride=patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, hidden))
        self.pos_embed = nn.Parameter(torch.randn(1, tokens, hidden) * 0.02)
        self.blocks = nn.ModuleList([PreLNBlock(hidden, heads, ffn, layer_norm_eps, "none")
                                     for _ in range(num_layers)])
        self.norm = nn.LayerNorm(hidden, eps=layer_norm_eps)
        self.head = nn.Linear(hidden, num_classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token, x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x)[:, 0])


# -- ShuffleNetV2, fx-traceable -----------------------------------------------------
def channel_shuffle(x, groups: int):
    """torchvision's channel_shuffle without unpacking x.size()."""
    b, c, h, w = x.shape[0], x.shape[1], x.shape[2], x.shape[3]
    x = x.view(b, groups, c // groups, h, w)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(b, -1, h, w)


def _traceable_shuffle_block():
    from torchvision.models.shufflenetv2 import InvertedResidual

    class TraceableInvertedResidual(InvertedResidual):
        def forward(self, x):
            if self.stride == 1:
                c = x.chunk(2, dim=1)
                out = torch.cat((c[0], self.branch2(c[1])), dim=1)
            else:
                out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
            return channel_shuffle(out, 2)

    return InvertedResidual, TraceableInvertedResidual


def make_traceable_shufflenet(model: nn.Module) -> nn.Module:
    """Swaps the class of every ShuffleNetV2 block for one fx can trace
    (same modules and parameters, same function)."""
    base, traceable = _traceable_shuffle_block()
    for m in model.modules():
        if type(m) is base:
            m.__class__ = traceable
    return model


# -- registry -----------------------------------------------------------------------
def _image(size=224):
    return [torch.randn(1, 3, size, size)]


def _tv(name, size=224, **kw):
    def build():
        import torchvision

        torch.manual_seed(0)
        m = getattr(torchvision.models, name)(weights=None, **kw)
        if name.startswith("shufflenet"):
            m = make_traceable_shufflenet(m)
        return m, _image(size)
    build.config = dict(kind="torchvision", name=name, image_size=size, **kw)
    return build


def _bert(layers, hidden, heads, seq, vocab=30522):
    def build():
        torch.manual_seed(0)
        m = BertModel(vocab_size=vocab, hidden=hidden, num_layers=layers, heads=heads, ffn=4 * hidden,
                      seq_len=seq)
        return m, [torch.randint(0, vocab, (1, seq), dtype=torch.long)]
    build.config = dict(kind="bert", layers=layers, hidden=hidden, heads=heads, seq_len=seq, vocab=vocab)
    return build


def _gpt(layers, hidden, heads, seq, vocab=50257):
    def build():
        torch.manual_seed(0)
        m = GPTModel(vocab_size=vocab, hidden=hidden, num_layers=layers, heads=heads, seq_len=seq)
        return m, [torch.randint(0, vocab, (1, seq), dtype=torch.long)]
    build.config = dict(kind="gpt", layers=layers, hidden=hidden, heads=heads, seq_len=seq, vocab=vocab)
    return build


def _vit(layers, hidden, heads, patch, size=224):
    def build():
        torch.manual_seed(0)
        return VisionTransformer(size, patch, hidden, layers, heads), _image(size)
    build.config = dict(kind="vit", layers=layers, hidden=hidden, heads=heads, patch=patch, image_size=size)
    return build


# name -> (factory, one-line description for docs/models.md); factory.config
# holds the configuration (kind, sizes), which tests check against the
# held-out rule.
CORPUS = {
    # torchvision CNN classifiers
    "resnet18": (_tv("resnet18"), "torchvision resnet18, 224"),
    "resnet34": (_tv("resnet34"), "torchvision resnet34, 224"),
    "resnext50_32x4d": (_tv("resnext50_32x4d"), "torchvision resnext50_32x4d (grouped 3x3 convs), 224"),
    "wide_resnet50_2": (_tv("wide_resnet50_2"), "torchvision wide_resnet50_2, 224"),
    "densenet121": (_tv("densenet121"), "torchvision densenet121 (concatenations), 224"),
    "squeezenet1_1": (_tv("squeezenet1_1"), "torchvision squeezenet1_1 (fire modules), 224"),
    "googlenet": (_tv("googlenet", aux_logits=False),
                  "torchvision googlenet (inception branches; no auxiliary classifiers), 224"),
    "vgg11": (_tv("vgg11"), "torchvision vgg11 (124 M of its 133 M weights in 3 FC layers), 224"),
    "vgg16": (_tv("vgg16"), "torchvision vgg16 (13 convs, then vgg11's FC layers), 224"),
    "alexnet": (_tv("alexnet"), "torchvision alexnet, 224"),
    "efficientnet_b0": (_tv("efficientnet_b0"), "torchvision efficientnet_b0 (MBConv + squeeze-excitation, SiLU), 224"),
    "efficientnet_b1": (_tv("efficientnet_b1", 240), "torchvision efficientnet_b1, 240"),
    "efficientnet_b2": (_tv("efficientnet_b2", 260), "torchvision efficientnet_b2, 260"),
    "mobilenet_v3_small": (_tv("mobilenet_v3_small"), "torchvision mobilenet_v3_small (hardswish, SE), 224"),
    "mobilenet_v3_large": (_tv("mobilenet_v3_large"), "torchvision mobilenet_v3_large, 224"),
    "regnet_x_400mf": (_tv("regnet_x_400mf"), "torchvision regnet_x_400mf (grouped convs), 224"),
    "regnet_y_400mf": (_tv("regnet_y_400mf"), "torchvision regnet_y_400mf (grouped convs + SE), 224"),
    "shufflenet_v2_x1_0": (_tv("shufflenet_v2_x1_0"), "torchvision shufflenet_v2_x1_0, fx-traceable blocks, 224"),
    # Deep CNNs whose weights exceed SRAM and LLC together (added 2026-12-04:
    # without them the policies placed ResNet-152 and ResNeXt-101 10-22%
    # slower than greedy; docs/training.md)
    "regnet_y_16gf": (_tv("regnet_y_16gf"), "torchvision regnet_y_16gf (84 M parameters, grouped convs + SE), 224"),
    "efficientnet_v2_m": (_tv("efficientnet_v2_m"), "torchvision efficientnet_v2_m (54 M parameters, fused MBConv), 224"),
    "convnext_base": (_tv("convnext_base"), "torchvision convnext_base (89 M parameters, 36 blocks), 224"),
    # BERT-style encoders (post-LN, embeddings, pooler), FFN = 4 x hidden
    "bert_tiny": (_bert(2, 128, 2, 128), "BertModel 2 layers x 128, 2 heads, seq 128"),
    "bert_mini": (_bert(4, 256, 4, 128), "BertModel 4 x 256, 4 heads, seq 128"),
    "bert_small_s256": (_bert(4, 512, 8, 256), "BertModel 4 x 512, 8 heads, seq 256"),
    "bert_6x512_s384": (_bert(6, 512, 8, 384), "BertModel 6 x 512, 8 heads, seq 384"),
    "bert_medium": (_bert(8, 512, 8, 128), "BertModel 8 x 512, 8 heads, seq 128"),
    "bert_large_s384": (_bert(24, 1024, 16, 384), "BertModel 24 x 1024, 16 heads, seq 384 (BERT-large)"),
    "bert_large_s128": (_bert(24, 1024, 16, 128), "BertModel 24 x 1024, 16 heads, seq 128 (BERT-large, short sequence)"),
    # GPT-style decoders (pre-LN, causal, tied LM head)
    "gpt_tiny": (_gpt(2, 128, 4, 64, vocab=8192), "GPTModel 2 x 128, 4 heads, seq 64, vocab 8192"),
    "gpt2_6l": (_gpt(6, 768, 12, 128), "GPTModel 6 x 768, 12 heads, seq 128, vocab 50257 (GPT-2 small at half depth)"),
    "gpt2_medium_8l": (_gpt(8, 1024, 16, 256), "GPTModel 8 x 1024, 16 heads, seq 256 (GPT-2 medium at a third of its depth)"),
    "gpt2_medium_12l_s128": (_gpt(12, 1024, 16, 128), "GPTModel 12 x 1024, 16 heads, seq 128 (GPT-2 medium at half depth)"),
    # Vision transformers (conv patch embedding + pre-LN encoder)
    "vit_tiny_16": (_vit(12, 192, 3, 16), "VisionTransformer 12 x 192, 3 heads, patch 16, 224 (197 tokens)"),
    "vit_small_16": (_vit(12, 384, 6, 16), "VisionTransformer 12 x 384, 6 heads, patch 16, 224"),
    "vit_8x512_32": (_vit(8, 512, 8, 32), "VisionTransformer 8 x 512, 8 heads, patch 32, 224 (50 tokens)"),
    "vit_l_32": (_vit(24, 1024, 16, 32), "VisionTransformer 24 x 1024, 16 heads, patch 32, 224 (ViT-L/32, 50 tokens)"),
}

# Models the corpus must never contain (bundled, or held out for zero-shot
# transfer); tests check CORPUS against it.
EXCLUDED = ("resnet50", "resnet101", "bert_base", "mobilenet_v2", "tiny_cnn")


def build(name: str):
    """(module, example_inputs) of corpus model `name`."""
    if name not in CORPUS:
        raise KeyError(f"unknown corpus model '{name}' (corpus: {', '.join(CORPUS)})")
    return CORPUS[name][0]()
