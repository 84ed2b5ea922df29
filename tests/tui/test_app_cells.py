"""Cells as in Jupyter: run and move on, run below, restart and run above, clear and copy output,
Up/Down between cells, scratch cells saved with progress."""

from __future__ import annotations

from conftest import settle
from textual.containers import VerticalScroll

from curriculum.progress import ProgressStore
from tui.widgets.cell.cell import CodeCellView


async def open_lesson(app, pilot):
    await pilot.press("1")
    await pilot.pause()
    return app.screen


async def test_up_and_down_move_between_cells_outside_the_editor(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        assert screen.current_cell_id == "make"
        await pilot.press("down")
        assert screen.current_cell_id == "tenfold" and isinstance(app.focused, CodeCellView)
        await pilot.press("down", "up")
        assert screen.current_cell_id == "tenfold"


async def test_up_and_down_stay_in_the_editor_while_editing(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        editor = screen.cell_view("make").editor
        editor.load_text("a = 1\nb = 2")
        await pilot.press("enter", "down")
        assert app.focused is editor and editor.cursor_location[0] == 1
        assert screen.current_cell_id == "make"


async def test_ctrl_j_and_shift_enter_run_the_cell_and_move_to_the_next(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        await pilot.press("enter", "end", *" + 1", "ctrl+j")  # from inside the editor
        await settle(app, pilot)
        assert screen.cell_view("make").output.plain == "x is 3"
        assert screen.current_cell_id == "tenfold" and isinstance(app.focused, CodeCellView)
        await pilot.press("shift+enter")  # from outside it
        await settle(app, pilot)
        assert screen.cell_view("tenfold").output.plain == "30"
        assert screen.current_cell_id == "double"


async def test_run_below_runs_the_focused_cell_and_every_cell_after_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        assert [screen.cell_view(c).prompt for c in ("make", "tenfold", "double")] == ["[1]", "[2]", "[3]"]


async def test_z_z_restarts_and_runs_the_cells_above_only(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        screen.focus_cell("double")
        await pilot.press("z")
        assert screen.cell_view("make").prompt == "[1]", "one z alone does nothing but ask"
        await pilot.press("z")
        await settle(app, pilot)
        await settle(app, pilot)
        assert screen.cell_view("make").prompt == "[1]" and screen.cell_view("tenfold").prompt == "[2]"
        assert screen.cell_view("double").prompt == "[ ]"
        assert screen.session.kernel.execution_count == 2


async def test_x_clears_the_output_and_c_copies_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        view = screen.cell_view("make")
        view.editor.load_text("print('one')\nprint('two')")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.press("c")
        assert app.clipboard == "one\ntwo"
        await pilot.press("x")
        assert view.output.plain == "" and not view.output.display
        assert view.prompt == "[1]"


async def test_carriage_returns_leave_only_the_last_state_of_a_progress_line(make_app):
    """A `\\r` that ends one chunk is overwritten by the next chunk, as in a terminal."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        view = screen.cell_view("make")
        view.editor.load_text("for i in range(5):\n    print(f'step {i}/4', end='\\r')\nprint()\nprint('done')")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert view.output.plain == "step 4/4\ndone"


async def test_a_long_output_scrolls_inside_its_cell(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        view = screen.cell_view("make")
        view.editor.load_text("for i in range(100):\n    print(i)")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        await pilot.pause()
        output = view.output
        assert output.size.height <= 12 < 100
        assert output.max_scroll_y > 0 and output.scroll_y == output.max_scroll_y, "it follows the newest line"


async def test_b_inserts_a_scratch_cell_below_that_is_saved_and_d_d_deletes_it(make_app, progress):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        await pilot.press("b")
        await pilot.pause()
        assert screen.cell_ids_in_order() == ["make", "scratch-1", "tenfold", "double"]
        scratch = screen.cell_view("scratch-1")
        assert app.focused is scratch.editor and scratch.cell.exercise is None
        await pilot.press(*"print(6 * 7)", "ctrl+r")
        await settle(app, pilot)
        assert scratch.output.plain == "42"
        await pilot.press("escape", "b")
        await pilot.pause()
        assert screen.cell_ids_in_order() == ["make", "scratch-1", "scratch-2", "tenfold", "double"]
        app.save_now()
    saved = ProgressStore()
    assert {(c.id, c.after, c.text) for c in saved.scratch_cells("tensors")} == {
        ("scratch-1", "make", "print(6 * 7)"), ("scratch-2", "scratch-1", "")}
    assert saved.cell_text("tensors", "scratch-1") is None, "never mixed with the lesson's cells"

    app = make_app(progress=saved)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        assert screen.cell_ids_in_order() == ["make", "scratch-1", "scratch-2", "tenfold", "double"]
        assert screen.cell_view("scratch-1").text == "print(6 * 7)"
        screen.focus_cell("scratch-1")
        await pilot.press("d", "d")
        await pilot.pause()
        assert screen.cell_ids_in_order() == ["make", "scratch-2", "tenfold", "double"]
        assert [(c.id, c.after) for c in saved.scratch_cells("tensors")] == [("scratch-2", "make")]
        screen.focus_cell("tenfold")
        await pilot.press("d", "d")  # a lesson cell is never deleted
        await pilot.pause()
        assert "tenfold" in screen.cell_ids_in_order()
        app.reset_progress("tensors")  # resetting the lesson takes its scratch cells too
        await pilot.pause()
        assert screen.cell_ids_in_order() == ["make", "tenfold", "double"]


def test_every_new_cell_and_editor_key_is_in_the_keymap():
    """The help screen, README and docs/tui.md all follow the keymap; each binding must be there."""
    from curriculum.lesson import load_all
    from tui.keymap import keymap
    from tui.screens.cell_actions import CellActions
    from tui.widgets.cell.editor import CellEditor

    listed = set()
    for _, keys, _ in keymap(load_all()):
        for part in keys.replace(",", " / ").split(" / "):
            listed.add(part.strip().split(" ")[0])
    for binding in [*CellActions.CELL_BINDINGS, *CellEditor.BINDINGS]:
        for key in binding.key.split(","):
            assert key in listed, f"{key} ({binding.action}) is missing from the keymap"


async def test_a_completion_list_takes_keys_and_clicks_while_typing_goes_on(make_app):
    """The list itself, fed as the kernel's answer would feed it (the real kernel: test_app_completion)."""
    from tui.widgets.cell.completion import CompletionList

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(app, pilot)
        view = screen.cell_view("make")
        editor = view.editor
        editor.load_text("")
        await pilot.press("enter", *"x.re")
        view.show_completions(["real", "register_hook", "relu", "repeat"], 2)
        listing = screen.query_one(CompletionList)
        assert listing.display and listing.option_count == 4
        await pilot.press("l")  # narrows to relu
        assert [listing.get_option_at_index(i).id for i in range(listing.option_count)] == ["relu"]
        await pilot.press("tab")
        assert editor.text == "x.relu" and not listing.display
        await pilot.press(*" + x.re")
        view.show_completions(["real", "register_hook", "relu", "repeat"], 2)
        await pilot.press("down", "down", "enter")
        assert editor.text == "x.relu + x.relu"
        await pilot.press(*" + x.re")
        view.show_completions(["real", "register_hook", "relu", "repeat"], 2)
        await pilot.pause()  # laid out at the cursor before the click
        await pilot.click(CompletionList, offset=(2, 3))  # the fourth row
        assert editor.text == "x.relu + x.relu + x.repeat" and app.focused is editor
        await pilot.press(*" + x.re")
        view.show_completions(["real", "register_hook"], 2)
        await pilot.press("left")  # the cursor leaves the name: the list goes
        assert not listing.display
        await pilot.press("escape")
        assert app.focused is view
