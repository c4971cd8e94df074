# ---------------------------------------------------------------------------
# egrl_import.onnx_values — what the ONNX importer's lowerings pass around
# besides SSA values: weights not yet emitted, element-type names, numbers.
# ---------------------------------------------------------------------------
"""Values shared by the ONNX importer and its quantized lowerings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import onnx


def dtype_name(elem_type: int) -> str:
    """ONNX's name of an element type (FLOAT16 for 10), or its number."""
    try:
        return onnx.TensorProto.DataType.Name(elem_type)
    except ValueError:
        return str(elem_type)


def number(v: np.ndarray):
    """A one-element constant as a Python number: an int if its dtype is an integer one (so an i64
    tensor meets an integer, ids > 0, as on the torch routes), else a float."""
    x = v.reshape(-1)[0]
    return int(x) if v.dtype.kind in "iu" else float(x)


@dataclass
class Weight:
    """A weight not yet emitted (emitted at first use, in program order)."""

    name: str
    shape: tuple
    dtype: str = "f32"
    data: object = None  # numpy values, kept only for inline_weights
    transpose_of: object = None  # the Weight this one holds transposed (a tied LM head)
    emitted: object = None  # its Value, once emitted
