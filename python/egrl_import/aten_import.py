# ---------------------------------------------------------------------------
# egrl_import.aten_import — the `aten` route: make_fx to ATen ops, then MLIR.
#
# torch.fx.symbolic_trace follows Python with Proxies, so models that unpack
# shapes (`B, S, D = x.shape`), call einsum, or branch on tensors
# (nn.MultiheadAttention's fast path) do not trace.  make_fx
# (torch.fx.experimental.proxy_tensor) runs the model on fake tensors of the
# example inputs' shapes (no arithmetic: fast) and records the ATen ops the
# dispatcher sees; one real run of the recorded graph then gives the values
# of the tensors folded as constants.  Python control flow
# and shape arithmetic are executed, not traced, so every shape and integer
# argument in the graph is already a constant (torch.jit.trace, the other
# candidate, records size() calls and int arithmetic as graph ops that
# would need folding).  The price is a lower-level graph (Linear is t +
# addmm, einsum is permute/view/bmm, LayerNorm is native_layer_norm).
# Module forward hooks tag each node with the innermost module's path, so
# ops are located as in the fx route (loc("h.0.attn/bmm")).
#
# Parameters and buffers are passed as graph inputs through
# torch.nn.utils.stateless.functional_call (fake tracing cannot read real
# tensors), so every weight keeps its module path as its dense_resource
# name; integer and boolean buffers (position ids, masks) become constants.  Tracing runs with autograd enabled and parameters
# requiring grad: nn.MultiheadAttention then takes its composite path
# (linear/bmm/softmax) instead of the fused _native_multi_head_attention.
# Tensors computed from constants only (causal masks from tril/ones/arange)
# are folded at import; non-splat float ones become dense_resource weights.
# ---------------------------------------------------------------------------
"""Import a PyTorch module through make_fx (ATen ops) into linalg-on-tensors MLIR."""

from __future__ import annotations

import contextlib
import math
import operator
import os
import weakref

import torch
import torch.fx as fx
import torch.nn as nn
import torch.utils._pytree as pytree
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from .mlir import UnsupportedError, Value, first_line
from .torch_import import (_Complex, _Const, _contains, _DTYPES_I1, _FxImporter, _Recorder, _inplace_name,
                           _is_tensorish, _has_value, _ntuple, _repeat_interleave_dim, aliases_taken_before,
                           MAX_NORM, TorchImportResult)

aten = torch.ops.aten


class _LazyWeight:
    """A parameter placeholder: its constant is emitted at first use."""

    def __init__(self, tensor: torch.Tensor, name: str, buffer: bool):
        self.tensor, self.name, self.buffer = tensor, name, buffer


def _target_name(fn) -> str:
    return str(fn) if isinstance(fn, torch._ops.OpOverload) else getattr(fn, "__name__", str(fn))


