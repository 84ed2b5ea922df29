"""Output read as a terminal reads it: `\\r` with a cursor per stream across chunks, SGR colours."""

from __future__ import annotations

from rich.style import Style

from tui.output_tail import OutputTail
from tui.widgets.cell.output import render_snapshot


def texts(tail: OutputTail) -> list[str]:
    return [line.text for line in tail.snapshot().lines]


def test_a_carriage_return_at_the_end_of_a_chunk_is_overwritten_by_the_next_chunk():
    tail = OutputTail()
    for step in range(5):
        tail.write("stdout", f"step {step}/4\r")  # as tqdm and hand-made bars write
        assert texts(tail) == [f"step {step}/4"]
    tail.write("stdout", "done    ")
    assert texts(tail) == ["done    "]
    tail.write("stdout", "\n")
    assert texts(tail) == ["done    "]


def test_overwriting_is_character_by_character_as_in_a_terminal():
    tail = OutputTail()
    tail.write("stdout", "loading 100%\rok")
    assert texts(tail) == ["okading 100%"]
    tail.write("stdout", "\r\nnext\n")  # \r\n ends the line without erasing it
    assert texts(tail) == ["okading 100%", "next"]


def test_each_stream_keeps_its_own_cursor():
    tail = OutputTail()
    tail.write("stderr", " 50%|#####     |\r")
    tail.write("stdout", "epoch 1\n")
    tail.write("stderr", "100%|##########|\n")
    assert texts(tail) == ["epoch 1", "100%|##########|"]


def test_sgr_colours_become_styles_and_other_escapes_are_dropped():
    tail = OutputTail()
    tail.write("stdout", "\x1b[31mred\x1b[0m plain \x1b[2K\x1b[1;32mgreen")
    tail.write("stdout", " still green\x1b[0m\n")
    (line,) = tail.snapshot().lines
    assert line.text == "red plain green still green"
    styles = {line.text[start:end]: style for start, end, style in line.spans}
    assert styles["red"].color.name == "color(1)" or styles["red"] == Style.parse("red")
    assert styles["green still green"].bold and styles["green still green"].color is not None
    rendered = render_snapshot(tail.snapshot())
    assert rendered.plain == "red plain green still green" and len(rendered.spans) == 2


def test_a_colour_set_in_lines_that_scroll_out_at_once_still_applies():
    tail = OutputTail(max_lines=3)
    tail.write("stdout", "\x1b[34m" + "\n".join(str(n) for n in range(100)) + "\n")
    snapshot = tail.snapshot()
    assert [line.text for line in snapshot.lines] == ["97", "98", "99"] and snapshot.hidden == 97
    assert all(line.spans for line in snapshot.lines)
