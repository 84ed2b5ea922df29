"""Lessons are Markdown files: prose, with fenced code cells the learner edits and runs.

Fence kinds (the fence's info string):
    ```python                      a code cell (optional `id=NAME`)
    ```python exercise id=NAME title="…"   an exercise: its body is the starter code
    ```check                       runs after the exercise cell, against the learner's objects
    ```solution                    the reference solution
    ```hint                        up to three, shown one at a time, mildest first
`check`, `solution` and `hint` fences belong to the exercise above them. The file opens
with front matter between `---` lines: `id`, `number`, `title` and optionally `summary`.
Any other front-matter key is kept, as text, in `Lesson.meta`; `train_*` keys (e.g. `train_preset: faithful`)
must be training options with valid values (curriculum/training/options.py), else the lesson is broken.

The files are the course: `load_all()` reads every `*.md` in `lessons_dir()`, and the home screen,
the number keys, `--lesson` and the help are made from what it returns. Adding a lesson is adding a
file; `BLITZ_TUI_LESSONS=DIR` points the app at another folder (a course being written).
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from curriculum.training.options import FRONT_MATTER_PREFIX, front_matter_problem

LESSONS_DIR = Path(__file__).parent / "lessons"  # the built-in course
LESSONS_ENV = "BLITZ_TUI_LESSONS"
MAX_HINTS = 3
_CORE_KEYS = ("id", "number", "title", "summary")


class LessonError(Exception):
    """A lesson file that cannot be read; says which file and line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path.name}, line {line}: {message}")


@dataclass
class Prose:
    markdown: str


@dataclass
class Exercise:
    id: str
    title: str
    check: str = ""
    solution: str = ""
    hints: list[str] = field(default_factory=list)


@dataclass
class CodeCell:
    id: str
    source: str  # the original text, kept so the learner can reset to it
    line: int
    exercise: Exercise | None = None


Block = Prose | CodeCell


@dataclass
class Lesson:
    id: str
    number: int
    title: str
    summary: str
    blocks: list[Block]
    path: Path
    meta: dict[str, str] = field(default_factory=dict)  # extra front-matter keys, e.g. train_preset

    @property
    def cells(self) -> list[CodeCell]:
        return [block for block in self.blocks if isinstance(block, CodeCell)]

    @property
    def exercises(self) -> list[CodeCell]:
        return [cell for cell in self.cells if cell.exercise is not None]

    def cell(self, cell_id: str) -> CodeCell:
        for cell in self.cells:
            if cell.id == cell_id:
                return cell
        raise KeyError(cell_id)

    def cells_before(self, cell_id: str) -> list[CodeCell]:
        """The code cells above `cell_id`: what must run first for it to make sense."""
        before = []
        for cell in self.cells:
            if cell.id == cell_id:
                return before
            before.append(cell)
        raise KeyError(cell_id)


@dataclass
class BrokenLesson:
    """A lesson file that failed to load; the app shows the error instead of the lesson."""

    number: int
    title: str
    error: LessonError
    path: Path

    @property
    def id(self) -> str:
        return self.path.stem.split("-", 1)[-1]


def load_lesson(path: Path) -> Lesson:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LessonError(path, 1, f"cannot read the file: {error}") from None
    return parse_lesson(text, path)


def parse_lesson(text: str, path: Path) -> Lesson:
    lines = text.splitlines()
    meta, body_start = _front_matter(lines, path)
    blocks: list[Block] = []
    prose: list[str] = []
    seen_ids: set[str] = set()
    exercise_cell: CodeCell | None = None
    index = body_start
    while index < len(lines):
        line = lines[index]
        if not line.lstrip().startswith("```") or line.startswith("    "):
            prose.append(line)
            index += 1
            continue
        fence_line = index + 1
        info = line.strip()[3:].strip()
        body, index = _fence_body(lines, index, path)
        if prose and "".join(prose).strip():
            blocks.append(Prose("\n".join(prose).strip("\n")))
        prose = []
        kind, options = _parse_info(info, path, fence_line)
        if kind in ("python", "exercise"):
            default_id = f"cell-{len([b for b in blocks if isinstance(b, CodeCell)]) + 1}"
            cell_id = options.get("id", default_id)
            if cell_id in seen_ids:
                raise LessonError(path, fence_line, f"cell id {cell_id!r} is used twice")
            seen_ids.add(cell_id)
            cell = CodeCell(id=cell_id, source=body, line=fence_line)
            if kind == "exercise":
                if "id" not in options:
                    raise LessonError(path, fence_line, "an exercise needs id=NAME")
                cell.exercise = Exercise(id=cell_id, title=options.get("title", cell_id))
                _require_check(exercise_cell, path)
                exercise_cell = cell
            blocks.append(cell)
        elif kind in ("check", "solution", "hint"):
            if exercise_cell is None or exercise_cell is not _last_cell(blocks):
                raise LessonError(path, fence_line, f"a `{kind}` block must follow an exercise cell")
            exercise = exercise_cell.exercise
            assert exercise is not None
            if kind == "hint":
                if len(exercise.hints) >= MAX_HINTS:
                    raise LessonError(path, fence_line, f"an exercise has at most {MAX_HINTS} hints")
                exercise.hints.append(body.strip())
            else:
                if getattr(exercise, kind):
                    raise LessonError(path, fence_line, f"the exercise already has a `{kind}` block")
                setattr(exercise, kind, body)
        else:
            # Any other fence (```text, ```bash) is part of the prose, shown as is.
            blocks.append(Prose(f"```{info}\n{body}\n```"))
    if prose and "".join(prose).strip():
        blocks.append(Prose("\n".join(prose).strip("\n")))
    _require_check(exercise_cell, path)
    return Lesson(
        id=meta["id"],
        number=meta["number"],
        title=meta["title"],
        summary=meta.get("summary", ""),
        blocks=blocks,
        path=path,
        meta={key: value for key, value in meta.items() if key not in _CORE_KEYS},
    )


