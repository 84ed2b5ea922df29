"""The real app under tmux: a cell's escape sequences never reach the terminal, a second app refuses,
and SIGTERM/SIGHUP save edits that were still waiting for their save timer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curriculum.progress import ProgressStore
from test_tmux_e2e import BLITZ, Tmux, tmux  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
# Typed into a cell as source text; Python turns the escapes into real control characters when it runs.
HOSTILE_LINE = (r'import sys; sys.stdout.write("A\x1b]2;pwned-title\x1b\\B\x1b]0;pwned-too\x07C'
                r'\x1b]52;c;cHduZWQ=\x07D\x1bPtmux;\x1b\x1b]52;c;cHduZWQ=\x07\x1b\\E\x1bkpwned-window\x1b\\'
                r'F\x1b[2J\x1b[H\x1b[31mRED\x1b[0m\n")')


def test_a_cell_cannot_set_the_title_the_clipboard_or_clear_the_screen(tmux):
    tmux.start(f"{BLITZ} --lesson 1")
    # Let every escape through that tmux could act on, so only the app's filter stands in the way.
    for option in (["set-clipboard", "on"], ["allow-rename", "on"], ["allow-passthrough", "on"]):
        tmux.tmux("set-option", "-g", *option)
    tmux.tmux("rename-window", "-t", "e2e", "learner-window")  # fixed: no automatic renaming after the process
    tmux.tmux("set-option", "-w", "-t", "e2e", "allow-rename", "on")
    title_before = tmux.tmux("display", "-p", "-t", "e2e", "#{pane_title}")
    tmux.wait_for(r"kernel idle", timeout=120)
    tmux.keys("Enter")
    tmux.keys(HOSTILE_LINE, literal=True)
    tmux.keys("Enter")
    tmux.keys("Escape")
    tmux.keys("C-r")
    screen = tmux.wait_for(r"ABCDEFRED", timeout=90)
    assert "Lesson 1 · Tensors" in screen  # not cleared
    assert tmux.tmux("display", "-p", "-t", "e2e", "#{pane_title}") == title_before
    assert tmux.tmux("display", "-p", "-t", "e2e", "#{window_name}").strip() == "learner-window"
    assert tmux.tmux("list-buffers") == ""  # OSC 52 would have made a paste buffer


APP_WITH_SLOW_SAVES = """
import os, sys
sys.path.insert(0, {tests!r})
import tui.app as app_module
from tui_fakes import FakeKernel
app_module.SAVE_DELAY = 3600.0  # no timer save during the test: only the signal can save the edit
app_module.real_kernel_factory = lambda *options: FakeKernel
with open({pidfile!r}, "w") as handle:
    handle.write(str(os.getpid()))
from tui.cli import main
sys.exit(main(["--lesson", "1"]))
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_second_app_refuses_and_a_signal_saves_pending_edits(tmux, private_home, tmp_path, signum):
    pidfile = tmp_path / "app.pid"
    script = tmp_path / "app.py"
    script.write_text(APP_WITH_SLOW_SAVES.format(tests=str(HERE), pidfile=str(pidfile)))
    tmux.start(f"{sys.executable} {script}; echo app-exit=$?; sleep 60")
    tmux.wait_for(r"Lesson 1 · Tensors", timeout=60)
    pid = int(pidfile.read_text())

    second = subprocess.run([str(BLITZ)], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, BLITZ_TUI_HOME=str(private_home)))
    assert second.returncode == 1
    assert f"another blitz-tui (pid {pid}) already has your progress open" in second.stderr
    assert second.stderr.count("\n") == 1

    tmux.keys("Enter")
    tmux.keys("pending = 'saved by the signal'", literal=True)
    tmux.wait_for(r"pending = 'saved by the signal'")
    edited = lambda: any("saved by the signal" in (ProgressStore().cell_text("tensors", cell) or "")
                         for cell in ProgressStore().edited_cells("tensors"))
    assert not edited()  # still pending: the save timer is an hour away

    os.kill(pid, signum)
    tmux.wait_for(rf"app-exit={128 + signum}", timeout=30)
    assert edited()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # and the lock went with the app
        try:
            ProgressStore(claim=True).close()
            break
        except Exception:
            time.sleep(0.2)
    else:
        pytest.fail("the progress lock outlived the app")
