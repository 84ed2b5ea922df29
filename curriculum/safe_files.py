"""Opening files the app or the trainer writes without following a symlink planted in their place.

Kernels run learner code that may write into the cache (lesson data lives there), so a log or record
path under it could be a symlink to any file of the user's. `O_NOFOLLOW` makes such an open fail
instead of writing through the link.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def _open(path: Path, flags: int, newline: str | None = None) -> TextIO:
    fd = os.open(path, flags | NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o644)
    return os.fdopen(fd, "w", encoding="utf-8", newline=newline)


def open_append(path: Path) -> TextIO:
    """`path` for appending text, created when missing; OSError (ELOOP) when it is a symlink."""
    return _open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)


def open_fresh(path: Path, newline: str | None = None) -> TextIO:
    """A new, empty `path` for writing text. Whatever was there (a file, or a symlink planted in its
    place) is unlinked first, never written through; a folder that is a symlink is refused (OSError)."""
    if path.parent.is_symlink():
        raise OSError(f"{path.parent} is a symlink; not writing through it")
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    return _open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, newline)