def lessons_dir() -> Path:
    """The folder whose lesson files are the course: $BLITZ_TUI_LESSONS when set, else the built-in one."""
    chosen = os.environ.get(LESSONS_ENV)
    return Path(chosen).expanduser() if chosen else LESSONS_DIR


def lesson_numbers(directory: Path | None = None) -> list[int]:
    """The numbers of the course's lessons, in order, as `load_all` numbers them (front matter only:
    the command line asks this on every start)."""
    numbers = []
    for path in sorted(Path(directory or lessons_dir()).glob("*.md")):
        try:
            with open(path, encoding="utf-8") as handle:
                head = [line for line, _ in zip(handle, range(100))]
            numbers.append(_front_matter([line.rstrip("\n") for line in head], path)[0]["number"])
        except (OSError, UnicodeDecodeError, LessonError):
            numbers.append(_number_from_name(path))
    return sorted(numbers)


def load_all(directory: Path | None = None) -> list[Lesson | BrokenLesson]:
    """Every lesson in number order; a file that fails to parse becomes a BrokenLesson."""
    result: list[Lesson | BrokenLesson] = []
    for path in sorted(Path(directory or lessons_dir()).glob("*.md")):
        try:
            result.append(load_lesson(path))
        except LessonError as error:
            title = path.stem.split("-", 1)[-1].replace("-", " ").capitalize()
            result.append(BrokenLesson(number=_number_from_name(path), title=title, error=error, path=path))
    return sorted(result, key=lambda lesson: lesson.number)


def _number_from_name(path: Path) -> int:
    """A lesson file that does not load is numbered by its name (`03-neural-networks.md` is 3)."""
    number_text = path.stem.split("-", 1)[0]
    return int(number_text) if number_text.isdigit() else 0


def _front_matter(lines: list[str], path: Path) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        raise LessonError(path, 1, "the file must start with front matter between `---` lines")
    meta: dict = {}
    for index in range(1, len(lines)):
        line = lines[index]
        if line.strip() == "---":
            break
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise LessonError(path, index + 1, f"expected `key: value` in the front matter, got {line!r}")
        key, value = key.strip(), value.strip().strip('"')
        problem = front_matter_problem(key, value) if key.startswith(FRONT_MATTER_PREFIX) else None
        if problem:  # the training options table decides what `train_*` keys and values may be
            raise LessonError(path, index + 1, problem)
        meta[key] = value
    else:
        raise LessonError(path, 1, "the front matter is never closed with `---`")
    for key in ("id", "number", "title"):
        if key not in meta:
            raise LessonError(path, 1, f"the front matter has no `{key}`")
    try:
        meta["number"] = int(meta["number"])
    except ValueError:
        raise LessonError(path, 1, f"`number` must be a whole number, got {meta['number']!r}") from None
    return meta, index + 1


def _fence_body(lines: list[str], start: int, path: Path) -> tuple[str, int]:
    for index in range(start + 1, len(lines)):
        if lines[index].strip() == "```":
            return "\n".join(lines[start + 1 : index]), index + 1
    raise LessonError(path, start + 1, "this code block is never closed with ```")


def _parse_info(info: str, path: Path, line: int) -> tuple[str, dict[str, str]]:
    try:
        words = shlex.split(info)
    except ValueError as error:
        raise LessonError(path, line, f"cannot read the fence options: {error}") from None
    if not words:
        return "text", {}
    kind = words[0]
    rest = words[1:]
    if kind == "python" and rest and rest[0] == "exercise":
        kind, rest = "exercise", rest[1:]
    options: dict[str, str] = {}
    for word in rest:
        key, sep, value = word.partition("=")
        if not sep:
            raise LessonError(path, line, f"expected key=value in the fence options, got {word!r}")
        options[key] = value
    return kind, options


def _last_cell(blocks: list[Block]) -> CodeCell | None:
    for block in reversed(blocks):
        if isinstance(block, CodeCell):
            return block
    return None


def _require_check(cell: CodeCell | None, path: Path) -> None:
    if cell is not None and cell.exercise is not None and not cell.exercise.check.strip():
        raise LessonError(path, cell.line, f"exercise {cell.id!r} has no `check` block")
