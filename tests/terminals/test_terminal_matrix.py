"""The home screen, a lesson and the training screen at 80×24 under the terminals learners have.

Each TERM (and NO_COLOR) changes what Textual sends: 256 colours, 16, or grey only. In every case all the
text must fit (no title, key or panel border cut off) and every letter must stand out from its background.
tmux is the terminal here; `capture-pane -e` gives each cell's colours as the app asked for them.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from curriculum.lesson import Lesson, load_all
from curriculum.training.client.form import FIELDS  # the training form's rows
from tests.terminals.screen_cells import colour_codes, contrast, is_grey, parse
from tests.terminals.tmux_pane import TmuxPane

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

BLITZ = Path(sys.executable).with_name("blitz-tui")
MIN_CONTRAST = 1.8  # well below what any theme aims for; equal colours score 1.0

TERMINALS = {
    "xterm-256color": ({"TERM": "xterm-256color"}, {"16", "256", "rgb"}),
    "screen-256color": ({"TERM": "screen-256color"}, {"16", "256", "rgb"}),
    "tmux-256color": ({"TERM": "tmux-256color"}, {"16", "256", "rgb"}),
    "xterm (16 colours)": ({"TERM": "xterm"}, {"16"}),
    "linux console": ({"TERM": "linux"}, {"16"}),
    "NO_COLOR=1": ({"TERM": "xterm-256color", "NO_COLOR": "1"}, {"16", "256", "rgb"}),
}


def lessons() -> list[Lesson]:
    return [lesson for lesson in load_all() if isinstance(lesson, Lesson)]


def judge(captured: str, name: str, depths: set[str], grey_only: bool) -> None:
    """Every letter readable, only the colour depths this terminal has, and grey only under NO_COLOR."""
    used = colour_codes(captured)
    assert used <= depths, f"{name}: uses {used - depths} colours on a terminal that has only {depths}"
    faint = []
    for cell in parse(captured):
        if not cell.char.isalnum():
            continue
        if grey_only:
            assert is_grey(cell.fg) and is_grey(cell.bg), f"{name}: colour under NO_COLOR at row {cell.row}"
        if contrast(cell.fg, cell.bg) < MIN_CONTRAST:
            faint.append((cell.row, cell.char, cell.fg, cell.bg))
    assert not faint, f"{name}: letters that do not stand out (row, char, fg, bg): {faint[:10]}"


def literal(*texts: str) -> list[str]:
    return [re.escape(text) for text in texts]


@pytest.fixture
def pane(private_home):
    if shutil.which("tmux") is None or os.name != "posix":
        pytest.skip("tmux is not installed here (CI installs it: apt-get install -y tmux)")
    if not BLITZ.exists():
        pytest.skip(f"the blitz-tui console script is not installed next to {sys.executable}")
    pane = TmuxPane()
    yield pane
    pane.stop()


@pytest.mark.parametrize("terminal", list(TERMINALS))
def test_home_lesson_and_training_screen_fit_and_read(pane, private_home, terminal):
    env, depths = TERMINALS[terminal]
    grey_only = "NO_COLOR" in env
    pane.start([str(BLITZ)], {"BLITZ_TUI_HOME": str(private_home), **env}, unset=("COLORTERM", "NO_COLOR"))
    all_lessons = lessons()
    first = all_lessons[0]

    # Waiting for every piece at once: what never appears within the timeout is cut off (or missing).
    home = pane.wait_for(rf"{first.number}\s+{re.escape(first.title)}",
                         *literal(*(lesson.title for lesson in all_lessons), "q Quit"), timeout=60)
    box_top = next(line for line in home.splitlines() if "╭" in line)
    assert box_top.rstrip().endswith("╮"), f"{terminal} home: the lesson list's right edge is cut off:\n{home}"
    judge(pane.screen(colours=True), f"{terminal} home", depths, grey_only)

    pane.keys(str(first.number))
    pane.wait_for(*literal(f"Lesson {first.number} · {first.title}", "esc: all lessons", "[ ]", "q Quit"), timeout=60)
    judge(pane.screen(colours=True), f"{terminal} lesson", depths, grey_only)

    pane.keys("Escape")
    pane.wait_for(rf"{first.number}\s+{re.escape(first.title)}", timeout=30)
    pane.keys("t")
    pane.wait_for(*literal("Run configuration", FIELDS[0].label, FIELDS[-1].label, "Recent runs", "q Quit"), timeout=60)
    judge(pane.screen(colours=True), f"{terminal} training", depths, grey_only)
