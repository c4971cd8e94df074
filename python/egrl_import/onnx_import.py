# ---------------------------------------------------------------------------
# egrl_import.onnx_import — ONNX model -> linalg-on-tensors MLIR.
#
# Walks the (topologically sorted) ONNX graph and lowers each node through
# the same Emitter as the torch importer, so both produce one IR form.
#
# Values are either SSA tensors (activations, weights) or compile-time numpy
# arrays (shape arithmetic: Shape/Gather/Concat/Unsqueeze chains that
# torch.onnx.export emits; integer initializers; scalar Constants), which are
# folded here because every shape is static.
#
# Weights: every float initializer of rank >= 1 becomes a dense_resource
# constant named after it (rank-0 ones are scalars, folded inline).  The ONNX model zoo's light_*.onnx files (and
# onnx.tools.replace_initializer_by_constant_of_shape) replace big
# initializers by `ConstantOfShape(<name>__SHAPE)` nodes; a float
# ConstantOfShape with a known shape is treated as the weight it stands for,
# named after its output.  Shapes are checked against onnx shape inference.
#
# Errors: any error raised while a node is lowered (ours, the Emitter's, or
# a Python one from a lowering bug) is re-raised once, in run(), as an
# UnsupportedError naming the node and its op type.
# ---------------------------------------------------------------------------
"""Import an ONNX model into linalg-on-tensors MLIR."""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
import sys
from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import numpy_helper

from .mlir import Emitter, UnsupportedError, Value, first_line, one_line
from .onnx_quantized import MS_QLINEAR, ON_INT8, QuantizedLowerings, is_quantized_op
from .onnx_values import Weight, dtype_name, number

__all__ = ["import_onnx", "OnnxImportResult"]

_ONNX_DTYPES = {onnx.TensorProto.FLOAT: "f32", onnx.TensorProto.INT64: "i64", onnx.TensorProto.INT32: "i32"}
_NP_DTYPES = {"f32": np.float32, "i64": np.int64, "i32": np.int32}
_CAST_DTYPES = {**_ONNX_DTYPES, onnx.TensorProto.BOOL: "i1"}


@dataclass
class OnnxImportResult:
    """The MLIR text and weight statistics."""

    text: str
    resource_count: int
    resource_elements: int
    resources: dict = field(default_factory=dict)  # name -> shape


