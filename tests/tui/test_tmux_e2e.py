"""End to end: the real `blitz-tui` with the real kernel, driven through tmux like a learner would.

Open lesson 1, run its first cell, see `[1]` and its output, edit the next cell and run it,
quit with `q`, and check that no kernel process is left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

BLITZ = Path(sys.executable).with_name("blitz-tui")


class Tmux:
    """One private tmux server (its own socket, no user config) holding one pane."""

    def __init__(self, home: Path) -> None:
        self.socket = f"blitz-test-{uuid.uuid4().hex[:8]}"
        self.home = home

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args], capture_output=True, text=True, timeout=20
        )
        return result.stdout

    def start(self, command: str, width: int = 100, height: int = 30) -> None:
        self.tmux(
            "new-session", "-d", "-s", "e2e", "-x", str(width), "-y", str(height),
            "-e", f"BLITZ_TUI_HOME={self.home}", command,
        )

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "e2e", *(["-l"] if literal else []), *keys)
        time.sleep(0.4)  # a person's pace: tmux would otherwise glue escape to the next key

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, pattern: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen):
                return screen
            time.sleep(0.25)
        raise AssertionError(f"never saw {pattern!r} on the screen; it shows:\n{self.screen()}")

    def stop(self) -> None:
        self.tmux("kill-server")


def processes_under(folder: Path) -> list[int]:
    """Processes whose working directory is inside `folder` (kernels run in its workspaces)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if cwd.startswith(str(folder)):
            found.append(int(entry.name))
    return found


@pytest.fixture
def tmux(private_home):
    if shutil.which("tmux") is None or os.name != "posix":
        pytest.skip("tmux is not installed here (CI installs it: apt-get install -y tmux)")
    if not BLITZ.exists():
        pytest.skip(f"the blitz-tui console script is not installed next to {sys.executable}")
    session = Tmux(private_home)
    yield session
    session.stop()


def test_open_run_edit_run_and_quit(tmux, private_home):
    tmux.start(f"{BLITZ}; echo blitz-exit=$?; sleep 60")
    tmux.wait_for(r"1\s+Tensors", timeout=30)

    tmux.keys("1")
    tmux.wait_for(r"Lesson 1 · Tensors", timeout=30)
    tmux.wait_for(r"kernel idle", timeout=90)  # the first kernel imports torch
    tmux.keys("C-r")
    screen = tmux.wait_for(r"\[1\]\s+import", timeout=90)
    assert re.search(r"\d+\.\d+\.\d+", screen), screen  # torch.__version__ printed under the cell

    tmux.keys("j")
    tmux.keys("Enter")
    tmux.keys('print("edited", 6 * 7)', literal=True)
    tmux.keys("Enter")
    tmux.keys("Escape")
    tmux.keys("C-r")
    screen = tmux.wait_for(r"edited 42", timeout=60)
    assert re.search(r"\[2\]\s+print\(\"edited\", 6 \* 7\)", screen), screen

    tmux.keys("q")
    tmux.wait_for(r"blitz-exit=0", timeout=30)
    deadline = time.monotonic() + 10
    while processes_under(private_home) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_under(private_home) == [], "a kernel outlived the app"


def test_a_fast_run_uses_the_text_just_typed(tmux):
    """ctrl+r right behind the typing (one tmux burst) runs the edited text, not the text before it."""
    tmux.start(f"{BLITZ} --lesson 1")
    tmux.wait_for(r"kernel idle", timeout=90)
    tmux.keys("Enter")
    # One send-keys call: the keys arrive together, as from a fast typist or a paste.
    tmux.tmux("send-keys", "-t", "e2e", "-l", "print('typed', 3 * 14)")
    tmux.tmux("send-keys", "-t", "e2e", "Enter", "C-r")
    tmux.wait_for(r"typed 42", timeout=60)


def test_an_edit_survives_kill_9_and_no_kernel_outlives_the_app(tmux, private_home):
    import psutil

    tmux.start(f"{BLITZ} --lesson 1; sleep 60")
    tmux.wait_for(r"kernel idle", timeout=90)
    tmux.keys("Enter")
    tmux.keys("survived = 'kill -9'", literal=True)
    tmux.keys("Enter")
    time.sleep(1.5)  # edits are saved within a second
    shell = psutil.Process(int(tmux.tmux("display", "-p", "-t", "e2e", "#{pane_pid}").strip()))
    apps = [p for p in shell.children() if "blitz-tui" in " ".join(p.cmdline())]
    assert len(apps) == 1, [p.cmdline() for p in shell.children()]
    apps[0].kill()
    apps[0].wait(timeout=10)
    deadline = time.monotonic() + 10
    while processes_under(private_home) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_under(private_home) == [], "a kernel outlived the killed app"

    tmux.stop()
    again = Tmux(private_home)  # a new server: the old one's socket may still be closing
    try:
        again.start(f"{BLITZ} --lesson 1; echo blitz-exit=$?; sleep 60")  # the pane stays to show a failure
        again.wait_for(r"survived = 'kill -9'", timeout=60)
    finally:
        again.stop()
