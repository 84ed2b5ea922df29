"""Messages that cross from kernel threads to the UI, as small dataclasses (Textual supports them)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from curriculum.lesson_session import RunOutcome

__all__ = ["CellFinished", "KernelChanged", "ProgressChanged", "RunOutcome"]


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
