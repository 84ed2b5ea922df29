"""The command palette (ctrl+p): every action the keys reach, by name."""

from __future__ import annotations

from functools import partial
from typing import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen


def lesson_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    from tui.screens.lesson import LessonScreen

    for lesson in app.lessons:
        yield SystemCommand(f"Open lesson {lesson.number}: {lesson.title}", f"key {lesson.number}", partial(app.action_open_lesson, lesson.number))
    yield SystemCommand("Home: list of lessons", "escape", app.action_home)
    yield SystemCommand("Next lesson", "key n", app.action_next_lesson)
    yield SystemCommand("Previous lesson", "key p", app.action_previous_lesson)
    yield SystemCommand("Training screen", "key t", app.action_training)
    yield SystemCommand("Help: every key", "key ?", app.action_help)
    yield SystemCommand("Reset all progress", "every lesson's edits and exercises (asks first)", partial(_confirm_reset_all, app))
    if not isinstance(screen, LessonScreen) or screen.session is None:
        return
    on_lesson = [
        ("Run cell", "ctrl+r / F5: run the focused cell", screen.action_run_cell),
        ("Run all cells above", "key a: run every cell up to the focused one", screen.action_run_above),
        ("Edit cell", "enter: edit the focused cell", screen.action_edit),
        ("Previous cell", "up / k", partial(screen.action_move, -1)),
        ("Next cell", "down / j", partial(screen.action_move, 1)),
        ("Interrupt kernel", "i i: stop the running cell", screen.action_interrupt),
        ("Restart kernel", "0 0: a fresh kernel with an empty namespace", screen.action_restart),
        ("Show variables", "key v: the tensor inspector of the focused cell", screen.action_toggle_inspector),
        ("Autograd graph", "key g: the graph behind the focused cell's tensors that have a grad_fn", screen.action_grad_graph),
        ("Hint", "key h: the next hint for this exercise", screen.action_hint),
        ("Solution", "key s: the reference solution", screen.action_solution),
        ("Reset cell", "key r: the lesson's original code (asks first)", screen.action_reset_cell),
        ("Reset lesson", "key R: every cell and exercise of this lesson (asks first)", screen.action_reset_lesson),
    ]
    if screen.training_defaults() is not None:
        on_lesson.append(("Train this", "key T: the training screen with this lesson's settings", screen.action_train_this))
    from tui.export_action import export_lesson

    on_lesson += [(f"Export lesson as {name}", f"write {kind} to the folder blitz-tui started in", partial(export_lesson, screen, fmt))
                  for name, kind, fmt in (("notebook (.ipynb)", "your cells and outputs as a Jupyter notebook", "ipynb"),
                                          ("script (.py)", "your cells as a '# %%' script for blitz-tui exec", "py"))]
    for title, help_text, callback in on_lesson:
        yield SystemCommand(title, help_text, callback)


def _confirm_reset_all(app: App) -> None:
    from tui.screens.confirm import ConfirmScreen

    def reset(answer: bool | None) -> None:
        if answer:
            app.reset_progress(None)

    app.push_screen(ConfirmScreen("Reset ALL progress: every edit, exercise and hint in every lesson?", yes="Reset all"), reset)
