"""What a cell or the trainer printed, made safe to show: SGR colours stay, every other control goes.

A cell's output reaches the learner's terminal (the app's output view, `blitz-tui exec`, the training
screen), so an escape sequence in it would act on that terminal: set its title, write the clipboard
(OSC 52), clear the screen, move the cursor. Only Select Graphic Rendition (`ESC [ ... m`, colours and
bold) is kept, and `\\t`, `\\n`, `\\r` (the output view turns `\\r` into overwriting). Every other C0/C1
control and escape sequence is dropped, including its payload.

Output arrives in chunks that may split a sequence anywhere, so `TextOnly` keeps state between
`feed` calls; `visible_text` is the one-shot form for a whole string (a traceback, a line).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

_KEPT_CONTROLS = frozenset("\t\n\r")
_STRING_STARTERS = frozenset("]PX^_k")  # OSC, DCS, SOS, PM, APC, screen's title: a payload runs to BEL or ST
_C1_STRING_STARTERS = frozenset("\x9d\x90\x98\x9e\x9f")
_C1_CSI = "\x9b"
_C1_ST = "\x9c"
_SGR_PARAMETERS = frozenset("0123456789;:")
_MAX_CSI = 64  # a longer "colour" is not one a program meant; it is dropped whole

# Scanner states.
_TEXT, _ESCAPE, _ESCAPE_INTERMEDIATE, _CSI, _STRING, _STRING_ESCAPE = range(6)


class TextOnly:
    """A stateful filter for one output stream: feed it chunks, show what it returns."""

    def __init__(self) -> None:
        self._state = _TEXT
        self._csi: list[str] = []  # parameters of the CSI sequence being read
        self._csi_is_c1 = False

    def feed(self, chunk: str) -> str:
        shown: list[str] = []
        for char in chunk:
            self._step(char, shown)
        return "".join(shown)

    def finish(self) -> None:
        """The stream ended: a sequence still open is dropped, and the next stream starts clean."""
        self.__init__()

    def _step(self, char: str, shown: list[str]) -> None:
        state = self._state
        if state == _TEXT:
            self._text(char, shown)
        elif state == _ESCAPE:
            self._after_escape(char, shown)
        elif state == _ESCAPE_INTERMEDIATE:
            if not "\x20" <= char <= "\x2f":  # the final byte ends `ESC ( B` and its kind
                self._state = _TEXT
                if not "\x30" <= char <= "\x7e":
                    self._text(char, shown)
        elif state == _CSI:
            self._in_csi(char, shown)
        elif state == _STRING:
            if char in ("\x07", _C1_ST):
                self._state = _TEXT
            elif char == "\x1b":
                self._state = _STRING_ESCAPE
            elif char == "\n":  # friendlier than a terminal: an unterminated payload ends at the line
                self._state = _TEXT
                shown.append(char)
        else:  # _STRING_ESCAPE: `ESC \` is the terminator; any other ESC starts a new sequence
            self._state = _TEXT
            if char != "\\":
                self._after_escape(char, shown)

    def _text(self, char: str, shown: list[str]) -> None:
        code = ord(char)
        if char == "\x1b":
            self._state = _ESCAPE
        elif char == _C1_CSI:
            self._start_csi(c1=True)
        elif char in _C1_STRING_STARTERS:
            self._state = _STRING
        elif code < 0x20 and char not in _KEPT_CONTROLS or 0x7F <= code <= 0x9F:
            pass  # BEL, backspace, form feed, DEL, the other C1 controls
        else:
            shown.append(char)

    def _after_escape(self, char: str, shown: list[str]) -> None:
        if char == "[":
            self._start_csi(c1=False)
        elif char in _STRING_STARTERS:
            self._state = _STRING
        elif char == "\x1b":
            self._state = _ESCAPE
        elif "\x20" <= char <= "\x2f":
            self._state = _ESCAPE_INTERMEDIATE
        else:
            self._state = _TEXT
            if not "\x30" <= char <= "\x7e":  # not a final byte: ESC was alone, the char is text
                self._text(char, shown)

    def _start_csi(self, c1: bool) -> None:
        self._state = _CSI
        self._csi = []
        self._csi_is_c1 = c1

    def _in_csi(self, char: str, shown: list[str]) -> None:
        if "\x40" <= char <= "\x7e":  # the final byte
            self._state = _TEXT
            parameters = "".join(self._csi)
            if char == "m" and not self._csi_is_c1 and set(parameters) <= _SGR_PARAMETERS:
                shown.append(f"\x1b[{parameters}m")
        elif "\x20" <= char <= "\x3f":
            if len(self._csi) < _MAX_CSI:
                self._csi.append(char)
            else:
                self._csi[-1] = "?"  # too long: remember only that it cannot be a colour
        else:  # a control or non-ASCII character breaks the sequence off; the char is handled as text
            self._state = _TEXT
            self._text(char, shown)


def visible_text(text: str) -> str:
    """`text` with every control sequence but SGR colours removed (a whole traceback, one line)."""
    return TextOnly().feed(text)


def text_only_output(on_output: Callable[[str, str], None]) -> Callable[[str, str], None]:
    """Wrap an `on_output(stream, text)` callback so each stream is filtered, chunk boundaries and all."""
    filters: defaultdict[str, TextOnly] = defaultdict(TextOnly)

    def forward(stream: str, text: str) -> None:
        shown = filters[stream].feed(text)
        if shown:
            on_output(stream, shown)

    return forward
