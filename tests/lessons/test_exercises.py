"""Exercises: an attempt runs the cell then the check; hints in order; the solution behind a confirmation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from curriculum.exercises import (PASSED_MESSAGE, SolutionLocked, hint_label, hints_left, hints_shown, next_hint,
                                  record_attempt, reveal_solution, run_exercise, solution_needs_confirmation,
                                  status_mark)
from curriculum.kernel import CheckResult, ErrorInfo, ExecResult
from curriculum.lesson import CodeCell, Exercise, load_all
from curriculum.progress import ProgressStore


@dataclass
class FakeKernel:
    """Stands in for Kernel: records what it was asked to run and answers as told."""

    exec_result: ExecResult = field(default_factory=lambda: ExecResult(status="ok", execution_count=1))
    check_result: CheckResult = field(default_factory=lambda: CheckResult(True, ""))
    ran: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def execute(self, code, on_output=None, timeout=None):
        self.ran.append(code)
        return self.exec_result

    def check(self, code, timeout=None):
        self.checked.append(code)
        return self.check_result


def make_cell() -> CodeCell:
    exercise = Exercise(id="double", title="Double it", check="assert y == 2", solution="y = 2",
                        hints=["mild", "warmer", "the answer"])
    return CodeCell(id="double", source="y = None", line=3, exercise=exercise)


def test_an_attempt_runs_the_learners_text_then_the_check():
    kernel, cell = FakeKernel(), make_cell()
    attempt = run_exercise(kernel, cell, source="y = 2")
    assert kernel.ran == ["y = 2"] and kernel.checked == ["assert y == 2"]
    assert attempt.passed and attempt.ran and attempt.message == PASSED_MESSAGE


def test_a_failing_check_passes_its_message_on():
    kernel = FakeKernel(check_result=CheckResult(False, "y should be 2, not None"))
    attempt = run_exercise(kernel, make_cell())
    assert kernel.ran == ["y = None"]  # the original text when the learner has not edited it
    assert not attempt.passed and attempt.ran and attempt.message == "y should be 2, not None"


def test_a_cell_that_raises_is_not_checked():
    error = ErrorInfo("NameError", "name 'q' is not defined", "Traceback ...")
    kernel = FakeKernel(exec_result=ExecResult(status="error", execution_count=1, error=error))
    attempt = run_exercise(kernel, make_cell(), source="q")
    assert kernel.checked == []
    assert not attempt.passed and not attempt.ran
    assert attempt.message == "The cell raised NameError: name 'q' is not defined"


def test_a_plain_cell_is_not_an_exercise():
    with pytest.raises(ValueError):
        run_exercise(FakeKernel(), CodeCell(id="plain", source="1", line=1))


def test_a_pass_is_recorded_and_a_later_failure_does_not_take_it_away():
    store, cell = ProgressStore(), make_cell()
    record_attempt(store, "tensors", cell, run_exercise(FakeKernel(check_result=CheckResult(False, "no")), cell))
    assert not store.exercise("tensors", "double").passed
    record_attempt(store, "tensors", cell, run_exercise(FakeKernel(), cell))
    assert store.exercise("tensors", "double").passed
    record_attempt(store, "tensors", cell, run_exercise(FakeKernel(check_result=CheckResult(False, "no")), cell))
    assert store.exercise("tensors", "double").passed


def test_hints_come_one_at_a_time_mildest_first_and_run_out():
    store, exercise = ProgressStore(), make_cell().exercise
    assert [next_hint(store, "tensors", exercise) for _ in range(4)] == ["mild", "warmer", "the answer", None]
    progress = store.exercise("tensors", "double")
    assert progress.hints_used == 3 and hints_left(exercise, progress) == 0
    assert hints_shown(exercise, progress) == ["mild", "warmer", "the answer"]
    assert hint_label(exercise, 2) == "Hint 2 of 3"
    assert status_mark(progress) == "3 hints used"


def test_the_solution_needs_a_confirmation_before_passing():
    store, exercise = ProgressStore(), make_cell().exercise
    assert solution_needs_confirmation(store.exercise("tensors", "double"))
    with pytest.raises(SolutionLocked):
        reveal_solution(store, "tensors", exercise)
    assert reveal_solution(store, "tensors", exercise, confirmed=True) == "y = 2"
    assert store.exercise("tensors", "double").solution_seen
    assert reveal_solution(store, "tensors", exercise) == "y = 2"  # asked once is enough
    assert status_mark(store.exercise("tensors", "double")) == "solution seen"


def test_after_passing_the_solution_is_free():
    store, exercise = ProgressStore(), make_cell().exercise
    store.mark_passed("tensors", "double")
    assert not solution_needs_confirmation(store.exercise("tensors", "double"))
    assert reveal_solution(store, "tensors", exercise) == "y = 2"
    assert status_mark(store.exercise("tensors", "double")) == "passed"


def test_a_real_exercise_in_a_real_kernel_fails_then_passes(tmp_path: Path):
    from curriculum.kernel import Kernel, KernelConfig

    tensors = load_all()[0]
    cell = tensors.cell("make-tensors")
    with Kernel(KernelConfig(workspace=tmp_path)) as kernel:
        for above in tensors.cells_before(cell.id):
            assert kernel.execute(above.source).ok, above.id
        starter = run_exercise(kernel, cell)
        assert starter.ran and not starter.passed
        assert starter.message == "`grid` should be a tensor, but it is NoneType"
        # Hard-coding what a right answer would print does not pass: the check looks at the objects.
        printed = run_exercise(kernel, cell, source="print('torch.float64 (3, 4)')\ngrid = [[0.0] * 4] * 3")
        assert not printed.passed
        solved = run_exercise(kernel, cell, source=cell.exercise.solution)
        assert solved.passed and solved.message == PASSED_MESSAGE
        assert any(v.name == "grid" and v.shape == (3, 4) for v in solved.result.variables)
