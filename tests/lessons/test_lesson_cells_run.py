"""Every lesson runs end to end, top to bottom, in a fresh kernel on the CPU, at every isolation level
this machine offers (each one forced, not only the strongest): exercise cells are replaced by their
reference solutions and each exercise's check must pass. Lessons 4 and 5 train a network and launch
torchrun: they are marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.kernel import backends, isolation
from curriculum.lesson import load_all

LESSONS = {lesson.number: lesson for lesson in load_all()}
SLOW = {4, 5}


def run_every_cell(lesson, workspace: Path, level: str) -> dict:
    from curriculum.kernel import Kernel, KernelConfig

    outputs = {}
    config = KernelConfig(workspace=workspace, timeout=300, preload_torch=True, isolation=level)
    with Kernel(config) as kernel:
        assert kernel.isolation == level
        for cell in lesson.cells:
            printed: list[str] = []
            source = cell.exercise.solution if cell.exercise is not None else cell.source
            result = kernel.execute(source, on_output=lambda stream, text: printed.append(text))
            detail = result.error.traceback if result.error else result.message
            where = f"{lesson.path.name}, cell {cell.id!r} (line {cell.line}) at {level}"
            assert result.ok, f"{where}: {result.status}\n{detail}"
            if cell.exercise is not None:
                check = kernel.check(cell.exercise.check)
                assert check.passed, f"{where}: the reference solution fails its check: {check.message}"
            outputs[cell.id] = ("".join(printed), result)
    return outputs


def _cases():
    for number in sorted(LESSONS):
        for level in backends.NAMES:
            marks = [pytest.mark.slow] if number in SLOW else []
            yield pytest.param(number, level, marks=marks, id=f"lesson{number}-{level}")


@pytest.mark.parametrize("number, level", list(_cases()))
def test_every_cell_runs_in_a_fresh_kernel(number, level, tmp_path):
    works, why = isolation.check(level)
    if not works:
        pytest.skip(f"isolation level {level} is not available on this machine: {why}")
    lesson = LESSONS[number]
    assert hasattr(lesson, "cells"), f"lesson {number} does not load"
    outputs = run_every_cell(lesson, tmp_path, level)
    if number == 1:
        printed, _ = outputs["to-gpu"]
        assert "-> using cpu" in printed or "-> using cuda" in printed
    if number == 3:
        printed, _ = outputs["grad-fn"]
        assert printed.splitlines()[0].startswith("MseLossBackward0")
    if number == 4:
        printed, result = outputs["show-images"]
        assert result.images and result.images[0].startswith(b"\x89PNG"), "the sample grid should come back as a picture"
        assert printed.count(" | ") == 7, "the eight labels are printed under the grid"
        assert (tmp_path / "cifar_net.pth").is_file()
        printed, result = outputs["test-predictions"]
        assert len(result.images) == 1, "the four test images come back as one picture"
        truth, guesses = printed.splitlines()
        assert truth.startswith("GroundTruth:") and guesses.startswith("Predicted:")
        classes = outputs["datasets"][0].splitlines()[-1]
        for line in (truth, guesses):
            names = line.split(":", 1)[1].split()
            assert len(names) == 4 and all(f"'{name}'" in classes for name in names), line
        accuracy_line, _ = outputs["accuracy"]
        assert "accuracy on" in accuracy_line
    if number == 5:
        printed, _ = outputs["torchrun"]
        assert "weights identical in every process: True" in printed, printed
        assert "rank 0 of 2" in printed and "rank 1 of 2" in printed
