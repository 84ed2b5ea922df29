"""What the command line asked of the app: kernel sandbox options and training defaults."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from curriculum.training.options import FORM_OPTIONS


# Flags of `blitz-tui` and of `blitz-tui train` that the training screen's form understands.
TRAINING_KEYS = tuple(option.name for option in FORM_OPTIONS)


@dataclass
class AppOptions:
    lesson: int | None = None  # open this lesson at start instead of the home screen
    isolation: str = "auto"
    allow_network: bool = False
    memory_mb: int | None = None
    timeout: float = 60.0
    training: dict = field(default_factory=dict)  # defaults handed to the training screen
    open_training: bool = False  # `blitz-tui train` on a terminal starts on the training screen
    attach_run: str | None = None  # `blitz-tui runs attach ID`: start on the training screen watching that run

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AppOptions:
        training = {
            key: getattr(args, key)
            for key in TRAINING_KEYS
            if getattr(args, key, None) is not None
        }
        return cls(
            lesson=getattr(args, "lesson", None),
            isolation=getattr(args, "isolation", None) or "auto",
            allow_network=bool(getattr(args, "allow_network", False)),
            memory_mb=getattr(args, "memory_mb", None),
            timeout=getattr(args, "timeout", None) or 60.0,
            training=training,
            open_training=getattr(args, "command", None) == "train",
            attach_run=getattr(args, "attach_run", None),
        )
