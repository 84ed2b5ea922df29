"""Every cell of every lesson runs, top to bottom, in a fresh kernel on the CPU (exercise cells as the
learner first sees them). Lessons 4 and 5 train a network and launch torchrun: they are marked slow."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.lesson import load_all

LESSONS = {lesson.number: lesson for lesson in load_all()}
SLOW = {4, 5}


def run_every_cell(lesson, workspace: Path) -> dict:
    from curriculum.kernel import Kernel, KernelConfig

    outputs = {}
    with Kernel(KernelConfig(workspace=workspace, timeout=300, preload_torch=True)) as kernel:
        for cell in lesson.cells:
            printed: list[str] = []
            result = kernel.execute(cell.source, on_output=lambda stream, text: printed.append(text))
            detail = result.error.traceback if result.error else result.message
            assert result.ok, f"{lesson.path.name}, cell {cell.id!r} (line {cell.line}): {result.status}\n{detail}"
            outputs[cell.id] = ("".join(printed), result)
    return outputs


@pytest.mark.parametrize(
    "number", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in sorted(LESSONS)]
)
def test_every_cell_runs_in_a_fresh_kernel(number, tmp_path):
    lesson = LESSONS[number]
    assert hasattr(lesson, "cells"), f"lesson {number} does not load"
    outputs = run_every_cell(lesson, tmp_path)
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
        accuracy_line, _ = outputs["accuracy"]
        assert "accuracy on" in accuracy_line
    if number == 5:
        printed, _ = outputs["torchrun"]
        assert "weights identical in every process: True" in printed, printed
        assert "rank 0 of 2" in printed and "rank 1 of 2" in printed
