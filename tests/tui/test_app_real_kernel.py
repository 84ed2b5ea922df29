"""The app with the real sandboxed kernel (a child process per lesson), on the tiny test lesson."""

from __future__ import annotations

import time

import pytest
from conftest import settle, text_of
from test_tmux_e2e import processes_under

from tui.options import AppOptions

pytestmark = pytest.mark.slow


async def wait_until(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the kernel never got there"
        await pilot.pause(0.1)


async def test_run_check_interrupt_and_quit_with_the_real_kernel(make_app, private_home):
    app = make_app(options=AppOptions(timeout=60), kernel_factory=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.cell_view("make").prompt == "[1]")
        await settle(app, pilot)
        assert screen.cell_view("make").output.plain == "x is 2"

        screen.focus_cell("double")
        await pilot.press("ctrl+r")  # the starter fails its check
        await wait_until(pilot, lambda: screen.cell_view("double").prompt == "[2]")
        await settle(app, pilot)
        panel = screen.cell_view("double").exercise_panel
        assert not panel.passed and "twice x" in text_of(panel.query_one("#exercise-status"))

        screen.cell_view("double").editor.load_text("doubled = x * 2")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: panel.passed)
        assert app.progress.exercise("tensors", "double").passed

        pictures = screen.cell_view("make")
        pictures.editor.load_text("import torch\nshow(torch.rand(3, 8, 16))")
        screen.focus_cell("make")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: pictures.prompt == "[4]")
        await settle(app, pilot)
        assert len(pictures.query(".cell-image")) == 1

        view = screen.cell_view("tenfold")
        view.editor.load_text("import time\nprint('napping')\ntime.sleep(30)")
        screen.focus_cell("tenfold")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: "napping" in view.output.plain)
        await pilot.press("i", "i")
        await wait_until(pilot, lambda: view.prompt == "[5]", timeout=15)
        await settle(app, pilot)
        assert "KeyboardInterrupt" in text_of(view.query_one("#traceback")) or "nterrupt" in text_of(
            view.query_one("#kernel-message")
        )
        await pilot.press("q")
    deadline = time.monotonic() + 10
    while processes_under(private_home) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_under(private_home) == []
