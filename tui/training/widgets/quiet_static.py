"""A Static that repaints only when its text really changed (every repaint goes over SSH), and asks
for a new layout only when its height may have changed (a layout repaints the whole screen)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class QuietStatic(Static):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last: str | None = None
        self._shape: tuple[int, int] | None = None
        self.text = ""  # plain text of what is shown, for tests and screen readers

    def show(self, content: str | Text) -> bool:
        key = content.markup if isinstance(content, Text) else content
        if key == self._last:
            return False
        self._last = key
        self.text = content.plain if isinstance(content, Text) else Text.from_markup(content).plain
        self.update(content, layout=self._height_may_change())
        return True

    def _height_may_change(self) -> bool:
        height = self.styles.height
        if height is not None and not height.is_auto:
            return False
        width = self.content_size.width
        lines = self.text.split("\n")
        # Lines that fit never wrap, so the same number of them keeps the same height.
        shape = (len(lines), width) if width and all(len(line) < width for line in lines) else None
        changed = shape is None or shape != self._shape
        self._shape = shape
        return changed
