# ---------------------------------------------------------------------------
# egrl_import.cli — the `egrl-import` command.
#
#   egrl-import torch MODEL [-o OUT.mlir] [--input-shape 1,3,224,224] ...
#   egrl-import onnx FILE.onnx [-o OUT.mlir] [--input-shape name=1,3,224,224]
#
# MODEL is a bundled name (resnet50, resnet101, mobilenet_v2, bert_base,
# tiny_cnn), a transformer of models.TRANSFORMERS (gpt2_stack, mha_encoder,
# torch_encoder, ...), `torchvision:NAME` (without --input-shape, on the image
# size its weights document: 1x3x299x299 for inception_v3, with a note, else
# 1x3x224x224; `torchvision:video.r3d_18`: a video model, on the clip its
# weights document), `corpus:NAME` (a training-corpus model,
# egrl_import/corpus_models.py), or `package.module:factory` where factory()
# returns an nn.Module or (nn.Module, [example inputs]).  --trace picks the
# route: fx (torch.fx), aten (make_fx, egrl_import/aten_import.py), onnx
# (torch.onnx.export, then the ONNX importer) or auto (fx, else aten, with a
# note).  On an unsupported op it prints one error naming the node and exits
# 1 without writing OUT.  Without torch / onnx (another Python than Debian's)
# it says which interpreter to use and exits 2.
# ---------------------------------------------------------------------------
"""Command-line entry point of the importers."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import inspect
import json
import os
import re
import stat
import sys
import tempfile
import time

from .mlir import UnsupportedError, first_line, one_line


def linalg_op_counts(text: str) -> dict:
    """Count of each linalg op defined in the text (yield/index excluded)."""
    counts: dict[str, int] = {}
    for op in re.findall(r"= (linalg\.[a-z_0-9]+)", text):
        if op != "linalg.index":
            counts[op] = counts.get(op, 0) + 1
    return dict(sorted(counts.items()))


def _shape(s: str) -> list[int]:
    """A static shape: positive integers separated by ',' or 'x'."""
    dims = s.replace("x", ",").split(",")
    try:
        shape = [int(d) for d in dims]
    except ValueError:
        shape = []
    if not shape or any(d <= 0 for d in shape):
        raise UnsupportedError(f"--input-shape: '{s}' is not a static shape (positive integers, e.g. 1,3,224,224)")
    return shape


def _check_output_path(option: str, path: str | None) -> None:
    """A file the import will write: its directory must exist, and it must not be one."""
    if not path or path == "-":
        return
    if os.path.isdir(path):
        raise UnsupportedError(f"{option}: '{path}' is a directory")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UnsupportedError(f"{option}: no directory '{parent}'")


DEBIAN_PYTHON = "/usr/bin/python3"


def _require(*names: str) -> str | None:
    """None if every module imports, else the one-line error to print."""
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as e:
            return (f"egrl-import: error: {sys.executable} cannot import {name} ({e}); run egrl-import with "
                    f"Debian's {DEBIAN_PYTHON} (packages python3-torch, python3-torchvision, python3-onnx), "
                    f"e.g. {DEBIAN_PYTHON} python/egrl-import ...")
    return None


def _first_sentence(text: str, limit: int = 400) -> str:
    """The first sentence of an exception's text, cut at a word (with "...") when it is longer than
    `limit`: the end of a reason often says what failed ("... is not supported")."""
    line = text.splitlines()[0] if text else ""
    sentence = line.split(". ")[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + " ..."


def _export_onnx(module, inputs, opset: int, path: str, distinct_weights: bool = False) -> None:
    """torch.onnx.export (TorchScript tracing) of the module on its example inputs.

    A trace records the branch of a data-dependent `if` its example input takes: torch's warning that a
    tensor became a Python bool is passed on, with where, since the graph may lack the other branch.
    `distinct_weights`: the export merges initializers of equal values, so an untrained model's
    deep-copied layers (nn.TransformerEncoder's) or its LayerNorm / BatchNorm constants would import as
    one weight; each float parameter and buffer then gets distinct values while it is exported
    (tensors the module ties stay one). Only for an import that writes no weight values."""
    import warnings

    import torch

    module.eval()
    with contextlib.ExitStack() as stack:
        if distinct_weights:
            stack.enter_context(_distinct_values(module))
        # Not under no_grad: nn.MultiheadAttention would take its fused fast path, which does not export.
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        # torch's export of circular padding is wrong: a model that pads circularly is
        # exported with the slices it means (only then is F.pad replaced: a replaced F.pad
        # is no function TorchScript can compile, which scripted helpers may need).
        from .aten_import import circular_pad_by_slices, export_checks
        from .torch_import import MAX_NORM
        checks = export_checks(module, inputs)
        if checks.stale:
            raise UnsupportedError(f"{checks.stale}; torch 1.13's ONNX export keeps the values from before the "
                                   "write there, a wrong answer: import it with --trace aten, which reads the "
                                   "written values (a write through a view into its base only through a slice: "
                                   "others it refuses), or fx, which refuses what it cannot follow")
        if checks.renorm:
            raise UnsupportedError(f"{checks.renorm} {MAX_NORM} (torch 1.13's ONNX export drops the renormalization)")
        circular = checks.circular
        replaced = stack.enter_context(circular_pad_by_slices()) if circular else []
        stack.enter_context(_unfold_on_nonnegative_dims())
        stack.enter_context(_floor_division_by_div())
        if checks.float_clamp:
            stack.enter_context(_float_clamp_of_integers())
        stack.enter_context(_repeat_interleave_by_expand())
        stack.enter_context(_data_reads_refused(len(inputs)))
        try:
            # PRESERVE on the module in eval mode exports the inference graph as EVAL does, but
            # without EVAL's one extra pass, which folds each BatchNorm after a Conv into the Conv's
            # weights: the graph keeps the BatchNorm's parameters and statistics, the weights the
            # fx and aten routes have.
            torch.onnx.export(module, tuple(inputs), path, opset_version=opset,
                              training=torch.onnx.TrainingMode.PRESERVE)
        except UnsupportedError:  # the importer's own replacements' (repeat_interleave with 0 repeats)
            raise
        except Exception as e:  # torch.onnx's errors are not UnsupportedError
            raise UnsupportedError(f"torch.onnx.export failed: {type(e).__name__}: {first_line(e)}") from e
        if len(replaced) < circular:
            raise UnsupportedError("the model pads circularly through a pad bound before the export (from "
                                   "torch.nn.functional import pad), which torch 1.13 exports to ONNX wrongly: "
                                   "import it with --trace fx or aten")
    # torch's and torchvision's own conversions are their shape checks (nn.MultiheadAttention's, ViT's);
    # the importer's own code the export runs in the model's place (pad_by_slices, the replacements
    # above) is not the model's either (the bundled models in this package are).
    libraries = tuple(os.path.dirname(m.__file__) + os.sep for m in _loaded("torch", "torchvision"))
    from . import aten_import
    own = {os.path.abspath(f) for f in (__file__, aten_import.__file__)}
    said = set()
    for w in caught:
        if (issubclass(w.category, torch.jit.TracerWarning) and "Python boolean" in str(w.message)
                and not os.path.abspath(w.filename).startswith(libraries)
                and os.path.abspath(w.filename) not in own):
            where = f"{w.filename}:{w.lineno}"
            if where not in said:
                said.add(where)
                print(f"egrl-import: warning: {where}: the ONNX trace turned a tensor into a Python bool: if the "
                      "model branches on a tensor's value there, the graph holds only the branch the example "
                      "input took (the fx and aten routes refuse data-dependent control flow)", file=sys.stderr)


# Trace nodes whose results are a tensor's shape, not its elements: what is computed from them
# alone is the same for every input of the (static) example shape.
_SHAPE_KINDS = frozenset({"aten::size", "aten::numel", "aten::dim", "prim::shape", "aten::len", "prim::device",
                          "prim::dtype"})
# ... and nodes that read only the shape and type of their first input (torch.zeros_like(x), x.new_zeros(n)).
_LIKE_KINDS = frozenset({"aten::zeros_like", "aten::ones_like", "aten::empty_like", "aten::full_like",
                         "aten::rand_like", "aten::randn_like", "aten::new_zeros", "aten::new_ones",
                         "aten::new_empty", "aten::new_full"})
# Tensor's conversions to Python values, and how torch's TracerWarning names each.
_DATA_READS = {"item": "number", "__int__": "integer", "__float__": "float", "__index__": "index",
               "tolist": "list"}


def _reads_input_values(t, n_inputs: int) -> bool:
    """Whether the traced tensor `t` is computed from the elements of one of the first `n_inputs` inputs
    of the trace being recorded (the model's inputs; the parameters come after them), not only from
    their shapes (x.size(1), traced as a tensor) or from constants and parameters."""
    import torch

    state = torch._C._get_tracing_state()
    if state is None or not isinstance(t, torch.Tensor):
        return False
    try:
        value = torch._C._get_value_trace(t)
    except RuntimeError:  # not part of the trace: a constant
        return False
    inputs = {v.unique() for v in list(state.graph().inputs())[:n_inputs]}
    stack, seen = [value], set()
    while stack:
        v = stack.pop()
        if v.unique() in seen:
            continue
        seen.add(v.unique())
        if v.unique() in inputs:
            return True
        node = v.node()
        if node.kind() not in _SHAPE_KINDS:
            stack.extend(list(node.inputs())[1 if node.kind() in _LIKE_KINDS else 0:])
    return False


@contextlib.contextmanager
def _data_reads_refused(n_inputs: int):
    """While torch.onnx.export traces, a Python value read out of a tensor computed from the model's
    inputs (x.max().item(), int((x > 0).sum()), float(t), t.tolist(), an index) is refused, naming where
    the model reads it: the trace would record the example input's value as a constant (torch only warns,
    "Converting a tensor to a Python number might cause the trace to be incorrect"). Conversions of shapes
    (int(x.size(1) / 2), which the trace computes as tensors) and of parameters stay constants. A bool
    (an `if` on a tensor) is the warning _export_onnx passes on."""
    import torch

    from .aten_import import patched, user_frame

    def refusing(name, original):
        def read(self, *args, **kwargs):
            if _reads_input_values(self, n_inputs):
                import traceback

                where = user_frame([(f.filename, f.lineno) for f in traceback.extract_stack()[:-1]])
                how = f"Tensor.{name}()" if not name.startswith("__") else f"{name.strip('_')}(tensor)"
                raise UnsupportedError(f"{where + ': ' if where else ''}{how} reads a Python "
                                       f"{_DATA_READS[name]} out of a tensor computed from the inputs, which "
                                       "torch.onnx.export records as the example input's value, a constant for "
                                       "every input (torch's TracerWarning 'Converting a tensor to a Python "
                                       f"{_DATA_READS[name]}'): not supported")
            return original(self, *args, **kwargs)
        return read

    with contextlib.ExitStack() as stack:
        for name in _DATA_READS:
            stack.enter_context(patched(torch.Tensor, name, refusing(name, getattr(torch.Tensor, name))))
        yield


def _unfold_on_nonnegative_dims():
    """torch 1.13 exports Tensor.unfold along a negative dim with the windows' positions and
    their elements swapped (x.unfold(-1, 4, 2) of a (1, 3, 16) tensor: (1, 3, 4, 7), not
    (1, 3, 7, 4)); along the same dim counted from the front it exports right.  The method
    is replaced while the export traces: TorchScript resolves a Tensor method by its schema,
    not through this attribute, so scripted helpers are not affected."""
    import torch

    from .aten_import import patched

    original = torch.Tensor.unfold

    def unfold(self, dimension, size, step):
        return original(self, dimension % self.dim() if self.dim() else dimension, size, step)

    return patched(torch.Tensor, "unfold", unfold)


@contextlib.contextmanager
def _floor_division_by_div():
    """torch 1.13 exports floor division (a // b, torch.floor_divide, Tensor.floor_divide) as a
    truncating Div and Casts, as before torch 1.13 floor_divide was defined: -7 // 2 exports as -3,
    not -4, for integers and floats alike.  torch.div(a, b, rounding_mode="floor") computes the same
    and exports right (a Floor, or the integer quotient corrected where the signs differ), so it
    stands in for these while the export traces.  Tensor.__floordiv__ and __rfloordiv__ call
    torch.floor_divide; the in-place forms are replaced too."""
    import torch

    from .aten_import import patched

    def floor_divide(input, other, *, out=None):  # noqa: A002 (torch's names)
        return torch.div(input, other, rounding_mode="floor", out=out)

    def floor_divide_method(self, other):
        return torch.div(self, other, rounding_mode="floor")

    def floor_divide_(self, other):
        return self.div_(other, rounding_mode="floor")

    with contextlib.ExitStack() as stack:
        for owner, name, fn in ((torch, "floor_divide", floor_divide),
                                (torch.Tensor, "floor_divide", floor_divide_method),
                                (torch.Tensor, "floor_divide_", floor_divide_),
                                (torch.Tensor, "__ifloordiv__", floor_divide_)):
            stack.enter_context(patched(owner, name, fn))
        yield


@contextlib.contextmanager
def _float_clamp_of_integers():
    """torch 1.13 exports a clamp of an integer tensor with a float bound as an integer Clip at the
    bound truncated, with an integer result: ids.clamp(min=0.5) of [0, 1, 2] exports as [0, 1, 2]
    (INT64), where torch promotes the ids to float32 and gives [0.5, 1, 2].  While the export
    traces, clamp, clip, clamp_min and clamp_max (torch's functions and Tensor's methods) of an
    integer tensor whose bounds promote it to a float type clamp the tensor cast to that type first,
    the clamp torch means (aten_import._float_clamp); every other call is passed on as made.  Only
    for a model that calls such a clamp (seen by export_checks): a replaced torch.clamp is no
    function TorchScript can compile, which scripted helpers may call."""
    import torch

    from .aten_import import _float_clamp, patched

    def floated(original):
        def clamp(*args, **kwargs):
            dtype = _float_clamp(original, args, kwargs)
            if dtype is not None and args:
                args = (args[0].to(dtype),) + args[1:]
            elif dtype is not None:
                kwargs = dict(kwargs, input=kwargs["input"].to(dtype))
            return original(*args, **kwargs)
        return clamp

    with contextlib.ExitStack() as stack:
        for owner in (torch, torch.Tensor):
            for name in ("clamp", "clip", "clamp_min", "clamp_max"):
                stack.enter_context(patched(owner, name, floated(getattr(owner, name))))
        yield


@contextlib.contextmanager
def _repeat_interleave_by_expand():
    """repeat_interleave by an integer count (torch.repeat_interleave, Tensor.repeat_interleave) as
    unsqueeze + expand + reshape, the aten route's form, while the export traces: torch 1.13 exports
    it with a tensor of counts, which folds for an input of a static shape, but of a second
    repeat_interleave on the first's result (grouped-query attention's K/V in a second layer) it
    exports a SplitToSequence and a Loop, which the ONNX importer refuses.  Which calls are replaced
    is the aten route's decision (_repeat_interleave_by_count); every other call (a tensor of repeats,
    the one-argument form torch.repeat_interleave(counts)) reaches torch with its arguments as given."""
    import torch

    from .aten_import import _repeat_interleave_by_count, patched

    def by_count(original):
        def repeat_interleave(*args, **kwargs):
            y = _repeat_interleave_by_count(*args, **kwargs)
            return original(*args, **kwargs) if y is NotImplemented else y
        return repeat_interleave

    with contextlib.ExitStack() as stack:
        for owner in (torch, torch.Tensor):
            stack.enter_context(patched(owner, "repeat_interleave", by_count(owner.repeat_interleave)))
        yield


def _half_precision_hint(message: str) -> str:
    """What to do when torch failed for want of a float16 or bfloat16 CPU kernel ("not implemented
    for 'Half'"): the recorded run and the exports run the model on the CPU."""
    if not re.search(r"for '(Half|BFloat16)'|torch\.(bfloat16|float16)\b", message):
        return ""
    return ("; torch on the CPU lacks many float16 and bfloat16 kernels: import the model in float32 "
            "(model.float(), float32 example inputs); a target's element_bytes sets the bytes per element "
            "the chip stores")


def _loaded(*names):
    """The modules of these names that are imported."""
    return [sys.modules[n] for n in names if n in sys.modules]


@contextlib.contextmanager
def _distinct_values(module):
    """Gives each float parameter and buffer values no other has, and restores them. A parameter gets
    seeded random values in [0.5, 1.5): the export folds slices of weights (nn.MultiheadAttention's K/V
    bias out of in_proj_bias) into initializers of their own, and with only the first element made
    distinct two layers' zero K/V biases were one weight. A buffer, which code may read to branch or to
    size a tensor, keeps its values but for its first element; every tensor's first element is one no
    other has. Restored in reverse, so tensors that share storage end as they began."""
    import torch

    parameters = {id(p) for p in module.parameters()}
    saved, seen = [], set()
    values = torch.Generator().manual_seed(0)
    try:
        with torch.no_grad():
            for t in list(module.parameters()) + list(module.buffers()):
                if not t.is_floating_point() or t.numel() == 0 or id(t) in seen:
                    continue
                seen.add(id(t))
                first = (0,) * t.dim()
                if id(t) in parameters:
                    saved.append((t, None, t.clone()))
                    t.copy_(torch.rand(t.shape, generator=values, dtype=t.dtype) + 0.5)
                else:
                    saved.append((t, first, t[first].clone()))
                t[first] = 1000.0 + 0.5 * len(saved)
        yield
    finally:
        with torch.no_grad():
            for t, first, value in reversed(saved):
                if first is None:
                    t.copy_(value)
                else:
                    t[first] = value


def _module_and_inputs(spec: str, obj):
    """A factory's result: a module, or (module, example inputs)."""
    import torch

    module, inputs = obj, None
    if isinstance(obj, (tuple, list)):
        if len(obj) != 2:
            raise SystemExit(f"egrl-import: error: {spec}() returned a {type(obj).__name__} of {len(obj)}; return a module, or "
                             "(module, [example inputs])")
        module, inputs = obj
        if isinstance(inputs, torch.Tensor):
            inputs = [inputs]
        if not isinstance(inputs, (tuple, list)) or not all(isinstance(t, torch.Tensor) for t in inputs):
            raise SystemExit(f"egrl-import: error: {spec}()'s example inputs must be a tensor or a list of "
                             f"tensors, not {type(inputs).__name__}")
    if not isinstance(module, torch.nn.Module):
        raise SystemExit(f"egrl-import: error: {spec}() returned {type(module).__name__}, not a torch.nn.Module")
    return module, inputs


def _required_inputs(module) -> list:
    """Names of the inputs `module.forward` cannot do without: its positional parameters without a
    default. A TorchScript module's forward (torch.jit.trace's) is a ScriptMethod, without a Python
    signature: they come from its schema (less `self`); none if neither says."""
    try:
        params = inspect.signature(module.forward).parameters.items()
    except (ValueError, TypeError):
        schema = getattr(module.forward, "schema", None)
        if schema is None:
            return []
        return [arg.name for arg in schema.arguments[1:] if arg.default_value is None and not arg.kwarg_only]
    return [n for n, prm in params
            if prm.default is prm.empty and prm.kind in (prm.POSITIONAL_ONLY, prm.POSITIONAL_OR_KEYWORD)]


def _torch_model(spec: str, input_shape, input_dtype):
    import torch

    from . import models

    if ":" in spec and not spec.startswith(("torchvision:", "corpus:")):
        mod_name, fn_name = spec.split(":", 1)
        # A module of the user's in the current directory, as `python -m` finds it.
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            factory = getattr(importlib.import_module(mod_name), fn_name)
        except (ImportError, AttributeError) as e:
            raise SystemExit(f"egrl-import: error: cannot load '{spec}': {e} (the module must be importable "
                             f"from the current directory or PYTHONPATH, and define {fn_name}())")
        try:
            obj = factory()
        except Exception as e:  # the user's code: any error, said in one line
            raise SystemExit(f"egrl-import: error: {spec}() failed: {type(e).__name__}: {_first_sentence(str(e))}")
        module, inputs = _module_and_inputs(spec, obj)
    else:
        # A torchvision classifier is built for the image it is imported on (a ViT's position embedding
        # is sized for it): the explicit one, else the size its weights document (models._image_size).
        first = _shape(input_shape[0]) if input_shape else None
        image_size = tuple(first[2:]) if first and len(first) == 4 else None
        try:
            module, inputs = models.build(spec, image_size=image_size)
        except KeyError as e:
            raise SystemExit(f"egrl-import: error: {e.args[0]}")
        except Exception as e:  # torchvision:NAME that torchvision lacks, or not a model (get_weight)
            raise SystemExit(f"egrl-import: error: cannot build '{spec}': {type(e).__name__}: "
                             f"{_first_sentence(str(e))}")
        if (spec.startswith("torchvision:") and not spec.startswith("torchvision:video.") and not input_shape
                and tuple(inputs[0].shape[2:]) != (224, 224)):
            print(f"egrl-import: note: {one_line(spec)}: input {'x'.join(map(str, inputs[0].shape))}, the size its "
                  "torchvision weights document (--input-shape to change)", file=sys.stderr)
    if input_shape:
        # Without --input-dtype, the factory's example inputs say which are token ids.
        example = [{torch.int64: "i64", torch.int32: "i64"}.get(getattr(t, "dtype", None), "f32")
                   for t in (inputs or [])]
        dtypes = input_dtype or (example if len(example) == len(input_shape) else ["f32"])
        if len(dtypes) not in (1, len(input_shape)):
            raise SystemExit(f"egrl-import: error: {len(dtypes)} --input-dtype for {len(input_shape)} --input-shape: "
                             f"give one for all inputs or one per input")
        dtypes = dtypes * len(input_shape) if len(dtypes) == 1 else dtypes
        table = {"f32": torch.float32, "i64": torch.int64}
        inputs = [torch.zeros(_shape(shape), dtype=table[dt]) for shape, dt in zip(input_shape, dtypes)]
    elif input_dtype:
        raise SystemExit("egrl-import: error: --input-dtype needs --input-shape")
    if inputs is None:
        raise SystemExit("egrl-import: error: --input-shape is required for this model (its factory returned a "
                         "module without example inputs; return (module, [inputs]) to make it optional)")
    required = _required_inputs(module)
    if len(inputs) < len(required):
        raise SystemExit(f"egrl-import: error: {type(module).__name__}.forward takes {len(required)} inputs "
                         f"({', '.join(required)}), the example has {len(inputs)}: give --input-shape once per input")
    return module, inputs


def write_output(path: str, text: str) -> None:
    """Writes `text` to `path` as egrl's C++ tools do (lib/Support/Output.cpp).

    A device, a pipe, or a path under /dev or /proc is written in place: a
    rename would replace it (run as root, `-o /dev/null` made the machine's
    /dev/null a regular file). A file is written beside and renamed into place
    once written whole, so a failed write keeps the file it would have
    replaced; through a symbolic link (one whose file does not exist yet too),
    the file it names is written and the link stays. A file replaced keeps its
    permissions; a new one gets what the umask leaves.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory")
    if st is not None and (not stat.S_ISREG(st.st_mode) or path.startswith(("/dev/", "/proc/"))):
        with open(path, "a") as f:
            f.write(text)
        return
    real = os.path.realpath(path)
    if st is not None:
        mode = stat.S_IMODE(st.st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(real) + ".temp-", dir=os.path.dirname(real))
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="egrl-import", description="Import PyTorch / ONNX models as linalg-on-tensors MLIR.")
    sub = p.add_subparsers(dest="source", required=True)
    pt = sub.add_parser("torch", help="trace an nn.Module with torch.fx")
    pt.add_argument("model", help="bundled name, torchvision:NAME (torchvision:video.NAME for the video models), "
                    "corpus:NAME, or package.module:factory")
    pt.add_argument("--input-shape", action="append", default=[],
                    help="static shape of forward()'s next tensor input, e.g. 1,3,224,224; once per input, in order "
                         "(ids, then a mask); needed unless the model comes with example inputs (bundled models, "
                         "torchvision:NAME on the image size its weights document, e.g. 1,3,299,299 for "
                         "inception_v3, factories returning (module, [inputs]))")
    pt.add_argument("--input-dtype", action="append", default=[], choices=["f32", "i64"],
                    help="element type of the inputs: once for all, or once per --input-shape (default: the factory's "
                         "example inputs' types, else f32)")
    pt.add_argument("--trace", default="auto", choices=["auto", "fx", "aten", "onnx"],
                    help="how the module becomes a graph: fx (torch.fx.symbolic_trace: module-level ops, module-path "
                         "locations), aten (make_fx on the example inputs: ATen ops; handles shape unpacking, einsum, "
                         "nn.MultiheadAttention), onnx (torch.onnx.export, then the ONNX importer), auto (default: "
                         "fx, else aten with a note on stderr)")
    pt.add_argument("--opset", type=int, default=17, help="ONNX opset of --trace=onnx (default 17, torch 1.13's newest)")
    pt.add_argument("--export-onnx", metavar="FILE", help="also write the torch.onnx.export of the model to FILE")
    po = sub.add_parser("onnx", help="convert an .onnx file")
    po.add_argument("model", help="path of the .onnx file")
    po.add_argument("--input-shape", action="append", default=[], metavar="NAME=SHAPE",
                    help="static shape of a graph input (repeatable); a symbolic first (batch) "
                         "dim becomes 1, with a note on stderr; other symbolic dims need this")
    po.add_argument("--fold-qdq", action="store_true",
                    help="import a quantized graph as the float graph it quantizes (QuantizeLinear -> "
                         "DequantizeLinear on activations pass values on; QLinearConv / QLinearMatMul compute on "
                         "their dequantized weights; DynamicQuantizeLinear passes values on with scale 1, "
                         "MatMulInteger / ConvInteger compute on their weights less the zero points): what a chip that folds requantization into its layers runs, "
                         "for placement; the numbers are the float model's")
    for sp in (pt, po):
        sp.add_argument("-o", "--output", help="output .mlir file (default: stdout)")
        sp.add_argument("--func-name", default="forward")
        sp.add_argument("--stats", metavar="FILE", help="write import statistics as JSON to FILE ('-' = stderr)")
        sp.add_argument("--inline-weights", action="store_true",
                        help="write the real weight values as dense<\"0x...\"> literals instead of blob-less "
                             "dense_resource constants (an executable module; large: 4 bytes per weight as hex "
                             "text)")
    a = p.parse_args(argv)

    needs = ["numpy", "torch"] if a.source == "torch" else ["numpy", "onnx"]
    if a.source == "torch" and (a.trace == "onnx" or a.export_onnx):
        needs.append("onnx")
    missing = _require(*needs)
    if missing:
        print(missing, file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        if not a.func_name:
            raise UnsupportedError("--func-name: '' is not a function name (it is empty)")
        # Written after the import: checked before it, so a slow import is
        # not thrown away and nothing is left half-written.
        _check_output_path("-o", a.output)
        _check_output_path("--stats", a.stats)
        if a.source == "torch":
            module, inputs = _torch_model(a.model, a.input_shape, a.input_dtype)
            user_factory = ":" in a.model and not a.model.startswith(("torchvision:", "corpus:"))
            if user_factory and any(m.training for m in module.modules()):
                # Every route imports the inference graph (.eval()); a user's
                # factory that returned a training-mode module is told so,
                # rather than have what it computes change silently.
                print(f"egrl-import: note: {one_line(a.model)} is in training mode; it is imported for "
                      "inference (.eval(): dropout off, batch-norm on its running statistics)", file=sys.stderr)
            if a.trace == "auto":
                from .torch_import import quantized_part, script_module

                part = quantized_part(module)
                script = script_module(module)
                if part is not None or script is not None:  # only torch.onnx.export reads these
                    missing = _require("onnx")
                    if missing:
                        print(missing, file=sys.stderr)
                        return 2
                    what = f"quantized ({part})" if part is not None else script
                    print(f"egrl-import: note: {one_line(a.model)} is {what}; used the onnx route "
                          "(torch.onnx.export)", file=sys.stderr)
                    a.trace = "onnx"
            if a.export_onnx:
                _export_onnx(module, inputs, a.opset, a.export_onnx)
            if a.trace == "onnx":
                import tempfile

                from .onnx_import import import_onnx

                from .torch_import import quantized_part

                # Equal weights stay apart unless their values are written (merged, they compute the same);
                # a file the user asked for keeps the values, so the import reads another export.
                distinct = not a.inline_weights and quantized_part(module) is None
                with tempfile.TemporaryDirectory() as tmp:
                    path = a.export_onnx if a.export_onnx and not distinct else os.path.join(tmp, "model.onnx")
                    if path != a.export_onnx:
                        _export_onnx(module, inputs, a.opset, path, distinct_weights=distinct)
                    r = import_onnx(path, None, a.func_name, inline_weights=a.inline_weights)
                stats = {"route": "onnx", "opset": a.opset,
                         "parameters": sum(p.numel() for p in module.parameters())}
            else:
                from .torch_import import import_module

                r = import_module(module, inputs, a.func_name, inline_weights=a.inline_weights, trace=a.trace)
                if r.fallback_reason:
                    print(f"egrl-import: note: torch.fx could not import {a.model} ({_first_sentence(r.fallback_reason)}); "
                          f"used the aten route (make_fx)", file=sys.stderr)
                stats = {"route": r.route, "parameters": r.parameter_count,
                         "kept_buffer_elements": r.kept_buffer_count}
        else:
            from .onnx_import import import_onnx

            shapes = {}
            for item in a.input_shape:
                # The last '=': input names may hold one, shapes never do.
                name, eq, shp = item.rpartition("=")
                if not name or not eq:
                    raise UnsupportedError(f"--input-shape: '{item}' is not NAME=SHAPE (e.g. input=1,3,224,224)")
                if name in shapes:
                    raise UnsupportedError(f"--input-shape: '{name}' is given twice")
                shapes[name] = _shape(shp)
            r = import_onnx(a.model, shapes, a.func_name, inline_weights=a.inline_weights, fold_qdq=a.fold_qdq)
            stats = {"route": "onnx"}
    except UnsupportedError as e:  # one line even when it quotes a model name with a newline
        print(f"egrl-import: error: {one_line(str(e))}{_half_precision_hint(str(e))}", file=sys.stderr)
        return 1
    except RuntimeError as e:  # torch rejecting the inputs (a shape the model cannot take)
        print(f"egrl-import: error: {a.model} cannot run on its inputs: {_first_sentence(str(e))}"
              f"{_half_precision_hint(str(e))}", file=sys.stderr)
        return 1
    seconds = time.perf_counter() - t0
    text = r.text
    try:
        if a.output:
            write_output(a.output, text)
        else:
            if sys.stdout is None:  # started with standard output closed
                raise OSError(0, "standard output is closed")
            sys.stdout.write(text)
            sys.stdout.flush()
    except OSError as e:
        where = f"'{a.output}'" if a.output else "standard output"
        print(f"egrl-import: error: cannot write {where}: {e.strerror or e}", file=sys.stderr)
        return 1
    if a.stats:
        ops = linalg_op_counts(text)
        stats.update({"model": a.model, "weight_constants": r.resource_count,
                      "weight_elements": r.resource_elements, "linalg_ops": sum(ops.values()),
                      "linalg_op_counts": ops, "bytes": len(text.encode()), "seconds": round(seconds, 2)})
        out = json.dumps(stats, sort_keys=True)
        if a.stats == "-":
            print(out, file=sys.stderr)
        else:
            try:
                write_output(a.stats, out + "\n")
            except OSError as e:
                print(f"egrl-import: error: cannot write '{a.stats}': {e.strerror or e}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
