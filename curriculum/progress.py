"""What the learner has done, kept on disk: edited cells, exercises passed, hints used, where they were.

One JSON file (`paths.progress_file()`), rewritten whole with `write_atomic` so a crash at any moment
leaves either the previous save or the new one. A file that cannot be read or understood is moved
aside (`notice` says where) and the learner starts from an empty store instead of a crash.

Layout (version 1):
    {"version": 1, "last_lesson": "tensors",
     "lessons": {"tensors": {"cells": {"cell-id": "edited text"},
                             "exercises": {"ex-id": {"passed": true, "hints_used": 1, "solution_seen": false}},
                             "position": "cell-id",
                             "scratch": [{"id": "scratch-1", "after": "cell-id", "text": "..."}]}}}
The store is thread-safe: the app edits it from the UI thread and saves it from a timer.
A store made with `claim=True` (the app, `progress --reset`) holds the progress lock, so a second
app cannot load the same file and later save over the first one's edits (`progress_lock`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curriculum import paths
from curriculum.atomic import write_atomic
from curriculum.progress_lock import ProgressInUse, ProgressLock

__all__ = ["ExerciseProgress", "ProgressInUse", "ProgressStore"]

VERSION = 1


@dataclass(frozen=True)
class ExerciseProgress:
    passed: bool = False
    hints_used: int = 0
    solution_seen: bool = False


@dataclass(frozen=True)
class ScratchCell:
    id: str  # "scratch-N", unique within the lesson
    after: str | None  # the cell it sits below; None: at the top of the lesson
    text: str


class ProgressStore:
    def __init__(self, path: Path | None = None, *, claim: bool = False) -> None:
        """`claim`: take the progress lock first (raises ProgressInUse naming the app that holds it)."""
        self.path = Path(path) if path is not None else paths.progress_file()
        self.notice: str | None = None  # one line for the learner when the file had to be moved aside
        self.save_error: str | None = None  # why the last save failed, or None
        self.claim = ProgressLock(self.path)
        if claim:
            self.claim.acquire()  # before loading: what we load is then what nobody else will overwrite
        self._lock = threading.RLock()
        self._dirty = False
        self._data = self._load()

    def close(self) -> None:
        """Let another app open this progress file (the caller saved first)."""
        self.claim.release()

    # ---- loading
    def _load(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _empty()
        except OSError as error:
            return self._set_aside(f"it could not be read ({error.strerror or error})")
        try:
            data = json.loads(raw.decode("utf-8"))
            _validate(data)
        except (UnicodeDecodeError, ValueError) as error:
            return self._set_aside(f"it is damaged ({_first_line(error)})")
        return data

    def _set_aside(self, why: str) -> dict[str, Any]:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{counter}")
        try:
            os.replace(self.path, target)
        except OSError as error:
            self.notice = (f"Your progress file {self.path} was not used because {why}, and it could not be "
                           f"moved aside ({error.strerror or error}); starting with empty progress.")
        else:
            self.notice = (f"Your progress file was not used because {why}; it was moved to {target} "
                           "and you start with empty progress.")
        return _empty()

    # ---- saving
    @property
    def dirty(self) -> bool:
        """True when something changed since the last successful save."""
        return self._dirty

    def save(self, force: bool = False) -> bool:
        """Write the file atomically if anything changed; False (and `save_error`) when the disk refused."""
        with self._lock:
            if not (self._dirty or force):
                return True
            text = json.dumps(self._data, indent=1, sort_keys=True, ensure_ascii=False)
            try:
                write_atomic(self.path, text + "\n")
            except OSError as error:
                self.save_error = f"Could not save your progress to {self.path}: {error.strerror or error}"
                return False
            self._dirty = False
            self.save_error = None
            return True

    # ---- edited cells
    def cell_text(self, lesson_id: str, cell_id: str) -> str | None:
        """The learner's text for a cell, or None when it was never edited (use the lesson's own)."""
        with self._lock:
            return self._lesson(lesson_id, create=False).get("cells", {}).get(cell_id)

    def set_cell_text(self, lesson_id: str, cell_id: str, text: str) -> None:
        with self._lock:
            cells = self._lesson(lesson_id).setdefault("cells", {})
            if cells.get(cell_id) != text:
                cells[cell_id] = text
                self._dirty = True

    def edited_cells(self, lesson_id: str) -> list[str]:
        with self._lock:
            return sorted(self._lesson(lesson_id, create=False).get("cells", {}))

    def reset_cell(self, lesson_id: str, cell_id: str) -> None:
        """Forget the edits to one cell; its exercise status (if any) is kept."""
        with self._lock:
            cells = self._lesson(lesson_id, create=False).get("cells", {})
            if cell_id in cells:
                del cells[cell_id]
                self._dirty = True

    def reset_exercise(self, lesson_id: str, exercise_id: str) -> None:
        """Forget an exercise's status, hints and edits: as if never attempted."""
        with self._lock:
            lesson = self._lesson(lesson_id, create=False)
            for key in ("exercises", "cells"):
                if exercise_id in lesson.get(key, {}):
                    del lesson[key][exercise_id]
                    self._dirty = True

    def reset_lesson(self, lesson_id: str) -> None:
        with self._lock:
            if lesson_id in self._data["lessons"]:
                del self._data["lessons"][lesson_id]
                self._dirty = True
            if self._data.get("last_lesson") == lesson_id:
                self._data["last_lesson"] = None
                self._dirty = True

    def reset_all(self) -> None:
        with self._lock:
            self._data = _empty()
            self._dirty = True

    # ---- exercises
    def exercise(self, lesson_id: str, exercise_id: str) -> ExerciseProgress:
        with self._lock:
            entry = self._lesson(lesson_id, create=False).get("exercises", {}).get(exercise_id, {})
            return ExerciseProgress(
                passed=bool(entry.get("passed", False)),
                hints_used=int(entry.get("hints_used", 0)),
                solution_seen=bool(entry.get("solution_seen", False)),
            )

    def mark_passed(self, lesson_id: str, exercise_id: str, passed: bool = True) -> None:
        self._update_exercise(lesson_id, exercise_id, passed=bool(passed))

    def use_hint(self, lesson_id: str, exercise_id: str, limit: int | None = None) -> int:
        """Count one more hint shown (never past `limit`) and return how many have been shown."""
        with self._lock:
            used = self.exercise(lesson_id, exercise_id).hints_used + 1
            if limit is not None:
                used = min(used, limit)
            self._update_exercise(lesson_id, exercise_id, hints_used=used)
            return used

    def mark_solution_seen(self, lesson_id: str, exercise_id: str) -> None:
        self._update_exercise(lesson_id, exercise_id, solution_seen=True)

    def _update_exercise(self, lesson_id: str, exercise_id: str, **changes: Any) -> None:
        with self._lock:
            entry = self._lesson(lesson_id).setdefault("exercises", {}).setdefault(exercise_id, {})
            for key, value in changes.items():
                if entry.get(key) != value:
                    entry[key] = value
                    self._dirty = True

    def lesson_summary(self, lesson: Any) -> tuple[int, int]:
        """(exercises passed, exercises in the lesson); (0, 0) for a lesson that failed to load."""
        exercises = getattr(lesson, "exercises", None)
        if exercises is None:
            return 0, 0
        passed = sum(1 for cell in exercises if self.exercise(lesson.id, cell.id).passed)
        return passed, len(exercises)

    # ---- where the learner was
    def position(self, lesson_id: str) -> str | None:
        """The id of the cell the learner was last on in this lesson, or None."""
        with self._lock:
            return self._lesson(lesson_id, create=False).get("position")

    def set_position(self, lesson_id: str, cell_id: str | None) -> None:
        with self._lock:
            lesson = self._lesson(lesson_id)
            if lesson.get("position") != cell_id:
                lesson["position"] = cell_id
                self._dirty = True
            self.last_lesson = lesson_id

    @property
    def last_lesson(self) -> str | None:
        with self._lock:
            return self._data.get("last_lesson")

    @last_lesson.setter
    def last_lesson(self, lesson_id: str | None) -> None:
        with self._lock:
            if self._data.get("last_lesson") != lesson_id:
                self._data["last_lesson"] = lesson_id
                self._dirty = True

    def lesson_ids(self) -> list[str]:
        """Lessons with anything recorded."""
        with self._lock:
            return sorted(self._data["lessons"])

    # ---- scratch cells: the learner's own cells, never exercises, never verified
    def scratch_cells(self, lesson_id: str) -> list[ScratchCell]:
        """Entries that cannot be read are left out, not fatal."""
        with self._lock:
            entries = self._lesson(lesson_id, create=False).get("scratch", [])
            return [ScratchCell(str(e["id"]), e.get("after"), str(e.get("text", "")))
                    for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]

    def add_scratch_cell(self, lesson_id: str, after: str | None) -> ScratchCell:
        """A new empty scratch cell right below the cell `after` (a lesson's or a scratch cell).

        Each scratch cell names the cell just above it, so the one that was below `after` now
        names the new cell."""
        with self._lock:
            entries = self._lesson(lesson_id).setdefault("scratch", [])
            taken = {e.get("id") for e in entries if isinstance(e, dict)}
            number = next(n for n in range(1, len(taken) + 2) if f"scratch-{n}" not in taken)
            cell = ScratchCell(f"scratch-{number}", after, "")
            for entry in entries:
                if isinstance(entry, dict) and entry.get("after") == after:
                    entry["after"] = cell.id
            entries.append({"id": cell.id, "after": after, "text": ""})
            self._dirty = True
            return cell

    def set_scratch_text(self, lesson_id: str, scratch_id: str, text: str) -> None:
        with self._lock:
            for entry in self._lesson(lesson_id, create=False).get("scratch", []):
                if isinstance(entry, dict) and entry.get("id") == scratch_id and entry.get("text") != text:
                    entry["text"] = text
                    self._dirty = True

    def delete_scratch_cell(self, lesson_id: str, scratch_id: str) -> None:
        """Cells that were placed after it move up to its place."""
        with self._lock:
            entries = self._lesson(lesson_id, create=False).get("scratch", [])
            gone = next((e for e in entries if isinstance(e, dict) and e.get("id") == scratch_id), None)
            if gone is None:
                return
            entries.remove(gone)
            for entry in entries:
                if isinstance(entry, dict) and entry.get("after") == scratch_id:
                    entry["after"] = gone.get("after")
            self._dirty = True

    def _lesson(self, lesson_id: str, create: bool = True) -> dict[str, Any]:
        lessons = self._data["lessons"]
        if lesson_id in lessons:
            return lessons[lesson_id]
        if not create:
            return {}
        lessons[lesson_id] = {}
        return lessons[lesson_id]


