"""The parser and argument types every `blitz-tui` subcommand shares, so the same flag fails the same way.

A bad argument is one line, `blitz-tui train: --lr must be greater than 0 (got -1)`, and exit status 2: no usage
block (`--help` shows it), no traceback. Type functions raise `ArgumentTypeError` with a message that
reads after the flag's name ("must be ...", "expects ...").
"""

from __future__ import annotations

import argparse
import math
import os
import re

DAY_S = 86_400
SEED_LIMIT = 2**32 - 1  # numpy's seeds stop here, and torch's DataLoader workers seed numpy
_ARGUMENT_PREFIX = re.compile(r"^argument ([^:]+): (.*)$", re.DOTALL)


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the (sub)command; tui/cli.py uses it everywhere."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {_readable(message)}\n")

    def parse_args(self, args=None, namespace=None):
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            # The subcommand that was given owns what it did not understand: name it, not `blitz-tui`.
            owner = self._chosen_subcommand(namespace) or self
            plural = "s" if len(extras) > 1 else ""
            owner.error(f"unrecognized argument{plural}: {' '.join(extras)}")
        return namespace

    def _chosen_subcommand(self, namespace) -> argparse.ArgumentParser | None:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):  # argparse offers no public way to list them
                return action.choices.get(getattr(namespace, action.dest, None) or "")
        return None


def _readable(message: str) -> str:
    """`argument --lr: must be ... (got -1)` -> `--lr must be ... (got -1)`, on one line."""
    message = " ".join(message.split())
    match = _ARGUMENT_PREFIX.match(message)
    if not match:
        return message
    flag, rest = match.groups()
    if rest == "expected one argument":
        return f"{flag} needs a value"
    return f"{flag} {rest}" if rest.startswith(("must ", "expects ")) else f"{flag}: {rest}"


def whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a whole number (got {text!r})") from None


def at_least(low: int):
    """A whole number no smaller than `low`."""

    def parse(text: str) -> int:
        value = whole_number(text)
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low} (got {value})")
        return value

    return parse


def between(low: int, high: int):
    """A whole number from `low` to `high`, both included."""

    def parse(text: str) -> int:
        value = whole_number(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high} (got {value})")
        return value

    return parse


def seed(text: str) -> int:
    """A random seed: 0 to 2**32 - 1."""
    return between(0, SEED_LIMIT)(text)


def memory_mb(text: str) -> int:
    """A memory cap in MiB: at least 1 and no more than this machine has (a bigger cap never applies)."""
    value = whole_number(text)
    total = machine_memory_mb()
    if not 1 <= value <= total:
        raise argparse.ArgumentTypeError(f"must be from 1 to {total} MB, this machine's memory (got {value})")
    return value


def machine_memory_mb() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError):  # no sysconf names: still refuse absurd numbers
        return 2**30


def number(text: str, what: str = "a number") -> float:
    """`text` as a finite float, or the argument error that says a number (`what`) was expected."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects {what} (got {text!r})") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expects {what} (got {text!r})")
    return value


def positive_number(text: str) -> float:
    """A finite number greater than 0 (a learning rate, an interval)."""
    value = number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0 (got {text})")
    return value


def seconds(text: str) -> float:
    """A time limit: more than 0 and under a day (a longer one is a typo, and would never fire)."""
    value = number(text, "a number of seconds")
    if not 0 < value < DAY_S:
        raise argparse.ArgumentTypeError(f"must be greater than 0 and under a day (got {text})")
    return value
