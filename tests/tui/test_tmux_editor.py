"""The editor and cells through tmux at 80×24, as a learner over SSH meets them."""

from __future__ import annotations

import re
import time

import pytest
from test_tmux_e2e import BLITZ, tmux  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.tmux, pytest.mark.slow]

PAIRWISE = "# 1. `pairwise`: each item of `left` times the item at the same place in `right` (shape (2, 3))."


def rows(screen: str) -> list[str]:
    """The screen's lines without the focus bar and padding at the left."""
    return [line.lstrip("█▌▎▏ ").rstrip() for line in screen.splitlines()]


def test_the_pairwise_instruction_is_visible_to_its_end_at_80x24(tmux):  # noqa: F811
    tmux.start(f"{BLITZ} --lesson 1", width=80, height=24)
    tmux.wait_for(r"Lesson 1 · Tensors", timeout=60)
    words = PAIRWISE.split()
    whole = r"\s+".join(re.escape(word) for word in words)
    for _ in range(40):
        screen = tmux.screen()
        if "`pairwise`:" in screen:
            break
        tmux.keys("j")
    time.sleep(0.5)
    screen = tmux.screen()
    # Wrapped rows are joined; every word up to the closing "(2, 3))." must be on screen.
    joined = " ".join(rows(screen))
    assert re.search(whole, joined), screen


def test_type_a_loop_a_burst_and_a_progress_line_then_run_them(tmux):  # noqa: F811
    tmux.start(f"{BLITZ} --lesson 1", width=80, height=24)
    tmux.wait_for(r"kernel idle", timeout=120)

    tmux.keys("b")  # a scratch cell below the first cell, its editor focused
    tmux.keys("for i in range(3):", literal=True)
    tmux.keys("Enter")
    tmux.keys("print(i)", literal=True)  # auto-indented under the for
    tmux.keys("C-r")
    screen = tmux.wait_for(r"for i in range\(3\):\n\W*print\(i\)", timeout=30)
    for _ in range(240):
        lines = rows(screen)
        if any(lines[n:n + 3] == ["0", "1", "2"] for n in range(len(lines))):
            break
        time.sleep(0.25)
        screen = tmux.screen()
    else:
        raise AssertionError(f"the loop's output 0 1 2 never showed:\n{screen}")

    tmux.keys("Escape")
    tmux.keys("b")
    # One send-keys call: characters and bound keys arrive together, as in a paste over SSH.
    tmux.tmux("send-keys", "-t", "e2e", "print(1234", "BSpace", "5)", "Home", "x = 0; ", "End", "  # ok", "C-r")
    tmux.wait_for(r"x = 0; print\(1235\)  # ok", timeout=30)
    tmux.wait_for(r"(?m)^\W*1235\s*$", timeout=60)

    tmux.keys("Escape")
    tmux.keys("b")
    tmux.keys("import time", literal=True)
    tmux.keys("Enter")
    tmux.keys(r"for i in range(5): print(f'step {i}/4', end='\r', flush=True); time.sleep(0.2)", literal=True)
    tmux.keys("Enter")
    tmux.keys("print(); print('finished')", literal=True)
    tmux.keys("C-r")
    screen = tmux.wait_for(r"(?m)^\W*finished\s*$", timeout=60)
    assert "step 4/4" in screen and "step 3/4" not in screen and "step 0/4" not in screen, screen
