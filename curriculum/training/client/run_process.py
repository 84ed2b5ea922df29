"""The trainer subprocess: start it, read its JSON events in a thread, stop it cleanly.

The trainer runs in its own session so SIGINT reaches it (and any workers it spawned) as a
group, and a Ctrl-C in the learner's terminal never reaches it by accident.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from typing import Callable, Sequence

from curriculum.terminal_text import visible_text
from curriculum.training.events import TrainingEvent, parse_event

EventCallback = Callable[[TrainingEvent], None]
ExitCallback = Callable[[int, str], None]
LineCallback = Callable[[str], None]


def trainer_command(flags: Sequence[str]) -> list[str]:
    """The headless trainer, run by the same interpreter as the app (never imported here)."""
    return [sys.executable, "-m", "curriculum.training", "--headless", "--json", *flags]


class TrainerProcess:
    """One trainer run. Callbacks are called from reader threads; keep them thread-safe."""

    def __init__(
        self,
        argv: Sequence[str],
        on_event: EventCallback,
        on_exit: ExitCallback,
        *,
        on_line: LineCallback | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.argv = list(argv)
        self._on_event = on_event
        self._on_exit = on_exit
        self._on_line = on_line
        self._env = env
        self._cwd = cwd
        self._process: subprocess.Popen[str] | None = None
        self._stderr_tail: deque[str] = deque(maxlen=40)
        self._stderr_done = threading.Event()
        self._stop_lock = threading.Lock()
        self.stop_requested = False
        self.returncode: int | None = None
        self.finished = threading.Event()  # set once every event has been delivered and the exit reported

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self.returncode is None

    def start(self) -> None:
        env = dict(os.environ if self._env is None else self._env)
        env["PYTHONUNBUFFERED"] = "1"  # one event per line, as soon as it happens
        self._process = subprocess.Popen(
            self.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            env=env,
            cwd=self._cwd,
            start_new_session=True,
        )
        threading.Thread(target=self._read_stderr, name="trainer-stderr", daemon=True).start()
        threading.Thread(target=self._read_stdout, name="trainer-stdout", daemon=True).start()

    def _read_stdout(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        for line in self._process.stdout:
            if self._on_line is not None:
                self._on_line(line)
            line = line.strip()
            if not line:
                continue
            event = parse_event(line)
            if event is None:
                self._stderr_tail.append(visible_text(line))  # a stray print: kept as a possible failure reason
                continue
            self._on_event(event.shown_as_text(visible_text))  # its texts (paths, errors) are shown: text only
        returncode = self._process.wait()
        self._stderr_done.wait(timeout=5)
        self.returncode = returncode
        try:
            self._on_exit(returncode, self.last_stderr_line())
        finally:
            self.finished.set()

    def _read_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        try:
            for line in self._process.stderr:
                if line.strip():
                    self._stderr_tail.append(visible_text(line.rstrip()))
        finally:
            self._stderr_done.set()

    def last_stderr_line(self) -> str:
        for line in reversed(self._stderr_tail):
            text = line.strip()
            if text and not text.startswith("During handling"):
                return text
        return ""

    def interrupt(self) -> None:
        """Ask the trainer to stop: it checkpoints, sends an `end` event and exits."""
        self.stop_requested = True
        self._signal(signal.SIGINT)

    def stop(self, grace_s: float = 20.0, term_s: float = 3.0) -> int | None:
        """SIGINT, wait; then SIGTERM, wait; then SIGKILL. Blocking: call it from a thread."""
        with self._stop_lock:
            process = self._process
            if process is None:
                return None
            if process.poll() is None:
                self.interrupt()
                for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, term_s)):
                    try:
                        process.wait(timeout=wait_s)
                        break
                    except subprocess.TimeoutExpired:
                        self._signal(sig)
                try:
                    process.wait(timeout=term_s)
                except subprocess.TimeoutExpired:
                    return None  # unkillable (stuck in the kernel); nothing more we can do
            return process.returncode

    def _signal(self, sig: signal.Signals) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)  # the session leader's pid is its group id
        except ProcessLookupError:
            pass
