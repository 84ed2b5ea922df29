"""The line-oriented JSON spoken between the app and a kernel over two dedicated pipes.

App -> kernel:  {"op": "execute", "code", "count"} | {"op": "check", "code"} | {"op": "shutdown"}
                | {"op": "complete" | "inspect", "id", "code", "row", "column"}  (0-based row/column)
Kernel -> app:  {"t": "ready", "pid"} | {"t": "out", "parts": [[stream, text], ...]}
                | {"t": "result", ...ExecResult fields...} | {"t": "check", "passed", "message"}
                | {"t": "complete", "id", "matches": [names], "replaced": chars left of the cursor}
                | {"t": "inspect", "id", "signature", "doc"}
Nanny -> app:   {"t": "exit", "code" | "signal"} once the kernel process has ended.
Images travel base64-encoded inside "result".
"""

from __future__ import annotations

import base64
import json
import os

# One "out" message carries at most this much text, so a 100 MB line streams in pieces.
MAX_CHUNK_CHARS = 1 << 20


def encode(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def decode(line: bytes) -> dict:
    return json.loads(line)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def clean_text(text: str) -> str:
    """Text that survives UTF-8: lone surrogates a cell printed become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def pack_images(images: list[bytes]) -> list[str]:
    return [base64.b64encode(png).decode("ascii") for png in images]


def unpack_images(images: list[str]) -> list[bytes]:
    return [base64.b64decode(text) for text in images]
