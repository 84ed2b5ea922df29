"""One training run from the form's values to its recorded end, with no UI.

A front end makes a `RunSession`, calls `start(values)`, and is told through `on_change` (from the
trainer's reader thread) that new events wait; on its own thread it then calls `drain()` and repaints
from `run`. When the process is gone, `on_exit` fires and the front end calls `process_exited(...)`.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from curriculum.training.client.form import trainer_flags, validate_all
from curriculum.training.client.run_process import TrainerProcess, trainer_command
from curriculum.training.client.run_state import TrainingRun
from curriculum.training.client.runs import RunRecorder, new_run_dir, write_summary
from curriculum.training.events import EndEvent, ErrorEvent, TrainingEvent

CommandBuilder = Callable[[Sequence[str]], list[str]]
ACTIVE = ("starting", "running", "stopping")


class RunSession:
    """The current run of one front end; `start` again begins a new one in a new folder."""

    def __init__(self, *, on_change: Callable[[], None], on_exit: Callable[[int, str], None],
                 trainer: CommandBuilder | None = None, root: Path | None = None,
                 process_class=TrainerProcess) -> None:
        self._on_change = on_change
        self._on_exit = on_exit
        self._trainer = trainer or trainer_command
        self._root = root
        self._process_class = process_class  # TrainerProcess, or DetachedTrainer for a run that outlives the app
        self.run = TrainingRun()
        self.folder: Path | None = None
        self.requested: dict[str, str] = {}
        self.started_at = ""
        self._process: TrainerProcess | None = None
        self._recorder: RunRecorder | None = None
        self._inbox: deque[TrainingEvent] = deque()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.running

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process is not None else None

    @property
    def active_folder(self) -> Path | None:
        """The folder of a run still going, which the past-runs list must not call interrupted."""
        return self.folder if self.run.status in ACTIVE else None

    def start(self, values: dict[str, str]) -> dict[str, str]:
        """Start a run with the form's values; returns the field errors instead when there are any."""
        errors = validate_all(values)
        if errors:
            return errors
        self.requested = {k: v for k, v in values.items() if v}
        self.folder = new_run_dir(self.requested, self._root)
        self.started_at = datetime.now().isoformat(timespec="seconds")
        self.run = TrainingRun(status="starting")
        self._inbox.clear()
        # A detached trainer writes its own events into the folder; a piped one's are recorded here.
        self._recorder = None if getattr(self._process_class, "records_itself", False) else RunRecorder(self.folder)
        self.save_summary()
        argv = self._trainer(trainer_flags(values, out_dir=self.folder))
        self._process = self._process_class(argv, on_event=self._event_from_thread, on_exit=self._on_exit,
                                            cwd=self.folder)
        try:
            self._process.start()
        except OSError as error:
            self._process = None
            self.run.status, self.run.reason = "failed", f"could not start the trainer: {error}"
            self.settle()
        return {}

    def stop(self) -> bool:
        """Ask a running trainer to stop (it checkpoints first); True when there was one.
        The blocking part, `wait_stopped`, belongs on a worker thread."""
        if not self.running:
            return False
        self.run.status = "stopping"
        self.run.reason = "saving a checkpoint"
        return True

    def wait_stopped(self) -> None:
        process = self._process
        if process is not None:
            process.stop()

    def _event_from_thread(self, event: TrainingEvent) -> None:
        if self._recorder is not None:
            self._recorder.record(event)
        self._inbox.append(event)
        self._on_change()

    def drain(self) -> bool:
        """Fold the queued events into `run`; True when its status changed (the summary is rewritten)."""
        status = self.run.status
        while self._inbox:
            event = self._inbox.popleft()
            if self.run.status == "stopping" and not isinstance(event, (EndEvent, ErrorEvent)):
                self.run.apply(event)
                self.run.status = "stopping"  # a late `start` must not hide that we asked it to stop
            else:
                self.run.apply(event)
        changed = self.run.status != status
        if changed:
            self.save_summary()
        return changed

    def process_exited(self, returncode: int, stderr_tail: str) -> None:
        """The trainer is gone: fold what is left, settle the status and close the record."""
        self.drain()
        stop_requested = bool(self._process and self._process.stop_requested)
        self.run.process_exited(returncode, stderr_tail, stop_requested)
        self.settle()

    def settle(self) -> None:
        if self._recorder is not None:
            self._recorder.close()
            self._recorder = None
        self.save_summary()

    def save_summary(self) -> None:
        if self.folder is not None:
            write_summary(self.folder, self.run, self.started_at, self.requested)

    def resume(self, folder: Path) -> None:
        """Continue a stopped or failed run from its last checkpoint in its own folder (`--resume`), so the
        runs list still shows one run. Its history is replayed from the folder, then its new events follow."""
        self.folder = folder
        self.run = TrainingRun(status="starting")
        self._inbox.clear()
        self._recorder = None if getattr(self._process_class, "records_itself", False) else RunRecorder(folder)
        argv = self._trainer(["--resume", str(folder), "--out", str(folder)])
        self._process = self._process_class(argv, on_event=self._event_from_thread, on_exit=self._on_exit, cwd=folder)
        try:
            self._process.start()
        except OSError as error:
            self._process = None
            self.run.status, self.run.reason = "failed", f"could not resume the trainer: {error}"
            self.settle()

    def attach(self, folder: Path, started_at: str = "") -> None:
        """Watch a run another app (or `blitz-tui train --detach`) started: its history, then its new events."""
        self.folder = folder
        self.started_at = started_at
        self.requested = {}
        self.run = TrainingRun(status="starting")
        self._inbox.clear()
        self._recorder = None
        self._process = self._process_class(None, on_event=self._event_from_thread, on_exit=self._on_exit,
                                            cwd=folder)
        self._process.attach()

    def abandon(self) -> None:
        """The front end is going away: stop a running trainer in a thread that outlives it, and
        still let the run's record say how it ended. A detached trainer is left to run."""
        process = self._process
        if getattr(process, "outlives_the_app", False):
            process.close()
            return
        if process is not None and process.running:
            threading.Thread(target=self._stop_and_record, args=(process,), name="trainer-stop",
                             daemon=False).start()

    def _stop_and_record(self, process: TrainerProcess) -> None:
        process.stop()
        process.finished.wait(timeout=10)
        while self._inbox:
            self.run.apply(self._inbox.popleft())
        self.run.process_exited(process.returncode or 0, process.last_stderr_line(), stop_requested=True)
        self.settle()
