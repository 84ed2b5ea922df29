"""The command line: bad arguments exit 2 with one line and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


def blitz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--no-such-flag"],
        ["--lesson", "9"],
        ["--epochs", "0"],
        ["--memory-mb", "lots"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_exit_2_without_traceback(args):
    result = blitz(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr


def test_help_lists_every_subcommand():
    result = blitz("--help")
    assert result.returncode == 0
    for name in ("exec", "doctor", "train", "verify", "progress"):
        assert name in result.stdout
