"""`blitz-tui progress`: showing progress, and resetting it only when the learner means it."""

from __future__ import annotations

import builtins
import io
import subprocess
import sys

import pytest

from curriculum.progress import ProgressStore
from tui.cli import main


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def some_progress() -> ProgressStore:
    store = ProgressStore()
    store.set_cell_text("tensors", "imports", "print('mine')")
    store.mark_passed("tensors", "make-tensors")
    store.use_hint("tensors", "products")
    store.mark_passed("autograd", "fine-tune")
    store.set_position("autograd", "resnet")
    store.save()
    return store


def test_it_prints_progress_per_lesson(some_progress, capsys):
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "1 Tensors" in out and "1/4 exercises passed, 1 cell edited, 1 hint used" in out
    assert "Make some tensors: passed" in out
    assert "Element-wise or matrix product?: 1 hint used" in out
    assert "2 Autograd" in out and "1/4 exercises passed" in out
    assert "5 Data parallelism" in out and "0/3 exercises passed" in out
    assert "Last lesson: Autograd, at cell resnet" in out


def test_reset_with_yes_forgets_one_lesson(some_progress, capsys):
    assert main(["progress", "--reset", "1", "--yes"]) == 0
    store = ProgressStore()
    assert store.cell_text("tensors", "imports") is None
    assert not store.exercise("tensors", "make-tensors").passed
    assert store.exercise("autograd", "fine-tune").passed
    assert "Reset lesson tensors." in capsys.readouterr().out


def test_reset_everything_by_id_or_all(some_progress):
    assert main(["progress", "--reset", "--yes"]) == 0
    assert ProgressStore().lesson_ids() == []


def test_reset_asks_on_a_terminal_and_respects_no(some_progress, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    questions = []
    monkeypatch.setattr(builtins, "input", lambda prompt: questions.append(prompt) or "n")
    assert main(["progress", "--reset", "autograd"]) == 1
    assert "Reset your progress in lesson 'autograd'" in questions[0]
    assert ProgressStore().exercise("autograd", "fine-tune").passed
    assert "Nothing was reset." in capsys.readouterr().out


def test_reset_asks_on_a_terminal_and_acts_on_yes(some_progress, monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeTerminal())
    monkeypatch.setattr(builtins, "input", lambda prompt: "y")
    assert main(["progress", "--reset"]) == 0
    assert ProgressStore().lesson_ids() == []


def test_without_a_terminal_or_yes_it_refuses(some_progress, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    assert main(["progress", "--reset"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing to reset without confirmation" in err
    assert ProgressStore().exercise("tensors", "make-tensors").passed


@pytest.mark.parametrize(
    ("argv", "words"),
    [(["progress", "--reset", "lesson-9", "--yes"], "unknown lesson 'lesson-9'"),
     (["progress", "--yes"], "--yes only goes with --reset")],
)
def test_bad_arguments_exit_2_with_one_line(argv, words, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1


def test_a_corrupt_file_is_reported_and_progress_still_prints(capsys):
    ProgressStore().path.write_text("{oops")
    assert main(["progress"]) == 0
    captured = capsys.readouterr()
    assert "moved to" in captured.err
    assert "0/4 exercises passed" in captured.out


def test_the_real_command_refuses_without_a_terminal(some_progress):
    done = subprocess.run([sys.executable, "-m", "tui.cli", "progress", "--reset"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
