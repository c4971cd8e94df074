# ---------------------------------------------------------------------------
# egrl_import.models — the networks bundled in models/ and how to build them.
#
# ResNet-50/101 and MobileNetV2 come from torchvision (weights=None: the
# importer never emits weight values, only their shapes).  BERT-base is
# written here because torch.fx treats nn.TransformerEncoder(Layer) as one
# opaque leaf module (it lives in torch.nn) and its forward has a fast path
# with data-dependent control flow.  BertEncoderLayer has exactly the
# parameter names and shapes of nn.TransformerEncoderLayer(d_model=768,
# nhead=12, dim_feedforward=3072, activation="gelu", batch_first=True,
# norm_first=False), so a state dict loads into either; python/tests checks
# the two compute the same function.
# ---------------------------------------------------------------------------
"""Model factories: name -> (nn.Module, example inputs)."""

from __future__ import annotations

import inspect
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


# -- tiny CNN (fast tests) ----------------------------------------------------
class TinyCNN(nn.Module):
    """A few convs, one residual block, max-pool, global pool and a Linear.

    Small enough for fast C++ tests, but with every ResNet ingredient.
    """

    def __init__(self, num_classes: int = 10):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(16)
        self.down = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False)
        self.down_bn = nn.BatchNorm2d(32)
        self.block_conv1 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.block_bn1 = nn.BatchNorm2d(32)
        self.block_conv2 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.block_bn2 = nn.BatchNorm2d(32)
        self.relu = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(32, num_classes)

    def forward(self, x):
        x = self.relu(self.stem_bn(self.stem(x)))
        x = self.relu(self.down_bn(self.down(x)))
        y = self.relu(self.block_bn1(self.block_conv1(x)))
        y = self.block_bn2(self.block_conv2(y))
        x = self.relu(x + y)
        x = self.pool(x)
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


# -- BERT-base --------------------------------------------------------------------
class BertSelfAttention(nn.Module):
    """nn.MultiheadAttention's parameters (packed in_proj), fx-traceable.

    Packed QKV projection as torch does (one 768x2304 matmul, then three
    slices), scaled dot-product attention per head, output projection.
    No attention mask: every token attends to all 128 positions.
    """

    def __init__(self, d_model: int, nhead: int):
        super().__init__()
        self.num_heads = nhead
        self.head_dim = d_model // nhead
        self.in_proj_weight = nn.Parameter(torch.empty(3 * d_model, d_model))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * d_model))
        self.out_proj = nn.Linear(d_model, d_model)
        nn.init.xavier_uniform_(self.in_proj_weight)

    def forward(self, x):
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        qkv = qkv.chunk(3, dim=-1)  # fx cannot unpack a Proxy: index it
        q, k, v = qkv[0], qkv[1], qkv[2]
        b = x.size(0)
        q = q.view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        k = k.view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        v = v.view(b, -1, self.num_heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        probs = F.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v)
        ctx = ctx.transpose(1, 2).contiguous().view(b, -1, self.num_heads * self.head_dim)
        return self.out_proj(ctx)


class BertEncoderLayer(nn.Module):
    """Post-LN encoder layer with nn.TransformerEncoderLayer's parameter names."""

    def __init__(self, d_model=768, nhead=12, dim_feedforward=3072, dropout=0.1, layer_norm_eps=1e-12):
        super().__init__()
        self.self_attn = BertSelfAttention(d_model, nhead)
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm1 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.activation = nn.GELU()

    def forward(self, x):
        x = self.norm1(x + self.dropout1(self.self_attn(x)))
        ff = self.linear2(self.dropout(self.activation(self.linear1(x))))
        return self.norm2(x + self.dropout2(ff))


