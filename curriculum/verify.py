"""`blitz-tui verify [LESSON...]`: prove every exercise is passable and not passed for free.

For each lesson, two fresh kernels walk the lesson's cells in order:
- the *solutions* kernel runs each plain cell, and for each exercise its reference solution and then
  its check, which must pass;
- the *starters* kernel runs each plain cell, and for each exercise the untouched starter (which must
  run cleanly) and then the check, which must fail with an assertion message for the learner; it then
  runs the solution so the cells below see what a learner who solved it would have.
Cells below a lesson's last exercise are not run (the run-every-cell test covers them). The two walks
run side by side; each walks the lessons in order, with the next lesson's kernel pre-started.
Exit status: 0 all good, 1 something is wrong, 2 bad arguments.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from curriculum.cli_args import seconds
from curriculum.kernel.backends import CHOICES as ISOLATION_CHOICES

MODES = ("solutions", "starters")
DEFAULT_TIMEOUT_S = 300.0  # lesson 4 trains a network inside one cell; slow CI machines need room
_EXCEPTION_TEXT = re.compile(r"^[A-Z]\w*(Error|Exception|Interrupt)\b")
_DEFAULT_CHECK_MESSAGE = "Not quite: the check failed."


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "verify", help="check that every exercise's solution passes and its starter does not",
        description="Run every exercise's reference solution (must pass its check) and its untouched "
                    "starter (must fail it) in fresh kernels. Exits non-zero if any exercise is wrong.",
    )
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all)")
    parser.add_argument("--timeout", type=seconds, metavar="S",
                        help=f"seconds each cell may run (default {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--isolation", choices=ISOLATION_CHOICES,
                        help="kernel sandbox level (default: strongest available)")
    parser.add_argument("--lessons-dir", metavar="DIR", help="verify the lesson files in DIR instead of the built-in ones")
    parser.set_defaults(command="verify")


@dataclass
class Verdict:
    """One exercise's result: both halves must be right."""

    lesson_id: str
    exercise_id: str
    solution_ok: bool | None = None  # None: never got that far
    solution_note: str = ""
    starter_ok: bool | None = None
    starter_note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.solution_ok and self.starter_ok)

    def line(self) -> str:
        name = f"{self.lesson_id}/{self.exercise_id}"
        if self.ok:
            return f"ok    {name:40} starter fails with: {_clip(self.starter_note, 60)}"
        problems = []
        if not self.solution_ok:
            problems.append(self.solution_note or "the solution was not checked")
        if not self.starter_ok:
            problems.append(self.starter_note or "the starter was not checked")
        return f"FAIL  {name:40} {'; '.join(problems)}"


@dataclass
class LessonReport:
    lesson_id: str
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # plain cells that failed, kernels that would not start
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and all(v.ok for v in self.verdicts.values())


def cells_to_verify(lesson) -> list:
    """The lesson's code cells down to its last exercise."""
    cells = lesson.cells
    last = max((index for index, cell in enumerate(cells) if cell.exercise is not None), default=-1)
    return cells[: last + 1]


def walk(kernel, lesson, mode: str, report: LessonReport, timeout: float | None = None,
         cancelled: threading.Event | None = None) -> None:
    """Run one lesson's cells in `kernel` the way `mode` says, filling in `report`."""
    for cell in cells_to_verify(lesson):
        if cancelled is not None and cancelled.is_set():
            return
        exercise = cell.exercise
        if exercise is None:
            result = kernel.execute(cell.source, timeout=timeout)
            if not result.ok:
                report.problems.append(f"{mode}: cell {cell.id!r} (line {cell.line}) failed: {_why(result)}")
                return
            continue
        verdict = report.verdicts.setdefault(exercise.id, Verdict(lesson.id, exercise.id))
        if mode == "solutions":
            result = kernel.execute(exercise.solution, timeout=timeout)
            if not result.ok:
                verdict.solution_ok, verdict.solution_note = False, f"the solution fails to run: {_why(result)}"
                continue
            check = kernel.check(exercise.check, timeout=timeout)
            verdict.solution_ok = check.passed
            verdict.solution_note = "" if check.passed else f"the solution fails its check: {_clip(check.message, 120)}"
            continue
        result = kernel.execute(cell.source, timeout=timeout)
        if not result.ok:
            verdict.starter_ok, verdict.starter_note = False, f"the starter does not run cleanly: {_why(result)}"
        else:
            check = kernel.check(exercise.check, timeout=timeout)
            message = (check.message or "").strip()
            if check.passed:
                verdict.starter_ok, verdict.starter_note = False, "the untouched starter passes the check"
            elif not message or message == _DEFAULT_CHECK_MESSAGE or _EXCEPTION_TEXT.match(message):
                verdict.starter_ok = False
                verdict.starter_note = f"the starter fails without a helpful message: {message or '(none)'}"
            else:
                verdict.starter_ok, verdict.starter_note = True, message.splitlines()[0]
        follow = kernel.execute(exercise.solution, timeout=timeout)  # so the cells below see a solved exercise
        if not follow.ok:  # walk on: later exercises may not depend on this one
            report.problems.append(f"{mode}: the solution of {exercise.id!r} fails to run after its starter: {_why(follow)}")


