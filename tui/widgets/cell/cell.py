"""A code cell: its prompt, the editor, and what the last run left behind."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical
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
        self._results: ResultsArea | None = None
        self._results_mounted = None  # awaited before the results are filled in
        self.last_count: int | None = None
        self.last_result = None  # the last run's ExecResult, for export

    def compose(self) -> ComposeResult:
        yield Static(self.prompt, classes="prompt")
        with Vertical(classes="cell-body"):
            yield CellEditor(self._initial_text, id="editor")
            exercise = self.cell.exercise
            if exercise is not None:
                yield ExercisePanel(exercise.title, exercise.hints, exercise.solution, id="exercise")

    def _ensure_results_area(self) -> None:
        """Output, traceback, message, pictures and inspector: made on the first run only,
        because a lesson has twenty cells and most widgets would sit empty at open time."""
        if self._results is not None:
            return
        self._results = ResultsArea()
        self._results_mounted = self.query_one(".cell-body").mount(*self._results.widgets, after=self.editor)

    def watch_prompt(self, prompt: str) -> None:
        if self.is_mounted:
            self.query_one(".prompt", Static).update(prompt)

    @property
    def editor(self) -> CellEditor:
        return self.query_one(CellEditor)

    @property
    def output(self) -> OutputPane:
        self._ensure_results_area()
        return self._results.output

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
        self._results.hide_leftovers()
        self._flush_timer = self.set_interval(FLUSH_INTERVAL, self._flush_output)

    def _flush_output(self) -> None:
        if self.output.flush() and self.has_focus_within:
            self.call_after_refresh(self._follow_output)

    def _follow_output(self) -> None:
        """Keep the newest output line in view while the focused cell prints, as a terminal does."""
        scroller = self.parent
        while scroller is not None and not isinstance(scroller, ScrollableContainer):
            scroller = scroller.parent
        if scroller is None:
            return
        below = self.output.region.bottom - scroller.content_region.bottom
        if below > 0:
            scroller.scroll_relative(y=below, animate=False)

    def reveal_results(self) -> None:
        """Scroll so the last thing this cell shows is on screen (at 80×24 it is often below)."""
        shown = [child for child in self.query_one(".cell-body").children if child.display]
        if shown:
            shown[-1].scroll_visible(animate=False)

    async def finish_run(self, outcome: RunOutcome) -> None:
        if self._flush_timer is not None:
            self._flush_timer.stop()
            self._flush_timer = None
        self.remove_class("-running", "-queued")
        self._ensure_results_area()
        await self._results_mounted
        self.output.flush()
        results = self._results
        result = self.last_result = outcome.result
        if result is None:
            self.prompt = "[ ]"
            self._show_message(outcome.failure or "The kernel could not run this cell.")
            return
        count = getattr(result, "execution_count", None)
        self.last_count = count
        self.prompt = f"[{count}]" if count is not None else "[ ]"
        error = getattr(result, "error", None)
        traceback = results.traceback
        if error is not None and getattr(error, "traceback", ""):
            traceback.update(Text(error.traceback.rstrip("\n"), style="red"))
            traceback.display = True
        status = getattr(result, "status", "ok")
        message = getattr(result, "message", "") or ""
        if status in ("died", "memory", "timeout") and "restart" not in message.lower():
            message = (message + RESTART_HINT).strip()
        if message and status != "error":
            self._show_message(message, severe=status in ("died", "memory", "timeout"))
        await results.images.show_images(getattr(result, "images", []) or [])
        results.inspector.show_variables(getattr(result, "variables", []) or [])

    def _show_message(self, message: str, severe: bool = True) -> None:
        line = self._results.message
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
        if self._results is not None:
            self._results.output.clear()
            self._results.hide_leftovers()
        self.prompt = "[ ]"
        self.last_count = self.last_result = None
        panel = self.exercise_panel
        if panel is not None:
            panel.passed, panel.hints_used, panel.verdict, panel.solution_shown = False, 0, "", False
            panel.redraw()

    def toggle_inspector(self) -> None:
        if self._results is not None:
            self._results.inspector.toggle()

    def toggle_grad_graph(self) -> bool:
        return self._results is not None and self._results.inspector.toggle_graph()


class ResultsArea:
    """The widgets under the editor that show what the last run left behind."""

    def __init__(self) -> None:
        self.output = OutputPane(id="output")
        self.traceback = Static("", id="traceback", markup=False)
        self.message = Static("", id="kernel-message", markup=False)
        self.images = CellImages(id="images")
        self.inspector = Inspector(id="inspector")
        self.hide_leftovers()

    @property
    def widgets(self) -> list:
        return [self.output, self.traceback, self.message, self.images, self.inspector]

    def hide_leftovers(self) -> None:
        for widget in (self.traceback, self.message, self.images, self.inspector):
            widget.display = False
