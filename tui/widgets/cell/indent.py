"""Python indentation rules for the cell editor, as plain functions of a line's text.

Kept apart from the widget so the rules read (and test) without a running app.
"""

from __future__ import annotations

import re

INDENT = 4
_NAME_END = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
# A block ends after these: the next line goes back one level, as in Jupyter and IDLE.
_BLOCK_END = re.compile(r"^\s*(return|pass|break|continue|raise)\b")


def leading(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _code_part(line: str) -> str:
    """The line without a trailing `# comment` (a `#` inside a string is left alone)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:index]
    return line


def newline_indent(before_cursor: str, width: int = INDENT) -> str:
    """What follows the newline when Enter is pressed with `before_cursor` left of the cursor."""
    indent = leading(before_cursor)
    code = _code_part(before_cursor).rstrip()
    if code.endswith(":"):
        return indent + " " * width
    if _BLOCK_END.match(code) and len(indent) >= width:
        return indent[:-width]
    return indent


def dedent_columns(before_cursor: str, width: int = INDENT) -> int:
    """How many spaces Backspace removes: back to the previous indent level when only spaces are
    left of the cursor, else 0 (Backspace then deletes one character as usual)."""
    if not before_cursor or before_cursor.strip(" ") or before_cursor != leading(before_cursor):
        return 0
    column = len(before_cursor)
    return column - (column - 1) // width * width


def wants_completion(before_cursor: str) -> bool:
    """Tab completes after a name or a `.`; in leading whitespace (or after anything else) it indents."""
    if not before_cursor.strip():
        return False
    return before_cursor.endswith(".") or _NAME_END.search(before_cursor) is not None


def name_before(before_cursor: str) -> str:
    """The part of a name left of the cursor (what a completion replaces); "" after a `.`."""
    match = _NAME_END.search(before_cursor)
    return match.group(0) if match else ""