def _empty() -> dict[str, Any]:
    return {"version": VERSION, "last_lesson": None, "lessons": {}}


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


def _validate(data: Any) -> None:
    """Raise ValueError unless `data` has the shape this module writes."""
    if not isinstance(data, dict):
        raise ValueError(f"expected a JSON object, found {type(data).__name__}")
    version = data.get("version")
    if version != VERSION:
        raise ValueError(f"unknown format version {version!r}")
    if not isinstance(data.get("last_lesson"), (str, type(None))):
        raise ValueError("last_lesson is not a lesson id")
    lessons = data.get("lessons")
    if not isinstance(lessons, dict):
        raise ValueError("no lessons table")
    for lesson_id, lesson in lessons.items():
        if not isinstance(lesson, dict):
            raise ValueError(f"lesson {lesson_id!r} is not a table")
        cells = lesson.get("cells", {})
        if not isinstance(cells, dict) or not all(isinstance(text, str) for text in cells.values()):
            raise ValueError(f"lesson {lesson_id!r} has unreadable cell texts")
        exercises = lesson.get("exercises", {})
        if not isinstance(exercises, dict) or not all(isinstance(entry, dict) for entry in exercises.values()):
            raise ValueError(f"lesson {lesson_id!r} has unreadable exercise records")
        for entry in exercises.values():
            if not isinstance(entry.get("hints_used", 0), int) or not isinstance(entry.get("passed", False), bool):
                raise ValueError(f"lesson {lesson_id!r} has an unreadable exercise record")
        if not isinstance(lesson.get("position"), (str, type(None))):
            raise ValueError(f"lesson {lesson_id!r} has an unreadable position")
