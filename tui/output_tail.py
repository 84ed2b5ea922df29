"""The last lines a cell printed, kept safe for a reader thread to write and the UI to read.

A cell may print millions of lines; only a bounded tail is kept, with a count of what was
dropped, so memory and redraw cost stay flat however much the cell prints.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

TAIL_LINES = 200
MAX_LINE_CHARS = 2000


@dataclass(frozen=True)
class OutputLine:
    stream: str  # "stdout" | "stderr"
    text: str


@dataclass(frozen=True)
class OutputSnapshot:
    lines: tuple[OutputLine, ...]
    hidden: int  # lines dropped from the top
    version: int  # grows with every write; the UI redraws only when it changed


class OutputTail:
    """Thread-safe: `write` from any thread, `snapshot` from the UI."""

    def __init__(self, max_lines: int = TAIL_LINES) -> None:
        self._lock = threading.Lock()
        self._lines: deque[OutputLine] = deque(maxlen=max_lines)
        self._partial: dict[str, str] = {}
        self._total = 0
        self._version = 0

    def write(self, stream: str, text: str) -> None:
        if not text:
            return
        with self._lock:
            self._version += 1
            pieces = (self._partial.pop(stream, "") + text).split("\n")
            # The last piece has no newline yet: keep it open for the next write.
            tail = pieces.pop()
            for piece in pieces:
                self._append(stream, piece)
            if tail:
                self._partial[stream] = tail[-MAX_LINE_CHARS:]

    def _append(self, stream: str, text: str) -> None:
        if len(text) > MAX_LINE_CHARS:
            text = text[: MAX_LINE_CHARS - 1] + "…"
        self._lines.append(OutputLine(stream, text))
        self._total += 1

    def snapshot(self) -> OutputSnapshot:
        with self._lock:
            lines = list(self._lines)
            open_lines = [OutputLine(stream, text) for stream, text in self._partial.items()]
            shown = lines + open_lines
            keep = self._lines.maxlen or len(shown)
            hidden = self._total - len(lines) + max(0, len(shown) - keep)
            return OutputSnapshot(tuple(shown[-keep:]), hidden, self._version)

    def clear(self) -> None:
        with self._lock:
            self._lines.clear()
            self._partial.clear()
            self._total = 0
            self._version += 1

    @property
    def version(self) -> int:
        return self._version
