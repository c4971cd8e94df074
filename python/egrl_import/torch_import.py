# ---------------------------------------------------------------------------
# egrl_import.torch_import — torch.nn.Module -> linalg-on-tensors MLIR.
#
# The module is traced with torch.fx.symbolic_trace, then run once on an
# example input by an fx Interpreter that records every node's result.  The
# recorded results give static shapes (what ShapeProp gives) and also the
# values of non-tensor nodes (x.size(1), x.shape, integer arithmetic on them),
# which become compile-time constants.  Each node is then lowered through
# egrl_import.mlir.Emitter, and its result shape is checked against the
# recorded one: a mismatch is an internal error, never silently wrong IR.
#
# Weights: every parameter / float buffer reached by the graph becomes one
# `arith.constant dense_resource<module_path_name>`; BatchNorm's running
# mean/var are kept, num_batches_tracked never is.  Integer buffers (position
# ids, token-type ids) are index data, not weights: they become inline
# `dense<...>` constants.
# ---------------------------------------------------------------------------
"""Import a PyTorch module through torch.fx into linalg-on-tensors MLIR."""

from __future__ import annotations

import inspect
import math
import operator
from dataclasses import dataclass, field
from typing import Any, Sequence

import torch
import torch.fx as fx
import torch.nn as nn
import torch.nn.functional as F

from .mlir import Emitter, UnsupportedError, Value, first_line, source_position

__all__ = ["import_module", "quantized_part", "script_module", "TorchImportResult"]

_DTYPES = {torch.float32: "f32", torch.int64: "i64", torch.int32: "i32"}
_DTYPES_I1 = {**_DTYPES, torch.bool: "i1"}  # constants may also be boolean masks


@dataclass
class TorchImportResult:
    """The MLIR text plus the numbers models/README.md and tests check."""

    text: str
    parameter_count: int          # sum(p.numel() for p in module.parameters())
    kept_buffer_count: int        # elements of float buffers emitted as weights
    resource_count: int           # number of dense_resource constants
    resource_elements: int        # their total element count
    resources: dict = field(default_factory=dict)  # name -> shape
    route: str = "fx"             # "fx" or "aten" (the route that produced the text)
    fallback_reason: str = ""     # with trace="auto": why torch.fx was not used


@dataclass
class _Const:
    """A compile-time tensor (integer index data) materialised on use."""

    tensor: torch.Tensor


@dataclass(frozen=True)
class _Complex:
    """A run-time complex tensor (torch.view_as_complex of rotary embeddings) held as the real
    tensor `pairs`, its shape plus a trailing dim of 2: (real, imag)."""

    pairs: Value

    @property
    def shape(self) -> tuple:
        return self.pairs.shape[:-1]


# What a complex tensor may go through; anything else is refused naming the op.
_COMPLEX_OPS = ("view_as_complex, view_as_real, complex times complex or real, complex plus or minus complex, "
                "view/reshape")


def _is_complex(v) -> bool:
    """A run-time complex tensor or a complex constant (a folded slice of a torch.polar buffer)."""
    return isinstance(v, _Complex) or isinstance(v, _Const) and v.tensor.is_complex()


class _ScopeTracer(fx.Tracer):
    """symbolic_trace that tags each node with its enclosing module path.

    The path becomes the op's MLIR location (e.g. loc("encoder.layers.0.
    self_attn/matmul")), so reports can name layers.
    """

    def __init__(self):
        super().__init__()
        self.scope: list[tuple[str, str]] = []  # (module path, module type)

    def call_module(self, m, forward, args, kwargs):
        self.scope.append((self.path_of_module(m), type(m).__name__))
        try:
            return super().call_module(m, forward, args, kwargs)
        finally:
            self.scope.pop()

    def create_proxy(self, *args, **kwargs):
        proxy = super().create_proxy(*args, **kwargs)
        if self.scope and "egrl_scope" not in proxy.node.meta:
            proxy.node.meta["egrl_scope"], proxy.node.meta["egrl_scope_type"] = self.scope[-1]
        return proxy


class _Recorder(fx.Interpreter):
    """Runs the graph once and keeps every node's result (shape + consts).
    `written(n)` names the nodes whose memory node `n` writes in place; their
    values just before the write are kept in `before[n]`, since the results
    share memory with what later writes change."""

    def __init__(self, gm, written=None):
        super().__init__(gm)
        self.results: dict[fx.Node, Any] = {}
        self.written = written
        self.before: dict[fx.Node, dict[fx.Node, torch.Tensor]] = {}

    def run_node(self, n):
        if self.written is not None:
            targets = [x for x in self.written(n) if isinstance(self.env.get(x), torch.Tensor)]
            if targets:
                self.before[n] = {x: self.env[x].detach().clone() for x in targets}
        r = super().run_node(n)
        # A module's own tensors keep their identity (one constant each).
        self.results[n] = r if n.op in ("get_attr", "placeholder") else _as_it_was(r)
        return r


def _fx_writes_in_place(gm, node) -> bool:
    """Whether fx node `node` overwrites its first operand (relu_(x), x += y,
    nn.ReLU(inplace=True)). Dropout at inference returns its input: nothing is written."""
    if node.op == "call_module":
        mod = gm.get_submodule(node.target)
        return getattr(mod, "inplace", False) is True and not isinstance(mod, _ALIAS_MODULES)
    if node.op == "call_method":
        return bool(_inplace_name(node.target))
    if node.op == "call_function":
        if node.target in _DROPOUT_FUNCTIONS:
            return False
        name = getattr(node.target, "__name__", "")
        return bool(node.target in _INPLACE_OPERATORS
                    or _inplace_name(name) and node.target not in (operator.and_, operator.or_, operator.not_)
                    or _function_inplace_flag(node.target, node.args, node.kwargs))
    return False


def _eliminate_dead_code(gm) -> None:
    """Drops what no result needs (`_ = self.unused(x)`), which would otherwise be placed and
    take fast memory: nodes nothing reads, last first, except writes in place and calls torch.fx
    marks impure (asserts). torch.fx's own pass would drop writes in place too."""
    for node in reversed(list(gm.graph.nodes)):
        if (node.op in ("call_module", "call_function", "call_method") and not node.users
                and not node.is_impure() and not _fx_writes_in_place(gm, node)):
            gm.graph.erase_node(node)
    gm.recompile()


def _hooked_module(module: nn.Module):
    """A description of the first module with a forward (pre-)hook, which torch.fx
    leaves out of the graph, or None. weight_norm's and spectral_norm's pre-hooks only
    recompute .weight, which the fx route reads after the traced run."""
    from torch.nn.modules import module as module_mod
    from torch.nn.utils.spectral_norm import SpectralNorm
    from torch.nn.utils.weight_norm import WeightNorm
    if getattr(module_mod, "_global_forward_hooks", None) or getattr(module_mod, "_global_forward_pre_hooks", None):
        return "a global module hook (register_module_forward_hook)"
    for name, m in module.named_modules():
        pre = [h for h in m._forward_pre_hooks.values() if not isinstance(h, (WeightNorm, SpectralNorm))]
        if m._forward_hooks or pre:
            return f"module '{name}' ({type(m).__name__})" if name else "the module"
    return None


def _as_it_was(r):
    """`r` as its node left it: an in-place op later in the graph that changes
    a tensor's shape (transpose_, unsqueeze_) must not change the shape this
    node is checked against. A view with the same storage, so values stay shared."""
    if isinstance(r, torch.Tensor) and r.layout == torch.strided:
        return r.as_strided(r.size(), r.stride(), r.storage_offset())
    if isinstance(r, (tuple, list)):
        return type(r)(_as_it_was(x) for x in r) if not hasattr(r, "_fields") else r
    return r


# In-place Python operators (`x += y`); fx records them as calls.
_INPLACE_OPERATORS = (operator.iadd, operator.isub, operator.imul, operator.itruediv, operator.ifloordiv,
                      operator.imod, operator.ipow, operator.iand, operator.ior, operator.ixor, operator.ilshift,
                      operator.irshift, operator.imatmul)
# Nodes whose result may be (a view of) their operand's memory: writing it in
# place would change a tensor the fx route keeps apart.
_ALIAS_METHODS = {"view", "view_as", "reshape", "reshape_as", "flatten", "unflatten", "transpose", "t", "permute",
                  "squeeze", "unsqueeze", "expand", "expand_as", "narrow", "select", "chunk", "split", "unbind",
                  "contiguous", "detach", "to", "type", "type_as", "float", "cpu", "movedim", "swapaxes",
                  "as_strided", "diagonal", "unfold", "__getitem__"}
_ALIAS_FUNCTIONS = (operator.getitem, torch.flatten, torch.reshape, torch.transpose, torch.permute, torch.squeeze,
                    torch.unsqueeze, torch.t, torch.narrow, torch.select, torch.chunk, torch.split, torch.unbind,
                    torch.detach, torch.movedim, torch.swapaxes, torch.diagonal, torch.as_strided)
_ALIAS_MODULES = (nn.Identity, nn.Flatten, nn.Unflatten, nn.modules.dropout._DropoutNd)
_DROPOUT_FUNCTIONS = (F.dropout, F.dropout1d, F.dropout2d, F.dropout3d, F.alpha_dropout, F.feature_alpha_dropout)


def _inplace_name(name: str) -> bool:
    """relu_, add_, transpose_: torch's names for ops that write their first
    operand (a leading underscore marks a private op, not a write)."""
    return name.endswith("_") and not name.startswith("_")


def _function_inplace_flag(fn, args, kwargs) -> bool:
    """F.relu(x, inplace=True) and friends, by keyword or position."""
    try:
        bound = inspect.signature(fn).bind(*args, **kwargs)
    except (TypeError, ValueError):
        return kwargs.get("inplace") is True
    return bound.arguments.get("inplace") is True


def _tensors(r) -> list:
    """The strided tensors in a recorded result (a tensor, or a tuple of them: chunk, split)."""
    if isinstance(r, torch.Tensor):
        return [r] if r.layout == torch.strided else []
    if isinstance(r, (tuple, list)):
        return [t for x in r for t in _tensors(x)]
    return []


def _is_tensorish(r) -> bool:
    if isinstance(r, torch.Tensor):
        return True
    if isinstance(r, (tuple, list)):
        return any(_is_tensorish(x) for x in r)
    return False


# Why an embedding with max_norm is refused on every route (it is not a lookup).
MAX_NORM = ("with max_norm is not supported: torch renormalizes the rows it looks up in the weight itself, in "
            "place, on every call")

# torch's SELU constants (ONNX Selu's alpha and gamma defaults are these in float32).
_SELU = dict(alpha=1.6732632423543772848170429916717, scale=1.0507009873554804934193349852946)


def _ntuple(v, n: int) -> tuple:
    """torch's int-or-sequence window argument as n ints (a one-element list repeats, as ATen's int[n] does)."""
    v = tuple(v) if isinstance(v, (tuple, list)) else (v,)
    return v * n if len(v) == 1 else v


def _arg(args, kwargs, i, name, default=None):
    if len(args) > i:
        return args[i]
    return kwargs.get(name, default)


