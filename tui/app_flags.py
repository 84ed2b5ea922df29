"""The app's own options (`blitz-tui [--lesson N] [--isolation L] ...`), written once.

`blitz-tui` reads them to start the app in the terminal; `blitz-tui serve` accepts the same ones and
hands them to the app each browser connection starts, so a served app runs as a typed one would.
"""

from __future__ import annotations

import argparse

from curriculum.cli_args import memory_mb, seconds
from curriculum.kernel.backends import CHOICES as ISOLATION_CHOICES
from curriculum.lesson import lesson_numbers
from curriculum.training.options import add_app_flags


def add_app_options(group) -> list[argparse.Action]:
    """Add the app's options to a parser or argument group; returns the actions added."""
    before = len(group._group_actions) if hasattr(group, "_group_actions") else len(group._actions)
    numbers = lesson_numbers()  # the lesson files are the list ($BLITZ_TUI_LESSONS moves them)
    group.add_argument("--lesson", type=int, choices=numbers, metavar="N",
                       help=f"open lesson N ({', '.join(map(str, numbers))}) at start")
    add_app_flags(group)  # --data, --epochs, --device: from the training options table
    group.add_argument("--isolation", choices=ISOLATION_CHOICES, help="kernel sandbox level (default: strongest available)")
    group.add_argument("--allow-network", action="store_true", help="let lesson cells open network connections")
    group.add_argument("--memory-mb", type=memory_mb, metavar="MB", help="memory cap per kernel")
    group.add_argument("--timeout", type=seconds, metavar="S", help="wall-clock limit per cell in seconds (default 60)")
    actions = group._group_actions if hasattr(group, "_group_actions") else group._actions
    return list(actions[before:])


def app_argv(args: argparse.Namespace) -> list[str]:
    """The app options given in `args`, as command-line flags again (those left unset are left out)."""
    argv: list[str] = []
    for action in add_app_options(argparse.ArgumentParser(add_help=False)):
        value = getattr(args, action.dest, None)
        if value is None or value is False:
            continue
        flag = action.option_strings[-1]
        argv += [flag] if value is True else [flag, str(value)]
    return argv
