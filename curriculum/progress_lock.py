"""One app at a time on a progress file: a second one would save over the first one's edits.

The lock is an `flock` on `<progress file>.lock`, which also holds the owner's pid for the refusal
message. The kernel drops an flock when its process dies, however it dies, so a lock left by a
killed app never blocks the next start; the file itself stays (removing it would race a new owner).
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path


class ProgressInUse(Exception):
    """Another running blitz-tui holds the progress file."""

    def __init__(self, progress_path: Path, pid: int | None) -> None:
        self.progress_path = progress_path
        self.pid = pid
        who = f"blitz-tui (pid {pid})" if pid else "blitz-tui"
        super().__init__(f"another {who} already has your progress open ({progress_path}); "
                         "switch to it, or quit it and start this one again")


class ProgressLock:
    def __init__(self, progress_path: Path) -> None:
        self.progress_path = Path(progress_path)
        self.path = self.progress_path.with_name(self.progress_path.name + ".lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock for this process, or raise ProgressInUse naming the holder."""
        if self._fd is not None:
            return
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            pid = _pid_in(fd)
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise ProgressInUse(self.progress_path, pid) from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # O_NOFOLLOW: the data dir is the learner's, but a link placed there must not make us truncate its target.
        return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)


def _pid_in(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None
