"""Helpers the kernel tests share: finding a test's processes and collecting a cell's output."""

from __future__ import annotations

import os
import time
from pathlib import Path


def processes_of(home: Path) -> list[int]:
    """Processes started for this test: everything a kernel runs inherits its BLITZ_TUI_HOME."""
    marker = f"BLITZ_TUI_HOME={home}\0".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as handle:
                if marker in handle.read():
                    found.append(int(name))
        except OSError:
            continue
    return found


def wait_for_no_processes(home: Path, within: float = 10.0) -> list[int]:
    deadline = time.monotonic() + within
    while True:
        left = processes_of(home)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Output:
    """Collects what a cell streams, in order."""

    def __init__(self):
        self.parts: list[tuple[str, str]] = []

    def __call__(self, stream: str, text: str) -> None:
        self.parts.append((stream, text))

    def text(self, stream: str | None = None) -> str:
        return "".join(t for s, t in self.parts if stream is None or s == stream)
