# ---------------------------------------------------------------------------
# egrl_import — PyTorch (torch.fx) and ONNX models -> linalg-on-tensors MLIR
# in the form torch-mlir's linalg backend emits, for egrl's placement passes.
# ---------------------------------------------------------------------------
"""Importers that turn PyTorch / ONNX models into linalg-on-tensors MLIR."""

from .mlir import Emitter, UnsupportedError, Value

__all__ = ["Emitter", "UnsupportedError", "Value"]
