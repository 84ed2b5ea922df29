"""Running cells through the fake kernel: prompts, streaming output, errors, pictures, control."""

from __future__ import annotations

import io

from conftest import settle, text_of
from tui_fakes import FakeKernel

from curriculum.progress import ProgressStore
from tui.output_tail import TAIL_LINES
from tui.widgets.cell.editor import CellEditor
from tui.widgets.cell.images import CellImages
from tui.widgets.cell.inspector import Inspector


async def open_lesson_one(app, pilot):
    await pilot.press("1")
    await pilot.pause()
    return app.screen


async def test_running_a_cell_shows_its_count_and_output(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        view = screen.cell_view("make")
        assert view.prompt == "[ ]"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert view.prompt == "[1]"
        assert view.output.plain == "x is 2"


async def test_the_second_cell_sees_the_first_cells_names(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("j", "f5")
        await settle(app, pilot)
        view = screen.cell_view("tenfold")
        assert view.prompt == "[2]" and view.output.plain == "20"


async def test_ctrl_r_runs_the_edited_text_from_inside_the_editor_and_saves_it(make_app, progress):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        editor = app.focused
        assert isinstance(editor, CellEditor)
        editor.load_text("print('edited')")
        await pilot.pause()
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.focused is editor  # still editing
        assert screen.cell_view("make").output.plain == "edited"
        assert progress.cell_text("tensors", "make") == "print('edited')"
        await pilot.pause(0.8)  # the debounced save comes within a second
        assert not progress.dirty
        assert ProgressStore().cell_text("tensors", "make") == "print('edited')"


async def test_saved_edits_come_back_when_the_lesson_opens(make_app, progress):
    progress.set_cell_text("tensors", "make", "print('from last time')")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        assert screen.cell_view("make").text == "print('from last time')"


async def test_an_exception_shows_its_traceback(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await pilot.press("j", "ctrl+r")  # `x` is not defined yet
        await settle(app, pilot)
        view = screen.cell_view("tenfold")
        assert view.prompt == "[1]"
        assert "NameError" in text_of(view.query_one("#traceback"))


async def test_a_flood_of_output_keeps_only_a_tail_with_a_hidden_count(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        view = screen.cell_view("make")
        view.editor.load_text("for i in range(50_000):\n    print(i)")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        lines = view.output.plain.splitlines()
        assert len(lines) == TAIL_LINES and lines[-1] == "49999"
        assert f"{50_000 - TAIL_LINES:,} earlier lines hidden" in text_of(view.output.shown)


async def test_interrupt_with_i_i_stops_a_running_cell(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        view = screen.cell_view("make")
        view.editor.load_text("print('waiting')\nwait_for_interrupt()")
        await pilot.press("ctrl+r")
        await pilot.pause(0.2)
        assert view.prompt == "[*]"
        await pilot.press("i", "i")
        await settle(app, pilot)
        assert view.prompt == "[1]"
        assert "Interrupted" in text_of(view.query_one("#kernel-message"))


async def test_a_single_i_only_asks_for_the_second_press(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson_one(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        assert any("Press i again" in note.message for note in app._notifications)


async def test_restart_with_0_0_gives_a_fresh_kernel(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("0", "0")
        await settle(app, pilot)
        assert screen.cell_view("make").prompt == "[ ]"
        kernel = FakeKernel.instances[0]
        assert kernel.execution_count == 0 and "x" not in kernel.namespace


async def test_run_above_runs_every_earlier_cell_in_order(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await pilot.press("j", "a")
        await settle(app, pilot)
        await settle(app, pilot)
        assert screen.cell_view("make").prompt == "[1]"
        assert screen.cell_view("tenfold").prompt == "[2]"
        assert screen.cell_view("tenfold").output.plain == "20"


async def test_pictures_from_a_cell_show_below_its_output(make_app):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 16), "orange").save(buffer, format="PNG")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        view = screen.cell_view("make")
        view.editor.load_text(f"show({buffer.getvalue()!r})\nshow(b'not a png')")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        images = view.query_one(CellImages)
        assert images.display and images.count == 2
        assert len(images.query(".cell-image")) == 1
        assert "could not be shown" in text_of(images.query_one(".cell-image-error"))


async def test_the_inspector_lists_new_names_and_v_toggles_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        inspector = screen.cell_view("make").query_one(Inspector)
        assert inspector.display and inspector.collapsed
        assert "x" in inspector.title
        await pilot.press("v")
        await pilot.pause()
        assert not inspector.collapsed
        assert "2" in text_of(inspector.query_one("#inspector-table"))


async def test_the_status_bar_shows_kernel_state_and_sandbox(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await settle(app, pilot)
        status = screen.query_one("#kernel-status")
        status.refresh_status()
        text = text_of(status)
        assert "kernel idle" in text and "sandbox bwrap" in text and "exercises 0/1" in text


async def test_running_in_a_dead_kernel_restarts_it_and_says_so(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson_one(app, pilot)
        await settle(app, pilot)
        FakeKernel.instances[0].state = "dead"
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert screen.cell_view("make").prompt == "[1]"
        assert any("restarted" in note.message for note in app._notifications)
