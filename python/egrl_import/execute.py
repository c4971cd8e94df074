# ---------------------------------------------------------------------------
# egrl_import.execute — run an imported @forward with upstream MLIR tools.
#
# Used by the tests to check the importers numerically, not just
# syntactically: a model imported with inline_weights=True is wrapped in a
# @main that feeds constant inputs and prints each result with
# printMemrefF32, lowered with mlir-opt (bufferize, linalg -> loops -> LLVM)
# and JIT-run by mlir-runner.  The printed numbers are compared with torch
# or with an ONNX-exported torch model's output.
# ---------------------------------------------------------------------------
"""Execute imported MLIR with mlir-opt + mlir-runner (tests only)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from .mlir import symbol_name, tensor_type

LLVM_BIN = os.environ.get("EGRL_LLVM_BIN", "/usr/lib/llvm-22/bin")
LLVM_LIB = os.path.join(os.path.dirname(LLVM_BIN), "lib")

PIPELINE = [
    "--one-shot-bufferize=bufferize-function-boundaries",
    "--convert-linalg-to-loops",
    "--convert-math-to-llvm",  # rsqrt, exp, tanh, ... (no libm rsqrtf)
    "--convert-math-to-libm",  # erf -> erff
    "--expand-strided-metadata",
    "--lower-affine",
    "--convert-scf-to-cf",
    "--convert-to-llvm",
    "--reconcile-unrealized-casts",
]


def tool(name: str) -> str | None:
    """Path of an LLVM/MLIR tool, or None if it is not installed."""
    p = os.path.join(LLVM_BIN, name)
    return p if os.access(p, os.X_OK) else shutil.which(name)


def available() -> bool:
    libs = [os.path.join(LLVM_LIB, f) for f in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so")]
    return bool(tool("mlir-opt") and tool("mlir-runner") and all(os.path.exists(p) for p in libs))


def run_forward(text: str, inputs, result_shapes, func_name: str = "forward", timeout: int = 120,
                result_dtypes=None):
    """Run @func_name(inputs) and return its results as numpy arrays: f32, or the element types
    `result_dtypes` gives per result ("f32", "i64": argmax's indices, or "i32")."""
    import numpy as np

    _DT = {np.dtype(np.float32): "f32", np.dtype(np.int64): "i64", np.dtype(np.int32): "i32"}
    lines = []
    args = []
    for i, x in enumerate(inputs):
        x = np.ascontiguousarray(x).reshape(np.shape(x))  # ascontiguousarray makes rank 0 rank 1
        dt = _DT[x.dtype]
        raw = x.astype(x.dtype.newbyteorder("<")).tobytes().hex().upper()
        lines.append(f'    %x{i} = arith.constant dense<"0x{raw}"> : {tensor_type(x.shape, dt)}')
        args.append((f"%x{i}", tensor_type(x.shape, dt)))
    dtypes = list(result_dtypes or ["f32"] * len(result_shapes))
    rtypes = [tensor_type(s, dt) for s, dt in zip(result_shapes, dtypes)]
    res = ", ".join(f"%y{i}" for i in range(len(rtypes)))
    lines.append(f"    {res} = call @{symbol_name(func_name)}({', '.join(a for a, _ in args)}) : "
                 f"({', '.join(t for _, t in args)}) -> ({', '.join(rtypes)})")
    for i, (t, dt) in enumerate(zip(rtypes, dtypes)):
        lines.append(f"    %c{i} = tensor.cast %y{i} : {t} to tensor<*x{dt}>")
        lines.append(f"    %m{i} = bufferization.to_buffer %c{i} : tensor<*x{dt}> to memref<*x{dt}>")
        lines.append(f"    call @printMemref{dt.upper()}(%m{i}) : (memref<*x{dt}>) -> ()")
    main = ("  func.func @main() {\n" + "\n".join(lines) + "\n    return\n  }\n" + "".join(
        f"  func.func private @printMemref{dt.upper()}(memref<*x{dt}>) attributes {{llvm.emit_c_interface}}\n"
        for dt in sorted(set(dtypes))) + "}\n")
    body = text.rstrip()
    if not body.endswith("}"):
        raise ValueError("expected a module ending in '}'")
    module = body[:-1] + main
    libs = ",".join(os.path.join(LLVM_LIB, f) for f in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so"))
    with tempfile.TemporaryDirectory() as d:
        src, low = os.path.join(d, "in.mlir"), os.path.join(d, "low.mlir")
        with open(src, "w") as f:
            f.write(module)
        _run([tool("mlir-opt"), src, *PIPELINE, "-o", low], timeout)
        out = _run([tool("mlir-runner"), low, "-e", "main", "-entry-point-result=void", f"-shared-libs={libs}"], timeout)
    chunks = out.split("Unranked Memref")[1:]
    if len(chunks) != len(result_shapes):
        raise RuntimeError(f"expected {len(result_shapes)} printed results, got:\n{out[:2000]}")
    results = []
    for chunk, shape, dt in zip(chunks, result_shapes, dtypes):
        data = chunk.split("data =", 1)[1]
        nums = re.findall(r"[-+]?(?:nan|inf|\d+\.?\d*(?:e[-+]?\d+)?)", data)
        results.append(np.array([float(n) for n in nums], {"i64": np.int64, "i32": np.int32}.get(dt, np.float32)).reshape(shape))
    return results


def _run(cmd, timeout) -> str:
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode:
        raise RuntimeError(f"{os.path.basename(cmd[0])} failed ({p.returncode}):\n{p.stderr[-4000:]}")
    return p.stdout
