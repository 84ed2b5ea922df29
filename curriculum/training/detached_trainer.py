"""A detached run seen through the interface of `TrainerProcess`, so a `RunSession` can start, watch and
stop one without knowing that it outlives the app (see `curriculum.training.detached`)."""

from __future__ import annotations

import signal
import subprocess
import threading
from pathlib import Path
from typing import Sequence

from curriculum.terminal_text import visible_text
from curriculum.training.detached import (EventFollower, signal_group, write_state, launch, read_state,
                                          stderr_tail, stop, trainer_alive)


class DetachedTrainer:
    """A detached run seen through the interface of `TrainerProcess`: events and the exit come back through
    callbacks, from a follower thread that reads new lines and checks the pid a few times a second."""

    outlives_the_app = True  # leaving the screen or the app leaves it running
    records_itself = True  # its events are already in the run folder

    POLL_S = 0.25

    def __init__(self, argv: Sequence[str] | None, on_event, on_exit, *, cwd: Path, env=None) -> None:
        self.argv = list(argv or [])
        self.folder = Path(cwd)
        self._on_event = on_event
        self._on_exit = on_exit
        self._env = env
        self._popen: subprocess.Popen | None = None
        self._closed = threading.Event()
        self.stop_requested = False
        self.returncode: int | None = None
        self.finished = threading.Event()

    @property
    def pid(self) -> int | None:
        state = read_state(self.folder)
        return int(state["pid"]) if state and state.get("pid") else None

    @property
    def running(self) -> bool:
        return self.returncode is None and not self.finished.is_set()

    def start(self) -> None:
        self._popen = launch(self.argv, self.folder, self._env)
        self._follow()

    def attach(self) -> None:
        """Follow a run some other process started: its history, then what it writes next."""
        self._follow()

    def _follow(self) -> None:
        threading.Thread(target=self._run_follower, name=f"follow-{self.folder.name}", daemon=True).start()

    def _run_follower(self) -> None:
        follower = EventFollower(self.folder)
        try:
            while not self._closed.is_set():
                for event in follower.read_new():
                    if self._closed.is_set():
                        return  # the screen moved on to another run: nothing more for it from this one
                    self._on_event(event.shown_as_text(visible_text))  # its texts are shown: text only
                state = read_state(self.folder) or {}
                gone = (self._popen.poll() is not None) if self._popen is not None else not trainer_alive(state)
                if gone:
                    for event in follower.read_new():  # what it wrote just before it went
                        self._on_event(event.shown_as_text(visible_text))
                    self.returncode = self._popen.returncode if self._popen is not None else -1
                    self._on_exit(self.returncode, stderr_tail(self.folder))
                    return
                self._closed.wait(self.POLL_S)
        finally:
            self.finished.set()

    def close(self) -> None:
        """Stop following (the trainer goes on)."""
        self._closed.set()

    def interrupt(self) -> None:
        self.stop_requested = True
        state = read_state(self.folder)
        if state and trainer_alive(state):
            write_state(self.folder, {**state, "stop_requested": True})
            signal_group(int(state["pid"]), signal.SIGINT)

    def stop(self, grace_s: float = 30.0, term_s: float = 5.0) -> int | None:
        self.stop_requested = True
        stop(self.folder, grace_s)
        self.finished.wait(timeout=term_s)
        return self.returncode

    def last_stderr_line(self) -> str:
        tail = stderr_tail(self.folder, 1)
        return tail
