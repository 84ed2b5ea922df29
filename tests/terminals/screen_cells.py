"""The cells of a tmux pane as `capture-pane -p -e` prints them: each character with its colours.

Enough SGR to judge readability: 16, 256 and 24-bit colours, defaults, bold, and reverse video.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESCAPE = re.compile(r"\x1b[\[\]][^a-zA-Z]*[a-zA-Z]")

# xterm's 16 colours; tmux draws unset colours as the terminal's defaults, taken here as light on black.
BASIC = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
         (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
         (255, 0, 255), (0, 255, 255), (255, 255, 255)]
DEFAULT_FG, DEFAULT_BG = ("basic", 7), ("basic", 0)
CUBE = [0, 95, 135, 175, 215, 255]


@dataclass(frozen=True)
class Cell:
    char: str
    fg: tuple  # ("basic", 0-15) | ("256", 0-255) | ("rgb", (r, g, b))
    bg: tuple
    row: int


def rgb(colour: tuple) -> tuple[int, int, int]:
    kind, value = colour
    if kind == "rgb":
        return value
    if kind == "basic" or value < 16:
        return BASIC[value]
    if value >= 232:
        grey = 8 + 10 * (value - 232)
        return (grey, grey, grey)
    value -= 16
    return (CUBE[value // 36], CUBE[value // 6 % 6], CUBE[value % 6])


def luminance(colour: tuple) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple, b: tuple) -> float:
    """WCAG contrast ratio, 1 (invisible) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def is_grey(colour: tuple) -> bool:
    r, g, b = rgb(colour)
    return max(r, g, b) - min(r, g, b) <= 8


def parse(captured: str) -> list[Cell]:
    cells: list[Cell] = []
    fg, bg, reverse = DEFAULT_FG, DEFAULT_BG, False
    for row, line in enumerate(captured.split("\n")):
        position = 0
        for match in SGR.finditer(line):
            cells += _text_cells(line[position:match.start()], fg, bg, reverse, row)
            fg, bg, reverse = _apply(match.group(1), fg, bg, reverse)
            position = match.end()
        cells += _text_cells(line[position:], fg, bg, reverse, row)
    return cells


def colour_codes(captured: str) -> set[str]:
    """Which colour depths the pane uses: "16", "256", "rgb"."""
    found = set()
    for match in SGR.finditer(captured):
        params = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", match.group(1) or "0")]
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48) and i + 1 < len(params):
                found.add("256" if params[i + 1] == 5 else "rgb")
                i += 3 if params[i + 1] == 5 else 5
                continue
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                found.add("16")
            i += 1
    return found


def _text_cells(text: str, fg, bg, reverse, row) -> list[Cell]:
    text = OTHER_ESCAPE.sub("", text)
    if reverse:
        fg, bg = bg, fg
    return [Cell(ch, fg, bg, row) for ch in text]


def _apply(params_text: str, fg, bg, reverse):
    params = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", params_text or "0")]
    i = 0
    while i < len(params):
        p = params[i]
        if p == 0:
            fg, bg, reverse = DEFAULT_FG, DEFAULT_BG, False
        elif p == 7:
            reverse = True
        elif p == 27:
            reverse = False
        elif 30 <= p <= 37:
            fg = ("basic", p - 30)
        elif 90 <= p <= 97:
            fg = ("basic", p - 90 + 8)
        elif 40 <= p <= 47:
            bg = ("basic", p - 40)
        elif 100 <= p <= 107:
            bg = ("basic", p - 100 + 8)
        elif p == 39:
            fg = DEFAULT_FG
        elif p == 49:
            bg = DEFAULT_BG
        elif p in (38, 48) and i + 1 < len(params):
            if params[i + 1] == 5 and i + 2 < len(params):
                colour, i = ("256", params[i + 2]), i + 2
            elif params[i + 1] == 2 and i + 4 < len(params):
                colour, i = ("rgb", tuple(params[i + 2:i + 5])), i + 4
            else:
                colour = DEFAULT_FG if p == 38 else DEFAULT_BG
            if p == 38:
                fg = colour
            else:
                bg = colour
        i += 1
    return fg, bg, reverse
