"""A pre-started spare kernel, so a restart hands over a ready process (torch already imported)
instead of paying a cold `import torch` (3-4 s) while the learner waits.

Each kernel holds about 500 MB once torch is imported, so a whole app keeps ONE spare, for the lesson
that started a kernel last; another lesson's restart is a cold start and moves the spare to it.
Whoever makes a `SparePool` closes it (the app when it exits, `verify` when it is done).
"""

from __future__ import annotations

import threading
from typing import Callable, Hashable

from curriculum.kernel.process import KernelProcess, KernelStartError


class _Spare:
    def __init__(self, key: Hashable, factory: Callable[[], KernelProcess]):
        self.key = key
        self.process: KernelProcess | None = None
        self.error: Exception | None = None
        self.ready = threading.Event()
        self.discarded = False
        threading.Thread(target=self._start, args=(factory,), name="spare-kernel", daemon=True).start()

    def _start(self, factory: Callable[[], KernelProcess]) -> None:
        try:
            process = factory()
            self.process = process
            process.launch()
            process.wait_ready()
        except Exception as error:
            self.error = error
        finally:
            self.ready.set()
        if self.discarded and self.process is not None:
            self.process.shutdown(grace=0)

    def dispose(self) -> None:
        self.discarded = True
        if self.ready.is_set() and self.process is not None:
            self.process.shutdown(grace=0)  # one still starting is shut down by its own thread


class SparePool:
    """At most one spare kernel process, for one kernel configuration (`key`) at a time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._spare: _Spare | None = None
        self._closed = False

    def fill(self, key: Hashable, factory: Callable[[], KernelProcess]) -> None:
        """Start a spare for `key`; a spare kept for another configuration is shut down."""
        with self._lock:
            if self._closed or (self._spare is not None and self._spare.key == key):
                return
            old, self._spare = self._spare, _Spare(key, factory)
        if old is not None:
            old.dispose()

    def take(self, key: Hashable, timeout: float = 300.0) -> KernelProcess | None:
        """The spare for `key` once it is ready (it started before any cold start could), else None."""
        with self._lock:
            spare = self._spare if self._spare is not None and self._spare.key == key else None
            if spare is not None:
                self._spare = None
        if spare is None:
            return None
        if not spare.ready.wait(timeout) or spare.error is not None or spare.process is None:
            spare.dispose()
            return None
        if not spare.process.alive:
            spare.process.shutdown(grace=0)
            return None
        return spare.process

    @property
    def key(self) -> Hashable | None:
        """Which configuration the spare is for; None when there is none."""
        with self._lock:
            return self._spare.key if self._spare is not None else None

    def wait_ready(self, timeout: float = 300.0) -> bool:
        """Wait until the spare has started; False when there is none or it could not start."""
        with self._lock:
            spare = self._spare
        return spare is not None and spare.ready.wait(timeout) and spare.error is None

    def close(self) -> None:
        """Shut the spare down; nothing is started after this."""
        with self._lock:
            spare, self._spare, self._closed = self._spare, None, True
        if spare is not None:
            spare.dispose()


__all__ = ["SparePool", "KernelStartError"]
