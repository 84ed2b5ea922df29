"""`blitz-tui progress [--reset [LESSON]] [--yes]`: see or reset the saved progress.

Without --reset it prints one line per lesson. `--reset` forgets everything, `--reset LESSON` one
lesson (id or number); both ask first on a terminal, `--yes` skips the question, and with no
terminal and no --yes it refuses (exit 2) rather than guess.
"""

from __future__ import annotations

import sys

_EVERYTHING = "__everything__"


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "progress", help="show your progress per lesson, or reset it",
        description="Show saved progress (exercises passed, hints used, edited cells) per lesson, or reset it. "
                    "Resetting refuses while the app is open, since the app would save over it.",
    )
    parser.add_argument("--reset", nargs="?", const=_EVERYTHING, metavar="LESSON",
                        help="forget the progress of LESSON (id or number), or of every lesson when none is given")
    parser.add_argument("--yes", "-y", action="store_true", help="reset without asking")
    parser.set_defaults(command="progress")


def run(args) -> int:
    from curriculum.lesson import load_all
    from curriculum.progress import ProgressInUse, ProgressStore

    if args.yes and args.reset is None:
        return _bad("--yes only goes with --reset")
    try:
        store = ProgressStore(claim=args.reset is not None)  # a running app would save over the reset
    except ProgressInUse as error:
        print(f"blitz-tui progress: {error}", file=sys.stderr)
        return 1
    if store.notice:
        print(store.notice, file=sys.stderr)
    lessons = load_all()
    if args.reset is None:
        _print_progress(store, lessons)
        return 0

    if args.reset == _EVERYTHING:
        lesson_id, what = None, "ALL your progress (every lesson's edits, exercises and hints)"
    else:
        lesson_id = _lesson_id(args.reset, lessons, store)
        if lesson_id is None:
            known = ", ".join(f"{lesson.number} {lesson.id}" for lesson in lessons)
            return _bad(f"unknown lesson {args.reset!r}: choose from {known}")
        what = f"your progress in lesson {lesson_id!r} (its edits, exercises and hints)"
    if not args.yes:
        if not sys.stdin.isatty():
            return _bad("refusing to reset without confirmation: run it in a terminal, or add --yes")
        try:
            answer = input(f"Reset {what}? This cannot be undone. [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was reset.")
            return 1
    if lesson_id is None:
        store.reset_all()
    else:
        store.reset_lesson(lesson_id)
    if not store.save(force=True):
        print(store.save_error, file=sys.stderr)
        return 1
    print(f"Reset {'all progress' if lesson_id is None else f'lesson {lesson_id}'}.")
    return 0


def _lesson_id(name: str, lessons, store) -> str | None:
    for lesson in lessons:
        if name in (lesson.id, str(lesson.number)):
            return lesson.id
    return name if name in store.lesson_ids() else None  # a lesson that no longer ships


def _print_progress(store, lessons) -> None:
    from curriculum.exercises import status_mark

    print(f"Progress saved in {store.path}")
    width = max((len(lesson.title) for lesson in lessons), default=10)
    for lesson in lessons:
        if not hasattr(lesson, "blocks"):
            print(f" {lesson.number} {lesson.title:{width}}  (the lesson file does not load: {lesson.error})")
            continue
        passed, total = store.lesson_summary(lesson)
        edited = len(store.edited_cells(lesson.id))
        hints = sum(store.exercise(lesson.id, cell.id).hints_used for cell in lesson.exercises)
        line = f" {lesson.number} {lesson.title:{width}}  {passed}/{total} exercises passed"
        line += f", {edited} cell{'s' if edited != 1 else ''} edited, {hints} hint{'s' if hints != 1 else ''} used"
        print(line)
        for cell in lesson.exercises:
            progress = store.exercise(lesson.id, cell.id)
            if progress.passed or progress.hints_used or progress.solution_seen:
                print(f"     {cell.exercise.title}: {status_mark(progress)}")
    last = store.last_lesson
    if last:
        titles = {lesson.id: lesson.title for lesson in lessons}
        position = store.position(last)
        print(f"Last lesson: {titles.get(last, last)}" + (f", at cell {position}" if position else ""))


def _bad(message: str) -> int:
    print(f"blitz-tui progress: {message}", file=sys.stderr)
    return 2
