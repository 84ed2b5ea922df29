"""What the app owns: one spare kernel for all lessons and its runtime tuning, both ended with the app; and the
word it gives when a fresh kernel meets a name that a cell above defines."""

from __future__ import annotations

from conftest import settle
from tui_fakes import FakeKernel

from curriculum.lesson_session import FRESH_KERNEL_NOTE
from tui.options import AppOptions


async def test_a_cell_that_needs_the_cells_above_says_so_after_a_restart(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        await pilot.press("ctrl+r")  # `make` defines x
        await settle(app, pilot)
        await pilot.press("0", "0")
        await settle(app, pilot)
        screen.focus_cell("tenfold")  # uses x, gone with the restart
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "NameError" in screen.cell_view("tenfold").query_one("#traceback").render().plain
        assert any(note.message == FRESH_KERNEL_NOTE for note in app._notifications)


async def test_every_lesson_kernel_shares_the_apps_one_spare_and_quitting_closes_it(make_app):
    app = make_app(options=AppOptions(isolation="rlimits"), kernel_factory=None)
    first, second = app.kernel_factory("tensors"), app.kernel_factory("autograd")
    assert first.spares is app.spares and second.spares is app.spares
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
    app.spares.fill("after quitting", FakeKernel)  # a closed pool starts nothing
    assert app.spares.key is None


async def test_the_app_sets_its_runtime_tuning_and_puts_it_back_when_it_ends(make_app):
    import gc
    import sys

    from tui.tuning import GIL_SWITCH_S

    before = sys.getswitchinterval()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert sys.getswitchinterval() == min(before, GIL_SWITCH_S)
        assert gc.get_freeze_count() > 0  # the start-up objects, after the first frame
    assert sys.getswitchinterval() == before
    assert gc.get_freeze_count() == 0
