"""One lesson's kernel, seen from the app: start it on demand, run cells and checks, stop it.

Every method here blocks; the lesson screen calls them from thread workers.
"""

from __future__ import annotations

import threading
from typing import Callable

from curriculum.exercises import run_exercise
from curriculum.lesson import CodeCell
from tui.kernels import KernelFactory, KernelLike, KernelUnavailable
from tui.messages import RunOutcome


RESTARTED_NOTE = "The kernel had stopped, so it was restarted: names from earlier cells are gone."


class LessonSession:
    def __init__(self, lesson_id: str, factory: KernelFactory) -> None:
        self.lesson_id = lesson_id
        self._factory = factory
        self._kernel: KernelLike | None = None
        self._start_lock = threading.Lock()
        self.problem = ""  # why the kernel is unavailable, one line

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
                    self._kernel = self._factory(self.lesson_id)
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
        assert self._kernel is not None
        note = RESTARTED_NOTE if how == "restarted" else ""
        if cell.exercise is not None:
            attempt = run_exercise(self._kernel, cell, source=code, on_output=on_output)
            return RunOutcome(result=attempt.result, attempt=attempt, note=note)
        return RunOutcome(result=self._kernel.execute(code, on_output=on_output), note=note)

    def interrupt(self) -> None:
        if self._kernel is not None and self._kernel.state == "busy":
            self._kernel.interrupt()

    def restart(self) -> None:
        with self._start_lock:
            if self._kernel is None:
                self._kernel = self._factory(self.lesson_id)
                self._kernel.start()
            else:
                self._kernel.restart()
            self.problem = ""

    def shutdown(self) -> None:
        if self._kernel is not None:
            self._kernel.shutdown()


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
