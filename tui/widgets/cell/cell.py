"""A code cell: its prompt, the editor, and what the last run left behind."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from curriculum.lesson import CodeCell
from tui.messages import RunOutcome
from tui.widgets.cell.editor import CellEditor
from tui.widgets.cell.exercise import ExercisePanel
from tui.widgets.cell.images import CellImages
from tui.widgets.cell.inspector import Inspector
from tui.widgets.cell.output import OutputPane

FLUSH_INTERVAL = 0.1  # output redraws at most ten times a second, however fast the cell prints
RESTART_HINT = " Press 0 0 to restart the kernel."


class CodeCellView(Horizontal, can_focus=True):
    BINDINGS = [Binding("enter", "edit", "Edit", tooltip="Edit this cell (escape leaves the editor)")]

    prompt = reactive("[ ]")

    def __init__(self, cell: CodeCell, text: str) -> None:
        super().__init__(id=f"cell-{cell.id}", classes="code-cell")
        self.cell = cell
        self._initial_text = text
        self._flush_timer: Timer | None = None
        self.last_count: int | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.prompt, classes="prompt")
        with Vertical(classes="cell-body"):
            yield CellEditor(self._initial_text, id="editor")
            yield OutputPane(id="output")
            yield Static("", id="traceback", markup=False)
            yield Static("", id="kernel-message", markup=False)
            yield CellImages(id="images")
            yield Inspector(id="inspector")
            exercise = self.cell.exercise
            if exercise is not None:
                yield ExercisePanel(exercise.title, exercise.hints, exercise.solution, id="exercise")

    def on_mount(self) -> None:
        self.query_one("#traceback").display = False
        self.query_one("#kernel-message").display = False

    def watch_prompt(self, prompt: str) -> None:
        if self.is_mounted:
            self.query_one(".prompt", Static).update(prompt)

    @property
    def editor(self) -> CellEditor:
        return self.query_one(CellEditor)

    @property
    def output(self) -> OutputPane:
        return self.query_one(OutputPane)

    @property
    def exercise_panel(self) -> ExercisePanel | None:
        panels = self.query(ExercisePanel)
        return panels.first() if panels else None

    @property
    def text(self) -> str:
        return self.editor.text

    @property
    def editing(self) -> bool:
        return self.editor.has_focus

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # Inside the editor enter is a newline: don't offer "Edit" in the footer there.
        return not (action == "edit" and self.editing)

    def action_edit(self) -> None:
        self.editor.focus()

    @on(CellEditor.Left)
    def _leave_editor(self, event: CellEditor.Left) -> None:
        event.stop()
        self.focus()

    def mark_queued(self) -> None:
        self.prompt = "[*]"
        self.add_class("-queued")

    def begin_run(self) -> None:
        """Clear the last run's leftovers and start redrawing output as it streams in."""
        self.remove_class("-queued")
        self.add_class("-running")
        self.prompt = "[*]"
        self.output.clear()
        for selector in ("#traceback", "#kernel-message", "#images", "#inspector"):
            self.query_one(selector).display = False
        self._flush_timer = self.set_interval(FLUSH_INTERVAL, self.output.flush)

    async def finish_run(self, outcome: RunOutcome) -> None:
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        self.remove_class("-running", "-queued")
        self.output.flush()
        result = outcome.result
        if result is None:
            self.prompt = "[ ]"
            self._show_message(outcome.failure or "The kernel could not run this cell.")
            return
        count = getattr(result, "execution_count", None)
        self.last_count = count
        self.prompt = f"[{count}]" if count is not None else "[ ]"
        error = getattr(result, "error", None)
        traceback = self.query_one("#traceback", Static)
        if error is not None and getattr(error, "traceback", ""):
            traceback.update(Text(error.traceback.rstrip("\n"), style="red"))
            traceback.display = True
        status = getattr(result, "status", "ok")
        message = getattr(result, "message", "") or ""
        if status in ("died", "memory", "timeout") and "restart" not in message.lower():
            message = (message + RESTART_HINT).strip()
        if message and status != "error":
            self._show_message(message, severe=status in ("died", "memory", "timeout"))
        await self.query_one(CellImages).show_images(getattr(result, "images", []) or [])
        self.query_one(Inspector).show_variables(getattr(result, "variables", []) or [])

    def _show_message(self, message: str, severe: bool = True) -> None:
        line = self.query_one("#kernel-message", Static)
        line.update(message)
        line.set_class(severe, "-severe")
        line.display = True

    def cancel_queued(self) -> None:
        if self.has_class("-queued"):
            self.remove_class("-queued")
            self.prompt = f"[{self.last_count}]" if self.last_count is not None else "[ ]"

    def reset(self, source: str) -> None:
        """Back to the lesson's original text, with no output."""
        self.editor.load_text(source)
        self.output.clear()
        for selector in ("#traceback", "#kernel-message", "#images", "#inspector"):
            self.query_one(selector).display = False
        self.prompt = "[ ]"
        self.last_count = None
        panel = self.exercise_panel
        if panel is not None:
            panel.passed, panel.hints_used, panel.verdict, panel.solution_shown = False, 0, "", False
            panel.redraw()

    def toggle_inspector(self) -> None:
        self.query_one(Inspector).toggle()
