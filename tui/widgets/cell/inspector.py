"""The tensor inspector: after each run, the names the cell created or changed."""

from __future__ import annotations

from typing import Any, Iterable

from rich.table import Table
from rich.text import Text
from textual.widgets import Collapsible, Static

from curriculum.kernel.inspector import shape_text
from tui.widgets.cell.grad_graph import GradGraph


def describe(variable: Any) -> str:
    """One line of facts about a variable: what a learner checks when a shape goes wrong."""
    kind = getattr(variable, "kind", "other")
    parts: list[str] = []
    if kind == "tensor":
        shape = getattr(variable, "shape", None)
        if shape is not None:
            parts.append("shape " + (shape if isinstance(shape, str) else shape_text(shape)))
        for label in ("dtype", "device"):
            value = getattr(variable, label, None)
            if value:
                parts.append(str(value))
        if getattr(variable, "requires_grad", None):
            parts.append("requires_grad")
        grad_fn = getattr(variable, "grad_fn", None)
        if grad_fn:
            parts.append(f"grad_fn={grad_fn}")
    elif kind == "module":
        parts.append(getattr(variable, "summary", ""))  # it already counts the parameters
    if not parts:
        parts.append(getattr(variable, "summary", "") or "")
    return "  ".join(part for part in parts if part)


class Inspector(Collapsible):
    """Collapsed by default so it never crowds an 80×24 screen; `v` toggles it."""

    def __init__(self, *, id: str | None = None) -> None:
        self._table = Static("", id="inspector-table")
        self.graph = GradGraph(id="grad-graph")
        super().__init__(self._table, self.graph, title="Variables", collapsed=True, id=id)
        self.display = False
        self._variables: list[Any] = []

    def show_variables(self, variables: Iterable[Any]) -> None:
        variables = list(variables or [])
        self._variables = variables
        self.display = bool(variables)
        if not variables:
            return
        names = ", ".join(getattr(v, "name", "?") for v in variables[:4])
        more = f", +{len(variables) - 4}" if len(variables) > 4 else ""
        graphs = " · g: autograd graph" if any(getattr(v, "grad_graph", None) for v in variables) else ""
        self.title = f"Variables: {names}{more}{graphs}"
        if self.graph.display:  # an open graph follows the newest run
            self.graph.display = self.graph.show_graphs(variables) > 0
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(style="dim", no_wrap=True)
        table.add_column()
        for variable in variables:
            table.add_row(getattr(variable, "name", "?"), getattr(variable, "kind", ""), Text(describe(variable)))
        self._table.update(table)

    def toggle_graph(self) -> bool:
        """Show (opening the inspector) or hide the autograd graphs; False when no tensor here has one."""
        if self.graph.display and not self.collapsed:
            self.graph.display = False
            return True
        if not self.graph.show_graphs(self._variables):
            return False
        self.graph.display = True
        self.collapsed = False
        return True

    def toggle(self) -> None:
        if self.display:
            self.collapsed = not self.collapsed
