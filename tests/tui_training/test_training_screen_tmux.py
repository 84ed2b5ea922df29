"""End to end under tmux: the real app, `t` for the training screen, `s` for a synthetic run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parents[2]
BLITZ = ROOT / ".venv" / "bin" / "blitz-tui"
PERCENT_ROW = re.compile(r"(airplane|automobile|bird|cat|deer|dog|frog|horse|ship|truck)\s+\S*\s*\d{1,3}\.\d%")

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not BLITZ.exists(), reason=f"{BLITZ} is missing: install the project into .venv"),
]


def capture(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout


def wait_for_screen(session: str, predicate, limit_s: float) -> str | None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        screen = capture(session)
        if predicate(screen):
            return screen
        time.sleep(0.5)
    return None


@pytest.mark.timeout(420)
def test_t_opens_training_and_s_runs_a_synthetic_classifier_to_per_class_percentages(private_home: Path):
    session = f"blitz-train-{uuid.uuid4().hex[:8]}"
    command = f"{BLITZ} --data synthetic --epochs 1 --device cpu"
    env = dict(os.environ, BLITZ_TUI_HOME=str(private_home))
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command],
                   check=True, env=env, cwd=ROOT)
    try:
        assert wait_for_screen(session, lambda s: "Quit" in s or "Lesson" in s, 30), capture(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "t"], check=True)
        if wait_for_screen(session, lambda s: "Run configuration" in s, 15) is None:
            pytest.skip("pressing t in the app did not open the training screen:\n" + capture(session))
        subprocess.run(["tmux", "send-keys", "-t", session, "s"], check=True)
        assert wait_for_screen(session, lambda s: "running" in s or "finished" in s, 60), capture(session)
        screen = wait_for_screen(session, lambda s: len(PERCENT_ROW.findall(s)) >= 10, 300)
        assert screen is not None, capture(session)
        assert "SYNTHETIC" in screen
        assert re.search(r"\b(best|worst)\b", screen)
    finally:
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=False)
        time.sleep(1)
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)


@pytest.mark.timeout(120)
def test_a_path_typed_into_the_form_fires_no_key(private_home: Path):
    """`s` would start a run, `e` export, `1` open lesson 1 and `q` quit, if typing reached the keys."""
    session = f"blitz-form-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, BLITZ_TUI_HOME=str(private_home))
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"{BLITZ} --device cpu"],
                   check=True, env=env, cwd=ROOT)
    try:
        assert wait_for_screen(session, lambda s: "Quit" in s or "Lesson" in s, 30), capture(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "t"], check=True)
        assert wait_for_screen(session, lambda s: "Run configuration" in s, 15), capture(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "Tab"], check=True)
        # The first Tab reaches the first field: its hint shows.
        assert wait_for_screen(session, lambda s: "synthetic[:N], or a" in s, 15), capture(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", "/tmp/qs1e/sets1q.zip"], check=True)
        typed = wait_for_screen(session, lambda s: "/tmp/qs1e/sets1q.zip" in s, 15)
        assert typed is not None, capture(session)
        time.sleep(1)  # anything the letters set off would show by now
        screen = capture(session)
        assert "Run configuration" in screen and "Training  ready" in screen  # no run, no lesson, no quit
        assert "Metrics written" not in screen and "Nothing to export" not in screen
        runs = private_home / "data" / "runs"
        assert not runs.exists() or not any(runs.iterdir())
        subprocess.run(["tmux", "send-keys", "-t", session, "Escape"], check=True)
        time.sleep(0.5)
        subprocess.run(["tmux", "send-keys", "-t", session, "e"], check=True)  # out of the field: a key again
        assert wait_for_screen(session, lambda s: "Nothing to export" in s, 15), capture(session)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)
