"""Writing into a closed pipe (`blitz-tui progress | head`) ends quietly: no traceback, exit 141 like SIGPIPE."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LESSON = ("---\nid: tiny\nnumber: 1\ntitle: Tiny\n---\n\n```python\nbase = 2\n```\n\n"
          '```python exercise id=double title="double"\ny = None\n```\n\n'
          '```check\nassert y == 2 * base, f"y should be {2 * base}, not {y!r}"\n```\n\n'
          "```hint\nmultiply\n```\n\n```solution\ny = 2 * base\n```\n")


def into_closed_pipe(argv: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess:
    """Run `blitz-tui argv` with stdout a pipe whose reader is already gone, as after `head` exits."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run([sys.executable, "-m", "tui", *argv], stdout=write_end, stderr=subprocess.PIPE,
                              input=stdin, text=True, timeout=240, env=dict(os.environ, BLITZ_TUI_HOME=str(home)))
    finally:
        os.close(write_end)


def assert_quiet(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 141, result.stderr
    for noise in ("Traceback", "BrokenPipeError", "Exception ignored"):
        assert noise not in result.stderr, result.stderr


@pytest.mark.parametrize("argv", [["progress"], ["doctor"]], ids=["progress", "doctor"])
def test_listing_commands_stop_quietly(argv, private_home):
    assert_quiet(into_closed_pipe(argv, private_home))


def test_exec_stops_its_cell_and_kernel_quietly(private_home):
    source = "import itertools\nfor i in itertools.count():\n    print(i)\n"  # would print forever
    result = into_closed_pipe(["exec", "--timeout", "100", "-"], private_home, stdin=source)
    assert_quiet(result)


def test_verify_stops_its_walks_quietly(tmp_path, private_home):
    (tmp_path / "01-tiny.md").write_text(LESSON)
    assert_quiet(into_closed_pipe(["verify", "--lessons-dir", str(tmp_path)], private_home))


def test_headless_training_stops_quietly(private_home):
    argv = ["train", "--headless", "--data", "synthetic:10", "--epochs", "1", "--device", "cpu", "--no-telemetry"]
    assert_quiet(into_closed_pipe(argv, private_home))


def test_head_gets_its_line(private_home):
    done = subprocess.run(f"{sys.executable} -m tui progress | head -1", shell=True, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, BLITZ_TUI_HOME=str(private_home)))
    assert done.stdout.startswith("Progress saved in ")
    assert done.stderr == ""
