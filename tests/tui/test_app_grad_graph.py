"""`g` draws the autograd graph behind a cell's tensors as a tree under the inspector."""

from __future__ import annotations

import time

import pytest
from conftest import settle
from tui_fakes import FakeKernel

from curriculum.kernel.results import VariableInfo

# What curriculum/kernel/autograd_graph.py sends for `loss = (w * x + b).sum()`.
LOSS = {
    "name": "loss", "kind": "tensor", "summary": "tensor [] float32", "shape": [], "dtype": "float32",
    "grad_fn": "SumBackward0",
    "grad_graph": {"label": "SumBackward0", "children": [{"label": "AddBackward0", "children": [
        {"label": "MulBackward0", "children": [{"label": "AccumulateGrad → w: tensor [3] float32", "children": []}]},
        {"label": "AccumulateGrad → b: tensor [3] float32", "children": []},
    ]}]},
}


class GraphKernel(FakeKernel):
    """The fake kernel, plus a `loss` tensor with a graph whenever a cell mentions `loss`."""

    def execute(self, code, on_output, timeout=None):
        result = super().execute(code, on_output, timeout)
        if "loss" in code:
            result.variables.append(VariableInfo.from_dict(LOSS))
        return result


def tree_labels(node) -> list[str]:
    return [str(child.label.plain if hasattr(child.label, "plain") else child.label) for child in node.children]


async def test_g_draws_the_graph_from_grad_fn_down_to_the_named_leaves(make_app):
    app = make_app(kernel_factory=GraphKernel)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        view = app.screen.cell_view("make")
        view.editor.load_text("loss = 1")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        inspector = view.query_one("#inspector")
        assert "g: autograd graph" in str(inspector.title)
        await pilot.press("g")
        await pilot.pause()
        graph = inspector.graph
        assert graph.display and not inspector.collapsed
        (top,) = graph.root.children
        assert str(top.label.plain) == "loss = tensor []"
        (sum_node,) = top.children
        assert str(sum_node.label) == "SumBackward0" and sum_node.is_expanded
        (add,) = sum_node.children
        assert tree_labels(add) == ["MulBackward0", "AccumulateGrad → b: tensor [3] float32"]
        assert tree_labels(add.children[0]) == ["AccumulateGrad → w: tensor [3] float32"]
        assert graph.region.height > 0  # drawn on screen, not just built
        await pilot.press("g")
        await pilot.pause()
        assert not graph.display


async def test_g_without_a_graph_says_why(make_app):
    app = make_app(kernel_factory=GraphKernel)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        assert any("no graph to draw" in n.message for n in app._notifications)
        assert not app.screen.cell_view("make").query_one("#inspector").graph.display


@pytest.mark.slow
async def test_g_draws_a_real_kernels_graph(make_app):
    from tui.options import AppOptions

    app = make_app(options=AppOptions(timeout=60), kernel_factory=None)  # None: the app's real kernels
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        view = app.screen.cell_view("make")
        view.editor.load_text("import torch\nw = torch.ones(2, requires_grad=True)\nloss = (w * 3).sum()")
        await pilot.press("ctrl+r")
        deadline = time.monotonic() + 90
        while view.prompt != "[1]":
            assert time.monotonic() < deadline, "the kernel never ran the cell"
            await pilot.pause(0.1)
        await settle(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        (top,) = view.query_one("#inspector").graph.root.children
        (sum_node,) = top.children
        assert str(sum_node.label) == "SumBackward0"
        assert tree_labels(sum_node.children[0]) == ["AccumulateGrad → w: tensor [2] float32"]
