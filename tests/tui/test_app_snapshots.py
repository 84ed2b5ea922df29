"""What a person sees, at 80×24 (the smallest supported terminal) and 120×40.

Update after a deliberate change with `pytest tests/tui/test_app_snapshots.py --snapshot-update`
and look at the new SVGs under tests/tui/__snapshots__/ before accepting them.
"""

from __future__ import annotations

import io

import pytest
from conftest import settle

from curriculum.lesson import BrokenLesson, LessonError
from tui.widgets.cell.editor import CellEditor

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def image_grid_png() -> bytes:
    """Eight coloured tiles in a 4×2 grid, like a batch of labelled CIFAR-10 samples."""
    from PIL import Image, ImageDraw

    colours = ["red", "orange", "yellow", "green", "cyan", "blue", "purple", "white"]
    grid = Image.new("RGB", (4 * 34, 2 * 34), "black")
    draw = ImageDraw.Draw(grid)
    for index, colour in enumerate(colours):
        x, y = (index % 4) * 34 + 1, (index // 4) * 34 + 1
        draw.rectangle([x, y, x + 31, y + 31], fill=colour)
        draw.line([x, y, x + 31, y + 31], fill="black", width=3)
    buffer = io.BytesIO()
    grid.save(buffer, format="PNG")
    return buffer.getvalue()


async def still_editors(pilot) -> None:
    for editor in pilot.app.screen.query(CellEditor):
        editor.cursor_blink = False


class TestHome:
    @pytest.mark.parametrize("size", SIZES)
    def test_home_lists_lessons_with_progress(self, snap_compare, make_app, progress, size):
        """Five lessons by name in a rounded box; lesson 1 (its one exercise passed) marked
        "✓ 1/1 done" in green, the others "no exercises"; the training entry last; lesson 1's
        summary below; the footer shows 1-5, t, ?, q and ^p."""
        progress.mark_passed("tensors", "double")
        assert snap_compare(make_app(), terminal_size=size)

    def test_a_broken_lesson_shows_its_file_and_line(self, snap_compare, make_app, lessons):
        """Lesson 3 is red with "03-neural-networks.md, line 12: …"; the others look as usual."""
        path = lessons[0].path.with_name("03-neural-networks.md")
        broken = BrokenLesson(3, "Neural networks", LessonError(path, 12, "a `hint` block must follow an exercise cell"), path)
        app = make_app(lessons=[*lessons[:2], broken, *lessons[3:]])
        assert snap_compare(app, terminal_size=(80, 24))

    def test_a_terminal_under_80x24_gets_a_message(self, snap_compare, make_app):
        """A centred message asking for at least 80×24 and saying this one is 70×20."""
        assert snap_compare(make_app(), terminal_size=(70, 20))


class TestLesson:
    @pytest.mark.parametrize("size", SIZES)
    def test_a_lesson_after_running_its_first_cell(self, snap_compare, make_app, size):
        """Lesson 1 with "esc: all lessons" on the title bar; prose, the first cell focused (accent bar) with prompt [1] and "x is 2" under it,
        a collapsed "Variables: x" line, later cells at [ ]; the status line says kernel idle,
        sandbox rlimits, exercises 0/1."""

        async def run_first(pilot):
            await pilot.press("1", "ctrl+r")
            await settle(pilot.app, pilot)
            await still_editors(pilot)

        assert snap_compare(make_app(), terminal_size=size, run_before=run_first)

    def test_exercise_with_a_failed_check_and_a_hint(self, snap_compare, make_app):
        """The exercise cell focused, its panel showing "✗ Not yet: doubled should be twice x",
        "Hint 1: Multiply x by a number." and the keys for the next hint and the solution."""

        async def fail_and_hint(pilot):
            await pilot.press("1", "ctrl+r")
            await settle(pilot.app, pilot)
            pilot.app.screen.focus_cell("double", top=True)
            await pilot.press("ctrl+r")
            await settle(pilot.app, pilot)
            await pilot.press("h")
            await pilot.pause()
            await still_editors(pilot)

        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=fail_and_hint)

    def test_an_image_grid_in_half_blocks(self, snap_compare, make_app):
        """Under the first cell, eight coloured tiles with dark diagonals in a 4×2 grid, drawn with
        half-block characters (what tmux and plain terminals get)."""

        async def show_grid(pilot):
            await pilot.press("1")
            await pilot.pause()
            view = pilot.app.screen.cell_view("make")
            view.editor.load_text(f"show({image_grid_png()!r})")
            await pilot.press("ctrl+r")
            await settle(pilot.app, pilot)
            pilot.app.screen.focus_cell("make", top=True)
            await pilot.pause()
            await still_editors(pilot)

        assert snap_compare(make_app(), terminal_size=(120, 40), run_before=show_grid)

    def test_help_lists_every_key(self, snap_compare, make_app):
        """A framed help box over the home screen: "Anywhere" (ctrl+r / F5, escape, ctrl+p, ctrl+q)
        then "Outside the editor" keys, scrollable."""
        assert snap_compare(make_app(), terminal_size=(80, 24), press=["question_mark"])
