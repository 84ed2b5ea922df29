"""End to end with the real trainer: a run started on the training screen outlives the app and its tmux
server, `blitz-tui runs` still calls it running, a new app shows it live and moving, and `runs stop` stops it
with a checkpoint."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from curriculum.training import detached
from tests.terminals.tmux_pane import TmuxPane

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

BLITZ = Path(sys.executable).with_name("blitz-tui")


def runs_json() -> list[dict]:
    result = subprocess.run([str(BLITZ), "runs", "--json"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def step_on(screen: str) -> int | None:
    match = re.search(r"step ([\d,]+)/", screen)
    return int(match.group(1).replace(",", "")) if match else None


@pytest.fixture
def tmux_app(private_home):
    if shutil.which("tmux") is None or os.name != "posix":
        pytest.skip("tmux is not installed here (CI installs it: apt-get install -y tmux)")
    if not BLITZ.exists():
        pytest.skip(f"the blitz-tui console script is not installed next to {sys.executable}")
    panes: list[TmuxPane] = []

    def open_app(*args: str) -> TmuxPane:
        pane = TmuxPane()
        pane.start([str(BLITZ), *args], {"BLITZ_TUI_HOME": str(private_home)}, size=(100, 30))
        panes.append(pane)
        return pane

    yield open_app
    for pane in panes:
        pane.stop()
    for record in runs_json():  # never leave a trainer behind, whatever failed
        state = detached.read_state(Path(record["folder"]))
        if state and detached.trainer_alive(state):
            os.killpg(state["pid"], signal.SIGKILL)


def test_a_run_outlives_tmux_kill_server_and_is_watched_again(tmux_app):
    first = tmux_app("--data", "synthetic", "--epochs", "50", "--device", "cpu")
    first.wait_for(r"Training screen", timeout=60)
    first.keys("t")
    first.wait_for(r"Run configuration", timeout=60)
    first.keys("s")
    first.wait_for(r"running", r"step [\d,]+/", timeout=180)  # torch is imported, data made, steps taken
    first.stop()  # tmux kill-server: the pane, the app and its session get SIGHUP

    time.sleep(2)
    [record] = runs_json()
    assert record["status"] == "running" and record["pid"] > 0, record

    second = tmux_app()
    second.wait_for(rf"Training run {re.escape(record['id'])} is running", timeout=60)  # the home screen says so
    second.keys("t")
    before = step_on(second.wait_for(r"step [\d,]+/", timeout=60))  # replayed from the run's folder
    deadline = time.monotonic() + 60
    while (step_on(second.screen()) or 0) <= before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert (step_on(second.screen()) or 0) > before, "the watched run's step count did not move"

    second.keys("q")
    second.wait_for(r"keeps going", timeout=30)
    joined = second.tmux("capture-pane", "-p", "-J", "-t", "t")  # -J: undo the terminal's folding
    assert re.search(rf"keeps going.*blitz-tui runs attach {re.escape(record['id'])}", joined), joined

    stopped = subprocess.run([str(BLITZ), "runs", "stop", record["id"]], capture_output=True, text=True, timeout=120)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout, stopped.stderr
    [record] = runs_json()
    assert record["status"] == "stopped" and "pid" not in record
    assert (Path(record["folder"]) / "checkpoints" / "stopped.pt").is_file()
