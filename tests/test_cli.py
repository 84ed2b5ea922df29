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
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("blitz-tui: ")  # more in test_cli_errors.py


def test_help_lists_every_subcommand():
    result = blitz("--help")
    assert result.returncode == 0
    for name in ("exec", "doctor", "train", "verify", "progress"):
        assert name in result.stdout


def _train_args(*extra: str):
    from tui.cli import build_parser

    return build_parser().parse_args(["train", *extra])


def test_train_at_a_terminal_opens_the_training_screen_with_its_flags(monkeypatch):
    from tui import cli
    from tui.options import AppOptions

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    args = _train_args("--data", "synthetic", "--epochs", "3", "--lr", "0.01", "--nproc", "2")
    assert cli._wants_training_screen(args)
    options = AppOptions.from_args(args)
    assert options.open_training
    assert options.training == {"data": "synthetic", "epochs": 3, "lr": 0.01, "nproc": 2}


@pytest.mark.parametrize("extra", [["--headless"], ["--json"], ["--out", "runs/x"], ["--resume", "runs/x"],
                                   ["--nnodes", "2", "--rdzv-endpoint", "127.0.0.1:29500"]])
def test_train_stays_headless_with_headless_only_options(monkeypatch, extra):
    from tui import cli

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert not cli._wants_training_screen(_train_args(*extra))


def test_train_without_a_terminal_stays_headless():
    from tui import cli

    # pytest captures stdout, so this is the piped case: a script or CI running `blitz-tui train`.
    assert not cli._wants_training_screen(_train_args("--data", "synthetic"))
