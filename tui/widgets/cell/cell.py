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
from tui.widgets.cell.completion import CallTip, CompletionList
from tui.widgets.cell.editor import CellEditor
from tui.widgets.cell.indent import name_before
from tui.widgets.cell.exercise import ExercisePanel
from tui.widgets.cell.images import CellImages
from tui.widgets.cell.inspector import Inspector
from tui.widgets.cell.output import OutputPane

FLUSH_INTERVAL = 0.1  # output redraws at most ten times a second, however fast the cell prints
RESTART_HINT = " Press 0 0 to restart the kernel."


class CodeCellView(Horizontal, can_focus=True):
    BINDINGS = [
        Binding("enter", "edit", "Edit", tooltip="Edit this cell (escape leaves the editor)"),
        # Here, not on the screen: the scrolling column above the cells would take up/down to scroll.
        Binding("up", "screen.move(-1)", "Previous cell", show=False),
        Binding("down", "screen.move(1)", "Next cell", show=False),
    ]

    prompt = reactive("[ ]")

    def __init__(self, cell: CodeCell, text: str, *, scratch: bool = False) -> None:
        super().__init__(id=f"cell-{cell.id}", classes="code-cell -scratch" if scratch else "code-cell")
        self.cell = cell
        self.scratch = scratch  # a learner's own cell: never an exercise, saved apart from the lesson's
        self._tip: CallTip | None = None
        self._initial_text = text
        self._flush_timer: Timer | None = None
        self._results: ResultsArea | None = None
        self._results_mounted = None  # awaited before the results are filled in
        self.last_count: int | None = None
        self.last_result = None  # the last run's ExecResult, for export

    def compose(self) -> ComposeResult:
        yield Static(self.prompt, classes="prompt")
        with Vertical(classes="cell-body"):
            if self.scratch:
                yield Static("scratch cell · d d deletes it", classes="scratch-label")
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
        self.close_completions()
        self.focus()

    def clear_output(self) -> None:
        """Forget what the last run printed and showed; the prompt keeps its count, as in Jupyter."""
        if self._results is not None:
            self._results.output.clear()
            self._results.hide_leftovers()

    # ----- completion and signatures (the kernel's answers arrive through the screen)
    def show_completions(self, matches: list[str], replaced: int) -> None:
        """`replaced`: how many characters left of the cursor a completion takes the place of."""
        editor = self.editor
        typed = editor.before_cursor[len(editor.before_cursor) - replaced:] if replaced else ""
        if len(matches) == 1:
            editor.replace_before_cursor(len(typed), matches[0])
            return
        completions = self._completions
        if completions is None:
            return
        editor.completion_open = completions.show(matches, typed)
        if editor.completion_open:
            completions.place_below(editor.cursor_screen_offset, self.screen.size)

    @property
    def _completions(self) -> CompletionList | None:
        """The screen's one list, drawn over the lesson: showing it re-lays out nothing beneath it."""
        found = self.screen.query(CompletionList) if self.is_attached else None
        return found.first() if found else None

    def take_completion(self, chosen: str | None) -> None:
        completions = self._completions
        typed = completions.typed if completions is not None else ""
        self.close_completions()
        if chosen is not None:
            self.editor.replace_before_cursor(len(typed), chosen)

    def close_completions(self) -> None:
        if self._completions is not None:
            self._completions.close()
        self.editor.completion_open = False

    def show_signature(self, signature: str, doc: str) -> None:
        if self._tip is None:
            self._tip = CallTip(id="call-tip")
            self.query_one(".cell-body").mount(self._tip, after=self.editor)
        self._tip.show(signature, doc)
        self.editor.tip_open = self._tip.display
        if self._tip.display:
            self.call_after_refresh(self._tip.scroll_visible, animate=False)

    def close_signature(self) -> None:
        if self._tip is not None:
            self._tip.close()
        self.editor.tip_open = False

    @on(CellEditor.ListKey)
    def _list_key(self, event: CellEditor.ListKey) -> None:
        event.stop()
        key, completions = event.key, self._completions
        if key in ("escape", "close"):
            self.close_completions()
            if key == "escape":
                self.close_signature()
        elif completions is None or not self.editor.completion_open:
            return
        elif key in ("tab", "enter"):
            self.take_completion(completions.chosen)
        else:
            completions.move(key)

    @on(CellEditor.Changed)
    def _text_changed(self, event: CellEditor.Changed) -> None:
        # Not stopped: the screen saves the text from the same message.
        self.close_signature()
        if self.editor.completion_open and self._completions is not None:
            typed = name_before(self.editor.before_cursor)
            if not self._completions.narrow(typed) or not typed and not self.editor.before_cursor.endswith("."):
                self.close_completions()

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
