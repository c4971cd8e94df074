# ---------------------------------------------------------------------------
# egrl_import.onnx_quantized — quantized ONNX graphs, lowered by the ONNX spec.
#
# QDQ (QuantizeLinear / DequantizeLinear) and the operator-oriented QLinearConv /
# QLinearMatMul, by the ONNX spec, with constant quantization parameters (per-tensor, or
# per-axis). On a constant (int8 weights, an int32 bias, a float weight torch's fake-quant
# export quantizes) the op is folded here, and a dequantized constant becomes a weight of
# the quantized tensor's shape named after its initializer, so the pass sees it once with
# its element count. On activations Q and DQ are element-wise generics on signless i8
# (whether it holds int8 or uint8 is the ONNX type, read where the value is extended);
# the QLinear ops are dequantize -> f32 conv / matmul -> quantize, so the IR computes in
# f32 between Q/DQ points (the spec's integer accumulation, within f32 rounding).
#
# ONNX Runtime's com.microsoft QLinear ops and its dynamic quantization
# (DynamicQuantizeLinear, MatMulInteger, ConvInteger) are lowered the same way.
# With fold_qdq the importer keeps a quantized graph in float (import_onnx).
# ---------------------------------------------------------------------------
"""Lowerings of quantized ONNX ops: a mixin of the ONNX importer."""

from __future__ import annotations

import math

import numpy as np
import onnx

from .mlir import Value
from .onnx_values import Weight, dtype_name, number

_QUANTIZED = ("QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul")
# ONNX Runtime's operator-oriented int8 ops (com.microsoft domain, as its quantize_static writes).
MS_QLINEAR = ("QLinearAdd", "QLinearMul", "QLinearGlobalAveragePool", "QLinearConcat")
# Dynamic quantization (ONNX Runtime's quantize_dynamic): run-time activation parameters, integer products.
_INTEGER = ("DynamicQuantizeLinear", "MatMulInteger", "ConvInteger")
# Ops that take an INT8 / UINT8 (i8) tensor: they move its values, or compare them in its order.
ON_INT8 = ("Identity", "Dropout", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split",
           "Slice", "DepthToSpace", "SpaceToDepth", "Resize", "MaxPool", "GlobalMaxPool", "Pad", "Clip", "Relu",
           "Shape", "Cast") + _QUANTIZED + MS_QLINEAR + _INTEGER
_QRANGE = {onnx.TensorProto.INT8: (-128, 127), onnx.TensorProto.UINT8: (0, 255),
           onnx.TensorProto.INT32: (-2**31, 2**31 - 1)}
# Types newer than onnx 1.12, which names them by number only.
_QTYPE_NAMES = {17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2", 20: "FLOAT8E5M2FNUZ", 21: "UINT4",
                22: "INT4"}


def is_quantized_op(op_type: str) -> bool:
    """Whether QuantizedLowerings lowers this op type."""
    return op_type in _QUANTIZED + MS_QLINEAR + _INTEGER


