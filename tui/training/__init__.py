"""The training screen: configure, run, watch, stop and compare CIFAR-10 training runs.

The run itself (state, folders, process, validation) is the headless `curriculum.training.client`;
this package holds only its views. `TrainingScreen` is imported lazily.
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
