"""Moving around the app from the keyboard: home, lessons, cells, help, palette, small terminals."""

from __future__ import annotations

from curriculum.lesson import BrokenLesson, LessonError
from curriculum.paths import progress_file
from curriculum.progress import ProgressStore
from conftest import text_of
from tui_fakes import FakeKernel
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.lesson import LessonScreen
from tui.screens.too_small import TooSmallScreen
from tui.widgets.cell.cell import CodeCellView
from tui.widgets.cell.editor import CellEditor
from tui.widgets.home.lesson_list import LessonList


async def test_home_lists_five_lessons_and_training(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, HomeScreen)
        options = app.screen.query_one(LessonList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["lesson-1", "lesson-2", "lesson-3", "lesson-4", "lesson-5", "training"]
        assert [lesson.title for lesson in app.lessons] == [
            "Tensors", "Autograd", "Neural networks", "Training a classifier", "Data parallelism",
        ]


async def test_a_broken_lesson_shows_file_and_line_and_the_others_still_open(make_app, lessons, tmp_path):
    path = tmp_path / "02-autograd.md"
    broken = BrokenLesson(2, "Autograd", LessonError(path, 7, "this code block is never closed with ```"), path)
    app = make_app(lessons=[lessons[0], broken, *lessons[2:]])
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.screen.query_one(LessonList).get_option_at_index(1).prompt
        assert "02-autograd.md, line 7" in text_of(prompt)
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        error = app.screen.query_one("#lesson-error")
        assert "02-autograd.md, line 7: this code block is never closed" in text_of(error)
        assert "no kernel" in text_of(app.screen.query_one("#kernel-status"))
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.lesson.number == 1
        assert isinstance(app.focused, CodeCellView)


async def test_the_lesson_files_are_the_lessons_so_three_files_make_three(make_app, lessons):
    app = make_app(lessons=lessons[:3])
    async with app.run_test(size=(80, 24)) as pilot:
        assert [lesson.number for lesson in app.lessons] == [1, 2, 3]
        assert app.lesson_by_number(4) is None
        await pilot.press("4")  # no lesson 4, so no key 4: nothing opens
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_opening_a_lesson_focuses_its_first_code_cell_not_the_editor(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.focused, CodeCellView)
        assert app.focused.cell.id == "make"
        assert not isinstance(app.focused, CellEditor)


async def test_cells_move_with_arrows_and_j_k(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.press("j")
        await pilot.pause()
        assert app.focused.cell.id == "tenfold"
        await pilot.press("down", "down")  # the last cell stays focused at the end
        await pilot.pause()
        assert app.focused.cell.id == "double"
        await pilot.press("k", "up")
        await pilot.pause()
        assert app.focused.cell.id == "make"


async def test_enter_edits_and_escape_leaves_the_editor_then_goes_home(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "enter")
        await pilot.pause()
        assert isinstance(app.focused, CellEditor)
        await pilot.press("j", "q")  # typed into the editor, not moving or quitting
        await pilot.pause()
        assert app.focused.text.startswith("jq")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, CodeCellView) and app.focused.cell.id == "make"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_next_and_previous_lesson_keep_each_lessons_screen_and_kernel(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        first = app.screen
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.lesson.number == 2
        await pilot.press("p")
        await pilot.pause()
        assert app.screen is first
        await pilot.press("escape", "3")
        await pilot.pause()
        assert app.screen.lesson.number == 3
        assert len({screen.session for screen in app.lesson_screens.values()}) == 3


async def test_the_saved_position_is_restored_when_a_lesson_opens(make_app, progress):
    progress.set_position("tensors", "double")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert app.focused.cell.id == "double"


async def test_moving_between_cells_is_saved_as_the_position(make_app, progress):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "j")
        await pilot.pause()
        assert progress.position("tensors") == "tenfold"
        assert app.last_lesson_number() == 1


async def test_question_mark_opens_help_and_escape_closes_it(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = text_of(app.screen.query_one("#help-keys"))
        for keys in ("ctrl+r / F5", "i i", "0 0", "ctrl+p"):
            assert keys in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_the_palette_offers_every_action_on_a_lesson(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for title in (
            "Run cell", "Edit cell", "Interrupt kernel", "Restart kernel", "Next lesson", "Previous lesson",
            "Training screen", "Help: every key", "Hint", "Solution", "Reset cell", "Reset lesson",
            "Reset all progress", "Open lesson 3: Neural networks", "Previous cell", "Next cell", "Quit",
        ):
            assert title in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


async def test_a_palette_command_runs_the_focused_cell(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        run = next(c for c in app.get_system_commands(app.screen) if c.title == "Run cell")
        run.callback()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.cell_view("make").prompt == "[1]"


async def test_a_small_terminal_gets_a_message_until_it_grows(make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "at least 80×24" in text_of(app.screen.query_one("#too-small-message"))
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_corrupt_progress_file_is_set_aside_with_a_notice(make_app):
    progress_file().write_text("{ not json", encoding="utf-8")
    app = make_app(progress=ProgressStore())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert any("moved to" in note.message for note in app._notifications)
        assert isinstance(app.screen, HomeScreen)


async def test_quitting_shuts_every_kernel_down(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.press("escape", "q")
        await pilot.pause()
    assert len(FakeKernel.instances) == 2
    assert all(kernel.shutdowns >= 1 for kernel in FakeKernel.instances)


async def test_training_key_without_the_training_screen_says_so(make_app, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tui.training", None)  # makes the import fail
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("not available" in note.message for note in app._notifications)


async def test_the_weakest_sandbox_is_flagged_in_the_status_line_and_explained_once(make_app):
    class WeakKernel(FakeKernel):
        def __init__(self, lesson_id: str = "") -> None:
            super().__init__(lesson_id)
            self.isolation = "rlimits"

    app = make_app(kernel_factory=WeakKernel)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause(0.7)
        assert "sandbox rlimits: weak" in str(app.screen.query_one("#kernel-status").render())
        await pilot.press("n")
        await pilot.pause(0.7)
        warnings = [n for n in app._notifications if n.title == "Weak sandbox"]
        assert len(warnings) == 1 and "bubblewrap" in warnings[0].message
