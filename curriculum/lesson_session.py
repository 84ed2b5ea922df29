"""One open lesson, without any UI: its kernel, the queue of cells waiting to run, and what the
learner's work changes in the progress store (edits, position, passed exercises).

The lesson screen is a view over it: it calls these methods and repaints. Kernel methods block;
the screen calls them from thread workers. Queue and progress methods are quick and belong to the
UI thread.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Protocol

from curriculum.exercises import record_attempt, run_exercise
from curriculum.lesson import CodeCell, Lesson
from curriculum.progress import ProgressStore

RESTARTED_NOTE = "The kernel had stopped, so it was restarted: names from earlier cells are gone."
FRESH_KERNEL_NOTE = ("This kernel is fresh: no cell above has run since it started. "
                     "Press a to run the cells above, then this one.")
# A result with one of these ends the queue: later cells would meet a namespace the learner did not expect.
STOPPING_STATUSES = ("interrupted", "died", "memory", "timeout")


class KernelLike(Protocol):
    """The part of `curriculum.kernel.Kernel` a lesson uses (see docs/ARCHITECTURE.md)."""

    state: str
    execution_count: int
    isolation: str

    def start(self) -> None: ...
    def execute(self, code: str, on_output: Callable[[str, str], None], timeout: float | None = None) -> Any: ...
    def check(self, code: str) -> Any: ...
    def interrupt(self) -> None: ...
    def restart(self) -> None: ...
    def shutdown(self) -> None: ...


KernelFactory = Callable[[str], KernelLike]  # lesson id -> a kernel not started yet


class KernelUnavailable(Exception):
    """The kernel package cannot be imported in this checkout."""


@dataclass
class RunOutcome:
    """What one run of a cell gave: the kernel's result and, for an exercise, its check."""

    result: Any  # curriculum.kernel.ExecResult
    attempt: Any = None  # curriculum.exercises.Attempt, when the cell is an exercise
    failure: str = ""  # one line when the kernel could not run the cell at all
    note: str = ""  # one line worth telling the learner, e.g. that the kernel was restarted first

    @property
    def stops_the_queue(self) -> bool:
        return bool(self.failure) or getattr(self.result, "status", "") in STOPPING_STATUSES