class _FxImporter:
    def __init__(self, module: nn.Module, inputs: Sequence[torch.Tensor], func_name: str, inline_weights: bool):
        self.module = module
        self.inline_weights = inline_weights
        self.inputs = list(inputs)
        self.func_name = func_name
        self.em = Emitter()
        self.env: dict[fx.Node, Any] = {}
        self.weights: dict[int, Value] = {}          # id(tensor) -> constant
        self.weight_names: dict[int, str] = {}        # id(tensor) -> qualified name
        self.kept_buffers = 0
        self.node: fx.Node | None = None

    # -- errors ---------------------------------------------------------------
    def fail(self, what: str) -> UnsupportedError:
        """An error about the node being lowered, naming it and where in the model it is."""
        n = self.node
        if n is None:
            return UnsupportedError(what)
        e = UnsupportedError(f"{self.where(n)}{_in_module(n)}: {what}")
        e.names_node = True
        return e

    def where(self, n: fx.Node) -> str:
        tgt = n.target if isinstance(n.target, str) else getattr(n.target, "__name__", str(n.target))
        extra = ""
        if n.op == "call_module":
            extra = f" ({type(self.gm.get_submodule(n.target)).__name__})"
        return f"fx node '{n.name}' ({n.op} {tgt}{extra})"

    # -- driver ---------------------------------------------------------------
    def run(self) -> TorchImportResult:
        try:
            return self._run()
        except UnsupportedError as e:
            # An error the emitter raised while lowering a node (adaptive pooling's uneven
            # windows, an op on i64 tensors) names the node too.
            if self.node is None or getattr(e, "names_node", False):
                raise
            raise self.fail(str(e)) from e
        except Exception as e:
            # A lowering bug (a Python error in this importer or the emitter): still one line
            # naming the node, as the ONNX importer gives, and with trace="auto" the aten route
            # tries the module.
            if self.node is None:
                raise
            first = first_line(e)
            raise self.fail(f"internal error: {type(e).__name__}: {first}") from e

    def _run(self) -> TorchImportResult:
        self.module.eval()
        # torch.fx names one placeholder per parameter of forward; with *args it fails deep
        # inside code generation ("code() argument 13 must be str"), so say what it is.
        try:
            params = inspect.signature(self.module.forward).parameters.values()
        except (TypeError, ValueError):
            params = []
        if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in params):
            raise UnsupportedError(f"torch.fx cannot trace {type(self.module).__name__}: its forward(*args) "
                                   "takes a variable number of inputs (the aten route takes them)")
        hooked = _hooked_module(self.module)
        if hooked is not None:
            raise UnsupportedError(f"torch.fx cannot trace {type(self.module).__name__}: {hooked} has a forward "
                                   "hook, which torch.fx leaves out of the graph (the aten route runs it)")
        try:
            tracer = _ScopeTracer()
            graph = tracer.trace(self.module)
            self.gm = fx.GraphModule(tracer.root, graph, type(self.module).__name__)
            _eliminate_dead_code(self.gm)
        except Exception as e:  # fx.proxy.TraceError and friends (torch's TypeErrors list signatures: one line)
            raise UnsupportedError(f"torch.fx cannot trace {type(self.module).__name__}: "
                                   f"{_unpacked(e, tracer) or first_line(e)}") from e
        for node in self.gm.graph.nodes:
            base = node.args[0] if node.args else None
            if isinstance(base, fx.Node) and base.op == "get_attr" and _fx_writes_in_place(self.gm, node):
                # A write with run-time operands (else tracing ran it) into a module tensor or one
                # made while tracing (torch.zeros(3, 4)): what tracing computed from that tensor
                # (a view, m * 2) is a constant of the values before the write, and the recorded
                # run would change the module's tensor.
                self.node = node
                raise self.fail(f"it writes '{base.target}', a tensor of the module or one made while tracing, "
                                "in place; torch.fx does not follow the write (the aten route does: "
                                "--trace=aten)")
        self.node = None
        rec = _Recorder(self.gm)
        try:
            with torch.no_grad():
                # Copies: a write in place into an input (x.mul_(2)) must not reach the caller's tensor.
                rec.run(*[t.clone() for t in self.inputs])
        except Exception as e:
            raise UnsupportedError(f"running {type(self.module).__name__} on the example inputs "
                                   f"{[list(t.shape) for t in self.inputs]} failed: "
                                   f"{first_line(e)}") from e
        self.results = rec.results
        for tensor_name, t in list(self.gm.named_parameters()) + list(self.gm.named_buffers()):
            self.weight_names.setdefault(id(t), tensor_name)

        args, results = [], []
        order = {n: i for i, n in enumerate(self.gm.graph.nodes)}
        data = _from_input_values(self.gm.graph)
        for node in self.gm.graph.nodes:
            self.node = node
            scope = node.meta.get("egrl_scope")
            self.em.loc = node.target if node.op in ("call_module", "get_attr") else (f"{scope}/{node.name}" if scope else node.name)
            if node.op == "placeholder":
                self._input_arg(node, args)
                continue
            if node.op == "output":
                results = self._results(node)
                continue
            rec_val = self.results[node]
            if node.op == "get_attr":
                self.env[node] = self._get_attr(node.target, rec_val)
                continue
            if not _is_tensorish(rec_val):
                # size(), .shape, int arithmetic: a compile-time constant. A Python value read out of a
                # run-time tensor's data (x.max().item(), .tolist()) would be the example input's value
                # as a constant: refused (make_fx refuses it too, so --trace auto fails as a whole).
                if node in data:
                    raise self.fail(_data_read(node, rec_val))
                self.env[node] = rec_val
                continue
            a = self.env_of(node.args)
            kw = self.env_of(node.kwargs)
            if node.op != "call_module" and isinstance(rec_val, torch.Tensor) and not _has_value((a, kw)):
                self.env[node] = self._fold(rec_val)
                continue
            written = self._written_in_place(node, order)
            if node.op == "call_module":
                out = self._module(self.gm.get_submodule(node.target), node.target, a, kw)
            elif node.op == "call_function":
                out = self._function(node.target, a, kw)
            elif node.op == "call_method":
                out = self._method(node.target, a, kw)
            else:
                raise self.fail(f"unexpected fx op '{node.op}'")
            self._check(out, rec_val)
            self.env[node] = out
            if written is not None:
                self.env[written] = out
        self.node = None
        header = [f"Generated by egrl-import (torch.fx) from {type(self.module).__name__}.",
                  "Weights are dense_resource constants without blobs; names follow module paths."]
        text = self.em.module(self.func_name, args, results, header)
        params = sum(p.numel() for p in self.module.parameters())
        res = {k: v[0] for k, v in self.em.resources.items()}
        return TorchImportResult(text, params, self.kept_buffers, len(res),
                                 sum(math.prod(s) for s in res.values()), res)

    def _written_in_place(self, node, order):
        """The node whose tensor `node` overwrites (relu_(x), x += y,
        nn.ReLU(inplace=True)), or None. Its later readers read the result.
        The fx route keeps no aliases, so a write that another tensor could
        see is refused (the aten route, which follows them, takes over with
        --trace=auto): a write to a view or alias, or one whose operand is
        read again after it."""
        base = node.args[0] if node.args else None
        if not _fx_writes_in_place(self.gm, node) or not isinstance(base, fx.Node):
            return None
        what = f"it writes '{base.name}' in place"
        if (base.op == "call_method" and base.target in _ALIAS_METHODS
                or base.op == "call_function" and base.target in _ALIAS_FUNCTIONS
                or base.op == "call_module" and isinstance(self.gm.get_submodule(base.target), _ALIAS_MODULES)):
            raise self.fail(f"{what}, which may share memory with another tensor; torch.fx does not follow that "
                            "(the aten route does: --trace=aten)")
        later = [u for u in base.users if u is not node and order[u] > order[node]]
        if later:
            raise self.fail(f"{what}, and '{later[0].name}' reads it after that; torch.fx does not follow the "
                            "write (the aten route does: --trace=aten)")
        stale = self._view_read_after(base, node, order)
        if stale:
            view, reader = stale
            raise self.fail(f"{what}, and '{reader.name}' reads '{view.name}', a view of it taken before the "
                            "write, after it; torch.fx does not follow the write (the aten route does: "
                            "--trace=aten)")
        return base

    def _view_read_after(self, base, node, order):
        """(view, reader): a view of `base` (x[:, :4], x.t(), x.flatten(), views of views) taken
        before the in-place op `node` that shares base's memory in the recorded run, and a node
        that reads it after the write (a skip sliced off a conv output ahead of
        nn.ReLU(inplace=True)), or None. The fx route would read it as it was before the write."""
        def shares(v) -> bool:
            ptrs = {t.storage().data_ptr() for t in _tensors(self.results.get(v))}
            return bool(ptrs & {t.storage().data_ptr() for t in _tensors(self.results.get(base))} - {0})

        def is_view(u) -> bool:
            return bool((u.op == "call_method" and u.target in _ALIAS_METHODS
                         or u.op == "call_function" and u.target in _ALIAS_FUNCTIONS
                         or u.op == "call_module" and isinstance(self.gm.get_submodule(u.target), _ALIAS_MODULES))
                        and shares(u))  # not a copy (reshape of a non-contiguous tensor, .float() of f64)

        for u in aliases_taken_before([base], node, order, is_view):
            later = [r for r in u.users if order[r] > order[node]]
            if later:
                return u, later[0]
        return None

    def env_of(self, a):
        if isinstance(a, fx.Node):
            return self.env[a]
        if isinstance(a, (tuple, list)):
            return type(a)(self.env_of(x) for x in a)
        if isinstance(a, dict):
            return {k: self.env_of(v) for k, v in a.items()}
        if isinstance(a, slice):
            return slice(self.env_of(a.start), self.env_of(a.stop), self.env_of(a.step))
        return a

    def _input_arg(self, node, args: list) -> None:
        """The function's next argument, for a placeholder fed by an example input."""
        if len(args) >= len(self.inputs):
            # An argument left at its default (forward(x, mask=None)): fx
            # traced it as an input; the aten route runs the real call.
            raise self.fail(f"forward takes more arguments than the {len(self.inputs)} example input(s)")
        t = self.inputs[len(args)]
        if t.dtype not in _DTYPES:
            # A boolean mask: the usual case, with a way around it.
            hint = (" (pass the mask as int64 and turn it into one inside forward with .bool())"
                    if t.dtype == torch.bool else "")
            raise self.fail(f"input dtype {t.dtype} is not supported (float32, int64 and int32 are){hint}")
        v = self.em.new_arg(len(args), t.shape, _DTYPES[t.dtype])
        args.append(v)
        self.env[node] = v

    def _results(self, node) -> list[Value]:
        """The function's results, from the graph's output node."""
        flat = self._flatten_out(self.env_of(node.args[0]))
        if not flat:
            raise self.fail("the module returns no tensor")
        return flat

    def _flatten_out(self, v) -> list[Value]:
        if v is None:  # `return y, None` (HF-style tuples): no result, as torch.onnx.export drops it
            return []
        if isinstance(v, Value):
            return [v]
        if isinstance(v, _Const):
            return [self.value(v)]
        if isinstance(v, _Complex):
            raise self.fail("a complex result is not supported (return torch.view_as_real of it)")
        if isinstance(v, (tuple, list)):
            return [x for e in v for x in self._flatten_out(e)]
        if isinstance(v, dict):
            return [x for k in v for x in self._flatten_out(v[k])]
        raise self.fail(f"unsupported output of type {type(v).__name__}")

    def _check(self, out, rec):
        if isinstance(rec, torch.Tensor) and rec.is_complex():
            if not isinstance(out, _Complex) or out.shape != tuple(rec.shape):
                raise self.fail(f"internal error: lowered {out} != traced complex tensor of shape {list(rec.shape)}")
            return
        if isinstance(rec, torch.Tensor):
            if not isinstance(out, Value):
                raise self.fail("internal error: lowering did not produce a tensor")
            if tuple(out.shape) != tuple(rec.shape):
                raise self.fail(f"internal error: lowered shape {list(out.shape)} != traced shape {list(rec.shape)}")
            if _DTYPES_I1.get(rec.dtype) != out.dtype:
                raise self.fail(f"internal error: lowered dtype {out.dtype} != traced dtype {rec.dtype}")
        elif isinstance(rec, (tuple, list)):
            if not isinstance(out, (tuple, list)) or len(out) != len(rec):
                raise self.fail("internal error: tuple arity mismatch")
            for o, r in zip(out, rec):
                if o is not None:  # results nothing reads (a sort's indices, layer-norm's mean)
                    self._check(o, r)

    # -- constants ------------------------------------------------------------
    def _weight(self, t: torch.Tensor, qualname: str, buffer: bool = False) -> Value:
        """The one dense_resource constant for parameter/buffer `t`."""
        key = id(t)
        if key not in self.weights:
            if t.dtype != torch.float32:
                raise self.fail(f"weight '{qualname}' has dtype {t.dtype} (f32 only)")
            name = self.weight_names.get(key, qualname)
            data = t.detach().numpy() if self.inline_weights else None
            self.weights[key] = self.em.weight(self.em.unique_resource(name), t.shape, data=data)
            if buffer:
                self.kept_buffers += t.numel()
        return self.weights[key]

    def _get_attr(self, target: str, t):
        if not isinstance(t, torch.Tensor):
            return t
        if t.is_floating_point() and target.startswith("_tensor_constant") and t.numel() == 1:
            return _Const(t)  # torch.tensor(-1e9) in forward: a scalar, not a weight
        if t.is_floating_point():
            is_buffer = target in dict(self.gm.named_buffers())
            return self._weight(t, target, buffer=is_buffer)
        return _Const(t)

    def _fold(self, t: torch.Tensor):
        """A tensor computed from constants only (e.g. sliced index buffers)."""
        if t.is_floating_point():
            flat = t.reshape(-1)
            if flat.numel() and bool((flat == flat[0]).all()):
                return _Const(t)
            raise self.fail("a non-splat float tensor computed from constants only is not supported")
        return _Const(t)

    def value(self, v) -> Value:
        """Materialise an operand as an SSA tensor value."""
        if isinstance(v, Value):
            return v
        if isinstance(v, _Const):
            t = v.tensor
            dt = _DTYPES_I1.get(t.dtype)
            if dt is None:
                raise self.fail(f"constant of dtype {t.dtype} is not supported")
            return self.em.dense(t.numpy(), dt)
        if isinstance(v, _Complex):
            raise self.fail(f"complex tensors are not supported by this op (complex: {_COMPLEX_OPS})")
        raise self.fail(f"expected a tensor operand, got {type(v).__name__}")

    def operand(self, v):
        """A tensor Value, or a Python number for scalar operands: an int stays an int (an i64 tensor
        plus an integer stays i64), anything else becomes a float."""
        if isinstance(v, _Const) and v.tensor.numel() == 1 and v.tensor.dim() == 0:
            v = v.tensor.item()
        if isinstance(v, int) and not isinstance(v, bool):
            return v
        if isinstance(v, (float, bool)):
            return float(v)
        return self.value(v)

    def _pairs(self, v) -> Value:
        """A complex operand as its (real, imag) pairs: a run-time one's, or a constant's (the
        complex64 buffer of rotary frequencies, sliced and viewed) as a weight of its own."""
        if isinstance(v, _Complex):
            return v.pairs
        t = v.tensor if isinstance(v, _Const) else None
        if t is None or t.dtype != torch.complex64:
            raise self.fail(f"a complex operand of type {t.dtype if t is not None else type(v).__name__} is not "
                            "supported (complex64 tensors)")
        pairs = torch.view_as_real(t.resolve_conj())
        key = (pairs.storage().data_ptr(), pairs.storage_offset(), tuple(pairs.shape), tuple(pairs.stride()))
        if key not in self.weights:
            data = pairs.numpy() if self.inline_weights else None
            self.weights[key] = self.em.weight(self.em.unique_resource(f"const_{self.node.name}"), pairs.shape,
                                               data=data)
            self.kept_buffers += pairs.numel()
        return self.weights[key]

    def _complex_binary(self, op: str, lhs, rhs) -> _Complex:
        """mul of complex and complex (or real) tensors, add/sub of two complex ones, on (real, imag)
        pairs: the rotary embedding's xq_ * freqs_cis."""
        if op not in ("mul", "add", "sub") or isinstance(lhs, complex) or isinstance(rhs, complex):
            raise self.fail(f"'{op}' of complex tensors is not supported (complex: {_COMPLEX_OPS})")
        if _is_complex(lhs) and _is_complex(rhs):
            a, b = self._pairs(lhs), self._pairs(rhs)
            if op == "mul":
                return _Complex(self.em.complex_mul(a, b))
            return _Complex(self.em.binary(op, a, b))
        if op != "mul":
            raise self.fail(f"'{op}' of a complex and a real operand is not supported (complex: {_COMPLEX_OPS})")
        c, r = (lhs, rhs) if _is_complex(lhs) else (rhs, lhs)
        r = self.operand(r)
        if isinstance(r, Value):  # scales both parts: a trailing unit dim broadcasts over them
            r = self.em.reshape(r, r.shape + (1,))
        return _Complex(self.em.binary("mul", self._pairs(c), r))

    def _view_as_complex(self, x: Value) -> _Complex:
        if x.dtype != "f32" or x.shape[-1:] != (2,):
            raise self.fail(f"view_as_complex of a {x.dtype} tensor of shape {list(x.shape)} (f32, last dim 2)")
        return _Complex(x)

    def _complex_method(self, name: str, a, kw):
        """A tensor method of a run-time complex tensor: views keep the pair dim last."""
        c = a[0]
        if name in ("view", "reshape"):
            shape = a[1] if len(a) == 2 and isinstance(a[1], (tuple, list, torch.Size)) else a[1:]
            return self._reshape(c, shape or kw.get("shape"))
        if name in ("contiguous", "clone", "detach"):
            return c
        raise self.fail(f"tensor method '{name}' of a complex tensor is not supported (complex: {_COMPLEX_OPS})")

    def _cast(self, x: Value, dtype) -> Value:
        """x as torch dtype `dtype` (.float(), .long(), .type_as(other))."""
        if dtype not in _DTYPES_I1:
            raise self.fail(f"casting {x.dtype} to {dtype} is not supported")
        return self.em.cast(x, _DTYPES_I1[dtype])

    def _cumsum(self, x: Value, dim: int, dtype=None) -> Value:
        """torch.cumsum: integers and booleans sum as int64, as torch does."""
        if dtype is not None:
            x = self._cast(x, dtype)
        elif x.dtype == "i1":
            x = self.em.cast(x, "i64")
        return self.em.cumsum(x, dim)

    def _embedding_bag(self, ids: Value, table: Value, offsets, mode, weights=None, include_last_offset=False,
                       padding_idx=None) -> Value:
        """nn.EmbeddingBag / F.embedding_bag / aten._embedding_bag: the rows an embedding reads,
        reduced per bag by `mode` (sum, mean, max; ATen's 0, 1, 2), each first scaled by its
        per-sample weight (sum only, as torch allows). A 2-D input, or offsets that cut the ids
        into equal bags (ATen's form of one), is bags of one length: the rows reshaped and reduced;
        other offsets, run-time or constant, are Emitter.bags."""
        em = self.em
        mode = ("sum", "mean", "max")[mode] if isinstance(mode, int) else mode
        if padding_idx is not None:
            raise self.fail("embedding_bag with padding_idx is not supported")
        if ids.rank not in (1, 2) or ids.rank == 2 and offsets is not None:
            raise self.fail(f"embedding_bag of rank-{ids.rank} indices{' with offsets' if offsets is not None else ''}"
                            " is not supported (1-D with offsets, or 2-D without)")
        rows = em.embedding(ids, table)
        if weights is not None:
            rows = em.binary("mul", rows, em.reshape(self.value(weights), ids.shape + (1,)))
        if ids.rank == 1:
            n = ids.shape[0]
            if isinstance(offsets, _Const) and not include_last_offset:  # equal bags: ATen's 2-D ids
                cuts = [int(o) for o in offsets.tensor.reshape(-1)]
                length = cuts[1] - cuts[0] if len(cuts) > 1 else n
                if length > 0 and n % length == 0 and cuts == list(range(0, n, length)):
                    return em.reduce(em.reshape(rows, (len(cuts), length, table.shape[1])), [1], mode)
            offsets = self.value(offsets)
            offsets = em.cast(offsets, "i64") if offsets.dtype != "i64" else offsets
            b = offsets.shape[0] - 1 if include_last_offset else offsets.shape[0]
            starts = em.extract_slice(offsets, [0], [b], [1])
            if include_last_offset:  # the last offset ends the last bag (torch documents it as the ids' count)
                ends = em.extract_slice(offsets, [1], [b], [1])
            else:  # the last bag ends with the ids
                last = em.dense([n], "i64")
                ends = em.concat([em.extract_slice(offsets, [1], [b - 1], [1]), last], 0) if b > 1 else last
            return em.bags(rows, starts, ends, mode)
        return em.reduce(rows, [1], mode)

    def _read_results(self) -> set:
        """Which results (0, 1, ...) of the node being lowered, a tuple, its users read: by
        getitem, or a named tuple's .values / .indices; any other use reads all."""
        read = set()
        for u in self.node.users:
            if u.target is operator.getitem and isinstance(u.args[1], int):
                read.add(u.args[1] if u.users else None)
            elif u.target is getattr and u.args[1] in ("values", "indices"):
                read.add(("values", "indices").index(u.args[1]))
            else:
                return {0, 1}
        return read

    def _index_select(self, x: Value, dim: int, ids: Value) -> Value:
        """index_select: a 0-d index keeps the dim (size 1), which take() drops, as ONNX Gather does."""
        return self.em.take(x, dim, self.em.reshape(ids, [1]) if ids.rank == 0 else ids)

    def _sort(self, x: Value, dim: int, k=None, descending: bool = False, argsort: bool = False):
        """torch.sort / topk ((values, indices), the first `k`) and argsort (indices), computing
        only the results something reads (Emitter.sort)."""
        dim %= max(x.rank, 1)
        read = {1} if argsort else self._read_results()
        values, indices = self.em.sort(x, dim, x.shape[dim] if k is None else int(k), bool(descending),
                                       0 in read, 1 in read)
        return indices if argsort else (values, indices)

    def _clamp(self, x, lo, hi) -> Value:
        """clamp / clip / clamp_min / clamp_max / hardtanh: number bounds in one generic; a tensor
        bound (run-time or constant, broadcasting as torch does) as element-wise maximum with the
        lower bound, then minimum with the upper one, as torch defines it."""
        x = self.value(x)
        lo = None if lo is None else self.operand(lo)
        hi = None if hi is None else self.operand(hi)
        if not isinstance(lo, Value) and not isinstance(hi, Value):
            if x.dtype != "f32" and any(isinstance(v, float) for v in (lo, hi)):
                x = self.em.cast(x, "f32")  # ids.clamp(min=0.5) is f32, as torch promotes
            return self.em.unary("clamp", x, lo=lo, hi=hi)
        if lo is not None:
            x = self.em.binary("max", x, lo)
        if hi is not None:
            x = self.em.binary("min", x, hi)
        return x

    def _compare(self, pred: str, lhs, rhs) -> Value:
        """A comparison (arith.cmpf predicate) of the operands promoted as torch promotes them: an
        integer tensor with a float number or tensor compares as f32 (ids >= 2.5), a mask with an
        integer as an integer -> i1."""
        return self.em.compare(pred, *self.em.promoted("cmp", self.operand(lhs), self.operand(rhs)))

    def _logical(self, kind: str, operands, bitwise: bool) -> Value:
        """Bitwise ops (&, |, ^, ~: masks, or integer tensors bitwise, promoted as torch does) or
        logical ones (torch.logical_*: each operand as a mask, != 0 -> i1)."""
        xs = [x if isinstance(x, bool) else self.operand(x) for x in operands]  # a bool stays one (mask & True)
        if bitwise:
            return self.em.logical(kind, *self.em.promoted(kind, *xs))
        return self.em.logical(kind, *[self.em.cast(x, "i1") if isinstance(x, Value) else bool(x) for x in xs])

    def _addc(self, op: str, x, t1, t2, value) -> Value:
        """addcmul / addcdiv: x + value * t1 op t2, in torch's order ((value * t1) op t2)."""
        t = self.operand(t1)
        if value != 1:
            t = self._binary("mul", (t, value), {})
        return self._binary("add", (x, self._binary(op, (t, t2), {})), {})

    def _threshold(self, x, threshold, value) -> Value:
        """F.threshold: value where x <= threshold, else x (NaN stays)."""
        x = self.value(x)
        return self.em.select(self._compare("ole", x, threshold), value, x)

    def _trilinear(self, xs, expands, sumdim) -> Value:
        """ATen's _trilinear (F.bilinear's x1^T W x2): each input unsqueezed at its `expands` dims,
        the three multiplied (broadcasting) and summed over `sumdim`; as two einsums."""
        rank = xs[0].rank + len(expands[0])
        letters = "abcdefghijklmnopqrstuvwxyz"[:rank]
        subs = ["".join(c for d, c in enumerate(letters) if d not in e) for e in expands]
        out = "".join(c for d, c in enumerate(letters) if d not in sumdim)
        kept = "".join(c for c in letters if c in subs[0] + subs[1] and c in subs[2] + out)
        y = self.em.einsum(f"{subs[0]},{subs[1]}->{kept}", xs[:2])
        return self.em.einsum(f"{kept},{subs[2]}->{out}", [y, xs[2]])

    def _bilinear(self, x1, x2, w, b) -> Value:
        """F.bilinear / nn.Bilinear: x1^T W x2 (+ b) over the last dims, the leading ones flattened, as
        ATen's _trilinear computes it."""
        x1, x2, w = self.value(x1), self.value(x2), self.value(w)
        lead = x1.shape[:-1]
        x1, x2 = self.em.reshape(x1, (math.prod(lead), x1.shape[-1])), self.em.reshape(x2, (math.prod(lead), x2.shape[-1]))
        y = self._trilinear([x1, w, x2], ([1, 3], [0], [1, 2]), [2, 3])
        if b is not None:
            y = self.em.binary("add", y, self.value(b))
        return self.em.reshape(y, lead + (w.shape[0],))

    def _scatter(self, x, dim, index, src, reduce=None) -> Value:
        """torch.scatter / Tensor.scatter_ (src a tensor or a number), scatter_add (reduce 'add')."""
        if reduce not in (None, "add"):
            raise self.fail(f"scatter with reduce={reduce!r} is not supported (none, or 'add')")
        x = self.value(x)
        return self.em.scatter(x, dim % max(x.rank, 1), self.value(index), self.operand(src), reduce)

    def _unbatched(self, mod: nn.Module, x: Value, lower) -> Value:
        """`lower(x)` for a module whose input torch takes batched (N x C x ...) or unbatched (C x ...,
        InstanceNorm1d on C x L): an unbatched input is lowered as a batch of one."""
        n = _spatial_dims(mod)
        if x.rank == n + 2:
            return lower(x)
        if x.rank != n + 1:
            raise self.fail(f"{type(mod).__name__} of a rank-{x.rank} input is not supported (rank {n + 1} or "
                            f"{n + 2})")
        return self.em.reshape(lower(self.em.reshape(x, (1,) + x.shape)), x.shape)

    def param(self, mod: nn.Module, path: str, name: str) -> Value | None:
        t = getattr(mod, name, None)
        if t is None:
            return None
        is_buffer = name in dict(mod.named_buffers(recurse=False))
        return self._weight(t, f"{path}.{name}" if path else name, buffer=is_buffer)

    # -- call_module ----------------------------------------------------------
    def _module(self, mod: nn.Module, path: str, a, kw):
        em = self.em
        x = self.value(a[0]) if a else None
        if isinstance(mod, (nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            self._batched_conv(x, mod.weight.dim())
        if isinstance(mod, (nn.Conv2d, nn.Conv3d)):
            pads = self._conv_pads(mod.padding, mod.kernel_size, mod.dilation)
            x, pads = self._pad_for_conv(x, pads, mod.padding_mode)
            return em.conv(x, self.param(mod, path, "weight"), self.param(mod, path, "bias"),
                           tuple(mod.stride), pads, tuple(mod.dilation), mod.groups)
        if isinstance(mod, nn.Conv1d):
            pads = self._conv_pads(mod.padding[0] if isinstance(mod.padding, tuple) else mod.padding,
                                   mod.kernel_size, mod.dilation)
            x, pads = self._pad_for_conv(x, pads, mod.padding_mode)
            return em.conv1d(x, self.param(mod, path, "weight"), self.param(mod, path, "bias"), mod.stride[0],
                             pads, mod.dilation[0], mod.groups)
        if isinstance(mod, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)):
            if mod.padding_mode != "zeros" or isinstance(mod.padding, str):
                raise self.fail("transposed convolution is supported with numeric zero padding")
            return self._conv_transpose(x, self.param(mod, path, "weight"), self.param(mod, path, "bias"),
                                        mod.stride, mod.padding, mod.output_padding, mod.groups, mod.dilation)
        if isinstance(mod, nn.GroupNorm):
            return em.group_norm(x, mod.num_groups, self.param(mod, path, "weight"), self.param(mod, path, "bias"),
                                 mod.eps)
        if isinstance(mod, (nn.InstanceNorm1d, nn.InstanceNorm2d)) and not mod.track_running_stats:
            return self._unbatched(mod, x, lambda x: em.group_norm(
                x, x.shape[1], self.param(mod, path, "weight"), self.param(mod, path, "bias"), mod.eps))
        if isinstance(mod, (nn.InstanceNorm1d, nn.InstanceNorm2d, nn.InstanceNorm3d)) and mod.track_running_stats \
                and not mod.training:
            # Eval mode normalises with the running statistics, as batch-norm in eval does.
            return self._unbatched(mod, x, lambda x: em.batch_norm(
                x, self.param(mod, path, "running_mean"), self.param(mod, path, "running_var"),
                self.param(mod, path, "weight"), self.param(mod, path, "bias"), mod.eps))
        if isinstance(mod, nn.LocalResponseNorm):
            return em.local_response_norm(x, mod.size, mod.alpha, mod.beta, mod.k, mod.size // 2)
        if isinstance(mod, (nn.ReflectionPad1d, nn.ReflectionPad2d, nn.ReflectionPad3d, nn.ReplicationPad1d,
                            nn.ReplicationPad2d, nn.ReplicationPad3d, nn.ZeroPad2d, nn.ConstantPad1d,
                            nn.ConstantPad2d, nn.ConstantPad3d)):
            mode = ("reflect" if "Reflection" in type(mod).__name__
                    else "replicate" if "Replication" in type(mod).__name__ else "constant")
            return self._pad(x, mod.padding, mode, getattr(mod, "value", 0.0))
        if isinstance(mod, nn.Upsample):
            return self._upsample(x, mod.mode, mod.align_corners, mod.scale_factor, mod.recompute_scale_factor)
        if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
            # As torch decides: the batch's own statistics in training mode and without running
            # statistics (track_running_stats=False; at inference too), the running ones else; a
            # training-mode batch-norm that tracks them also updates them, refused.
            if mod.training and mod.track_running_stats:
                raise self.fail("batch-norm in training mode, which updates its running statistics, is not "
                                "supported")
            if mod.training or mod.running_mean is None or mod.running_var is None:
                return em.batch_statistics_norm(x, self.param(mod, path, "weight"), self.param(mod, path, "bias"),
                                                mod.eps)
            return em.batch_norm(x, self.param(mod, path, "running_mean"), self.param(mod, path, "running_var"),
                                 self.param(mod, path, "weight"), self.param(mod, path, "bias"), mod.eps)
        if isinstance(mod, nn.ReLU):
            return em.unary("relu", x)
        if isinstance(mod, nn.Hardtanh):  # includes ReLU6
            return em.unary("clamp", x, lo=mod.min_val, hi=mod.max_val)
        if isinstance(mod, nn.GELU):
            return em.unary("gelu", x, approximate=mod.approximate)
        if isinstance(mod, nn.Tanh):
            return em.unary("tanh", x)
        if isinstance(mod, nn.Sigmoid):
            return em.unary("sigmoid", x)
        if isinstance(mod, nn.SiLU):
            return em.unary("silu", x)
        if isinstance(mod, nn.Hardsigmoid):
            return em.unary("hardsigmoid", x)
        if isinstance(mod, nn.Hardswish):
            return em.unary("hardswish", x)
        if isinstance(mod, (nn.Dropout, nn.Identity)):
            return x
        if isinstance(mod, nn.Flatten):
            return self._flatten(x, mod.start_dim, mod.end_dim)
        if isinstance(mod, (nn.MaxPool1d, nn.MaxPool2d, nn.MaxPool3d)):
            return self._max_pool(x, _spatial_dims(mod), mod.kernel_size, mod.stride, mod.padding, mod.dilation,
                                  mod.ceil_mode, mod.return_indices)
        if isinstance(mod, (nn.AvgPool1d, nn.AvgPool2d, nn.AvgPool3d)):
            return self._avg_pool(x, _spatial_dims(mod), mod.kernel_size, mod.stride, mod.padding, mod.ceil_mode,
                                  mod.count_include_pad, getattr(mod, "divisor_override", None))
        if isinstance(mod, (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d)):
            return self._adaptive_avg(x, mod.output_size, _spatial_dims(mod))
        if isinstance(mod, (nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d)):
            return self._adaptive_max(x, mod.output_size, _spatial_dims(mod), mod.return_indices)
        if isinstance(mod, nn.Linear):
            return em.linear(x, self.param(mod, path, "weight"), self.param(mod, path, "bias"))
        if isinstance(mod, nn.LayerNorm):
            return em.layer_norm(x, len(mod.normalized_shape), self.param(mod, path, "weight"),
                                 self.param(mod, path, "bias"), mod.eps)
        if isinstance(mod, nn.Embedding):
            if mod.max_norm is not None:
                raise self.fail(f"nn.Embedding {MAX_NORM}")
            return em.embedding(x, self.param(mod, path, "weight"))
        if isinstance(mod, nn.EmbeddingBag):
            if mod.max_norm is not None:
                raise self.fail(f"nn.EmbeddingBag {MAX_NORM}")
            w = _arg(a, kw, 2, "per_sample_weights")
            return self._embedding_bag(x, self.param(mod, path, "weight"), _arg(a, kw, 1, "offsets"), mod.mode, w,
                                       mod.include_last_offset, mod.padding_idx)
        if isinstance(mod, nn.Softmax):
            return em.softmax(x, _softmax_dim(mod.dim, x.rank))
        if isinstance(mod, nn.LogSoftmax):
            return em.log_softmax(x, _softmax_dim(mod.dim, x.rank))
        if isinstance(mod, nn.PReLU):
            return self._prelu(x, self.param(mod, path, "weight"))
        if isinstance(mod, nn.LeakyReLU):
            return em.unary("leaky_relu", x, slope=mod.negative_slope)
        if isinstance(mod, nn.ELU):
            return em.unary("elu", x, alpha=mod.alpha)
        if isinstance(mod, nn.SELU):
            return em.unary("elu", x, **_SELU)
        if isinstance(mod, nn.CELU):
            return em.unary("elu", x, alpha=mod.alpha, input_scale=1.0 / mod.alpha)
        if isinstance(mod, (nn.Hardshrink, nn.Softshrink)):
            return em.unary("shrink", x, lambd=mod.lambd, bias=mod.lambd if isinstance(mod, nn.Softshrink) else 0.0)
        if isinstance(mod, nn.LogSigmoid):
            return em.unary("log_sigmoid", x)
        if isinstance(mod, nn.Bilinear):
            return self._bilinear(x, a[1], self.param(mod, path, "weight"), self.param(mod, path, "bias"))
        if isinstance(mod, nn.Threshold):
            return self._threshold(x, mod.threshold, mod.value)
        if isinstance(mod, nn.Softsign):
            return em.unary("softsign", x)
        if isinstance(mod, nn.GLU):
            return em.glu(x, mod.dim)
        if isinstance(mod, nn.Softplus):
            return self._softplus(x, mod.beta, mod.threshold)
        if isinstance(mod, nn.Mish):
            return em.unary("mish", x)
        if isinstance(mod, nn.PixelShuffle):
            return em.depth_to_space(x, mod.upscale_factor)
        if isinstance(mod, nn.PixelUnshuffle):
            return em.space_to_depth(x, mod.downscale_factor)
        raise self.fail(f"module type {type(mod).__module__}.{type(mod).__name__} is not supported")

    def _upsample(self, x: Value, mode: str, align_corners=False, scales=None, recompute=None,
                  antialias=False) -> Value:
        """Nearest (and nearest-exact) or (bi)linear resizing to the size the traced output shows, with
        torch's coordinates: the given scale factors unless recomputed (else in / out), half-pixel or
        align_corners. Integer upscaling factors keep their own forms (upsample_nearest,
        upsample_linear); any other ratio is Emitter.resize."""
        out = tuple(self.results[self.node].shape)
        if mode not in ("nearest", "nearest-exact", "bilinear", "linear"):
            raise self.fail(f"interpolation mode '{mode}' is not supported (nearest, nearest-exact, linear and "
                            "bilinear)")
        if antialias:
            raise self.fail(f"{mode} interpolation with antialias=True is not supported")
        if len(out) != x.rank or out[:2] != x.shape[:2]:
            raise self.fail(f"{mode} resizing from {list(x.shape)} to {list(out)} is not supported")
        n, linear = x.rank - 2, mode in ("bilinear", "linear")
        if recompute or scales is None or (isinstance(scales, (tuple, list)) and all(f is None for f in scales)):
            scales = [None] * n
        scales = list(scales) if isinstance(scales, (tuple, list)) else [scales] * n
        sizes = list(zip(x.shape[2:], out[2:], scales))
        if mode != "nearest-exact" and not (linear and align_corners) and all(
                o % i == 0 and (f is None or f == o // i) for i, o, f in sizes):
            factors = [o // i for i, o, _ in sizes]
            return self.em.upsample_linear(x, factors) if linear else self.em.upsample_nearest(x, factors)
        specs = []
        for i, o, f in sizes:
            scale = None if f is None else self._ratio(f)
            if linear:
                specs.append(None if o == i and f in (None, 1) else source_position(
                    i, o, "align_corners" if align_corners else "half_pixel", scale))
            elif o == i and mode == "nearest":  # torch copies such a dim
                specs.append(None)
            else:
                sp = source_position(i, o, "asymmetric" if mode == "nearest" else "tf_half_pixel_for_nn", scale,
                                     "floor")
                self._check_nearest(i, o, f, mode, sp)
                specs.append(sp)
        return self.em.resize(x, [None, None] + specs, "linear" if linear else "nearest")

    def _ratio(self, f):
        """A scale factor as the ratio of small integers it is (1.5 = 3/2)."""
        from fractions import Fraction

        q = Fraction(float(f)).limit_denominator(1000)
        if q <= 0 or abs(float(q) - float(f)) > 1e-6 * abs(float(f)):
            raise self.fail(f"scale factor {f} is not supported (a ratio of integers below 1000)")
        return q

    def _check_nearest(self, size, out, f, mode, spec):
        """torch computes nearest source positions in float32 (floor(d * scale)); the exact ones the map
        reads must be the same."""
        import numpy as np

        scale = np.float32(1.0 / f) if f is not None else np.float32(size) / np.float32(out)
        d = np.arange(out, dtype=np.float32) + (np.float32(0.5) if mode == "nearest-exact" else np.float32(0))
        if mode == "nearest" and out == 2 * size:
            theirs = np.arange(out) // 2
        else:
            theirs = np.minimum(np.floor(d * scale), size - 1).astype(np.int64)
        _, a, b, c = spec
        ours = np.clip((np.arange(out) * a + b) // c, 0, size - 1)
        bad = np.nonzero(ours != theirs)[0]
        if bad.size:
            raise self.fail(f"{mode} resizing {size} -> {out}: torch's float32 source position of output {bad[0]} "
                            f"({theirs[bad[0]]}) differs from the exact one ({ours[bad[0]]}); not supported")

    def _prelu(self, x: Value, weight: Value) -> Value:
        """torch's prelu: one slope, or one per channel (dim 1), its weight viewed as (C, 1, ...)."""
        if weight.numel > 1 and x.rank >= 2:
            if weight.shape != (x.shape[1],):
                raise self.fail(f"prelu weight of shape {list(weight.shape)} for {x.shape[1]} channels")
            weight = self.em.reshape(weight, (x.shape[1],) + (1,) * (x.rank - 2))
        return self.em.prelu(x, weight)

    def _max_min(self, kind: str, a, kw):
        """torch.max / torch.min and the methods: of the whole tensor (a rank-0 result, as amax over
        every dim), over a dim ((values, indices), each computed only if something reads it), or of
        two tensors (element-wise, as torch.maximum / minimum)."""
        dim = a[1] if len(a) > 1 and isinstance(a[1], int) else kw.get("dim")
        if dim is None and (len(a) > 1 or "other" in kw):
            return self._binary(kind, a, kw)
        x = self.value(a[0])
        if dim is None:
            return self.em.reduce(x, list(range(x.rank)), kind)
        keepdim = _arg(a, kw, 2, "keepdim", False)
        read = self._read_results()
        values = self._reduce(x, dim, keepdim, lambda x, dims: self.em.reduce(x, dims, kind)) if 0 in read else None
        indices = self._arg_reduce(x, kind, dim, keepdim) if 1 in read else None
        return (values, indices)

    def _arg_reduce(self, x: Value, kind: str, dim, keepdim: bool) -> Value:
        """torch.argmax / argmin over a dim (i64); without a dim, over the flattened tensor."""
        if dim is None:
            r = self.em.arg_reduce(self._flatten(x), 0, kind)
            return self.em.reshape(r, (1,) * x.rank) if keepdim else r
        dim %= max(x.rank, 1)
        r = self.em.arg_reduce(x, dim, kind)
        return self.em.reshape(r, x.shape[:dim] + (1,) + x.shape[dim + 1:]) if keepdim else r

    def _batched_conv(self, x: Value, weight_rank: int) -> None:
        """A convolution's input must be batched (N x C x ...), of its weight's rank: torch also takes an
        unbatched one (C x L for Conv1d), which the aten route imports."""
        if x.rank != weight_rank:
            raise self.fail(f"convolution of a rank-{x.rank} input with a rank-{weight_rank} weight is not supported "
                            "(batched inputs only; the aten route takes an unbatched one: --trace aten)")

    def _conv_transpose(self, x: Value, w: Value, bias, stride, padding, output_padding, groups, dilation):
        """ConvTranspose1d/2d/3d and their functions and aten form (the op's dimensionality is the
        weight's): 1-D as the 2-D op over a height of 1, as conv1d."""
        n = w.rank - 2
        if x.rank != w.rank:
            raise self.fail(f"transposed convolution of a rank-{x.rank} input with a rank-{w.rank} weight is not "
                            "supported (batched inputs only)")
        stride, padding, output_padding, dilation = (_ntuple(v, n) for v in (stride, padding, output_padding,
                                                                             dilation))
        if n == 1:
            return self.em.conv_transpose1d(x, w, bias, stride[0], (padding[0], padding[0]), output_padding[0],
                                            dilation[0], groups)
        return self.em.conv_transpose(x, w, bias, stride, padding + padding, output_padding, dilation, groups)

    def _pad(self, x: Value, pad, mode: str = "constant", value=0.0) -> Value:
        """F.pad and its aten forms: `pad` lists (low, high) from the last dim backwards;
        constant, reflect, replicate or circular."""
        pad = list(pad)
        if len(pad) % 2 or len(pad) // 2 > x.rank or any(p < 0 for p in pad):
            raise self.fail(f"padding {pad} of a rank-{x.rank} tensor is not supported (non-negative pairs only)")
        if mode not in ("constant", "reflect", "replicate", "circular"):
            raise self.fail(f"padding mode '{mode}' is not supported (constant, reflect, replicate, circular)")
        low, high = [0] * x.rank, [0] * x.rank
        for k in range(len(pad) // 2):
            low[x.rank - 1 - k], high[x.rank - 1 - k] = pad[2 * k], pad[2 * k + 1]
        if mode != "constant":
            return self.em.pad_from_edges(x, low, high, mode)
        return self.em.pad(x, low, high, float(value or 0.0))

    def _softplus(self, x: Value, beta, threshold) -> Value:
        # torch returns x itself where beta * x > threshold; the stable form differs from it by
        # under log1p(exp(-threshold)) / beta there (2e-9 at the default 20).
        if threshold < 15:
            raise self.fail(f"softplus with threshold {threshold} (below 15) is not supported")
        return self.em.unary("softplus", x, beta=beta)

    def _pad_for_conv(self, x: Value, pads, padding_mode: str):
        """A convolution module's padding_mode other than zeros, as torch computes it: the input
        padded from its own edges (reflect, replicate, circular), then the convolution unpadded.
        `pads` are the low pads then the high ones of the trailing spatial dims."""
        if padding_mode == "zeros":
            return x, tuple(pads)
        if padding_mode not in ("reflect", "replicate", "circular"):
            raise self.fail(f"padding_mode '{padding_mode}' is not supported (zeros, reflect, replicate, circular)")
        n = len(pads) // 2
        lead = [0] * (x.rank - n)
        x = self.em.pad_from_edges(x, lead + list(pads[:n]), lead + list(pads[n:]), padding_mode)
        return x, (0,) * len(pads)

    def _conv_pads(self, padding, kernel, dilation):
        """The low pads then the high ones per spatial dim (kernel has one entry per dim)."""
        n = len(kernel)
        if padding == "valid":
            return (0,) * (2 * n)
        k, d = _ntuple(kernel, n), _ntuple(dilation, n)
        if padding == "same":
            tot = [d[i] * (k[i] - 1) for i in range(n)]
            return tuple(t // 2 for t in tot) + tuple(t - t // 2 for t in tot)
        p = _ntuple(padding, n)
        return p + p

    def _max_pool(self, x, n, kernel, stride, padding, dilation, ceil_mode, return_indices=False):
        """n-D max pooling (n = 2 or 3, the op's own dimensionality, not the input's)."""
        if return_indices:
            raise self.fail("max-pool return_indices is not supported")
        k = _ntuple(kernel, n)
        s = _ntuple(stride, n) if stride not in (None, (), []) else k
        p = _ntuple(padding, n)
        return self.em.max_pool(x, k, s, p + p, _ntuple(dilation, n), bool(ceil_mode))

    def _avg_pool(self, x, n, kernel, stride, padding, ceil_mode, count_include_pad, divisor_override=None):
        """n-D average pooling (n = 1, 2 or 3, the op's own dimensionality)."""
        k, p = _ntuple(kernel, n), _ntuple(padding, n)
        s = _ntuple(stride, n) if stride not in (None, (), []) else k
        return self.em.avg_pool(x, k, s, p + p, bool(ceil_mode), bool(count_include_pad), divisor_override)

    def _adaptive_avg(self, x, size, n=2):
        return self.em.adaptive_avg_pool(x, _adaptive_size(x, size, n))

    def _adaptive_max(self, x, size, n=2, return_indices=False):
        if return_indices:
            raise self.fail("adaptive max-pool return_indices is not supported (its values are)")
        return self.em.adaptive_max_pool(x, _adaptive_size(x, size, n))

    def _flatten(self, x: Value, start=0, end=-1):
        if x.rank == 0:
            return self.em.reshape(x, (1,))
        start, end = start % x.rank, end % x.rank
        shape = x.shape[:start] + (math.prod(x.shape[start:end + 1]),) + x.shape[end + 1:]
        return self.em.reshape(x, shape)

    # -- call_function / call_method -------------------------------------------
    def _function(self, fn, a, kw):
        em = self.em
        binops = {operator.add: "add", operator.iadd: "add", torch.add: "add",
                  operator.sub: "sub", operator.isub: "sub", torch.sub: "sub",
                  operator.mul: "mul", operator.imul: "mul", torch.mul: "mul",
                  operator.truediv: "div", operator.itruediv: "div", torch.div: "div",
                  operator.pow: "pow", torch.pow: "pow", torch.maximum: "max", torch.minimum: "min"}
        if fn in binops:
            return self._binary(binops[fn], a, kw)
        if fn is operator.getitem:
            return self._getitem(a[0], a[1])
        if fn is torch.flatten:
            return self._flatten(self.value(a[0]), _arg(a, kw, 1, "start_dim", 0), _arg(a, kw, 2, "end_dim", -1))
        if fn in (torch.relu, F.relu):
            return em.unary("relu", self.value(a[0]))
        if fn in (F.relu6,):
            return em.unary("clamp", self.value(a[0]), lo=0.0, hi=6.0)
        if fn in (F.hardtanh, torch.clamp, torch.clip):
            lo_name, hi_name = ("min_val", "max_val") if fn is F.hardtanh else ("min", "max")
            d = (-1.0, 1.0) if fn is F.hardtanh else (None, None)
            return self._clamp(a[0], _arg(a, kw, 1, lo_name, d[0]), _arg(a, kw, 2, hi_name, d[1]))
        if fn is torch.clamp_min:
            return self._clamp(a[0], _arg(a, kw, 1, "min"), None)
        if fn is torch.clamp_max:
            return self._clamp(a[0], None, _arg(a, kw, 1, "max"))
        if fn is F.gelu:
            return em.unary("gelu", self.value(a[0]), approximate=kw.get("approximate", "none"))
        unary = {torch.tanh: "tanh", F.tanh: "tanh", torch.sigmoid: "sigmoid", F.sigmoid: "sigmoid",
                 F.silu: "silu", F.hardsigmoid: "hardsigmoid", F.hardswish: "hardswish", torch.exp: "exp", torch.erf: "erf", torch.sqrt: "sqrt", torch.rsqrt: "rsqrt",
                 torch.neg: "neg", operator.neg: "neg", torch.reciprocal: "reciprocal", torch.abs: "abs",
                 operator.abs: "abs", torch.log: "log", F.mish: "mish", torch.sin: "sin", torch.cos: "cos",
                 torch.floor: "floor", torch.ceil: "ceil", torch.trunc: "trunc", torch.fix: "trunc",
                 torch.sign: "sign", F.logsigmoid: "log_sigmoid", F.softsign: "softsign", torch.log1p: "log1p",
                 torch.expm1: "expm1", torch.isnan: "isnan", torch.isinf: "isinf", torch.isfinite: "isfinite"}
        if fn in unary:
            return em.unary(unary[fn], self.value(a[0]))
        if fn in _COMPARISONS:
            return self._compare(_COMPARISONS[fn], a[0], _arg(a, kw, 1, "other"))
        if fn in _LOGICAL:
            kind, bitwise = _LOGICAL[fn]
            return self._logical(kind, a, bitwise)
        if fn in (torch.addcmul, torch.addcdiv):
            return self._addc("mul" if fn is torch.addcmul else "div", a[0], _arg(a, kw, 1, "tensor1"),
                              _arg(a, kw, 2, "tensor2"), kw.get("value", 1))
        if fn is torch.lerp:
            return em.lerp(self.value(a[0]), self.operand(_arg(a, kw, 1, "end")), self.operand(_arg(a, kw, 2, "weight")))
        if fn in (F.bilinear, torch.bilinear):
            return self._bilinear(a[0], _arg(a, kw, 1, "input2"), _arg(a, kw, 2, "weight"), _arg(a, kw, 3, "bias"))
        if fn in (torch.scatter, torch.scatter_add):
            return self._scatter(a[0], _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "index"), _arg(a, kw, 3, "src"),
                                 "add" if fn is torch.scatter_add else kw.get("reduce"))
        if fn is F.threshold:
            return self._threshold(a[0], _arg(a, kw, 1, "threshold"), _arg(a, kw, 2, "value"))
        if fn is torch.round:
            if kw.get("decimals", 0):
                raise self.fail("round with decimals is not supported")
            return em.unary("round", self.value(a[0]))
        if fn in (F.selu, torch.selu):
            return em.unary("elu", self.value(a[0]), **_SELU)
        if fn in (F.celu, torch.celu):
            alpha = _arg(a, kw, 1, "alpha", 1.0)
            return em.unary("elu", self.value(a[0]), alpha=alpha, input_scale=1.0 / alpha)
        if fn in (F.hardshrink, F.softshrink, torch.hardshrink):
            lambd = _arg(a, kw, 1, "lambd", 0.5)
            return em.unary("shrink", self.value(a[0]), lambd=lambd, bias=lambd if fn is F.softshrink else 0.0)
        if fn is F.glu:
            return em.glu(self.value(a[0]), _arg(a, kw, 1, "dim", -1))
        if fn in (F.prelu, torch.prelu):
            return self._prelu(self.value(a[0]), self.value(_arg(a, kw, 1, "weight")))
        if fn in (torch.max, torch.min):
            return self._max_min(fn.__name__, a, kw)
        if fn in (torch.argmax, torch.argmin):
            return self._arg_reduce(self.value(a[0]), fn.__name__[3:], _arg(a, kw, 1, "dim"),
                                    _arg(a, kw, 2, "keepdim", False))
        if fn is F.leaky_relu:
            return em.unary("leaky_relu", self.value(a[0]), slope=_arg(a, kw, 1, "negative_slope", 0.01))
        if fn is F.elu:
            return em.unary("elu", self.value(a[0]), alpha=_arg(a, kw, 1, "alpha", 1.0))
        if fn is F.softplus:
            return self._softplus(self.value(a[0]), _arg(a, kw, 1, "beta", 1.0), _arg(a, kw, 2, "threshold", 20.0))
        if fn is F.interpolate:
            return self._upsample(self.value(a[0]), _arg(a, kw, 3, "mode", "nearest"),
                                  _arg(a, kw, 4, "align_corners", None), _arg(a, kw, 2, "scale_factor"),
                                  _arg(a, kw, 5, "recompute_scale_factor"), _arg(a, kw, 6, "antialias", False))
        if fn is F.pad:
            return self._pad(self.value(_arg(a, kw, 0, "input")), _arg(a, kw, 1, "pad"),
                             _arg(a, kw, 2, "mode", "constant"), _arg(a, kw, 3, "value", 0.0))
        if fn is F.group_norm:
            w, b = _arg(a, kw, 2, "weight"), _arg(a, kw, 3, "bias")
            return em.group_norm(self.value(a[0]), _arg(a, kw, 1, "num_groups"),
                                 self.value(w) if w is not None else None,
                                 self.value(b) if b is not None else None, _arg(a, kw, 4, "eps", 1e-5))
        if fn is F.local_response_norm:
            size = _arg(a, kw, 1, "size")
            return em.local_response_norm(self.value(a[0]), size, _arg(a, kw, 2, "alpha", 1e-4),
                                          _arg(a, kw, 3, "beta", 0.75), _arg(a, kw, 4, "k", 1.0), size // 2)
        if fn in (F.log_softmax, torch.log_softmax):
            x = self.value(a[0])
            return em.log_softmax(x, _softmax_dim(_arg(a, kw, 1, "dim"), x.rank))
        if fn in (F.dropout, torch.dropout, F.dropout2d):
            return self.value(a[0])
        if getattr(fn, "__module__", "") == "torchvision.ops.stochastic_depth" and fn.__name__ == "stochastic_depth":
            if _arg(a, kw, 3, "training", True):
                raise self.fail("stochastic depth in training mode is not supported")
            return self.value(a[0])  # identity at inference
        if fn in (F.softmax, torch.softmax):
            x = self.value(a[0])
            return em.softmax(x, _softmax_dim(_arg(a, kw, 1, "dim"), x.rank))
        if fn in (torch.matmul, torch.bmm, torch.mm, operator.matmul):
            return em.matmul(self.value(a[0]), self.value(a[1]))
        if fn is torch.where and len(a) == 3:
            return em.select(self.value(a[0]), self.operand(a[1]), self.operand(a[2]))
        if fn is torch.einsum:
            ops = a[1] if len(a) == 2 and isinstance(a[1], (tuple, list)) else a[1:]
            return em.einsum(a[0], [self.value(x) for x in ops])
        if fn in (F.conv1d, F.conv2d, F.conv3d):
            # A subclass of nn.Conv3d that fx traces into (torchvision's video Conv3DSimple) reaches
            # the function: the module's lowering, its padding spelled as torch's functions take it.
            x, w, b = self.value(a[0]), self.value(a[1]), _arg(a, kw, 2, "bias")
            b = self.value(b) if b is not None else None
            self._batched_conv(x, w.rank)
            n = w.rank - 2
            stride, dilation = _ntuple(_arg(a, kw, 3, "stride", 1), n), _ntuple(_arg(a, kw, 5, "dilation", 1), n)
            pads = self._conv_pads(_arg(a, kw, 4, "padding", 0), w.shape[2:], dilation)
            groups = _arg(a, kw, 6, "groups", 1)
            if n == 1:
                return em.conv1d(x, w, b, stride[0], pads, dilation[0], groups)
            return em.conv(x, w, b, stride, pads, dilation, groups)
        if fn in (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d):
            b = _arg(a, kw, 2, "bias")
            return self._conv_transpose(self.value(a[0]), self.value(a[1]), self.value(b) if b is not None else None,
                                        _arg(a, kw, 3, "stride", 1), _arg(a, kw, 4, "padding", 0),
                                        _arg(a, kw, 5, "output_padding", 0), _arg(a, kw, 6, "groups", 1),
                                        _arg(a, kw, 7, "dilation", 1))
        if fn is F.linear:
            b = _arg(a, kw, 2, "bias")
            return em.linear(self.value(a[0]), self.value(a[1]), self.value(b) if b is not None else None)
        if fn is F.layer_norm:
            shape = _arg(a, kw, 1, "normalized_shape")
            w, b = _arg(a, kw, 2, "weight"), _arg(a, kw, 3, "bias")
            return em.layer_norm(self.value(a[0]), len(_ntuple(shape, 1)),
                                 self.value(w) if w is not None else None,
                                 self.value(b) if b is not None else None, _arg(a, kw, 4, "eps", 1e-5))
        if fn is F.embedding:
            if _arg(a, kw, 3, "max_norm") is not None:
                raise self.fail(f"F.embedding {MAX_NORM}")
            return em.embedding(self.value(a[0]), self.value(a[1]))
        if fn is F.embedding_bag:
            if _arg(a, kw, 3, "max_norm") is not None:
                raise self.fail(f"F.embedding_bag {MAX_NORM}")
            return self._embedding_bag(self.value(a[0]), self.value(a[1]), _arg(a, kw, 2, "offsets"),
                                       _arg(a, kw, 6, "mode", "mean"), _arg(a, kw, 8, "per_sample_weights"),
                                       _arg(a, kw, 9, "include_last_offset", False), _arg(a, kw, 10, "padding_idx"))
        if fn in (F.adaptive_avg_pool1d, F.adaptive_avg_pool2d, F.adaptive_avg_pool3d):
            return self._adaptive_avg(self.value(a[0]), _arg(a, kw, 1, "output_size"), _pool_dims(fn))
        if fn in (F.adaptive_max_pool1d, F.adaptive_max_pool2d, F.adaptive_max_pool3d):
            return self._adaptive_max(self.value(a[0]), _arg(a, kw, 1, "output_size"), _pool_dims(fn),
                                      _arg(a, kw, 2, "return_indices", False))
        if fn in (F.max_pool1d, F.max_pool2d, F.max_pool3d):
            return self._max_pool(self.value(a[0]), _pool_dims(fn), _arg(a, kw, 1, "kernel_size"),
                                  _arg(a, kw, 2, "stride"), _arg(a, kw, 3, "padding", 0), _arg(a, kw, 4, "dilation", 1),
                                  _arg(a, kw, 5, "ceil_mode", False), _arg(a, kw, 6, "return_indices", False))
        if fn in (F.avg_pool1d, F.avg_pool2d, F.avg_pool3d):
            return self._avg_pool(self.value(a[0]), _pool_dims(fn), _arg(a, kw, 1, "kernel_size"),
                                  _arg(a, kw, 2, "stride"), _arg(a, kw, 3, "padding", 0), _arg(a, kw, 4, "ceil_mode", False),
                                  _arg(a, kw, 5, "count_include_pad", True), _arg(a, kw, 6, "divisor_override"))
        if fn is torch.view_as_complex:
            return self._view_as_complex(self.value(a[0]))
        if fn is torch.view_as_real:
            if not isinstance(a[0], _Complex):
                raise self.fail("view_as_real of a tensor that is not complex")
            return a[0].pairs
        if fn is torch.pixel_shuffle:
            return em.depth_to_space(self.value(a[0]), _arg(a, kw, 1, "upscale_factor"))
        if fn is torch.pixel_unshuffle:
            return em.space_to_depth(self.value(a[0]), _arg(a, kw, 1, "downscale_factor"))
        if fn is torch.logsumexp:
            return self._reduce(self.value(a[0]), _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "keepdim", False),
                                self.em.logsumexp)
        if fn is torch.prod:
            return self._prod(self.value(a[0]), _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "keepdim", False),
                              kw.get("dtype"))
        if fn in (torch.tril, torch.triu):
            return em.triangle(self.value(a[0]), _arg(a, kw, 1, "diagonal", 0), fn is torch.triu)
        if fn in (torch.atan2, torch.arctan2):
            return self._binary("atan2", a, kw)
        if fn is torch.topk:
            return self._sort(self.value(a[0]), _arg(a, kw, 2, "dim", -1), _arg(a, kw, 1, "k"),
                              _arg(a, kw, 3, "largest", True))
        if fn is torch.sort:
            return self._sort(self.value(a[0]), _arg(a, kw, 1, "dim", -1), None, _arg(a, kw, 2, "descending", False))
        if fn is torch.argsort:
            return self._sort(self.value(a[0]), _arg(a, kw, 1, "dim", -1), None, _arg(a, kw, 2, "descending", False),
                              argsort=True)
        if fn is getattr and isinstance(a[0], tuple) and a[1] in ("values", "indices"):  # topk(...).values
            return a[0][("values", "indices").index(a[1])]
        if fn is torch.index_select:
            return self._index_select(self.value(a[0]), _arg(a, kw, 1, "dim"), self.value(_arg(a, kw, 2, "index")))
        if fn is torch.gather:
            x = self.value(a[0])
            return self.em.gather(x, _arg(a, kw, 1, "dim") % max(x.rank, 1), self.value(_arg(a, kw, 2, "index")))
        if fn is torch.cumsum:
            return self._cumsum(self.value(a[0]), _arg(a, kw, 1, "dim"), kw.get("dtype"))
        if fn is torch.transpose:
            return self._transpose(self.value(a[0]), a[1], a[2])
        if fn is torch.permute:
            return em.transpose(self.value(a[0]), _arg(a, kw, 1, "dims"))
        if fn is torch.reshape:
            x = a[0] if isinstance(a[0], _Complex) else self.value(a[0])
            return self._reshape(x, _arg(a, kw, 1, "shape"))
        if fn in (torch.cat, torch.concat):
            xs = [self.value(x) for x in a[0]]
            return em.concat(xs, _arg(a, kw, 1, "dim", 0) % xs[0].rank)
        if fn is torch.chunk:
            return self._chunk(self.value(a[0]), _arg(a, kw, 1, "chunks"), _arg(a, kw, 2, "dim", 0))
        if fn is torch.mean:
            return self._mean(self.value(a[0]), _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "keepdim", False))
        if fn is torch.sum:
            return self._method("sum", a, kw)
        if fn in (torch.zeros_like, torch.ones_like, torch.full_like):
            x = self.value(a[0])
            fill = {torch.zeros_like: 0, torch.ones_like: 1}.get(fn)
            if fill is None:
                fill = _arg(a, kw, 1, "fill_value")
            if kw.get("dtype") not in (None, torch.float32 if x.dtype == "f32" else torch.int64):
                raise self.fail("changing the dtype is not supported")
            return em.fill(x.shape, fill, x.dtype)
        if fn in (torch.unsqueeze, torch.squeeze, torch.repeat_interleave):
            if not a and "input" in kw:  # torch.repeat_interleave(input=x, ...)
                kw = dict(kw)
                a = (kw.pop("input"),)
            return self._method(fn.__name__, a, kw)
        name = getattr(fn, "__qualname__", getattr(fn, "__name__", str(fn)))
        mod = getattr(fn, "__module__", None) or ""
        raise self.fail(f"function {mod + '.' if mod else ''}{name} is not supported")

    def _method(self, name: str, a, kw):
        em = self.em
        if name in ("add", "sub", "mul", "div", "pow", "atan2", "add_", "mul_", "div_", "sub_", "pow_"):
            return self._binary(name.rstrip("_"), a, kw)
        if isinstance(a[0], _Complex):
            return self._complex_method(name, a, kw)
        if name in ("max", "min"):
            return self._max_min(name, a, kw)
        x = self.value(a[0])
        if name in ("contiguous", "clone", "detach"):
            return x
        if name in ("float", "long"):
            return self._cast(x, torch.float32 if name == "float" else torch.int64)
        if name == "type_as":
            other = a[1]
            dtype = other.tensor.dtype if isinstance(other, _Const) else next(
                (t for t, d in _DTYPES_I1.items() if d == self.value(other).dtype), None)
            return self._cast(x, dtype)
        if name == "cumsum":
            return self._cumsum(x, _arg(a, kw, 1, "dim"), kw.get("dtype"))
        if name == "gather":
            return em.gather(x, _arg(a, kw, 1, "dim") % max(x.rank, 1), self.value(_arg(a, kw, 2, "index")))
        if name == "logsumexp":
            return self._reduce(x, _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "keepdim", False), em.logsumexp)
        if name == "prod":
            return self._prod(x, _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "keepdim", False), kw.get("dtype"))
        if name in ("tril", "triu"):
            return em.triangle(x, _arg(a, kw, 1, "diagonal", 0), name == "triu")
        if name == "topk":
            return self._sort(x, _arg(a, kw, 2, "dim", -1), _arg(a, kw, 1, "k"), _arg(a, kw, 3, "largest", True))
        if name in ("sort", "argsort"):
            return self._sort(x, _arg(a, kw, 1, "dim", -1), None, _arg(a, kw, 2, "descending", False),
                              argsort=name == "argsort")
        if name == "index_select":
            return self._index_select(x, _arg(a, kw, 1, "dim"), self.value(_arg(a, kw, 2, "index")))
        if name in ("view", "reshape"):
            shape = a[1] if len(a) == 2 and isinstance(a[1], (tuple, list, torch.Size)) else a[1:]
            return self._reshape(x, shape or kw.get("shape"))
        if name == "flatten":
            return self._flatten(x, _arg(a, kw, 1, "start_dim", 0), _arg(a, kw, 2, "end_dim", -1))
        if name == "transpose":
            return self._transpose(x, a[1], a[2])
        if name == "t":  # 2-D transpose (a 1-D tensor is its own)
            return self._transpose(x, 0, 1) if len(x.shape) == 2 else x
        if name == "permute":
            perm = a[1] if len(a) == 2 and isinstance(a[1], (tuple, list)) else a[1:]
            return em.transpose(x, perm)
        if name == "relu":
            return em.unary("relu", x)
        if name in ("tanh", "sigmoid", "exp", "sqrt", "rsqrt", "neg", "erf", "abs", "log", "sin", "cos", "floor",
                    "ceil", "trunc", "sign", "reciprocal", "log1p", "expm1", "isnan", "isinf", "isfinite"):
            return em.unary(name, x)
        if name in _COMPARISON_METHODS:
            return self._compare(_COMPARISON_METHODS[name], x, _arg(a, kw, 1, "other"))
        logic = _LOGICAL_METHODS.get(name) or _LOGICAL_METHODS.get(name[:-1])  # logical_not_ too
        if logic:
            return self._logical(logic[0], a, logic[1])
        if name in ("addcmul", "addcdiv", "addcmul_", "addcdiv_"):
            return self._addc("mul" if name.startswith("addcmul") else "div", x, _arg(a, kw, 1, "tensor1"),
                              _arg(a, kw, 2, "tensor2"), kw.get("value", 1))
        if name in ("scatter", "scatter_", "scatter_add", "scatter_add_"):
            src = _arg(a, kw, 3, "src") if "src" in kw or len(a) > 3 else kw.get("value")
            return self._scatter(x, _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "index"), src,
                                 "add" if name.startswith("scatter_add") else kw.get("reduce"))
        if name in ("lerp", "lerp_"):
            return em.lerp(x, self.operand(_arg(a, kw, 1, "end")), self.operand(_arg(a, kw, 2, "weight")))
        if name == "fix":
            return em.unary("trunc", x)
        if name == "round":
            if kw.get("decimals", 0):
                raise self.fail("round with decimals is not supported")
            return em.unary("round", x)
        if name == "hardshrink":
            return em.unary("shrink", x, lambd=_arg(a, kw, 1, "lambd", 0.5))
        if name in ("argmax", "argmin"):
            return self._arg_reduce(x, name[3:], _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "keepdim", False))
        if name == "softmax":
            return em.softmax(x, _softmax_dim(_arg(a, kw, 1, "dim"), x.rank))
        if name == "log_softmax":
            return em.log_softmax(x, _softmax_dim(_arg(a, kw, 1, "dim"), x.rank))
        if name == "repeat":
            reps = a[1] if len(a) == 2 and isinstance(a[1], (list, tuple)) else a[1:]
            return em.tile(x, [int(r) for r in reps])
        if name == "repeat_interleave":
            return self._repeat_interleave(x, _arg(a, kw, 1, "repeats"), _arg(a, kw, 2, "dim"))
        if name in ("clamp", "clip", "clamp_min", "clamp_max"):
            lo = _arg(a, kw, 1, "min") if name != "clamp_max" else None
            hi = _arg(a, kw, 2, "max") if name in ("clamp", "clip") else (_arg(a, kw, 1, "max")
                                                                           if name == "clamp_max" else None)
            return self._clamp(x, lo, hi)
        if name == "masked_fill":
            return em.select(self.value(a[1]), self.operand(_arg(a, kw, 2, "value")), x)
        if name in ("matmul", "bmm", "mm"):
            return em.matmul(x, self.value(a[1]))
        if name == "chunk":
            return self._chunk(x, _arg(a, kw, 1, "chunks"), _arg(a, kw, 2, "dim", 0))
        if name == "unsqueeze":
            d = _arg(a, kw, 1, "dim") % (x.rank + 1)
            return em.reshape(x, x.shape[:d] + (1,) + x.shape[d:])
        if name == "squeeze":
            d = _arg(a, kw, 1, "dim")
            if d is None:
                return em.reshape(x, tuple(s for s in x.shape if s != 1))
            d %= x.rank
            return em.reshape(x, x.shape[:d] + x.shape[d + 1:]) if x.shape[d] == 1 else x
        if name == "mean":
            return self._mean(x, _arg(a, kw, 1, "dim"), _arg(a, kw, 2, "keepdim", False))
        if name == "sum":
            return self._reduce(self._reduced_operand(x, "sum", kw.get("dtype")), _arg(a, kw, 1, "dim"),
                                _arg(a, kw, 2, "keepdim", False), lambda x, dims: em.reduce(x, dims, "sum"))
        raise self.fail(f"tensor method '{name}' is not supported")

    def _binary(self, op, a, kw):
        lhs, rhs = a[0], _arg(a, kw, 1, "exponent" if op == "pow" else "other")
        alpha = kw.get("alpha", 1)
        if _is_complex(lhs) or _is_complex(rhs):
            if alpha != 1:
                raise self.fail(f"'{op}' of complex tensors with alpha={alpha} is not supported")
            return self._complex_binary(op, lhs, rhs)
        l, r = self.operand(lhs), self.operand(rhs)
        if not isinstance(l, Value) and not isinstance(r, Value):
            raise self.fail("binary op on two scalars")
        if alpha != 1:
            r = self.em.binary("mul", r, float(alpha)) if isinstance(r, Value) else r * alpha
        if op == "div" and kw.get("rounding_mode") is not None:
            rounding = {"floor": "floordiv", "trunc": "truncdiv"}.get(kw["rounding_mode"])
            if rounding is None:
                raise self.fail(f"division with rounding mode {kw['rounding_mode']!r} is not supported")
            op = rounding
        return self.em.binary(op, *self.em.promoted(op, l, r))

    def _repeat_interleave(self, x: Value, repeats, dim) -> Value:
        """Each element repeated `repeats` times along `dim` (grouped-query attention's
        k.repeat_interleave(n_rep, dim=1)), as unsqueeze + expand + reshape; without a dim,
        over the flattened tensor."""
        if not isinstance(repeats, int) or isinstance(repeats, bool):
            raise self.fail("repeat_interleave with a tensor of repeats is not supported (its output shape "
                            "depends on the tensor's values); give an integer")
        if dim is None:
            x, dim = self._flatten(x), 0
        d = _repeat_interleave_dim(repeats, dim, x.rank)
        head, tail = x.shape[:d + 1], x.shape[d + 1:]
        y = self.em.broadcast_to(self.em.reshape(x, head + (1,) + tail), head + (repeats,) + tail)
        return self.em.reshape(y, x.shape[:d] + (x.shape[d] * repeats,) + tail)

    def _transpose(self, x: Value, d0: int, d1: int) -> Value:
        perm = list(range(x.rank))
        d0, d1 = d0 % x.rank, d1 % x.rank
        perm[d0], perm[d1] = perm[d1], perm[d0]
        return self.em.transpose(x, perm)

    def _reshape(self, x: Value, shape) -> Value:
        if isinstance(x, _Complex):  # the pairs keep their trailing dim
            return _Complex(self._reshape(x.pairs, [int(s) for s in shape] + [2]))
        shape = [int(s) for s in shape]
        if shape.count(-1) > 1:
            raise self.fail("reshape with more than one -1")
        if -1 in shape:
            known = math.prod(s for s in shape if s != -1)
            shape[shape.index(-1)] = x.numel // known
        return self.em.reshape(x, shape)

    def _chunk(self, x: Value, chunks: int, dim: int):
        dim %= x.rank
        size = -(-x.shape[dim] // chunks)
        outs, off = [], 0
        while off < x.shape[dim]:
            n = min(size, x.shape[dim] - off)
            offs = [0] * x.rank
            sizes = list(x.shape)
            offs[dim], sizes[dim] = off, n
            outs.append(self.em.extract_slice(x, offs, sizes, [1] * x.rank))
            off += n
        return tuple(outs)

    def _reduce(self, x: Value, dims, keepdim: bool, reduce_fn) -> Value:
        """A reduction over `dims` (None or []: all), keeping them as size 1 with `keepdim`."""
        if dims is None or dims == []:
            dims = list(range(x.rank))
        dims = [d % x.rank for d in ([dims] if isinstance(dims, int) else dims)]
        r = reduce_fn(x, dims)
        if keepdim:
            r = self.em.reshape(r, tuple(1 if i in dims else s for i, s in enumerate(x.shape)))
        return r

    def _mean(self, x: Value, dims, keepdim: bool) -> Value:
        return self._reduce(x, dims, keepdim, lambda x, dims: self.em.reduce(x, dims, "mean"))

    def _reduced_operand(self, x: Value, kind: str, dtype=None) -> Value:
        """x as torch reduces it: cast to `dtype` (x.sum(dtype=...)), booleans summed as int64."""
        if dtype is not None:
            return self._cast(x, dtype)
        return self.em.cast(x, "i64") if kind == "sum" and x.dtype == "i1" else x

    def _prod(self, x: Value, dims=None, keepdim: bool = False, dtype=None) -> Value:
        """torch.prod over a dim or the whole tensor: integers and booleans multiply as int64, as torch's do."""
        if dtype is not None:
            x = self._cast(x, dtype)
        elif x.dtype in ("i1", "i32"):
            x = self.em.cast(x, "i64")
        return self._reduce(x, dims, keepdim, lambda x, dims: self.em.reduce(x, dims, "prod"))

    def _getitem(self, base, idx):
        if isinstance(base, (tuple, list)):
            return base[idx]
        if isinstance(base, _Const):
            return _Const(base.tensor[idx])
        x = self.value(base)
        idx = idx if isinstance(idx, tuple) else (idx,)
        if any(i is Ellipsis for i in idx):
            k = idx.index(Ellipsis)
            n_real = sum(1 for i in idx if i is not None and i is not Ellipsis)
            idx = idx[:k] + (slice(None),) * (x.rank - n_real) + idx[k + 1:]
        offs, sizes, strides, drop, new_axes = [], [], [], [], []
        d = 0
        out_pos = 0
        for i in idx:
            if i is None:
                new_axes.append(out_pos)
                out_pos += 1
                continue
            if d >= x.rank:
                raise self.fail("too many indices")
            n = x.shape[d]
            if isinstance(i, int):
                i = i % n
                offs.append(i); sizes.append(1); strides.append(1); drop.append(d)
            elif isinstance(i, slice):
                start, stop, step = i.indices(n)
                if step <= 0:
                    raise self.fail("negative slice steps are not supported")
                cnt = max(0, -(-(stop - start) // step))
                offs.append(start); sizes.append(cnt); strides.append(step)
                out_pos += 1
            else:
                raise self.fail(f"indexing with {type(i).__name__} is not supported")
            d += 1
        for _ in range(d, x.rank):
            offs.append(0); sizes.append(x.shape[len(sizes)]); strides.append(1)
        y = self.em.extract_slice(x, offs, sizes, strides, drop)
        if new_axes:
            shape = list(y.shape)
            for p in new_axes:
                shape.insert(p, 1)
            y = self.em.reshape(y, shape)
        return y


def _unpacked(error: Exception, tracer: fx.Tracer) -> str:
    """What fx stopped at when forward unpacks a traced value (`out, (h, c) = self.lstm(x)`): on
    this Python, torch 1.13's Proxy.__iter__ reads the caller's bytecode wrongly and fails with an
    IndexError; "" for any other error."""
    tb = error.__traceback__
    proxy = None
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "__iter__" and code.co_filename.endswith(("fx/proxy.py", "fx\\proxy.py")):
            proxy = tb.tb_frame.f_locals.get("self")
        tb = tb.tb_next
    node = getattr(proxy, "node", None)
    if not isinstance(error, IndexError) or node is None:
        return ""
    what = f"'{node.name}'"
    if node.op == "call_module":
        kind = type(tracer.root.get_submodule(node.target)).__name__
        what = f"nn.{kind} '{node.target}'" if kind in ("LSTM", "GRU", "RNN") else f"'{node.target}' ({kind})"
    return (f"forward unpacks the tuple that {what} returns, which torch.fx cannot follow (the aten route traces it "
            "on the example inputs)")


def aliases_taken_before(names, node, order, is_alias, exclude=()) -> dict:
    """The aliases of the memory that the nodes `names` name, taken before node `node` (in `order`):
    users u of a name or of an alias found, with it as first operand, for which is_alias(u), and so on
    (not through `exclude`), each mapped to the node it was taken from, in the order found (a depth-first
    walk). Shared by the fx route's check for a view read after a write and the aten route's
    re-derivation of such views."""
    found, stack = {}, list(names)
    seen = set(names) | set(exclude)
    while stack:
        n = stack.pop()
        for u in n.users:
            if u in seen or order[u] >= order[node] or not u.args or u.args[0] is not n:
                continue
            if is_alias(u):
                seen.add(u)
                found[u] = n
                stack.append(u)
    return found


_PREDICATES = {"eq": "oeq", "ne": "une", "lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge"}
_COMPARISONS = {f: _PREDICATES[n] for n in _PREDICATES for f in (getattr(operator, n), getattr(torch, n))}
_COMPARISON_METHODS = {**_PREDICATES, **{f"__{n}__": p for n, p in _PREDICATES.items()}}
_LOGICAL_METHODS = {"logical_and": ("and", False), "logical_or": ("or", False), "logical_xor": ("xor", False),
                    "logical_not": ("not", False), "bitwise_and": ("and", True), "bitwise_or": ("or", True),
                    "bitwise_xor": ("xor", True), "bitwise_not": ("not", True), "__and__": ("and", True),
                    "__or__": ("or", True), "__xor__": ("xor", True), "__invert__": ("not", True)}
_LOGICAL = {**{getattr(torch, n): k for n, k in _LOGICAL_METHODS.items() if not n.startswith("_")},
            operator.and_: ("and", True), operator.or_: ("or", True), operator.xor: ("xor", True),
            operator.invert: ("not", True), operator.iand: ("and", True), operator.ior: ("or", True),
            operator.ixor: ("xor", True)}


def _repeat_interleave_dim(repeats: int, dim: int, rank: int) -> int:
    """The dim an integer-count repeat_interleave of a rank-`rank` tensor repeats along,
    from 0; zero repeats (an empty tensor) and a dim the tensor lacks are errors.  Shared
    by both routes (the aten route rewrites the call while make_fx traces it)."""
    if repeats < 1:
        raise UnsupportedError(f"repeat_interleave with {repeats} repeats (an empty tensor) is not supported")
    if not -rank <= dim < rank:
        raise UnsupportedError(f"repeat_interleave along dim {dim} of a rank-{rank} tensor")
    return dim % rank


def _softmax_dim(dim, rank: int) -> int:
    """The dim a softmax / log-softmax reduces over: `dim`, or without one (nn.Softmax(), F.softmax(x)),
    torch's legacy implicit dim (torch.nn.functional._get_softmax_dim): 0 for a 0-D, 1-D or 3-D input,
    else 1 (the channels of an N x C x H x W input), not the last dim."""
    if dim is None:
        return 0 if rank in (0, 1, 3) else 1
    return dim


def _spatial_dims(mod: nn.Module) -> int:
    """1, 2 or 3 for a *1d, *2d or *3d pooling module (from its type: its arguments may be one int)."""
    return _pool_dims(type(mod))


def _adaptive_size(x: Value, size, n: int) -> tuple:
    """An adaptive pooling's output size, n dims (None keeps the input's)."""
    size = _ntuple(size, n)
    return tuple(x.shape[2 + i] if s is None else s for i, s in enumerate(size))


def _pool_dims(fn) -> int:
    """The dimensionality in a pooling module's or function's name (max_pool1d: 1); 2 by default."""
    name = getattr(fn, "__name__", "")
    return int(name[-2]) if name[-2:] in ("1d", "2d", "3d") else 2


def _in_module(n: fx.Node) -> str:
    """" in module 'block.1' (Inner)" for a node traced inside a submodule's forward; "" at the
    top level and for a call_module node, whose target is its path."""
    scope = n.meta.get("egrl_scope")
    if not scope or n.op == "call_module" and n.target == scope:
        return ""
    kind = n.meta.get("egrl_scope_type")
    return f" in module '{scope}'" + (f" ({kind})" if kind else "")


def _contains(a, kinds) -> bool:
    """Whether `a`, or anything in its tuples, lists and dicts, is one of `kinds`."""
    if isinstance(a, kinds):
        return True
    if isinstance(a, (tuple, list)):
        return any(_contains(x, kinds) for x in a)
    if isinstance(a, dict):
        return any(_contains(x, kinds) for x in a.values())
    return False


def _has_value(a) -> bool:
    return _contains(a, (Value, _Complex))


# What a run-time tensor may give as a Python value, a constant of the graph: its shape and
# type, never its elements (shapes are static, so they are the same for every input).
_SHAPE_METHODS = {"size", "dim", "ndimension", "numel", "nelement", "element_size", "stride", "is_contiguous",
                  "is_floating_point", "is_complex", "is_signed", "get_device", "type", "storage_offset",
                  "has_names"}
_SHAPE_FUNCTIONS = (getattr, len, isinstance, torch.numel, torch.is_tensor, torch.is_floating_point,
                    torch.is_complex, torch._assert)


def _shape_query(node: fx.Node) -> bool:
    """Whether fx node `node`, whose result is no tensor, reads only its tensor operands' metadata:
    x.size(1), x.shape, x.dim(), x.dtype (a getattr of a tensor is never its elements), not
    x.item() or x.tolist(). torch._assert (None) is only a check, dropped."""
    if node.op in ("placeholder", "get_attr", "output"):
        return False
    if node.op == "call_method":
        return node.target in _SHAPE_METHODS
    if node.op == "call_function":
        return node.target in _SHAPE_FUNCTIONS
    return False


def _from_input_values(graph: fx.Graph) -> set:
    """The nodes whose results are computed from the elements of the graph's inputs: the placeholders,
    and the nodes reading one of these, but not a shape query's (x.size(1): the same for every input
    of the static shape). A module's parameters and buffers are not inputs: `self.scale.item()` is
    as constant as the buffer."""
    found = set()
    for node in graph.nodes:
        if node.op == "placeholder" or not _shape_query(node) and any(n in found for n in node.all_input_nodes):
            found.add(node)
    return found


def _data_read(node: fx.Node, value) -> str:
    """Why a Python value read out of a run-time tensor is refused (one line)."""
    name = node.target if isinstance(node.target, str) else getattr(node.target, "__name__", str(node.target))
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    what = f"Tensor.{name}()" if node.op == "call_method" else f"{name}()"
    return (f"{what} reads a Python {type(value).__name__} out of a run-time tensor ({shown} on the example "
            "input), which the graph would hold as a constant for every input: not supported (a shape, x.size() "
            "or x.shape, may be a constant)")


TRACES = ("auto", "fx", "aten")
# Where torch keeps quantized (converted), QAT and observer modules: ops on quantized tensors and
# packed int8 weights, which neither route lowers.
_QUANTIZED_MODULES = ("torch.ao.nn.quantized", "torch.nn.quantized", "torch.ao.nn.intrinsic.quantized",
                      "torch.nn.intrinsic.quantized", "torch.ao.nn.qat", "torch.nn.qat", "torch.ao.nn.intrinsic.qat",
                      "torch.nn.intrinsic.qat", "torch.ao.quantization.fake_quantize",
                      "torch.ao.quantization.observer")


# Float placeholders of eager-mode quantization that torch keeps among the quantized modules:
# FloatFunctional's add / add_relu / mul / cat / ... are torch.add, relu, ... on float tensors until
# `convert` swaps them for QFunctional (QuantStub / DeQuantStub, identities until then, live in
# torch.ao.quantization.stubs). A model holding them computes in float.
_FLOAT_PLACEHOLDERS = ("FloatFunctional", "FXFloatFunctional")


def quantized_part(module: nn.Module) -> str | None:
    """'path' (Type) of the first quantized, QAT or fake-quant submodule of `module`, else None
    (a model prepared for eager-mode quantization but not converted, whose FloatFunctional,
    QuantStub and DeQuantStub compute in float, is not quantized)."""
    for path, m in module.named_modules():
        kind = type(m).__module__
        if kind.startswith(_QUANTIZED_MODULES) and not (
                kind.endswith(".functional_modules") and type(m).__name__ in _FLOAT_PLACEHOLDERS):
            return f"'{path or '(root)'}' ({kind}.{type(m).__name__})"
    return None



def script_module(module: nn.Module) -> str | None:
    """What a TorchScript module is (torch.jit.trace's or torch.jit.script's), else None: its
    forward is TorchScript, which neither torch.fx nor make_fx traces; torch.onnx.export reads it."""
    if not isinstance(module, torch.jit.ScriptModule):
        return None
    how = "torch.jit.trace" if isinstance(module, torch.jit.TracedModule) else "torch.jit.script"
    return f"a TorchScript module ({how} of {module.original_name})"


def import_module(module: nn.Module, example_inputs, func_name: str = "forward",
                  inline_weights: bool = False, trace: str = "fx") -> TorchImportResult:
    """Trace `module` and lower it; see the module banner.

    `example_inputs` is a tensor or a sequence of tensors (batch 1, static
    shapes); only their shapes/dtypes matter for the emitted text.
    `inline_weights` writes real weight values (numerical tests only).
    `trace`: "fx" (torch.fx.symbolic_trace, module-level ops, module-path
    locations), "aten" (make_fx on the example inputs, ATen ops; handles shape
    unpacking, einsum, nn.MultiheadAttention; egrl_import.aten_import), or
    "auto": fx, and aten if fx cannot trace or lower the module (the result's
    `fallback_reason` says why).
    """
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = [example_inputs]
    for x in example_inputs:
        if not isinstance(x, torch.Tensor):
            raise UnsupportedError(f"example inputs must be tensors, not {type(x).__name__} "
                                   "(a forward taking a dict, a list or a number is not supported)")
    if trace not in TRACES:
        raise ValueError(f"trace must be one of {TRACES}, got {trace!r}")
    part = quantized_part(module)
    if part is not None:
        raise UnsupportedError(f"{type(module).__name__} is quantized ({part}): the fx and aten routes import float "
                               "models; --trace onnx imports it (torch.onnx.export's QuantizeLinear / "
                               "DequantizeLinear graph)")
    script = script_module(module)
    if script is not None:
        raise UnsupportedError(f"{type(module).__name__} is {script}: the fx and aten routes trace Python code, "
                               "not TorchScript; --trace onnx imports it (torch.onnx.export), or import the "
                               "nn.Module it was made from")
    if trace in ("fx", "auto"):
        try:
            return _FxImporter(module, example_inputs, func_name, inline_weights).run()
        except UnsupportedError as e:
            if trace == "fx":
                raise
            reason = str(e)
    from .aten_import import import_module_aten

    try:
        r = import_module_aten(module, example_inputs, func_name, inline_weights)
    except UnsupportedError as e:
        if trace == "aten":
            raise
        raise UnsupportedError(f"{reason} (the aten route failed too: {e})") from e
    r.route = "aten"
    if trace == "auto":
        r.fallback_reason = reason
    return r
