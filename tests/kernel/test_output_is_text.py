"""A cell's output and traceback reach the screen as text: colours stay, other escape sequences go."""

from __future__ import annotations

import subprocess
import sys

from kernel_helpers import Output

HOSTILE_CELL = r"""
import sys
sys.stdout.write("A\x1b]0;pwned-title\x07B\x1b]52;c;cHduZWQ=\x07C\x1b[2J\x1b[HD\x1b[31mred\x1b[0m\n")
sys.stdout.flush()
sys.stdout.write("split\x1b]2;half")
sys.stdout.flush()
sys.stdout.write("-title\x1b\\ok\n")
_ = sys.stderr.write("E\x1bP+q\x1b\\F\n")
"""
RAISING_CELL = 'raise ValueError("bad\\x1b]0;title\\x07 value\\x1b[2J")'


def test_cell_output_and_traceback_keep_colours_only(make_kernel, level):
    kernel = make_kernel(level)
    output = Output()
    assert kernel.execute(HOSTILE_CELL, on_output=output).status == "ok"
    assert output.text("stdout") == "ABCD\x1b[31mred\x1b[0m\nsplitok\n"
    assert output.text("stderr") == "EF\n"
    result = kernel.execute(RAISING_CELL)
    assert result.status == "error"
    assert result.error.evalue == "bad value"
    assert "\x1b]" not in result.error.traceback and "\x1b[2J" not in result.error.traceback
    assert "bad value" in result.error.traceback


def test_exec_prints_text_only(tmp_path):
    path = tmp_path / "cells.py"
    path.write_text(HOSTILE_CELL + "\n# %%\n" + RAISING_CELL + "\n")
    done = subprocess.run([sys.executable, "-m", "tui.cli", "exec", "--timeout", "20", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stdout == "ABCD\x1b[31mred\x1b[0m\nsplitok\n"
    assert "\x1b]" not in done.stderr and "\x1bP" not in done.stderr and "\x1b[2J" not in done.stderr
    assert "ValueError: bad value" in done.stderr