def verify_lessons(lessons, *, timeout: float = DEFAULT_TIMEOUT_S, isolation: str = "auto",
                   preload_torch: bool = True, on_report=None) -> list[LessonReport]:
    """Verify `lessons` (Lesson or BrokenLesson); `on_report(report)` is called in lesson order as each is done."""
    from curriculum.kernel import Kernel, KernelConfig
    from curriculum.kernel.spare import SparePool

    reports = [LessonReport(lesson.id) for lesson in lessons]
    done = [[False] * len(lessons) for _ in MODES]
    condition = threading.Condition()
    scratch = Path(tempfile.mkdtemp(prefix="blitz-verify-"))
    cancelled = threading.Event()  # the reader went away (`verify | head -1`) or Ctrl-C: stop the walks
    running: set = set()  # kernels walking now, so a cancel can stop them mid-lesson

    def run_mode(slot: int, mode: str) -> None:
        # One workspace per walk: the kernel's spare is keyed by it, so the next lesson's kernel starts early.
        config = KernelConfig(workspace=scratch / mode, timeout=timeout, isolation=isolation,
                              preload_torch=preload_torch)
        spares = SparePool() if len(lessons) > 1 else None
        try:
            walk_lessons(config, spares, slot, mode)
        finally:
            if spares is not None:
                spares.close()

    def walk_lessons(config, spares, slot: int, mode: str) -> None:
        for index, lesson in enumerate(lessons):
            if cancelled.is_set():
                return
            report = reports[index]
            started = time.monotonic()
            if not hasattr(lesson, "blocks"):
                if mode == MODES[0]:
                    report.problems.append(f"the lesson file does not load: {lesson.error}")
            else:
                kernel = Kernel(config, spares)
                with condition:
                    running.add(kernel)
                try:
                    kernel.start()
                    walk(kernel, lesson, mode, report, cancelled=cancelled)
                except Exception as error:  # a kernel that cannot start or dies: report it, go on
                    report.problems.append(f"{mode}: the kernel failed: {type(error).__name__}: {error}")
                finally:
                    with condition:
                        running.discard(kernel)
                    kernel.shutdown()
            with condition:
                report.seconds = max(report.seconds, time.monotonic() - started)
                done[slot][index] = True
                condition.notify_all()

    threads = [threading.Thread(target=run_mode, args=(slot, mode), daemon=True, name=f"verify-{mode}")
               for slot, mode in enumerate(MODES)]
    for thread in threads:
        thread.start()
    try:
        for index, report in enumerate(reports):
            with condition:
                condition.wait_for(lambda: all(done[slot][index] for slot in range(len(MODES))))
            if on_report is not None:
                on_report(report)
        for thread in threads:
            thread.join()
    except BaseException:  # BrokenPipeError from on_report, KeyboardInterrupt: no kernel may outlive us
        cancelled.set()
        with condition:
            stopping = list(running)
        for kernel in stopping:
            try:
                kernel.shutdown()
            except Exception:
                pass
        for thread in threads:
            thread.join(timeout=30)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return reports


def select_lessons(all_lessons, wanted: list[str]):
    """The lessons named by id or number, in course order; ValueError naming the unknown one."""
    if not wanted:
        return list(all_lessons)
    chosen = []
    for name in wanted:
        match = [lesson for lesson in all_lessons if name in (lesson.id, str(lesson.number))]
        if not match:
            known = ", ".join(f"{lesson.number} {lesson.id}" for lesson in all_lessons)
            raise ValueError(f"unknown lesson {name!r}: choose from {known}")
        if match[0] not in chosen:
            chosen.append(match[0])
    return sorted(chosen, key=lambda lesson: lesson.number)


def run(args) -> int:
    from curriculum.lesson import load_all

    if args.lessons_dir is not None and not Path(args.lessons_dir).is_dir():
        print(f"blitz-tui verify: no such folder: {args.lessons_dir}", file=sys.stderr)
        return 2
    all_lessons = load_all(Path(args.lessons_dir)) if args.lessons_dir else load_all()
    try:
        lessons = select_lessons(all_lessons, args.lessons)
    except ValueError as error:
        print(f"blitz-tui verify: {error}", file=sys.stderr)
        return 2
    if not lessons:
        print("blitz-tui verify: no lessons to verify", file=sys.stderr)
        return 2
    started = time.monotonic()

    def show(report: LessonReport) -> None:
        for problem in report.problems:
            print(f"FAIL  {report.lesson_id}: {problem}")
        for verdict in report.verdicts.values():
            print(verdict.line())
        sys.stdout.flush()

    reports = verify_lessons(lessons, timeout=args.timeout or DEFAULT_TIMEOUT_S,
                             isolation=args.isolation or "auto", on_report=show)
    verdicts = [v for report in reports for v in report.verdicts.values()]
    good = sum(v.ok for v in verdicts)
    problems = sum(len(report.problems) for report in reports)
    print(f"{good} of {len(verdicts)} exercises verified in {len(reports)} lessons"
          f"{f', {problems} other problems' if problems else ''} ({time.monotonic() - started:.0f} s)")
    return 0 if all(report.ok for report in reports) else 1


def _why(result) -> str:
    if result.error is not None:
        return _clip(f"{result.error.ename}: {result.error.evalue}", 120)
    return _clip(result.message or result.status, 120)


def _clip(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
