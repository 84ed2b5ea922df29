"""The autograd graph the inspector draws: computed in the kernel, bounded, naming the learner's leaves."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from curriculum.kernel.autograd_graph import add_graphs, grad_graph, leaf_names  # noqa: E402
from curriculum.kernel.results import GradNode, VariableInfo  # noqa: E402


def labels(node: dict) -> list[str]:
    """Every label in the tree, depth first."""
    return [node["label"], *(label for child in node["children"] for label in labels(child))]


def test_a_small_graph_names_its_leaves_with_their_shapes():
    w = torch.ones(3, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    x = torch.arange(3.0)  # no grad: not in the graph
    y = (w * x + b).sum()
    tree = grad_graph(y, leaf_names({"w": w, "b": b, "x": x, "y": y}))
    assert tree["label"] == "SumBackward0"
    (add,) = tree["children"]
    assert add["label"] == "AddBackward0"
    mul, b_leaf = add["children"]
    assert mul["label"] == "MulBackward0"
    assert mul["children"] == [{"label": "AccumulateGrad → w: tensor [3] float32", "children": []}]
    assert b_leaf["label"] == "AccumulateGrad → b: tensor [3] float32"


def test_a_models_parameters_are_named_by_their_path_in_the_model():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 2))
    loss = net(torch.randn(5, 4)).pow(2).mean()
    found = labels(grad_graph(loss, leaf_names({"net": net, "loss": loss})))
    assert "AccumulateGrad → net.0.weight: tensor [2, 4] float32" in found
    assert "AccumulateGrad → net.0.bias: tensor [2] float32" in found


def test_a_node_reached_twice_is_drawn_once_then_marked():
    a = torch.ones(2, requires_grad=True)
    shared = a * 2
    y = shared + shared.exp()
    found = labels(grad_graph(y, leaf_names({"a": a})))
    assert found.count("MulBackward0") == 1 and "MulBackward0 (shown above)" in found


def test_a_deep_or_wide_graph_is_cut_with_a_note():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(200):
        y = y * 1.0001
    deep = labels(grad_graph(y, {}, max_depth=5))
    assert len(deep) == 6 and deep[-1].startswith("… 1 input(s) deeper than 5 levels")
    parts = [torch.ones(1, requires_grad=True) for _ in range(100)]
    wide = labels(grad_graph(torch.cat(parts), {}, max_nodes=20))
    assert len(wide) <= 22 and wide[-1].endswith("more input(s) not shown")
    assert "AccumulateGrad → an unnamed tensor: tensor [1] float32" in wide


def test_only_tensors_with_a_grad_fn_get_a_graph_and_it_survives_the_wire():
    w = torch.ones(2, requires_grad=True)
    y = w * 3
    variables = add_graphs([{"name": "w", "kind": "tensor", "grad_fn": None},
                            {"name": "y", "kind": "tensor", "grad_fn": "MulBackward0"}], {"w": w, "y": y})
    assert "grad_graph" not in variables[0]
    info = VariableInfo.from_dict(variables[1])
    assert info.grad_graph == GradNode("MulBackward0", [GradNode("AccumulateGrad → w: tensor [2] float32")])


def test_a_real_kernel_returns_the_graph_with_the_cells_variables(make_kernel):
    kernel = make_kernel("auto")
    result = kernel.execute("import torch\nw = torch.ones(3, requires_grad=True)\nloss = (w * w).sum()")
    assert result.status == "ok", result.message
    found = {v.name: v for v in result.variables}
    assert found["w"].grad_graph is None
    graph = found["loss"].grad_graph
    assert graph.label == "SumBackward0" and graph.children[0].label == "MulBackward0"
    assert [c.label for c in graph.children[0].children] == ["AccumulateGrad → w: tensor [3] float32"] * 2