class _AtenImporter(_FxImporter):
    def where(self, n: fx.Node) -> str:
        return f"aten node '{n.name}' ({n.op} {_target_name(n.target)})"

    def _run(self) -> TorchImportResult:
        from torch.fx.experimental.proxy_tensor import make_fx
        from torch.nn.utils.stateless import functional_call

        m = self.module.eval()
        # Every name of every parameter and buffer: a tied weight (an LM head
        # that is the embedding table) has two, and functional_call replaces
        # names, so the one named_parameters() leaves out would stay a real
        # tensor and become a constant of its own.
        named, buffers = {}, {}
        for path, mod in m.named_modules():
            prefix = f"{path}." if path else ""
            for k, t in mod._parameters.items():
                if t is not None:
                    named[prefix + k] = t
            for k, t in mod._buffers.items():
                if t is not None:
                    named[prefix + k] = buffers[prefix + k] = t
        # Parameters must require grad (see the banner), buffers must not (batch-norm
        # statistics); copies, so the module is untouched. A tied weight's names
        # share one copy.
        copies = {}
        params = {k: copies.setdefault(id(t), t.detach().clone().requires_grad_(k not in buffers))
                  for k, t in named.items()}
        for k, t in named.items():  # a tied weight is named as the fx route names it: first name
            self.weight_names.setdefault(id(t), k)

        def fn(p, *xs):
            return functional_call(m, p, tuple(xs))

        try:
            try:
                with torch.enable_grad(), _module_scopes(m), _TraceableForms():
                    gm = make_fx(fn, tracing_mode="fake")(params, *self.inputs)
            except Exception as e:
                # Modules that keep their own references to their parameters
                # (nn.LSTM's _flat_weights) hand fake tracing real tensors:
                # trace them on the real example inputs instead, where those
                # parameters become constants of the graph.
                if "non-Fake Tensor" not in str(e):
                    raise
                with torch.enable_grad(), _module_scopes(m), _TraceableForms():
                    gm = make_fx(fn, tracing_mode="real")(params, *[x.clone() for x in self.inputs])
        except Exception as e:
            if type(e).__name__ == "DynamicOutputShapeException":
                op = first_line(e)
                hint = " (repeat_interleave with a tensor of repeats; an integer count is supported)" \
                    if "repeat_interleave" in op else ""
                raise UnsupportedError(f"make_fx cannot trace {type(m).__name__}: the output shape of {op} depends "
                                       f"on tensor values{hint}: not supported") from e
            if "get value out of a tracing tensor" in str(e) or ".tolist() is not supported for tensor" in str(e):
                # make_fx's words for a data-dependent read
                where = user_frame(e.__traceback__)
                raise UnsupportedError(f"make_fx cannot trace {type(m).__name__}: {where + ': ' if where else ''}"
                                       "it reads a Python value out of a traced tensor (.item(), .tolist(), "
                                       "int(t), float(t), bool(t), `if` on a tensor), which may depend on the "
                                       "input's values: not supported") from e
            kernel = _meta_kernel(e)
            if kernel:  # torch's own shape function failed: name the op, not its internal error
                raise UnsupportedError(f"make_fx cannot trace {type(m).__name__}: torch 1.13's fake-tensor kernel "
                                       f"{kernel} fails on it ({type(e).__name__}: {first_line(e)}), so the aten "
                                       "route cannot import it; --trace onnx may (torch.onnx.export)") from e
            raise UnsupportedError(f"make_fx cannot trace {type(m).__name__}: {type(e).__name__}: {first_line(e)}") from e
        # Dead-code elimination that keeps in-place ops (fx's own treats them as pure).
        for node in reversed(list(gm.graph.nodes)):
            if node.op == "call_function" and not node.users and not _writes_in_place(node.target):
                gm.graph.erase_node(node)
        gm.recompile()
        self.gm = gm
        rec = _Recorder(gm, _written_nodes)
        # Copies: an in-place op of the graph must not reach the module's own tensors.
        flat = [named[k].detach().clone() for k in params] + [x.clone() for x in self.inputs]
        try:
            with torch.no_grad():
                rec.run(*flat)
        except Exception as e:
            # The first line: torch.fx appends the node and a traceback.
            raise UnsupportedError(f"running the ATen graph of {type(m).__name__} failed: "
                                   f"{first_line(e)}") from e
        self.results = rec.results

        names = list(params)
        args, results = [], []
        n_ph = 0
        order = {n: i for i, n in enumerate(gm.graph.nodes)}
        for node in gm.graph.nodes:
            self.node = node
            scope = node.meta.get("egrl_scope")
            self.em.loc = f"{scope}/{node.name}" if scope else node.name
            if node.op == "placeholder":
                if n_ph < len(names):
                    k = names[n_ph]
                    t = named[k]
                    # Integer / boolean buffers (position ids, masks) are index data, not weights.
                    self.env[node] = _LazyWeight(t, k, k in buffers) if t.is_floating_point() else _Const(t)
                else:
                    self._input_arg(node, args)
                n_ph += 1
                continue
            if node.op == "output":
                results = self._results(node)
                continue
            rec_val = self.results[node]
            if node.op == "get_attr":
                t = rec_val
                self.env[node] = self._fold(t) if isinstance(t, torch.Tensor) else t
                continue
            if not _is_tensorish(rec_val):
                self.env[node] = rec_val
                continue
            a = self.env_of(node.args)
            kw = self.env_of(node.kwargs)
            if _writes_in_place(node.target) and not _has_value((a, kw)) and not _has_lazy((a, kw)):
                self._check_constant_write(node, order)
            if isinstance(rec_val, torch.Tensor) and (
                    getattr(node.target, "overloadpacket", None) in _SHAPE_ONLY
                    or not _has_value((a, kw)) and not _has_lazy((a, kw))):
                self.env[node] = self._fold(rec_val)
                continue
            if node.op != "call_function":
                raise self.fail(f"unexpected fx op '{node.op}'")
            if self._unfold_before_write(node, rec.before.get(node, {}), order):
                a = self.env_of(node.args)
            target = node.target
            if getattr(target, "overloadpacket", None) is aten.embedding_renorm_:  # F.embedding(max_norm=...)
                raise self.fail(f"an embedding {MAX_NORM}")
            inplace = _inplace_functional(target)
            into = None
            if inplace is not None:
                # relu_(x), add_(x, y), ...: the functional op, and x's later readers read its result.
                base = node.args[0]
                # t.mul_(2); t.add_(1) on a slice t: the second writes through the first's
                # result, the same view; as a write into the view it would reach the base.
                written = base
                while isinstance(written, fx.Node) and _writes_in_place(written.target) and written.args:
                    written = written.args[0]
                if written is not base and isinstance(written, fx.Node) and _is_view(written) \
                        and not _private_view(written):
                    raise self.fail("an in-place op on a view (the mutation would reach its base) is not "
                                    "supported")
                if not isinstance(base, fx.Node) or (_is_view(base) and not _private_view(base)):
                    into = _slice_written_into(node, order) if isinstance(base, fx.Node) else None
                    if into is None:
                        raise self.fail("an in-place op on a view (the mutation would reach its base) is not "
                                        "supported")
                target = inplace
            out = self._aten(target, a, kw)
            if inplace is not None:
                self.env[node.args[0]] = out
                if into is None:
                    self._rederive_views(node, out, order)
            if into is not None:  # the slice's base, updated: its later readers read that
                base, chain = into
                self.env[base] = self._insert_slice(out, chain, self.value(self.env[base]))
            self._check(out, rec_val)
            self.env[node] = out
        self.node = None
        header = [f"Generated by egrl-import (torch make_fx, ATen ops) from {type(m).__name__}.",
                  "Weights are dense_resource constants without blobs; names follow module paths."]
        text = self.em.module(self.func_name, args, results, header)
        nparams = sum(p.numel() for p in m.parameters())
        res = {k: v[0] for k, v in self.em.resources.items()}
        return TorchImportResult(text, nparams, self.kept_buffers, len(res),
                                 sum(math.prod(s) for s in res.values()), res)

    def _upsample_scales(self, a, kw, i):
        """The scale factors of an upsample op: the list of its .vec overload (at `i`), or the
        trailing scales_* numbers of its default one; None when not given."""
        if self.node.target._overloadname == "vec":
            return _get(a, kw, i, "scale_factors")
        scales = list(a[i:]) + [kw[k] for k in ("scales", "scales_d", "scales_h", "scales_w") if k in kw]
        return scales if any(f is not None for f in scales) else None

    def _check_constant_write(self, node, order) -> None:
        """A constant written in place (a mask built by slice assignment: m[a:b] = k) is
        folded from the traced run, which holds its final value. That is its value for
        every reader only if nobody reads it, or a view of it, before this write."""
        root = node.args[0]
        while isinstance(root, fx.Node) and _is_view(root) and isinstance(root.args[0], fx.Node):
            root = root.args[0]
        aliases, stack = set(), [root]
        while stack:
            n = stack.pop()
            if n not in aliases:
                aliases.add(n)
                stack.extend(u for u in n.users if _is_view(u) or _writes_in_place(u.target))
        early = [u for n in aliases for u in n.users
                 if u not in aliases and order[u] < order[node]]
        if early:
            raise self.fail(f"a constant is written in place after '{early[0].name}' read it; not supported")

    def _unfold_before_write(self, node, before, order) -> bool:
        """A constant (or a view of one) that an op with run-time operands writes in place
        (nn.MultiheadAttention fills zeros_like(mask) by masked_fill_ with the mask) is folded
        from the traced run, which holds its value after the write, computed from the example
        input. The op reads it as it was before: the recorded copy from just before the write.
        True if any operand changed."""
        consts = [x for x in before if isinstance(self.env.get(x), _Const)]
        if not consts:
            return False
        self._check_constant_write(node, order)
        for x in consts:
            self.env[x] = _Const(before[x])
        return True

    def _rederive_views(self, node, out, order) -> None:
        """After in-place op `node` wrote `out` into a tensor: a view of that tensor (x[:, :4],
        x.t(), x.flatten(), select, a split piece, ... and views of views) taken before the write
        and read after it reads the written elements, as in torch, so it is lowered again on the
        updated tensor: a view's elements are its base's at fixed positions, the same function of
        the new values as of the old. The nodes that name the written memory before the write
        (earlier in-place results on it) name the update too. Before, such a view kept the values
        from before the write (a skip sliced off a conv output ahead of nn.ReLU(inplace=True): 3.28
        off torch). A write that changes no element (transpose_, unsqueeze_) leaves earlier views
        as they are; a view of the tensor taken before it changed shape in place, read after a
        later write, is refused."""
        if _metadata_write(node.target):
            return
        names, x, reshaped = [], node.args[0], None
        while isinstance(x, fx.Node):
            names.append(x)
            if not _writes_in_place(x.target) or not x.args:
                break
            if _metadata_write(x.target):  # the memory's name before it took out's shape
                reshaped = x.args[0] if isinstance(x.args[0], fx.Node) else None
                break
            x = x.args[0]
        for n in names[1:]:
            self.env[n] = out
        if reshaped is not None:
            older = [reshaped]
            while _writes_in_place(older[-1].target) and older[-1].args and isinstance(older[-1].args[0], fx.Node):
                older.append(older[-1].args[0])
            stale = _views_read_after(older, node, order, exclude=names)
            if stale:
                raise self.fail(f"'{stale[0].name}', a view taken before '{x.name}' changed the shape of the "
                                f"tensor '{node.name}' writes in place, is read after the write; not supported")
        needed = _views_read_after(names, node, order)
        for view in sorted(needed, key=order.get):
            self.node = view
            scope = view.meta.get("egrl_scope")
            self.em.loc = f"{scope}/{view.name}" if scope else view.name
            if _writes_in_place(view.target) and not _metadata_write(view.target):
                v = self.env[view.args[0]]  # an in-place result on a view names that view
            else:
                fn = _inplace_functional(view.target) or view.target
                v = self._aten(fn, self.env_of(view.args), self.env_of(view.kwargs))
                self._check(v, self.results[view])
            self.env[view] = v
        self.node = node
        scope = node.meta.get("egrl_scope")
        self.em.loc = f"{scope}/{node.name}" if scope else node.name

    def _insert_slice(self, out: Value, chain, base: Value) -> Value:
        """base with the slice that `chain` (aten.slice views, from base down) takes replaced by out."""
        offsets, strides, shape = [0] * base.rank, [1] * base.rank, list(base.shape)
        for view in chain:
            d = _get(view.args, view.kwargs, 1, "dim", 0) % base.rank
            start, end = _get(view.args, view.kwargs, 2, "start", None), _get(view.args, view.kwargs, 3, "end", None)
            step = _get(view.args, view.kwargs, 4, "step", 1)
            start, end, _ = slice(start, None if end is not None and end >= 2 ** 62 else end, step).indices(shape[d])
            shape[d] = len(range(start, end, step))
            offsets[d] += start * strides[d]
            strides[d] *= step
        return self.em.insert_slice(out, base, offsets, strides)

    def _unfold(self, x: Value, dimension: int, size: int, step: int) -> Value:
        """x.unfold(dimension, size, step): the windows of `size` elements, `step` apart, along
        `dimension`, as a new last dim: one strided slice per position in the window (element j
        of every window) and a concatenation along the new dim."""
        if x.rank == 0:
            raise self.fail("unfold of a 0-dim tensor is not supported")
        d = dimension % x.rank
        shape, strides = list(x.shape), [1] * x.rank
        shape[d], strides[d] = (x.shape[d] - size) // step + 1, step
        pieces = []
        for j in range(size):
            offsets = [0] * x.rank
            offsets[d] = j
            piece = self.em.extract_slice(x, offsets, shape, strides)
            pieces.append(self.em.reshape(piece, tuple(shape) + (1,)))
        return self.em.concat(pieces, x.rank)

    def _index(self, x: Value, indices: list) -> Value:
        """x[..., ids, ...] with one integer index tensor (a relative-position table read
        through a constant index buffer): rows gathered as aten.embedding is."""
        em = self.em
        where = [i for i, t in enumerate(indices) if t is not None]
        if len(where) != 1:
            raise self.fail("indexing with several index tensors is not supported")
        p, ids = where[0], indices[where[0]]
        if isinstance(ids, _Const) and ids.tensor.dtype == torch.int64:
            ids = _Const(torch.where(ids.tensor < 0, ids.tensor + x.shape[p], ids.tensor))
        ids = self.value(ids)
        if ids.dtype not in ("i64", "i32"):
            raise self.fail(f"indexing with a {ids.dtype} tensor (a mask) is not supported")
        return em.take(x, p, ids)

    # -- operands ---------------------------------------------------------------
    def _fold(self, t: torch.Tensor):
        """A tensor computed from constants only: kept as a compile-time constant."""
        return _Const(t.detach())

    def value(self, v) -> Value:
        if isinstance(v, _LazyWeight):
            return self._weight(v.tensor, v.name, buffer=v.buffer)
        if isinstance(v, _Const):
            t = v.tensor
            dt = _DTYPES_I1.get(t.dtype)
            if dt is None:
                raise self.fail(f"constant of dtype {t.dtype} is not supported")
            flat = t.reshape(-1)
            if dt == "f32" and flat.numel() > 1 and not bool((flat == flat[0]).all()):
                # A non-splat float constant (a causal mask): a weight of its own.
                # The same view of the same memory is one weight: traced on real
                # inputs, an unrolled loop (nn.LSTM's time steps) reads a
                # parameter through a new transpose at every step.
                key = (t.storage().data_ptr(), t.storage_offset(), tuple(t.shape), tuple(t.stride()), t.dtype)
                if key not in self.weights:
                    data = t.numpy() if self.inline_weights else None
                    self.weights[key] = self.em.weight(self.em.unique_resource(f"const_{self.node.name}"),
                                                       t.shape, data=data)
                    self.kept_buffers += t.numel()
                return self.weights[key]
            return self.em.dense(t.numpy(), dt)
        return super().value(v)

    def operand(self, v):
        if isinstance(v, _LazyWeight):
            return self.value(v)
        return super().operand(v)

    def _flatten_out(self, v) -> list[Value]:
        if isinstance(v, _LazyWeight):  # a parameter or buffer returned as it is (a detector's priors)
            return [self.value(v)]
        return super()._flatten_out(v)

    def _weight(self, t, qualname, buffer=False):
        self.weight_names.setdefault(id(t), qualname)
        return super()._weight(t, qualname, buffer)

    # -- ATen ops -----------------------------------------------------------------
    def _aten(self, fn, a, kw):
        em = self.em
        if fn is operator.getitem:
            return a[0][a[1]]
        if not isinstance(fn, torch._ops.OpOverload):
            raise self.fail(f"function {_target_name(fn)} is not supported")
        op = fn.overloadpacket
        V = self.value

        # views and copies
        if op in (aten.view, aten._unsafe_view, aten.reshape, aten._reshape_alias):
            return self._reshape(a[0] if isinstance(a[0], _Complex) else V(a[0]), a[1])
        if op in (aten.clone, aten.contiguous, aten.alias, aten.detach, aten.lift_fresh_copy, aten.lift_fresh,
                  aten.dropout, aten.feature_dropout):
            return a[0] if isinstance(a[0], _Complex) else V(a[0])
        if op is aten.view_as_complex:
            return self._view_as_complex(V(a[0]))
        if op is aten.view_as_real:
            if not isinstance(a[0], _Complex):
                raise self.fail("view_as_real of a tensor that is not complex")
            return a[0].pairs
        if op is aten.pixel_shuffle:
            return em.depth_to_space(V(a[0]), a[1])
        if op is aten.pixel_unshuffle:
            return em.space_to_depth(V(a[0]), a[1])
        if op is aten._to_copy:
            x = V(a[0])
            dt = kw.get("dtype")
            if dt is None:
                return x
            if dt not in _DTYPES_I1:
                raise self.fail(f"casting {x.dtype} to {dt} is not supported")
            return em.cast(x, _DTYPES_I1[dt])
        if op is aten.t:
            return self._method("t", [V(a[0])], {})
        if op is aten.transpose:
            return self._transpose(V(a[0]), a[1], a[2])
        if op is aten.permute:
            return em.transpose(V(a[0]), a[1])
        if op in (aten.unsqueeze, aten.squeeze):
            return self._method(op.__name__, [V(a[0])] + list(a[1:]), kw)
        if op is aten.expand:
            x = V(a[0])
            shape = list(a[1])
            off = len(shape) - x.rank
            shape = [x.shape[i - off] if s == -1 else s for i, s in enumerate(shape)]
            return em.broadcast_to(x, shape)
        if op is aten.select:
            x = V(a[0])
            d = a[1] % x.rank
            idx = [slice(None)] * d + [a[2]]
            return self._getitem(x, tuple(idx))
        if op is aten.slice:
            x = V(a[0])
            d = _get(a, kw, 1, "dim", 0) % x.rank
            start, end, step = _get(a, kw, 2, "start", None), _get(a, kw, 3, "end", None), _get(a, kw, 4, "step", 1)
            end = None if end is not None and end >= 2 ** 62 else end
            return self._getitem(x, tuple([slice(None)] * d + [slice(start, end, step)]))
        if op is aten.unfold:  # Tensor.unfold: the windows along a dim, a view in torch
            return self._unfold(V(a[0]), a[1], a[2], a[3])
        if op in (aten.split, aten.split_with_sizes, aten.unsafe_split, aten.unsafe_split_with_sizes):
            x = V(a[0])
            d = _get(a, kw, 2, "dim", 0) % x.rank
            sizes = a[1]
            if isinstance(sizes, int):
                sizes = [min(sizes, x.shape[d] - o) for o in range(0, x.shape[d], sizes)]
            outs, off = [], 0
            for sz in sizes:
                offs, shp = [0] * x.rank, list(x.shape)
                offs[d], shp[d] = off, sz
                outs.append(em.extract_slice(x, offs, shp, [1] * x.rank))
                off += sz
            return outs
        if op is aten.unbind:
            x = V(a[0])
            d = _get(a, kw, 1, "dim", 0) % x.rank
            return [self._getitem(x, tuple([slice(None)] * d + [i])) for i in range(x.shape[d])]
        if op is aten.cat:
            xs = [V(x) for x in a[0] if not (isinstance(x, _Const) and x.tensor.numel() == 0)]
            return em.concat(xs, _get(a, kw, 1, "dim", 0) % xs[0].rank)
        if op is aten.stack:
            xs = [V(x) for x in a[0]]
            d = _get(a, kw, 1, "dim", 0) % (xs[0].rank + 1)
            return em.concat([em.reshape(x, x.shape[:d] + (1,) + x.shape[d:]) for x in xs], d)
        if op is aten.flatten:
            return self._flatten(V(a[0]), _get(a, kw, 1, "start_dim", 0), _get(a, kw, 2, "end_dim", -1))

        # matmul family
        if op in (aten.mm, aten.bmm, aten.matmul, aten.mv, aten.dot):  # mv, dot: matmul's 1-D forms
            return em.matmul(V(a[0]), V(a[1]))
        if op in (aten.addmm, aten.baddbmm, aten.addmv):
            y = em.matmul(V(a[1]), V(a[2]))
            beta, alpha = kw.get("beta", 1), kw.get("alpha", 1)
            if alpha != 1:
                y = em.binary("mul", y, float(alpha))
            if beta == 0:
                return y
            c = self.operand(a[0])
            if beta != 1:
                c = em.binary("mul", c, float(beta)) if isinstance(c, Value) else c * beta
            return em.binary("add", y, c)
        if op is aten.linear:
            b = _get(a, kw, 2, "bias")
            return em.linear(V(a[0]), V(a[1]), V(b) if b is not None else None)
        if op is aten.convolution:
            x, w = V(a[0]), V(a[1])
            b = a[2]
            stride, padding, dilation, transposed, _, groups = a[3:9]
            if transposed:
                return self._conv_transpose(x, w, V(b) if b is not None else None, stride, padding, a[7], groups,
                                            dilation)
            if x.rank == 3:
                return em.conv1d(x, w, V(b) if b is not None else None, stride[0], (padding[0], padding[0]),
                                 dilation[0], groups)
            if x.rank not in (4, 5):
                raise self.fail("only 1-D, 2-D and 3-D convolution are supported")
            n = x.rank - 2
            p = _ntuple(padding, n)
            return em.conv(x, w, V(b) if b is not None else None, _ntuple(stride, n), p + p, _ntuple(dilation, n),
                           groups)

        # element-wise
        binops = {aten.add: "add", aten.sub: "sub", aten.mul: "mul", aten.div: "div", aten.pow: "pow",
                  aten.maximum: "max", aten.minimum: "min", aten.atan2: "atan2", aten.remainder: "remainder",
                  aten.floor_divide: "floordiv"}
        if op in binops:  # div's rounding_mode (floor, trunc) is read by _binary
            return self._binary(binops[op], a, kw)
        if op is aten.rsub:  # other - alpha * self
            x = self.operand(a[0])
            alpha = _get(a, kw, 2, "alpha", 1)
            if alpha != 1:
                x = em.binary("mul", x, float(alpha))
            return em.binary("sub", *em.promoted("sub", self.operand(a[1]), x))
        unary = {aten.relu: "relu", aten.tanh: "tanh", aten.sigmoid: "sigmoid", aten.exp: "exp", aten.erf: "erf",
                 aten.sqrt: "sqrt", aten.rsqrt: "rsqrt", aten.neg: "neg", aten.reciprocal: "reciprocal",
                 aten.silu: "silu", aten.hardswish: "hardswish", aten.hardsigmoid: "hardsigmoid",
                 aten.abs: "abs", aten.log: "log", aten.mish: "mish",
                 aten.sin: "sin", aten.cos: "cos", aten.floor: "floor", aten.ceil: "ceil", aten.trunc: "trunc",
                 aten.sign: "sign", aten.log1p: "log1p", aten.expm1: "expm1", aten.isnan: "isnan", aten.isinf: "isinf"}
        if op in unary:
            return em.unary(unary[op], V(a[0]))
        if op is aten.round:
            if kw.get("decimals", 0):
                raise self.fail("round with decimals is not supported")
            return em.unary("round", V(a[0]))
        if op is aten.celu:
            alpha = _get(a, kw, 1, "alpha", 1.0)
            return em.unary("elu", V(a[0]), alpha=alpha, input_scale=1.0 / alpha)
        if op in (aten.hardshrink, aten.softshrink):
            lambd = _get(a, kw, 1, "lambd", 0.5)
            return em.unary("shrink", V(a[0]), lambd=lambd, bias=lambd if op is aten.softshrink else 0.0)
        if op is aten.log_sigmoid_forward:  # (output, buffer): the buffer is for the backward
            return (em.unary("log_sigmoid", V(a[0])), None)
        if op is aten.log_sigmoid:
            return em.unary("log_sigmoid", V(a[0]))
        if op is aten.glu:
            return em.glu(V(a[0]), _get(a, kw, 1, "dim", -1))
        if op is aten.prelu:
            return self._prelu(V(a[0]), V(a[1]))
        if op in (aten.argmax, aten.argmin):
            return self._arg_reduce(V(a[0]), op.__name__[3:], _get(a, kw, 1, "dim"), _get(a, kw, 2, "keepdim", False))
        if op in (aten.zero, aten.fill):  # zero_ / fill_ with a number (their functional forms here)
            value = self.operand(_get(a, kw, 1, "value")) if op is aten.fill else 0
            if not isinstance(value, Value):
                x = V(a[0])
                return em.fill(x.shape, value, x.dtype)
        if op is aten.leaky_relu:
            return em.unary("leaky_relu", V(a[0]), slope=_get(a, kw, 1, "negative_slope", 0.01))
        if op is aten.elu:  # (x, alpha, scale, input_scale): SELU is elu with torch's alpha and scale
            return em.unary("elu", V(a[0]), alpha=_get(a, kw, 1, "alpha", 1.0), scale=_get(a, kw, 2, "scale", 1.0),
                            input_scale=_get(a, kw, 3, "input_scale", 1.0))
        if op is aten.softplus:
            return self._softplus(V(a[0]), _get(a, kw, 1, "beta", 1.0), _get(a, kw, 2, "threshold", 20.0))
        if op is aten.gelu:
            return em.unary("gelu", V(a[0]), approximate=kw.get("approximate", "none"))
        if op in (aten.clamp, aten.clip, aten.hardtanh):
            d = (-1.0, 1.0) if op is aten.hardtanh else (None, None)
            return self._clamp(a[0], _get(a, kw, 1, "min", d[0]), _get(a, kw, 2, "max", d[1]))
        if op is aten.clamp_min:
            return self._clamp(a[0], a[1], None)
        if op is aten.clamp_max:
            return self._clamp(a[0], None, a[1])
        if op is aten.where:
            return em.select(V(a[0]), self.operand(a[1]), self.operand(a[2]))
        if op is aten.masked_fill:
            return em.select(V(a[1]), self.operand(a[2]), self.operand(a[0]))
        cmps = {aten.eq: "oeq", aten.ne: "une", aten.lt: "olt", aten.le: "ole", aten.gt: "ogt", aten.ge: "oge"}
        if op in cmps:
            return self._compare(cmps[op], a[0], a[1])
        logic = {aten.bitwise_and: "and", aten.bitwise_or: "or", aten.bitwise_xor: "xor", aten.bitwise_not: "not",
                 aten.logical_and: "and", aten.logical_or: "or", aten.logical_xor: "xor", aten.logical_not: "not"}
        if op in logic:
            return self._logical(logic[op], a, op.__name__.startswith("bitwise"))
        if op in (aten.addcmul, aten.addcdiv):
            return self._addc("mul" if op is aten.addcmul else "div", a[0], a[1], a[2], _get(a, kw, 3, "value", 1))
        if op is aten.lerp:
            return em.lerp(V(a[0]), self.operand(a[1]), self.operand(a[2]))
        if op is aten.threshold:
            return self._threshold(a[0], a[1], a[2])
        if op is aten._trilinear:  # F.bilinear: (x1, w, x2, expand1, expand2, expand3, sumdim, unroll_dim)
            return self._trilinear([V(x) for x in a[:3]], a[3:6], a[6])
        if op in (aten.scatter, aten.scatter_add):  # (x, dim, index, src or value, *, reduce)
            return self._scatter(a[0], a[1], a[2], a[3], "add" if op is aten.scatter_add else _get(a, kw, 4, "reduce"))

        # normalisation, reductions, softmax
        if op in (aten._softmax, aten.softmax):
            return em.softmax(V(a[0]), a[1])
        if op in (aten._log_softmax, aten.log_softmax):
            return em.log_softmax(V(a[0]), a[1])
        if op is aten.native_layer_norm:
            x = V(a[0])
            w, b = a[2], a[3]
            y = em.layer_norm(x, len(a[1]), V(w) if w is not None else None, V(b) if b is not None else None, a[4])
            return (y, None, None)
        if op is aten.layer_norm:
            x = V(a[0])
            w, b = _get(a, kw, 2, "weight"), _get(a, kw, 3, "bias")
            return em.layer_norm(x, len(a[1]), V(w) if w is not None else None, V(b) if b is not None else None,
                                 _get(a, kw, 4, "eps", 1e-5))
        if op is aten.native_batch_norm:  # (x, weight, bias, running_mean, running_var, training, momentum, eps)
            x, w, b, rm, rv, training = a[:6]
            if training and rm is None:
                # Statistics of the batch, updating none: per channel over the batch and its
                # positions (batch-norm without running statistics, at inference or in training
                # mode; instance norm decomposes so, its sample's channels viewed as a batch of one).
                y = em.batch_statistics_norm(V(x), V(w) if w is not None else None,
                                             V(b) if b is not None else None, a[7])
                return (y, None, None)
            if training:
                raise self.fail("batch-norm in training mode, which updates its running statistics, is not "
                                "supported")
            if rm is None or rv is None:
                raise self.fail("batch-norm in eval mode without running statistics is not supported")
            y = em.batch_norm(V(x), V(rm), V(rv), V(w) if w is not None else None,
                              V(b) if b is not None else None, a[7])
            return (y, None, None)
        if op in (aten.mean, aten.sum, aten.amax, aten.amin):
            kind = {aten.mean: "mean", aten.sum: "sum", aten.amax: "max", aten.amin: "min"}[op]
            x = self._reduced_operand(V(a[0]), kind, kw.get("dtype"))  # the sum of x cast, as torch computes it
            return self._reduce(x, _get(a, kw, 1, "dim"), _get(a, kw, 2, "keepdim", False),
                                lambda x, dims: em.reduce(x, dims, kind))
        if op is aten.prod:  # .default(x, dtype=) over everything, .dim_int(x, dim, keepdim, dtype=)
            return self._prod(V(a[0]), _get(a, kw, 1, "dim"), _get(a, kw, 2, "keepdim", False), kw.get("dtype"))
        if op is aten.logsumexp:
            return self._reduce(V(a[0]), a[1], _get(a, kw, 2, "keepdim", False), em.logsumexp)
        if op is aten.topk:  # (x, k, dim, largest, sorted) -> (values, indices)
            return self._sort(V(a[0]), _get(a, kw, 2, "dim", -1), a[1], _get(a, kw, 3, "largest", True))
        if op is aten.sort:  # .default(x, dim, descending), .stable(x, *, stable, dim, descending)
            return self._sort(V(a[0]), _get(a, kw, 1, "dim", -1), None, _get(a, kw, 2, "descending", False))
        if op in (aten.tril, aten.triu):
            return em.triangle(V(a[0]), _get(a, kw, 1, "diagonal", 0), op is aten.triu)
        if op in (aten.max, aten.min) and len(a) == 1 and not kw:  # the whole tensor: rank 0, as amax over all dims
            return em.reduce(V(a[0]), list(range(V(a[0]).rank)), "max" if op is aten.max else "min")
        if op in (aten.max, aten.min) and len(a) > 1 and isinstance(a[1], int):  # (values, indices) over a dim
            kind, keepdim = ("max" if op is aten.max else "min"), _get(a, kw, 2, "keepdim", False)
            values = self._reduce(V(a[0]), a[1], keepdim, lambda x, dims: em.reduce(x, dims, kind))
            # The indices (as argmax / argmin: the first of equal values, NaN the largest) only if read.
            read = any(u.args[1] == 1 and u.users for u in self.node.users)
            return (values, self._arg_reduce(V(a[0]), kind, a[1], keepdim) if read else None)
        if op in (aten.var, aten.std):
            # var.correction(x, dim, correction=, keepdim=) or var.dim(x, dim, unbiased, keepdim)
            if "correction" in self.node.target._overloadname:
                correction = kw.get("correction", 1)
                correction = 1 if correction is None else correction
            else:
                correction = 1 if _get(a, kw, 2, "unbiased", True) else 0
            r = self._reduce(V(a[0]), _get(a, kw, 1, "dim"), kw.get("keepdim", _get(a, kw, 3, "keepdim", False)),
                             lambda x, dims: em.variance(x, dims, correction))
            return em.unary("sqrt", r) if op is aten.std else r
        if op in (aten.linalg_vector_norm, aten.norm):  # (x, ord / p, dim, keepdim)
            order = _get(a, kw, 1, "ord", None) if op is aten.linalg_vector_norm else _get(a, kw, 1, "p", None)
            order = 2 if order is None else order
            if order not in (1, 2):
                raise self.fail(f"vector norm of order {order} is not supported (1 and 2 are)")
            x = V(a[0])
            x = em.unary("abs", x) if order == 1 else em.binary("mul", x, x)
            r = self._reduce(x, _get(a, kw, 2, "dim"), _get(a, kw, 3, "keepdim", False),
                             lambda x, dims: em.reduce(x, dims, "sum"))
            return r if order == 1 else em.unary("sqrt", r)
        if op is aten.flip:
            return em.flip(V(a[0]), list(a[1]))
        if op is aten.cumsum:
            return self._cumsum(V(a[0]), a[1], _get(a, kw, 2, "dtype"))
        if op is aten.embedding:
            return em.embedding(V(a[1]), V(a[0]))
        if op in (aten._embedding_bag, aten._embedding_bag_forward_only):
            # (weight, indices, offsets, scale_grad_by_freq, mode, sparse, per_sample_weights,
            # include_last_offset, padding_idx: -1 for none) -> (output, and three for the backward)
            padding_idx = _get(a, kw, 8, "padding_idx", -1)
            y = self._embedding_bag(V(a[1]), V(a[0]), a[2], _get(a, kw, 4, "mode", 0),
                                    _get(a, kw, 6, "per_sample_weights"), _get(a, kw, 7, "include_last_offset", False),
                                    None if padding_idx < 0 else padding_idx)
            return (y, None, None, None)
        if op is aten.gather:  # (x, dim, index, sparse_grad)
            x = V(a[0])
            return em.gather(x, a[1] % max(x.rank, 1), V(a[2]))
        if op is aten.native_group_norm:  # (x, weight, bias, N, C, HxW, groups, eps) -> (y, mean, rstd)
            w, b = a[1], a[2]
            y = em.group_norm(V(a[0]), a[6], V(w) if w is not None else None, V(b) if b is not None else None, a[7])
            return (y, None, None)
        if op in (aten.upsample_nearest1d, aten.upsample_nearest2d, aten.upsample_nearest3d,
                  aten._upsample_nearest_exact1d, aten._upsample_nearest_exact2d, aten._upsample_nearest_exact3d):
            return self._upsample(V(a[0]), "nearest-exact" if "exact" in op.__name__ else "nearest",
                                  scales=self._upsample_scales(a, kw, 2))
        if op in (aten.upsample_bilinear2d, aten.upsample_linear1d, aten.upsample_bicubic2d):
            return self._upsample(V(a[0]), op.__name__.split("_")[1][:-2], _get(a, kw, 2, "align_corners", False),
                                  self._upsample_scales(a, kw, 3))
        if op is aten.grid_sampler_2d:
            modes, paddings = ("bilinear", "nearest", "bicubic"), ("zeros", "border", "reflection")
            return self.em.grid_sample(V(a[0]), V(a[1]), modes[a[2]], paddings[a[3]], bool(a[4]))
        if op is aten.as_strided:
            # Taken only as the identity: a layout change that keeps every element where it
            # was (adaptive pooling to 1 x 1 restriding its output), checked on the traced values.
            x, base = V(a[0]), self.node.args[0]
            before, after = self.results.get(base), self.results[self.node]
            if (list(a[1]) != list(x.shape) or not isinstance(before, torch.Tensor)
                    or not torch.equal(before, after)):
                raise self.fail(f"as_strided to size {list(a[1])}, strides {list(a[2])} is not supported (only a "
                                "layout change that keeps the elements in place)")
            return x
        if op is aten.index:
            return self._index(V(a[0]), list(a[1]))
        if op is aten.index_select:
            ids = V(a[2])  # a 0-d index keeps the dim (size 1), which take() drops, as ONNX Gather does
            return em.take(V(a[0]), a[1], em.reshape(ids, [1]) if ids.rank == 0 else ids)
        if op is aten.roll:
            x = V(a[0])
            shifts, dims = a[1], _get(a, kw, 2, "dims", [])
            shifts = [shifts] if isinstance(shifts, int) else list(shifts)
            dims = [dims] if isinstance(dims, int) else list(dims)
            if len(dims) != len(shifts):
                raise self.fail("roll over the flattened tensor is not supported (give dims)")
            for shift, d in zip(shifts, dims):
                d, size = d % x.rank, x.shape[d % x.rank]
                shift %= size
                if shift:
                    head = [slice(None)] * d + [slice(size - shift, size)]
                    tail = [slice(None)] * d + [slice(0, size - shift)]
                    x = em.concat([self._getitem(x, tuple(head)), self._getitem(x, tuple(tail))], d)
            return x
        if op is aten.repeat:
            return em.tile(V(a[0]), list(a[1]))
        if op is aten.constant_pad_nd:
            return self._pad(V(a[0]), a[1], "constant", _get(a, kw, 2, "value", 0))
        if op in (aten.reflection_pad1d, aten.reflection_pad2d, aten.replication_pad1d, aten.replication_pad2d):
            return self._pad(V(a[0]), a[1], "reflect" if "reflection" in op.__name__ else "replicate")

        # pooling
        # (the op's own dimensionality, 2 or 3, is in its name)
        if op in (aten.max_pool2d_with_indices, aten.max_pool2d, aten.max_pool3d_with_indices, aten.max_pool3d):
            if any(u.args[1] == 1 and u.users for u in self.node.users):
                raise self.fail("the indices of a max-pool are not supported (its values are)")
            x = V(a[0])
            y = self._max_pool(x, 3 if "3d" in op.__name__ else 2, a[1], _get(a, kw, 2, "stride"),
                               _get(a, kw, 3, "padding", 0), _get(a, kw, 4, "dilation", 1),
                               _get(a, kw, 5, "ceil_mode", False))
            return (y, None) if op in (aten.max_pool2d_with_indices, aten.max_pool3d_with_indices) else y
        if op in (aten.avg_pool2d, aten.avg_pool3d):
            x = V(a[0])
            n = 3 if op is aten.avg_pool3d else 2
            k = _ntuple(a[1], n)
            stride = _get(a, kw, 2, "stride") or k
            p = _ntuple(_get(a, kw, 3, "padding", 0), n)
            return em.avg_pool(x, k, _ntuple(stride, n), p + p, _get(a, kw, 4, "ceil_mode", False),
                               _get(a, kw, 5, "count_include_pad", True), _get(a, kw, 6, "divisor_override"))
        if op in (aten._adaptive_avg_pool2d, aten.adaptive_avg_pool2d, aten._adaptive_avg_pool3d,
                  aten.adaptive_avg_pool3d):
            return self._adaptive_avg(V(a[0]), a[1], 3 if "3d" in op.__name__ else 2)
        if op in (aten.adaptive_max_pool2d, aten.adaptive_max_pool3d):
            if any(u.args[1] == 1 and u.users for u in self.node.users):
                raise self.fail("the indices of an adaptive max-pool are not supported (its values are)")
            return (self._adaptive_max(V(a[0]), a[1], 3 if "3d" in op.__name__ else 2), None)

        raise self.fail("ATen op is not supported")


