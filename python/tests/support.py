# ---------------------------------------------------------------------------
# Shared helpers for python/tests (not a test module itself).
# Run the suite from the repo root with Debian's interpreter:
#   /usr/bin/python3 -m unittest discover -s python/tests -v
# ---------------------------------------------------------------------------
"""Import paths, optional-dependency skips, mlir-opt checks."""

import contextlib
import importlib
import os
import subprocess
import sys
import tempfile
import unittest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(PYTHON_DIR)
if PYTHON_DIR not in sys.path:
    sys.path.insert(0, PYTHON_DIR)

from egrl_import import execute  # noqa: E402

try:
    import torch  # noqa: F401

    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False
try:
    import onnx  # noqa: F401

    HAVE_ONNX = True
except ImportError:
    HAVE_ONNX = False

MLIR_OPT = execute.tool("mlir-opt")

needs_torch = unittest.skipUnless(HAVE_TORCH, "torch is not importable (run with Debian's /usr/bin/python3)")
needs_onnx = unittest.skipUnless(HAVE_ONNX and HAVE_TORCH,
                                 "onnx/torch are not importable (run with Debian's /usr/bin/python3)")


def mlir_opt(test: unittest.TestCase, text: str, *flags: str) -> str:
    """Parse + verify `text` with mlir-opt (skips the test if absent)."""
    if MLIR_OPT is None:
        test.skipTest("mlir-opt (LLVM 22) not found; set EGRL_LLVM_BIN")
    p = subprocess.run([MLIR_OPT, *flags, "-"], input=text, capture_output=True, text=True, timeout=120)
    test.assertEqual(p.returncode, 0, f"mlir-opt {' '.join(flags)} failed:\n{p.stderr[-3000:]}")
    return p.stdout


def run_numeric(test: unittest.TestCase, text: str, inputs, ref_outputs, atol=1e-4, rtol=1e-4):
    """Execute the imported @forward and compare with reference outputs (f32, or i64 / i32 integers)."""
    import numpy as np

    if not execute.available():
        test.skipTest("mlir-runner / runner-utils libraries not found")
    dtypes = [{np.dtype(np.int64): "i64", np.dtype(np.int32): "i32"}.get(np.asarray(r).dtype, "f32")
              for r in ref_outputs]
    outs = execute.run_forward(text, inputs, [r.shape for r in ref_outputs], result_dtypes=dtypes)
    for o, r in zip(outs, ref_outputs):
        np.testing.assert_allclose(o, r, atol=atol, rtol=rtol)


@contextlib.contextmanager
def factory_module(name: str, source: str):
    """`source` written as a user's factory file `name`.py in a temporary directory, importable
    while the context lasts: yields (the module, the directory), the directory also being where a
    subprocess given `name:FACTORY` finds it."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, name + ".py"), "w") as f:
            f.write(source)
        sys.path.insert(0, d)
        try:
            yield importlib.import_module(name), d
        finally:
            sys.path.remove(d)
            sys.modules.pop(name, None)
