"""Text that stays legible when the terminal has fewer colours than the theme was drawn in.

The theme is designed in full colour. On a 16-colour terminal (TERM=xterm, the Linux console) each colour
becomes the nearest of 16, and under NO_COLOR Textual turns every colour into a grey; two colours that
differ in hue can then land on the same or nearly the same shade (pink keywords become dark grey on a dark
grey cell). This filter runs after those reductions, predicts what the terminal will show, and where text
would not stand out from its background moves its colour to the nearest one that does.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

# WCAG's ratio: 1 is invisible, 4.5 is the bar for body text; 3 keeps dimmed text dim but legible.
MIN_CONTRAST = 3.0

# xterm's 16 colours: what a 16-colour terminal most likely shows for ANSI colours 0-15.
XTERM_16 = ((0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255))
GREYS = tuple((v, v, v) for v in range(0, 256, 4)) + ((255, 255, 255),)


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _distance(a, b) -> int:
    return sum((x - y) ** 2 for x, y in zip(a, b))


class ReadableText(LineFilter):
    """Raises the contrast of text whose colours the terminal's reduction made too close to its background."""

    def __init__(self, sixteen_colours: bool, grey: bool) -> None:
        super().__init__(enabled=sixteen_colours or grey)
        self.sixteen_colours = sixteen_colours

    @classmethod
    def for_app(cls, color_system: str | None, no_color: bool) -> "ReadableText":
        return cls(sixteen_colours=color_system in ("standard", "windows"), grey=no_color)

    def shown(self, colour: RichColor) -> tuple[tuple[int, int, int], int | None]:
        """The RGB the terminal will show, and the ANSI number when it is one of 16 colours."""
        if self.sixteen_colours:
            number = colour.downgrade(ColorSystem.STANDARD).number
            if number is not None and number < 16:
                return XTERM_16[number], number
        triplet = colour.get_truecolor()
        return (triplet.red, triplet.green, triplet.blue), None

    @lru_cache(maxsize=4096)
    def readable(self, fg: RichColor, bg: RichColor) -> RichColor | None:
        """A replacement for `fg` on `bg`, or None when `fg` already stands out."""
        fg_rgb, _ = self.shown(fg)
        bg_rgb, _ = self.shown(bg)
        if contrast(fg_rgb, bg_rgb) >= MIN_CONTRAST:
            return None
        palette = XTERM_16 if self.sixteen_colours else GREYS
        legible = [c for c in palette if contrast(c, bg_rgb) >= MIN_CONTRAST] or [(255, 255, 255), (0, 0, 0)]
        best = min(legible, key=lambda c: _distance(c, fg_rgb))
        if self.sixteen_colours:
            return RichColor.from_ansi(XTERM_16.index(best))
        return RichColor.from_rgb(*best)

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        base = background.rich_color
        result = []
        for text, style, control in segments:
            if style is not None and not control and text.strip():
                fg = style.color
                bg = style.bgcolor or base
                if style.reverse:
                    fg, bg = bg, fg
                if fg is not None and bg is not None and not fg.is_default and not bg.is_default:
                    better = self.readable(fg, bg)
                    if better is not None:
                        change = Style(bgcolor=better) if style.reverse else Style(color=better)
                        style = style + change
            result.append(Segment(text, style, control))
        return result
