"""A cell's printed output: the bounded tail, redrawn on a timer rather than per line.

A long output scrolls inside its cell (the stylesheet caps its height) and follows the newest
line unless the learner has scrolled up to read.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Span, Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.output_tail import OutputSnapshot, OutputTail

STDERR = Style(color="red")


def render_snapshot(snapshot: OutputSnapshot) -> Text:
    text = Text(no_wrap=False, end="")
    if snapshot.hidden:
        text.append(f"… {snapshot.hidden:,} earlier lines hidden …\n", style="italic dim")
    for index, line in enumerate(snapshot.lines):
        if index:
            text.append("\n")
        offset = len(text)
        text.append(line.text, style=STDERR if line.stream == "stderr" else "")
        for start, end, style in line.spans:
            text.spans.append(Span(offset + start, offset + end, style))
    return text


class OutputPane(VerticalScroll, can_focus=False):
    """Shows the tail of what the cell printed, colours kept; stderr in the error colour."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tail = OutputTail()
        self._shown_version = -1
        self._text = Static("", markup=False, classes="output-text")
        self.display = False

    def compose(self) -> ComposeResult:
        yield self._text

    def clear(self) -> None:
        self.tail.clear()
        self.flush()

    def flush(self) -> bool:
        """Redraw from the tail when something new arrived since the last redraw; True if it did."""
        snapshot = self.tail.snapshot()
        if snapshot.version == self._shown_version or not self.is_attached:
            return False
        self._shown_version = snapshot.version
        following = self.scroll_y >= self.max_scroll_y  # at the bottom: stay there as lines arrive
        self._text.update(render_snapshot(snapshot))
        self.display = bool(snapshot.lines or snapshot.hidden)
        if following:
            self.call_after_refresh(self.scroll_end, animate=False)
        return True

    @property
    def shown(self) -> Static:
        """The widget holding the text as drawn (with the hidden-lines note and colours)."""
        return self._text

    @property
    def plain(self) -> str:
        snapshot = self.tail.snapshot()
        return "\n".join(line.text for line in snapshot.lines)

