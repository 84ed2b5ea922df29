"""What a lesson screen does for exercises: record checks, hints, the solution, resets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from curriculum.exercises import next_hint, reveal_solution, solution_needs_confirmation
from curriculum.lesson_session import RunOutcome
from tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from tui.widgets.cell.cell import CodeCellView


class ExerciseActions:
    """Mixed into LessonScreen; uses its `lesson`, `cell_views`, `current_view` and the app's store."""

    EXERCISE_BINDINGS = [
        Binding("h", "hint", "Hint", tooltip="Show the next hint for this exercise"),
        Binding("s", "solution", "Solution", tooltip="Show the reference solution"),
        Binding("r", "reset_cell", "Reset cell", show=False, tooltip="Put the lesson's original code back"),
        Binding("R", "reset_lesson", "Reset lesson", show=False),
    ]

    def _load_exercise_progress(self) -> None:
        store = self.app.progress
        for view in self.cell_views:
            panel = view.exercise_panel
            if panel is None:
                continue
            saved = store.exercise(self.lesson.id, view.cell.exercise.id)
            panel.passed = bool(saved.passed)
            panel.hints_used = min(int(saved.hints_used), len(panel.hints))
            panel.redraw()

    def record_check(self, view: CodeCellView, outcome: RunOutcome) -> None:
        panel = view.exercise_panel
        attempt = outcome.attempt
        if panel is None or attempt is None:
            return  # the session has recorded a pass already; this repaints the panel
        if attempt.passed:
            panel.verdict = ""
            if not panel.passed:
                panel.passed = True
                self.app.schedule_save(now=True)
                self.notify(f"Exercise passed: {panel.title}")
        elif not attempt.ran:
            panel.verdict = "the cell did not run to the end, so it was not checked"
        else:
            panel.verdict = attempt.message
        panel.redraw()
        self.post_progress()

    def _exercise_view(self) -> CodeCellView | None:
        view = self.current_view
        if view is None or view.exercise_panel is None:
            self.notify("The focused cell is not an exercise.", severity="warning")
            return None
        return view

    def action_hint(self) -> None:
        view = self._exercise_view()
        if view is None:
            return
        panel, exercise = view.exercise_panel, view.cell.exercise
        if next_hint(self.app.progress, self.lesson.id, exercise) is None:
            more = "This exercise has no hints" if not exercise.hints else "No more hints"
            self.notify(f"{more}; press s to see the solution.")
            return
        panel.hints_used = self.app.progress.exercise(self.lesson.id, exercise.id).hints_used
        panel.redraw()
        self.app.schedule_save()

    def action_solution(self) -> None:
        view = self._exercise_view()
        if view is None:
            return
        panel, exercise = view.exercise_panel, view.cell.exercise
        store = self.app.progress

        def show(answer: bool | None) -> None:
            if answer:
                panel.solution = reveal_solution(store, self.lesson.id, exercise, confirmed=True)
                panel.solution_shown = True
                panel.redraw()
                self.app.schedule_save()
                view.scroll_visible(animate=False)

        if not solution_needs_confirmation(store.exercise(self.lesson.id, exercise.id)):
            show(True)
        else:
            self.app.push_screen(
                ConfirmScreen("You have not passed this exercise yet.\nShow the reference solution anyway?", yes="Show"),
                show,
            )

    def action_reset_cell(self) -> None:
        view = self.current_view
        if view is None:
            return

        def reset(answer: bool | None) -> None:
            if not answer:
                return
            view.reset(self.session.reset_cell(view.cell.id))
            self.app.schedule_save(now=True)
            self.post_progress()
            view.focus()

        self.app.push_screen(
            ConfirmScreen(_reset_question(view.cell), yes="Reset"),
            reset,
        )

    def action_reset_lesson(self) -> None:
        def reset(answer: bool | None) -> None:
            if answer:
                self.app.reset_progress(self.lesson.id)

        self.app.push_screen(
            ConfirmScreen(f"Reset every cell and exercise of lesson {self.lesson.number}?", yes="Reset lesson"), reset
        )

    def reset_all_cells(self) -> None:
        """After the store was reset: show every cell as the lesson wrote it."""
        for view in self.cell_views:
            view.reset(view.cell.source)
        self.post_progress()


def _reset_question(cell) -> str:
    """Say exactly what a reset forgets: the edits, and for an exercise its pass mark and hints too."""
    if cell.exercise is None:
        return "Reset this cell to the lesson's original code?\nYour edits to it will be lost."
    return ("Reset this exercise to the lesson's original code?\nYour edits will be lost, and it will count "
            "as never tried: not passed, no hints or solution seen.")
