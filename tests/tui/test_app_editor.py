"""The cell editor as a Jupyter user expects it: indentation, wrapping, jumps, keys applied in order."""

from __future__ import annotations

import pytest

from tui.widgets.cell import indent
from tui.widgets.cell.editor import CellEditor


async def open_editor(app, pilot, text: str = "") -> CellEditor:
    await pilot.press("1")
    await pilot.pause()
    editor = app.screen.cell_view("make").editor
    editor.load_text(text)
    await pilot.press("enter")
    assert app.focused is editor
    return editor


async def test_enter_keeps_the_indentation_and_adds_a_level_after_a_colon(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(app, pilot)
        await pilot.press(*"with open('f') as f:  # a comment", "enter", *"for line in f:", "enter", *"x = 1", "enter", *"y")
        assert editor.text == "with open('f') as f:  # a comment\n    for line in f:\n        x = 1\n        y"


async def test_backspace_in_leading_spaces_removes_one_level(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(app, pilot, "if x:\n        ")
        await pilot.press("ctrl+end", "backspace")
        assert editor.text == "if x:\n    "
        await pilot.press("backspace")
        assert editor.text == "if x:\n"
        editor.load_text("if x:\n    ab")
        await pilot.press("ctrl+end", "backspace")  # after code, one character as usual
        assert editor.text == "if x:\n    a"


async def test_a_block_ends_after_return(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(app, pilot)
        await pilot.press(*"def f():", "enter", *"return 1", "enter", *"z")
        assert editor.text == "def f():\n    return 1\nz"


async def test_ctrl_home_and_ctrl_end_jump_to_the_ends_of_the_cell(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(app, pilot, "a = 1\nb = 2\ncc = 3")
        await pilot.press("ctrl+end")
        assert editor.cursor_location == (2, 6)
        await pilot.press("ctrl+home")
        assert editor.cursor_location == (0, 0)


async def test_tab_in_leading_whitespace_indents(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(app, pilot, "")
        await pilot.press("tab", *"x")
        assert editor.text == "    x"


async def test_long_lines_wrap_instead_of_being_cut_off_at_80_columns(make_app):
    app = make_app()
    long = "# " + " ".join(f"word{n}" for n in range(30))  # ~190 characters
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(app, pilot, long)
        await pilot.pause()
        assert editor.soft_wrap
        assert editor.wrapped_document.height > 1
        assert editor.size.height >= editor.wrapped_document.height  # every wrapped row shown
        assert not editor.show_horizontal_scrollbar


async def test_a_burst_with_bound_keys_is_applied_in_order(make_app):
    """Textual issue #6605: keys posted without waiting (a paste, a slow SSH link) keep their order."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(app, pilot, "")
        for key in ["b", "a", "backspace", "c", "left", "x", "end", "y", "home", "z"]:
            app.post_message(__import__("textual").events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await pilot.pause()
        assert editor.text == "zbxcy"


@pytest.mark.parametrize(
    "before, expected",
    [("x = 1", ""), ("    x = 1", "    "), ("if a:", "    "), ("  if a:  # why", "      "), ("s = '#:'", ""),
     ("        return x", "    "), ("pass", "")],
)
def test_newline_indent(before, expected):
    assert indent.newline_indent(before) == expected


@pytest.mark.parametrize(
    "before, wanted", [("torch.", True), ("torch.zer", True), ("    ", False), ("", False), ("x = (", False), ("f(a, ", False)]
)
def test_tab_completes_only_after_a_name_or_a_dot(before, wanted):
    assert indent.wants_completion(before) is wanted
