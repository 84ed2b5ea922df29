"""The autograd graph behind a cell's tensors, drawn as a tree: `g` in the inspector.

The kernel computes the graph (curriculum/kernel/autograd_graph.py) and sends it with the variables
as `GradNode`s; this only draws them, one branch per tensor that has a `grad_fn`.
"""

from __future__ import annotations

from typing import Any, Iterable

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode


class GradGraph(Tree):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("autograd graph", id=id)
        self.show_root = False
        self.display = False

    def show_graphs(self, variables: Iterable[Any]) -> int:
        """Draw the graphs of the variables that have one (the first unfolded); how many were drawn."""
        self.clear()
        count = 0
        for variable in variables:
            graph = getattr(variable, "grad_graph", None)
            if graph is None:
                continue
            shape = getattr(variable, "shape", None) or ()
            top = self.root.add(Text.assemble((getattr(variable, "name", "?"), "bold"),
                                              f" = tensor [{', '.join(str(n) for n in shape)}]"),
                                expand=count == 0)
            _add(top, graph)
            count += 1
        self.root.expand()
        return count


def _add(parent: TreeNode, node: Any) -> None:
    label = Text(node.label, style="green" if node.label.startswith("AccumulateGrad") else "")
    if node.children:
        branch = parent.add(label, expand=True)
        for child in node.children:
            _add(branch, child)
    else:
        parent.add_leaf(label)
