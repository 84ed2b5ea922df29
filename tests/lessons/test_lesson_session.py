"""The lesson session without any UI: kernel start, the run queue, the learner's edits and position,
exercise passes, and the one-line word when a fresh kernel meets a name from a cell above."""

from __future__ import annotations

from pathlib import Path

from curriculum.kernel.results import CheckResult, ErrorInfo, ExecResult
from curriculum.lesson import parse_lesson
from curriculum.lesson_session import FRESH_KERNEL_NOTE, RESTARTED_NOTE, LessonSession
from curriculum.progress import ProgressStore

LESSON = '''---
id: tiny
number: 1
title: Tiny
train_epochs: 2
---
```python id=make
x = 2
```

```python id=use
y = x * 10
```

```python exercise id=double title="Double it"
doubled = None
```

```check
assert doubled == 2 * x, "doubled should be twice x"
```
'''


class NamespaceKernel:
    """Runs cells with `exec`, like a kernel with a persistent namespace."""

    def __init__(self, lesson_id: str) -> None:
        self.state, self.execution_count, self.isolation, self.namespace = "stopped", 0, "rlimits", {}

    def start(self) -> None:
        self.state = "idle"

    def restart(self) -> None:
        self.namespace, self.execution_count, self.state = {}, 0, "idle"

    def execute(self, code, on_output=None, timeout=None) -> ExecResult:
        self.execution_count += 1
        try:
            exec(code, self.namespace)
        except Exception as error:
            info = ErrorInfo(type(error).__name__, str(error), f"{type(error).__name__}: {error}")
            return ExecResult("error", self.execution_count, info)
        return ExecResult("ok", self.execution_count)

    def check(self, code, timeout=None) -> CheckResult:
        try:
            exec(code, dict(self.namespace))
        except AssertionError as error:
            return CheckResult(False, str(error))
        return CheckResult(True, "")

    def interrupt(self) -> None: ...

    def shutdown(self) -> None:
        self.state = "stopped"


def make_session(tmp_path) -> LessonSession:
    lesson = parse_lesson(LESSON, Path("01-tiny.md"))
    return LessonSession(lesson, NamespaceKernel, ProgressStore(tmp_path / "progress.json"))


def test_a_name_error_in_a_fresh_kernel_says_a_runs_the_cells_above(tmp_path):
    session = make_session(tmp_path)
    cell = session.lesson.cell("use")
    outcome = session.run(cell, cell.source, on_output=print)
    assert outcome.result.error.ename == "NameError"
    assert outcome.note == FRESH_KERNEL_NOTE


def test_after_a_restart_the_kernel_is_fresh_again(tmp_path):
    session = make_session(tmp_path)
    make, use = session.lesson.cell("make"), session.lesson.cell("use")
    session.run(make, make.source, on_output=print)
    assert session.run(use, use.source, on_output=print).note == ""
    session.restart()
    assert session.run(use, use.source, on_output=print).note == FRESH_KERNEL_NOTE


def test_a_name_error_after_other_cells_ran_is_the_learners_own(tmp_path):
    session = make_session(tmp_path)
    make, use = session.lesson.cell("make"), session.lesson.cell("use")
    session.run(make, "z = 1", on_output=print)  # something ran, but not what defines x
    outcome = session.run(use, use.source, on_output=print)
    assert outcome.result.error.ename == "NameError" and outcome.note == ""


def test_the_first_cell_gets_no_note_since_nothing_is_above_it(tmp_path):
    session = make_session(tmp_path)
    make = session.lesson.cell("make")
    assert session.run(make, "print(undefined_name)", on_output=print).note == ""


def test_a_kernel_that_died_is_restarted_before_the_cell_and_says_so(tmp_path):
    session = make_session(tmp_path)
    make = session.lesson.cell("make")
    session.ensure_started()
    session.kernel.state = "dead"
    assert session.run(make, make.source, on_output=print).note == RESTARTED_NOTE


def test_the_run_queue_runs_one_cell_at_a_time_and_a_failure_cancels_the_rest(tmp_path):
    session = make_session(tmp_path)
    assert session.cells_through("double") == ["make", "use", "double"]
    assert session.enqueue(session.cells_through("double")) == ["make", "use", "double"]
    assert session.next_to_run() == "make"
    assert session.next_to_run() is None  # one at a time
    assert session.enqueue(["make", "use"]) == []  # running or waiting already
    ok = session.run(session.lesson.cell("make"), "x = 2", on_output=print)
    assert session.finish("make", ok) == []
    assert session.next_to_run() == "use"
    stopped = type(ok)(result=ExecResult("interrupted", 2, message="Interrupted."))
    assert session.finish("use", stopped) == ["double"]
    assert session.running is None and not session.queue


def test_edits_position_and_exercise_passes_go_to_the_progress_store(tmp_path):
    session = make_session(tmp_path)
    double = session.lesson.cell("double")
    assert session.edit("double", "doubled = x * 2")
    assert session.text_of(double) == "doubled = x * 2"
    assert session.edit("double", double.source)  # back to the lesson's text: the edit is forgotten
    assert not session.edit("double", double.source)
    assert session.progress.cell_text("tiny", "double") is None
    session.move_to("use")
    assert session.saved_position() == "use" and session.progress.last_lesson == "tiny"
    session.run(session.lesson.cell("make"), "x = 2", on_output=print)
    outcome = session.run(double, "doubled = x * 2", on_output=print)
    session.finish("double", outcome)
    assert session.progress.exercise("tiny", "double").passed
    assert session.training_defaults() == {"epochs": "2"}


def test_resetting_a_cell_forgets_its_edit_and_an_exercise_also_its_pass_and_hints(tmp_path):
    session = make_session(tmp_path)
    session.edit("use", "y = 1")
    assert session.reset_cell("use") == session.lesson.cell("use").source
    assert session.progress.cell_text("tiny", "use") is None
    session.edit("double", "doubled = x * 2")
    session.progress.mark_passed("tiny", "double")
    session.progress.use_hint("tiny", "double", limit=3)
    session.reset_cell("double")
    saved = session.progress.exercise("tiny", "double")
    assert not saved.passed and saved.hints_used == 0 and session.progress.cell_text("tiny", "double") is None
