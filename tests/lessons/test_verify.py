"""`blitz-tui verify`: solutions must pass, untouched starters must fail with a message for the learner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from curriculum.lesson import load_all
from curriculum.verify import cells_to_verify, select_lessons, verify_lessons
from tui.cli import main

HEAD = "---\nid: {id}\nnumber: {number}\ntitle: {title}\n---\n\n"


def exercise(name: str, starter: str, check: str, solution: str) -> str:
    return (f'```python exercise id={name} title="{name}"\n{starter}\n```\n\n```check\n{check}\n```\n\n'
            f"```hint\nthink\n```\n\n```solution\n{solution}\n```\n\n")


def cell(source: str) -> str:
    return f"```python\n{source}\n```\n\n"


def write_lessons(folder: Path) -> Path:
    one = HEAD.format(id="first", number=1, title="First") + cell("base = 2") + exercise(
        "good", "y = None", 'assert y == base, f"y should be {base}, not {y!r}"', "y = base"
    ) + exercise(
        "free", "z = 1", 'assert z == 1, "z should be 1"', "z = 1"
    ) + exercise(
        "broken", "w = None", 'assert w == 1, "w should be 1"', "w = 1 / 0"
    ) + exercise(
        "rude", "q = None", "assert q.value == 3", "class Q: value = 3\nq = Q()"
    ) + cell("raise RuntimeError('below the last exercise: never run by verify')")
    two = HEAD.format(id="second", number=2, title="Second") + cell("import nothing_like_this") + exercise(
        "unreached", "a = None", 'assert a == 1, "a should be 1"', "a = 1"
    )
    (folder / "01-first.md").write_text(one)
    (folder / "02-second.md").write_text(two)
    return folder


def test_cells_below_the_last_exercise_are_not_walked(tmp_path):
    first = load_all(write_lessons(tmp_path))[0]
    assert [c.id for c in cells_to_verify(first)] == ["cell-1", "good", "free", "broken", "rude"]


def test_verify_tells_good_exercises_from_bad_ones(tmp_path):
    lessons = load_all(write_lessons(tmp_path))
    seen = []
    first, second = verify_lessons(lessons, timeout=60, preload_torch=False, on_report=seen.append)
    assert seen == [first, second]  # reported in lesson order

    verdicts = first.verdicts
    assert verdicts["good"].ok
    assert verdicts["good"].starter_note == "y should be 2, not None"
    assert "ok    first/good" in verdicts["good"].line()

    assert verdicts["free"].solution_ok and not verdicts["free"].starter_ok
    assert "the untouched starter passes the check" in verdicts["free"].line()

    assert not verdicts["broken"].solution_ok and verdicts["broken"].starter_ok
    assert "the solution fails to run: ZeroDivisionError" in verdicts["broken"].line()

    assert verdicts["rude"].solution_ok and not verdicts["rude"].starter_ok
    assert "without a helpful message: AttributeError" in verdicts["rude"].line()
    assert first.problems == ["starters: the solution of 'broken' fails to run after its starter: "
                              "ZeroDivisionError: division by zero"]
    assert not first.ok

    assert not second.ok
    assert any("cell 'cell-1'" in problem and "ModuleNotFoundError" in problem for problem in second.problems)


def test_select_lessons_by_id_or_number():
    lessons = load_all()
    assert [l.id for l in select_lessons(lessons, ["3", "tensors", "1"])] == ["tensors", "neural-networks"]
    assert select_lessons(lessons, []) == lessons
    with pytest.raises(ValueError, match="unknown lesson 'six'"):
        select_lessons(lessons, ["six"])


def test_the_command_exits_1_and_prints_a_line_per_exercise(tmp_path, capsys):
    folder = write_lessons(tmp_path)
    (folder / "02-second.md").unlink()
    assert main(["verify", "--lessons-dir", str(folder), "--timeout", "60"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[:5]] == ["FAIL", "ok", "FAIL", "FAIL", "FAIL"]
    assert "first: starters: the solution of 'broken'" in out[0]
    assert out[-1].startswith("1 of 4 exercises verified in 1 lessons")


@pytest.mark.parametrize(
    ("argv", "words"),
    [(["verify", "seven"], "unknown lesson 'seven'"),
     (["verify", "--lessons-dir", "/no/such/folder"], "no such folder"),
     (["verify", "--timeout", "-3"], "--timeout must be greater than 0")],
)
def test_bad_arguments_exit_2_with_one_line(argv, words, capsys):
    try:
        code = main(argv)
    except SystemExit as stopped:  # argparse's own checks
        code = stopped.code
    assert code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_the_real_lesson_1_verifies(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tui.cli", "verify", "tensors"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("ok    tensors/") for line in lines) == len(load_all()[0].exercises)
    assert lines[-1].startswith("4 of 4 exercises verified in 1 lessons")


def test_verify_reports_bad_training_front_matter_with_file_and_line(tmp_path, capsys):
    folder = write_lessons(tmp_path)
    lesson = folder / "02-second.md"
    lines = lesson.read_text().splitlines()
    at = lines.index("---", 1)
    lines.insert(at, "train_model: lenet")
    lesson.write_text("\n".join(lines) + "\n")
    assert main(["verify", "--lessons-dir", str(folder), "--timeout", "60", "2"]) == 1
    out = capsys.readouterr().out
    assert f"02-second.md, line {at + 1}: train_model must be one of blitz, wide (got 'lenet')" in out
