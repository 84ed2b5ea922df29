"""A cell's printed output: the bounded tail, redrawn on a timer rather than per line."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from curriculum.terminal_text import visible_text
from tui.output_tail import OutputTail


class OutputPane(Static):
    """Shows the tail of what the cell printed; stderr in the error colour."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.tail = OutputTail()
        self._shown_version = -1
        self.display = False

    def clear(self) -> None:
        self.tail.clear()
        self.flush()

    def flush(self) -> bool:
        """Redraw from the tail when something new arrived since the last redraw; True if it did."""
        snapshot = self.tail.snapshot()
        if snapshot.version == self._shown_version or not self.is_attached:
            return False
        self._shown_version = snapshot.version
        text = Text(no_wrap=False, end="")
        if snapshot.hidden:
            text.append(f"… {snapshot.hidden:,} earlier lines hidden …\n", style="italic dim")
        for index, line in enumerate(snapshot.lines):
            if index:
                text.append("\n")
            text.append_text(_coloured(line.text, "red" if line.stream == "stderr" else ""))
        self.update(text)
        self.display = bool(snapshot.lines or snapshot.hidden)
        return True

    @property
    def plain(self) -> str:
        snapshot = self.tail.snapshot()
        return "\n".join(line.text for line in snapshot.lines)


def _coloured(line: str, style: str) -> Text:
    """A line with its SGR colours as styles; `visible_text` again drops a sequence cut by the line limit."""
    shown = visible_text(line)
    return Text.from_ansi(shown, style=style, end="") if "\x1b" in shown else Text(shown, style=style, end="")