class _TraceableForms(TorchFunctionMode):
    """Functions whose ATen form make_fx cannot trace, or that the importer does not
    read, traced in another form that computes the same:
    - repeat_interleave with an integer count (grouped-query attention's
      k.repeat_interleave(n_rep, dim=1), torch.repeat_interleave(x, n, dim)) as
      unsqueeze + expand + reshape.  ATen's own form makes a tensor of counts and
      calls repeat_interleave.Tensor, whose output shape depends on data: make_fx
      cannot trace it.  A tensor of repeats is left to ATen (and stays an error).
    - F.pad's edge modes as slices and a concatenation (pad_by_slices).
    - F.unfold (im2col), as one strided slice per kernel position and a stack
      (im2col_by_slices).  Tensor.unfold is not rewritten: it is a view in torch,
      and make_fx traces ATen's own unfold, which the importer lowers and
      follows as a view (a stack would be a copy that a write in place to the
      tensor, or through the windows, does not reach)
    - F.one_hot with num_classes, as ids compared with an arange: ATen's one_hot
      reads the largest id to check it, which make_fx cannot trace.
    - F.affine_grid of an image, as its constant base grid times theta: ATen's
      affine_grid_generator is one op the importer does not read."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func in (torch.repeat_interleave, torch.Tensor.repeat_interleave):
            y = _repeat_interleave_by_count(*args, **kwargs)
        elif func is torch.nn.functional.pad:
            y = pad_by_slices(*args, modes=("circular", "reflect", "replicate"), **kwargs)
        elif func is torch.nn.functional.unfold:
            y = im2col_by_slices(*args, **kwargs)
        elif func is torch.nn.functional.one_hot:
            y = _one_hot_by_comparison(*args, **kwargs)
        elif func is torch.nn.functional.affine_grid:
            y = _affine_grid_by_matmul(*args, **kwargs)
        else:
            y = NotImplemented
        return func(*args, **kwargs) if y is NotImplemented else y


class _ExportChecks(TorchFunctionMode):
    """One forward before torch.onnx.export, watching what its trace gets wrong:

    - `circular`: F.pad's calls in circular mode, however F.pad was bound;
    - `stale`: the first read of a tensor whose elements were written in place through another
      tensor since it was made or last written through itself (a view taken before the write:
      skip = x[:, :4]; relu_(x); skip * 2, or a base read after a write through a transposed
      view), described in one line, or None. torch 1.13's export records such a read as of the
      values before the write (3.28 off torch for the skip).

    A tensor's memory is followed by its version counter, which it shares with its views and
    which every write in place increments: a write counts as made through the operand it writes
    (the first: x.relu_(), F.relu(x, inplace=True), x[i] = v, x += y), whose version is noted
    after it; a tensor read at another version than noted was written through another name.
    transpose_, unsqueeze_ and the like change no element: their increments are not counted."""

    def __init__(self):
        super().__init__()
        self.circular = 0
        self.float_clamp = False  # a clamp of an integer tensor with bounds that make it float (_float_clamp)
        self.renorm = None  # the function that renormalized an embedding's weight (max_norm), which the export drops
        self.stale = None
        self.noted = {}  # id(tensor) -> (weakref, elements' version, the function that made it)
        self.writer = {}  # storage -> the function that last wrote its elements
        self.shifts = {}  # storage -> version increments of writes that change no element
        self.depth = 0  # calls being run
        self.busy = False

    def _entry(self, t):
        e = self.noted.get(id(t))
        return e if e is not None and e[0]() is t else None

    def _elements_version(self, t):
        v = _version(t)
        return None if v is None else v - self.shifts.get(_storage_ptr(t), 0)

    def _note(self, t, made=None, version=None):
        try:
            e = self._entry(t)
            version = self._elements_version(t) if version is None else version
            self.noted[id(t)] = (weakref.ref(t), version, made or (e[2] if e else None))
        except TypeError:  # a tensor that takes no weak reference
            pass

    def read(self, t, reader: str) -> None:
        e = self._entry(t)
        if e is None:
            self._note(t)
        elif self.stale is None and e[1] != self._elements_version(t):
            made = f"made by {e[2]} " if e[2] else ""
            writer = self.writer.get(_storage_ptr(t))
            by = f" by {writer}" if writer else ""
            self.stale = (f"{reader} reads a tensor {made}after its memory was written in place{by} through "
                          "another tensor (a view taken before the write, or the base of a view written "
                          "through)")

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if self.busy:  # this class's own look at a tensor (its version, its storage)
            return func(*args, **kwargs)
        return self.call(func, args, kwargs)

    def call(self, func, args, kwargs):
        self.busy = True
        try:
            name = _function_name(func)
            if func is torch.nn.functional.pad and _get(args, kwargs, 2, "mode", "constant") == "circular":
                self.circular += 1
            if _float_clamp(func, args, kwargs) is not None:
                self.float_clamp = True
            if func in (torch.nn.functional.embedding, torch.nn.functional.embedding_bag) and \
                    _get(args, kwargs, 3, "max_norm", None) is not None and self.renorm is None:
                self.renorm = name
            tensors = [t for t in pytree.tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)]
            if getattr(func, "__name__", None) != "__get__" and name.rsplit(".", 1)[-1] not in _METADATA:
                for t in tensors:
                    self.read(t, name)
            versions = [_version(t) for t in tensors]
        finally:
            self.busy = False
        self.depth += 1
        try:
            out = func(*args, **kwargs)
        finally:
            self.depth -= 1
        self.busy = True
        try:
            first = args[0] if args else kwargs.get("input", kwargs.get("self"))
            for t in (first, kwargs.get("out")):
                changed = [v for u, v in zip(tensors, versions) if u is t and v is not None and v != _version(t)]
                if changed:
                    if name.rsplit(".", 1)[-1] in _METADATA_WRITES:
                        key = _storage_ptr(t)
                        self.shifts[key] = self.shifts.get(key, 0) + _version(t) - changed[0]
                    else:
                        self.writer[_storage_ptr(t)] = name
                    self._note(t)
            # An ATen view (seen by _UnseenOps) gets its base's version counter only after the
            # Python dispatch returns: noted at its base's version.
            schema = getattr(func, "_schema", None)
            alias = (isinstance(func, torch._ops.OpOverload) and schema.returns
                     and schema.returns[0].alias_info is not None and not schema.returns[0].alias_info.is_write
                     and isinstance(first, torch.Tensor))
            version = self._elements_version(first) if alias else None
            for t in pytree.tree_flatten(out)[0]:
                if isinstance(t, torch.Tensor) and not any(t is u for u in tensors):
                    self._note(t, name, version)
        finally:
            self.busy = False
        return out


_CLAMPS = {"clamp", "clip", "clamp_min", "clamp_max"}


def _float_clamp(func, args, kwargs):
    """For a call of torch's or Tensor's clamp, clip, clamp_min or clamp_max on an integer tensor whose
    bounds promote it to a float type (ids.clamp(min=0.5): torch.result_type), that type; else None."""
    if getattr(func, "__name__", None) not in _CLAMPS or isinstance(func, torch._ops.OpOverload):
        return None
    x = args[0] if args else kwargs.get("input")
    if not isinstance(x, torch.Tensor) or x.is_floating_point() or x.is_complex():
        return None
    bounds = [b for b in list(args[1:]) + [kwargs.get("min"), kwargs.get("max")] if b is not None]
    floats = [t for t in (torch.result_type(x, b) for b in bounds) if t.is_floating_point]
    return floats[0] if floats else None


# What reads a tensor's shape or type, not its elements (property getters are __get__).
_METADATA = {"size", "dim", "ndimension", "numel", "nelement", "stride", "storage_offset",
             "is_contiguous", "is_floating_point", "is_complex", "element_size", "__len__", "data_ptr"}
# Writes in place that change a tensor's shape or strides, not its elements.
_METADATA_WRITES = {"transpose_", "t_", "unsqueeze_", "squeeze_", "swapaxes_", "swapdims_", "as_strided_"}


class _UnseenOps(TorchDispatchMode):
    """The ATen ops that ran outside any call _ExportChecks saw, watched by it: torch 1.13
    hands indexing by an integer, a slice or None (y[0], y[1:3]) to no TorchFunctionMode."""

    def __init__(self, checks):
        super().__init__()
        self.checks = checks

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        with torch._C.DisableTorchFunction():
            if self.checks.depth:
                return func(*args, **(kwargs or {}))
            return self.checks.call(func, args, kwargs or {})


def _function_name(func) -> str:
    if isinstance(func, torch._ops.OpOverload):
        return f"aten.{func.overloadpacket.__name__}"
    if getattr(func, "__name__", None) == "__get__":  # a property: Tensor.T
        return f"Tensor.{getattr(func.__self__, '__name__', '?')}"
    owner = getattr(func, "__objclass__", None) or getattr(func, "__self__", None)
    name = getattr(func, "__name__", str(func))
    if isinstance(owner, type):
        return f"{'Tensor' if owner.__name__ == '_TensorBase' else owner.__name__}.{name}"
    module = getattr(func, "__module__", None) or ""
    return f"{'F' if module == 'torch.nn.functional' else 'torch'}.{name}"


def _version(t) -> int | None:
    try:
        return t._version
    except RuntimeError:  # an inference tensor
        return None


def _storage_ptr(t) -> int | None:
    try:
        return t.storage().data_ptr()
    except (RuntimeError, NotImplementedError):
        return None


def export_checks(module, inputs) -> _ExportChecks:
    """One forward of `module` on copies of its inputs (a write into an input must not reach
    the ones the export traces), watched by _ExportChecks and _UnseenOps. In the caller's grad
    mode, the export's: a model can take another path without grad (nn.MultiheadAttention its
    fused fast path), and the check must follow the path the export traces."""
    def run(unseen: bool) -> _ExportChecks:
        checks = _ExportChecks()
        with contextlib.ExitStack() as stack:
            stack.enter_context(checks)
            if unseen:
                stack.enter_context(_UnseenOps(checks))
            out = module(*[x.clone() if isinstance(x, torch.Tensor) else x for x in inputs])
            for t in pytree.tree_flatten(out)[0]:
                if isinstance(t, torch.Tensor):
                    checks.read(t, "the module's output")
        return checks

    try:
        return run(True)
    except Exception:  # an op Python dispatch cannot run (none known): the calls alone
        return run(False)


def user_frame(frames) -> str:
    """'file:line' of the innermost of `frames` (a traceback, or (file, line) pairs outermost first)
    that is the model's code: not torch's, torchvision's or this package's own (the bundled models
    are the model's); "" if none is."""
    import sys
    import traceback

    if hasattr(frames, "tb_frame"):
        frames = [(f.filename, f.lineno) for f in traceback.extract_tb(frames)]
    # torchvision if it is loaded (importing it while torch.onnx.export traces would trace its ops)
    libraries = tuple(os.path.dirname(sys.modules[n].__file__) + os.sep for n in ("torch", "torchvision")
                      if n in sys.modules)
    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    found = ""
    for filename, line in frames:
        f = os.path.abspath(filename)
        own = f.startswith(here) and not os.path.basename(f).endswith("models.py")
        if not f.startswith(libraries) and not own and not filename.startswith("<"):
            found = f"{f}:{line}"
    return found


@contextlib.contextmanager
def patched(owner, name: str, fn):
    """owner.name (a module's function, a class's method) is `fn` while the context runs, and is
    restored in any case: an attribute owner had itself is set back, one it inherited (Tensor's
    methods are torch._C._TensorBase's) is deleted again, so the inherited one shows through."""
    own = owner.__dict__.get(name, _MISSING)
    setattr(owner, name, fn)
    try:
        yield
    finally:
        if own is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, own)


