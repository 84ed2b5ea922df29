"""Completion and signatures in the editor, answered by the real sandboxed kernel."""

from __future__ import annotations

import time

import pytest
from conftest import settle

from tui.options import AppOptions
from tui.widgets.cell.completion import CallTip, CompletionList

pytestmark = pytest.mark.slow


async def wait_until(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the kernel never answered"
        await pilot.pause(0.05)


async def test_tab_completes_from_the_live_namespace_and_shift_tab_shows_the_signature(make_app):
    app = make_app(options=AppOptions(timeout=60), kernel_factory=None)  # the real sandboxed kernel
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        view = screen.cell_view("make")
        view.editor.load_text("import torch\nclass Box:\n    def __init__(self):\n        self.weights = 3\nbox = Box()")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: view.prompt == "[1]")
        await settle(app, pilot)

        editor = view.editor
        editor.load_text("")
        await pilot.press("enter", *"torch.zeros_l", "tab")  # one match: put in at once
        await wait_until(pilot, lambda: editor.text == "torch.zeros_like")

        await pilot.press("enter", *"box.", "tab")  # the learner's own object
        await wait_until(pilot, lambda: editor.text.endswith("box.weights"))

        await pilot.press("enter", *"torch.", "tab")  # many: a list under the editor
        listing = screen.query_one(CompletionList)  # one list per lesson, drawn over it at the cursor
        await wait_until(pilot, lambda: listing.display)
        assert "zeros" in listing.matches and len(listing.matches) > 500
        assert listing.option_count == 41 and "more: type to narrow" in str(listing.get_option_at_index(40).prompt)
        await pilot.press(*"ones_l")  # typing narrows it
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == ["ones_like"]
        await pilot.press("enter")  # takes the completion instead of a new line
        assert editor.text.endswith("\ntorch.ones_like") and not listing.display

        await pilot.press(*"(", "shift+tab")
        await wait_until(pilot, lambda: bool(view.query(CallTip)) and view.query_one(CallTip).display)
        tip = str(view.query_one(CallTip).render())
        assert "ones_like(input" in tip
        await pilot.press("escape")  # closes the tip, stays in the editor
        assert not view.query_one(CallTip).display and app.focused is editor

        editor.load_text("for i in range(2):\n")
        await pilot.press("ctrl+end", "tab", *"x")  # in leading whitespace tab indents
        assert editor.text == "for i in range(2):\n    x"


async def test_a_busy_kernel_means_no_list_and_no_wait(make_app):
    app = make_app(options=AppOptions(timeout=60), kernel_factory=None)  # the real sandboxed kernel
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        view = screen.cell_view("make")
        view.editor.load_text("import time\ntime.sleep(4)")
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.session.kernel is not None and screen.session.kernel.state == "busy")
        other = screen.cell_view("tenfold").editor
        other.load_text("")
        screen.focus_cell("tenfold")
        await pilot.press("enter", *"pri", "tab", *"nt")
        assert other.text == "print", "typing goes on while the kernel is busy"
        await pilot.pause(0.3)
        assert not screen.query_one(CompletionList).display
        assert view.prompt == "[*]"
        await settle(app, pilot)
