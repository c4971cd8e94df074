# ---------------------------------------------------------------------------
# egrl_import.mlir — a small text emitter for linalg-on-tensors MLIR.
#
# Both importers (torch.fx and ONNX) lower to the ops in this file, so a
# network reaches egrl in one form whatever its source: the form torch-mlir's
# linalg-on-tensors backend emits (tensor.pad + linalg.conv_2d_nchw_fchw,
# linalg.generic for batch-norm / activations / softmax / layer-norm,
# linalg.transpose + linalg.matmul for Linear, weights as
# `arith.constant dense_resource<name>` without a blob).
#
# Every method computes the static result shape itself; the importers check
# it against the shape the framework computed, so a lowering bug is an error
# rather than silently wrong IR.
# ---------------------------------------------------------------------------
"""Emit linalg-on-tensors MLIR text with static shapes."""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass
from typing import Callable, Sequence

__all__ = ["Value", "Emitter", "UnsupportedError", "tensor_type", "float_literal", "string_literal", "one_line", "first_line",
           "source_position"]



def _scale_and_shift(b, t, params, has_weight, has_bias):
    """The affine tail of batch-norm and layer-norm: t * weight + bias, each
    optional; `params` are the block arguments of the ones present, in order."""
    k = 0
    if has_weight:
        t = b.op(f"arith.mulf {t}, {params[k]} : f32")
        k += 1
    if has_bias:
        t = b.op(f"arith.addf {t}, {params[k]} : f32")
    return t

class UnsupportedError(Exception):
    """Raised for anything the importers cannot translate faithfully."""


@dataclass(frozen=True)
class Value:
    """An SSA value of ranked tensor type (static shape)."""

    name: str
    shape: tuple
    dtype: str = "f32"

    @property
    def type(self) -> str:
        return tensor_type(self.shape, self.dtype)

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


def tensor_type(shape: Sequence[int], dtype: str = "f32") -> str:
    """`tensor<1x3xf32>`; `tensor<f32>` for rank 0."""
    dims = "".join(f"{int(d)}x" for d in shape)
    return f"tensor<{dims}{dtype}>"


def float_literal(v: float) -> str:
    """An MLIR float literal that parses back to the same f32 value.

    MLIR needs a '.' in decimal literals; non-finite values are written as
    f32 hex bit patterns (how mlir-opt prints them).
    """
    v = float(v)
    if not math.isfinite(v):
        return "0x%08X" % struct.unpack("<I", struct.pack("<f", v))[0]
    s = repr(v)
    if "e" in s or "E" in s:
        mant, exp = s.lower().split("e")
        if "." not in mant:
            mant += ".0"
        return f"{mant}e{exp}"
    if "." not in s:
        s += ".0"
    return s


def _ints(xs: Sequence[int]) -> str:
    return ", ".join(str(int(x)) for x in xs)


# Integer element-wise ops and predicates (i64 tensors: ids, positions).
_I64_BINARY = {"add": "arith.addi", "sub": "arith.subi", "mul": "arith.muli", "max": "arith.maxsi",
               "min": "arith.minsi", "floordiv": "arith.floordivsi", "remainder": "arith.remsi",
               "truncdiv": "arith.divsi", "fmod": "arith.remsi"}
_I1_BINARY = {"mul": "arith.andi", "min": "arith.andi", "add": "arith.ori", "max": "arith.ori"}
_CLASSIFY = {"isnan": "uno", "isinf": "oeq", "isfinite": "one"}  # unary ops with i1 results
_I64_PREDICATES = {"oeq": "eq", "une": "ne", "one": "ne", "olt": "slt", "ole": "sle", "ogt": "sgt", "oge": "sge"}


def _described(x) -> str:
    """An operand as an error message names it: 'an i64 tensor', 'the number 0.5'."""
    if isinstance(x, Value):
        return f"a{'n' if x.dtype[0] in 'if' else ''} {x.dtype} tensor"
    return f"the {'integer' if isinstance(x, int) and not isinstance(x, bool) else 'number'} {x!r}"


def _integer_operands(*operands) -> str | None:
    """The integer type of an op's operands when they are tensors of one type, i64 or i32, and Python
    integers (at least one tensor); else None."""
    types = {x.dtype for x in operands if isinstance(x, Value)}
    if len(types) == 1 and types <= {"i64", "i32"} and all(
            isinstance(x, Value) or (isinstance(x, int) and not isinstance(x, bool)) for x in operands):
        return types.pop()
    return None


def _i64_vector(xs: Sequence[int]) -> str:
    xs = [int(x) for x in xs]
    if all(x == xs[0] for x in xs):
        return f"dense<{xs[0]}> : vector<{len(xs)}xi64>"
    return f"dense<[{_ints(xs)}]> : vector<{len(xs)}xi64>"


def _windows(out_dims: Sequence[str], kernel_dims: Sequence[str], stride, dilation) -> list[str]:
    """The input positions a sliding window reads: out * stride + kernel * dilation, per spatial dim."""
    return [f"{o if s == 1 else f'{o} * {s}'} + {k if d == 1 else f'{k} * {d}'}"
            for o, k, s, d in zip(out_dims, kernel_dims, stride, dilation)]


def _positive_plus_scaled(b: "Body", x: str, negative_part: Callable[["Body", str], str], factor: str, zero: str) -> str:
    """max(x, 0) + negative_part(min(x, 0)) * factor: the leaky-relu family's body (factor a scalar
    or a block argument)."""
    pos = b.op(f"arith.maximumf {x}, {zero} : f32")
    neg = negative_part(b, b.op(f"arith.minimumf {x}, {zero} : f32"))
    return b.op(f"arith.addf {pos}, {b.op(f'arith.mulf {neg}, {factor} : f32')} : f32")


def _near_one(b: "Body", kind: str, x: str, one: str, inf: str) -> str:
    """log1p(x) or expm1(x) accurate near 0 in any lowering of exp and log (mlir-opt's
    convert-math-to-llvm computes math.log1p as log(1 + x), math.expm1 as exp(x) - 1, which lose
    every digit of a small x), by Kahan's formulas: with u = 1 + x, log1p = x where u == 1, else
    log(u) * (x / (u - 1)); with u = exp(x), expm1 = x where u == 1, -1 where u - 1 == -1, else
    (u - 1) * (x / log(u)); u itself where it is infinite (x = inf)."""
    def f(text):
        return b.op(f"{text} : f32")

    u = f(f"arith.addf {x}, {one}") if kind == "log1p" else f(f"math.exp {x}")
    um1 = f(f"arith.subf {u}, {one}")
    log_u = f(f"math.log {u}")
    r = f(f"arith.mulf {log_u}, {f(f'arith.divf {x}, {um1}')}") if kind == "log1p" else \
        f(f"arith.mulf {um1}, {f(f'arith.divf {x}, {log_u}')}")
    if kind == "expm1":
        minus_one = f(f"arith.negf {one}")
        r = b.op(f"arith.select {f(f'arith.cmpf oeq, {um1}, {minus_one}')}, {minus_one}, {r} : f32")
    r = b.op(f"arith.select {f(f'arith.cmpf oeq, {u}, {inf}')}, {log_u if kind == 'log1p' else u}, {r} : f32")
    return b.op(f"arith.select {f(f'arith.cmpf oeq, {u}, {one}')}, {x}, {r} : f32")


def _weighted_pair(b: "Body") -> str:
    """a * wa + b * wb, the body of linear interpolation (operands a, b, wa, wb)."""
    return b.op(f"arith.addf {b.op(f'arith.mulf {b.args[0]}, {b.args[2]} : f32')}, "
                f"{b.op(f'arith.mulf {b.args[1]}, {b.args[3]} : f32')} : f32")


