"""An in-memory progress store with the documented API, for tests that must not touch disk."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ExerciseProgress:
    passed: bool = False
    hints_used: int = 0


class MemoryProgress:
    def __init__(self, notice: str | None = None) -> None:
        self.texts: dict[tuple[str, str], str] = {}
        self.exercises: dict[tuple[str, str], ExerciseProgress] = {}
        self.positions: dict[str, str] = {}
        self.last_lesson: str | None = None
        self.notice = notice
        self.saves = 0

    def cell_text(self, lesson_id, cell_id):
        return self.texts.get((lesson_id, cell_id))

    def set_cell_text(self, lesson_id, cell_id, text):
        if text is None:
            self.texts.pop((lesson_id, cell_id), None)
        else:
            self.texts[(lesson_id, cell_id)] = text

    def reset_cell(self, lesson_id, cell_id):
        self.texts.pop((lesson_id, cell_id), None)
        self.exercises.pop((lesson_id, cell_id), None)

    def reset_lesson(self, lesson_id):
        for store in (self.texts, self.exercises):
            for key in [key for key in store if key[0] == lesson_id]:
                del store[key]
        self.positions.pop(lesson_id, None)

    def reset_all(self):
        self.texts.clear()
        self.exercises.clear()
        self.positions.clear()

    def exercise(self, lesson_id, ex_id):
        return self.exercises.get((lesson_id, ex_id), ExerciseProgress())

    def mark_passed(self, lesson_id, ex_id):
        self.exercises.setdefault((lesson_id, ex_id), ExerciseProgress()).passed = True

    def use_hint(self, lesson_id, ex_id):
        progress = self.exercises.setdefault((lesson_id, ex_id), ExerciseProgress())
        progress.hints_used += 1
        return progress.hints_used

    def position(self, lesson_id):
        return self.positions.get(lesson_id)

    def set_position(self, lesson_id, cell_id):
        self.positions[lesson_id] = cell_id
        self.last_lesson = lesson_id

    def lesson_summary(self, lesson):
        ids = [cell.exercise.id for cell in lesson.exercises]
        return sum(self.exercise(lesson.id, ex_id).passed for ex_id in ids), len(ids)

    def save(self):
        self.saves += 1