class BertEncoder(nn.Module):
    """A stack of layers, named `layers.N` as in nn.TransformerEncoder."""

    def __init__(self, num_layers, **kw):
        super().__init__()
        self.layers = nn.ModuleList([BertEncoderLayer(**kw) for _ in range(num_layers)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class BertModel(nn.Module):
    """BERT-base: embeddings + embedding layer-norm, 12 layers, pooler.

    Input: token ids (1 x seq_len) int64.  Position ids are 0..seq_len-1 (a
    non-persistent integer buffer: an inline index constant after import)
    and every token is segment 0 (a single sentence: zeros_like(ids), a
    linalg.fill); neither is a weight.
    Output: the pooled first-token vector (dense 768x768 + tanh).
    """

    def __init__(self, vocab_size=30522, hidden=768, num_layers=12, heads=12, ffn=3072,
                 max_position=512, type_vocab=2, layer_norm_eps=1e-12, seq_len=128):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, hidden)
        self.position_embeddings = nn.Embedding(max_position, hidden)
        self.token_type_embeddings = nn.Embedding(type_vocab, hidden)
        self.embeddings_norm = nn.LayerNorm(hidden, eps=layer_norm_eps)
        self.embeddings_dropout = nn.Dropout(0.1)
        # torch.fx cannot slice a buffer by a traced length, so the sequence
        # length is fixed at construction (static shapes anyway).
        self.register_buffer("position_ids", torch.arange(seq_len).unsqueeze(0), persistent=False)
        self.encoder = BertEncoder(num_layers, d_model=hidden, nhead=heads, dim_feedforward=ffn,
                                   layer_norm_eps=layer_norm_eps)
        self.pooler = nn.Linear(hidden, hidden)
        self.pooler_activation = nn.Tanh()

    def forward(self, input_ids):
        token_type_ids = torch.zeros_like(input_ids)
        x = (self.word_embeddings(input_ids)
             + self.position_embeddings(self.position_ids)
             + self.token_type_embeddings(token_type_ids))
        x = self.embeddings_dropout(self.embeddings_norm(x))
        x = self.encoder(x)
        return self.pooler_activation(self.pooler(x[:, 0]))


# -- transformers written the usual way (the aten route, issue 11 item 4) ---------
# torch.fx cannot trace these (shape unpacking, einsum, nn.MultiheadAttention's
# tensor-dependent fast path); `egrl-import torch` falls back to make_fx for them.
class CausalSelfAttention(nn.Module):
    """GPT-2 attention as nanoGPT writes it: unpacked shapes, split, einsum,
    a boolean tril mask applied with torch.where."""

    def __init__(self, d_model: int, nhead: int, max_seq: int):
        super().__init__()
        self.n_head = nhead
        self.c_attn = nn.Linear(d_model, 3 * d_model)
        self.c_proj = nn.Linear(d_model, d_model)
        mask = torch.tril(torch.ones(max_seq, max_seq, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, max_seq, max_seq), persistent=False)

    def forward(self, x):
        B, S, D = x.shape
        q, k, v = self.c_attn(x).split(D, dim=2)
        hd = D // self.n_head
        q = q.view(B, S, self.n_head, hd).transpose(1, 2)
        k = k.view(B, S, self.n_head, hd).transpose(1, 2)
        v = v.view(B, S, self.n_head, hd).transpose(1, 2)
        att = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(hd)
        att = torch.where(self.mask[:, :, :S, :S], att, torch.tensor(float("-inf")))
        att = F.softmax(att, dim=-1)
        y = torch.einsum("bhqk,bhkd->bhqd", att, v)
        return self.c_proj(y.transpose(1, 2).reshape(B, S, D))


class GPT2Block(nn.Module):
    """Pre-LN block: x + attn(ln_1(x)), x + mlp(ln_2(x)); tanh-GELU MLP.

    The residual stream is clamped to the f16 range after the block, the
    overflow guard T5 and several GPT ports add for half precision."""

    def __init__(self, d_model: int, nhead: int, max_seq: int, clamp_value: float = 65504.0):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, nhead, max_seq)
        self.ln_2 = nn.LayerNorm(d_model)
        self.c_fc = nn.Linear(d_model, 4 * d_model)
        self.c_proj = nn.Linear(4 * d_model, d_model)
        self.clamp_value = clamp_value

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        x = x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))
        return x.clamp(-self.clamp_value, self.clamp_value)


class GPT2Stack(nn.Module):
    """A stack of GPT-2 blocks + final layer-norm on hidden states (1 x S x D)."""

    def __init__(self, num_layers=12, d_model=768, nhead=12, max_seq=1024):
        super().__init__()
        self.h = nn.ModuleList([GPT2Block(d_model, nhead, max_seq) for _ in range(num_layers)])
        self.ln_f = nn.LayerNorm(d_model)

    def forward(self, x):
        for block in self.h:
            x = block(x)
        return self.ln_f(x)


class MHAEncoderLayer(nn.Module):
    """Post-LN encoder layer around nn.MultiheadAttention (batch_first)."""

    def __init__(self, d_model: int, nhead: int, ffn: int):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d_model, nhead, batch_first=True)
        self.linear1 = nn.Linear(d_model, ffn)
        self.linear2 = nn.Linear(ffn, d_model)
        self.norm1 = nn.LayerNorm(d_model)
        self.norm2 = nn.LayerNorm(d_model)

    def forward(self, x):
        a, _ = self.self_attn(x, x, x, need_weights=False)
        x = self.norm1(x + a)
        return self.norm2(x + self.linear2(F.relu(self.linear1(x))))