def _floor_expr(d: str, a: int, b: int, c: int) -> str:
    """The affine expression floor((d a + b) / c), reduced: `d2 floordiv 2`, `(d2 * 3 + 1) floordiv 8`."""
    g = math.gcd(math.gcd(a, b), c)
    a, b, c = a // g, b // g, c // g
    if a == 0:
        return str(b // c)
    t = d if a == 1 else f"{d} * {a}"
    if b:
        t = f"{t} + {b}" if b > 0 else f"{t} - {-b}"
    if c == 1:
        return t
    return f"{t} floordiv {c}" if t == d else f"({t}) floordiv {c}"


def source_position(size: int, out: int, transform: str, scale=None, rounding: str | None = None) -> tuple:
    """(out, a, b, c) for Emitter.resize: output position d of a dim of `size` resized to `out` is at
    source position (d a + b) / c under an ONNX coordinate_transformation_mode (torch's nearest is
    asymmetric, nearest-exact tf_half_pixel_for_nn, linear half_pixel or align_corners). `scale`
    (a Fraction, out / size by default) is the ratio the coordinates use: torch's and ONNX's given
    scale factor. For nearest, `rounding` (ONNX's nearest_mode) folds into the floor."""
    from fractions import Fraction

    r = 1 / Fraction(scale if scale is not None else Fraction(out, size))
    rn, rd = r.numerator, r.denominator
    if transform == "asymmetric":
        a, b, c = rn, 0, rd
    elif transform == "half_pixel" or transform == "pytorch_half_pixel" and out > 1:
        a, b, c = 2 * rn, rn - rd, 2 * rd  # (d + 1/2) r - 1/2
    elif transform == "tf_half_pixel_for_nn":
        a, b, c = 2 * rn, rn, 2 * rd  # (d + 1/2) r
    elif transform == "align_corners":
        a, b, c = (size - 1, 0, out - 1) if out > 1 else (0, 0, 1)
    elif transform == "pytorch_half_pixel":  # one output position
        a, b, c = 0, 0, 1
    else:
        raise UnsupportedError(f"coordinate transformation '{transform}' is not supported")
    if rounding in (None, "floor"):
        pass
    elif rounding == "ceil":
        b += c - 1
    elif rounding == "round_prefer_floor":  # ceil(s - 1/2)
        a, b, c = 2 * a, 2 * b + c - 1, 2 * c
    elif rounding == "round_prefer_ceil":  # floor(s + 1/2)
        a, b, c = 2 * a, 2 * b + c, 2 * c
    else:
        raise UnsupportedError(f"nearest rounding '{rounding}' is not supported")
    return out, a, b, c


def _adaptive_windows(n: int, m: int) -> tuple[list[int], list[int]]:
    """Starts and lengths of adaptive pooling's windows over a dim of size n pooled to m (torch's:
    output i reads [floor(i n / m), ceil((i + 1) n / m)))."""
    starts = [i * n // m for i in range(m)]
    return starts, [-(-(i + 1) * n // m) - s for i, s in enumerate(starts)]


def _multiply_accumulate(b: "Body", dtype: str = "f32") -> str:
    kind = "f" if dtype.startswith("f") else "i"
    t = b.op(f"arith.mul{kind} {b.args[0]}, {b.args[1]} : {dtype}")
    return b.op(f"arith.add{kind} {b.args[2]}, {t} : {dtype}")


_SAFE = re.compile(r"[^A-Za-z0-9_]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNSAFE_IN_STRING = re.compile(r'[\x00-\x1f\x7f"\\]')


def _escape_char(m: re.Match) -> str:
    c = m.group()
    return {"\\": "\\\\", '"': '\\"', "\n": "\\n"}.get(c) or "\\%02X" % ord(c)


def string_literal(s: str) -> str:
    """`s` as an MLIR string literal: quotes, backslashes and newlines escaped,
    other control characters as `\\XX` hex escapes (all the MLIR lexer takes).

    Every string the emitter writes between quotes (locations) goes through
    here: model names are arbitrary text (a node named 'a"b' or 'line\\n2').
    """
    return '"' + _UNSAFE_IN_STRING.sub(_escape_char, s) + '"'


def one_line(s: str) -> str:
    """`s` with control characters escaped as in string_literal: for comments
    and one-line error messages that quote model names."""
    return _CONTROL.sub(_escape_char, s)


def first_line(error: BaseException, otherwise: str = "") -> str:
    """The first non-blank line of an exception's message: torch appends
    signatures, nodes and tracebacks below it, and errors here are one line."""
    return next((line for line in str(error).splitlines() if line.strip()), otherwise)


_BARE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_$.]*")


def symbol_name(name: str) -> str:
    """`name` as an MLIR symbol reference: bare when it is an identifier
    (@forward), else quoted (@"my-func")."""
    return name if _BARE_ID.fullmatch(name) else string_literal(name)


def sanitize(name: str) -> str:
    """A bare MLIR identifier (usable as a dense_resource key)."""
    s = _SAFE.sub("_", name.replace(".", "_"))
    if not s or not (s[0].isalpha() or s[0] == "_"):
        s = "w_" + s
    return s


class Body:
    """Builder for the region of a linalg.generic (names local to it)."""

    def __init__(self, args: list[str]):
        self.args = args
        self.lines: list[str] = []
        self._n = 0

    def op(self, text: str) -> str:
        name = f"%b{self._n}"
        self._n += 1
        self.lines.append(f"{name} = {text}")
        return name


class Emitter:
    """Accumulates the body of one func.func and prints the module."""

    def __init__(self):
        self._lines: list[str] = []
        self._next = 0
        self._maps: dict[str, str] = {}
        self._scalars: dict[tuple, str] = {}
        self.resources: dict[str, tuple[tuple, str]] = {}  # name -> (shape, dtype)
        self.loc: str | None = None

    # -- plumbing -----------------------------------------------------------
    def _fresh(self) -> str:
        name = f"%{self._next}"
        self._next += 1
        return name

    def _emit(self, text: str, with_loc: bool = True) -> None:
        if with_loc and self.loc:
            text += f" loc({string_literal(self.loc)})"
        self._lines.append(text)

    def _map(self, ndims: int, results: Sequence[str]) -> str:
        dims = ", ".join(f"d{i}" for i in range(ndims))
        text = f"affine_map<({dims}) -> ({', '.join(results)})>"
        if text not in self._maps:
            self._maps[text] = "#map" if not self._maps else f"#map{len(self._maps)}"
        return self._maps[text]

    def scalar(self, value, dtype: str = "f32") -> str:
        """A cached scalar `arith.constant` (0.0, -inf, epsilon, ...)."""
        if isinstance(value, Value):  # a tensor where an op's lowering takes a number (an importer's gap)
            raise UnsupportedError(f"a tensor ({value.type}) where a number is expected is not supported")
        if dtype.startswith("f"):
            lit = float_literal(value)
        else:
            lit = str(int(value))
        key = (lit, dtype)
        if key not in self._scalars:
            name = self._fresh()
            self._emit(f"{name} = arith.constant {lit} : {dtype}", with_loc=False)
            self._scalars[key] = name
        return self._scalars[key]

    # -- constants ----------------------------------------------------------
    def weight(self, resource: str, shape: Sequence[int], dtype: str = "f32", data=None) -> Value:
        """A weight: `arith.constant dense_resource<resource>` (no blob).

        With `data` (a numpy array) the real values are written inline as a
        hex dense literal instead: only for numerical tests of small models.
        """
        if resource in self.resources:
            raise ValueError(f"duplicate weight resource name '{resource}'")
        self.resources[resource] = (tuple(int(d) for d in shape), dtype)
        v = Value(self._fresh(), tuple(int(d) for d in shape), dtype)
        if data is None:
            self._emit(f"{v.name} = arith.constant dense_resource<{resource}> : {v.type}")
        else:
            import numpy as np

            raw = np.ascontiguousarray(data, dtype="<i4" if dtype == "i32" else "<f4").reshape(v.shape)
            raw = raw.tobytes().hex().upper()
            self._emit(f'{v.name} = arith.constant dense<"0x{raw}"> : {v.type}')
        return v

    def unique_resource(self, base: str) -> str:
        """`base`, or `base_N` if already taken."""
        name, n = sanitize(base), 1
        while name in self.resources:
            name = f"{sanitize(base)}_{n}"
            n += 1
        return name

    def dense(self, values, dtype: str) -> Value:
        """An inline dense constant (index tensors, small literals)."""
        import numpy as np

        arr = np.asarray(values)
        shape = tuple(int(d) for d in arr.shape)
        flat = arr.reshape(-1).tolist()
        if dtype == "i1":
            fmt = lambda x: "true" if x else "false"
        else:
            fmt = float_literal if dtype.startswith("f") else (lambda x: str(int(x)))
        if flat and all(x == flat[0] for x in flat):
            lit = fmt(flat[0])
        else:
            def nest(a):
                if isinstance(a, list):
                    return "[" + ", ".join(nest(x) for x in a) + "]"
                return fmt(a)
            lit = nest(arr.tolist())
        v = Value(self._fresh(), shape, dtype)
        self._emit(f"{v.name} = arith.constant dense<{lit}> : {v.type}")
        return v

    # -- buffers ------------------------------------------------------------
    def empty(self, shape: Sequence[int], dtype: str = "f32") -> Value:
        v = Value(self._fresh(), tuple(shape), dtype)
        self._emit(f"{v.name} = tensor.empty() : {v.type}")
        return v

    def fill(self, shape: Sequence[int], value, dtype: str = "f32") -> Value:
        cst = self.scalar(value, dtype)
        e = self.empty(shape, dtype)
        v = Value(self._fresh(), tuple(shape), dtype)
        self._emit(f"{v.name} = linalg.fill ins({cst} : {dtype}) outs({e.name} : {e.type}) -> {v.type}")
        return v

    # -- linalg.generic -----------------------------------------------------
    def generic(
        self,
        inputs: Sequence[tuple[Value, Sequence[str]]],
        out_shape: Sequence[int],
        out_dtype: str,
        iterators: Sequence[str],
        body_fn: Callable[[Body], str],
        init: Value | None = None,
        out_dims: Sequence[str] | None = None,
    ) -> Value:
        """A linalg.generic; `inputs` pairs each operand with its map results.

        The iteration space has len(iterators) dims; the output is indexed
        by `out_dims` (default: all dims in order).
        """
        nd = len(iterators)
        if out_dims is None:
            out_dims = [f"d{i}" for i in range(nd)]
        if init is None:
            init = self.empty(out_shape, out_dtype)
        maps = [self._map(nd, r) for _, r in inputs] + [self._map(nd, out_dims)]
        args = ["%in" if i == 0 else f"%in_{i}" for i in range(len(inputs))] + ["%out"]
        body = Body(args)
        result = body_fn(body)
        v = Value(self._fresh(), tuple(out_shape), out_dtype)
        its = ", ".join(f'"{t}"' for t in iterators)
        head = f"{v.name} = linalg.generic {{indexing_maps = [{', '.join(maps)}], iterator_types = [{its}]}}"
        if inputs:
            head += f" ins({', '.join(x.name for x, _ in inputs)} : {', '.join(x.type for x, _ in inputs)})"
        head += f" outs({init.name} : {init.type}) {{"
        bb_args = [f"{a}: {x.dtype}" for a, (x, _) in zip(args, inputs)] + [f"%out: {out_dtype}"]
        lines = [head, f"^bb0({', '.join(bb_args)}):"]
        lines += ["  " + line for line in body.lines]
        lines.append(f"  linalg.yield {result} : {out_dtype}")
        self._emit("\n".join(lines) + f"\n}} -> {v.type}")
        return v

    @staticmethod
    def broadcast_shape(*shapes: Sequence[int]) -> tuple:
        rank = max((len(s) for s in shapes), default=0)
        out = []
        for i in range(rank):
            dims = {s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0}
            dims.discard(1)
            if len(dims) > 1:
                raise UnsupportedError(f"shapes {list(map(list, shapes))} do not broadcast")
            out.append(dims.pop() if dims else 1)
        return tuple(out)

    @staticmethod
    def _bcast_map(shape: Sequence[int], out: Sequence[int]) -> list[str]:
        off = len(out) - len(shape)
        return ["0" if (d == 1 and out[i + off] != 1) else f"d{i + off}" for i, d in enumerate(shape)]

    def elementwise(self, operands: Sequence, fn: Callable[[Body, list[str]], str], out_dtype: str = "f32",
                    scalar_dtype: str = "f32") -> Value:
        """Broadcasting element-wise op; Python numbers become scalar constants of `scalar_dtype`."""
        tensors = [x for x in operands if isinstance(x, Value)]
        if not tensors:
            raise UnsupportedError("element-wise op without a tensor operand")
        out = self.broadcast_shape(*[t.shape for t in tensors])
        scalars = {i: self.scalar(x, scalar_dtype) for i, x in enumerate(operands) if not isinstance(x, Value)}
        ins = [(t, self._bcast_map(t.shape, out)) for t in tensors]

        def body(b: Body) -> str:
            it = iter(b.args)
            names = [scalars[i] if i in scalars else next(it) for i in range(len(operands))]
            return fn(b, names)

        return self.generic(ins, out, out_dtype, ["parallel"] * len(out), body)

    # -- element-wise helpers ----------------------------------------------
    def promoted(self, op: str, *operands) -> list:
        """The operands of a torch element-wise op converted as torch's type promotion does, for the
        torch routes (ONNX's ops take one type and stay strict). The result type is the widest of the
        tensors with dims (i1 < i32 < i64 < f32); a 0-dim tensor, then a Python number, decides only
        when its category (boolean, integer, float) is higher: so an integer or boolean tensor with an
        f32 tensor or a float number becomes f32 (arith.sitofp, a mask arith.uitofp: x * mask.unsqueeze(-1),
        torch.arange(n) * x.sum()), a mask with an i32 tensor i32 and with an i64 one or integers
        (mask * 2) i64, while an i32 tensor stays i32 with an i64 0-dim tensor or an integer; integers
        divided ('div', true division) are f32. Else unchanged."""
        order = {"i1": 0, "i32": 1, "i64": 2, "f32": 3}
        category = {"i1": 0, "i32": 1, "i64": 1, "f32": 2}
        tensors = [x for x in operands if isinstance(x, Value)]
        if not tensors or not {t.dtype for t in tensors} <= set(order):
            return list(operands)
        target = None
        for group in ([t.dtype for t in tensors if t.rank], [t.dtype for t in tensors if not t.rank],
                      ["i1" if isinstance(x, bool) else "f32" if isinstance(x, float) else "i64"
                       for x in operands if not isinstance(x, Value)]):
            widest = max(group, key=order.get, default=None)
            if widest is not None and (target is None or category[widest] > category[target]):
                target = widest
        if op == "div":
            target = "f32"
        return [self.cast(x, target) if isinstance(x, Value) else x for x in operands]

    def binary(self, op: str, a, b) -> Value:
        """add/sub/mul/div/pow/max/min/atan2 with broadcasting (f32); add/sub/mul/max/min and the integer
        divisions of i64 tensors and integers (position ids, offsets) too, and of i32 ones as of i64."""
        if op in _I1_BINARY and {x.dtype for x in (a, b) if isinstance(x, Value)} == {"i1"} and all(
                isinstance(x, (Value, bool)) for x in (a, b)):  # masks: bool * bool is and, + or (as torch)
            return self.logical({"arith.andi": "and", "arith.ori": "or"}[_I1_BINARY[op]], a, b)
        it = _integer_operands(a, b)  # i64 or i32: the same ops, in that type
        if it:
            if op not in _I64_BINARY:
                raise UnsupportedError(f"element-wise '{op}' on {it} tensors is not supported "
                                       f"(i64 and i32: {', '.join(_I64_BINARY)})")
            if op == "remainder":
                zero = self.scalar(0, it)

                def floor_mod(bb, n):
                    # torch.remainder takes the divisor's sign: remsi's result, plus the divisor where
                    # the two signs differ.
                    r = bb.op(f"arith.remsi {n[0]}, {n[1]} : {it}")
                    nonzero = bb.op(f"arith.cmpi ne, {r}, {zero} : {it}")
                    r_neg = bb.op(f"arith.cmpi slt, {r}, {zero} : {it}")
                    d_neg = bb.op(f"arith.cmpi slt, {n[1]}, {zero} : {it}")
                    differ = bb.op(f"arith.xori {r_neg}, {d_neg} : i1")
                    fix = bb.op(f"arith.andi {nonzero}, {differ} : i1")
                    shifted = bb.op(f"arith.addi {r}, {n[1]} : {it}")
                    return bb.op(f"arith.select {fix}, {shifted}, {r} : {it}")

                return self.elementwise([a, b], floor_mod, it, it)
            arith = _I64_BINARY[op]
            return self.elementwise([a, b], lambda bb, n: bb.op(f"{arith} {n[0]}, {n[1]} : {it}"), it, it)
        arith = {"add": "arith.addf", "sub": "arith.subf", "mul": "arith.mulf", "div": "arith.divf",
                 "max": "arith.maximumf", "min": "arith.minimumf", "pow": "math.powf", "atan2": "math.atan2"}.get(op)
        if op == "truncdiv" and not any(isinstance(x, Value) and x.dtype != "f32" for x in (a, b)):
            def trunc_div(bb, n):  # torch.div(rounding_mode="trunc") of floats: trunc(a / b)
                return bb.op(f"math.trunc {bb.op(f'arith.divf {n[0]}, {n[1]} : f32')} : f32")

            return self.elementwise([a, b], trunc_div)
        if op == "floordiv" and not any(isinstance(x, Value) and x.dtype != "f32" for x in (a, b)):
            zero, half, one = self.scalar(0.0), self.scalar(0.5), self.scalar(1.0)

            def floor_div(bb, n):
                # a // b of floats as torch computes it (c10's div_floor_floating), not floor(a / b),
                # which rounds a / b first (-7 // 0.7: torch -11, floor(a / b) -10): the quotient of
                # a less fmod(a, b), one less where fmod's sign differs from b's, floored (rounded up
                # when more than half below); 0 with the sign of a / b; a / b for b = 0.
                def f(text):
                    return bb.op(f"{text} : f32")

                x, y = n
                quotient = f(f"arith.divf {x}, {y}")
                mod = f(f"arith.remf {x}, {y}")
                div = f(f"arith.divf {f(f'arith.subf {x}, {mod}')}, {y}")
                differ = bb.op(f"arith.xori {f(f'arith.cmpf olt, {y}, {zero}')}, "
                               f"{f(f'arith.cmpf olt, {mod}, {zero}')} : i1")
                fix = bb.op(f"arith.andi {f(f'arith.cmpf une, {mod}, {zero}')}, {differ} : i1")
                div = bb.op(f"arith.select {fix}, {f(f'arith.subf {div}, {one}')}, {div} : f32")
                floor = f(f"math.floor {div}")
                up = f(f"arith.cmpf ogt, {f(f'arith.subf {div}, {floor}')}, {half}")
                floor = bb.op(f"arith.select {up}, {f(f'arith.addf {floor}, {one}')}, {floor} : f32")
                signed_zero = f(f"math.copysign {zero}, {quotient}")
                result = bb.op(f"arith.select {f(f'arith.cmpf une, {div}, {zero}')}, {floor}, {signed_zero} : f32")
                return bb.op(f"arith.select {f(f'arith.cmpf oeq, {y}, {zero}')}, {quotient}, {result} : f32")

            return self.elementwise([a, b], floor_div)
        if arith is None:
            kinds = sorted({x.dtype for x in (a, b) if isinstance(x, Value)})  # named as they are
            raise UnsupportedError(f"element-wise '{op}' on {' and '.join(kinds)} tensors is not supported"
                                   + ("" if kinds == ["f32"] else " (integer tensors of one type, i64 or i32)"))
        if any(isinstance(x, Value) and x.dtype != "f32" for x in (a, b)):
            raise UnsupportedError(f"element-wise '{op}' of {_described(a)} and {_described(b)} is not supported "
                                   f"(f32 with f32 or numbers, or integer tensors of one type, i64 or i32, with "
                                   f"integers)")
        return self.elementwise([a, b], lambda bb, n: bb.op(f"{arith} {n[0]}, {n[1]} : f32"))

    def unary(self, kind: str, x: Value, **kw) -> Value:
        """relu, clamp(lo, hi), gelu, tanh, sigmoid, exp, erf, sqrt, rsqrt, log, sin, cos, abs, neg, silu,
        hardsigmoid and hardswish (alpha, beta: ONNX's HardSigmoid slope and offset, torch's 1/6 and 1/2 by
        default), leaky_relu(slope), elu(alpha, scale, input_scale: SELU and CELU too), softplus(beta), mish,
        log1p, expm1, isnan / isinf / isfinite (i1 results),
        floor, ceil, round (half to even: math.roundeven), trunc, sign (0 at 0 and NaN, as torch), shrink
        (lambd, bias: ONNX's Shrink; hardshrink is bias 0, softshrink bias lambd), log_sigmoid, softsign."""
        if x.dtype == "i64" and kind in ("neg", "abs", "clamp"):
            return self._integer_unary(kind, x, **kw)
        if x.dtype != "f32":
            raise UnsupportedError(f"'{kind}' on {x.dtype} tensors is not supported (f32; neg, abs and clamp "
                                   "on i64 too)")
        s = self.scalar
        if kind == "relu":
            zero = s(0.0)
            fn = lambda b, n: b.op(f"arith.maximumf {n[0]}, {zero} : f32")
        elif kind == "clamp":
            lo, hi = kw.get("lo"), kw.get("hi")
            clo = s(lo) if lo is not None else None
            chi = s(hi) if hi is not None else None

            def fn(b, n):
                r = n[0]
                if clo is not None:
                    r = b.op(f"arith.maximumf {r}, {clo} : f32")
                if chi is not None:
                    r = b.op(f"arith.minimumf {r}, {chi} : f32")
                return r
        elif kind == "gelu":
            if kw.get("approximate", "none") == "tanh":
                c0, c1, half, one = s(math.sqrt(2.0 / math.pi)), s(0.044715), s(0.5), s(1.0)

                def fn(b, n):
                    x3 = b.op(f"arith.mulf {n[0]}, {n[0]} : f32")
                    x3 = b.op(f"arith.mulf {x3}, {n[0]} : f32")
                    t = b.op(f"arith.mulf {x3}, {c1} : f32")
                    t = b.op(f"arith.addf {n[0]}, {t} : f32")
                    t = b.op(f"arith.mulf {t}, {c0} : f32")
                    t = b.op(f"math.tanh {t} : f32")
                    t = b.op(f"arith.addf {t}, {one} : f32")
                    t = b.op(f"arith.mulf {n[0]}, {t} : f32")
                    return b.op(f"arith.mulf {t}, {half} : f32")
            else:
                rsqrt2, half, one = s(1.0 / math.sqrt(2.0)), s(0.5), s(1.0)

                def fn(b, n):
                    t = b.op(f"arith.mulf {n[0]}, {rsqrt2} : f32")
                    t = b.op(f"math.erf {t} : f32")
                    t = b.op(f"arith.addf {t}, {one} : f32")
                    t = b.op(f"arith.mulf {n[0]}, {t} : f32")
                    return b.op(f"arith.mulf {t}, {half} : f32")
        elif kind in ("sigmoid", "silu", "hardsigmoid", "hardswish"):
            # A gate, or x times its gate: silu = x * sigmoid(x) and, in
            # MobileNetV3, hardswish = x * hardsigmoid(x) = x * relu6(x + 3) / 6.
            alpha, beta = kw.get("alpha", 1.0 / 6.0), kw.get("beta", 0.5)
            if kind.startswith("hard") and (abs(alpha - 1.0 / 6.0) > 1e-7 or beta != 0.5):
                # ONNX HardSigmoid's own slope and offset: clamp(alpha x + beta, 0, 1).
                zero, one, ca, cb = s(0.0), s(1.0), s(alpha), s(beta)

                def gate(b, x):
                    t = b.op(f"arith.mulf {x}, {ca} : f32")
                    t = b.op(f"arith.addf {t}, {cb} : f32")
                    t = b.op(f"arith.maximumf {t}, {zero} : f32")
                    return b.op(f"arith.minimumf {t}, {one} : f32")
            elif kind.startswith("hard"):  # torch's (and ONNX's default HardSwish) 1/6 and 1/2: relu6(x + 3) / 6
                zero, three, six = s(0.0), s(3.0), s(6.0)

                def gate(b, x):
                    t = b.op(f"arith.addf {x}, {three} : f32")
                    t = b.op(f"arith.maximumf {t}, {zero} : f32")
                    t = b.op(f"arith.minimumf {t}, {six} : f32")
                    return b.op(f"arith.divf {t}, {six} : f32")
            else:
                one = s(1.0)

                def gate(b, x):
                    t = b.op(f"arith.negf {x} : f32")
                    t = b.op(f"math.exp {t} : f32")
                    t = b.op(f"arith.addf {t}, {one} : f32")
                    return b.op(f"arith.divf {one}, {t} : f32")

            def fn(b, n):
                t = gate(b, n[0])
                if kind in ("silu", "hardswish"):
                    t = b.op(f"arith.mulf {n[0]}, {t} : f32")
                return t
        elif kind in ("log1p", "expm1"):
            one, inf = s(1.0), s(math.inf)
            fn = lambda b, n: _near_one(b, kind, n[0], one, inf)
        elif kind in ("tanh", "exp", "erf", "sqrt", "rsqrt", "log", "sin", "cos", "floor", "ceil", "trunc"):
            fn = lambda b, n: b.op(f"math.{kind} {n[0]} : f32")
        elif kind == "round":
            fn = lambda b, n: b.op(f"math.roundeven {n[0]} : f32")
        elif kind in _CLASSIFY:  # x != x (unordered), |x| == inf, |x| ordered-not-equal to inf (false for NaN)
            inf, pred = s(math.inf), _CLASSIFY[kind]
            if kind == "isnan":
                fn = lambda b, n: b.op(f"arith.cmpf uno, {n[0]}, {n[0]} : f32")
            else:
                fn = lambda b, n: b.op(f"arith.cmpf {pred}, {b.op(f'math.absf {n[0]} : f32')}, {inf} : f32")
        elif kind == "sign":
            zero = s(0.0)

            def fn(b, n):
                pos = b.op(f"arith.uitofp {b.op(f'arith.cmpf ogt, {n[0]}, {zero} : f32')} : i1 to f32")
                neg = b.op(f"arith.uitofp {b.op(f'arith.cmpf olt, {n[0]}, {zero} : f32')} : i1 to f32")
                return b.op(f"arith.subf {pos}, {neg} : f32")
        elif kind == "shrink":
            # 0 where -lambd <= x <= lambd, else x - bias above, x + bias below (NaN passes).
            zero, lo, hi, bias = s(0.0), s(-kw["lambd"]), s(kw["lambd"]), s(kw.get("bias", 0.0))

            def fn(b, n):
                inside = b.op(f"arith.andi {b.op(f'arith.cmpf oge, {n[0]}, {lo} : f32')}, "
                              f"{b.op(f'arith.cmpf ole, {n[0]}, {hi} : f32')} : i1")
                r = n[0]
                if kw.get("bias", 0.0):
                    above = b.op(f"arith.cmpf ogt, {n[0]}, {hi} : f32")
                    r = b.op(f"arith.select {above}, {b.op(f'arith.subf {n[0]}, {bias} : f32')}, "
                             f"{b.op(f'arith.addf {n[0]}, {bias} : f32')} : f32")
                return b.op(f"arith.select {inside}, {zero}, {r} : f32")
        elif kind == "log_sigmoid":  # min(x, 0) - log1p(exp(-|x|)), without overflow
            zero = s(0.0)

            def fn(b, n):
                t = b.op(f"arith.negf {b.op(f'math.absf {n[0]} : f32')} : f32")
                t = b.op(f"math.log1p {b.op(f'math.exp {t} : f32')} : f32")
                return b.op(f"arith.subf {b.op(f'arith.minimumf {n[0]}, {zero} : f32')}, {t} : f32")
        elif kind == "softsign":
            one = s(1.0)

            def fn(b, n):
                t = b.op(f"arith.addf {b.op(f'math.absf {n[0]} : f32')}, {one} : f32")
                return b.op(f"arith.divf {n[0]}, {t} : f32")
        elif kind == "abs":
            fn = lambda b, n: b.op(f"math.absf {n[0]} : f32")
        elif kind in ("leaky_relu", "elu"):
            # max(x, 0) + negative part: slope * min(x, 0), or alpha * (exp(min(x, 0)) - 1).
            # elu's scale and input_scale (SELU, CELU): scale * (max(x, 0) + alpha (exp(min(x, 0) input_scale) - 1)).
            zero, one = s(0.0), s(1.0)
            factor = s(kw["slope"] if kind == "leaky_relu" else kw["alpha"])
            scale, input_scale = kw.get("scale", 1.0), kw.get("input_scale", 1.0)
            cscale, cinput = s(scale), s(input_scale)

            def negative_part(b, neg):
                if kind != "elu":
                    return neg
                if input_scale != 1.0:
                    neg = b.op(f"arith.mulf {neg}, {cinput} : f32")
                return b.op(f"arith.subf {b.op(f'math.exp {neg} : f32')}, {one} : f32")

            def fn(b, n):
                r = _positive_plus_scaled(b, n[0], negative_part, factor, zero)
                return b.op(f"arith.mulf {r}, {cscale} : f32") if scale != 1.0 else r
        elif kind in ("softplus", "mish"):
            # softplus(x) = log1p(exp(beta x)) / beta, as max(y, 0) + log1p(exp(-|y|)) with y = beta x
            # (no overflow); mish(x) = x * tanh(softplus(x)).
            zero = s(0.0)
            beta = s(kw.get("beta", 1.0))

            def fn(b, n):
                y = b.op(f"arith.mulf {n[0]}, {beta} : f32")
                t = b.op(f"arith.negf {b.op(f'math.absf {y} : f32')} : f32")
                t = b.op(f"math.log1p {b.op(f'math.exp {t} : f32')} : f32")
                t = b.op(f"arith.addf {b.op(f'arith.maximumf {y}, {zero} : f32')}, {t} : f32")
                t = b.op(f"arith.divf {t}, {beta} : f32")
                if kind == "mish":
                    t = b.op(f"arith.mulf {n[0]}, {b.op(f'math.tanh {t} : f32')} : f32")
                return t
        elif kind == "neg":
            fn = lambda b, n: b.op(f"arith.negf {n[0]} : f32")
        elif kind == "reciprocal":
            one = s(1.0)
            fn = lambda b, n: b.op(f"arith.divf {one}, {n[0]} : f32")
        else:
            raise UnsupportedError(f"unary op '{kind}' is not supported")
        return self.elementwise([x], fn, "i1" if kind in _CLASSIFY else "f32")

    def _integer_unary(self, kind: str, x: Value, **kw) -> Value:
        """neg, abs, and clamp with integer bounds, of an i64 tensor (position ids clamped to a table's
        size): arith.subi from 0, maxsi with the negation, maxsi / minsi with the bounds."""
        zero = self.scalar(0, "i64")
        if kind == "neg":
            return self.elementwise([x], lambda b, n: b.op(f"arith.subi {zero}, {n[0]} : i64"), "i64")
        if kind == "abs":
            return self.elementwise([x], lambda b, n: b.op(
                f"arith.maxsi {n[0]}, {b.op(f'arith.subi {zero}, {n[0]} : i64')} : i64"), "i64")
        lo, hi = kw.get("lo"), kw.get("hi")
        if not all(v is None or isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi)):
            raise UnsupportedError(f"clamp of an i64 tensor between {lo!r} and {hi!r} is not supported (integer "
                                   "bounds)")
        return self.clamp_integers(x, lo, hi)

    def clamp_integers(self, x: Value, lo, hi, unsigned: bool = False) -> Value:
        """x (an integer tensor) clamped between integer bounds (None: unbounded), compared in its
        type's order (signed, or `unsigned`)."""
        kind = "ui" if unsigned else "si"
        bounds = [(f"arith.{m}{kind}", self.scalar(int(v), x.dtype)) for m, v in (("max", lo), ("min", hi))
                  if v is not None]

        def fn(b, n):
            r = n[0]
            for op, c in bounds:
                r = b.op(f"{op} {r}, {c} : {x.dtype}")
            return r

        return self.elementwise([x], fn, x.dtype)

    def lerp(self, start: Value, end, weight) -> Value:
        """torch.lerp of f32 tensors (end and weight tensors or numbers) as torch's CPU kernel computes
        it: fma(weight, end - start, start) where weight < 0.5, else fma(start - end, 1 - weight, end)."""
        if any(isinstance(x, Value) and x.dtype != "f32" for x in (start, end, weight)):
            raise UnsupportedError(f"lerp of {_described(start)}, {_described(end)} and {_described(weight)} is "
                                   "not supported (f32)")
        half, one = self.scalar(0.5), self.scalar(1.0)

        def fn(b, n):
            s, e, w = n
            small = b.op(f"arith.cmpf olt, {w}, {half} : f32")
            low = b.op(f"math.fma {w}, {b.op(f'arith.subf {e}, {s} : f32')}, {s} : f32")
            high = b.op(f"math.fma {b.op(f'arith.subf {s}, {e} : f32')}, {b.op(f'arith.subf {one}, {w} : f32')}, "
                        f"{e} : f32")
            return b.op(f"arith.select {small}, {low}, {high} : f32")

        return self.elementwise([start, end, weight], fn)

    def glu(self, x: Value, dim: int) -> Value:
        """torch's GLU: the first half of `dim` times the sigmoid of the second (two tensor.extract_slice
        halves, one element-wise generic)."""
        dim %= x.rank
        if x.shape[dim] % 2:
            raise UnsupportedError(f"glu: dim {dim} of {list(x.shape)} is odd (it must split into two halves)")
        half = list(x.shape)
        half[dim] //= 2
        offset = [0] * x.rank
        offset[dim] = half[dim]
        a = self.extract_slice(x, [0] * x.rank, half, [1] * x.rank)
        g = self.extract_slice(x, offset, half, [1] * x.rank)
        one = self.scalar(1.0)

        def fn(b, n):
            t = b.op(f"math.exp {b.op(f'arith.negf {n[1]} : f32')} : f32")
            t = b.op(f"arith.divf {one}, {b.op(f'arith.addf {t}, {one} : f32')} : f32")
            return b.op(f"arith.mulf {n[0]}, {t} : f32")

        return self.elementwise([a, g], fn)

    def prelu(self, x: Value, slope: Value) -> Value:
        """max(x, 0) + slope * min(x, 0), leaky_relu's body with a tensor of slopes that broadcasts to
        x (numpy's rules, one way: torch's per-channel weight shaped (C, 1, ...), ONNX PRelu's slope)."""
        if x.dtype != "f32" or slope.dtype != "f32":
            raise UnsupportedError(f"prelu of {x.dtype} with {slope.dtype} slopes is not supported (f32 only)")
        try:
            ok = self.broadcast_shape(x.shape, slope.shape) == x.shape
        except UnsupportedError:
            ok = False
        if not ok:
            raise UnsupportedError(f"prelu slopes of shape {list(slope.shape)} do not broadcast to the input's "
                                   f"{list(x.shape)}")
        zero = self.scalar(0.0)

        def fn(b, n):
            return _positive_plus_scaled(b, n[0], lambda _, neg: neg, n[1], zero)

        return self.elementwise([x, slope], fn)

    def select(self, cond: Value, a, b) -> Value:
        """where(cond, a, b) with broadcasting; cond is i1, a/b f32 tensors or numbers, or integer
        tensors of one type (i64, i32, i1) and integers."""
        if cond.dtype != "i1":
            raise UnsupportedError(f"select condition must be i1, got {cond.dtype}")
        dts = {x.dtype for x in (a, b) if isinstance(x, Value)}
        dt = dts.pop() if len(dts) == 1 else "f32"
        if dts or dt != "f32" and not all(isinstance(x, Value) or isinstance(x, int) for x in (a, b)):
            raise UnsupportedError(f"select between {_described(a)} and {_described(b)} is not supported (f32 "
                                   "with f32 or numbers, or integer tensors of one type with integers)")
        return self.elementwise([cond, a, b], lambda bb, n: bb.op(f"arith.select {n[0]}, {n[1]}, {n[2]} : {dt}"),
                                dt, dt)

    def compare(self, pred: str, a, b) -> Value:
        """Comparison (arith.cmpf predicate: oeq, une, olt, ole, ogt, oge) of f32 tensors and numbers, or
        of integer tensors of one type (i64, i32, i1) and integers (a padding mask, ids != 0: arith.cmpi)
        -> i1 tensor."""
        dts = {x.dtype for x in (a, b) if isinstance(x, Value)}
        if len(dts) == 1 and dts <= {"i64", "i32", "i1"} and all(
                isinstance(x, Value) or isinstance(x, int) for x in (a, b)):
            dt, ipred = dts.pop(), _I64_PREDICATES[pred]
            return self.elementwise([a, b], lambda bb, n: bb.op(f"arith.cmpi {ipred}, {n[0]}, {n[1]} : {dt}"),
                                    "i1", dt)
        if dts != {"f32"}:
            raise UnsupportedError(f"comparison of {_described(a)} with {_described(b)} is not supported (f32 "
                                   "with f32 or numbers, or integer tensors of one type with integers)")
        return self.elementwise([a, b], lambda bb, n: bb.op(f"arith.cmpf {pred}, {n[0]}, {n[1]} : f32"), "i1")

    def logical(self, kind: str, a, b=None) -> Value:
        """not / and / or / xor of i1 masks (arith.xori with true, andi, ori, xori), broadcasting; of
        integer tensors of one type (i64, i32) bitwise (torch's ~, &, |, ^; not is xori with -1), a
        Python bool or integer as the other operand."""
        operands = [x for x in (a, b) if x is not None]
        dts = {x.dtype for x in operands if isinstance(x, Value)}
        dt = dts.pop() if len(dts) == 1 else None
        if dt not in ("i1", "i64", "i32") or not isinstance(a, Value) and kind == "not" or not all(
                isinstance(x, Value) or isinstance(x, bool) or isinstance(x, int) and dt != "i1" for x in operands):
            raise UnsupportedError(f"logical '{kind}' of {' and '.join(map(_described, operands))} is not supported "
                                   "(i1 masks, or integer tensors of one type, i64 or i32, bitwise)")
        if kind == "not":
            ones = self.scalar(1 if dt == "i1" else -1, dt)
            return self.elementwise([a], lambda bb, n: bb.op(f"arith.xori {n[0]}, {ones} : {dt}"), dt)
        op = {"and": "arith.andi", "or": "arith.ori", "xor": "arith.xori"}[kind]
        return self.elementwise([a, b], lambda bb, n: bb.op(f"{op} {n[0]}, {n[1]} : {dt}"), dt, dt)

    def cast(self, x: Value, dtype: str, unsigned: bool = False) -> Value:
        """Element type conversion between f32, i64, i32 and i1 (a mask as floats, ids as floats), as
        torch's .to(dtype) and ONNX's Cast: f32 to an integer truncates toward zero, anything to i1 is
        != 0, i1 to a number is 0 or 1. An i8 tensor (quantized values; `unsigned` for UINT8) widens
        to i32 first."""
        if x.dtype == dtype:
            return x
        if x.dtype == "i8" and dtype in ("f32", "i32", "i64"):
            ext = "arith.extui" if unsigned else "arith.extsi"
            x = self.elementwise([x], lambda b, n: b.op(f"{ext} {n[0]} : i8 to i32"), "i32")
            return self.cast(x, dtype)
        ops = {("i64", "f32"): "arith.sitofp", ("i32", "f32"): "arith.sitofp", ("i1", "f32"): "arith.uitofp",
               ("f32", "i64"): "arith.fptosi", ("f32", "i32"): "arith.fptosi", ("i1", "i64"): "arith.extui",
               ("i1", "i32"): "arith.extui", ("i32", "i64"): "arith.extsi", ("i64", "i32"): "arith.trunci"}
        if (x.dtype, dtype) in ops:
            conv = ops[(x.dtype, dtype)]
            return self.elementwise([x], lambda b, n: b.op(f"{conv} {n[0]} : {x.dtype} to {dtype}"), dtype)
        if dtype == "i1" and x.dtype in ("f32", "i64", "i32"):
            return self.compare("une", x, 0.0 if x.dtype == "f32" else 0)
        raise UnsupportedError(f"casting {x.dtype} to {dtype} is not supported")

    def broadcast_to(self, x: Value, shape: Sequence[int]) -> Value:
        """Numpy-style broadcast of x to `shape` (a linalg.generic copy)."""
        shape = tuple(int(d) for d in shape)
        if x.shape == shape:
            return x
        if self.broadcast_shape(x.shape, shape) != shape:
            raise UnsupportedError(f"cannot broadcast {list(x.shape)} to {list(shape)}")
        if x.numel == math.prod(shape):  # only unit dims added
            return self.reshape(x, shape)
        return self.generic([(x, self._bcast_map(x.shape, shape))], shape, x.dtype, ["parallel"] * len(shape),
                            lambda b: b.args[0])

    # -- data movement ------------------------------------------------------
    def pad(self, x: Value, low: Sequence[int], high: Sequence[int], value: float) -> Value:
        cst = self.scalar(value, x.dtype)
        shape = tuple(d + l + h for d, l, h in zip(x.shape, low, high))
        v = Value(self._fresh(), shape, x.dtype)
        idx = ", ".join(f"%i{i}: index" for i in range(x.rank))
        self._emit(
            f"{v.name} = tensor.pad {x.name} low[{_ints(low)}] high[{_ints(high)}] {{\n"
            f"^bb0({idx}):\n  tensor.yield {cst} : {x.dtype}\n}} : {x.type} to {v.type}"
        )
        return v

    def collapse(self, x: Value, groups: Sequence[Sequence[int]]) -> Value:
        shape = tuple(math.prod(x.shape[i] for i in g) for g in groups)
        v = Value(self._fresh(), shape, x.dtype)
        self._emit(f"{v.name} = tensor.collapse_shape {x.name} {self._reassoc(groups)} : {x.type} into {v.type}")
        return v

    def expand(self, x: Value, groups: Sequence[Sequence[int]], shape: Sequence[int]) -> Value:
        v = Value(self._fresh(), tuple(int(d) for d in shape), x.dtype)
        self._emit(
            f"{v.name} = tensor.expand_shape {x.name} {self._reassoc(groups)} "
            f"output_shape [{_ints(shape)}] : {x.type} into {v.type}"
        )
        return v

    @staticmethod
    def _reassoc(groups) -> str:
        return "[" + ", ".join("[" + _ints(g) + "]" for g in groups) + "]"

    def reshape(self, x: Value, shape: Sequence[int]) -> Value:
        """Static reshape as collapse_shape and/or expand_shape (row-major).

        Source and target dims are grouped into blocks of equal element
        count; the block products form the intermediate shape.
        """
        shape = tuple(int(d) for d in shape)
        if math.prod(shape) != x.numel:
            raise UnsupportedError(f"cannot reshape {list(x.shape)} to {list(shape)}")
        if shape == x.shape:
            return x
        src, dst = list(x.shape), list(shape)
        if not src:  # rank 0 -> all-unit shape
            return self.expand(x, [], shape)
        if not dst:  # all-unit shape -> rank 0
            return self.collapse(x, [])
        sg, dg, mid = [], [], []
        i = j = 0
        while i < len(src) and j < len(dst):
            gs, gd = [i], [j]
            ps, pd = src[i], dst[j]
            i += 1
            j += 1
            while ps != pd:
                if ps < pd:
                    gs.append(i); ps *= src[i]; i += 1
                else:
                    gd.append(j); pd *= dst[j]; j += 1
            sg.append(gs); dg.append(gd); mid.append(ps)
        while i < len(src):  # trailing unit dims
            sg[-1].append(i); i += 1
        while j < len(dst):
            dg[-1].append(j); j += 1
        y = x
        if any(len(g) > 1 for g in sg):
            y = self.collapse(y, sg)
        if any(len(g) > 1 for g in dg):
            y = self.expand(y, dg, dst)
        assert y.shape == shape, (y.shape, shape)
        return y

    def transpose(self, x: Value, perm: Sequence[int]) -> Value:
        perm = [int(p) % max(x.rank, 1) for p in perm]
        if perm == list(range(x.rank)):
            return x
        shape = tuple(x.shape[p] for p in perm)
        e = self.empty(shape, x.dtype)
        v = Value(self._fresh(), shape, x.dtype)
        self._emit(f"{v.name} = linalg.transpose ins({x.name} : {x.type}) outs({e.name} : {e.type}) permutation = [{_ints(perm)}]")
        return v

    def extract_slice(self, x: Value, offsets, sizes, strides, drop_dims: Sequence[int] = ()) -> Value:
        """tensor.extract_slice; `drop_dims` (size-1) are rank-reduced away."""
        shape = tuple(s for i, s in enumerate(sizes) if i not in drop_dims)
        if tuple(offsets) == (0,) * x.rank and tuple(sizes) == x.shape and not drop_dims:
            return x
        if drop_dims and 1 in shape:
            # Which unit dims a rank-reducing slice drops is left for its users to infer when the
            # result keeps some (x[:, :, 0] of a 1x2x8x9 tensor: 1x2x9), and upstream's memref
            # lowering infers the wrong ones (mlir-opt 22 then fails, or computes wrong values):
            # slice at full rank, then collapse each dropped dim into the kept dim after it.
            full = self.extract_slice(x, offsets, sizes, strides)
            kept = [i for i in range(len(sizes)) if i not in drop_dims]
            groups = [[i] for i in kept]
            for d in drop_dims:
                later = [k for k, i in enumerate(kept) if i > d]
                groups[later[0] if later else -1].append(d)
            return self.collapse(full, [sorted(g) for g in groups])
        v = Value(self._fresh(), shape, x.dtype)
        self._emit(
            f"{v.name} = tensor.extract_slice {x.name}[{_ints(offsets)}] [{_ints(sizes)}] [{_ints(strides)}] : {x.type} to {v.type}"
        )
        return v

    def insert_slice(self, x: Value, into: Value, offsets, strides) -> Value:
        """tensor.insert_slice of x (the slice's full shape) into `into`: `into` with that slice replaced."""
        v = Value(self._fresh(), into.shape, into.dtype)
        self._emit(f"{v.name} = tensor.insert_slice {x.name} into {into.name}[{_ints(offsets)}] [{_ints(x.shape)}] "
                   f"[{_ints(strides)}] : {x.type} into {v.type}")
        return v

    def concat(self, xs: Sequence[Value], dim: int) -> Value:
        if len(xs) == 1:
            return xs[0]
        shape = list(xs[0].shape)
        shape[dim] = sum(x.shape[dim] for x in xs)
        v = Value(self._fresh(), tuple(shape), xs[0].dtype)
        self._emit(
            f"{v.name} = tensor.concat dim({dim}) {', '.join(x.name for x in xs)} : "
            f"({', '.join(x.type for x in xs)}) -> {v.type}"
        )
        return v

    # -- convolution / pooling ---------------------------------------------
    @staticmethod
    def _out_size(size, k, stride, dilation, pad_total):
        return (size + pad_total - dilation * (k - 1) - 1) // stride + 1

    def conv(self, x: Value, w: Value, bias: Value | None, stride, pads, dilation, groups: int) -> Value:
        """NCHW or NCDHW conv; pads = the low pads then the high ones per spatial dim ((top, left,
        bottom, right) in 2-D). torch-mlir's form: named ops, except a grouped 3-D conv (linalg has
        no NCDHW grouped op), which is the 2-D grouped op's loops as a linalg.generic. f32, or i32
        operands accumulating in i32 (ONNX's ConvInteger, its zero points already subtracted)."""
        sp = x.rank - 2
        dt = self._product_dtype("conv", x, w)
        if sp not in (2, 3) or w.rank != x.rank:
            raise UnsupportedError(f"conv: input {list(x.shape)} with weight {list(w.shape)}: only 1-D, 2-D and "
                                   "3-D convolution is supported")
        n, c, *size = x.shape
        f, cg, *k = w.shape
        if c != cg * groups or f % groups:
            raise UnsupportedError(f"conv: {c} input channels, weight {list(w.shape)}, groups={groups} are inconsistent")
        lo, hi = list(pads[:sp]), list(pads[sp:])
        osize = [self._out_size(size[i], k[i], stride[i], dilation[i], lo[i] + hi[i]) for i in range(sp)]
        if min(osize) <= 0:
            raise UnsupportedError(f"conv: empty output for input {list(x.shape)}")
        if any(pads):
            x = self.pad(x, [0, 0] + lo, [0, 0] + hi, 0)
        out = (n, f, *osize)
        if bias is not None:
            init = self.generic([(bias, ["d1"])], out, dt, ["parallel"] * x.rank, lambda b: b.args[0])
        else:
            init = self.fill(out, 0, dt)
        attrs = f"{{dilations = {_i64_vector(dilation)}, strides = {_i64_vector(stride)}}}"
        letters = "hw" if sp == 2 else "dhw"
        if groups == 1:
            v = Value(self._fresh(), out, dt)
            self._emit(f"{v.name} = linalg.conv_{sp}d_nc{letters}_fc{letters} {attrs} ins({x.name}, {w.name} : {x.type}, {w.type}) outs({init.name} : {init.type}) -> {v.type}")
            return v
        if groups == c == f:
            w2 = self.collapse(w, [[0, 1]] + [[i] for i in range(2, w.rank)])
            v = Value(self._fresh(), out, dt)
            self._emit(f"{v.name} = linalg.depthwise_conv_{sp}d_nc{letters}_c{letters} {attrs} ins({x.name}, {w2.name} : {x.type}, {w2.type}) outs({init.name} : {init.type}) -> {v.type}")
            return v
        g = groups
        split = [[0], [1, 2]] + [[i] for i in range(3, x.rank + 1)]
        xg = self.expand(x, split, [n, g, c // g] + list(x.shape[2:]))
        wg = self.expand(w, [[0, 1]] + [[i] for i in range(2, w.rank + 1)], [g, f // g, cg] + k)
        ig = self.expand(init, split, [n, g, f // g] + osize)
        if sp == 2:
            v = Value(self._fresh(), ig.shape, dt)
            self._emit(f"{v.name} = linalg.conv_2d_ngchw_gfchw {attrs} ins({xg.name}, {wg.name} : {xg.type}, {wg.type}) outs({ig.name} : {ig.type}) -> {v.type}")
        else:
            # Loops n, g, f, the output positions, then c and the kernel positions (reductions).
            o, r = [f"d{3 + i}" for i in range(sp)], [f"d{4 + sp + i}" for i in range(sp)]
            ch = f"d{3 + sp}"
            v = self.generic([(xg, ["d0", "d1", ch] + _windows(o, r, stride, dilation)),
                              (wg, ["d1", "d2", ch] + r)], ig.shape, dt,
                             ["parallel"] * (3 + sp) + ["reduction"] * (1 + sp),
                             lambda b: _multiply_accumulate(b, dt), init=ig,
                             out_dims=["d0", "d1", "d2"] + o)
        return self.collapse(v, split)

    def conv1d(self, x: Value, w: Value, bias: Value | None, stride: int, pads, dilation: int, groups: int) -> Value:
        """NCL conv as a conv2d of height 1 (a compiler's usual lowering); pads = (left, right)."""
        f, cg, k = w.shape
        return self._height_one(x, lambda x2: self.conv(x2, self.expand(w, [[0], [1], [2, 3]], [f, cg, 1, k]), bias,
                                                        (1, stride), (0, pads[0], 0, pads[1]), (1, dilation), groups))

    def _height_one(self, x: Value, op2d: Callable[[Value], Value]) -> Value:
        """A 1-D op on NCL as its 2-D form over a height of 1: expand to NC1L, op2d, collapse back (1-D
        convolution and pooling)."""
        n, c, length = x.shape
        y = op2d(self.expand(x, [[0], [1], [2, 3]], [n, c, 1, length]))
        return self.collapse(y, [[0], [1], [2, 3]])

    def group_norm(self, x: Value, groups: int, weight: Value | None, bias: Value | None, eps: float) -> Value:
        """Normalises each group of channels of NC... over its channels and positions, then the
        per-channel affine: a layer-norm of x viewed as N x G x (C/G) x ..."""
        n, c = x.shape[:2]
        if c % groups:
            raise UnsupportedError(f"group norm: {c} channels do not split into {groups} groups")
        rest = list(x.shape[2:])
        xg = self.expand(x, [[0], [1, 2]] + [[i + 1] for i in range(2, x.rank)], [n, groups, c // groups] + rest)
        y = self.collapse(self.layer_norm(xg, x.rank - 1, None, None, eps),
                          [[0], [1, 2]] + [[i + 1] for i in range(2, x.rank)])
        if weight is None and bias is None:
            return y
        all_d = [f"d{i}" for i in range(x.rank)]
        ins = [(y, all_d)] + [(p, ["d1"]) for p in (weight, bias) if p is not None]
        return self.generic(ins, x.shape, "f32", ["parallel"] * x.rank,
                            lambda b: _scale_and_shift(b, b.args[0], b.args[1:], weight is not None,
                                                       bias is not None))

    def batch_statistics_norm(self, x: Value, weight: Value | None, bias: Value | None, eps: float) -> Value:
        """Batch norm by the batch's own statistics (BatchNorm without running statistics, at
        inference too): each channel normalised over the batch and its positions, then the affine.
        A group norm of one group per channel, of x with its batch moved beside the positions
        (a batch of one is instance norm: no transpose)."""
        if x.rank < 2:
            raise UnsupportedError(f"batch-norm of a rank-{x.rank} tensor is not supported")
        n, c = x.shape[:2]
        if n == 1:
            return self.group_norm(x, c, weight, bias, eps)
        perm = [1, 0] + list(range(2, x.rank))
        t = self.transpose(x, perm)  # C, N, ...
        y = self.group_norm(self.reshape(t, (1, c, math.prod(t.shape[1:]))), c, weight, bias, eps)
        return self.transpose(self.reshape(y, t.shape), perm)

    def local_response_norm(self, x: Value, size: int, alpha: float, beta: float, k: float, before: int) -> Value:
        """Local response normalisation across the channels of NC...: x / (k + alpha / size * s)^beta,
        s the sum of squares over channels [c - before, c - before + size) within the input (torch's
        before = size // 2, ONNX's (size - 1) // 2: they differ for an even size). The channels
        zero-padded, one generic summing the window's squares (a reduction dim over an unread window
        tensor.empty, as the pooling generics have), one element-wise generic."""
        if x.rank < 3 or size < 1:
            raise UnsupportedError(f"local response norm of size {size} on {list(x.shape)}: an N x C x ... input "
                                   "and a positive size are expected")
        lo, hi = [0] * x.rank, [0] * x.rank
        lo[1], hi[1] = before, size - 1 - before
        xp = self.pad(x, lo, hi, 0.0) if size > 1 else x
        dims = [f"d{i}" for i in range(x.rank)]
        j = f"d{x.rank}"
        window = self.empty((size,), "f32")

        def square_sum(b: Body) -> str:
            return b.op(f"arith.addf {b.args[2]}, {b.op(f'arith.mulf {b.args[0]}, {b.args[0]} : f32')} : f32")

        s = self.generic([(xp, [dims[0], f"d1 + {j}"] + dims[2:]), (window, [j])], x.shape, "f32",
                         ["parallel"] * x.rank + ["reduction"], square_sum, init=self.fill(x.shape, 0.0),
                         out_dims=dims)
        scale, shift, power = self.scalar(alpha / size), self.scalar(k), self.scalar(beta)

        def normalise(b: Body) -> str:
            d = b.op(f"arith.addf {b.op(f'arith.mulf {b.args[1]}, {scale} : f32')}, {shift} : f32")
            return b.op(f"arith.divf {b.args[0]}, {b.op(f'math.powf {d}, {power} : f32')} : f32")

        return self.generic([(x, dims), (s, dims)], x.shape, "f32", ["parallel"] * x.rank, normalise)

    def upsample_linear(self, x: Value, scales: Sequence[int]) -> Value:
        """(Bi)linear upsampling of the trailing dims by integer factors, align_corners=False (torch's
        and ONNX's half-pixel rule), one dim at a time. Output k * s + j reads the input
        replicate-padded by one at k + (2j + 1) floordiv s and the next position, weighted by a
        per-phase pair of constants: the edge clamping falls out of the padding."""
        lead = x.rank - len(scales)
        for d, s in enumerate(scales, start=lead):
            if s == 1:
                continue
            low, high = [0] * x.rank, [0] * x.rank
            low[d] = high[d] = 1
            xp = self.pad_from_edges(x, low, high, "replicate")
            first, second = [], []
            for j in range(s):
                t = (2 * j + 1 - s) / (2 * s)  # the source's offset from input k (half-pixel)
                first.append(-t if t < 0 else 1 - t)
                second.append(1 + t if t < 0 else t)
            wa, wb = self.dense(first, "f32"), self.dense(second, "f32")
            n = x.shape[d]
            dims = [f"d{i}" for i in range(x.rank + 1)]  # d{d}: k, d{x.rank}: j
            k, j = dims[d], dims[x.rank]
            at = lambda off: dims[:d] + [f"{k} + ({j} * 2 + 1) floordiv {s}" + off] + dims[d + 1:x.rank]
            shape = list(x.shape) + [s]
            y = self.generic([(xp, at("")), (xp, at(" + 1")), (wa, [j]), (wb, [j])], shape, "f32",
                             ["parallel"] * (x.rank + 1), _weighted_pair, out_dims=dims[:x.rank] + [j])
            # (..., n, ..., s) -> (..., n * s, ...): move the phase next to its position, merge.
            order = list(range(d + 1)) + [x.rank] + list(range(d + 1, x.rank))
            y = self.transpose(y, order)
            out = list(x.shape)
            out[d] = n * s
            x = self.reshape(y, out)
        return x

    def tile(self, x: Value, reps: Sequence[int]) -> Value:
        """x repeated reps[i] times along dim i (torch's repeat, ONNX Tile; more reps than
        dims prepend dims): broadcast along interleaved unit dims, then merge each pair."""
        if len(reps) < x.rank:
            raise UnsupportedError(f"repeat: {len(reps)} counts for a rank-{x.rank} tensor")
        if len(reps) == x.rank and all(r == 1 for r in reps):
            return x
        shape = [1] * (len(reps) - x.rank) + list(x.shape)
        inter = self.reshape(x, [d for size in shape for d in (1, size)])
        tiled = self.broadcast_to(inter, [d for r, size in zip(reps, shape) for d in (r, size)])
        return self.reshape(tiled, [r * size for r, size in zip(reps, shape)])

    def depth_to_space(self, x: Value, r: int, mode: str = "CRD") -> Value:
        """(*, C r r, H, W) -> (*, C, H r, W r) as reshape + transpose + reshape: torch's pixel_shuffle
        and ONNX DepthToSpace in mode CRD (channel c's r x r block is channels c r r ...), or in
        ONNX's default DCR (block offset (i, j) is channels (i r + j) C ...)."""
        if x.rank < 3 or r < 1 or x.shape[-3] % (r * r):
            raise UnsupportedError(f"depth to space by {r} of shape {list(x.shape)}: the channels must divide "
                                   f"into {r}x{r} blocks")
        k, lead = x.rank - 3, list(x.shape[:-3])
        c, h, w = x.shape[-3] // (r * r), x.shape[-2], x.shape[-1]
        if mode == "CRD":  # (c, i, j, h, w) -> (c, h, i, w, j)
            y, perm = self.reshape(x, lead + [c, r, r, h, w]), [k, k + 3, k + 1, k + 4, k + 2]
        else:  # DCR: (i, j, c, h, w) -> (c, h, i, w, j)
            y, perm = self.reshape(x, lead + [r, r, c, h, w]), [k + 2, k + 3, k, k + 4, k + 1]
        y = self.transpose(y, list(range(k)) + perm)
        return self.reshape(y, lead + [c, h * r, w * r])

    def space_to_depth(self, x: Value, r: int, mode: str = "CRD") -> Value:
        """(*, C, H r, W r) -> (*, C r r, H, W), the inverse of depth_to_space: torch's pixel_unshuffle
        (CRD: channel c's r x r block becomes channels c r r ...) or ONNX SpaceToDepth (DCR: block
        offset (i, j) becomes channels (i r + j) C ...)."""
        if x.rank < 3 or r < 1 or x.shape[-2] % r or x.shape[-1] % r:
            raise UnsupportedError(f"space to depth by {r} of shape {list(x.shape)}: the height and width "
                                   f"must divide by {r}")
        k, lead = x.rank - 3, list(x.shape[:-3])
        c, h, w = x.shape[-3], x.shape[-2] // r, x.shape[-1] // r
        y = self.reshape(x, lead + [c, h, r, w, r])  # (c, h, i, w, j)
        perm = [k, k + 2, k + 4, k + 1, k + 3] if mode == "CRD" else [k + 2, k + 4, k, k + 1, k + 3]
        y = self.transpose(y, list(range(k)) + perm)
        return self.reshape(y, lead + [c * r * r, h, w])

    def cumsum(self, x: Value, dim: int, exclusive: bool = False, reverse: bool = False) -> Value:
        """Cumulative sum along `dim` (f32 or i64): one linalg.generic with an extra reduction dim j
        over `dim`'s positions; output i adds input j where j <= i (j < i when `exclusive`; j >= i,
        j > i when `reverse`: ONNX CumSum's attributes), compared on linalg.index values."""
        if x.dtype not in ("f32", "i64"):
            raise UnsupportedError(f"cumsum of {x.dtype} tensors is not supported (f32 or i64)")
        dim, n = dim % x.rank, x.rank
        pred = {(False, False): "ule", (True, False): "ult", (False, True): "uge", (True, True): "ugt"}[
            (bool(exclusive), bool(reverse))]
        dt, add = x.dtype, "arith.addf" if x.dtype == "f32" else "arith.addi"
        zero = self.scalar(0.0 if dt == "f32" else 0, dt)
        src = [f"d{n}" if i == dim else f"d{i}" for i in range(n)]

        def body(b: Body) -> str:
            j = b.op(f"linalg.index {n} : index")
            i = b.op(f"linalg.index {dim} : index")
            take = b.op(f"arith.cmpi {pred}, {j}, {i} : index")
            v = b.op(f"arith.select {take}, {b.args[0]}, {zero} : {dt}")
            return b.op(f"{add} {b.args[1]}, {v} : {dt}")

        return self.generic([(x, src)], x.shape, dt, ["parallel"] * n + ["reduction"], body,
                            init=self.fill(x.shape, 0.0 if dt == "f32" else 0, dt),
                            out_dims=[f"d{i}" for i in range(n)])

    def complex_mul(self, a: Value, b: Value) -> Value:
        """Product of two complex tensors held as real ones with a trailing dim of 2 (real, imag),
        broadcasting their complex shapes: (ac - bd, ad + bc), one element-wise generic over the
        complex shape and the pair dim that reads both parts of each operand and picks a part by
        the pair index."""
        if a.dtype != "f32" or b.dtype != "f32" or a.shape[-1:] != (2,) or b.shape[-1:] != (2,):
            raise UnsupportedError(f"complex product of {list(a.shape)} and {list(b.shape)}: expected f32 pairs")
        out = self.broadcast_shape(a.shape[:-1], b.shape[:-1])
        n = len(out)
        part = lambda x, k: self._bcast_map(x.shape[:-1], out) + [str(k)]
        ins = [(a, part(a, 0)), (a, part(a, 1)), (b, part(b, 0)), (b, part(b, 1))]

        def body(bb: Body) -> str:
            ar, ai, br, bi = bb.args[:4]
            re = bb.op(f"arith.subf {bb.op(f'arith.mulf {ar}, {br} : f32')}, "
                       f"{bb.op(f'arith.mulf {ai}, {bi} : f32')} : f32")
            im = bb.op(f"arith.addf {bb.op(f'arith.mulf {ar}, {bi} : f32')}, "
                       f"{bb.op(f'arith.mulf {ai}, {br} : f32')} : f32")
            k = bb.op(f"linalg.index {n} : index")
            first = bb.op(f"arith.cmpi eq, {k}, {bb.op('arith.constant 0 : index')} : index")
            return bb.op(f"arith.select {first}, {re}, {im} : f32")

        return self.generic(ins, out + (2,), "f32", ["parallel"] * (n + 1), body)

    def upsample_nearest(self, x: Value, scales: Sequence[int]) -> Value:
        """Nearest-neighbour upsampling of the trailing dims by integer factors: output
        position i reads input position i floordiv s (torch's and ONNX's nearest for an
        integer factor)."""
        lead = x.rank - len(scales)
        return self.resize(x, [None] * lead + [None if s == 1 else (d * s, 1, 0, s)
                                               for d, s in zip(x.shape[lead:], scales)], "nearest")

    def resize(self, x: Value, specs: Sequence, mode: str) -> Value:
        """Resampling by any ratio: specs[i] is None (dim i kept) or (out, a, b, c), output position
        d of dim i being at source position (d a + b) / c (source_position() gives them for each
        coordinate rule). "nearest" reads the source position's floor: one generic whose input
        map is `(d a + b) floordiv c` per dim. "linear" interpolates between the floor and the next
        position, one dim at a time: a generic reading both through such maps, weighted by
        constant vectors of the output positions' fractions (1 - f, f). Positions outside the input
        read its edge (it is replicate-padded as far as they reach), which is torch's clamping
        and ONNX's rule."""
        if mode not in ("nearest", "linear"):
            raise UnsupportedError(f"resize mode '{mode}' is not supported (nearest, linear)")
        specs = [None if sp is None else tuple(int(v) for v in sp) for sp in specs]
        if len(specs) != x.rank or any(sp is not None and (sp[0] < 1 or sp[3] < 1) for sp in specs):
            raise UnsupportedError(f"resize of {list(x.shape)} with {specs}")
        dims = [f"d{i}" for i in range(x.rank)]
        linear = mode == "linear"

        def padded(y, i, sp):
            """y replicate-padded along dim i as far as dim i's source positions (and, linear, the next ones)
            reach past its edges; the pad in front."""
            out, a, b, c = sp
            first, last = (b // c, ((out - 1) * a + b) // c) if a >= 0 else (((out - 1) * a + b) // c, b // c)
            lo, hi = [0] * y.rank, [0] * y.rank
            lo[i], hi[i] = max(0, -first), max(0, last + int(linear) - (y.shape[i] - 1))
            return (self.pad_from_edges(y, lo, hi, "replicate") if lo[i] or hi[i] else y), lo[i]

        if not linear:
            src, shape = list(dims), list(x.shape)
            for i, sp in enumerate(specs):
                if sp is not None:
                    x, lo = padded(x, i, sp)
                    src[i], shape[i] = _floor_expr(dims[i], sp[1], sp[2] + lo * sp[3], sp[3]), sp[0]
            return self.generic([(x, src)], shape, x.dtype, ["parallel"] * x.rank, lambda b: b.args[0])
        if x.dtype != "f32":
            raise UnsupportedError(f"linear resizing of {x.dtype} tensors is not supported (f32 only)")
        for i, sp in enumerate(specs):
            if sp is None:
                continue
            out, a, b, c = sp
            xp, lo = padded(x, i, sp)
            frac = [((d * a + b) % c) / c for d in range(out)]
            w0, w1 = self.dense([1.0 - f for f in frac], "f32"), self.dense(frac, "f32")
            at = lambda off: dims[:i] + [_floor_expr(dims[i], a, b + (lo + off) * c, c)] + dims[i + 1:]
            shape = list(x.shape)
            shape[i] = out
            x = self.generic([(xp, at(0)), (xp, at(1)), (w0, [dims[i]]), (w1, [dims[i]])], shape, "f32",
                             ["parallel"] * x.rank, _weighted_pair)
        return x

    def conv_transpose(self, x: Value, w: Value, bias: Value | None, stride, pads, output_padding, dilation,
                       groups: int = 1) -> Value:
        """NCHW or NCDHW transposed convolution (weight C_in x C_out/groups x K...) as torch-mlir lowers
        it: the input spread out by the stride (tensor.insert_slice into zeros), padded by what the kernel
        overhangs, and a stride-1 convolution (grouped as the transposed one is) with the weight flipped
        and its channels swapped within each group; pads = the low pads then the high ones per spatial
        dim (torch's padding twice; ONNX's pads)."""
        sp = x.rank - 2
        if sp not in (2, 3) or w.rank != x.rank:
            raise UnsupportedError(f"transposed conv: input {list(x.shape)} with weight {list(w.shape)}: only 1-D, "
                                   "2-D and 3-D transposed convolution is supported")
        n, c, *size = x.shape
        ci, fo, *k = w.shape
        if ci != c or c % groups:
            raise UnsupportedError(f"transposed conv: {c} input channels, weight {list(w.shape)}, groups={groups} "
                                   "are inconsistent")
        reach = [dilation[i] * (k[i] - 1) for i in range(sp)]
        low = [reach[i] - pads[i] for i in range(sp)]
        high = [reach[i] - pads[sp + i] + output_padding[i] for i in range(sp)]
        if min(low + high) < 0:
            raise UnsupportedError(f"transposed conv: padding {list(pads[:sp])} beyond the kernel's reach is not "
                                   "supported")
        if any(s > 1 for s in stride):
            spread = (n, c) + tuple((size[i] - 1) * stride[i] + 1 for i in range(sp))
            zeros = self.fill(spread, 0.0)
            v = Value(self._fresh(), spread, "f32")
            self._emit(f"{v.name} = tensor.insert_slice {x.name} into {zeros.name}[{_ints([0] * x.rank)}] "
                       f"[{_ints(x.shape)}] [1, 1, {_ints(stride)}] : {x.type} into {v.type}")
            x = v
        cg = c // groups
        group = "d0" if fo == 1 else f"(d0 floordiv {fo})"
        channels = (["d1", "d0"] if groups == 1 else
                    [f"{group} * {cg} + d1" if cg > 1 else f"{group} + d1", "0" if fo == 1 else f"d0 mod {fo}"])
        flipped = self.generic([(w, channels + [f"{k[i] - 1} - d{2 + i}" for i in range(sp)])],
                               (fo * groups, cg, *k), "f32", ["parallel"] * w.rank, lambda b: b.args[0])
        return self.conv(x, flipped, bias, (1,) * sp, low + high, tuple(dilation), groups)

    def conv_transpose2d(self, x: Value, w: Value, bias: Value | None, stride, padding, output_padding,
                         dilation, groups: int = 1) -> Value:
        """NCHW transposed convolution with torch's symmetric padding (conv_transpose)."""
        return self.conv_transpose(x, w, bias, stride, tuple(padding) * 2, output_padding, dilation, groups)

    def conv_transpose1d(self, x: Value, w: Value, bias: Value | None, stride: int, pads, output_padding: int,
                         dilation: int, groups: int = 1) -> Value:
        """NCL transposed convolution as the 2-D one over a height of 1 (as conv1d); pads = (left, right)."""
        ci, fo, k = w.shape
        return self._height_one(x, lambda x2: self.conv_transpose(
            x2, self.expand(w, [[0], [1], [2, 3]], [ci, fo, 1, k]), bias, (1, stride), (0, pads[0], 0, pads[1]),
            (0, output_padding), (1, dilation), groups))

    def _pool_geometry(self, x, kernel, stride, pads, dilation, ceil_mode):
        """Output shape and the extra high padding ceil_mode's last windows need; pads as conv's."""
        sp = x.rank - 2
        if sp not in (2, 3) or len(kernel) != sp:
            raise UnsupportedError(f"{len(kernel)}-D pooling of a rank-{x.rank} input is not supported (batched 1-D, "
                                   "2-D and 3-D pooling)")
        outs, extra = [], []
        for i in range(sp):
            size, k, s, d, lo, hi = x.shape[2 + i], kernel[i], stride[i], dilation[i], pads[i], pads[sp + i]
            span = size + lo + hi - d * (k - 1) - 1
            o = span // s + 1
            if ceil_mode:
                o = -(-span // s) + 1
                if (o - 1) * s >= size + lo:  # torch/ONNX: last window must start inside
                    o -= 1
            need = (o - 1) * s + d * (k - 1) + 1 - (size + lo + hi)
            outs.append(o)
            extra.append(max(need, 0))
        return tuple(x.shape[:2]) + tuple(outs), extra

    def max_pool(self, x: Value, kernel, stride, pads, dilation=None, ceil_mode=False, unsigned=False) -> Value:
        """tensor.pad with -inf + linalg.pooling_nchw_max (2-D; 1-D over a height of 1) or its NCDHW
        generic (3-D). On i8 (quantized values, which only move) the padding is the type's least
        value and the order signed, or with `unsigned` (UINT8) unsigned, which linalg's NCHW op
        lacks: that one is the generic form."""
        sp = x.rank - 2
        dilation = dilation or (1,) * sp
        if sp == 1 == len(kernel):
            return self._height_one(x, lambda y: self.max_pool(y, (1, *kernel), (1, *stride), (0, pads[0], 0, pads[1]),
                                                               (1, *dilation), ceil_mode, unsigned))
        out, extra = self._pool_geometry(x, kernel, stride, pads, dilation, ceil_mode)
        least = float("-inf") if x.dtype == "f32" else 0 if unsigned else -2 ** (int(x.dtype[1:]) - 1)
        if any(pads) or any(extra):
            x = self.pad(x, [0, 0] + list(pads[:sp]), [0, 0] + [h + e for h, e in zip(pads[sp:], extra)], least)
        init = self.fill(out, least, x.dtype)
        return self._pool("max", x, init, kernel, stride, dilation, unsigned)

    def _pool(self, kind, x, init, kernel, stride, dilation, unsigned=False) -> Value:
        """linalg.pooling_nchw_{max,sum}; in 3-D, where linalg has no NCDHW pooling op, and for an
        unsigned max, the same loops as a linalg.generic (the window's shape an unread tensor.empty
        operand, as in the named ops, so it still matches the convolution interface)."""
        k = self.empty(tuple(kernel), "f32")
        sp = x.rank - 2
        if sp == 3 or unsigned:
            o, r = [f"d{2 + i}" for i in range(sp)], [f"d{2 + sp + i}" for i in range(sp)]
            op = {"f32": {"max": "arith.maximumf", "sum": "arith.addf"}}.get(
                x.dtype, {"max": "arith.maxui" if unsigned else "arith.maxsi", "sum": "arith.addi"})[kind]
            return self.generic([(x, ["d0", "d1"] + _windows(o, r, stride, dilation)), (k, r)], init.shape, x.dtype,
                                ["parallel"] * (2 + sp) + ["reduction"] * sp,
                                lambda b: b.op(f"{op} {b.args[0]}, {b.args[2]} : {x.dtype}"), init=init,
                                out_dims=["d0", "d1"] + o)
        v = Value(self._fresh(), init.shape, x.dtype)
        attrs = f"{{dilations = {_i64_vector(dilation)}, strides = {_i64_vector(stride)}}}"
        self._emit(f"{v.name} = linalg.pooling_nchw_{kind} {attrs} ins({x.name}, {k.name} : {x.type}, {k.type}) outs({init.name} : {init.type}) -> {v.type}")
        return v

    def avg_pool(self, x: Value, kernel, stride, pads=None, ceil_mode=False, count_include_pad=True,
                 divisor=None) -> Value:
        """The sum pooling of max_pool's form (zero padding) + a divide: by `divisor` if given (torch's
        divisor_override), else by the number of window positions that count, torch's and ONNX's rule:
        the input's, plus the padding's with count_include_pad, never ceil_mode's overhang past the
        padding. Where that differs between windows, the dividing generic computes it from linalg.index
        (per dim min(o s - lo + k, end) - max(o s - lo, start)), so it is no weight."""
        sp = x.rank - 2
        pads = pads or (0,) * (2 * sp)
        if sp == 1 == len(kernel):
            return self._height_one(x, lambda y: self.avg_pool(y, (1, *kernel), (1, *stride), (0, pads[0], 0, pads[1]),
                                                               ceil_mode, count_include_pad, divisor))
        out, extra = self._pool_geometry(x, kernel, stride, pads, (1,) * sp, ceil_mode)
        size = x.shape[2:]
        if any(pads) or any(extra):
            x = self.pad(x, [0, 0] + list(pads[:sp]), [0, 0] + [h + e for h, e in zip(pads[sp:], extra)], 0.0)
        init = self.fill(out, 0.0)
        s = self._pool("sum", x, init, kernel, stride, (1,) * sp)
        if divisor:
            return self.binary("div", s, float(divisor))
        varying, fixed = [], 1
        for j in range(sp):
            k, st, lo = kernel[j], stride[j], pads[j]
            first, end = (-lo, size[j] + pads[sp + j]) if count_include_pad else (0, size[j])
            counts = {min(o * st - lo + k, end) - max(o * st - lo, first) for o in range(out[2 + j])}
            if len(counts) == 1:
                fixed *= counts.pop()
            else:
                varying.append((j, k, st, lo, first, end))
        if not varying:
            return self.binary("div", s, float(fixed))
        c = lambda v: self.scalar(v, "index")
        consts = [(c(st), c(k - lo), c(end), c(-lo), c(first)) for _, k, st, lo, first, end in varying]
        scale = self.scalar(float(fixed)) if fixed != 1 else None

        def divide(b: Body) -> str:
            count = None
            for (j, *_), (st, k_lo, end, neg_lo, first) in zip(varying, consts):
                at = b.op(f"arith.muli {b.op(f'linalg.index {2 + j} : index')}, {st} : index")
                hi = b.op(f"arith.minsi {b.op(f'arith.addi {at}, {k_lo} : index')}, {end} : index")
                lo = b.op(f"arith.maxsi {b.op(f'arith.addi {at}, {neg_lo} : index')}, {first} : index")
                n = b.op(f"arith.subi {hi}, {lo} : index")
                count = n if count is None else b.op(f"arith.muli {count}, {n} : index")
            f = b.op(f"arith.sitofp {b.op(f'arith.index_cast {count} : index to i64')} : i64 to f32")
            if scale is not None:
                f = b.op(f"arith.mulf {f}, {scale} : f32")
            return b.op(f"arith.divf {b.args[0]}, {f} : f32")

        dims = [f"d{i}" for i in range(2 + sp)]
        return self.generic([(s, dims)], out, "f32", ["parallel"] * (2 + sp), divide)

    def adaptive_avg_pool(self, x: Value, out_size) -> Value:
        """torch's adaptive average pooling (see adaptive_pool)."""
        return self.adaptive_pool(x, out_size, "avg")

    def adaptive_max_pool(self, x: Value, out_size) -> Value:
        """torch's adaptive max pooling, values only (see adaptive_pool)."""
        return self.adaptive_pool(x, out_size, "max")

    def adaptive_pool(self, x: Value, out_size, kind: str) -> Value:
        """Adaptive pooling of NC + 1 to 3 spatial dims: output i of a dim of size n pooled to m
        reads the window [floor(i n / m), ceil((i + 1) n / m)). Windows of one length at a
        constant stride in every dim (sizes that divide, 8 -> 7, 7 -> 3) are avg_pool / max_pool
        with that kernel and stride (a single window: stride = kernel); others are
        _adaptive_generic."""
        size = tuple(x.shape[2:])
        out_size = tuple(int(o) for o in out_size)
        if len(out_size) != len(size) or not 1 <= len(size) <= 3 or min(out_size) < 1:
            raise UnsupportedError(f"adaptive {kind} pooling of {list(x.shape)} to {list(out_size)}")
        windows = [_adaptive_windows(n, m) for n, m in zip(size, out_size)]
        kernel, stride = [], []
        for starts, lens in windows:
            steps = {b - a for a, b in zip(starts, starts[1:])} or {lens[0]}
            # Windows that repeat (a size-1 dim pooled to 3: stride 0) are no pooling op's.
            if len(set(lens)) > 1 or len(steps) > 1 or 0 in steps:
                return self._adaptive_generic(x, out_size, windows, kind)
            kernel.append(lens[0])
            stride.append(steps.pop())
        if kind == "avg":
            return self.avg_pool(x, tuple(kernel), tuple(stride))
        return self.max_pool(x, tuple(kernel), tuple(stride), (0,) * (2 * len(size)))

    def _adaptive_generic(self, x: Value, out_size, windows, kind: str) -> Value:
        """Adaptive pooling with windows of different lengths or starts: one linalg.generic over
        (n, c, o..., k...) (k reduction, over the longest window) reading the input at
        `(o * n) floordiv m + k`, a tensor.empty of the window shape as an unread operand (as the
        pooling ops have); in a dim whose windows differ in length, a constant i64 vector of the
        lengths (indexed by o) masks k >= length (0 or -inf added instead; the input is padded
        where the longest window would read past the end). The average divides by each window's
        own element count (the length vectors again, cast to f32)."""
        sp, size = len(out_size), tuple(x.shape[2:])
        o = [f"d{2 + j}" for j in range(sp)]
        k = [f"d{2 + sp + j}" for j in range(sp)]
        longest = tuple(max(lens) for _, lens in windows)
        past = [starts[-1] + kl - n for (starts, _), kl, n in zip(windows, longest, size)]
        neutral = 0.0 if kind == "avg" else float("-inf")
        if any(p > 0 for p in past):
            x = self.pad(x, [0] * x.rank, [0, 0] + [max(p, 0) for p in past], neutral)
        reads = ["d0", "d1"] + [f"{_floor_expr(oj, n, 0, m)} + {kj}" for oj, kj, n, m in zip(o, k, size, out_size)]
        vectors: dict[tuple, Value] = {}
        masked = []  # (dim, lengths vector)
        for j, (_, lens) in enumerate(windows):
            if len(set(lens)) > 1:
                if tuple(lens) not in vectors:
                    vectors[tuple(lens)] = self.dense(lens, "i64")
                masked.append((j, vectors[tuple(lens)]))
        window = self.empty(longest, "f32")
        out = tuple(x.shape[:2]) + out_size
        init = self.fill(out, neutral)
        fill_in = self.scalar(neutral)

        def body(b: Body) -> str:
            valid = None
            for i, (j, _) in enumerate(masked):
                kk = b.op(f"arith.index_cast {b.op(f'linalg.index {2 + sp + j} : index')} : index to i64")
                ok = b.op(f"arith.cmpi slt, {kk}, {b.args[2 + i]} : i64")
                valid = ok if valid is None else b.op(f"arith.andi {valid}, {ok} : i1")
            v = b.args[0] if valid is None else b.op(f"arith.select {valid}, {b.args[0]}, {fill_in} : f32")
            op = "arith.addf" if kind == "avg" else "arith.maximumf"
            return b.op(f"{op} {b.args[-1]}, {v} : f32")

        pooled = self.generic([(x, reads), (window, k)] + [(vec, [o[j]]) for j, vec in masked], out, "f32",
                              ["parallel"] * (2 + sp) + ["reduction"] * sp, body, init=init,
                              out_dims=["d0", "d1"] + o)
        if kind == "max":
            return pooled
        fixed = float(math.prod(longest[j] for j in range(sp) if j not in {m for m, _ in masked}))
        if not masked:
            return self.binary("div", pooled, fixed)
        dims = [f"d{i}" for i in range(2 + sp)]
        scale = self.scalar(fixed) if fixed != 1.0 else None

        def divide(b: Body) -> str:
            count = None
            for i in range(len(masked)):
                f = b.op(f"arith.sitofp {b.args[1 + i]} : i64 to f32")
                count = f if count is None else b.op(f"arith.mulf {count}, {f} : f32")
            if scale is not None:
                count = b.op(f"arith.mulf {count}, {scale} : f32")
            return b.op(f"arith.divf {b.args[0]}, {count} : f32")

        return self.generic([(pooled, dims)] + [(vec, [dims[2 + j]]) for j, vec in masked], out, "f32",
                            ["parallel"] * (2 + sp), divide)

    # -- matmul family ------------------------------------------------------
    @staticmethod
    def _product_dtype(what: str, a: Value, b: Value) -> str:
        """The element type of a matmul / conv of a and b: both f32, or both i32."""
        if a.dtype != b.dtype or a.dtype not in ("f32", "i32"):
            raise UnsupportedError(f"{what} of {a.dtype} and {b.dtype} tensors is not supported (f32, or i32 "
                                   "for integer products)")
        return a.dtype

    def matmul(self, a: Value, b: Value) -> Value:
        """torch.matmul semantics for static shapes.

        2-D x 2-D -> linalg.matmul; N-D x 2-D -> collapse leading dims,
        linalg.matmul, expand; N-D x N-D -> broadcast the batch dims (a
        linalg.generic copy where one operand lacks them), collapse them,
        linalg.batch_matmul, expand.  A 1-D operand is a row (left) or column
        (right) whose unit dim is dropped from the result: 1-D x 1-D is rank 0. f32, or i32
        operands accumulating in i32 (ONNX's MatMulInteger, its zero points already subtracted).
        """
        dt = self._product_dtype("matmul", a, b)
        if a.rank == 0 or b.rank == 0:
            raise UnsupportedError("matmul of a rank-0 tensor is not defined")
        if a.rank == 1 or b.rank == 1:
            a2 = self.reshape(a, (1, a.shape[0])) if a.rank == 1 else a
            b2 = self.reshape(b, (b.shape[0], 1)) if b.rank == 1 else b
            r = self.matmul(a2, b2)
            drop = ({r.rank - 2} if a.rank == 1 else set()) | ({r.rank - 1} if b.rank == 1 else set())
            return self.reshape(r, tuple(d for i, d in enumerate(r.shape) if i not in drop))
        if a.shape[-1] != b.shape[-2]:
            raise UnsupportedError(f"matmul: shapes {list(a.shape)} and {list(b.shape)} do not contract")
        if b.rank == 2:
            lead = a.shape[:-1]
            a2 = self.reshape(a, (math.prod(lead), a.shape[-1])) if a.rank > 2 else a
            m, k = a2.shape
            nn_ = b.shape[1]
            init = self.fill((m, nn_), 0, dt)
            v = Value(self._fresh(), (m, nn_), dt)
            self._emit(f"{v.name} = linalg.matmul ins({a2.name}, {b.name} : {a2.type}, {b.type}) outs({init.name} : {init.type}) -> {v.type}")
            return self.reshape(v, lead + (nn_,)) if a.rank > 2 else v
        try:
            batch = self.broadcast_shape(a.shape[:-2], b.shape[:-2])
        except UnsupportedError:
            raise UnsupportedError(f"matmul: the batch dims of {list(a.shape)} and {list(b.shape)} do not broadcast") from None
        a = self.broadcast_to(a, batch + a.shape[-2:])
        b = self.broadcast_to(b, batch + b.shape[-2:])
        nb = math.prod(batch)
        a3 = self.reshape(a, (nb,) + a.shape[-2:])
        b3 = self.reshape(b, (nb,) + b.shape[-2:])
        out = (nb, a.shape[-2], b.shape[-1])
        init = self.fill(out, 0, dt)
        v = Value(self._fresh(), out, dt)
        self._emit(f"{v.name} = linalg.batch_matmul ins({a3.name}, {b3.name} : {a3.type}, {b3.type}) outs({init.name} : {init.type}) -> {v.type}")
        return self.reshape(v, batch + out[1:])

    def einsum(self, equation: str, xs: Sequence[Value]) -> Value:
        """One- or two-operand einsum as transposes, sums and one (batch) matmul.

        Indices are classified as batch (both operands and the output),
        contracted (both, not the output), or free (one operand and the
        output); an index of one operand only that the output lacks is summed
        first.  Repeated indices within an operand (diagonals) and broadcast
        batch dims are not supported.
        """
        eq = equation.replace(" ", "")
        if "->" not in eq:
            raise UnsupportedError(f"einsum '{equation}': implicit output is not supported")
        lhs, out = eq.split("->")
        ins = lhs.split(",")
        if len(ins) != len(xs) or len(xs) not in (1, 2):
            raise UnsupportedError(f"einsum '{equation}': {len(xs)} operands (1 or 2 supported)")
        spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in eq]
        if "..." in eq:  # name the ellipsis dims (the widest operand's count)
            n_ell = max(x.rank - (len(t) - 3) for t, x in zip(ins, xs) if "..." in t)
            ell = "".join(spare[:n_ell])
            ins = [t.replace("...", ell[n_ell - (x.rank - (len(t) - 3)):]) if "..." in t else t
                   for t, x in zip(ins, xs)]
            out = out.replace("...", ell)
        sizes = {}
        for t, x in zip(ins, xs):
            if len(set(t)) != len(t):
                raise UnsupportedError(f"einsum '{equation}': operand subscripts '{t}' repeat an index "
                                       "(a diagonal), which is not supported")
            if len(t) != x.rank:
                raise UnsupportedError(f"einsum '{equation}': operand subscripts '{t}' name {len(t)} dimensions, "
                                       f"the operand has {x.rank} (shape {list(x.shape)})")
            for c, d in zip(t, x.shape):
                if sizes.setdefault(c, d) != d:
                    raise UnsupportedError(f"einsum '{equation}': index '{c}' has sizes {sizes[c]} and {d}")
        # Sum away indices that appear in one operand only and not in the output.
        xs = list(xs)
        for i, t in enumerate(ins):
            others = "".join(ins[:i] + ins[i + 1:]) + out
            drop = [k for k, c in enumerate(t) if c not in others]
            if drop:
                xs[i] = self.reduce(xs[i], drop, "sum")
                ins[i] = "".join(c for c in t if c in others)
        if len(xs) == 1:
            return self.transpose(xs[0], [ins[0].index(c) for c in out])
        a, b = ins
        batch = [c for c in a if c in b and c in out]
        contr = [c for c in a if c in b and c not in out]
        left = [c for c in a if c not in b]
        right = [c for c in b if c not in a]
        prod = lambda cs: math.prod(sizes[c] for c in cs)
        at = self.transpose(xs[0], [a.index(c) for c in batch + left + contr])
        bt = self.transpose(xs[1], [b.index(c) for c in batch + contr + right])
        a3 = self.reshape(at, (prod(batch), prod(left), prod(contr)))
        b3 = self.reshape(bt, (prod(batch), prod(contr), prod(right)))
        if not batch:
            a3, b3 = self.reshape(a3, a3.shape[1:]), self.reshape(b3, b3.shape[1:])
        r = self.matmul(a3, b3)
        order = batch + left + right
        r = self.reshape(r, tuple(sizes[c] for c in order))
        return self.transpose(r, [order.index(c) for c in out])

    def linear(self, x: Value, w: Value, bias: Value | None) -> Value:
        """torch.nn.Linear: linalg.transpose of the weight + matmul + bias add."""
        wt = self.transpose(w, [1, 0])
        y = self.matmul(x, wt)
        if bias is not None:
            y = self.binary("add", y, bias)
        return y

    # -- normalisation / reductions -----------------------------------------
    def batch_norm(self, x: Value, mean: Value, var: Value, weight: Value | None, bias: Value | None, eps: float) -> Value:
        """Inference batch-norm as one element-wise generic over channel dim 1."""
        eps_c = self.scalar(eps)
        params = [p for p in (mean, var, weight, bias) if p is not None]
        ins = [(x, [f"d{i}" for i in range(x.rank)])] + [(p, ["d1"]) for p in params]

        def body(b: Body) -> str:
            a = b.args
            t = b.op(f"arith.subf {a[0]}, {a[1]} : f32")
            s = b.op(f"arith.addf {a[2]}, {eps_c} : f32")
            s = b.op(f"math.rsqrt {s} : f32")
            t = b.op(f"arith.mulf {t}, {s} : f32")
            return _scale_and_shift(b, t, a[3:], weight is not None, bias is not None)

        return self.generic(ins, x.shape, "f32", ["parallel"] * x.rank, body)

    def reduce(self, x: Value, dims: Sequence[int], kind: str) -> Value:
        """sum / prod / max / min / mean over `dims` of an f32 tensor; sum / prod / max / min of an i64
        one (token counts: arith.addi, muli, maxsi, minsi), max / min of an i32 one (torch sums int32 as
        int64). The result drops those dims."""
        if x.dtype == "i64" and kind in ("sum", "prod", "max", "min") or x.dtype == "i32" and kind in ("max", "min"):
            dt, bits = x.dtype, int(x.dtype[1:])
            init_value = {"max": -2**(bits - 1), "min": 2**(bits - 1) - 1, "prod": 1}.get(kind, 0)
            op = {"max": "arith.maxsi", "min": "arith.minsi", "prod": "arith.muli"}.get(kind, "arith.addi")
        elif x.dtype == "f32":
            dt = "f32"
            init_value = {"max": float("-inf"), "min": float("inf"), "prod": 1.0}.get(kind, 0.0)
            op = {"max": "arith.maximumf", "min": "arith.minimumf", "prod": "arith.mulf"}.get(kind, "arith.addf")
        else:
            raise UnsupportedError(f"'{kind}' reduction of {x.dtype} tensors is not supported "
                                   "(f32; sum, prod, max and min of i64; max and min of i32)")
        dims = sorted(int(d) % x.rank for d in dims)
        keep = [i for i in range(x.rank) if i not in dims]
        out = tuple(x.shape[i] for i in keep)
        init = self.fill(out, init_value, dt)
        its = ["reduction" if i in dims else "parallel" for i in range(x.rank)]
        r = self.generic([(x, [f"d{i}" for i in range(x.rank)])], out, dt, its,
                         lambda b: b.op(f"{op} {b.args[0]}, {b.args[1]} : {dt}"),
                         init=init, out_dims=[f"d{i}" for i in keep])
        if kind == "mean":
            r = self.binary("div", r, float(math.prod(x.shape[d] for d in dims)))
        return r

    def arg_reduce(self, x: Value, dim: int, kind: str, last: bool = False) -> Value:
        """The i64 index of the maximum (kind "max") or minimum ("min") along `dim`, which the result
        drops (torch.argmax, ONNX ArgMax): one linalg.generic reduction with two outputs, the best value
        so far and its index (linalg.index), replaced where the element is strictly better, so the
        first of equal values wins (`last`: the last one, ONNX's select_last_index). As in torch, NaN
        counts as the maximum and the minimum."""
        if x.dtype not in ("f32", "i64") or kind not in ("max", "min") or x.rank == 0:
            raise UnsupportedError(f"arg{kind} of a {x.dtype} tensor of rank {x.rank} is not supported (f32 or "
                                   "i64, rank >= 1)")
        dim = dim % x.rank
        keep = [f"d{i}" for i in range(x.rank) if i != dim]
        out = tuple(d for i, d in enumerate(x.shape) if i != dim)
        dt = x.dtype
        if dt == "f32":
            start = float("-inf") if kind == "max" else float("inf")
            pred = {("max", False): "ugt", ("max", True): "uge", ("min", False): "ult", ("min", True): "ule"}[
                (kind, last)]
        else:
            start = -2**63 if kind == "max" else 2**63 - 1
            pred = {("max", False): "sgt", ("max", True): "sge", ("min", False): "slt", ("min", True): "sle"}[
                (kind, last)]
        vinit, iinit = self.fill(out, start, dt), self.fill(out, 0, "i64")
        b = Body(["%in", "%out", "%out_0"])
        i = b.op(f"arith.index_cast {b.op(f'linalg.index {dim} : index')} : index to i64")
        if dt == "f32":  # unordered: a NaN element wins, unless a NaN already has (ordered best)
            better = b.op(f"arith.cmpf {pred}, %in, %out : f32")
            better = b.op(f"arith.andi {better}, {b.op('arith.cmpf ord, %out, %out : f32')} : i1")
        else:
            better = b.op(f"arith.cmpi {pred}, %in, %out : i64")
        v = b.op(f"arith.select {better}, %in, %out : {dt}")
        k = b.op(f"arith.select {better}, {i}, %out_0 : i64")
        name = self._fresh()
        maps = [self._map(x.rank, [f"d{j}" for j in range(x.rank)]), self._map(x.rank, keep), self._map(x.rank, keep)]
        its = ", ".join('"reduction"' if j == dim else '"parallel"' for j in range(x.rank))
        values, indices = Value(f"{name}#0", out, dt), Value(f"{name}#1", out, "i64")
        lines = [f"{name}:2 = linalg.generic {{indexing_maps = [{', '.join(maps)}], iterator_types = [{its}]}} "
                 f"ins({x.name} : {x.type}) outs({vinit.name}, {iinit.name} : {vinit.type}, {iinit.type}) {{",
                 f"^bb0(%in: {dt}, %out: {dt}, %out_0: i64):"]
        lines += ["  " + line for line in b.lines]
        lines.append(f"  linalg.yield {v}, {k} : {dt}, i64")
        self._emit("\n".join(lines) + f"\n}} -> ({values.type}, {indices.type})")
        return indices

    def variance(self, x: Value, dims: Sequence[int], correction: float) -> Value:
        """sum((x - mean)^2) / (n - correction) over `dims` (dropped)."""
        dims = sorted(int(d) % x.rank for d in dims)
        keep = [f"d{i}" for i in range(x.rank) if i not in dims]
        mean = self.reduce(x, dims, "mean")

        def body(b: Body) -> str:
            d = b.op(f"arith.subf {b.args[0]}, {b.args[1]} : f32")
            return b.op(f"arith.addf {b.op(f'arith.mulf {d}, {d} : f32')}, {b.args[2]} : f32")

        its = ["reduction" if i in dims else "parallel" for i in range(x.rank)]
        sq = self.generic([(x, [f"d{i}" for i in range(x.rank)]), (mean, keep)], mean.shape, "f32", its, body,
                          init=self.fill(mean.shape, 0.0), out_dims=keep)
        return self.binary("div", sq, float(math.prod(x.shape[d] for d in dims) - correction))

    def pad_from_edges(self, x: Value, low: Sequence[int], high: Sequence[int], mode: str) -> Value:
        """Padding read from the tensor itself: "reflect" mirrors it about its edge (the edge not
        repeated), "replicate" repeats the edge, "circular" wraps around (the low pad is the dim's
        last elements); a concat of slices per padded dim."""
        for d in range(x.rank):
            lo, hi, size = low[d], high[d], x.shape[d]
            if not lo and not hi:
                continue
            if mode == "reflect" and max(lo, hi) >= size:
                raise UnsupportedError(f"reflect padding of {max(lo, hi)} on a dim of size {size}")
            if mode == "circular" and max(lo, hi) > size:
                raise UnsupportedError(f"circular padding of {max(lo, hi)} on a dim of size {size}")

            def piece(start, count):
                offsets, sizes = [0] * x.rank, list(x.shape)
                offsets[d], sizes[d] = start, count
                return self.extract_slice(x, offsets, sizes, [1] * x.rank)

            parts = []
            for count, first in ((lo, True), (hi, False)):
                if not count:
                    part = None
                elif mode == "reflect":
                    part = self.flip(piece(1 if first else size - 1 - count, count), [d])
                elif mode == "circular":
                    part = piece(size - count if first else 0, count)
                else:
                    reps = [1] * x.rank
                    reps[d] = count
                    part = self.tile(piece(0 if first else size - 1, 1), reps)
                parts.append(part)
            x = self.concat([p for p in (parts[0], x, parts[1]) if p is not None], d)
        return x

    def flip(self, x: Value, dims: Sequence[int]) -> Value:
        """x reversed along `dims`: output position i reads size - 1 - i."""
        dims = {int(d) % x.rank for d in dims}
        src = [f"{x.shape[i] - 1} - d{i}" if i in dims else f"d{i}" for i in range(x.rank)]
        return self.generic([(x, src)], x.shape, x.dtype, ["parallel"] * x.rank, lambda b: b.args[0])

    def _with_reduced(self, x: Value, dim: int, r: Value, fn: Callable[[Body, str, str], str]) -> Value:
        """fn(x, r) element-wise, with `r` (x reduced over `dim`) broadcast back along it."""
        all_d = [f"d{i}" for i in range(x.rank)]
        red = [f"d{i}" for i in range(x.rank) if i != dim]
        return self.generic([(x, all_d), (r, red)], x.shape, "f32", ["parallel"] * x.rank,
                            lambda b: fn(b, b.args[0], b.args[1]))

    def softmax(self, x: Value, dim: int) -> Value:
        """torch-mlir's decomposition: max, sub+exp, sum, div (4 generics)."""
        dim = dim % x.rank
        e = self._with_reduced(x, dim, self.reduce(x, [dim], "max"),
                               lambda b, v, m: b.op(f"math.exp {b.op(f'arith.subf {v}, {m} : f32')} : f32"))
        return self._with_reduced(e, dim, self.reduce(e, [dim], "sum"),
                                  lambda b, v, s: b.op(f"arith.divf {v}, {s} : f32"))

    def logsumexp(self, x: Value, dims: Sequence[int]) -> Value:
        """log(sum(exp(x - m))) + m over `dims` (dropped), m the maximum: torch's stable form, an
        infinite m taken as 0 (so a row of -inf gives -inf, not NaN). Over no dims each element
        is its own (ONNX's noop_with_empty_axes)."""
        if x.dtype != "f32":
            raise UnsupportedError(f"logsumexp of {x.dtype} tensors is not supported (f32 only)")
        dims = sorted(int(d) % x.rank for d in dims)
        m = self.reduce(x, dims, "max") if dims else x
        inf, zero = self.scalar(float("inf")), self.scalar(0.0)

        def finite(b, n):
            is_inf = b.op(f"arith.cmpf oeq, {b.op(f'math.absf {n[0]} : f32')}, {inf} : f32")
            return b.op(f"arith.select {is_inf}, {zero}, {n[0]} : f32")

        shift = self.elementwise([m], finite)
        kept = self.reshape(shift, tuple(1 if i in dims else d for i, d in enumerate(x.shape)))
        e = self.elementwise([x, kept], lambda b, n: b.op(
            f"math.exp {b.op(f'arith.subf {n[0]}, {n[1]} : f32')} : f32"))
        return self.binary("add", self.unary("log", self.reduce(e, dims, "sum") if dims else e), shift)

    def triangle(self, x: Value, diagonal: int, upper: bool) -> Value:
        """torch.tril / triu, ONNX Trilu, on the last two dims: element (i, j) kept where
        j - i <= diagonal (lower) or >= diagonal (upper), else 0; one generic comparing
        linalg.index values."""
        if x.rank < 2 or x.dtype not in ("f32", "i64", "i32", "i1"):
            raise UnsupportedError(f"tril / triu of a {x.dtype} tensor of rank {x.rank} is not supported (rank >= 2)")
        zero = self.scalar(0.0 if x.dtype == "f32" else 0, x.dtype)
        k = self.scalar(int(diagonal), "index")
        pred = "sge" if upper else "sle"

        def body(b: Body) -> str:
            i, j = (b.op(f"linalg.index {d} : index") for d in (x.rank - 2, x.rank - 1))
            keep = b.op(f"arith.cmpi {pred}, {b.op(f'arith.subi {j}, {i} : index')}, {k} : index")
            return b.op(f"arith.select {keep}, {b.args[0]}, {zero} : {x.dtype}")

        dims = [f"d{i}" for i in range(x.rank)]
        return self.generic([(x, dims)], x.shape, x.dtype, ["parallel"] * x.rank, body)

    def one_hot(self, ids: Value, depth: int, axis: int, off, on, dtype: str, wrap_negative: bool = False) -> Value:
        """torch's F.one_hot, ONNX OneHot: `on` where the new dim `axis` (of `depth`) equals the id, else
        `off`; one generic comparing linalg.index with the id.  An id outside [0, depth) (after adding
        depth to a negative one when `wrap_negative`, as ONNX does) matches no index."""
        if ids.dtype not in ("i64", "i32") or dtype not in ("f32", "i64", "i32", "i1"):
            raise UnsupportedError(f"one-hot of {ids.dtype} ids into {dtype} values is not supported "
                                   "(i64 or i32 ids; f32, i64, i32 or i1 values)")
        shape = tuple(ids.shape[:axis]) + (depth,) + tuple(ids.shape[axis:])
        hit, miss = self.scalar(on, dtype), self.scalar(off, dtype)
        zero, n = self.scalar(0, ids.dtype), self.scalar(depth, ids.dtype)

        def body(b: Body) -> str:
            k = b.op(f"arith.index_cast {b.op(f'linalg.index {axis} : index')} : index to {ids.dtype}")
            v = b.args[0]
            if wrap_negative:
                neg = b.op(f"arith.cmpi slt, {v}, {zero} : {ids.dtype}")
                v = b.op(f"arith.select {neg}, {b.op(f'arith.addi {v}, {n} : {ids.dtype}')}, {v} : {ids.dtype}")
            same = b.op(f"arith.cmpi eq, {v}, {k} : {ids.dtype}")
            return b.op(f"arith.select {same}, {hit}, {miss} : {dtype}")

        dims = [f"d{i}" for i in range(len(shape))]
        return self.generic([(ids, dims[:axis] + dims[axis + 1:])], shape, dtype, ["parallel"] * len(shape), body)

    def grid_sample(self, x: Value, grid: Value, mode: str, padding: str, align_corners: bool) -> Value:
        """F.grid_sample, ONNX GridSample: output (n, c, i, j) is x[n, c] sampled at the point
        grid[n, i, j] = (x, y) in [-1, 1] (the corners' centres with align_corners, else the
        corners' edges), bilinearly or at the nearest pixel (half to even, as torch); zeros
        padding reads 0 outside the image, border padding clamps the point into it. One
        generic over the output whose body reads x with tensor.extract (captured, as an
        embedding's table), its indices clamped so that every read is in bounds and the
        corners outside weighted by 0."""
        if (x.rank != 4 or grid.rank != 4 or grid.shape[3] != 2 or grid.shape[0] != x.shape[0]
                or x.dtype != "f32" or grid.dtype != "f32"):
            raise UnsupportedError(f"grid_sample of a {x.type} by a grid {grid.type} is not supported (4-D f32 "
                                   "input, N x H x W x 2 f32 grid)")
        if mode not in ("bilinear", "nearest") or padding not in ("zeros", "border"):
            raise UnsupportedError(f"grid_sample with mode '{mode}' and padding_mode '{padding}' is not supported "
                                   "(bilinear or nearest; zeros or border)")
        n, c, h, w = x.shape
        ho, wo = grid.shape[1], grid.shape[2]
        gx = self.extract_slice(grid, [0, 0, 0, 0], [n, ho, wo, 1], [1] * 4, drop_dims=[3])
        gy = self.extract_slice(grid, [0, 0, 0, 1], [n, ho, wo, 1], [1] * 4, drop_dims=[3])
        f = self.scalar
        zero, one, half = f(0.0), f(1.0), f(0.5)

        def body(b: Body) -> str:
            def op(name, *args, ty="f32"):
                return b.op(f"{name} {', '.join(args)} : {ty}")

            def clamp(v, size):
                return op("arith.minimumf", op("arith.maximumf", v, zero), f(size - 1.0))

            def coordinate(g, size):
                t = op("arith.addf", g, one)
                if align_corners:  # ((g + 1) / 2) * (size - 1)
                    t = op("arith.mulf", op("arith.mulf", t, half), f(size - 1.0))
                else:  # ((g + 1) * size - 1) / 2
                    t = op("arith.mulf", op("arith.subf", op("arith.mulf", t, f(float(size))), one), half)
                return clamp(t, size) if padding == "border" else t

            ix, iy = coordinate(b.args[0], w), coordinate(b.args[1], h)
            batch, channel = (b.op(f"linalg.index {d} : index") for d in (0, 1))

            def read(yf, xf):
                """x at the integral point (yf, xf), 0 outside the image."""
                inside, idx = None, []
                for v, size in ((yf, h), (xf, w)):
                    ok = op("arith.andi", b.op(f"arith.cmpf oge, {v}, {zero} : f32"),
                            b.op(f"arith.cmpf ole, {v}, {f(size - 1.0)} : f32"), ty="i1")
                    inside = ok if inside is None else op("arith.andi", inside, ok, ty="i1")
                    whole = b.op(f"arith.fptosi {clamp(v, size)} : f32 to i64")
                    idx.append(b.op(f"arith.index_cast {whole} : i64 to index"))
                v = b.op(f"tensor.extract {x.name}[{batch}, {channel}, {idx[0]}, {idx[1]}] : {x.type}")
                return b.op(f"arith.select {inside}, {v}, {zero} : f32")

            if mode == "nearest":
                return read(op("math.roundeven", iy), op("math.roundeven", ix))
            x0, y0 = op("math.floor", ix), op("math.floor", iy)
            x1, y1 = op("arith.addf", x0, one), op("arith.addf", y0, one)
            wx1, wy1 = op("arith.subf", ix, x0), op("arith.subf", iy, y0)
            wx0, wy0 = op("arith.subf", one, wx1), op("arith.subf", one, wy1)
            total = None
            for yy, wy in ((y0, wy0), (y1, wy1)):
                for xx, wx in ((x0, wx0), (x1, wx1)):
                    term = op("arith.mulf", read(yy, xx), op("arith.mulf", wy, wx))
                    total = term if total is None else op("arith.addf", total, term)
            return total

        return self.generic([(gx, ["d0", "d2", "d3"]), (gy, ["d0", "d2", "d3"])], (n, c, ho, wo), "f32",
                            ["parallel"] * 4, body)

    def log_softmax(self, x: Value, dim: int) -> Value:
        """x - max - log(sum(exp(x - max))): finite where log(softmax) underflows."""
        dim = dim % x.rank
        shifted = self._with_reduced(x, dim, self.reduce(x, [dim], "max"),
                                     lambda b, v, m: b.op(f"arith.subf {v}, {m} : f32"))
        total = self.reduce(self.unary("exp", shifted), [dim], "sum")
        return self._with_reduced(shifted, dim, total,
                                  lambda b, v, t: b.op(f"arith.subf {v}, {b.op(f'math.log {t} : f32')} : f32"))

    def layer_norm(self, x: Value, ndims: int, weight: Value | None, bias: Value | None, eps: float) -> Value:
        """Layer-norm over the last `ndims` dims: sum, variance, normalise."""
        nd = x.rank
        red_dims = list(range(nd - ndims, nd))
        all_d = [f"d{i}" for i in range(nd)]
        outer = [f"d{i}" for i in range(nd - ndims)]
        inner = [f"d{i}" for i in red_dims]
        count = self.scalar(float(math.prod(x.shape[d] for d in red_dims)))
        eps_c = self.scalar(eps)
        s = self.reduce(x, red_dims, "sum")
        outer_shape = s.shape
        its = ["parallel"] * (nd - ndims) + ["reduction"] * ndims

        def var_body(b: Body) -> str:
            mean = b.op(f"arith.divf {b.args[1]}, {count} : f32")
            d = b.op(f"arith.subf {b.args[0]}, {mean} : f32")
            d2 = b.op(f"arith.mulf {d}, {d} : f32")
            return b.op(f"arith.addf {d2}, {b.args[2]} : f32")

        var = self.generic([(x, all_d), (s, outer)], outer_shape, "f32", its, var_body,
                           init=self.fill(outer_shape, 0.0), out_dims=outer)
        ins = [(x, all_d), (s, outer), (var, outer)]
        ins += [(p, inner) for p in (weight, bias) if p is not None]

        def norm_body(b: Body) -> str:
            a = b.args
            mean = b.op(f"arith.divf {a[1]}, {count} : f32")
            v = b.op(f"arith.divf {a[2]}, {count} : f32")
            v = b.op(f"arith.addf {v}, {eps_c} : f32")
            r = b.op(f"math.rsqrt {v} : f32")
            t = b.op(f"arith.subf {a[0]}, {mean} : f32")
            t = b.op(f"arith.mulf {t}, {r} : f32")
            return _scale_and_shift(b, t, a[3:], weight is not None, bias is not None)

        return self.generic(ins, x.shape, "f32", ["parallel"] * nd, norm_body)

    def embedding(self, ids: Value, table: Value, wrap_negative: bool = False) -> Value:
        """Row gather as torch-mlir lowers aten.embedding.

        A linalg.generic over ids.shape + [dim] whose body index_casts the id
        and reads the table with tensor.extract; the table is captured from
        above (not an `ins` operand), exactly as torch-mlir emits it.
        `wrap_negative` reads row id + rows for a negative id (ONNX Gather).
        """
        if ids.dtype not in ("i64", "i32"):
            raise UnsupportedError(f"embedding indices must be integer, got {ids.dtype}")
        if table.rank != 2:
            raise UnsupportedError("embedding table must be 2-D")
        r = ids.rank
        out = ids.shape + (table.shape[1],)

        def body(b: Body) -> str:
            i = b.op(f"arith.index_cast {b.args[0]} : {ids.dtype} to index")
            if wrap_negative:
                zero = b.op("arith.constant 0 : index")
                rows = b.op(f"arith.constant {table.shape[0]} : index")
                negative = b.op(f"arith.cmpi slt, {i}, {zero} : index")
                wrapped = b.op(f"arith.addi {i}, {rows} : index")
                i = b.op(f"arith.select {negative}, {wrapped}, {i} : index")
            j = b.op(f"linalg.index {r} : index")
            return b.op(f"tensor.extract {table.name}[{i}, {j}] : {table.type}")

        return self.generic([(ids, [f"d{i}" for i in range(r)])], out, table.dtype, ["parallel"] * (r + 1), body)

    def take(self, x: Value, dim: int, ids: Value, wrap_negative: bool = False) -> Value:
        """x's slices along `dim` picked by integer `ids` of any rank, whose dims replace `dim`
        (torch.index_select, x[:, ids], ONNX Gather): `dim` moved to the front, the rest flattened
        into rows, an embedding lookup, then the dims put back."""
        if ids.dtype not in ("i64", "i32"):
            raise UnsupportedError(f"indexing with a {ids.dtype} tensor is not supported (integer indices)")
        dim %= max(x.rank, 1)
        xt = self.transpose(x, [dim] + [i for i in range(x.rank) if i != dim]) if dim else x
        rest = list(xt.shape[1:])
        g = self.embedding(ids, self.reshape(xt, [xt.shape[0], math.prod(rest)]), wrap_negative)
        g = self.reshape(g, list(ids.shape) + rest)
        if not dim:
            return g
        k = ids.rank  # ids' dims go where the indexed dim was
        return self.transpose(g, list(range(k, k + dim)) + list(range(k)) + list(range(k + dim, g.rank)))

    def bags(self, rows: Value, starts: Value, ends: Value, kind: str) -> Value:
        """Bag b of the (N, D) rows is rows [starts[b], ends[b]) reduced by `kind` (sum, mean or max;
        an empty bag is 0, as torch's embedding_bag gives): one linalg.generic over (b, d, j), j a
        reduction over all N rows that takes row j where starts[b] <= j < ends[b] (linalg.index
        compared, as cumsum's); the mean divides by max(count, 1)."""
        if rows.rank != 2 or rows.dtype != "f32" or kind not in ("sum", "mean", "max"):
            raise UnsupportedError(f"bags of {rows.dtype} rows of shape {list(rows.shape)} by '{kind}' are not "
                                   "supported (2-D f32 rows; sum, mean or max)")
        if starts.shape != ends.shape or starts.rank != 1 or {starts.dtype, ends.dtype} - {"i64"}:
            raise UnsupportedError(f"bag bounds of shapes {list(starts.shape)} and {list(ends.shape)} (1-D i64)")
        out = (starts.shape[0], rows.shape[1])
        neutral = self.scalar(float("-inf") if kind == "max" else 0.0)
        op = "arith.maximumf" if kind == "max" else "arith.addf"

        def body(b: Body) -> str:
            j = b.op(f"arith.index_cast {b.op('linalg.index 2 : index')} : index to i64")
            inside = b.op(f"arith.andi {b.op(f'arith.cmpi sge, {j}, {b.args[1]} : i64')}, "
                          f"{b.op(f'arith.cmpi slt, {j}, {b.args[2]} : i64')} : i1")
            return b.op(f"{op} {b.args[3]}, {b.op(f'arith.select {inside}, {b.args[0]}, {neutral} : f32')} : f32")

        r = self.generic([(rows, ["d2", "d1"]), (starts, ["d0"]), (ends, ["d0"])], out, "f32",
                         ["parallel", "parallel", "reduction"], body,
                         init=self.fill(out, float("-inf") if kind == "max" else 0.0), out_dims=["d0", "d1"])
        if kind == "sum":
            return r
        one, zero = self.scalar(1, "i64"), self.scalar(0.0)

        def finish(b: Body) -> str:
            count = b.op(f"arith.subi {b.args[2]}, {b.args[1]} : i64")
            if kind == "max":  # an empty bag is 0, not -inf
                empty = b.op(f"arith.cmpi sle, {count}, {b.op('arith.constant 0 : i64')} : i64")
                return b.op(f"arith.select {empty}, {zero}, {b.args[0]} : f32")
            count = b.op(f"arith.sitofp {b.op(f'arith.maxsi {count}, {one} : i64')} : i64 to f32")
            return b.op(f"arith.divf {b.args[0]}, {count} : f32")

        return self.generic([(r, ["d0", "d1"]), (starts, ["d0"]), (ends, ["d0"])], out, "f32",
                            ["parallel", "parallel"], finish)

    def sort(self, x: Value, dim: int, k: int, descending: bool, values: bool = True, indices: bool = False):
        """The first `k` of x's elements along `dim` in sorted order (torch.sort, topk, argsort), as
        (values, i64 indices), each None unless asked for. No sorting network: each element's rank,
        the elements before it (greater, or smaller ascending; equal ones by position, so ties keep
        their order, as a stable sort's), counted by one generic with a reduction over `dim`; then
        output r of a generic reducing over `dim` picks the element of rank r. O(n^2) in the dim's
        size. NaN is ordered as torch orders it: above every number (first descending, last
        ascending) and equal to NaN (NaNs in index order), so the ranks are a permutation."""
        if x.dtype not in ("f32", "i64") or x.rank == 0 or not 1 <= k <= x.shape[dim % x.rank]:
            raise UnsupportedError(f"sorting {k} of a {x.dtype} tensor of shape {list(x.shape)} is not supported "
                                   "(f32 or i64, rank >= 1)")
        dim, n, dt = dim % x.rank, x.rank, x.dtype
        all_d = [f"d{i}" for i in range(n)]
        other = [f"d{n}" if i == dim else f"d{i}" for i in range(n)]

        def ahead_and_equal(b: Body, xj: str, xi: str):
            """Whether xj sorts before xi, and whether they are equal (torch's order: NaN largest)."""
            if dt == "i64":
                return (b.op(f"arith.cmpi {'sgt' if descending else 'slt'}, {xj}, {xi} : i64"),
                        b.op(f"arith.cmpi eq, {xj}, {xi} : i64"))
            # Ordered compares alone are false both ways with a NaN: equal ranks, and ranks nobody holds.
            nan_j, nan_i = (b.op(f"arith.cmpf uno, {v}, {v} : f32") for v in (xj, xi))
            if descending:  # xj > xi, or xj NaN and xi not: ugt is true with either NaN, so xi must be a number
                ahead = b.op(f"arith.andi {b.op(f'arith.cmpf ugt, {xj}, {xi} : f32')}, "
                             f"{b.op(f'arith.cmpf ord, {xi}, {xi} : f32')} : i1")
            else:  # xj < xi, or xi NaN and xj not
                ahead = b.op(f"arith.andi {b.op(f'arith.cmpf ult, {xj}, {xi} : f32')}, "
                             f"{b.op(f'arith.cmpf ord, {xj}, {xj} : f32')} : i1")
            equal = b.op(f"arith.ori {b.op(f'arith.cmpf oeq, {xj}, {xi} : f32')}, "
                         f"{b.op(f'arith.andi {nan_j}, {nan_i} : i1')} : i1")
            return ahead, equal

        def rank(b: Body) -> str:
            j, i = b.op(f"linalg.index {n} : index"), b.op(f"linalg.index {dim} : index")
            ahead, equal = ahead_and_equal(b, b.args[1], b.args[0])
            tie = b.op(f"arith.andi {equal}, {b.op(f'arith.cmpi ult, {j}, {i} : index')} : i1")
            before = b.op(f"arith.extui {b.op(f'arith.ori {ahead}, {tie} : i1')} : i1 to i64")
            return b.op(f"arith.addi {b.args[2]}, {before} : i64")

        ranks = self.generic([(x, all_d), (x, other)], x.shape, "i64", ["parallel"] * n + ["reduction"], rank,
                             init=self.fill(x.shape, 0, "i64"), out_dims=all_d)
        shape = tuple(k if i == dim else d for i, d in enumerate(x.shape))

        def pick(what: str):
            def body(b: Body) -> str:
                r = b.op(f"arith.index_cast {b.op(f'linalg.index {dim} : index')} : index to i64")
                hit = b.op(f"arith.cmpi eq, {b.args[1]}, {r} : i64")
                v = b.args[0] if what == "values" else b.op(
                    f"arith.index_cast {b.op(f'linalg.index {n} : index')} : index to i64")
                return b.op(f"arith.select {hit}, {v}, {b.args[2]} : {dt if what == 'values' else 'i64'}")

            out_dt = dt if what == "values" else "i64"
            return self.generic([(x, other), (ranks, other)], shape, out_dt, ["parallel"] * n + ["reduction"], body,
                                init=self.fill(shape, 0, out_dt), out_dims=all_d)

        return pick("values") if values else None, pick("indices") if indices else None

    def gather(self, x: Value, dim: int, index: Value, wrap_negative: bool = False) -> Value:
        """torch.gather / ONNX GatherElements: out[i...] = x[i...] with dim `dim` replaced by
        index[i...]; index may be smaller than x in the other dims. A linalg.generic over the index's
        shape reading x with tensor.extract (x captured from above, as embedding's table is);
        `wrap_negative` reads index + size for a negative index (ONNX)."""
        if index.dtype not in ("i64", "i32"):
            raise UnsupportedError(f"gather indices must be integer, got {index.dtype}")
        if index.rank != x.rank or any(i > s for k, (i, s) in enumerate(zip(index.shape, x.shape)) if k != dim):
            raise UnsupportedError(f"gather: index of shape {list(index.shape)} for input {list(x.shape)} along dim "
                                   f"{dim} (the same rank, no larger in the other dims)")

        def body(b: Body) -> str:
            i = b.op(f"arith.index_cast {b.args[0]} : {index.dtype} to index")
            if wrap_negative:
                zero = b.op("arith.constant 0 : index")
                size = b.op(f"arith.constant {x.shape[dim]} : index")
                negative = b.op(f"arith.cmpi slt, {i}, {zero} : index")
                i = b.op(f"arith.select {negative}, {b.op(f'arith.addi {i}, {size} : index')}, {i} : index")
            at = [i if k == dim else b.op(f"linalg.index {k} : index") for k in range(x.rank)]
            return b.op(f"tensor.extract {x.name}[{', '.join(at)}] : {x.type}")

        return self.generic([(index, [f"d{k}" for k in range(x.rank)])], index.shape, x.dtype,
                            ["parallel"] * x.rank, body)

    def scatter(self, x: Value, dim: int, index: Value, src, reduce: str | None = None) -> Value:
        """torch.scatter (Tensor.scatter_) of `src` (a tensor at least as large as the index, or a number)
        into x along `dim`: out = x, with out[...index[j]...] = src[j] for each position j of the index
        (reduce 'add': scatter_add, the values summed into x). A linalg.generic over x's positions and
        the index's positions along `dim` (a reduction): where index[..k..] is the position's own
        coordinate in `dim`, src's value replaces (the last such k; torch leaves duplicates
        unspecified) or adds. The index must match x in the other dims (MoE routing's topk indices
        into (tokens, experts))."""
        if index.dtype not in ("i64", "i32"):
            raise UnsupportedError(f"scatter indices must be integer, got {index.dtype}")
        if index.rank != x.rank or any(i != s for k, (i, s) in enumerate(zip(index.shape, x.shape)) if k != dim):
            raise UnsupportedError(f"scatter: an index of shape {list(index.shape)} into {list(x.shape)} along dim "
                                   f"{dim} is not supported (the same shape as the input but in dim {dim})")
        if isinstance(src, Value):
            if src.dtype != x.dtype or src.rank != x.rank or any(s < i for s, i in zip(src.shape, index.shape)):
                raise UnsupportedError(f"scatter of {_described(src)} of shape {list(src.shape)} into {_described(x)} "
                                       f"with an index of shape {list(index.shape)} is not supported (src of x's type, "
                                       "no smaller than the index)")
            if src.shape != index.shape:
                src = self.extract_slice(src, [0] * src.rank, index.shape, [1] * src.rank)
        elif x.dtype != "f32" and not isinstance(src, int):
            raise UnsupportedError(f"scatter of the number {src!r} into {_described(x)} is not supported")
        dt, r = x.dtype, x.rank
        k = f"d{r}"  # the reduction dim: the index's positions along `dim`
        at = [k if i == dim else f"d{i}" for i in range(r)]
        ins = [(index, at)] + ([(src, at)] if isinstance(src, Value) else [])
        value = None if isinstance(src, Value) else self.scalar(src, dt)

        def body(b: Body) -> str:
            here = b.op(f"arith.index_cast {b.op(f'linalg.index {dim} : index')} : index to {index.dtype}")
            hit = b.op(f"arith.cmpi eq, {b.args[0]}, {here} : {index.dtype}")
            v = b.args[1] if value is None else value
            if reduce == "add":
                v = b.op(f"arith.add{'f' if dt == 'f32' else 'i'} %out, {v} : {dt}")
            return b.op(f"arith.select {hit}, {v}, %out : {dt}")

        return self.generic(ins, x.shape, dt, ["parallel"] * r + ["reduction"], body, init=x,
                            out_dims=[f"d{i}" for i in range(r)])

    # -- module -------------------------------------------------------------
    def module(self, func_name: str, args: Sequence[Value], results: Sequence[Value], header: Sequence[str] = ()) -> str:
        """The whole module text: comments, map aliases, one func.func."""
        out = [f"// {one_line(h)}" if h else "//" for h in header]
        out += [f"{alias} = {text}" for text, alias in self._maps.items()]
        sig = ", ".join(f"{a.name}: {a.type}" for a in args)
        rtypes = ", ".join(r.type for r in results)
        if len(results) != 1:
            rtypes = f"({rtypes})"
        out.append("module {")
        out.append(f"  func.func @{symbol_name(func_name)}({sig}) -> {rtypes} {{")
        for text in self._lines:
            for line in text.split("\n"):
                out.append("    " + line)
        out.append(f"    return {', '.join(r.name for r in results)} : {', '.join(r.type for r in results)}")
        out.append("  }")
        out.append("}")
        return "\n".join(out) + "\n"

    def new_arg(self, index: int, shape, dtype) -> Value:
        return Value(f"%arg{index}", tuple(int(d) for d in shape), dtype)
