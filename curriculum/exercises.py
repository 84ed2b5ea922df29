"""Running an exercise, its graded hints, and when its reference solution may be shown.

An attempt runs the learner's text of the exercise cell in the lesson's kernel, then the exercise's
`check` code against the learner's namespace (`Kernel.check`, which leaves the namespace as it was).
The check inspects objects (values, shapes, gradients, accuracy), never printed text.

Hints are shown one at a time, mildest first; the solution is shown freely once the exercise is
passed, and before that only after the learner confirms they want to see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from curriculum.lesson import CodeCell, Exercise
from curriculum.progress import ExerciseProgress, ProgressStore

if TYPE_CHECKING:  # the kernel package is only needed by whoever passes one in
    from curriculum.kernel import ExecResult, Kernel

PASSED_MESSAGE = "Passed!"


@dataclass
class Attempt:
    """What one run of an exercise cell gave."""

    passed: bool
    ran: bool  # False when the cell itself raised, timed out or was stopped, so no check ran
    message: str  # the check's message, or why the cell did not run; one or a few lines
    result: "ExecResult | None" = None


def run_exercise(kernel: "Kernel", cell: CodeCell, source: str | None = None,
                 on_output: Callable[[str, str], None] | None = None,
                 timeout: float | None = None) -> Attempt:
    """Run the learner's `source` (the cell's original text by default), then the exercise's check."""
    exercise = _exercise_of(cell)
    code = cell.source if source is None else source
    result = kernel.execute(code, on_output=on_output, timeout=timeout)
    if not result.ok:
        return Attempt(passed=False, ran=False, message=_why_not_run(result), result=result)
    outcome = kernel.check(exercise.check, timeout=timeout)
    message = PASSED_MESSAGE if outcome.passed else (outcome.message or "Not quite: the check failed.")
    return Attempt(passed=outcome.passed, ran=True, message=message, result=result)


def record_attempt(store: ProgressStore, lesson_id: str, cell: CodeCell, attempt: Attempt) -> None:
    """Remember a pass. A later failing run does not take a pass away: it was earned."""
    if attempt.passed:
        store.mark_passed(lesson_id, _exercise_of(cell).id)


# ---- hints
def hints_shown(exercise: Exercise, progress: ExerciseProgress) -> list[str]:
    """The hints the learner has already asked for, mildest first."""
    return exercise.hints[: progress.hints_used]


def hints_left(exercise: Exercise, progress: ExerciseProgress) -> int:
    return max(0, len(exercise.hints) - progress.hints_used)


def next_hint(store: ProgressStore, lesson_id: str, exercise: Exercise) -> str | None:
    """Reveal the next hint and count it; None when every hint is already shown (or there are none)."""
    progress = store.exercise(lesson_id, exercise.id)
    if hints_left(exercise, progress) == 0:
        return None
    used = store.use_hint(lesson_id, exercise.id, limit=len(exercise.hints))
    return exercise.hints[used - 1]


def hint_label(exercise: Exercise, number: int) -> str:
    """How the app titles hint `number` (1-based), e.g. "Hint 2 of 3"."""
    return f"Hint {number} of {len(exercise.hints)}"


# ---- the reference solution
def solution_needs_confirmation(progress: ExerciseProgress) -> bool:
    """Before passing (and before having looked once), showing the solution asks "are you sure?"."""
    return not (progress.passed or progress.solution_seen)


class SolutionLocked(Exception):
    """The solution was asked for before passing, without the learner confirming."""


def reveal_solution(store: ProgressStore, lesson_id: str, exercise: Exercise, confirmed: bool = False) -> str:
    """The reference solution's text; raises SolutionLocked if it needs a confirmation not given."""
    progress = store.exercise(lesson_id, exercise.id)
    if solution_needs_confirmation(progress) and not confirmed:
        raise SolutionLocked(f"Show the solution to {exercise.title!r} before passing it? Confirm to see it.")
    store.mark_solution_seen(lesson_id, exercise.id)
    return exercise.solution


def status_mark(progress: ExerciseProgress) -> str:
    """A short, colour-free mark for lists: passed, or how much help was used."""
    if progress.passed:
        return "passed"
    if progress.solution_seen:
        return "solution seen"
    if progress.hints_used:
        return f"{progress.hints_used} hint{'s' if progress.hints_used != 1 else ''} used"
    return "not passed"


def _exercise_of(cell: CodeCell) -> Exercise:
    if cell.exercise is None:
        raise ValueError(f"cell {cell.id!r} is not an exercise")
    return cell.exercise


def _why_not_run(result: "ExecResult") -> str:
    if result.message:
        return result.message
    if result.error is not None:
        return f"The cell raised {result.error.ename}: {result.error.evalue}".rstrip(": ")
    return f"The cell did not finish ({result.status})."
