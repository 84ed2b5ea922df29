"""The training screen: configure, run, watch, stop and compare CIFAR-10 training runs.

`TrainingScreen` is imported lazily so `tui.training.runs` and friends load without Textual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.training.screen import TrainingScreen

__all__ = ["TrainingScreen"]


def __getattr__(name: str) -> Any:
    if name == "TrainingScreen":
        from tui.training.screen import TrainingScreen

        return TrainingScreen
    raise AttributeError(f"module 'tui.training' has no attribute {name!r}")
