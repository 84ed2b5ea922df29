"""What the learner reads: code in hints looks like code, shapes read like torch's, counts appear once."""

from __future__ import annotations

from curriculum.kernel.results import VariableInfo
from tui.screens.exercise_actions import _reset_question
from tui.widgets.cell.exercise import CODE_STYLE, with_code
from tui.widgets.cell.inspector import describe


def test_backticks_in_a_hint_become_code_not_raw_marks():
    text = with_code("Hint 1: `torch.zeros` takes a shape and a `dtype=` keyword.")
    assert "`" not in text.plain
    assert text.plain == "Hint 1: torch.zeros takes a shape and a dtype= keyword."
    code = [text.plain[span.start:span.end] for span in text.spans if span.style == CODE_STYLE]
    assert code == ["torch.zeros", "dtype="]


def test_a_lone_backtick_is_left_alone():
    assert with_code("it's a ` mark").plain == "it's a ` mark"


def test_shapes_read_as_torch_prints_them():
    one = VariableInfo("t", "tensor", "tensor [4] float32 on cpu", shape=(4,), dtype="float32", device="cpu")
    two = VariableInfo("m", "tensor", "", shape=(2, 3))
    scalar = VariableInfo("s", "tensor", "", shape=())
    assert describe(one).startswith("shape [4]  float32  cpu")
    assert describe(two).startswith("shape [2, 3]")
    assert describe(scalar).startswith("shape []")


def test_a_modules_parameter_count_is_shown_once():
    net = VariableInfo("net", "module", "Net: 2 layers, 1,234 parameters", parameters=1234)
    assert describe(net).count("1,234") == 1


class _Cell:
    def __init__(self, exercise):
        self.exercise = exercise


def test_the_reset_question_says_what_is_lost_in_plain_words():
    plain = _reset_question(_Cell(None))
    exercise = _reset_question(_Cell(object()))
    assert "go." not in plain and "go." not in exercise
    assert plain.endswith("Your edits to it will be lost.")
    assert "not passed, no hints or solution seen" in exercise
