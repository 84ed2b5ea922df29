"""`blitz-tui exec` exit codes and output, and `blitz-tui doctor`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from curriculum import doctor
from curriculum.kernel import backends
from tui.cli import main

CASES = [
    ("print('a')\n# %%\nprint('b')\n", 0),
    ("x = 1\n# %%\nraise ValueError('nope')\n# %%\nprint('never')\n", 1),
    ("import time\ntime.sleep(30)\n", 124),
    ("hog = []\nwhile True:\n    hog.append(b'x' * 10**7)\n", 137),
    ("import os\nos._exit(3)\n", 3),
]


@pytest.mark.parametrize("source, code", CASES)
def test_exec_exit_codes(tmp_path, source, code):
    path = tmp_path / "cells.py"
    path.write_text(source)
    done = subprocess.run([sys.executable, "-m", "tui.cli", "exec", "--timeout", "2", "--memory-mb", "300", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == code, done.stderr
    assert "never" not in done.stdout
    if code == 0:
        assert done.stdout == "a\nb\n"
    if code == 1:
        assert "ValueError: nope" in done.stderr and '"<cell 2>", line 1' in done.stderr


def test_exec_reads_stdin_and_prints_in_order():
    source = "for i in range(20000):\n    print(i)\n"
    done = subprocess.run([sys.executable, "-m", "tui.cli", "exec", "-"], input=source, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0
    assert done.stdout.split() == [str(i) for i in range(20000)]


def test_exec_bad_arguments_exit_2_with_one_line(tmp_path, capsys):
    assert main(["exec", str(tmp_path / "missing.py")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"blitz-tui exec: no such file: {tmp_path / 'missing.py'}"
    with pytest.raises(SystemExit) as stop:
        main(["exec", "--timeout", "soon", "x.py"])
    assert stop.value.code == 2


def test_doctor_reports_isolation_and_paths(capsys, private_home):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(line.startswith("isolation: ") and line.split(": ")[1].split()[0] in backends.NAMES
               for line in lines)
    assert any(line.startswith("python: ") for line in lines)
    assert any(line.startswith("torch: ") for line in lines)
    assert any(line.startswith("nvml: ") for line in lines)
    assert f"progress: {private_home}" in out and f"workspaces: {private_home}" in out


def test_doctor_copes_without_the_training_modules(monkeypatch):
    monkeypatch.setitem(sys.modules, "curriculum.training.data", None)
    monkeypatch.setitem(sys.modules, "curriculum.training.lesson_data", None)  # an earlier test may have loaded it
    monkeypatch.setitem(sys.modules, "curriculum.training.telemetry", None)
    lines = doctor.report("rlimits")
    assert "isolation: rlimits (weak)" in lines
    assert any(line.startswith("data: unknown") for line in lines)
    assert any(line.startswith("nvml: unknown") for line in lines)


@pytest.mark.parametrize("level", backends.NAMES)
def test_doctor_says_a_cell_holds_no_capabilities(level):
    """Run as root (as CI is), this is the check that matters: a sandbox started by root keeps nothing."""
    from curriculum.kernel import isolation

    works, why = isolation.check(level)
    if not works:
        pytest.skip(f"{level} is not available here: {why}")
    lines = doctor.report(level)
    assert "  capabilities in a cell: none" in lines, lines
