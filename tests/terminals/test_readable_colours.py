"""The filter that keeps text legible after the terminal's colour reduction, on its own."""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color

from tui.readable_colours import MIN_CONTRAST, XTERM_16, ReadableText, contrast


def shown_rgb(filter_: ReadableText, colour: RichColor):
    return filter_.shown(colour)[0]


def test_grey_text_too_close_to_its_grey_background_is_lifted():
    grey = ReadableText(sixteen_colours=False, grey=True)
    dark_keyword, cell = RichColor.from_rgb(88, 88, 88), RichColor.from_rgb(58, 58, 58)  # NO_COLOR's pink keyword
    [segment] = grey.apply([Segment("import", Style(color=dark_keyword, bgcolor=cell))], Color(0, 0, 0))
    assert contrast(shown_rgb(grey, segment.style.color), shown_rgb(grey, cell)) >= MIN_CONTRAST


def test_legible_text_is_left_alone():
    grey = ReadableText(sixteen_colours=False, grey=True)
    style = Style(color=RichColor.from_rgb(240, 240, 240), bgcolor=RichColor.from_rgb(20, 20, 20))
    assert grey.apply([Segment("fine", style)], Color(0, 0, 0))[0].style == style


def test_sixteen_colours_pick_a_legible_ansi_colour():
    sixteen = ReadableText(sixteen_colours=True, grey=False)
    muted, highlight = RichColor.from_rgb(200, 200, 200), RichColor.from_rgb(0, 180, 190)  # grey on cyan
    [segment] = sixteen.apply([Segment("0/4 exercises", Style(color=muted, bgcolor=highlight))], Color(0, 0, 0))
    number = segment.style.color.number
    assert number is not None and number < 16
    assert contrast(XTERM_16[number], shown_rgb(sixteen, highlight)) >= MIN_CONTRAST


def test_it_is_off_for_terminals_with_full_colour():
    assert not ReadableText.for_app("truecolor", no_color=False).enabled
    assert not ReadableText.for_app("256", no_color=False).enabled
    assert ReadableText.for_app("standard", no_color=False).enabled
    assert ReadableText.for_app("truecolor", no_color=True).enabled
