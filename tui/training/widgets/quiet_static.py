"""A Static that repaints only when its text really changed (every repaint goes over SSH)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class QuietStatic(Static):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last: str | None = None
        self.text = ""  # plain text of what is shown, for tests and screen readers


    def show(self, content: str | Text) -> bool:
        key = content.markup if isinstance(content, Text) else content
        if key == self._last:
            return False
        self._last = key
        self.text = content.plain if isinstance(content, Text) else Text.from_markup(content).plain
        self.update(content)
        return True
