"""A lesson: prose and code cells in one scrolling column, with its own kernel.

A view over `curriculum.lesson_session.LessonSession`, which holds the kernel, the run queue and the
learner's progress; this screen calls it and repaints.
"""

from __future__ import annotations

import time

from rich.markdown import Markdown as RichMarkdown
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea
from textual.worker import Worker, WorkerState

from curriculum.lesson import BrokenLesson, CodeCell, Lesson, Prose
from curriculum.lesson_session import LessonSession, RunOutcome
from curriculum.progress import with_scratch_cells
from tui.messages import CellFinished, KernelChanged, ProgressChanged
from tui.screens.cell_actions import CellActions, RunCells, scratch_cell
from tui.screens.exercise_actions import ExerciseActions
from tui.widgets.cell.cell import CodeCellView
from tui.widgets.cell.completion import CompletionList
from tui.widgets.lesson.status import KernelStatus

CHORD_WINDOW = 1.0  # seconds between the two presses of `i i` / `0 0`, as in Jupyter


class LessonScreen(CellActions, ExerciseActions, Screen):
    BINDINGS = [
        Binding("ctrl+r", "run_cell", "Run", priority=True, tooltip="Run the focused cell (also from the editor)"),
        Binding("f5", "run_cell", "Run", show=False, priority=True),
        Binding("escape", "app.home", "Home", show=False, tooltip="Back to the list of lessons"),
        Binding("up,k", "move(-1)", "Previous cell", show=False),
        Binding("down,j", "move(1)", "Next cell", show=False),
        Binding("i", "chord('i')", "Stop", key_display="i i", tooltip="Interrupt the kernel"),
        Binding("0", "chord('0')", "Restart", key_display="0 0"),
        Binding("a", "run_above", "Run above", show=False, tooltip="Run every cell above this one, then this one"),
        Binding("v", "toggle_inspector", "Variables", show=False),
        Binding("g", "grad_graph", "Autograd graph", show=False),
        Binding("T", "train_this", "Train this", tooltip="Open the training screen with this lesson's settings"),
        *CellActions.CELL_BINDINGS,
        *ExerciseActions.EXERCISE_BINDINGS,
    ]

    def __init__(self, lesson: Lesson | BrokenLesson, session: LessonSession | None) -> None:
        super().__init__(name=f"lesson-{lesson.number}")
        self.lesson = lesson
        self.session = session
        self._chord_start: tuple[str, float] = ("", 0.0)
        self.current_cell_id: str | None = None

    # ----- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        lesson = self.lesson
        with Horizontal(id="lesson-title"):
            yield Static(f" Lesson {lesson.number} · {lesson.title}", id="lesson-name")
            yield Static("esc: all lessons ", id="lesson-back")
        with VerticalScroll(id="lesson-body", can_focus=False):
            if isinstance(lesson, BrokenLesson):
                yield Static(_broken_text(lesson), id="lesson-error", markup=False)
            else:
                yield from self._blocks(lesson)
        yield CompletionList(id="completions")
        yield KernelStatus(self.session, lesson)
        yield Footer(compact=True)

    def _blocks(self, lesson: Lesson) -> ComposeResult:
        for block in with_scratch_cells(lesson.blocks, self.app.progress.scratch_cells(lesson.id)):
            if isinstance(block, Prose):
                # Rich's Markdown: one widget per block (Textual's makes one per paragraph).
                yield Static(RichMarkdown(block.markdown, code_theme="monokai"), classes="prose")
            elif isinstance(block, CodeCell):
                yield CodeCellView(block, self.session.text_of(block))
            else:  # the learner's own scratch cell
                yield CodeCellView(scratch_cell(block.id), block.text, scratch=True)

    def on_mount(self) -> None:
        if self.session is None:
            return
        self._load_exercise_progress()
        saved = self.session.saved_position()
        if saved is not None:
            self.focus_cell(saved, top=True)
        elif self.lesson.cells:
            # First visit: the first code cell has focus, but the lesson's opening prose stays in view.
            self.focus_cell(self.lesson.cells[0].id, scroll=False)
            body = self.query_one("#lesson-body", VerticalScroll)
            self.call_after_refresh(body.scroll_home, animate=False)
        self.start_kernel()

    # ----- cells and focus ----------------------------------------------------------------
    @property
    def cell_views(self) -> list[CodeCellView]:
        return list(self.query(CodeCellView))

    def cell_view(self, cell_id: str) -> CodeCellView:
        return self.query_one(f"#cell-{cell_id}", CodeCellView)

    @property
    def current_view(self) -> CodeCellView | None:
        node = self.focused
        while node is not None and not isinstance(node, CodeCellView):
            node = node.parent
        if isinstance(node, CodeCellView):
            return node
        if self.current_cell_id is not None:
            return self.cell_view(self.current_cell_id)
        return None

    def focus_cell(self, cell_id: str | None, scroll: bool = True, top: bool = False) -> None:
        if cell_id is None:
            return
        view = self.cell_view(cell_id)
        view.focus(scroll_visible=False)
        if scroll:
            view.scroll_visible(top=top, animate=False)
        self._remember_position(cell_id)  # now, not on the focus event: a fast second `j` needs it

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        while widget is not None and not isinstance(widget, CodeCellView):
            widget = widget.parent
        if isinstance(widget, CodeCellView):
            self._remember_position(widget.cell.id)

    def _remember_position(self, cell_id: str) -> None:
        if cell_id != self.current_cell_id and self.session is not None:
            self.current_cell_id = cell_id
            self.session.move_to(cell_id)
            self.app.schedule_save()

    def action_move(self, step: int) -> None:
        views = self.cell_views
        if not views:
            return
        ids = [view.cell.id for view in views]
        index = ids.index(self.current_cell_id) if self.current_cell_id in ids else -1
        self.focus_cell(ids[max(0, min(len(ids) - 1, index + step))])

    def action_edit(self) -> None:
        view = self.current_view
        if view is not None:
            view.action_edit()

    def action_toggle_inspector(self) -> None:
        view = self.current_view
        if view is not None:
            view.toggle_inspector()

    def action_grad_graph(self) -> None:
        view = self.current_view
        if view is not None and not view.toggle_grad_graph():
            self.notify("No tensor from this cell's last run has a grad_fn, so there is no graph to draw.", timeout=4)

    @on(TextArea.Changed)
    def _edited(self, event: TextArea.Changed) -> None:
        view = event.text_area.parent
        while view is not None and not isinstance(view, CodeCellView):
            view = view.parent
        if view is None or self.session is None:
            return
        if view.scratch:  # the learner's own cell: saved apart from the lesson's cells
            self.app.progress.set_scratch_text(self.lesson.id, view.cell.id, event.text_area.text)
            self.app.schedule_save()
        elif self.session.edit(view.cell.id, event.text_area.text):
            self.app.schedule_save()

    # ----- running ------------------------------------------------------------------------
    def action_run_cell(self) -> None:
        view = self.current_view
        if view is None:
            return
        if view.editing:
            # ctrl+r is a priority binding, so it arrives before keys still queued in the editor:
            # run once the editor has taken them, or a fast typist runs the text before their edit.
            view.editor.call_later(self.enqueue, [view.cell.id])
        else:
            self.enqueue([view.cell.id])

    def action_run_above(self) -> None:
        view = self.current_view
        if view is not None and self.session is not None:
            ids = self.cell_ids_in_order()  # scratch cells too: they are part of what the learner built
            self.enqueue(ids[: ids.index(view.cell.id) + 1])

    def enqueue(self, cell_ids: list[str]) -> None:
        if self.session is None:
            return
        for cell_id in self.session.enqueue(cell_ids):
            self.cell_view(cell_id).mark_queued()
        self._run_next()

    def _run_next(self) -> None:
        cell_id = self.session.next_to_run() if self.session is not None else None
        if cell_id is None:
            return
        view = self.cell_view(cell_id)
        view.begin_run()
        self._execute(view.cell, view.text, view.output.tail)

    @work(thread=True, group="kernel", exit_on_error=False, description="run a cell")
    def _execute(self, cell: CodeCell, code: str, tail) -> None:
        assert self.session is not None
        outcome = self.session.run(cell, code, on_output=tail.write)
        self.post_message(CellFinished(cell.id, outcome))

    async def on_cell_finished(self, message: CellFinished) -> None:
        cancelled = self.session.finish(message.cell_id, message.outcome) if self.session is not None else []
        for cell_id in cancelled:
            self.cell_view(cell_id).cancel_queued()
        view = self.cell_view(message.cell_id)
        await view.finish_run(message.outcome)
        self.record_check(view, message.outcome)
        if message.outcome.note:
            self.notify(message.outcome.note, severity="warning", timeout=10)
        if view is self.current_view:
            self.call_after_refresh(view.reveal_results)
        self.query_one(KernelStatus).refresh_status()
        self._run_next()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Any worker that crashed: say so in one line, and unblock the queue."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.notify(f"{type(error).__name__}: {error}", title="Kernel error", severity="error")
        running = self.session.running if self.session is not None else None
        if event.worker.group == "kernel" and running is not None:
            self.post_message(CellFinished(running, RunOutcome(result=None, failure=f"The kernel failed: {error}")))

    def _cancel_queue(self) -> None:
        for cell_id in self.session.cancel_queue() if self.session is not None else []:
            self.cell_view(cell_id).cancel_queued()

    # ----- kernel control -----------------------------------------------------------------
    @work(thread=True, group="kernel-control", exit_on_error=False, description="start the kernel")
    def start_kernel(self) -> None:
        if self.session is None:
            return
        try:
            self.session.ensure_started()
        except Exception as error:
            self.post_message(KernelChanged(problem=str(error).splitlines()[0] if str(error) else type(error).__name__))
            return
        self.post_message(KernelChanged())

    def action_chord(self, key: str) -> None:
        last_key, when = self._chord_start
        now = time.monotonic()
        if last_key == key and now - when <= CHORD_WINDOW:
            self._chord_start = ("", 0.0)
            self.chord_done(key)
            return
        self._chord_start = (key, now)
        self.notify(f"Press {key} again to {self.CHORDS[key]}.", timeout=CHORD_WINDOW + 0.5)

    def action_interrupt(self) -> None:
        self._cancel_queue()
        if self.session is None or self.session.running is None:
            self.notify("Nothing is running.")
            return
        self._interrupt()

    @work(thread=True, group="kernel-control", exit_on_error=False, description="interrupt")
    def _interrupt(self) -> None:
        if self.session is not None:
            self.session.interrupt()

    def action_restart(self) -> None:
        self._cancel_queue()
        self.notify("Restarting the kernel…")
        self._restart()

    @work(thread=True, group="kernel-control", exit_on_error=False, description="restart")
    def _restart(self, then_run: list[str] | None = None) -> None:
        """Restart the kernel; then run `then_run`'s cells (`z z`), if given."""
        if self.session is None:
            return
        try:
            self.session.restart()
        except Exception as error:
            self.post_message(KernelChanged(problem=str(error)))
            return
        if then_run is None:
            self.post_message(KernelChanged(note="Kernel restarted: run the cells above again to define their names."))
        else:
            self.post_message(KernelChanged(note="Kernel restarted."))
            self.post_message(RunCells(then_run))

    def on_kernel_changed(self, message: KernelChanged) -> None:
        if message.problem:
            self.notify(message.problem, title="Kernel not available", severity="error", timeout=8)
        elif message.note:
            self.notify(message.note)
        if message.note:  # a fresh namespace: old prompts no longer mean anything
            running = self.session.running if self.session is not None else None
            for view in self.cell_views:
                if view.cell.id != running:
                    view.prompt = "[ ]"
                    view.last_count = None
        self.query_one(KernelStatus).refresh_status()

    def training_defaults(self) -> dict | None:
        return self.session.training_defaults() if self.session is not None else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "train_this":
            return self.training_defaults() is not None
        if action in ("hint", "solution"):
            # Only exercises have them; hidden from the footer elsewhere.
            view = self.current_view
            return view is not None and view.exercise_panel is not None
        return True

    def action_train_this(self) -> None:
        self.app.action_training(self.training_defaults())

    def post_progress(self) -> None:
        self.query_one(KernelStatus).refresh_status()
        self.app.post_message(ProgressChanged(self.lesson.id))


def _broken_text(lesson: BrokenLesson) -> str:
    return (
        f"This lesson could not be loaded.\n\n{lesson.error}\n\nFix the file and start blitz-tui again; "
        "the other lessons work as usual."
    )
