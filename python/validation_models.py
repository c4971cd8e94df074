# ---------------------------------------------------------------------------
# Validation graphs for choices about trained policies (docs/policy.md): in
# neither the training corpus (corpus/) nor the held-out test set (BERT-base,
# ResNet-101, MobileNetV2), so a rule chosen with the held-out models in view
# can be checked on graphs that played no part in choosing it. Transformers
# of other depths and widths than the corpus's, each with more weights than
# the chip holds on chip: where placing weights matters.
# Import one with:
#   PYTHONPATH=python /usr/bin/python3 python/egrl-import torch validation_models:bert_14x768 -o m.mlir
# scripts/validate-fit.sh imports all of them and compares the shipped
# policies with greedy on each.
# ---------------------------------------------------------------------------
"""Transformer graphs outside the corpus and the held-out set."""

from egrl_import.corpus_models import _bert, _gpt, _vit
from egrl_import.modern_models import audio_encoder, diffusion_unet, llama, t5_encoder

bert_10x768 = _bert(10, 768, 12, 128)
bert_14x768 = _bert(14, 768, 12, 128)
bert_16x640 = _bert(16, 640, 10, 128)
bert_18x1024 = _bert(18, 1024, 16, 128)
gpt_12x768 = _gpt(12, 768, 12, 128)
gpt_16x1024 = _gpt(16, 1024, 16, 128)
vit_12x768_16 = _vit(12, 768, 12, 16)
vit_16x1024_32 = _vit(16, 1024, 16, 32)

NAMES = ["bert_10x768", "bert_14x768", "bert_16x640", "bert_18x1024", "gpt_12x768", "gpt_16x1024",
         "vit_12x768_16", "vit_16x1024_32"]

# A second set: torchvision classifiers of families and sizes the corpus does
# not hold, and a Swin transformer (windowed attention). One choice was made on
# it with the transformers above: how refinement starts (docs/training.md). `scripts/validate-fit.sh --torchvision`
# imports them as torchvision:NAME.
TORCHVISION = ["swin_t", "convnext_tiny", "efficientnet_v2_s", "regnet_y_800mf", "mnasnet1_0", "vit_b_32",
               "resnet152", "densenet169", "resnext101_32x8d"]

# A third set, made on 2026-12-04 for one decision (an ensemble of the shipped
# policies' seeds) before any policy was measured on it: torchvision models
# and transformer shapes in none of the corpus, the held-out set and the two
# sets above, most with more int8 weights than SRAM and LLC hold.
# `scripts/validate-fit.sh --fresh` imports and compares them.
bert_20x768 = _bert(20, 768, 12, 128)
bert_8x1024 = _bert(8, 1024, 16, 128)
bert_12x512_s256 = _bert(12, 512, 8, 256)
gpt_24x768 = _gpt(24, 768, 12, 128)
gpt_10x1280 = _gpt(10, 1280, 20, 128)
vit_12x640_16 = _vit(12, 640, 10, 16)

FRESH = ["bert_20x768", "bert_8x1024", "bert_12x512_s256", "gpt_24x768", "gpt_10x1280", "vit_12x640_16"]
FRESH_TORCHVISION = ["wide_resnet101_2", "vgg19", "regnet_x_16gf", "efficientnet_b7", "swin_s", "convnext_small",
                     "resnext101_64x4d", "maxvit_t"]

# A fourth set, made on 2026-12-04 after a sweep of modern architectures:
# families the corpus holds none of (python/egrl_import/modern_models.py),
# at sizes whose weights or activations exceed what the chip holds on chip.
# `scripts/validate-fit.sh --modern` imports and compares them.
llama_6x1024_gqa = llama(8000, 1024, 6, 16, 4, 2816, 128)
llama_32x512_gqa = llama(32000, 512, 32, 8, 2, 1408, 256)
t5_4x1024 = t5_encoder(32000, 1024, 4, 16, 4096, 256)
whisper_6x1024 = audio_encoder(80, 1000, 1024, 6, 16)
unet_128 = diffusion_unet(128, 128)

MODERN = ["llama_6x1024_gqa", "llama_32x512_gqa", "t5_4x1024", "whisper_6x1024", "unet_128"]
