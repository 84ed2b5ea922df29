"""Pre-started spare kernels, so a restart hands over a ready process (torch already imported)
instead of paying a cold `import torch` (3-4 s) while the learner waits."""

from __future__ import annotations

import atexit
import threading
from typing import Callable, Hashable

from curriculum.kernel.process import KernelProcess, KernelStartError


class _Spare:
    def __init__(self, factory: Callable[[], KernelProcess]):
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


class SparePool:
    """At most one spare per kernel configuration."""

    def __init__(self):
        self._lock = threading.Lock()
        self._spares: dict[Hashable, _Spare] = {}

    def fill(self, key: Hashable, factory: Callable[[], KernelProcess]) -> None:
        with self._lock:
            if key not in self._spares:
                self._spares[key] = _Spare(factory)

    def take(self, key: Hashable, timeout: float = 300.0) -> KernelProcess | None:
        """The spare for key once it is ready (it started before any cold start could), else None."""
        with self._lock:
            spare = self._spares.pop(key, None)
        if spare is None:
            return None
        if not spare.ready.wait(timeout) or spare.error is not None or spare.process is None:
            spare.discarded = True
            if spare.process is not None and spare.ready.is_set():
                spare.process.shutdown(grace=0)
            return None
        if not spare.process.alive:
            spare.process.shutdown(grace=0)
            return None
        return spare.process

    def wait_ready(self, key: Hashable, timeout: float = 300.0) -> bool:
        with self._lock:
            spare = self._spares.get(key)
        return spare is not None and spare.ready.wait(timeout) and spare.error is None

    def discard(self, key: Hashable) -> None:
        with self._lock:
            spare = self._spares.pop(key, None)
        if spare is not None:
            _dispose(spare)

    def close_all(self) -> None:
        with self._lock:
            spares, self._spares = list(self._spares.values()), {}
        for spare in spares:
            _dispose(spare)


def _dispose(spare: _Spare) -> None:
    spare.discarded = True
    if spare.ready.is_set() and spare.process is not None:
        spare.process.shutdown(grace=0)


POOL = SparePool()
atexit.register(POOL.close_all)

__all__ = ["POOL", "SparePool", "KernelStartError"]