_MISSING = object()


@contextlib.contextmanager
def circular_pad_by_slices():
    """F.pad's circular mode as slices and a concatenation while torch.onnx.export
    traces: torch 1.13's export of circular padding takes its slices from the wrong
    ends (pad (3, 1) of [0, 1, 2, 3] exports as [2, 0, 1, 2, 3, 0, 1, 2], not
    [1, 2, 3, 0, 1, 2, 3, 0]). F.pad itself is replaced, not every torch function
    wrapped in a mode, so that the trace's warnings still name the model's own lines;
    a code that bound F.pad before (from torch.nn.functional import pad) is not
    reached, so the context yields a list whose length counts the pads replaced."""
    original = torch.nn.functional.pad
    replaced = []

    def pad(input, pad, mode="constant", value=None):  # noqa: A002 (torch's names)
        y = pad_by_slices(input, pad, mode, value, modes=("circular",))
        if y is NotImplemented:
            return original(input, pad, mode=mode, value=value)
        replaced.append(1)
        return y

    with patched(torch.nn.functional, "pad", pad):
        yield replaced


def pad_by_slices(input, pad, mode="constant", value=None, *, modes=()):  # noqa: A002 (torch's name)
    """F.pad of `input` by slices of itself and one concatenation per padded dim, as
    the fx route and the importer's own edge padding write it, for a mode in `modes`:
    circular always (ATen writes it with copy_ into slices of an uninitialized tensor,
    which imports as five full-size nodes per pad, and exports wrongly to ONNX), reflect
    and replicate of three dims (ATen's reflection_pad3d / replication_pad3d). Else,
    and for pads torch refuses or that crop, NotImplemented: F.pad itself runs."""
    del value
    if mode not in modes or mode != "circular" and len(pad) != 6:
        return NotImplemented
    # The shapes torch 1.13 pads in these modes (circular: batched, two dims
    # more than the padded ones; reflect, replicate: one or two); else
    # torch's own error.
    if (len(pad) % 2 or any(p < 0 for p in pad)
            or input.dim() - len(pad) // 2 not in ((2,) if mode == "circular" else (1, 2))):
        return NotImplemented
    x = input
    for k in range(len(pad) // 2):
        d = x.dim() - 1 - k
        # int(): while torch.onnx.export traces, a size is a tensor, and a comparison with it a
        # tensor-valued bool, which the export reports as a branch on data (the shapes are static).
        lo, hi, size = pad[2 * k], pad[2 * k + 1], int(x.shape[d])
        if (mode == "circular" and max(lo, hi) > size or mode == "reflect" and max(lo, hi) >= size
                or size == 0):
            return NotImplemented  # torch's own error
        if not lo and not hi:
            continue
        if mode == "circular":
            low, high = x.narrow(d, size - lo, lo), x.narrow(d, 0, hi)
        elif mode == "reflect":
            low, high = x.narrow(d, 1, lo).flip(d), x.narrow(d, size - 1 - hi, hi).flip(d)
        else:
            edge = list(x.shape)
            low = x.narrow(d, 0, 1).expand(*edge[:d], lo, *edge[d + 1:])
            high = x.narrow(d, size - 1, 1).expand(*edge[:d], hi, *edge[d + 1:])
        x = torch.cat([p for p, n in ((low, lo), (x, 1), (high, hi)) if n], d)
    return x


def im2col_by_slices(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002 (torch's names)
    """F.unfold (im2col) of a (batched) image: zero padding, one strided slice of the image
    per kernel position, stacked after the channels and flattened as torch orders its
    columns (channel-major, then the kernel's row and column; then the output positions).
    NotImplemented where torch refuses the arguments (its own error)."""
    def pair(v):
        return tuple(v) if isinstance(v, (tuple, list)) else (v, v)
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = map(pair, (kernel_size, dilation, padding, stride))
    if (input.dim() not in (3, 4) or min(kh, kw, dh, dw, sh, sw) <= 0 or min(ph, pw) < 0
            or 0 in input.shape[-3:]):
        return NotImplemented
    x = torch.nn.functional.pad(input, (pw, pw, ph, ph)) if ph or pw else input
    oh = (x.shape[-2] - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[-1] - dw * (kw - 1) - 1) // sw + 1
    if oh <= 0 or ow <= 0:
        return NotImplemented
    h, w = x.dim() - 2, x.dim() - 1
    cols = [_every(_every(x.narrow(h, i * dh, (oh - 1) * sh + 1), h, sh).narrow(w, j * dw, (ow - 1) * sw + 1),
                   w, sw)
            for i in range(kh) for j in range(kw)]
    y = torch.stack(cols, -3)  # (N,) C, kh * kw, oh, ow
    return y.flatten(-4, -3).flatten(-2, -1)


def _one_hot_by_comparison(tensor, num_classes=-1):
    """F.one_hot(ids, n) as (ids[..., None] == arange(n)) in int64; without num_classes its
    shape depends on the ids' values: refused with what to give."""
    if not isinstance(num_classes, int) or num_classes < 0:
        raise UnsupportedError("F.one_hot without num_classes has a shape that depends on the ids' values, "
                               "which no static graph has: give num_classes")
    if tensor.dtype != torch.int64:
        return NotImplemented  # torch's own error
    classes = torch.arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).to(torch.int64)


def _affine_grid_by_matmul(theta, size, align_corners=None):
    """F.affine_grid(theta, (N, C, H, W)): the points (x, y, 1) of an H x W grid spanning [-1, 1]
    (the corners' centres with align_corners, else their edges: torch's linspace scaled by
    (steps - 1) / steps), times theta transposed: (N, H, W, 2). Else NotImplemented (5-D sizes)."""
    if len(size) != 4 or theta.dim() != 3 or tuple(theta.shape[1:]) != (2, 3):
        return NotImplemented
    n, _, h, w = (int(v) for v in size)

    def steps(count):
        if count <= 1:
            return torch.zeros(count, dtype=theta.dtype)
        points = torch.linspace(-1.0, 1.0, count, dtype=theta.dtype)
        return points if align_corners else points * ((count - 1) / count)

    xs, ys = steps(w).view(1, w).expand(h, w), steps(h).view(h, 1).expand(h, w)
    base = torch.stack([xs, ys, torch.ones(h, w, dtype=theta.dtype)], -1).reshape(1, h * w, 3)
    return torch.matmul(base, theta.transpose(1, 2)).view(n, h, w, 2)


def _every(x, d, step):
    """Every `step`-th element of x along dim d, from the first."""
    return x if step == 1 else x[(slice(None),) * d + (slice(None, None, step),)]


def _meta_kernel(e: BaseException) -> str | None:
    """The fake-tensor (meta) kernel of torch's that raised `e` (torch 1.13's meta_cdist_forward
    compares a None compute_mode: torch.cdist), the innermost torch/_meta_registrations.py frame
    of its traceback; None if it came from elsewhere."""
    import traceback

    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if f.filename.endswith(os.path.join("torch", "_meta_registrations.py")) and f.name.startswith("meta_")]
    return frames[-1].name if frames else None


def _repeat_interleave_by_count(input=None, repeats=None, dim=None, *, output_size=None):  # noqa: A002 (torch's name)
    """input's elements each repeated `repeats` times along `dim` (the flattened input
    without one), or NotImplemented for any other call (a tensor of repeats, the one-argument
    form repeat_interleave(counts)): the caller runs torch's own.  Zero repeats and a dim
    the input lacks are errors (_repeat_interleave_dim)."""
    if not isinstance(input, torch.Tensor) or not isinstance(repeats, int) or isinstance(repeats, bool):
        return NotImplemented
    x = input
    if dim is None:
        x, dim = x.reshape(-1), 0
    d = _repeat_interleave_dim(repeats, dim, x.dim())
    shape = list(x.shape)
    y = x.unsqueeze(d + 1).expand(*shape[:d + 1], repeats, *shape[d + 1:])
    return y.reshape(*shape[:d], shape[d] * repeats, *shape[d + 1:])


@contextlib.contextmanager
def _module_scopes(root: nn.Module):
    """Tags each node make_fx creates with the path and type of the innermost
    module running (meta "egrl_scope", "egrl_scope_type"), as the fx route's
    _ScopeTracer does, so ops get locations like loc("layers.0.self_attn/bmm")
    and errors name the module.  Forward hooks keep a stack of (path, type);
    the tracer's create_node is wrapped while tracing."""
    from torch.fx.experimental.proxy_tensor import PythonKeyTracer

    stack: list[tuple[str, str]] = []

    def enter(path):
        def hook(module, _args):
            # torch.func's functional_call swaps a module that owns parameters for a
            # "StatelessReplacer<Type>" subclass: the user wrote <Type>.
            name = type(module).__name__
            name = name[len("StatelessReplacer"):] if name.startswith("StatelessReplacer") else name
            stack.append((path, name))  # returns None: the arguments stay as they are
        return hook

    def leave(_module, _args, _output):
        stack.pop()  # returns None: the output stays as it is

    handles = []
    for path, mod in root.named_modules():
        if path:
            handles.append(mod.register_forward_pre_hook(enter(path)))
            handles.append(mod.register_forward_hook(leave))
    original = PythonKeyTracer.create_node

    def create_node(self, *args, **kwargs):
        node = original(self, *args, **kwargs)
        if stack:
            node.meta["egrl_scope"], node.meta["egrl_scope_type"] = stack[-1]
        return node

    PythonKeyTracer.create_node = create_node
    try:
        yield
    finally:
        PythonKeyTracer.create_node = original
        for h in handles:
            h.remove()


# Ops whose result aliases their first operand: an in-place op on one is refused.
_VIEW_OPS = (aten.view, aten._unsafe_view, aten._reshape_alias, aten.reshape, aten.t, aten.transpose, aten.permute,
             aten.expand, aten.unsqueeze, aten.squeeze, aten.select, aten.slice, aten.split, aten.split_with_sizes,
             aten.unsafe_split, aten.unsafe_split_with_sizes, aten.unbind, aten.alias, aten.detach, aten.as_strided,
             aten.unfold)
_SPLIT_OPS = (aten.split, aten.split_with_sizes, aten.unsafe_split, aten.unsafe_split_with_sizes, aten.unbind)


def _aliases(node) -> bool:
    """Whether `node`'s result may alias its first operand's memory by the op's own schema
    (view_as_complex, view_as_real, diagonal, ...: views _VIEW_OPS does not list)."""
    schema = getattr(node.target, "_schema", None)
    return bool(schema and schema.returns and schema.returns[0].alias_info is not None
                and not schema.returns[0].alias_info.is_write)


def _split_piece(node) -> bool:
    """Whether `node` takes one piece of a split's result list."""
    return (node.target is operator.getitem and isinstance(node.args[0], fx.Node)
            and getattr(node.args[0].target, "overloadpacket", None) in _SPLIT_OPS)


def _is_view(node) -> bool:
    """Whether `node`'s result aliases another tensor's memory."""
    return getattr(node.target, "overloadpacket", None) in _VIEW_OPS or _split_piece(node)


def _private_piece(node) -> bool:
    """Whether `node` is a piece of a split whose input nothing else reads:
    the pieces do not overlap, so an in-place op on one (nn.LSTM's gates,
    split and activated in place) is seen by that piece's readers alone."""
    if not _split_piece(node) or not isinstance(node.args[0].args[0], fx.Node):
        return False
    split = node.args[0]
    return list(split.args[0].users) == [split]


def _private_view(node) -> bool:
    """Whether writing view `node` in place is seen by its own readers alone:
    a private split piece, or a view whose source nothing else reads and
    that is computed in the graph (not an input or a weight), itself private
    (nn.MultiheadAttention fills detach(zeros_like(mask)) in place)."""
    if _private_piece(node):
        return True
    if _split_piece(node):
        return False
    source = node.args[0] if node.args else None
    if not isinstance(source, fx.Node) or source.op != "call_function" or list(source.users) != [node]:
        return False
    return not _is_view(source) or _private_view(source)


def _slice_written_into(node, order):
    """For an in-place op `node` on a slice (a chain of aten.slice views, x[:, 1::2]) of a tensor
    base: (base, the chain from base down), when the write can be imported as base's updated
    value (tensor.insert_slice) that base's later readers read; else None. So base must be a
    tensor the graph computes afresh (not an input, a view, or an in-place op's result, whose
    memory other nodes name), and no view of base or of a slice in the chain, and no other
    in-place write to one, may come before the write (such a view, read after it, would hold
    the old elements), and no slice in the chain may be read after it (only base's later
    readers read the update): Swin V2's qkv_bias.clone() with a slice zeroed."""
    chain = [node.args[0]]
    while getattr(chain[0].target, "overloadpacket", None) is aten.slice and chain[0].args \
            and isinstance(chain[0].args[0], fx.Node) and _is_view(chain[0].args[0]):
        chain.insert(0, chain[0].args[0])
    base = chain[0].args[0] if chain[0].args else None
    if (any(getattr(v.target, "overloadpacket", None) is not aten.slice for v in chain)
            or not isinstance(base, fx.Node) or base.op != "call_function" or _is_view(base)
            or _writes_in_place(base.target)):
        return None
    for owner, this in zip([base] + chain, chain + [node]):
        for u in owner.users:
            if (u is not this and (_is_view(u) or _aliases(u) or _writes_in_place(u.target))
                    and order[u] < order[node]):
                return None
            # A slice of the chain read after the write would read its old elements (only
            # base's later readers read the update).
            if owner is not base and u is not this and order[u] > order[node]:
                return None
    return base, chain


def _views_read_after(names, node, order, exclude=()) -> list:
    """The views of the memory that `names` name (its views, views of those, in-place results on
    them; not through `exclude`) taken before node `node` that are read after it, with the views
    they are taken from."""
    found = aliases_taken_before(names, node, order,
                                 lambda u: _is_view(u) or _aliases(u) or _writes_in_place(u.target), exclude)
    needed = set()
    for view in found:
        if any(order[u] > order[node] for u in view.users):
            while view in found and view not in needed:
                needed.add(view)
                view = found[view]
    return list(needed)


def _metadata_write(fn) -> bool:
    """transpose_, unsqueeze_, as_strided_, ...: an in-place op that changes the tensor's shape
    or strides, not its elements (its functional form is a view)."""
    functional = _inplace_functional(fn)
    if functional is None:
        return False
    schema = getattr(functional, "_schema", None)
    return (functional.overloadpacket in _VIEW_OPS
            or bool(schema and schema.returns and schema.returns[0].alias_info is not None))


def _written_nodes(node) -> list:
    """The nodes whose memory an in-place op `node` writes: its first operand and
    the tensors that operand is a view of."""
    if node.op != "call_function" or not _writes_in_place(node.target) or not node.args:
        return []
    chain, x = [], node.args[0]
    while isinstance(x, fx.Node) and x not in chain:
        chain.append(x)
        if not _is_view(x) or not x.args:
            break
        x = x.args[0]
    return chain


def _writes_in_place(fn) -> bool:
    """aten.relu_, aten.fill_, aten.copy_, ...: an op that writes its first operand."""
    return isinstance(fn, torch._ops.OpOverload) and _inplace_name(fn.overloadpacket.__name__)


def _inplace_functional(fn):
    """aten.relu_.default -> aten.relu.default (same overload name); None if not an in-place op."""
    if not _writes_in_place(fn) or fn.overloadpacket.__name__ == "copy_":
        return None
    name = fn.overloadpacket.__name__
    packet = getattr(aten, name[:-1], None)
    overload = getattr(packet, fn._overloadname, None) if packet is not None else None
    # transpose_(x, 0, 1) is the default overload, transpose(x, 0, 1) the int one.
    return overload if overload is not None or fn is not aten.transpose_.default else aten.transpose.int


# Ops whose result depends only on their operand's shape: folded to constants.
_SHAPE_ONLY = (aten.zeros_like, aten.ones_like, aten.full_like, aten.empty_like, aten.new_zeros, aten.new_ones,
               aten.new_full, aten.new_empty)


def _get(a, kw, i, name, default=None):
    if len(a) > i:
        return a[i]
    return kw.get(name, default)


def _has_lazy(a) -> bool:
    return _contains(a, _LazyWeight)


def import_module_aten(module: nn.Module, example_inputs, func_name: str = "forward",
                       inline_weights: bool = False) -> TorchImportResult:
    """Trace `module` with make_fx on the example inputs and lower its ATen graph."""
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = [example_inputs]
    return _AtenImporter(module, example_inputs, func_name, inline_weights).run()
