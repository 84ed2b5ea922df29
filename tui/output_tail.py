"""The last lines a cell printed, kept safe for a reader thread to write and the UI to read.

A cell may print millions of lines; only a bounded tail is kept, with a count of what was
dropped, so memory and redraw cost stay flat however much the cell prints.

Output is read the way a terminal (and JupyterLab 4.3) reads it: each stream has a cursor that
lives across writes, `\\r` moves it to the start of the line and what follows overwrites it, so a
tqdm bar that ends one chunk with `\\r` and redraws in the next stays one updating line. SGR colour
codes become styles. The kernel already filters output (`curriculum.terminal_text`: only SGR, `\\t`,
`\\n` and `\\r` reach here); any other sequence that still comes is dropped.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass

from rich.ansi import AnsiDecoder
from rich.style import Style

TAIL_LINES = 200
MAX_LINE_CHARS = 2000

_TOKENS = re.compile(r"(\x1b\[[0-9;:]*m|\r|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_])")
_SGR = re.compile(r"\x1b\[[0-9;:]*m")


@dataclass(frozen=True)
class OutputLine:
    stream: str  # "stdout" | "stderr"
    text: str
    spans: tuple[tuple[int, int, Style], ...] = ()  # colours: (start, end, style)


@dataclass(frozen=True)
class OutputSnapshot:
    lines: tuple[OutputLine, ...]
    hidden: int  # lines dropped from the top
    version: int  # grows with every write; the UI redraws only when it changed


class _LineCursor:
    """One stream's unfinished line: its characters, their styles, and where the next one goes."""

    def __init__(self) -> None:
        self.chars: list[str] = []
        self.styles: list[Style | None] = []
        self.column = 0
        self.style: Style | None = None
        self.cut = False  # characters past MAX_LINE_CHARS were dropped
        self._decoder = AnsiDecoder()

    def put(self, text: str) -> None:
        """Text without newlines: characters overwrite from the cursor, `\\r` returns it to column 0."""
        for token in _TOKENS.split(text):
            if not token:
                continue
            if token == "\r":
                self.column = 0
            elif token[0] == "\x1b":
                if token[-1] == "m" and token[1] == "[":
                    self.apply_sgr(token)
            else:
                room = MAX_LINE_CHARS - self.column
                if len(token) > room:
                    self.cut = True
                    token = token[:room]
                if not token:
                    continue
                end = self.column + len(token)
                self.chars[self.column:end] = token
                self.styles[self.column:end] = [self.style] * len(token)
                self.column = end

    def apply_sgr(self, code: str) -> None:
        self._decoder.decode_line(code)
        style = self._decoder.style
        self.style = style if style else None

    def is_empty(self) -> bool:
        return not self.chars

    def line(self, stream: str) -> OutputLine:
        text = "".join(self.chars)
        if self.cut:
            text = text[: MAX_LINE_CHARS - 1] + "…"
        spans: list[tuple[int, int, Style]] = []
        start = 0
        for index in range(1, len(self.styles) + 1):
            if index == len(self.styles) or self.styles[index] is not self.styles[start]:
                if self.styles[start] is not None:
                    spans.append((start, index, self.styles[start]))
                start = index
        return OutputLine(stream, text, tuple(spans))

    def newline(self) -> None:
        self.cut = False
        self.chars.clear()
        self.styles.clear()
        self.column = 0


class OutputTail:
    """Thread-safe: `write` from any thread, `snapshot` from the UI."""

    def __init__(self, max_lines: int = TAIL_LINES) -> None:
        self._lock = threading.Lock()
        self._lines: deque[OutputLine] = deque(maxlen=max_lines)
        self._cursors: dict[str, _LineCursor] = {}
        self._total = 0
        self._version = 0

    def write(self, stream: str, text: str) -> None:
        if not text:
            return
        with self._lock:
            self._version += 1
            cursor = self._cursors.setdefault(stream, _LineCursor())
            *complete, last = text.split("\n")
            keep = self._lines.maxlen or len(complete)
            if len(complete) > keep + 1:
                # Lines that would scroll out of the tail at once: count them, keep only their colours.
                cursor.put(complete[0])
                self._end_line(stream, cursor)
                skipped = complete[1:-keep]
                for code in _SGR.findall("".join(skipped)):
                    cursor.apply_sgr(code)
                self._total += len(skipped)
                complete = complete[-keep:]
            for piece in complete:
                cursor.put(piece)
                self._end_line(stream, cursor)
            cursor.put(last)

    def _end_line(self, stream: str, cursor: _LineCursor) -> None:
        self._lines.append(cursor.line(stream))
        self._total += 1
        cursor.newline()

    def snapshot(self) -> OutputSnapshot:
        with self._lock:
            lines = list(self._lines)
            open_lines = [cursor.line(stream) for stream, cursor in self._cursors.items() if not cursor.is_empty()]
            shown = lines + open_lines
            keep = self._lines.maxlen or len(shown)
            hidden = self._total - len(lines) + max(0, len(shown) - keep)
            return OutputSnapshot(tuple(shown[-keep:]), hidden, self._version)

    def clear(self) -> None:
        with self._lock:
            self._lines.clear()
            self._cursors.clear()
            self._total = 0
            self._version += 1

    @property
    def version(self) -> int:
        return self._version
