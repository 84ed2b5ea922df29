"""Messages the trainer's reader thread posts to the training screen."""

from __future__ import annotations

from textual.message import Message


class MetricsTick(Message):
    """New events are waiting in the screen's inbox. A burst of ticks collapses to one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, MetricsTick)


class TrainerExited(Message):
    """The trainer process is gone; its exit code and stderr's last line explain how."""

    def __init__(self, returncode: int, stderr_tail: str) -> None:
        super().__init__()
        self.returncode = returncode
        self.stderr_tail = stderr_tail
