# ---------------------------------------------------------------------------
# Model families the corpus holds none of (egrl_import.modern_models): a
# LLaMA-style decoder (grouped-query attention by repeat_interleave, rotary
# embeddings, RMSNorm, SwiGLU, tied embeddings), T5's encoder (relative
# position bias), Whisper's audio encoder and a diffusion UNet whose timestep
# embedding is computed with sin and cos. Each must import by the default
# route with every parameter counted once and compute what torch computes.
# Test sizes; validation_models.MODERN has the sizes validate-fit.sh uses.
# ---------------------------------------------------------------------------
"""Import and numeric tests of the modern model families."""

import unittest

import support

if support.HAVE_TORCH:
    import torch

    from egrl_import import modern_models as mm
    from egrl_import.torch_import import import_module

    CASES = {
        "llama": mm.llama(64, 32, 2, 4, 2, 48, 8),
        "t5_encoder": mm.t5_encoder(40, 32, 2, 4, 64, 8),
        "audio_encoder": mm.audio_encoder(8, 16, 32, 2, 4),
        "diffusion_unet": mm.diffusion_unet(16, 16),
    }


@support.needs_torch
class ModernModelsTest(unittest.TestCase):
    def test_each_family_imports_and_matches_torch(self):
        for name, build in CASES.items():
            with self.subTest(name):
                m, inputs = build()
                r = import_module(m, inputs, inline_weights=True, trace="auto")
                # Tied embeddings and every other parameter counted once.
                self.assertEqual(r.parameter_count, sum(p.numel() for p in m.parameters()))
                with torch.no_grad():
                    ref = m(*inputs)
                support.run_numeric(self, r.text, [x.numpy() for x in inputs], [ref.numpy()],
                                    atol=2e-4, rtol=2e-4)


if __name__ == "__main__":
    unittest.main()
