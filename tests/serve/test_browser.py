"""End to end in a real browser: headless Chromium opens the printed URL, sees the home screen, presses `1`
for lesson 1 and runs its first cell, all through textual-serve's page and the token guard."""

from __future__ import annotations

import re
import time
from pathlib import Path

import psutil
import pytest

from tests.serve.cdp import Browser, chromium_path

pytestmark = [pytest.mark.slow]


@pytest.fixture
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("no chromium here (Debian: apt-get install -y chromium; .ci/run installs it when it can)")
    return path


def processes_in(folder: Path) -> list[psutil.Process]:
    """Processes working inside `folder` (the app's kernels run in its workspaces)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.cwd().startswith(str(folder)):
                found.append(process)
        except psutil.Error:
            pass
    return found


async def test_home_lesson_and_a_cell_in_the_browser(chromium, served, private_home):
    async with Browser(chromium) as page:
        await page.send("Page.navigate", url=served.url)
        home = await page.wait_for_screen(r"1\s+Tensors", timeout=60)
        assert re.search(r"5\s+Data parallelism", home), home
        assert "?token=" not in await page.evaluate("location.href")  # traded for the cookie

        await page.evaluate("window.__blitzTerminal.terminal.focus()")
        await page.press("1", "Digit1", 0x31, text="1")
        await page.wait_for_screen(r"Lesson 1 · Tensors", timeout=60)
        await page.wait_for_screen(r"kernel idle", timeout=120)  # the first kernel imports torch

        await page.press("F5", "F5", 0x74)  # run the focused (first) cell
        screen = await page.wait_for_screen(r"\[1\]\s+import", timeout=120)
        assert re.search(r"\d+\.\d+\.\d+", screen), screen  # torch.__version__ printed under the cell

    # Closing the page ends that browser's app, and the app shuts its kernel down.
    deadline = time.monotonic() + 30
    while processes_in(private_home) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_in(private_home) == [], "a kernel outlived the browser session"
