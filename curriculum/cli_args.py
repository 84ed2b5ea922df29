"""Argument types shared by every `blitz-tui` subcommand, so the same flag fails the same way everywhere."""

from __future__ import annotations

import argparse
import math

DAY_S = 86_400


def at_least(low: int):
    """A whole number no smaller than `low`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def number(text: str, what: str = "a number") -> float:
    """`text` as a float, or the argument error that says a number (`what`) was expected."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None


def positive_number(text: str) -> float:
    """A finite number greater than 0 (a learning rate, an interval)."""
    value = number(text)
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
    return value


def seconds(text: str) -> float:
    """A time limit: more than 0 and under a day (a longer one is a typo, and would never fire)."""
    value = number(text, "a number of seconds")
    if not 0 < value < DAY_S:
        raise argparse.ArgumentTypeError(f"must be greater than 0 and under a day, got {text}")
    return value