class QuantizedLowerings:
    """The quantized ops' lowerings; the importer provides get, value, tensor, fail, em, env,
    model, init_protos, inline_weights, fold_qdq and the float lowerings they reuse."""

    def _lower_quantized(self, node, at):
        op = node.op_type
        if op in _QUANTIZED:
            return self._quantized(node, at)
        if op in _INTEGER:
            return self._integer(node, at)
        return self._ms_qlinear(node, at)

    _qtypes = None  # ONNX element type of each quantized tensor these lowerings produce
    _qorigin = None  # a folded QuantizeLinear's output -> the initializer it quantized
    _qfolded = None  # with fold_qdq, a quantized tensor left in float -> its (scale, zero point, axis)
    _inferred_types = None

    def _quant_state(self):
        if self._qtypes is None:
            self._qtypes, self._qorigin, self._qfolded = {}, {}, {}
        return self._qtypes, self._qorigin, self._qfolded

    def _elem_type(self, name):
        """ONNX element type of tensor `name`: the one a quantized lowering gave it, an
        initializer's, or ONNX type inference's (None if unknown)."""
        qtypes = self._quant_state()[0]
        if name in qtypes:
            return qtypes[name]
        if name in self.init_protos:
            return self.init_protos[name].data_type
        if self._inferred_types is None:
            self._inferred_types = {}
            try:
                g = onnx.shape_inference.infer_shapes(self.model).graph
            except Exception:  # a fallback only: what the graph declares
                g = self.model.graph
            for vi in list(g.input) + list(g.value_info) + list(g.output):
                if vi.type.tensor_type.elem_type:
                    self._inferred_types[vi.name] = vi.type.tensor_type.elem_type
        return self._inferred_types.get(name)

    def _quant_type(self, node, zi, xi=None, default=None, int32=False):
        """The integer type of a quantized tensor: that of the zero point (input zi) if given
        (the spec gives the tensor and its zero point one type), else input xi's, else
        `default`."""
        t = self._elem_type(node.input[zi]) if self.get(node, zi) is not None else None
        if t is None and xi is not None:
            t = self._elem_type(node.input[xi])
        t = t or default
        if t is None:
            raise self.fail(f"cannot tell the integer type of '{node.input[xi]}' (give a zero point)")
        if t not in _QRANGE or t == onnx.TensorProto.INT32 and not int32:
            raise self.fail(f"quantized type {_QTYPE_NAMES.get(t) or dtype_name(t)} is not supported "
                            f"(INT8, UINT8{', INT32' if int32 else ''})")
        return t

    def _quant_params(self, node, si, zi, shape, axis):
        """(scale, zero point, axis): float32 and int64 arrays of one element (per-tensor, axis
        None) or of shape[axis] elements (per-axis; `axis` None where only per-tensor is
        allowed). An absent zero point is 0."""
        for i in (si, zi):
            v = self.get(node, i)
            if v is not None and not isinstance(v, np.ndarray) and not (
                    isinstance(v, Weight) and v.name in self.init_protos):
                raise self.fail(f"the run-time {'scale' if i == si else 'zero point'} '{node.input[i]}' is not "
                                "supported (quantization parameters must be constants)")
        scale = self.const(node, si)
        if scale is None:
            raise self.fail("a scale is required")
        if scale.dtype != np.float32:
            raise self.fail(f"a scale of dtype {scale.dtype} is not supported (FLOAT)")
        zp = self.const(node, zi)
        zp = np.zeros(scale.shape, np.int64) if zp is None else zp
        if zp.dtype.kind not in "iu":
            raise self.fail(f"a zero point of dtype {zp.dtype} is not supported (an integer type)")
        if scale.ndim > 1 or zp.shape != scale.shape and not zp.size == scale.size == 1:
            raise self.fail(f"scale of shape {list(scale.shape)} with zero point of shape {list(zp.shape)}: "
                            "per-tensor (one value) or per-axis (1-D, of one shape) parameters are supported")
        scale, zp = scale.reshape(-1), zp.reshape(-1).astype(np.int64)
        if scale.size == 1:
            return scale, zp, None
        if axis is None:
            raise self.fail(f"the scale '{node.input[si]}' has {scale.size} values; this one must be a single "
                            "value (per-tensor)" + (" before opset 13" if node.op_type.endswith("Linear") else ""))
        a = self._axis(axis, len(shape))
        if scale.size != shape[a]:
            raise self.fail(f"the scale '{node.input[si]}' has {scale.size} values for axis {a} of size {shape[a]}")
        return scale, zp, a

    @staticmethod
    def _along(arr, a, rank):
        """A per-axis parameter shaped to broadcast along axis a of a rank-`rank` tensor."""
        return arr.reshape(()) if a is None else arr.reshape((-1,) + (1,) * (rank - 1 - a))

    def _q_operand(self, arr, a, rank, dtype):
        """A parameter in an element-wise body: a scalar constant (per-tensor) or a tensor."""
        if a is None:
            return self.em.scalar(arr.reshape(-1)[0].item(), dtype)
        return self.em.dense(self._along(arr, a, rank), dtype)

    def _quantize(self, node, x, scale, zp, a, qt):
        """QuantizeLinear of a run-time tensor: saturate(roundeven(x / scale) + zp) as i8; with
        fold_qdq, x itself. scale and zp are constants, or rank-0 f32 tensors computed at run time
        (DynamicQuantizeLinear's)."""
        if self.fold_qdq and x.dtype == "f32":
            self._quant_state()[2][node.output[0]] = (scale, zp, a)
            return x
        em = self.em
        if x.dtype == "i32":  # opset 13 quantizes int32 too, dividing as floats
            x = em.cast(x, "f32")
        if x.dtype != "f32":
            raise self.fail(f"quantizing a {x.dtype} tensor is not supported (FLOAT, INT32)")
        lo, hi = (em.scalar(float(v)) for v in _QRANGE[qt])
        params = [p if isinstance(p, Value) else self._q_operand(p.astype(np.float32), a, x.rank, "f32")
                  for p in (scale, zp)]

        def fn(b, n):
            it = iter(n[1:])
            s, z = [next(it) if isinstance(p, Value) else p for p in params]
            y = b.op(f"math.roundeven {b.op(f'arith.divf {n[0]}, {s} : f32')} : f32")
            y = b.op(f"arith.addf {y}, {z} : f32")
            y = b.op(f"arith.minimumf {b.op(f'arith.maximumf {y}, {lo} : f32')}, {hi} : f32")
            return b.op(f"arith.trunci {b.op(f'arith.fptosi {y} : f32 to i32')} : i32 to i8")

        return em.elementwise([x] + [p for p in params if isinstance(p, Value)], fn, "i8")

    def _dequantize(self, node, i, scale, zp, a, qt):
        """DequantizeLinear of input i: (x - zp) * scale. A constant is folded into a weight (a
        one-element one into a scalar); a run-time i8 / i32 tensor is extended (by its ONNX
        signedness) to i32, less zp, converted and scaled in one generic."""
        x = self.get(node, i)
        if isinstance(x, np.ndarray):
            if x.dtype.kind not in "iu":
                raise self.fail(f"input '{node.input[i]}' holds {x.dtype} values, not integers")
            data = ((x - self._along(zp, a, x.ndim)).astype(np.float32)
                    * self._along(scale, a, x.ndim)).astype(np.float32)
            if x.ndim == 0:
                return data
            _, origin, _ = self._quant_state()
            name = origin.get(node.input[i], node.input[i])
            return Weight(name, tuple(x.shape), data=data if self.inline_weights else None)
        x = self.value(x)
        if self.fold_qdq and x.dtype == "f32":  # what a folded QuantizeLinear left
            return x
        want = "i32" if qt == onnx.TensorProto.INT32 else "i8"
        if x.dtype != want:
            raise self.fail(f"input '{node.input[i]}' is a {x.dtype} tensor; {dtype_name(qt)} ({want}) expected")
        em = self.em
        params = [self._q_operand(scale, a, x.rank, "f32")]
        if zp.any():
            params.append(self._q_operand(zp, a, x.rank, "i32"))
        ext = "arith.extui" if qt == onnx.TensorProto.UINT8 else "arith.extsi"

        def fn(b, n):
            it = iter(n[1:])
            s, *z = [next(it) if isinstance(p, Value) else p for p in params]
            v = n[0] if want == "i32" else b.op(f"{ext} {n[0]} : i8 to i32")
            if z:
                v = b.op(f"arith.subi {v}, {z[0]} : i32")
            return b.op(f"arith.mulf {b.op(f'arith.sitofp {v} : i32 to f32')}, {s} : f32")

        return em.elementwise([x] + [p for p in params if isinstance(p, Value)], fn, "f32")

    def _quantized_cast(self, node, at):
        """Cast of an i8 tensor to INT8 or UINT8 (torch's quantized export casts every
        QuantizeLinear output to its type): the same bits, as ONNX's C-style cast wraps; only the
        recorded signedness changes."""
        x = self.tensor(node, 0)
        if self.fold_qdq and x.dtype == "f32":  # a folded QuantizeLinear's output
            return x
        if x.dtype != "i8":
            raise self.fail(f"casting a {x.dtype} tensor to {dtype_name(at['to'])} is not supported (only between "
                            "INT8 and UINT8)")
        self._quant_state()[0][node.output[0]] = at["to"]
        return x

    def _quantized(self, node, at):
        op, T = node.op_type, onnx.TensorProto
        qtypes, origin, _ = self._quant_state()
        if at.get("block_size", 0):
            raise self.fail(f"block_size {at['block_size']} (blocked quantization) is not supported (per-tensor "
                            "or per-axis)")
        shape = lambda i: tuple(self.get(node, i).shape)
        axis = at.get("axis", 1) if self.opset >= 13 else None
        if op == "QuantizeLinear":
            out = at.get("output_dtype", 0)
            qt = self._quant_type(node, 2, default=out or T.UINT8)
            if out and out != qt:
                raise self.fail(f"output_dtype {_QTYPE_NAMES.get(out) or dtype_name(out)} differs from the zero "
                                f"point's type {dtype_name(qt)}")
            s, z, a = self._quant_params(node, 1, 2, shape(0), axis)
            qtypes[node.output[0]] = qt
            x = self.get(node, 0)
            if isinstance(x, np.ndarray) or isinstance(x, Weight) and x.name in self.init_protos:
                x = self.const(node, 0)  # folded: a weight's int8 values, dequantized by the next node
                origin[node.output[0]] = node.input[0]
                q = np.rint(x.astype(np.float32) / self._along(s, a, x.ndim)) + self._along(z, a, x.ndim)
                return np.clip(q, *_QRANGE[qt]).astype(np.int64)
            return self._quantize(node, self.value(x), s, z, a, qt)
        if op == "DequantizeLinear":
            qt = self._quant_type(node, 2, 0, int32=True)
            s, z, a = self._quant_params(node, 1, 2, shape(0), axis)
            return self._dequantize(node, 0, s, z, a, qt)
        # QLinearConv / QLinearMatMul: x (a), its scale and zero point, w (b), its scale and zero
        # point, y's scale and zero point, and QLinearConv's int32 bias B (scale x_scale * w_scale).
        conv = op == "QLinearConv"
        xs, xz, xa = self._quant_params(node, 1, 2, shape(0), None if conv else -2)  # a: per-row
        ws, wz, wa = self._quant_params(node, 4, 5, shape(3), 0 if conv else -1)  # per out channel / column
        ys, yz, _ = self._quant_params(node, 6, 7, (), None)
        x = self.value(self._dequantize(node, 0, xs, xz, xa, self._quant_type(node, 2, 0)))
        w = self.value(self._dequantize(node, 3, ws, wz, wa, self._quant_type(node, 5, 3)))
        yt = self._quant_type(node, 7, default=T.UINT8)
        if conv:
            b = None
            if self.get(node, 8) is not None:
                if not isinstance(self.get(node, 8), np.ndarray):
                    raise self.fail(f"a run-time bias '{node.input[8]}' is not supported (a constant is expected)")
                b = self.value(self._dequantize(node, 8, (xs * ws).astype(np.float32), np.zeros_like(wz), wa,
                                                T.INT32))
            y = self._conv(node, at, (x, w, b))
        else:
            y = self.em.matmul(x, w)
        qtypes[node.output[0]] = yt
        return self._quantize(node, y, ys, yz, None, yt)

    def _ms_qlinear(self, node, at):
        """ONNX Runtime's QLinearAdd / QLinearMul (A, its scale and zero point, B, its, C's),
        QLinearGlobalAveragePool (X, its, Y's) and QLinearConcat (Y's, then X, its scale and zero
        point per input): per-tensor parameters, dequantize -> the float op -> quantize, as the
        QLinear ops of the ONNX domain."""
        op, n = node.op_type, len(node.input)
        if op == "QLinearConcat":
            if n < 5 or (n - 2) % 3:
                raise self.fail(f"{n} inputs: Y's scale and zero point, then a tensor, its scale and zero point "
                                "per input expected")
            groups, out = [(i, i + 1, i + 2) for i in range(2, n, 3)], (0, 1)
        elif op == "QLinearGlobalAveragePool":
            if at.get("channels_last", 0):
                raise self.fail("channels_last=1 is not supported (NCHW)")
            groups, out = [(0, 1, 2)], (3, 4)
        else:
            groups, out = [(0, 1, 2), (3, 4, 5)], (6, 7)
        xs = []
        for xi, si, zi in groups:
            s, z, _ = self._quant_params(node, si, zi, (), None)
            x = self._dequantize(node, xi, s, z, None, self._quant_type(node, zi, xi))
            xs.append(number(x) if isinstance(x, np.ndarray) else self.value(x))  # a scalar constant
        ys, yz, _ = self._quant_params(node, *out, (), None)
        yt = self._quant_type(node, out[1], groups[0][0])
        if op == "QLinearGlobalAveragePool":
            y = self._global_avg_pool(xs[0])
        elif op == "QLinearConcat":
            y = self._concat(xs, at)
        else:
            y = self.em.binary("add" if op == "QLinearAdd" else "mul", *xs)
        self._quant_state()[0][node.output[0]] = yt
        return self._quantize(node, y, ys, yz, None, yt)

    # -- dynamic quantization ---------------------------------------------------------
    # ONNX Runtime's quantize_dynamic: DynamicQuantizeLinear quantizes an activation to UINT8 with a
    # scale and zero point computed from its range at run time; MatMulInteger / ConvInteger take it
    # and int8 weights with their zero points and accumulate in int32; a Cast to float and a Mul by
    # the product of the two scales (a Mul node of the run-time and the constant one) follow. Each
    # integer input less its zero point is i32 (a constant one folded into a weight named after its
    # initializer), the product an i32 linalg.matmul / conv. With fold_qdq DynamicQuantizeLinear
    # passes x on with scale 1 and zero point 0 and the products take the weights less their zero
    # points in f32: the Cast is then a no-op and the Mul scales by the weight's scale alone, which
    # gives the float product with the dequantized weights.
    _qweights = None  # (initializer, zero point, dtype) -> the weight an integer product reads

    def _integer(self, node, at):
        op = node.op_type
        if op == "DynamicQuantizeLinear":
            return self._dynamic_quantize(node)
        if op == "MatMulInteger":  # a's zero point per row, b's per column
            return self.em.matmul(self._integer_operand(node, 0, 2, -2), self._integer_operand(node, 1, 3, -1))
        x, w = self._integer_operand(node, 0, 2, None), self._integer_operand(node, 1, 3, 0)  # w's per out channel
        return self._conv(node, at, (x, w, None))

    def _dynamic_quantize(self, node):
        """DynamicQuantizeLinear of f32 x: y UINT8, its scale (max - min) / 255 and zero point
        saturate(roundeven(0 - min / scale)) over x's range widened to hold 0, as rank-0 tensors
        computed at run time (an all-zero x has scale 1, as ONNX Runtime has it: the spec's would
        be 0). With fold_qdq, x with scale 1 and zero point 0: a quantized tensor standing for
        itself."""
        x, T = self.tensor(node, 0), onnx.TensorProto
        if x.dtype != "f32":
            raise self.fail(f"quantizing a {x.dtype} tensor is not supported (FLOAT)")
        qtypes, _, folded = self._quant_state()
        if self.fold_qdq:
            folded[node.output[0]] = (np.ones(1, np.float32), np.zeros(1, np.int64), None)
            return x, np.array(1.0, np.float32), np.array(0, np.int64)
        em = self.em
        lo, hi = (em.reduce(x, range(x.rank), k) if x.rank else x for k in ("min", "max"))
        zero, one, top = em.scalar(0.0), em.scalar(1.0), em.scalar(255.0)

        def scale(b, n):
            lo, hi = b.op(f"arith.minimumf {n[0]}, {zero} : f32"), b.op(f"arith.maximumf {n[1]}, {zero} : f32")
            s = b.op(f"arith.divf {b.op(f'arith.subf {hi}, {lo} : f32')}, {top} : f32")
            return b.op(f"arith.select {b.op(f'arith.cmpf oeq, {lo}, {hi} : f32')}, {one}, {s} : f32")

        def zero_point(b, n):
            lo = b.op(f"arith.minimumf {n[0]}, {zero} : f32")
            z = b.op(f"arith.subf {zero}, {b.op(f'arith.divf {lo}, {n[1]} : f32')} : f32")
            z = b.op(f"arith.minimumf {b.op(f'arith.maximumf {z}, {zero} : f32')}, {top} : f32")
            return b.op(f"math.roundeven {z} : f32")

        s = em.elementwise([lo, hi], scale)
        zf = em.elementwise([lo, s], zero_point)
        y = self._quantize(node, x, s, zf, None, T.UINT8)
        z = em.elementwise([zf], lambda b, n: b.op(
            f"arith.trunci {b.op(f'arith.fptosi {n[0]} : f32 to i32')} : i32 to i8"), "i8")
        for name in node.output[::2]:  # y and its zero point
            qtypes[name] = T.UINT8
        return y, s, z

    def _integer_operand(self, node, xi, zi, axis):
        """Input xi of MatMulInteger / ConvInteger less its zero point (input zi: per-tensor, of the
        spec's broadcasting shape, or 1-D along `axis`, None where only per-tensor is allowed), as
        the product accumulates it: i32, extended by its ONNX type; a constant is folded into a
        weight of its shape named after its initializer, one for every product reading it with that
        zero point. With fold_qdq, f32: a constant's integers less the zero point, a folded
        activation as the integers it stands for (x / scale: x itself after DynamicQuantizeLinear)."""
        em, x, zp, name = self.em, self.get(node, xi), self.get(node, zi), node.input[xi]
        if x is None:
            raise self.fail(f"input {xi} is required")
        _, origin, folded = self._quant_state()
        if self.fold_qdq and isinstance(x, Value) and x.dtype == "f32":
            if name not in folded:
                raise self.fail(f"input '{name}' is a float tensor, not a quantized one")
            scale, _, a = folded[name]
            if a is not None:
                raise self.fail(f"input '{name}' is quantized per axis: its integers cannot be recovered from "
                                "the float tensor (with --fold-qdq)")
            return x if scale[0] == 1 else em.binary("div", x, float(scale[0]))
        qt = self._quant_type(node, zi, xi)
        shape = tuple(x.shape)
        if zp is not None:
            zname = node.input[zi]
            if not (isinstance(zp, np.ndarray) and zp.dtype.kind in "iu" or isinstance(zp, Value) and zp.dtype == "i8"):
                raise self.fail(f"the zero point '{zname}' must be an INT8 / UINT8 tensor")
            zshape = tuple(zp.shape)
            if math.prod(zshape) == 1:  # per-tensor
                zshape = ()
            elif len(zshape) == 1:
                if axis is None:
                    raise self.fail(f"the zero point '{zname}' has {zshape[0]} values; this one must be a single "
                                    "value (per-tensor)")
                a = self._axis(axis, len(shape))
                if zshape[0] != shape[a]:
                    raise self.fail(f"the zero point '{zname}' has {zshape[0]} values for axis {a} of size "
                                    f"{shape[a]}")
                zshape = self._along(np.zeros(zshape), a, len(shape)).shape
            if len(zshape) > len(shape) or any(z not in (1, d) for z, d in zip(zshape[::-1], shape[::-1])):
                raise self.fail(f"the zero point '{zname}' of shape {list(zp.shape)} does not broadcast to input "
                                f"'{name}' of shape {list(shape)}")
            zp = zp.reshape(zshape) if isinstance(zp, np.ndarray) else em.reshape(zp, zshape)
        if isinstance(x, np.ndarray):
            if isinstance(zp, Value):
                raise self.fail(f"the run-time zero point '{node.input[zi]}' of the constant '{name}' is not "
                                "supported")
            z = np.zeros((), np.int64) if zp is None else zp.astype(np.int64)
            dt = "f32" if self.fold_qdq else "i32"
            data = (x.astype(np.int64) - z).astype(np.float32 if self.fold_qdq else np.int32)
            if x.ndim == 0:
                return self.value(data)
            if self._qweights is None:
                self._qweights = {}
            key = (name, z.shape, z.tobytes(), dt)
            if key not in self._qweights:
                self._qweights[key] = self.value(Weight(origin.get(name, name), shape, dt,
                                                         data=data if self.inline_weights else None))
            return self._qweights[key]
        x = self.value(x)
        if x.dtype != "i8":
            raise self.fail(f"input '{name}' is a {x.dtype} tensor; {dtype_name(qt)} (i8) expected")
        ext = "arith.extui" if qt == onnx.TensorProto.UINT8 else "arith.extsi"
        runtime = isinstance(zp, Value)
        ops = [x] + ([zp] if runtime else [] if zp is None or not zp.any() else
                     [int(zp) if zp.ndim == 0 else em.dense(zp, "i32")])

        def fn(b, n):
            v = b.op(f"{ext} {n[0]} : i8 to i32")
            if len(n) == 1:
                return v
            z = b.op(f"{ext} {n[1]} : i8 to i32") if runtime else n[1]
            return b.op(f"arith.subi {v}, {z} : i32")

        return em.elementwise(ops, fn, "i32", scalar_dtype="i32")

    def _unsigned(self, node) -> bool:
        """Whether input 0, an i8 tensor, holds UINT8 values (else INT8, or not i8)."""
        x = self.get(node, 0)
        return isinstance(x, Value) and x.dtype == "i8" and self._elem_type(node.input[0]) == onnx.TensorProto.UINT8

    def _int8_clamp(self, node, lo, hi):
        """Clip (Relu: lo 0) of an INT8 / UINT8 tensor: integer bounds, compared in its type's order."""
        return self.em.clamp_integers(self.tensor(node, 0), lo, hi, self._unsigned(node))

    def _pass_quant_type(self, node, outs):
        """An i8 output of an op that moves i8 values holds its input's type (INT8 or UINT8); with
        fold_qdq, the output of such an op on a quantized tensor left in float is one too."""
        qtypes, _, folded = self._quant_state()
        src = next((i for i in node.input if isinstance(self.env.get(i), Value) and self.env[i].dtype == "i8"), None)
        for name, val in zip(node.output, outs):
            if src is not None and isinstance(val, Value) and val.dtype == "i8" and name and name not in qtypes:
                t = self._elem_type(src)
                if t is not None:
                    qtypes[name] = t
        was = next((folded[i] for i in node.input if i in folded), None)
        if was is not None and node.op_type in ON_INT8 and not is_quantized_op(node.op_type):
            for name in node.output:
                folded.setdefault(name, was)

    def _folded_number(self, node, v):
        """A number an op applies to input 0 (Clip's bounds, Pad's value): with fold_qdq on a quantized
        tensor left in float, the value the integer v stands for, (v - zero point) * scale."""
        was = self._quant_state()[2].get(node.input[0])
        if v is None or was is None:
            return v
        scale, zp, a = was
        if a is not None:
            raise self.fail(f"input '{node.input[0]}' is quantized per axis: its {node.op_type} values cannot be "
                            "dequantized to one number (with --fold-qdq)")
        return float((np.float32(v) - np.float32(zp[0])) * scale[0])
