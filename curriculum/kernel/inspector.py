"""Short summaries of the names a cell created or changed, for the app's variables panel.

Runs inside the kernel. Never imports torch itself: it only looks at torch objects when the cell
already imported it, and never calls a user object's own __repr__ (it could be slow or raise).
"""

from __future__ import annotations

import reprlib
import sys
import types

MAX_VARIABLES = 30
_SIMPLE = (int, float, complex, bool, str, bytes, list, tuple, dict, set, frozenset, range, type(None))
_repr = reprlib.Repr()
_repr.maxstring = 60
_repr.maxother = 60
_repr.maxlist = _repr.maxtuple = _repr.maxdict = _repr.maxset = 8


def _torch():
    return sys.modules.get("torch")


def _version(value) -> object:
    """Changes when a tensor or a model's parameters are modified in place."""
    torch = _torch()
    if torch is None:
        return None
    try:
        if isinstance(value, torch.Tensor):
            return value._version
        if isinstance(value, torch.nn.Module):
            return sum(p._version for p in value.parameters())
    except Exception:
        return None
    return None


def _visible(name: str, value) -> bool:
    return not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "show"


def snapshot(namespace: dict) -> dict[str, tuple[int, object]]:
    return {name: (id(value), _version(value)) for name, value in list(namespace.items()) if _visible(name, value)}


def changed(before: dict[str, tuple[int, object]], namespace: dict) -> list[dict]:
    result = []
    for name, value in list(namespace.items()):
        if not _visible(name, value):
            continue
        if before.get(name) == (id(value), _version(value)):
            continue
        result.append(describe(name, value))
        if len(result) >= MAX_VARIABLES:
            break
    return result


def describe(name: str, value) -> dict:
    try:
        torch = _torch()
        if torch is not None and isinstance(value, torch.Tensor):
            return _tensor(name, value)
        if torch is not None and isinstance(value, torch.nn.Module):
            return _module(name, value)
        if type(value).__module__ == "numpy" and hasattr(value, "shape"):
            return _array(name, value)
        return {"name": name, "kind": "other", "summary": _other(value)}
    except Exception as error:  # an odd object must never break the cell's result
        return {"name": name, "kind": "other", "summary": f"{type(value).__name__} (could not inspect: {error})"}


def shape_text(shape) -> str:
    """A shape as `torch.Size` prints it, `[4]` or `[2, 3]` (`[]` for a scalar): what the learner sees in torch."""
    return "[" + ", ".join(str(n) for n in shape) + "]"


def _tensor(name: str, t) -> dict:
    dtype = str(t.dtype).replace("torch.", "")
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    summary = f"tensor {shape_text(t.shape)} {dtype} on {t.device}"
    if t.numel() <= 8 and t.layout == _torch().strided and t.device.type != "meta":
        values = t.detach().cpu().flatten().tolist()
        shown = ", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in values)
        summary += f" = [{shown}]"
    if grad_fn:
        summary += f", grad_fn={grad_fn}"
    elif t.requires_grad:
        summary += ", requires_grad"
    return {
        "name": name, "kind": "tensor", "summary": summary, "shape": list(t.shape), "dtype": dtype,
        "device": str(t.device), "requires_grad": bool(t.requires_grad), "grad_fn": grad_fn,
    }


def _module(name: str, module) -> dict:
    params = list(module.parameters())
    count = sum(p.numel() for p in params)
    first = params[0] if params else None
    layers = sum(1 for _ in module.children())
    summary = f"{type(module).__name__}: {layers} layer{'s' if layers != 1 else ''}, {count:,} parameters"
    return {
        "name": name, "kind": "module", "summary": summary, "parameters": count,
        "dtype": str(first.dtype).replace("torch.", "") if first is not None else None,
        "device": str(first.device) if first is not None else None,
        "requires_grad": any(p.requires_grad for p in params) if params else None,
    }


def _array(name: str, array) -> dict:
    shape = [int(n) for n in array.shape]
    return {
        "name": name, "kind": "other", "summary": f"ndarray {shape_text(shape)} {array.dtype}",
        "shape": shape, "dtype": str(array.dtype), "device": "cpu",
    }


def _other(value) -> str:
    if isinstance(value, type):
        return f"class {value.__name__}"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
        return f"function {getattr(value, '__name__', '?')}"
    if isinstance(value, _SIMPLE):
        return f"{type(value).__name__} {_repr.repr(value)}"
    return f"{type(value).__module__}.{type(value).__qualname__}".removeprefix("builtins.")
