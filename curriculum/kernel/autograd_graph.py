"""The autograd graph behind a tensor, as a small tree the app can draw (what torchviz draws with graphviz).

Runs inside the kernel, after a cell, for the tensors it created or changed that have a `grad_fn`:
`grad_fn` → `next_functions` → …, down to `AccumulateGrad` nodes, which name the leaf tensor whose
`.grad` they fill (`w`, or `net.fc1.weight` for a model's parameter) with its shape. The tree is
bounded in depth and size so a whole network's graph stays readable; a node reached twice is drawn
once and then marked "(shown above)". Never imports torch itself.
"""

from __future__ import annotations

import sys

MAX_DEPTH = 10
MAX_NODES = 60


def _torch():
    return sys.modules.get("torch")


def leaf_names(namespace: dict) -> dict[int, str]:
    """id(tensor) -> the learner's name for it: a variable, or a model's parameter as `model.layer.weight`."""
    torch = _torch()
    names: dict[int, str] = {}
    if torch is None:
        return names
    for name, value in list(namespace.items()):
        if name.startswith("_"):
            continue
        try:
            if isinstance(value, torch.Tensor):
                names.setdefault(id(value), name)
            elif isinstance(value, torch.nn.Module):
                for parameter_name, parameter in value.named_parameters():
                    names.setdefault(id(parameter), f"{name}.{parameter_name}")
        except Exception:  # an odd module must not break the cell's result
            continue
    return names


def _shape(tensor) -> str:
    return "[" + ", ".join(str(n) for n in tensor.shape) + "]"


def _leaf_label(tensor, names: dict[int, str]) -> str:
    name = names.get(id(tensor), "an unnamed tensor")
    dtype = str(tensor.dtype).replace("torch.", "")
    return f"{name}: tensor {_shape(tensor)} {dtype}"


def grad_graph(tensor, names: dict[int, str], max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> dict | None:
    """{"label", "children"} from the tensor's grad_fn down; None when it has none."""
    root = getattr(tensor, "grad_fn", None)
    if root is None:
        return None
    seen: set[int] = set()
    budget = [max_nodes]

    def visit(fn, depth: int) -> dict:
        budget[0] -= 1
        label = type(fn).__name__
        variable = getattr(fn, "variable", None)  # only AccumulateGrad has one: the leaf it accumulates into
        if variable is not None:
            return {"label": f"{label} → {_leaf_label(variable, names)}", "children": []}
        if id(fn) in seen:
            return {"label": f"{label} (shown above)", "children": []}
        seen.add(id(fn))
        node = {"label": label, "children": []}
        inputs = [child for child, _ in getattr(fn, "next_functions", ()) if child is not None]
        if inputs and depth >= max_depth:
            node["children"].append({"label": f"… {len(inputs)} input(s) deeper than {max_depth} levels", "children": []})
            return node
        for index, child in enumerate(inputs):
            if budget[0] <= 0:
                node["children"].append({"label": f"… {len(inputs) - index} more input(s) not shown", "children": []})
                break
            node["children"].append(visit(child, depth + 1))
        return node

    return visit(root, 1)


def add_graphs(variables: list[dict], namespace: dict) -> list[dict]:
    """Give each described tensor that has a grad_fn its `grad_graph`; leaves the list otherwise as it was."""
    names = None
    for variable in variables:
        if variable.get("kind") != "tensor" or not variable.get("grad_fn"):
            continue
        try:
            if names is None:
                names = leaf_names(namespace)
            variable["grad_graph"] = grad_graph(namespace.get(variable["name"]), names)
        except Exception as error:  # a graph that cannot be walked is reported, never fatal
            variable["grad_graph"] = {"label": f"(the graph could not be read: {error})", "children": []}
    return variables
