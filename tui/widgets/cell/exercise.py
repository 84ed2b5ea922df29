"""Below an exercise cell: whether it passed, the hints asked for, and the solution when shown."""

from __future__ import annotations

import re

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


_CODE_SPAN = re.compile(r"`([^`\n]+)`")
CODE_STYLE = "markdown.code"  # the style Rich's Markdown gives inline code in the lesson's prose


def with_code(text: str, style: str = "") -> Text:
    """`text` with its `backtick` spans shown as code, the way the lesson's prose shows them."""
    result = Text(style=style)
    end = 0
    for match in _CODE_SPAN.finditer(text):
        result.append(text[end:match.start()])
        result.append(match.group(1), style=CODE_STYLE)
        end = match.end()
    result.append(text[end:])
    return result


class ExercisePanel(Vertical):
    def __init__(self, title: str, hints: list[str], solution: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self.hints = hints
        self.solution = solution
        self.passed = False
        self.hints_used = 0
        self.verdict = ""  # the check's message from the last run
        self.solution_shown = False

    def compose(self) -> ComposeResult:
        yield Static(id="exercise-status")
        yield Static(id="exercise-hints")
        yield Static(id="exercise-solution")

    def on_mount(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        status = Text()
        if self.passed:
            status.append("✓ Passed ", style="bold green")
            status.append_text(with_code(self.title))
            status.append("  · s: solution", style="dim")
        else:
            status.append("Exercise ", style="bold yellow")
            status.append_text(with_code(self.title))
            if self.verdict:
                status.append_text(with_code(f"\n✗ Not yet: {self.verdict}", style="red"))
            left = len(self.hints) - self.hints_used
            keys = "ctrl+r: run and check"
            if left > 0:
                keys += f" · h: hint ({left} left)"
            keys += " · s: solution"
            status.append(f"\n{keys}", style="dim")
        self.set_class(self.passed, "-passed")
        self.query_one("#exercise-status", Static).update(status)
        hints = self.query_one("#exercise-hints", Static)
        shown = self.hints[: self.hints_used]
        hints.display = bool(shown)
        hints.update(Text("\n").join(with_code(f"Hint {n}: {hint}") for n, hint in enumerate(shown, 1)))
        solution = self.query_one("#exercise-solution", Static)
        solution.display = self.solution_shown
        if self.solution_shown:
            solution.update(Syntax(self.solution.rstrip("\n"), "python", theme="monokai", word_wrap=True))
