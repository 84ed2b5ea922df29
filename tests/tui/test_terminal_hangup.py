"""A terminal that goes away without a SIGHUP reaching the app (a shell wrapped it, as tmux's
`sh -c` or a script does) still ends the app, with pending edits saved and no kernel left behind.

Before the fix, reads of the dead terminal returned end-of-file at once and Textual's input thread
spun on them at full CPU, forever, with the lesson kernels alive.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from curriculum.progress import ProgressStore
from test_tmux_safety import APP_WITH_SLOW_SAVES

HERE = Path(__file__).resolve().parent


class Screen:
    """Drains the pty's master side so the app never blocks writing, and keeps what it drew."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.text = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        # Never blocks in read(): a read in progress would keep the master open after close().
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.1)[0]:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.text += chunk.decode("utf-8", "replace")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.master)

    def wait_for(self, needle: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text:
            if time.monotonic() > deadline:
                pytest.fail(f"{needle!r} never appeared")
            time.sleep(0.1)


@pytest.mark.parametrize("signalled", [False, True], ids=["no-signal", "sighup-too"])
def test_a_hung_up_terminal_ends_the_app_and_saves(private_home, tmp_path, signalled):
    pidfile = tmp_path / "app.pid"
    script = tmp_path / "app.py"
    script.write_text(APP_WITH_SLOW_SAVES.format(tests=str(HERE), pidfile=str(pidfile)))
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, BLITZ_TUI_HOME=str(private_home), TERM="xterm-256color")
    # The shell, not the app, would be the one a hang-up signals; here nobody is signalled at all.
    wrapper = subprocess.Popen(["sh", "-c", f"{sys.executable} {script}; echo wrapped-app-ended"],
                               stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    screen = Screen(master)
    try:
        screen.wait_for("Tensors")
        deadline = time.monotonic() + 30
        while not pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        app_pid = int(pidfile.read_text())
        os.write(master, b"\r")  # edit the focused cell
        time.sleep(1.0)
        os.write(master, b"# hungupkept")  # a comment: one highlighted token, so it is drawn in one piece
        screen.wait_for("hungupkept")

        screen.close()  # the terminal goes away
        master = -1
        if signalled:  # as when the app is the pane's own process: the SIGHUP lands on a dead terminal
            os.kill(app_pid, signal.SIGHUP)
        deadline = time.monotonic() + 60
        while _alive(app_pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(app_pid), "the app kept running on a terminal that is gone"
        store = ProgressStore()
        assert any("# hungupkept" in (store.cell_text("tensors", cell) or "")
                   for cell in store.edited_cells("tensors"))
    finally:
        if master >= 0:
            os.close(master)
        wrapper.kill()
        wrapper.wait(timeout=10)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False
