"""The exercise flow: fail → hint → pass → solution, with confirmations and resets."""

from __future__ import annotations

from conftest import settle, text_of

from tui.screens.confirm import ConfirmScreen
from tui.screens.lesson import LessonScreen
from tui.widgets.home.lesson_list import LessonList


async def open_exercise(app, pilot):
    await pilot.press("1")
    await pilot.pause()
    screen = app.screen
    await pilot.press("ctrl+r")  # defines x
    await settle(app, pilot)
    screen.focus_cell("double")
    await pilot.pause()
    return screen, screen.cell_view("double")


async def test_fail_then_hint_then_pass_then_solution(make_app, progress):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, view = await open_exercise(app, pilot)
        panel = view.exercise_panel

        await pilot.press("ctrl+r")  # the starter leaves `doubled = None`
        await settle(app, pilot)
        assert not panel.passed
        assert "doubled should be twice x" in text_of(panel.query_one("#exercise-status"))

        await pilot.press("h")
        await pilot.pause()
        assert "Hint 1: Multiply x by a number." in text_of(panel.query_one("#exercise-hints"))
        assert progress.exercise("tensors", "double").hints_used == 1

        view.editor.load_text("doubled = x * 2")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert panel.passed and panel.has_class("-passed")
        assert progress.exercise("tensors", "double").passed
        assert "exercises 1/1" in text_of(screen.query_one("#kernel-status"))

        await pilot.press("s")  # passed: no question asked
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert panel.query_one("#exercise-solution").display

        await pilot.press("escape")
        await pilot.pause()
        mark = app.screen.query_one(LessonList).get_option_at_index(0).prompt
        assert "1/1 done" in text_of(mark)


async def test_hints_stop_after_the_last_one(make_app, progress):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        _, view = await open_exercise(app, pilot)
        await pilot.press("h", "h", "h")
        await pilot.pause()
        assert view.exercise_panel.hints_used == 2
        assert progress.exercise("tensors", "double").hints_used == 2
        assert any("No more hints" in note.message for note in app._notifications)


async def test_the_solution_asks_first_when_not_passed(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        _, view = await open_exercise(app, pilot)
        solution = view.exercise_panel.query_one("#exercise-solution")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and not solution.display
        await pilot.press("s", "y")
        await pilot.pause()
        assert solution.display
        assert "doubled = x * 2" in text_of(solution)


async def test_hint_on_a_plain_cell_is_not_offered(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.check_action("hint", ()) is False
        assert app.screen.check_action("run_cell", ()) is True


async def test_reset_cell_brings_back_the_starter_after_confirmation(make_app, progress):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        _, view = await open_exercise(app, pilot)
        view.editor.load_text("doubled = x * 2")
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert progress.exercise("tensors", "double").passed
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert view.text == "doubled = None"
        assert view.prompt == "[ ]" and not view.exercise_panel.passed
        assert not progress.exercise("tensors", "double").passed
        assert progress.cell_text("tensors", "double") is None


async def test_reset_lesson_puts_back_every_cell(make_app, progress):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, view = await open_exercise(app, pilot)
        screen.cell_view("make").editor.load_text("x = 5")
        await pilot.pause()
        assert progress.cell_text("tensors", "make") == "x = 5"
        await pilot.press("R", "y")
        await pilot.pause()
        assert screen.cell_view("make").text == screen.lesson.cell("make").source
        assert progress.cell_text("tensors", "make") is None


async def test_reset_everything_from_the_palette(make_app, progress):
    progress.mark_passed("tensors", "double")
    progress.set_cell_text("lesson2", "only", "print('mine')")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Reset all progress")
        command.callback()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not progress.exercise("tensors", "double").passed
        assert progress.cell_text("lesson2", "only") is None
        assert "0/1" in text_of(app.screen.query_one(LessonList).get_option_at_index(0).prompt)


async def test_passed_exercises_show_as_passed_when_the_lesson_opens(make_app, progress):
    progress.mark_passed("tensors", "double")
    progress.use_hint("tensors", "double")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        panel = app.screen.cell_view("double").exercise_panel
        assert panel.passed and panel.hints_used == 1
