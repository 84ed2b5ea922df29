"""Every subcommand's bad arguments: one line naming the command and the flag, exit 2, no usage, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BAD = [
    # (argv, words the one line must contain)
    (["--no-such-flag"], "unrecognized argument: --no-such-flag"),
    (["no-such-command"], "invalid choice: 'no-such-command'"),
    (["--lesson", "9"], "--lesson: invalid choice: 9"),
    (["--lesson", "one"], "--lesson"),
    (["--epochs", "0"], "--epochs must be at least 1 (got 0)"),
    (["--epochs", "2.5"], "--epochs expects a whole number"),
    (["--memory-mb", "lots"], "--memory-mb expects a whole number"),
    (["--memory-mb", "1e21"], "--memory-mb expects a whole number"),
    (["--memory-mb", "0"], "--memory-mb must be from 1 to"),
    (["--memory-mb", str(10**21)], "this machine's memory"),
    (["--timeout", "0"], "--timeout must be greater than 0"),
    (["--timeout", "nan"], "--timeout expects a number of seconds"),
    (["--timeout", "1e9"], "under a day"),
    (["--device", "tpu"], "--device must be auto, cpu, cuda or cuda:N (got 'tpu')"),
    (["--isolation", "docker"], "--isolation: invalid choice: 'docker'"),
    (["--epochs"], "--epochs needs a value"),
    (["exec"], "the following arguments are required: FILE|-"),
    (["exec", "--timeout", "-1", "-"], "--timeout must be greater than 0"),
    (["exec", "--timeout", "soon", "-"], "--timeout expects a number of seconds (got 'soon')"),
    (["exec", "--memory-mb", "1e21", "-"], "--memory-mb expects a whole number"),
    (["exec", "--memory-mb", "-5", "-"], "--memory-mb must be from 1 to"),
    (["exec", "--isolation", "none", "-"], "--isolation: invalid choice: 'none'"),
    (["exec", "--bogus", "-"], "unrecognized argument: --bogus"),
    (["exec", "/no/such/file.py"], "no such file: /no/such/file.py"),
    (["exec", "/"], "not a file: /"),
    (["exec", "--workspace", "/etc/hostname", "-"], "--workspace is not a folder: /etc/hostname"),
    (["exec", "--workspace", "/nonexistent-blitz/deep/ws", "-"], "--workspace does not exist"),
    (["doctor", "--verbose"], "unrecognized argument: --verbose"),
    (["doctor", "extra", "words"], "unrecognized arguments: extra words"),
    (["verify", "seven"], "unknown lesson 'seven'"),
    (["verify", "--timeout", "-3"], "--timeout must be greater than 0"),
    (["verify", "--isolation", "x"], "--isolation: invalid choice: 'x'"),
    (["verify", "--lessons-dir", "/no/such/folder"], "no such folder"),
    (["progress", "--bogus"], "unrecognized argument: --bogus"),
    (["progress", "--yes"], "--yes only goes with --reset"),
    (["progress", "--reset", "99", "--yes"], "unknown lesson '99'"),
    (["progress", "--reset"], "refusing to reset without confirmation"),
    (["train", "--lr", "-1"], "--lr must be greater than 0 (got -1)"),
    (["train", "--lr", "inf"], "--lr expects a number (got 'inf')"),
    (["train", "--momentum", "1"], "--momentum must be at least 0 and below 1 (got 1)"),
    (["train", "--epochs", "0"], "--epochs must be at least 1 (got 0)"),
    (["train", "--batch-size", "-4"], "--batch-size must be at least 1"),
    (["train", "--seed", "-1"], "--seed must be from 0 to 4294967295 (got -1)"),
    (["train", "--seed", str(2**64)], "--seed must be from 0 to"),
    (["train", "--device", "tpu"], "--device must be auto, cpu, cuda or cuda:N"),
    (["train", "--preset", "slow"], "--preset must be one of faithful, fast (got 'slow')"),
    (["train", "--model", "lenet"], "--model must be one of blitz, wide (got 'lenet')"),
    (["train", "--nproc", "0"], "--nproc must be from 1 to 64 (got 0)"),
    (["train", "--rdzv-endpoint", "nowhere"], "--rdzv-endpoint: expected HOST:PORT"),
    (["train", "--rdzv-timeout", "0"], "--rdzv-timeout must be greater than 0"),
    (["train", "--headless", "--data", "synthetic:5"], "synthetic:N needs a whole number N from 10 to"),
    (["train", "--headless", "--data", "synthetic:99999999999"], "synthetic:N needs a whole number N from 10 to"),
]


def blitz(*args: str, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, env=_env(home))


def _env(home: Path) -> dict:
    import os

    return dict(os.environ, BLITZ_TUI_HOME=str(home))


@pytest.mark.parametrize("argv, words", BAD, ids=[" ".join(argv) for argv, _ in BAD])
def test_a_bad_argument_is_one_line_and_exit_2(argv, words, private_home):
    result = blitz(*argv, home=private_home)
    command = "blitz-tui" + (f" {argv[0]}" if argv[0] in ("exec", "doctor", "verify", "progress", "train") else "")
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{command}: "), lines[0]
    assert words in lines[0]
    assert "usage:" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_exec_never_creates_a_workspace_outside_the_data_folder_unless_asked(tmp_path, private_home):
    outside = tmp_path / "outside" / "deep" / "ws"
    assert blitz("exec", "--workspace", str(outside), "-", home=private_home).returncode == 2
    assert not (tmp_path / "outside").exists()
    inside = private_home / "data" / "workspaces" / "mine"
    done = subprocess.run([sys.executable, "-m", "tui", "exec", "--workspace", str(inside), "-"],
                          input="import os\nprint(os.getcwd())\n", capture_output=True, text=True, timeout=120,
                          env=_env(private_home))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(inside)
    done = subprocess.run([sys.executable, "-m", "tui", "exec", "--create-workspace", "--workspace", str(outside), "-"],
                          input="print('ran')\n", capture_output=True, text=True, timeout=120, env=_env(private_home))
    assert done.returncode == 0, done.stderr
    assert outside.is_dir()


@pytest.mark.parametrize("argv", [["--help"], ["train", "--help"], ["exec", "--help"], ["progress", "-h"]])
def test_help_still_shows_the_usage(argv, private_home):
    result = blitz(*argv, home=private_home)
    assert result.returncode == 0
    assert result.stdout.startswith("usage: blitz-tui")
