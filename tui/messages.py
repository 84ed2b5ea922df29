"""Messages that cross from kernel threads to the UI, as small dataclasses (Textual supports them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class RunOutcome:
    """What one run of a cell gave: the kernel's result and, for an exercise, its check."""

    result: Any  # curriculum.kernel.ExecResult
    attempt: Any = None  # curriculum.exercises.Attempt, when the cell is an exercise
    failure: str = ""  # one line when the kernel could not run the cell at all
    note: str = ""  # one line worth telling the learner, e.g. that the kernel was restarted first


@dataclass
class CellFinished(Message):
    cell_id: str
    outcome: RunOutcome


@dataclass
class KernelChanged(Message):
    """The kernel started, restarted or failed to start; `problem` is one line when it failed."""

    problem: str = ""
    note: str = ""


@dataclass
class ProgressChanged(Message):
    """An exercise passed or progress was reset: progress marks must be redrawn."""

    lesson_id: str = ""