class _OnnxImporter(QuantizedLowerings):
    def __init__(self, model: onnx.ModelProto, input_shapes: dict | None, func_name: str, inline_weights: bool,
                 fold_qdq: bool = False):
        self.model = model
        self.inline_weights = inline_weights
        self.fold_qdq = fold_qdq
        self.input_shapes = dict(input_shapes or {})
        self.func_name = func_name
        self.em = Emitter()
        self.env: dict[str, object] = {}
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 13)
        if self.opset > _NEWEST_OPSET:
            print(f"egrl-import: note: the model's opset {self.opset} is newer than {_NEWEST_OPSET}, the newest the "
                  f"importer was written against (onnx 1.12): an op whose inputs or attributes changed since "
                  f"is refused where the importer sees the later form, and may be misread where it does not",
                  file=sys.stderr)

    def _named_dims_given(self, g, init_names):
        """Symbolic dims (dim_param) sized by --input-shape: name -> (size, input). Inputs that share a
        name (a batch 'b') share its size, which one --input-shape gives all of them."""
        named = {}
        for inp in g.input:
            shape = self.input_shapes.get(inp.name)
            tt = inp.type.tensor_type
            if inp.name in init_names or shape is None or not tt.HasField("shape") or \
                    len(shape) != len(tt.shape.dim):
                continue
            for d, size in zip(tt.shape.dim, shape):
                if not d.dim_param:
                    continue
                earlier = named.setdefault(d.dim_param, (int(size), inp.name))
                if earlier[0] != int(size):
                    raise UnsupportedError(
                        f"--input-shape gives the dim '{one_line(d.dim_param)}' two sizes: {earlier[0]} "
                        f"('{earlier[1]}') and {int(size)} ('{inp.name}'); inputs that name one dim share it")
        return named

    @staticmethod
    def _note_parameters_as_inputs(g, inputs):
        """A file exported without its weights (torch.onnx.export(export_params=False)) has them as graph
        inputs: they import as host inputs, and no weight is placed. Said, since the import succeeds."""
        params = [n for n in inputs if n.rsplit(".", 1)[-1] in ("weight", "bias")]
        if params and not g.initializer:
            print(f"egrl-import: note: the graph has no initializers and {len(params)} of its {len(inputs)} inputs "
                  f"are named like parameters ('{one_line(params[0])}'): exported without its weights "
                  f"(export_params=False)? They import as inputs the host passes, so no weight is placed; "
                  f"export with the weights to place them", file=sys.stderr)

    def fail(self, what: str) -> UnsupportedError:
        """An error about the node being lowered; run() adds the node's name
        and op type (to this and to any other error its lowering raises)."""
        return UnsupportedError(what)

    @staticmethod
    def where(node) -> str:
        name = node.name or (node.output[0] if node.output else "")
        what = f"ONNX node '{one_line(name)}'" if name else "an unnamed ONNX node"
        return f"{what} (op type {one_line(node.op_type)})"

    # -- driver -----------------------------------------------------------------
    def run(self) -> OnnxImportResult:
        g = self.model.graph
        self._check_single_assignment(g)
        init_names = {t.name for t in g.initializer}
        self.init_protos = {t.name: t for t in g.initializer}
        matrices = []
        for t in g.initializer:
            try:
                arr = numpy_helper.to_array(t)
            except Exception as e:  # short raw_data, a short external-data file
                raise UnsupportedError(f"initializer '{one_line(t.name)}' cannot be read: "
                                       f"{first_line(e, type(e).__name__)}") from e
            if arr.dtype == np.float32 and arr.ndim == 0:
                self.env[t.name] = arr  # a scalar (clip bound, scale): not a weight
            elif arr.dtype == np.float32:
                self.env[t.name] = Weight(t.name, tuple(arr.shape), data=arr if self.inline_weights else None)
                if arr.ndim == 2 and arr.size > 1:
                    matrices.append((t.name, arr))
            elif arr.dtype.kind in "iub":
                self.env[t.name] = arr.astype(np.int64) if arr.dtype.kind != "b" else arr
            elif arr.dtype == np.float16:
                count = sum(1 for i in g.initializer if i.data_type == onnx.TensorProto.FLOAT16)
                raise UnsupportedError(f"the model is float16 ({count} FLOAT16 initializers, '{t.name}' the first): "
                                       "the importer reads float32 models (and int8 ones in QDQ or QLinear form); "
                                       "export the model in float32, or convert it with onnxconverter-common's "
                                       "float16 tools")
            else:
                raise UnsupportedError(f"initializer '{t.name}' has unsupported dtype {arr.dtype}")
        self._tie_transposed(matrices)
        if not g.node:
            raise UnsupportedError("the ONNX graph has no nodes: nothing to import")
        if not g.output:
            raise UnsupportedError("the ONNX graph has no outputs: nothing to import")
        for node in g.node:
            self._check_attributes(node)
        inputs = [inp.name for inp in g.input if inp.name not in init_names]
        self._note_parameters_as_inputs(g, inputs)
        unknown = sorted(set(self.input_shapes) - set(inputs))
        if unknown:
            raise UnsupportedError(f"--input-shape names {', '.join(repr(u) for u in unknown)}, not an input of "
                                   f"the graph (its inputs: {', '.join(inputs) or 'none'})")
        named = self._named_dims_given(g, init_names)
        args = []
        for inp in g.input:
            if inp.name in init_names:
                continue
            tt = inp.type.tensor_type
            dtype = _ONNX_DTYPES.get(tt.elem_type)
            if dtype is None:
                raise UnsupportedError(f"graph input '{inp.name}' has unsupported element type "
                                       f"{dtype_name(tt.elem_type)} (supported: FLOAT, INT64, INT32)")
            shape = self.input_shapes.get(inp.name)
            declared = tt.shape.dim if tt.HasField("shape") else None
            if shape is not None:
                if any(int(d) <= 0 or int(d) >= 2**63 for d in shape):
                    raise UnsupportedError(f"the shape {list(shape)} given for graph input '{inp.name}' is not "
                                           f"positive integers below 2^63")
                if declared is not None and len(shape) != len(declared):
                    raise UnsupportedError(f"the shape {list(shape)} given for graph input '{inp.name}' has rank "
                                           f"{len(shape)}; the input has rank {len(declared)}")
            elif declared is None:
                raise UnsupportedError(f"graph input '{inp.name}' has no shape; give it with "
                                       f"--input-shape {inp.name}=...")
            else:
                shape = []
                for i, d in enumerate(declared):
                    if d.HasField("dim_value") and d.dim_value > 0:
                        shape.append(d.dim_value)
                    elif d.HasField("dim_value") and d.dim_value == 0:
                        raise UnsupportedError(f"graph input '{inp.name}' has a zero-size dim {i} (an empty tensor): "
                                               f"zero-size tensors are not supported")
                    elif d.dim_param in named:
                        # The size --input-shape gave another input's dim of that name.
                        shape.append(named[d.dim_param][0])
                    elif i == 0 and _names_a_sequence(d.dim_param):
                        # A seq-first layout (nn.GRU's default, ONNX RNNs' layout 0):
                        # batch 1 would import one time step.
                        raise UnsupportedError(
                            f"graph input '{inp.name}' has a dynamic dim 0 ('{d.dim_param}'), which names a "
                            f"sequence, not a batch; give static shapes with --input-shape {inp.name}=...")
                    elif i == 0:
                        # A symbolic batch dim: the paper's setting, batch 1.
                        shape.append(1)
                        print(f"egrl-import: graph input '{inp.name}' has a symbolic batch dim "
                              f"('{d.dim_param}'); using batch 1 (--input-shape {inp.name}=... "
                              f"to choose)", file=sys.stderr)
                    else:
                        raise UnsupportedError(
                            f"graph input '{inp.name}' has a dynamic dim {i} ('{d.dim_param}'); "
                            f"give static shapes with --input-shape {inp.name}=...")
            v = self.em.new_arg(len(args), shape, dtype)
            args.append(v)
            self.env[inp.name] = v
        self.inferred = self._infer_shapes(args)

        live = _live_nodes(g)
        for index, node in enumerate(g.node):
            if index not in live:
                continue
            self.em.loc = node.name or node.output[0]
            try:
                outs = self._lower(node)
                if not isinstance(outs, (tuple, list)):
                    outs = (outs,)
                for name, val in zip(node.output, outs):
                    if name:
                        self._check(name, val)
                        self.env[name] = val
                self._pass_quant_type(node, outs)
            except UnsupportedError as e:  # the one place errors get the node's name and op type
                raise UnsupportedError(f"{self.where(node)}: {e}") from e
            except Exception as e:  # a lowering bug: still one line that names the node
                raise UnsupportedError(f"{self.where(node)}: internal error: {type(e).__name__}: "
                                       f"{first_line(e)}") from e
        self.em.loc = None
        results = []
        for out in g.output:
            v = self.env.get(out.name)
            if v is None:
                raise UnsupportedError(f"graph output '{out.name}' is not produced")
            results.append(self.value(v))
        header = [f"Generated by egrl-import (ONNX) from graph '{g.name}' (opset {self.opset}).",
                  "Weights are dense_resource constants without blobs; names follow initializer names."]
        text = self.em.module(self.func_name, args, results, header)
        res = {k: v[0] for k, v in self.em.resources.items()}
        return OnnxImportResult(text, len(res), sum(math.prod(s) for s in res.values()), res)

    def _check_single_assignment(self, g):
        """ONNX graphs are in SSA form: each name is defined once, by a graph input, an
        initializer or a node output. An initializer may share a graph input's name: it is
        that input's default value (IR version 4 on; before, every initializer had to be an
        input), imported as the weight it is, so it must be a value of the input's type."""
        defined = {}  # name -> what defines it
        for inp in g.input:
            if inp.name in defined:
                raise UnsupportedError(f"graph input '{one_line(inp.name)}' is declared twice (an ONNX graph "
                                       "defines each name once)")
            defined[inp.name] = f"graph input '{one_line(inp.name)}'"
        inputs = {inp.name: inp for inp in g.input}
        inits = set()
        for t in g.initializer:
            if t.name in inits:
                raise UnsupportedError(f"initializer '{one_line(t.name)}' is given twice (an ONNX graph defines "
                                       "each name once)")
            inits.add(t.name)
            if t.name in inputs:
                self._check_default(inputs[t.name], t)
            else:
                defined[t.name] = f"initializer '{one_line(t.name)}'"
        for node in g.node:
            for name in node.output:
                if not name:  # an optional output left out
                    continue
                if name in defined:
                    raise UnsupportedError(f"{self.where(node)}: its output '{one_line(name)}' is already defined "
                                           f"by {defined[name]} (an ONNX graph defines each name once)")
                defined[name] = self.where(node)

    @staticmethod
    def _check_default(inp, t):
        """An initializer sharing graph input `inp`'s name (its default value) has the type `inp` declares."""
        tt = inp.type.tensor_type
        declared = [d.dim_value if d.HasField("dim_value") else None for d in tt.shape.dim] \
            if tt.HasField("shape") else None
        dims = list(t.dims)
        if (tt.elem_type and tt.elem_type != t.data_type or declared is not None and (
                len(declared) != len(dims) or any(d is not None and d != e for d, e in zip(declared, dims)))):
            shown = "?" if declared is None else [d if d is not None else "?" for d in declared]
            raise UnsupportedError(f"graph input '{one_line(inp.name)}' is declared {dtype_name(tt.elem_type)} "
                                   f"{shown}, but its initializer (its default value) is "
                                   f"{dtype_name(t.data_type)} {dims}")

    def _check_attributes(self, node):
        """What ONNX's own shape inference would divide by, or index with,
        checked first: a zero stride kills the process (SIGFPE) in it. Pads are
        non-negative wherever they are read (Conv, ConvTranspose, pooling): only
        Pad's may be negative (they crop), and Pad checks its own."""
        if not any(node.output):
            raise UnsupportedError(f"{self.where(node)}: the node has no outputs")
        at = self.attrs(node)
        for name in ("strides", "dilations", "kernel_shape"):
            values = at.get(name)
            if isinstance(values, (list, tuple)) and any(int(v) <= 0 for v in values):
                raise UnsupportedError(f"{self.where(node)}: {name} {list(values)} must be positive")
        if node.op_type != "Pad":
            for name in ("pads", "output_padding"):
                values = at.get(name)
                if isinstance(values, (list, tuple)) and any(int(v) < 0 for v in values):
                    raise UnsupportedError(f"{self.where(node)}: {name} {list(values)} must be non-negative")

    def _infer_shapes(self, args) -> dict:
        """Static shapes from onnx shape inference, for cross-checking."""
        m = onnx.ModelProto()
        m.CopyFrom(self.model)
        for inp, a in zip([i for i in m.graph.input if i.name in self.env and isinstance(self.env[i.name], Value)], args):
            dims = inp.type.tensor_type.shape.dim
            del dims[:]
            for d in a.shape:
                dims.add().dim_value = d
        try:
            m = onnx.shape_inference.infer_shapes(m)
        except Exception:  # inference is only a cross-check
            return {}
        shapes = {}
        for vi in list(m.graph.value_info) + list(m.graph.output):
            dims = vi.type.tensor_type.shape.dim
            if all(d.HasField("dim_value") for d in dims) and vi.type.tensor_type.HasField("shape"):
                shapes[vi.name] = tuple(d.dim_value for d in dims)
        return shapes

    def _check(self, name, val):
        if isinstance(val, Value):
            if any(d <= 0 for d in val.shape):
                raise self.fail(f"output '{name}' would have shape {list(val.shape)}: zero-size and negative dims "
                                "are not supported (do the node's attributes fit its input?)")
            want = self.inferred.get(name)
            if want is not None and tuple(want) != tuple(val.shape):
                raise self.fail(f"internal error: lowered shape {list(val.shape)} != inferred shape {list(want)} for '{name}'")

    # -- operands ---------------------------------------------------------------------
    def get(self, node, i):
        if i >= len(node.input) or not node.input[i]:
            return None
        name = node.input[i]
        if name not in self.env:
            raise self.fail(f"input '{name}' is not defined")
        return self.env[name]

    def _tie_transposed(self, matrices):
        """torch.onnx exports a linear layer tied to an embedding table (an LM
        head) as a second initializer holding the table transposed: it
        becomes a transpose of the table, so the table is one weight, as the
        torch routes import it. The table is the one with a name of its own
        (`tok.weight`, not `onnx::MatMul_8`), else the first."""
        by_content = {}
        for name, arr in matrices:
            by_content.setdefault((arr.shape, hashlib.sha1(arr.tobytes()).digest()), []).append((name, arr))
        exported = lambda name: name.startswith(("onnx::", "onnx__"))
        for name, arr in matrices:
            t = np.ascontiguousarray(arr.T)
            for other, other_arr in by_content.get((t.shape, hashlib.sha1(t.tobytes()).digest()), []):
                a, b = self.env[name], self.env[other]
                if other == name or a.transpose_of or b.transpose_of or not np.array_equal(other_arr, t):
                    continue
                if exported(name) and not exported(other):
                    a.transpose_of = b
                else:  # `other` alone is exported, or `name` comes first
                    b.transpose_of = a
                break

    def value(self, v) -> Value:
        """Materialise an operand as an SSA tensor."""
        if isinstance(v, Value):
            return v
        if isinstance(v, Weight):
            if v.emitted is not None:
                return v.emitted
            if v.transpose_of is not None:
                w = self.em.transpose(self.value(v.transpose_of), [1, 0])
            else:
                w = self.em.weight(self.em.unique_resource(v.name), v.shape, v.dtype, data=v.data)
            v.emitted = w
            for k, x in self.env.items():  # later uses reuse the constant
                if x is v:
                    self.env[k] = w
            return w
        if isinstance(v, np.ndarray):
            dt = {np.dtype(np.float32): "f32", np.dtype(np.int64): "i64", np.dtype(np.int32): "i32",
                  np.dtype(np.bool_): "i1"}.get(v.dtype)
            if dt is None:
                raise self.fail(f"constant of dtype {v.dtype} is not supported")
            return self.em.dense(v, dt)
        raise self.fail(f"expected a tensor, got {type(v).__name__}")

    def tensor(self, node, i) -> Value | None:
        v = self.get(node, i)
        return None if v is None else self.value(v)

    def operand(self, node, i):
        """A tensor, or a Python number for a one-element constant (_number)."""
        v = self.get(node, i)
        if isinstance(v, np.ndarray) and v.size == 1:
            return number(v)
        return self.value(v)

    def const(self, node, i) -> np.ndarray | None:
        v = self.get(node, i)
        if v is None:
            return None
        if isinstance(v, Weight) and v.name in self.init_protos:
            # A float initializer (Resize's scales, once a tool such as
            # onnx-simplifier turned their Constant into one).
            return numpy_helper.to_array(self.init_protos[v.name])
        if not isinstance(v, np.ndarray):
            raise self.fail(f"input {i} ('{node.input[i]}') must be a compile-time constant")
        return v

    @staticmethod
    def attrs(node) -> dict:
        """Attribute values; strings (auto_pad, mode, equation) as str, not bytes."""
        def value(a):
            v = onnx.helper.get_attribute_value(a)
            return v.decode(errors="replace") if isinstance(v, bytes) else v

        return {a.name: value(a) for a in node.attribute}

    # -- lowering ---------------------------------------------------------------------
    def _lower(self, node):
        op = node.op_type
        if node.domain not in ("", "ai.onnx") and not (node.domain == "com.microsoft" and op in MS_QLINEAR):
            raise self.fail(f"custom domain '{node.domain}' is not supported")
        at = self.attrs(node)
        em = self.em
        ins = [self.get(node, i) for i in range(len(node.input))]
        int8 = next((node.input[i] for i, x in enumerate(ins) if isinstance(x, Value) and x.dtype == "i8"), None)
        if int8 is not None and (op not in ON_INT8 or op == "Resize" and at.get("mode", "nearest") != "nearest"):
            # Quantized values only move (or are clamped, by their type's order): arithmetic on
            # them would compute on the integers, not on what they stand for.
            raise self.fail(f"input '{int8}' is an INT8 / UINT8 tensor, which this op does not take here (data "
                            "movement, MaxPool, Clip, Relu and the quantized ops do; dequantize it first)")
        if op in _FOLD and all(x is None or isinstance(x, np.ndarray) for x in ins):
            return np.asarray(_FOLD[op](self, node, ins, at))  # numpy scalars (np.take of a 0-d index) too
        if op == "Constant":
            return self._constant(at)
        if op == "ConstantOfShape":
            shape = tuple(int(d) for d in self.const(node, 0))
            val = numpy_helper.to_array(at["value"]) if "value" in at else np.zeros(1, np.float32)
            if val.dtype == np.float32:
                data = np.full(shape, val.reshape(-1)[0], np.float32) if self.inline_weights else None
                return Weight(node.output[0], shape, data=data)
            return np.full(shape, val.reshape(-1)[0], dtype=np.int64)
        if op == "Shape":
            x = ins[0]
            shape = x.shape if isinstance(x, (Value, Weight, np.ndarray)) else None
            s = np.array(shape, dtype=np.int64)
            return s[at.get("start", 0):at.get("end", len(s))]
        if op in ("Identity", "Dropout"):
            return (ins[0],) + ((None,) if len(node.output) > 1 else ())
        if op == "Conv":
            return self._conv(node, at)
        if op in ("LSTM", "GRU", "RNN"):
            return self._rnn(node, at)
        if op == "If":
            return self._if(node, at)
        if op == "ConvTranspose":
            x, w, b = self.tensor(node, 0), self.tensor(node, 1), self.tensor(node, 2)
            n = x.rank - 2
            if n not in (1, 2, 3) or w.rank != x.rank:
                raise self.fail(f"transposed convolution of a rank-{x.rank} input with a rank-{w.rank} weight is not "
                                "supported (1-D, 2-D and 3-D)")
            if "output_shape" in at:
                raise self.fail("output_shape is not supported on ConvTranspose (give pads and output_padding)")
            if at.get("auto_pad", "NOTSET") not in ("NOTSET", ""):
                raise self.fail("auto_pad is not supported on ConvTranspose")
            p = tuple(at.get("pads", (0,) * (2 * n)))
            if len(p) != 2 * n:
                raise self.fail(f"pads {list(p)} must have {2 * n} entries (a begin and an end per spatial dim)")
            stride, out_pad, dil = (self._per_dim(at, k, n, d) for k, d in (("strides", 1), ("output_padding", 0),
                                                                           ("dilations", 1)))
            group = at.get("group", 1)
            if n == 1:
                return em.conv_transpose1d(x, w, b, stride[0], p, out_pad[0], dil[0], group)
            return em.conv_transpose(x, w, b, stride, p, out_pad, dil, group)
        if op == "BatchNormalization":
            if at.get("training_mode", 0):
                raise self.fail("training_mode=1 is not supported")
            if any(node.output[1:]):
                raise self.fail("the training form (which also outputs running statistics) is not supported: "
                                "export the model in inference mode (model.eval())")
            if not at.get("spatial", 1):
                raise self.fail("spatial=0 (statistics per element, not per channel) is not supported")
            x = self.tensor(node, 0)
            if x.rank < 2:
                raise self.fail("batch-norm input must have a channel dim")
            return em.batch_norm(x, self.tensor(node, 3), self.tensor(node, 4), self.tensor(node, 1),
                                 self.tensor(node, 2), at.get("epsilon", 1e-5))
        if op == "Relu" and int8:
            return self._int8_clamp(node, 0, None)
        if op == "Relu" and node.input[0] in self._quant_state()[2]:  # max(q, 0) on the integers
            return em.unary("clamp", self.tensor(node, 0), lo=self._folded_number(node, 0))
        if op == "Relu":
            return em.unary("relu", self.tensor(node, 0))
        if op == "InstanceNormalization":
            x = self.tensor(node, 0)
            return em.group_norm(x, x.shape[1], self.tensor(node, 1), self.tensor(node, 2), at.get("epsilon", 1e-5))
        if op == "LRN":
            if "size" not in at:
                raise self.fail("size is required")
            size = at["size"]  # the spec's window: floor((size - 1) / 2) channels before, the rest after
            return em.local_response_norm(self.tensor(node, 0), size, at.get("alpha", 1e-4), at.get("beta", 0.75),
                                          at.get("bias", 1.0), (size - 1) // 2)
        if op == "Pad":
            return self._pad(node, at)
        if op == "Tile":
            repeats = [int(r) for r in self.const(node, 1).reshape(-1)]
            if any(r <= 0 for r in repeats):
                raise self.fail(f"repeats {repeats} must be positive")
            return em.tile(self.tensor(node, 0), repeats)
        if op == "Resize":
            return self._resize(node, at)
        if op == "Upsample":
            return self._upsample(node, at)
        if op == "ImageScaler":  # experimental (opsets 1-9), in early ONNX-zoo models: scale x + bias[c]
            x = self.tensor(node, 0)
            bias = np.asarray(at.get("bias", []), np.float32)
            if x.rank < 2 or bias.size not in (0, x.shape[1]):
                raise self.fail(f"bias of {bias.size} values for input {list(x.shape)}: one per channel expected")
            y = em.binary("mul", x, float(at.get("scale", 1.0))) if at.get("scale", 1.0) != 1.0 else x
            if not bias.size:
                return y
            shape = (1, x.shape[1]) + (1,) * (x.rank - 2)  # a weight, as the model's parameters are
            b = Weight(f"{node.name or node.output[0]}_bias", shape,
                        data=bias.reshape(shape) if self.inline_weights else None)
            return em.binary("add", y, self.value(b))
        if op == "Clip":
            lo, hi = at.get("min"), at.get("max")
            if self.opset >= 11:
                lo = self._scalar(node, 1)
                hi = self._scalar(node, 2)
            if int8:
                return self._int8_clamp(node, lo, hi)
            lo, hi = self._folded_number(node, lo), self._folded_number(node, hi)
            x = self.tensor(node, 0)
            if x.dtype == "i64":  # the bounds are of the input's type
                lo, hi = (None if v is None else int(v) for v in (lo, hi))
            return em.unary("clamp", x, lo=lo, hi=hi)
        unary = {"Sigmoid": "sigmoid", "Tanh": "tanh", "Erf": "erf", "Sqrt": "sqrt", "Exp": "exp",
                 "Neg": "neg", "Reciprocal": "reciprocal", "Abs": "abs", "Log": "log", "Softplus": "softplus",
                 "Mish": "mish", "Sin": "sin", "Cos": "cos", "Floor": "floor", "Ceil": "ceil", "Round": "round",
                 "Sign": "sign", "Softsign": "softsign"}
        if op in unary:
            return em.unary(unary[op], self.tensor(node, 0))
        if op in ("HardSigmoid", "HardSwish"):  # HardSwish is x * HardSigmoid(x) with alpha 1/6, beta 1/2
            alpha, beta = (at.get("alpha", 0.2), at.get("beta", 0.5)) if op == "HardSigmoid" else (1 / 6, 0.5)
            return em.unary(op.lower(), self.tensor(node, 0), alpha=alpha, beta=beta)
        if op == "PRelu":
            return em.prelu(self.tensor(node, 0), self.tensor(node, 1))
        if op in ("ArgMax", "ArgMin"):
            x = self.tensor(node, 0)
            axis = self._axis(at.get("axis", 0), x.rank)
            r = em.arg_reduce(x, axis, op[3:].lower(), bool(at.get("select_last_index", 0)))
            return em.reshape(r, x.shape[:axis] + (1,) + x.shape[axis + 1:]) if at.get("keepdims", 1) else r
        if op == "LeakyRelu":
            return em.unary("leaky_relu", self.tensor(node, 0), slope=at.get("alpha", 0.01))
        if op == "Elu":
            return em.unary("elu", self.tensor(node, 0), alpha=at.get("alpha", 1.0))
        if op == "Selu":
            return em.unary("elu", self.tensor(node, 0), alpha=at.get("alpha", 1.67326319217681884765625),
                            scale=at.get("gamma", 1.05070102214813232421875))
        if op == "Celu":
            alpha = at.get("alpha", 1.0)
            return em.unary("elu", self.tensor(node, 0), alpha=alpha, input_scale=1.0 / alpha)
        if op == "Shrink":
            return em.unary("shrink", self.tensor(node, 0), lambd=at.get("lambd", 0.5), bias=at.get("bias", 0.0))
        if op in _ARITH:
            return self._arith(node, op)
        if op == "MaxPool":
            if len(node.output) > 1 and node.output[1]:
                raise self.fail("the Indices output is not supported")
            if at.get("storage_order", 0):
                raise self.fail("storage_order=1 is not supported")
            x = self.tensor(node, 0)
            k, s, pads = self._window(node, at, x)
            return self._ceil_windows(node, at, x, em.max_pool(x, k, s, pads, tuple(at.get("dilations", (1,) * len(k))),
                                                               bool(at.get("ceil_mode", 0)), self._unsigned(node)))
        if op == "AveragePool":
            x = self.tensor(node, 0)
            k, s, pads = self._window(node, at, x)
            return self._ceil_windows(node, at, x, em.avg_pool(x, k, s, pads, bool(at.get("ceil_mode", 0)),
                                                               bool(at.get("count_include_pad", 0))))
        if op == "GlobalAveragePool":
            return self._global_avg_pool(self.tensor(node, 0))
        if op == "GlobalMaxPool":
            x = self.tensor(node, 0)
            if x.rank not in (3, 4, 5):
                raise self.fail("only 1-D, 2-D and 3-D (NCL, NCHW, NCDHW) global pooling is supported")
            return em.max_pool(x, x.shape[2:], (1,) * (x.rank - 2), (0,) * (2 * x.rank - 4),
                               unsigned=self._unsigned(node))
        if op == "Flatten":
            x = self.tensor(node, 0)
            axis = self._axis(at.get("axis", 1), x.rank, inclusive=True) if x.rank else 0
            return em.reshape(x, (math.prod(x.shape[:axis]), math.prod(x.shape[axis:])))
        if op == "Reshape":
            return self._reshape(node, at)
        if op in ("Squeeze", "Unsqueeze"):
            x = self.tensor(node, 0)
            return em.reshape(x, self._squeeze_shape(node, at, x.shape))
        if op == "Transpose":
            x = self.tensor(node, 0)
            perm = [self._axis(p, x.rank, "perm entry") for p in at.get("perm", range(x.rank - 1, -1, -1))]
            if sorted(perm) != list(range(x.rank)):
                raise self.fail(f"perm {list(at['perm'])} is not a permutation of the {x.rank} dims")
            return em.transpose(x, perm)
        if op == "Gemm":
            return self._gemm(node, at)
        if op == "MatMul":
            return em.matmul(self.tensor(node, 0), self.tensor(node, 1))
        if op in ("Softmax", "LogSoftmax"):
            x = self.tensor(node, 0)
            axis = self._axis(at.get("axis", -1 if self.opset >= 13 else 1), x.rank)
            softmax = em.softmax if op == "Softmax" else em.log_softmax
            if self.opset >= 13 or axis == x.rank - 1:
                return softmax(x, axis)
            flat = em.reshape(x, (math.prod(x.shape[:axis]), math.prod(x.shape[axis:])))
            return em.reshape(softmax(flat, 1), x.shape)
        if op in _REDUCTIONS:
            return self._reduction(node, at, op)
        if op == "LayerNormalization":
            x = self.tensor(node, 0)
            axis = self._axis(at.get("axis", -1), x.rank)
            if at.get("stash_type", 1) != 1 or any(node.output[1:]):
                raise self.fail("only the normalised output is supported")
            norm = tuple(x.shape[axis:])
            params = []
            for i, what in ((1, "scale"), (2, "bias")):
                p = self.tensor(node, i)
                if p is not None and tuple(p.shape) != norm:
                    stripped = tuple(p.shape)[next((k for k, d in enumerate(p.shape) if d != 1), len(p.shape)):]
                    if stripped != norm[len(norm) - len(stripped):] or math.prod(p.shape) != math.prod(norm):
                        raise self.fail(f"{what} of shape {list(p.shape)} for normalised shape {list(norm)} is "
                                        "not supported (it must have the normalised shape)")
                    p = em.reshape(p, norm)
                params.append(p)
            return em.layer_norm(x, x.rank - axis, params[0], params[1], at.get("epsilon", 1e-5))
        if op == "Gather":
            return self._gather(node, at)
        if op == "TopK":  # k an attribute before opset 10, then a one-element input; ties by position
            x = self.tensor(node, 0)
            k = np.asarray(at["k"]) if len(node.input) < 2 else self.const(node, 1)
            if k.size != 1:
                raise self.fail(f"K must be one value, got shape {list(k.shape)}")
            used, names = self._used_names(), list(node.output) + [""]
            values, indices = em.sort(x, self._axis(at.get("axis", -1), x.rank), int(k.reshape(-1)[0]),
                                      bool(at.get("largest", 1)), names[0] in used, names[1] in used)
            return (values, indices)[:len(node.output)]
        if op == "Trilu":
            k = self.const(node, 1) if len(node.input) > 1 and node.input[1] else np.zeros(1, np.int64)
            if k.size != 1:
                raise self.fail(f"k must be one value, got shape {list(k.shape)}")
            return em.triangle(self.tensor(node, 0), int(k.reshape(-1)[0]), bool(at.get("upper", 1)))
        if op == "GatherElements":
            x, index = self.tensor(node, 0), self.tensor(node, 1)
            return em.gather(x, self._axis(at.get("axis", 0), x.rank), index, wrap_negative=True)
        if op == "Concat":
            return self._concat([v for v in ins if v is not None], at)
        if op == "Split":
            return self._split(node, at)
        if op == "Slice":
            return self._slice(node, at)
        if op == "Einsum":
            return em.einsum(at["equation"], [self.value(v) for v in ins])
        if op == "Expand":
            x = self.value(ins[0])
            shape = tuple(int(d) for d in self.const(node, 1))
            return em.broadcast_to(x, np.broadcast_shapes(x.shape, shape))
        if op == "Where":
            cond = self.value(ins[0])
            return em.select(cond, self.operand(node, 1), self.operand(node, 2))
        if op in ("Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual"):
            pred = {"Equal": "oeq", "Less": "olt", "LessOrEqual": "ole", "Greater": "ogt", "GreaterOrEqual": "oge"}[op]
            return em.compare(pred, self.operand(node, 0), self.operand(node, 1))
        if op == "Not":
            return em.logical("not", self.tensor(node, 0))
        if op in ("And", "Or", "Xor"):
            return em.logical(op.lower(), self.tensor(node, 0), self.tensor(node, 1))
        if op == "Mod":
            x, y = self.operands(node)
            return em.binary("fmod" if at.get("fmod", 0) else "remainder", x, y)
        if op == "GridSample":
            return em.grid_sample(self.tensor(node, 0), self.tensor(node, 1), at.get("mode", "bilinear"),
                                  at.get("padding_mode", "zeros"), bool(at.get("align_corners", 0)))
        if op == "OneHot":  # ids outside [-depth, depth) match no index, as the spec says
            ids, depth, values = self.tensor(node, 0), self.const(node, 1), self.const(node, 2)
            if depth.size != 1 or values.size != 2:
                raise self.fail(f"depth must be one value and values two, got shapes {list(depth.shape)} and "
                                f"{list(values.shape)}")
            # The output has the values' element type: INT32 values (read as int64, as integer constants
            # are) give i32, as the graph declares.
            dtype = {"f": "f32", "i": "i64", "b": "i1"}.get(values.dtype.kind)
            if dtype == "i64" and self._elem_type(node.input[2]) == onnx.TensorProto.INT32:
                dtype = "i32"
            if ids.dtype not in ("i64", "i32") or dtype is None:
                raise self.fail(f"{ids.dtype} indices and {values.dtype} values are not supported (integer "
                                "indices; float, integer or boolean values)")
            off, on = values.reshape(-1).tolist()
            return em.one_hot(ids, int(depth.reshape(-1)[0]), self._axis(at.get("axis", -1), ids.rank + 1),
                              off, on, dtype, wrap_negative=True)
        if op == "CumSum":
            x, axis = self.tensor(node, 0), self.const(node, 1)
            if axis.size != 1:
                raise self.fail(f"axis must be one value, got shape {list(axis.shape)}")
            return em.cumsum(x, self._axis(axis.reshape(-1)[0], x.rank), bool(at.get("exclusive", 0)),
                             bool(at.get("reverse", 0)))
        if op in ("DepthToSpace", "SpaceToDepth"):
            x = self.tensor(node, 0)
            mode = at.get("mode", "DCR") if op == "DepthToSpace" else "DCR"
            if x.rank != 4 or mode not in ("DCR", "CRD") or "blocksize" not in at:
                raise self.fail(f"a rank-4 input, a blocksize and mode DCR or CRD are supported, got rank {x.rank}, "
                                f"mode '{mode}'")
            move = em.depth_to_space if op == "DepthToSpace" else em.space_to_depth
            return move(x, int(at["blocksize"]), mode)
        if op == "Cast" and at.get("to") in (onnx.TensorProto.INT8, onnx.TensorProto.UINT8):
            return self._quantized_cast(node, at)
        if op == "Cast":
            to = _CAST_DTYPES.get(at["to"])
            if to is None:
                raise self.fail(f"casting to {dtype_name(at['to'])} is not supported (FLOAT, INT64, INT32, BOOL)")
            x = self.tensor(node, 0)
            # Quantized values: the ONNX type says how they widen.
            unsigned = x.dtype == "i8" and self._elem_type(node.input[0]) == onnx.TensorProto.UINT8
            return em.cast(x, to, unsigned)
        if is_quantized_op(op):
            return self._lower_quantized(node, at)
        raise self.fail("op type is not supported")

    # -- op helpers -------------------------------------------------------------------
    def _reduction_axes(self, node, at, rank) -> list:
        """The dims a Reduce* node reduces, sorted: its `axes` (the attribute, or the input that
        replaced it: ReduceSum from opset 13, the others from 18); none given, or an empty list, means
        every dim, or none with noop_with_empty_axes=1."""
        raw = self._axes(node, at, default=[])
        axes = [self._axis(a, rank, "axes entry") for a in raw]
        if len(set(axes)) != len(axes):
            raise self.fail(f"axes {raw} name a dim twice")
        if not axes and not at.get("noop_with_empty_axes", 0):
            axes = list(range(rank))
        return sorted(axes)

    def _reduction(self, node, at, op):
        """ReduceSum / Mean / Max / Min / Prod as one reduction generic (Emitter.reduce; i64 too, but
        Mean), and the composite ones around a sum, as the torch routes write p-norms: L1 = sum |x|,
        L2 = sqrt(sum x*x), SumSquare = sum x*x, LogSum = log(sum x), LogSumExp = log(sum exp(x - m))
        + m with m the maximum (torch's stable form; an infinite m taken as 0). Over no dims (an
        empty axes with noop_with_empty_axes) each element is reduced alone. keepdims reshapes."""
        em = self.em
        x = self.tensor(node, 0)
        axes = self._reduction_axes(node, at, x.rank)
        kind = {"ReduceSum": "sum", "ReduceMean": "mean", "ReduceMax": "max", "ReduceMin": "min",
                "ReduceProd": "prod"}.get(op, "sum")
        if op == "ReduceL1":
            x = em.unary("abs", x)
        elif op in ("ReduceL2", "ReduceSumSquare"):
            x = em.binary("mul", x, x)
        if kind == "mean" and x.dtype != "f32":
            raise self.fail(f"ReduceMean of {x.dtype} tensors is not supported (f32 only)")
        if op == "ReduceLogSumExp":
            r = em.logsumexp(x, axes)
        else:
            r = em.reduce(x, axes, kind) if axes else x
        if op == "ReduceL2":
            r = em.unary("sqrt", r)
        elif op == "ReduceLogSum":
            r = em.unary("log", r)
        if at.get("keepdims", 1) and axes:
            r = em.reshape(r, tuple(1 if i in axes else d for i, d in enumerate(x.shape)))
        return r

    def _rnn(self, node, at):
        """ONNX LSTM (gates iofc), GRU (zrh, either linear_before_reset) and RNN (Tanh or Relu) with the
        default activations, unrolled over the time steps as the aten route unrolls nn.LSTM / nn.GRU: per
        direction, the W and R slices transposed once (W, R, B stay the initializers' weights), the
        input projection of every step X @ W^T + Wb in one linalg.matmul, then per step its slice,
        h @ R^T + Rb (linalg.matmul + bias generic), the gates sliced out, sigmoid / tanh and the
        state update; forward, reverse or bidirectional, layout 0
        ([seq, batch, ...]) or 1 ([batch, seq, ...]). Y, Y_h, Y_c are built only where the graph
        reads them."""
        em, op = self.em, node.op_type
        lstm = op == "LSTM"
        gates = {"LSTM": 4, "GRU": 3, "RNN": 1}[op]
        if at.get("clip") is not None:
            raise self.fail("clip is not supported")
        if lstm and at.get("input_forget", 0):
            raise self.fail("input_forget is not supported")
        if lstm and self.get(node, 7) is not None:
            raise self.fail("peepholes (input P) are not supported")
        if self.get(node, 4) is not None:
            raise self.fail("sequence_lens is not supported (every sequence runs the full length)")
        direction = at.get("direction", "forward")
        dirs = {"forward": [False], "reverse": [True], "bidirectional": [False, True]}.get(direction)
        if dirs is None:
            raise self.fail(f"direction '{direction}' is not supported")
        default = {"LSTM": ["Sigmoid", "Tanh", "Tanh"], "GRU": ["Sigmoid", "Tanh"], "RNN": ["Tanh"]}[op] * len(dirs)
        acts = at.get("activations")
        acts = None if acts is None else [a.decode(errors="replace") if isinstance(a, bytes) else a for a in acts]
        if op == "RNN" and acts is not None and len(acts) == len(dirs) and set(acts) <= {"Tanh", "Relu"}:
            default = acts  # nn.RNN(nonlinearity="relu") exports Relu
        if acts is not None and acts != default:
            raise self.fail(f"activations {acts} are not supported (only the default "
                            f"{default[:len(default) // len(dirs)]})")
        if acts is not None and (at.get("activation_alpha") or at.get("activation_beta")):
            raise self.fail("activation_alpha / activation_beta are not supported")
        layout = at.get("layout", 0)
        lbr = at.get("linear_before_reset", 0)
        x, w, r = self.tensor(node, 0), self.tensor(node, 1), self.tensor(node, 2)
        b = self.tensor(node, 3)
        if w is None or r is None:
            raise self.fail("needs the weights W and R")
        if x.rank != 3 or x.dtype != "f32":
            raise self.fail(f"input of shape {list(x.shape)} ({x.dtype}): a rank-3 f32 sequence is expected")
        steps, batch = (x.shape[0], x.shape[1]) if layout == 0 else (x.shape[1], x.shape[0])
        hidden = at.get("hidden_size", r.shape[-1])
        nd = len(dirs)
        if w.shape != (nd, gates * hidden, x.shape[2]) or r.shape != (nd, gates * hidden, hidden) or (
                b is not None and b.shape != (nd, 2 * gates * hidden)):
            raise self.fail(f"weights W {list(w.shape)}, R {list(r.shape)}" + (f", B {list(b.shape)}" if b else "")
                            + f" do not fit {nd} direction(s), hidden size {hidden}, input size {x.shape[2]}")

        def initial(i):
            v = self.get(node, i)
            if v is None or isinstance(v, np.ndarray) and not v.any():  # torch's zeros: a fill, not a constant
                return [em.fill((batch, hidden), 0.0) for _ in dirs]
            v = self.value(v)
            want = (nd, batch, hidden) if layout == 0 else (batch, nd, hidden)
            if v.shape != want:
                raise self.fail(f"initial state '{node.input[i]}' of shape {list(v.shape)}: {list(want)} expected")
            if layout == 1:
                v = em.transpose(v, [1, 0, 2])
            return [em.extract_slice(v, [d, 0, 0], [1, batch, hidden], [1, 1, 1], [0]) for d in range(nd)]

        def rows(m, d, lo, n):  # rows [lo, lo + n) of direction d's matrix (or bias vector)
            if m.rank == 3:
                return em.extract_slice(m, [d, lo, 0], [1, n, m.shape[2]], [1, 1, 1], [0])
            return em.extract_slice(m, [d, lo], [1, n], [1, 1], [0])

        def gate(v, k):
            return em.extract_slice(v, [0, k * hidden], [batch, hidden], [1, 1])

        def affine(v, m, bias):
            y = em.matmul(v, m)
            return y if bias is None else em.binary("add", y, bias)

        h0, c0 = initial(5), initial(6) if lstm else None
        ys, hs, cs = [], [], []
        for d, backward in enumerate(dirs):
            H = gates * hidden
            wt = em.transpose(rows(w, d, 0, H), [1, 0])
            wb = rb = None
            if b is not None:
                wb, rb = rows(b, d, 0, H), rows(b, d, H, H)
            if op != "GRU" or lbr:
                rt = em.transpose(rows(r, d, 0, H), [1, 0])
            else:  # (r * h) @ Rh^T: Rz, Rr and Rh apart
                rt = em.transpose(rows(r, d, 0, 2 * hidden), [1, 0])
                rht = em.transpose(rows(r, d, 2 * hidden, hidden), [1, 0])
                rb, rbh = (rows(b, d, H, 2 * hidden), rows(b, d, H + 2 * hidden, hidden)) if b is not None else (None, None)
            h, c = h0[d], (c0[d] if lstm else None)
            out = [None] * steps
            xp = affine(x, wt, wb)  # every step's input projection at once, as the aten route has it
            for t in (reversed(range(steps)) if backward else range(steps)):
                xg = em.extract_slice(xp, [t, 0, 0] if layout == 0 else [0, t, 0],
                                      [1, batch, H] if layout == 0 else [batch, 1, H], [1, 1, 1],
                                      [0] if layout == 0 else [1])
                hg = affine(h, rt, rb)
                if lstm:
                    g = em.binary("add", xg, hg)
                    i, o, f = (em.unary("sigmoid", gate(g, k)) for k in range(3))
                    c = em.binary("add", em.binary("mul", f, c), em.binary("mul", i, em.unary("tanh", gate(g, 3))))
                    h = em.binary("mul", o, em.unary("tanh", c))
                elif op == "RNN":
                    h = em.unary(default[d].lower(), em.binary("add", xg, hg))
                else:
                    z = em.unary("sigmoid", em.binary("add", gate(xg, 0), gate(hg, 0)))
                    rr = em.unary("sigmoid", em.binary("add", gate(xg, 1), gate(hg, 1)))
                    if lbr:
                        n = em.binary("add", gate(xg, 2), em.binary("mul", rr, gate(hg, 2)))
                    else:
                        n = em.binary("add", gate(xg, 2), affine(em.binary("mul", rr, h), rht, rbh))
                    n = em.unary("tanh", n)
                    h = em.binary("add", n, em.binary("mul", z, em.binary("sub", h, n)))
                out[t] = h
            ys.append(out)
            hs.append(h)
            cs.append(c)
        used = self._used_names()
        names = list(node.output) + [""] * 3
        results = [None, None, None]
        if names[0] in used:  # Y: [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden])
            if layout == 0:
                results[0] = em.concat([em.concat([em.reshape(ys[d][t], (1, 1, batch, hidden)) for d in range(nd)], 1)
                                        for t in range(steps)], 0)
            else:
                results[0] = em.concat([em.concat([em.reshape(ys[d][t], (batch, 1, 1, hidden)) for d in range(nd)], 2)
                                        for t in range(steps)], 1)
        for k, states in ((1, hs), (2, cs)):
            if names[k] in used and states[0] is not None:
                if layout == 0:
                    results[k] = em.concat([em.reshape(s, (1, batch, hidden)) for s in states], 0)
                else:
                    results[k] = em.concat([em.reshape(s, (batch, 1, hidden)) for s in states], 1)
        return tuple(results[:len(node.output)])

    def _if(self, node, at):
        """If on a condition folded at import time (torch.onnx writes one where it cannot see that a
        dim it squeezes has size 1: F.local_response_norm's export): the taken branch's nodes are
        lowered in place and its outputs are the If's. A run-time condition is refused."""
        cond = self.get(node, 0)
        if not isinstance(cond, np.ndarray) or cond.size != 1:
            raise self.fail("a condition computed at run time is not supported (only one folded at import time)")
        which = "then_branch" if bool(cond.reshape(-1)[0]) else "else_branch"
        branch = at.get(which)
        if branch is None or branch.initializer or len(branch.output) != len(node.output):
            raise self.fail(f"the {which} must be a graph without initializers and with the If's "
                            f"{len(node.output)} output(s)")
        loc = self.em.loc
        for inner in branch.node:
            self.em.loc = inner.name or inner.output[0]
            try:
                self._check_attributes(inner)
                outs = self._lower(inner)
                outs = outs if isinstance(outs, (tuple, list)) else (outs,)
                for name, val in zip(inner.output, outs):
                    if name:
                        self._check(name, val)
                        self.env[name] = val
            except UnsupportedError as e:
                raise self.fail(f"in its {which}, {self.where(inner)}: {e}") from e
        self.em.loc = loc
        return tuple(self.env[o.name] for o in branch.output)

    def _used_names(self) -> set:
        """Names some node or the graph output reads."""
        if getattr(self, "_used", None) is None:
            g = self.model.graph
            self._used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
        return self._used

    def _constant(self, at):
        if "value" in at:
            arr = numpy_helper.to_array(at["value"])
        elif "value_float" in at:
            arr = np.array(at["value_float"], np.float32)
        elif "value_floats" in at:
            arr = np.array(at["value_floats"], np.float32)
        elif "value_int" in at:
            arr = np.array(at["value_int"], np.int64)
        elif "value_ints" in at:
            arr = np.array(at["value_ints"], np.int64)
        else:
            raise self.fail(f"constant attributes {sorted(at)} are not supported")
        if arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
        elif arr.dtype != np.float32 and arr.dtype.kind != "b":
            raise self.fail(f"constant of dtype {arr.dtype} is not supported")
        return arr

    def _scalar(self, node, i):
        v = self.const(node, i)
        return None if v is None else float(v.reshape(-1)[0])

    def _axes(self, node, at, default=None):
        if "axes" in at:
            return list(at["axes"])
        if len(node.input) > 1 and node.input[1]:
            return [int(a) for a in self.const(node, 1).reshape(-1)]
        if default is None:
            raise self.fail("axes are required")
        return default

    def _axis(self, axis, rank, what="axis", inclusive=False):
        """A possibly negative axis of a rank-`rank` tensor, counted from 0;
        `inclusive` allows `rank` itself (Flatten's axis)."""
        axis, top = int(axis), rank + 1 if inclusive else rank
        if not -rank <= axis < top:
            raise self.fail(f"{what} {axis} is out of range for a rank-{rank} input")
        return axis + rank if axis < 0 else axis

    def _squeeze_shape(self, node, at, shape):
        op = node.op_type
        axes = self._axes(node, at, default=None if op == "Unsqueeze" else [])
        rank = len(shape) + len(axes) if op == "Unsqueeze" else len(shape)
        axes = [self._axis(a, rank, "axes entry") for a in axes]
        if op == "Squeeze" and any(shape[a] != 1 for a in axes):
            raise self.fail(f"cannot squeeze dims {axes} of shape {list(shape)} (not all 1)")
        return _squeeze_shape(op, shape, axes)

    def operands(self, node) -> list:
        """Every input as a tensor, or as a Python number (_number) for a one-element
        constant that does not raise the rank of the broadcast result."""
        vals = [self.get(node, i) for i in range(len(node.input))]
        if any(v is None for v in vals):
            raise self.fail("an empty input name is not supported here")
        one = lambda v: isinstance(v, np.ndarray) and v.size == 1
        rank = max((len(v.shape) for v in vals if not one(v)), default=0)
        if any(isinstance(v, Value) and v.dtype == "i32" for v in vals):
            # Integer constants, read as int64, join INT32 tensors as INT32 (ONNX's ops take one type).
            vals = [v.astype(np.int32) if isinstance(v, np.ndarray) and v.dtype == np.int64 else v for v in vals]
        return [number(v) if one(v) and v.ndim <= rank else self.value(v) for v in vals]

    def _arith(self, node, op):
        """Add/Sub/Mul/Div/Pow of two inputs; Max/Min/Sum/Mean of one or more,
        folded left to right (Mean then divides by their count).  Each step is
        a broadcasting binary op; one input is the identity."""
        xs = self.operands(node)
        if op in _VARIADIC:
            if not xs:
                raise self.fail("at least one input is required")
            if len(xs) == 1:
                return self.get(node, 0)
        elif len(xs) != 2:
            raise self.fail(f"2 inputs expected, got {len(xs)}")
        a, b = xs[0], xs[1]
        if op == "Pow" and not isinstance(b, Value) and b == 2.0 and isinstance(a, Value) \
                and a.dtype in ("f32", "i64", "i32"):
            # x * x, in the base's type (ONNX's Pow result): an integer base multiplies as integers.
            mul, t = ("arith.mulf", "f32") if a.dtype == "f32" else ("arith.muli", a.dtype)
            return self.em.elementwise([a], lambda bb, n: bb.op(f"{mul} {n[0]}, {n[0]} : {t}"), t, t)
        if op == "Pow" and isinstance(b, Value) and b.dtype in ("i64", "i32") and (
                isinstance(a, Value) and a.dtype == "f32" or isinstance(a, float)):
            b = self.em.cast(b, "f32")  # a float base's integer exponent (ONNX's T1): the result is float
            xs = [a, b]
        kind = _ARITH[op]
        if op == "Div" and any(isinstance(x, Value) and x.dtype != "f32" for x in xs):
            kind = "truncdiv"  # ONNX's integer Div truncates, as C does
        acc = xs[0]
        for x in xs[1:]:
            if isinstance(acc, Value) or isinstance(x, Value):
                acc = self.em.binary(kind, acc, x)
            elif kind in _SCALAR_ARITH:  # two one-element constants of a longer chain
                acc = _SCALAR_ARITH[kind](acc, x)
            else:
                raise self.fail("binary op on two scalars")
        if op == "Mean":
            acc = self.em.binary("div", acc, float(len(xs)))
        return acc

    def _pads(self, at, spatial, kernel, strides, dilations, in_hw):
        auto = at.get("auto_pad", "NOTSET")
        if auto in ("NOTSET", ""):
            p = list(at.get("pads", [0] * (2 * spatial)))
            if len(p) != 2 * spatial:
                raise self.fail(f"pads {p} must have {2 * spatial} entries (a begin and an end per spatial dim)")
            return tuple(p)
        if auto == "VALID":
            return (0,) * (2 * spatial)
        tot = []
        for i in range(spatial):
            out = -(-in_hw[i] // strides[i])
            tot.append(max(0, (out - 1) * strides[i] + dilations[i] * (kernel[i] - 1) + 1 - in_hw[i]))
        lo = [t // 2 if auto == "SAME_UPPER" else t - t // 2 for t in tot]
        return tuple(lo) + tuple(t - lo_ for t, lo_ in zip(tot, lo))

    def _conv(self, node, at, operands=None):
        x, w, b = operands or (self.tensor(node, 0), self.tensor(node, 1), self.tensor(node, 2))
        if b is not None and tuple(b.shape) != (w.shape[0],):
            raise self.fail(f"bias of shape {list(b.shape)} for {w.shape[0]} output channels")
        if x.rank == 3:
            # 1-D: its pads (auto_pad included) as those of a 2-D convolution of height 1.
            k = at.get("kernel_shape", w.shape[2:])[0]
            s, d = at.get("strides", [1])[0], at.get("dilations", [1])[0]
            flat = {**at, **({"pads": [0, at["pads"][0], 0, at["pads"][1]]} if "pads" in at else {})}
            pads = self._pads(flat, 2, (1, k), (1, s), (1, d), (1, x.shape[2]))
            return self.em.conv1d(x, w, b, s, (pads[1], pads[3]), d, at.get("group", 1))
        if x.rank not in (4, 5):
            raise self.fail(f"only 1-D, 2-D and 3-D convolution (rank-3 to rank-5 input) are supported, got rank "
                            f"{x.rank}")
        n = x.rank - 2
        k = tuple(at.get("kernel_shape", w.shape[2:]))
        if k != tuple(w.shape[2:]):
            raise self.fail(f"kernel_shape {list(k)} differs from the weight's {list(w.shape[2:])}")
        s = tuple(at.get("strides", (1,) * n))
        d = tuple(at.get("dilations", (1,) * n))
        pads = self._pads(at, n, k, s, d, x.shape[2:])
        return self.em.conv(x, w, b, s, pads, d, at.get("group", 1))

    def _global_avg_pool(self, x):
        if x.rank not in (3, 4, 5):
            raise self.fail("only 1-D, 2-D and 3-D (NCL, NCHW, NCDHW) global pooling is supported")
        return self.em.adaptive_avg_pool(x, (1,) * (x.rank - 2))

    def _concat(self, ins, at):
        xs = [self.value(v) for v in ins]
        axis = self._axis(at["axis"], xs[0].rank)
        shapes = [list(v.shape) for v in xs]
        if any(len(sh) != len(shapes[0]) or any(a != b for k, (a, b) in enumerate(zip(sh, shapes[0])) if k != axis)
               for sh in shapes):
            raise self.fail(f"inputs of shapes {shapes} do not concatenate on axis {axis}")
        return self.em.concat(xs, axis)

    def _pad(self, node, at):
        x = self.tensor(node, 0)
        mode = at.get("mode", "constant")
        if mode not in ("constant", "reflect", "edge"):
            raise self.fail(f"mode '{mode}' is not supported (constant, reflect, edge)")
        if self.opset >= 11:
            pads = [int(p) for p in self.const(node, 1).reshape(-1)]
            value = self._scalar(node, 2) if len(node.input) > 2 and node.input[2] else 0.0
        else:
            pads, value = list(at["pads"]), at.get("value", 0.0)
        value = self._folded_number(node, value)
        if len(node.input) > 3 and node.input[3]:
            raise self.fail("pads on chosen axes are not supported")
        if len(pads) != 2 * x.rank or any(p < 0 for p in pads):
            raise self.fail(f"pads {pads} of a rank-{x.rank} input are not supported (non-negative, two per dim)")
        if mode != "constant":
            return self.em.pad_from_edges(x, pads[:x.rank], pads[x.rank:],
                                          "reflect" if mode == "reflect" else "replicate")
        return self.em.pad(x, pads[:x.rank], pads[x.rank:], value or 0.0)

    def _resize(self, node, at):
        """Resize to `sizes`, or by `scales`, nearest or linear, under every coordinate transformation but
        tf_crop_and_resize and every nearest_mode. Integer upscaling keeps its own forms (nearest under
        the rules that read position i floordiv factor, torch's export among them; linear half-pixel);
        any other ratio is Emitter.resize, whose positions are the spec's, exact (the given scales
        as the ratios of small integers they are); align_corners divides by the integer output length
        less 1 also when scales are given, as torch does (ONNX's reference takes in * scale there)."""
        from fractions import Fraction

        x = self.tensor(node, 0)
        mode, ctm = at.get("mode", "nearest"), at.get("coordinate_transformation_mode", "half_pixel")
        rounding = at.get("nearest_mode", "round_prefer_floor")
        if mode not in ("nearest", "linear") or ctm == "tf_crop_and_resize" or at.get("antialias", 0) or "axes" in at:
            raise self.fail(f"mode '{mode}' with coordinate_transformation_mode '{ctm}' is not supported (nearest "
                            "or linear, without tf_crop_and_resize, antialias or axes)")
        sizes = self.const(node, 3) if len(node.input) > 3 and node.input[3] else None
        if sizes is not None:
            out = [int(v) for v in sizes.reshape(-1)]
            scales = [Fraction(o, i) for o, i in zip(out, x.shape)]
        else:
            index = 2 if self.opset >= 11 else 1
            if len(node.input) <= index or not node.input[index]:
                raise self.fail("needs scales or sizes")
            given = [float(f) for f in self.const(node, index).reshape(-1)]
            scales = [Fraction(f).limit_denominator(1000) for f in given]
            bad = [f for f, q in zip(given, scales) if q <= 0 or abs(float(q) - f) > 1e-6 * f]
            if bad:
                raise self.fail(f"scale {bad[0]} is not supported (a ratio of integers below 1000)")
            # From the ratio the float32 scale stands for: floor(10 x 0.7f) in double is 6, where torch,
            # ONNX's shape inference and runtimes give 7.
            out = [int(math.floor(d * q)) for d, q in zip(x.shape, scales)]
        return self._resized(x, out, scales, mode, ctm, rounding)

    def _resized(self, x, out, scales, mode, ctm, rounding):
        """x resized to `out` by `scales` (Fractions), under Resize's attributes (_resize, _upsample)."""
        from .mlir import source_position

        if len(out) != x.rank or min(out) < 1:
            raise self.fail(f"resizing {list(x.shape)} to {out} is not supported")
        floor_rule = (ctm == "asymmetric" and rounding == "floor") or (
            ctm in ("half_pixel", "pytorch_half_pixel") and rounding in ("round_prefer_floor", "round_prefer_ceil"))
        linear = mode == "linear"
        if all(o % i == 0 and q == o // i for o, i, q in zip(out, x.shape, scales)) and (
                floor_rule if not linear else ctm in ("half_pixel", "pytorch_half_pixel")):
            factors = [o // i for o, i in zip(out, x.shape)]
            lead = next((i for i, f in enumerate(factors) if f != 1), x.rank)
            if lead == x.rank:
                return x
            if linear:
                return self.em.upsample_linear(x, factors[lead:])
            return self.em.upsample_nearest(x, factors[lead:])
        specs = [None if o == i and q == 1 else source_position(i, o, ctm, q, None if linear else rounding)
                 for i, o, q in zip(x.shape, out, scales)]
        return self.em.resize(x, specs, mode)

    def _upsample(self, node, at):
        """Upsample (opsets 7 to 9, deprecated for Resize): Resize-10's semantics, its successor's
        (asymmetric coordinates, nearest rounding down; linear interpolates there too, which is not
        torch's half-pixel rule), scales an attribute (opset 7) or input 1 (9). Output size
        floor(size x scale)."""
        from fractions import Fraction

        x = self.tensor(node, 0)
        mode = at.get("mode", "nearest")
        if mode not in ("nearest", "linear"):
            raise self.fail(f"mode '{mode}' is not supported (nearest or linear)")
        given = at.get("scales") if self.opset < 9 else self.const(node, 1)
        if given is None:
            raise self.fail("needs scales")
        given = [float(f) for f in np.asarray(given).reshape(-1)]
        scales = [Fraction(f).limit_denominator(1000) for f in given]
        bad = [f for f, q in zip(given, scales) if q < 1 or abs(float(q) - f) > 1e-6 * f]
        if bad or len(given) != x.rank:
            raise self.fail(f"scales {given} are not supported (one per dim, ratios of integers below 1000, "
                            "at least 1)")
        out = [int(math.floor(d * q)) for d, q in zip(x.shape, scales)]
        return self._resized(x, out, scales, mode, "asymmetric", "floor")

    def _ceil_windows(self, node, at, x, y):
        """y, unless ceil_mode's last window starts in the padding: the spec (and torch) drop it, as
        the lowering does, but ONNX 1.12's shape inference keeps it, so the graph's later shapes
        disagree with the lowered ones; said in one line rather than as a shape mismatch."""
        want = self.inferred.get(node.output[0])
        if at.get("ceil_mode", 0) and want is not None and tuple(want) != y.shape:
            dims = [i for i, (w, o) in enumerate(zip(want, y.shape)) if w == o + 1]
            if dims and len(want) == y.rank:
                raise self.fail(f"with ceil_mode the last window along dim {dims[0]} would start in the padding: "
                                f"the spec and torch drop it (output {list(y.shape)}), this onnx's shape inference "
                                f"keeps it ({list(want)}), so the graph's shapes disagree; not supported")
        return y

    def _window(self, node, at, x):
        if x.rank not in (3, 4, 5):
            raise self.fail("only 1-D, 2-D and 3-D pooling (rank-3 to rank-5 input) is supported")
        if "kernel_shape" not in at:
            raise self.fail("kernel_shape is required")
        n = x.rank - 2
        k = tuple(at["kernel_shape"])
        if len(k) != n:
            raise self.fail(f"kernel_shape {list(k)} for a rank-{x.rank} input")
        s = self._per_dim(at, "strides", n, 1)
        pads = self._pads(at, n, k, s, self._per_dim(at, "dilations", n, 1), x.shape[2:])
        return k, s, pads

    def _per_dim(self, at, name, n, default):
        """Attribute `name`, one value per spatial dim (`default` each when absent)."""
        v = tuple(at.get(name, (default,) * n))
        if len(v) != n:
            raise self.fail(f"{name} {list(v)} must have {n} entries (one per spatial dim)")
        return v

    def _reshape(self, node, at):
        x = self.tensor(node, 0)
        shape = [int(d) for d in self.const(node, 1)]
        for i, d in enumerate(shape):
            if d == 0 and not at.get("allowzero", 0):
                shape[i] = x.shape[i]
        if -1 in shape:
            known = math.prod(d for d in shape if d != -1)
            shape[shape.index(-1)] = x.numel // known
        return self.em.reshape(x, shape)

    def _gemm(self, node, at):
        a, b, c = self.tensor(node, 0), self.tensor(node, 1), self.tensor(node, 2)
        if at.get("transA", 0):
            a = self.em.transpose(a, [1, 0])
        if at.get("transB", 0):
            b = self.em.transpose(b, [1, 0])
        y = self.em.matmul(a, b)
        alpha, beta = at.get("alpha", 1.0), at.get("beta", 1.0)
        if alpha != 1.0:
            y = self.em.binary("mul", y, alpha)
        if c is not None:
            if beta != 1.0:
                c = self.em.binary("mul", c, beta)
            y = self.em.binary("add", y, c)
        return y

    def _gather(self, node, at):
        """Constant scalar / contiguous indices -> extract_slice; else rows gathered as an embedding
        is (Emitter.take: on 2-D data along axis 0, the embedding itself)."""
        data, idx = self.get(node, 0), self.get(node, 1)
        axis = at.get("axis", 0)
        x = self.value(data)
        axis = self._axis(axis, x.rank)
        if isinstance(idx, np.ndarray) and idx.ndim <= 1 and idx.size >= 1:
            bad = [int(i) for i in idx.reshape(-1) if not -x.shape[axis] <= int(i) < x.shape[axis]]
            if bad:
                raise self.fail(f"index {bad[0]} is out of range for axis {axis} of size {x.shape[axis]}")
            flat = [int(i) % x.shape[axis] for i in idx.reshape(-1)]
            if flat == list(range(flat[0], flat[0] + len(flat))):
                offs, sizes = [0] * x.rank, list(x.shape)
                offs[axis], sizes[axis] = flat[0], len(flat)
                return self.em.extract_slice(x, offs, sizes, [1] * x.rank, [axis] if idx.ndim == 0 else [])
        return self.em.take(x, axis, self.value(idx), wrap_negative=True)

    def _split(self, node, at):
        x = self.get(node, 0)
        if not isinstance(x, np.ndarray):
            x = self.tensor(node, 0)
        axis = self._axis(at.get("axis", 0), len(x.shape))
        if "split" in at:
            sizes = list(at["split"])
        elif len(node.input) > 1 and node.input[1]:
            sizes = [int(s) for s in self.const(node, 1)]
        else:
            # ONNX's rule: chunks of ceil(dim / n), the last one smaller when
            # the axis does not divide evenly (num_outputs, opset 18).
            n = at.get("num_outputs", len(node.output))
            chunk = -(-x.shape[axis] // n)
            sizes = [chunk] * (n - 1) + [x.shape[axis] - chunk * (n - 1)]
            if sizes[-1] <= 0:
                raise self.fail(f"cannot split {x.shape[axis]} into {n} chunks of {chunk}")
        if any(sz <= 0 for sz in sizes) or sum(sizes) != x.shape[axis]:
            raise self.fail(f"split sizes {sizes} do not cover axis {axis} of size {x.shape[axis]} "
                            "(positive, summing to it)")
        if isinstance(x, np.ndarray):  # shape arithmetic (repeat_interleave's counts): folded
            return tuple(np.split(x, np.cumsum(sizes)[:-1], axis))
        outs, off = [], 0
        for sz in sizes:
            offs, shp = [0] * x.rank, list(x.shape)
            offs[axis], shp[axis] = off, sz
            outs.append(self.em.extract_slice(x, offs, shp, [1] * x.rank))
            off += sz
        return tuple(outs)

    def _slice(self, node, at):
        x = self.tensor(node, 0)
        starts, ends, axes, steps = _slice_arguments(at, lambda i: self.const(node, i))
        axes = [self._axis(a, x.rank, "axes entry") for a in axes]
        offs, sizes, strides = [0] * x.rank, list(x.shape), [1] * x.rank
        reversed_axes = []
        for a, st, en, sp in zip(axes, starts, ends, steps):
            picked = _onnx_slice_range(st, en, sp, x.shape[a])
            if sp < 0:
                # torch.flip's export: the same elements, read from the axis reversed.
                reversed_axes.append(a)
                picked = range(x.shape[a] - 1 - picked.start, x.shape[a] - 1 - picked.stop, -sp)
            offs[a], sizes[a], strides[a] = picked.start if len(picked) else 0, len(picked), abs(sp)
        if reversed_axes:
            x = self.em.flip(x, reversed_axes)
        return self.em.extract_slice(x, offs, sizes, strides)



_ARITH = {"Add": "add", "Sub": "sub", "Mul": "mul", "Div": "div", "Pow": "pow",
          "Max": "max", "Min": "min", "Sum": "add", "Mean": "add"}
_VARIADIC = ("Max", "Min", "Sum", "Mean")
_SCALAR_ARITH = {"add": lambda a, b: a + b, "max": max, "min": min}


def _squeeze_shape(op, shape, axes):
    if op == "Unsqueeze":
        out = list(shape)
        rank = len(shape) + len(axes)
        for a in sorted(a % rank for a in axes):
            out.insert(a, 1)
        return tuple(out)
    axes = [a % len(shape) for a in axes] if axes else [i for i, d in enumerate(shape) if d == 1]
    return tuple(d for i, d in enumerate(shape) if i not in axes)


# -- constant folding of shape arithmetic (all inputs compile-time) ----------------
def _fold_squeeze(self, node, ins, at):
    """Squeeze and Unsqueeze."""
    return ins[0].reshape(self._squeeze_shape(node, at, ins[0].shape))


def _slice_arguments(at, operand):
    """Slice's starts, ends, axes and steps: attributes at opsets 1-9 (no steps), inputs 1-4 since, where
    `operand(i)` is input i's constant value, or None when it is absent."""
    if "starts" in at:
        starts, ends, axes, steps = at["starts"], at["ends"], at.get("axes"), None
    else:
        starts, ends, axes, steps = operand(1), operand(2), operand(3), operand(4)
    axes = list(range(len(starts))) if axes is None else [int(a) for a in axes]
    steps = [1] * len(starts) if steps is None else [int(s) for s in steps]
    if 0 in steps:
        raise UnsupportedError("a slice step of 0 is invalid")
    return starts, ends, axes, steps


def _onnx_slice_range(start, end, step, dim) -> range:
    """The indices ONNX's Slice takes along an axis of `dim`: a negative start or end counts from the end,
    then both are clamped, to [0, dim] for a positive step, and for a negative one the start to [0, dim - 1]
    and the end to [-1, dim - 1] (Python's slice clamps a negative step's start to -1: an empty range
    where ONNX takes element 0)."""
    start, end = int(start), int(end)
    start += dim if start < 0 else 0
    end += dim if end < 0 else 0
    if step > 0:
        return range(min(max(start, 0), dim), min(max(end, 0), dim), step)
    return range(min(max(start, 0), dim - 1), min(max(end, -1), dim - 1), step)


def _fold_gather(self, node, ins, at):
    """Gather of constants (shapes, mostly), with the range check the run-time Gather has: torch 1.13
    exports some ops of unbatched inputs as reading a shape's element it does not have."""
    x, idx = ins
    axis = self._axis(at.get("axis", 0), x.ndim)
    bad = [int(i) for i in np.asarray(idx).reshape(-1) if not -x.shape[axis] <= int(i) < x.shape[axis]]
    if bad:
        raise self.fail(f"index {bad[0]} is out of range for axis {axis} of size {x.shape[axis]}")
    return np.take(x, idx, axis=axis)


def _fold_slice(self, node, ins, at):
    x = ins[0]
    starts, ends, axes, steps = _slice_arguments(at, lambda i: ins[i] if i < len(ins) else None)
    for a, s, e, st in zip(axes, starts, ends, steps):
        x = np.take(x, np.array(_onnx_slice_range(s, e, st, x.shape[a]), np.int64), axis=a)
    return x


def _fold_cast(self, node, ins, at):
    to = {onnx.TensorProto.FLOAT: np.float32, onnx.TensorProto.INT64: np.int64, onnx.TensorProto.INT32: np.int64,
          onnx.TensorProto.BOOL: np.bool_}.get(at["to"])
    if to is None:
        raise self.fail(f"cast to ONNX type {at['to']} is not supported")
    return ins[0].astype(to)


def _fold_trilu(self, node, ins, at):
    k = int(ins[1]) if len(ins) > 1 and ins[1] is not None else 0
    return (np.triu if at.get("upper", 1) else np.tril)(ins[0], k)


def _np_binary(fn):
    """A binary numpy op; with more inputs (Max, Min, Sum), folded left to right."""
    def fold(self, node, ins, at):
        r = np.asarray(functools.reduce(fn, ins))
        return r.astype(ins[0].dtype) if r.dtype.kind == "f" and ins[0].dtype.kind == "i" else r
    return fold


_REDUCTIONS = ("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
               "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp")


def _fold_reduction(self, node, ins, at):
    """A Reduce* of a compile-time array (ReduceProd of a Shape slice: the element count torch's
    var/std exports divide by)."""
    x = ins[0]
    axes = tuple(self._reduction_axes(node, at, x.ndim))
    keep = bool(at.get("keepdims", 1))
    op = node.op_type
    with np.errstate(all="ignore"):
        if op in ("ReduceL1", "ReduceL2", "ReduceSumSquare"):
            x = np.abs(x) if op == "ReduceL1" else x * x
        if op == "ReduceLogSumExp":
            x = np.exp(x)
        fn = {"ReduceMean": np.mean, "ReduceMax": np.max, "ReduceMin": np.min, "ReduceProd": np.prod}.get(op, np.sum)
        r = np.asarray(fn(x, axis=axes, keepdims=keep)) if axes or x.ndim == 0 else x
        if op == "ReduceL2":
            r = np.sqrt(r)
        elif op in ("ReduceLogSum", "ReduceLogSumExp"):
            r = np.log(r)
    return r.astype(ins[0].dtype)


def _truncating_div(a, b):
    """ONNX's integer Div, which truncates towards zero as the run-time lowering (arith.divsi) does;
    numpy's // floors."""
    q = a // b
    return q + ((a % b != 0) & ((a < 0) != (b < 0))).astype(q.dtype)


_FOLD = {
    "Unsqueeze": _fold_squeeze,
    "Squeeze": _fold_squeeze,
    "Concat": lambda self, node, ins, at: np.concatenate([np.atleast_1d(x) for x in ins], axis=at["axis"]),
    "Gather": _fold_gather,
    "Slice": _fold_slice,
    "Cast": _fold_cast,
    "Add": _np_binary(np.add),
    "Sub": _np_binary(np.subtract),
    "Mul": _np_binary(np.multiply),
    "Div": lambda self, node, ins, at: _truncating_div(ins[0], ins[1]) if ins[0].dtype.kind == "i" else ins[0] / ins[1],
    "Equal": _np_binary(np.equal),
    "Where": lambda self, node, ins, at: np.where(ins[0], ins[1], ins[2]),
    "Reshape": lambda self, node, ins, at: ins[0].reshape([int(d) if d != 0 else ins[0].shape[i] for i, d in enumerate(ins[1])]),
    "Transpose": lambda self, node, ins, at: np.transpose(ins[0], at.get("perm")),
    "Range": lambda self, node, ins, at: np.arange(ins[0].item(), ins[1].item(), ins[2].item()).astype(ins[0].dtype),
    "Sqrt": lambda self, node, ins, at: np.sqrt(ins[0]),
    "Expand": lambda self, node, ins, at: np.broadcast_to(ins[0], np.broadcast_shapes(ins[0].shape, tuple(int(d) for d in ins[1]))).copy(),
    "Less": _np_binary(np.less),
    "LessOrEqual": _np_binary(np.less_equal),
    "Greater": _np_binary(np.greater),
    "GreaterOrEqual": _np_binary(np.greater_equal),
    "Not": lambda self, node, ins, at: np.logical_not(ins[0]),
    "And": _np_binary(np.logical_and),
    "Or": _np_binary(np.logical_or),
    "Xor": _np_binary(np.logical_xor),
    "Neg": lambda self, node, ins, at: -ins[0],
    "Trilu": _fold_trilu,
    "Max": _np_binary(np.maximum),
    "Min": _np_binary(np.minimum),
    "Sum": _np_binary(np.add),
    "Mean": lambda self, node, ins, at: functools.reduce(np.add, ins) / len(ins),
    # fmod=1: the dividend's sign (C's fmod), else the divisor's, as the run-time lowering does.
    "Mod": lambda self, node, ins, at: (np.fmod if at.get("fmod", 0) else np.mod)(ins[0], ins[1]),
    # ONNX's Pow has its base's type (an attention scale d ** -0.5 on a float d).
    "Pow": lambda self, node, ins, at: np.power(ins[0], ins[1]).astype(ins[0].dtype),
    "Identity": lambda self, node, ins, at: ins[0],
    **{op: _fold_reduction for op in _REDUCTIONS},
}


# The newest opset this importer was written against (onnx 1.12, Debian's).
_NEWEST_OPSET = 17


def _names_a_sequence(dim_param: str) -> bool:
    """Whether a symbolic dim's name says it counts steps of a sequence ('seq', 'seq_len',
    'time', 'num_tokens', 'length'), not samples of a batch."""
    words = re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", dim_param).lower())
    return any(w in ("seq", "sequence", "time", "len", "length", "steps", "step", "tokens", "token", "frames")
               for w in words)


def _live_nodes(g) -> set:
    """Indices of the nodes some graph output needs. A node whose outputs nothing reads
    (an exporter's leftover) would otherwise be placed and take fast memory; ONNX
    nodes have no side effects. The names a node's subgraphs (If, Loop) read count
    as its inputs."""
    def read(node):
        names = list(node.input)
        for attr in node.attribute:
            for sub in list(attr.graphs) + ([attr.g] if attr.HasField("g") else []):
                for inner in sub.node:
                    names.extend(read(inner))
        return names

    needed = {out.name for out in g.output}
    live = set()
    for index in reversed(range(len(g.node))):  # ONNX lists nodes in topological order
        node = g.node[index]
        if any(name and name in needed for name in node.output):
            live.add(index)
            needed.update(read(node))
    return live


def import_onnx(model, input_shapes: dict | None = None, func_name: str = "forward",
                inline_weights: bool = False, fold_qdq: bool = False) -> OnnxImportResult:
    """Lower an onnx.ModelProto (or a path) to MLIR; see the module banner.

    `input_shapes` maps graph input names to static shapes (needed only when
    an input has a dynamic dim other than the batch dim, which becomes 1).
    `inline_weights` writes real weight values (numerical tests only).
    `fold_qdq` imports a quantized graph as the float graph it quantizes: a
    QuantizeLinear on an activation passes it on, the DequantizeLinear after
    it too, and the QLinear ops compute on their dequantized weights;
    DynamicQuantizeLinear passes x on with scale 1 and zero point 0, and
    MatMulInteger / ConvInteger compute in f32 on their weights less the
    zero points (the Mul by the scales after them completes the float
    product). That is
    the graph a chip that folds requantization into its layers runs, for
    placement; its numbers are the float model's, not the quantized one's.
    """
    if isinstance(model, (str, bytes)) or hasattr(model, "__fspath__"):
        try:
            model = onnx.load(model)
        except OSError as e:
            # A missing external-data file raises with that file's name, not the model's.
            data = e.filename if isinstance(e.filename, str) else None
            if data and os.path.abspath(data) != os.path.abspath(os.fsdecode(model)):
                raise UnsupportedError(f"cannot read '{data}', the external data of '{model}': "
                                       f"{e.strerror or e}") from e
            raise UnsupportedError(f"cannot read '{model}': {e.strerror or e}") from e
        except Exception as e:  # protobuf's DecodeError and kin: not an ONNX file
            raise UnsupportedError(f"'{model}' is not an ONNX model: {type(e).__name__}: "
                                   f"{first_line(e, 'cannot parse it')}") from e
    return _OnnxImporter(model, input_shapes, func_name, inline_weights, fold_qdq).run()