class LessonSession:
    def __init__(self, lesson: Lesson, kernels: KernelFactory, progress: ProgressStore) -> None:
        self.lesson = lesson
        self.progress = progress
        self._kernels = kernels
        self._kernel: KernelLike | None = None
        self._start_lock = threading.Lock()
        self.problem = ""  # why the kernel is unavailable, one line
        self.queue: deque[str] = deque()  # cell ids waiting their turn
        self.running: str | None = None  # the cell id the kernel is running now

    # ----- the kernel (blocking: call from a worker thread) -------------------------------
    @property
    def kernel(self) -> KernelLike | None:
        return self._kernel

    @property
    def state(self) -> str:
        if self.problem and self._kernel is None:
            return "unavailable"
        return self._kernel.state if self._kernel is not None else "stopped"

    @property
    def isolation(self) -> str:
        if self._kernel is None or self._kernel.state in ("stopped", "starting"):
            return "…"
        return getattr(self._kernel, "isolation", "?") or "?"

    @property
    def execution_count(self) -> int:
        return getattr(self._kernel, "execution_count", 0) if self._kernel is not None else 0

    def ensure_started(self) -> str:
        """Start the kernel when it is not running: "" (it was), "started" or "restarted" (it had died)."""
        with self._start_lock:
            if self._kernel is None:
                try:
                    self._kernel = self._kernels(self.lesson.id)
                except KernelUnavailable as error:
                    self.problem = str(error)
                    raise
            state = self._kernel.state
            if state in ("idle", "busy"):
                return ""
            if state == "dead":
                self._kernel.restart()
            else:
                self._kernel.start()
            self.problem = ""
            return "restarted" if state == "dead" else "started"

    def run(self, cell: CodeCell, code: str, on_output: Callable[[str, str], None]) -> RunOutcome:
        """Run the learner's `code` for `cell`; an exercise's check runs right after it."""
        try:
            how = self.ensure_started()
        except Exception as error:  # the kernel could not start: say why in the cell
            return RunOutcome(result=None, failure=_one_line(error))
        kernel = self._kernel
        assert kernel is not None
        fresh = getattr(kernel, "execution_count", 0) == 0
        note = RESTARTED_NOTE if how == "restarted" else ""
        if cell.exercise is not None:
            attempt = run_exercise(kernel, cell, source=code, on_output=on_output)
            outcome = RunOutcome(result=attempt.result, attempt=attempt, note=note)
        else:
            outcome = RunOutcome(result=kernel.execute(code, on_output=on_output), note=note)
        if fresh and _name_error(outcome.result) and self.lesson.cells_before(cell.id):
            outcome.note = FRESH_KERNEL_NOTE
        return outcome

    def interrupt(self) -> None:
        if self._kernel is not None and self._kernel.state == "busy":
            self._kernel.interrupt()

    def restart(self) -> None:
        with self._start_lock:
            if self._kernel is None:
                self._kernel = self._kernels(self.lesson.id)
                self._kernel.start()
            else:
                self._kernel.restart()
            self.problem = ""

    def shutdown(self) -> None:
        if self._kernel is not None:
            self._kernel.shutdown()

    # ----- the run queue (UI thread) ------------------------------------------------------
    def cells_through(self, cell_id: str) -> list[str]:
        """`cell_id` and every code cell above it, top first: what `a` runs."""
        return [cell.id for cell in self.lesson.cells_before(cell_id)] + [cell_id]

    def enqueue(self, cell_ids: list[str]) -> list[str]:
        """Queue the cells not already running or waiting; returns those newly queued."""
        added = []
        for cell_id in cell_ids:
            if cell_id != self.running and cell_id not in self.queue:
                self.queue.append(cell_id)
                added.append(cell_id)
        return added

    def next_to_run(self) -> str | None:
        """The cell to hand to the kernel now, or None (one already runs, or nothing waits)."""
        if self.running is not None or not self.queue:
            return None
        self.running = self.queue.popleft()
        return self.running

    def finish(self, cell_id: str, outcome: RunOutcome) -> list[str]:
        """A run ended: record an exercise's check; returns the queued cells that were cancelled."""
        if self.running == cell_id:
            self.running = None
        attempt = outcome.attempt
        if attempt is not None:  # only a lesson's exercise cell has one (never a scratch cell)
            cell = self.lesson.cell(cell_id)
            if cell.exercise is not None:
                record_attempt(self.progress, self.lesson.id, cell, attempt)
        return self.cancel_queue() if outcome.stops_the_queue else []

    def cancel_queue(self) -> list[str]:
        cancelled = list(self.queue)
        self.queue.clear()
        return cancelled

    # ----- the learner's work (UI thread) -------------------------------------------------
    def text_of(self, cell: CodeCell) -> str:
        """What the learner sees in the cell: their saved edit, else the lesson's code."""
        saved = self.progress.cell_text(self.lesson.id, cell.id)
        return saved if saved is not None else cell.source

    def edit(self, cell_id: str, text: str) -> bool:
        """Keep the learner's text; back to the lesson's own text clears the edit. True when the store changed."""
        cell = self.lesson.cell(cell_id)
        if text == cell.source:
            if self.progress.cell_text(self.lesson.id, cell_id) is None:
                return False
            self.progress.reset_cell(self.lesson.id, cell_id)
        else:
            self.progress.set_cell_text(self.lesson.id, cell_id, text)
        return True

    def reset_cell(self, cell_id: str) -> str:
        """Forget the learner's edit of a cell (and, for an exercise, its pass and hints); returns its text."""
        cell = self.lesson.cell(cell_id)
        if cell.exercise is not None:
            self.progress.reset_exercise(self.lesson.id, cell.exercise.id)
        else:
            self.progress.reset_cell(self.lesson.id, cell_id)
        return cell.source

    def saved_position(self) -> str | None:
        """The cell the learner was last on, when it still exists in the lesson."""
        saved = self.progress.position(self.lesson.id)
        return saved if saved and any(cell.id == saved for cell in self.lesson.cells) else None

    def move_to(self, cell_id: str) -> None:
        """Remember the learner's position, and that this lesson is the one they were last in."""
        self.progress.set_position(self.lesson.id, cell_id)

    def training_defaults(self) -> dict | None:
        """The lesson's training settings (front matter `train_*` keys), or None when it has none."""
        from curriculum.training.options import lesson_recipe

        return lesson_recipe(self.lesson.meta) or None


def _name_error(result: Any) -> bool:
    error = getattr(result, "error", None)
    return getattr(result, "status", "") == "error" and getattr(error, "ename", "") == "NameError"


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
