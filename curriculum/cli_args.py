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


def positive_number(text: str) -> float:
    """A finite number greater than 0 (a learning rate, an interval)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
    return value


def seconds(text: str) -> float:
    """A time limit: more than 0 and under a day (a longer one is a typo, and would never fire)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < DAY_S:
        raise argparse.ArgumentTypeError(f"must be greater than 0 and under a day, got {text}")
    return value