class MHAEncoder(nn.Module):
    def __init__(self, num_layers=6, d_model=512, nhead=8, ffn=2048):
        super().__init__()
        self.layers = nn.ModuleList([MHAEncoderLayer(d_model, nhead, ffn) for _ in range(num_layers)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def _gpt2_stack(layers=12, d=768, heads=12, seq=128):
    def build():
        torch.manual_seed(0)
        return GPT2Stack(layers, d, heads, max(seq, 128)).eval(), [torch.randn(1, seq, d)]
    return build


def _mha_encoder(layers=6, d=512, heads=8, seq=128):
    def build():
        torch.manual_seed(0)
        return MHAEncoder(layers, d, heads, 4 * d).eval(), [torch.randn(1, seq, d)]
    return build


def _torch_encoder(layers=6, d=512, heads=8, seq=128):
    def build():
        torch.manual_seed(0)
        layer = nn.TransformerEncoderLayer(d, heads, 4 * d, batch_first=True)
        return nn.TransformerEncoder(layer, layers, enable_nested_tensor=False).eval(), [torch.randn(1, seq, d)]
    return build


# Not bundled in models/: importable by name through the aten (make_fx) route.
TRANSFORMERS = {
    "gpt2_stack": _gpt2_stack(),                      # GPT-2 small's 12 blocks x 768, seq 128
    "gpt2_stack_tiny": _gpt2_stack(2, 64, 4, 16),     # tests
    "mha_encoder": _mha_encoder(),                    # 6 x nn.MultiheadAttention(512, 8), seq 128
    "mha_encoder_tiny": _mha_encoder(2, 32, 4, 8),    # tests
    "torch_encoder": _torch_encoder(),                # nn.TransformerEncoder, 6 x 512, seq 128
    "torch_encoder_tiny": _torch_encoder(2, 32, 4, 8),
}


# -- registry ---------------------------------------------------------------------
def _torchvision(name):
    """torchvision.models.NAME, or one of its subpackages' (video.r3d_18), untrained, with an input
    of its family: an image of the size its weights document (_image_size: 1x3x299x299 for
    inception_v3, 1x3x224x224 for most), or for a video model the clip its weights document
    (_video_clip). image_size: another H x W (egrl-import's --input-shape); a ViT is built for the
    size it is imported on, as torchvision builds it for its weights' size."""
    def build(image_size=None):
        import torchvision

        factory = torchvision.models
        for part in name.split("."):
            factory = getattr(factory, part)
        # Segmentation and detection models load a pretrained backbone unless told not to.
        untrained = {"weights": None}
        if "weights_backbone" in inspect.signature(factory).parameters:
            untrained["weights_backbone"] = None
        if name.startswith("video."):
            shape = _video_clip(factory)
        else:
            h, w = image_size or _image_size(factory)
            shape = (1, 3, h, w)
            if getattr(factory, "__module__", "").endswith(".vision_transformer") and h == w:
                untrained["image_size"] = h  # its position embedding is sized for one image size
        return factory(**untrained), [torch.randn(*shape)]
    return build


def _image_size(factory) -> tuple:
    """H x W a torchvision classifier's default weights' transforms crop to (299 x 299 for
    inception_v3, 240 x 240 .. 600 x 600 for efficientnet_b1 .. b7, 518 x 518 for vit_h_14), read from
    the weights enum's metadata (nothing is downloaded); 224 x 224 when the model has no registered
    weights or they document no crop (segmentation, detection)."""
    import torchvision

    try:
        weights = torchvision.models.get_model_weights(factory).DEFAULT
        crop = [int(d) for d in weights.transforms().crop_size]
    except Exception:  # no registered weights, or transforms without a crop size
        return (224, 224)
    if len(crop) not in (1, 2) or min(crop) <= 0:
        return (224, 224)
    h, w = (crop * 2)[:2]
    return (h, w)


def _video_clip(factory) -> tuple:
    """1 x 3 x T x H x W for a torchvision video model: H x W its weights' transforms crop to
    (112 x 112 for the video ResNets, 224 x 224 for S3D and MViT), T 16 frames (the clip their
    accuracies are measured on; MViT's temporal position embedding is built for 16), or the weights'
    min_temporal_size if larger. 1x3x16x112x112 when the weights say nothing."""
    import torchvision

    try:
        weights = torchvision.models.get_model_weights(factory).DEFAULT
        crop = list(weights.transforms().crop_size)
        frames = max(16, int(weights.meta.get("min_temporal_size") or 0))
    except Exception:  # a model without registered weights
        return (1, 3, 16, 112, 112)
    h, w = (crop * 2)[:2]
    return (1, 3, frames, h, w)


def _bert_base():
    torch.manual_seed(0)
    return BertModel(), [torch.randint(0, 30522, (1, 128), dtype=torch.long)]


def _tiny_cnn():
    return TinyCNN(), [torch.randn(1, 3, 32, 32)]


BUILTIN = {
    "resnet50": _torchvision("resnet50"),
    "resnet101": _torchvision("resnet101"),
    "mobilenet_v2": _torchvision("mobilenet_v2"),
    "bert_base": _bert_base,
    "tiny_cnn": _tiny_cnn,
}


def build(name: str, image_size=None):
    """(module, example_inputs) for a builtin name, `torchvision:NAME` or
    `corpus:NAME` (the training corpus, egrl_import.corpus_models). image_size: (H, W) of the
    image a `torchvision:NAME` classifier is built for and given (default: the size its weights
    document, else 224 x 224); ignored for other names."""
    if name in BUILTIN:
        return BUILTIN[name]()
    if name in TRANSFORMERS:
        return TRANSFORMERS[name]()
    if name.startswith("torchvision:"):
        return _torchvision(name.split(":", 1)[1])(image_size)
    if name.startswith("corpus:"):
        from . import corpus_models

        return corpus_models.build(name.split(":", 1)[1])
    raise KeyError(f"unknown model '{name}' (builtin: {', '.join(sorted(BUILTIN))}; transformers: "
                   f"{', '.join(TRANSFORMERS)}; torchvision:NAME or "
                   f"corpus:NAME)")
