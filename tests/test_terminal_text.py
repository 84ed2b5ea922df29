"""Cell and trainer output keeps SGR colours and loses every other escape sequence, however it is chunked."""

from __future__ import annotations

import random
import re

import pytest

from curriculum.terminal_text import TextOnly, text_only_output, visible_text

ESC = "\x1b"


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("plain text\twith tab\r\n", "plain text\twith tab\r\n"),
        (f"{ESC}[31mred{ESC}[0m", f"{ESC}[31mred{ESC}[0m"),
        (f"{ESC}[1;38;5;208mbold orange{ESC}[m", f"{ESC}[1;38;5;208mbold orange{ESC}[m"),
        (f"{ESC}[38:2::10:20:30mtruecolour", f"{ESC}[38:2::10:20:30mtruecolour"),
        (f"a{ESC}]0;pwned title\x07b", "ab"),  # window title, BEL-terminated
        (f"a{ESC}]2;title{ESC}\\b", "ab"),  # ST-terminated
        (f"a{ESC}]52;c;ZXZpbA==\x07b", "ab"),  # clipboard write
        (f"a{ESC}Ptmux;{ESC}{ESC}]52;c;eA==\x07{ESC}\\b", "ab"),  # DCS passthrough to tmux
        (f"a{ESC}[2J{ESC}[Hb", "ab"),  # clear screen, cursor home
        (f"a{ESC}[10;5Hb{ESC}[3Ac{ESC}[?1049hd", "abcd"),  # cursor moves, alternate screen
        (f"a{ESC}[>4;2mb", "ab"),  # a private-mode `m` is not a colour
        (f"a{ESC}cb{ESC}7c{ESC}(Bd", "abcd"),  # full reset, save cursor, charset
        (f"a{ESC}kwindow name{ESC}\\b", "ab"),  # screen's and tmux's window title
        ("a\x9b2Jb\x9d0;t\x07c", "abc"),  # C1 CSI and OSC
        ("bell\x07 back\x08space\x0cform\x7f", "bell backspaceform"),
        ("unicode ✓ ünï 漢字", "unicode ✓ ünï 漢字"),
        (f"half an OSC {ESC}]0;never ends\nnext line", "half an OSC \nnext line"),
    ],
)
def test_only_text_and_colours_remain(raw, shown):
    assert visible_text(raw) == shown


def test_a_sequence_split_across_chunks_is_still_dropped_and_colours_still_kept():
    raw = f"x{ESC}]52;c;ZXZpbA=={ESC}\\y{ESC}[32mgreen{ESC}[0m{ESC}[2Jz"
    for size in range(1, len(raw) + 1):
        text = TextOnly()
        chunks = [raw[i:i + size] for i in range(0, len(raw), size)]
        assert "".join(text.feed(chunk) for chunk in chunks) == f"xy{ESC}[32mgreen{ESC}[0mz", size


def test_no_escape_byte_survives_except_in_a_colour():
    alphabet = [ESC, "[", "]", "P", "\\", "\x07", "m", "2", ";", "J", "a", "\n", "\x9b", "\x9c", "?", "("]
    generator = random.Random(7)
    for _ in range(2000):
        raw = "".join(generator.choice(alphabet) for _ in range(40))
        without_colours = re.sub(r"\x1b\[[0-9;:]*m", "", visible_text(raw))
        assert ESC not in without_colours and "\x9b" not in without_colours and "\x07" not in without_colours, raw


def test_a_long_csi_is_dropped_and_memory_stays_bounded():
    text = TextOnly()
    assert text.feed(f"{ESC}[" + "1;" * 10_000 + "m" + "after") == "after"


def test_each_stream_keeps_its_own_state():
    seen: list[tuple[str, str]] = []
    forward = text_only_output(lambda stream, text: seen.append((stream, text)))
    forward("stdout", f"out{ESC}]0;")
    forward("stderr", "err")
    forward("stdout", "title\x07more")
    assert seen == [("stdout", "out"), ("stderr", "err"), ("stdout", "more")]
