"""Watches a kernel's process tree from the app: memory cap, process and thread caps, sudden death.

Every INTERVAL_S it sums what every process under the sandbox's root holds (anonymous and shared
memory pages, from /proc/PID/status) plus what the kernel's private /dev/shm holds, and counts the
processes and their threads. Shared pages are counted once per process that maps them, so before
killing for memory it settles the figure with PSS (smaps_rollup), which splits each shared page
among its users; that costlier read happens only over the cap. No RLIMIT_AS (it breaks
`import torch` and CUDA) and no cgroups (they need privileges). It also remembers every process it
has seen, so ones that escaped the tree can still be killed.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Callable

from curriculum.kernel import proctree

INTERVAL_S = 0.1
DEATH_GRACE_S = 0.5


def default_memory_bytes() -> int:
    """min(50% of RAM, 8 GiB)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        total = 16 << 30
    return min(total // 2, 8 << 30)


def default_max_threads() -> int:
    """Room for torch's thread pools in a few processes on a big machine, not for a thread bomb."""
    return max(2048, 8 * (os.cpu_count() or 1))


class Watchdog:
    def __init__(self, root: int, *, memory_bytes: int, max_processes: int,
                 on_breach: Callable[[str, int], None], interval: float | None = None,
                 max_threads: int | None = None, private_shm: bool = False):
        self.root = root
        self.memory_bytes = memory_bytes
        self.max_processes = max_processes
        self.max_threads = max_threads or default_max_threads()
        self.private_shm = private_shm  # the kernel's /dev/shm is its own: what is in it is the kernel's
        self.interval = INTERVAL_S if interval is None else interval
        self.kernel_pid: int | None = None  # set once the kernel reported in
        self.peak_bytes = 0
        self.seen: dict[int, int] = {}  # pid -> start time, for processes that left the tree
        self._on_breach = on_breach
        self._dead_polls = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"kernel-watchdog-{root}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        self._dead_polls = 0
        while not self._stop.wait(self.interval):
            self.poll()

    def poll(self) -> None:
        """One look at the tree: memory, process count, and whether the kernel still lives."""
        pids = [self.root] + proctree.descendants(self.root)
        live = [pid for pid in pids if proctree.alive(pid)]
        for pid in live:
            if pid not in self.seen:
                started = proctree.start_time(pid)
                if started is not None:
                    self.seen[pid] = started
        used = threads = 0
        for pid in live:
            memory, count = proctree.held(pid)
            used += memory
            threads += count
        shm = self._shm_used()
        used += shm
        if used > self.memory_bytes:  # the quick sum overstates shared pages: settle it before killing
            used = sum(proctree.proportional(pid) for pid in live) + shm
        self.peak_bytes = max(self.peak_bytes, used)
        if self._stop.is_set():
            return
        if used > self.memory_bytes:
            self._breach("memory", used)
        elif len(live) > self.max_processes:
            self._breach("processes", len(live))
        elif threads > self.max_threads:
            self._breach("threads", threads)
        elif not proctree.alive(self.root) or (self.kernel_pid is not None and not proctree.alive(self.kernel_pid)):
            # The nanny reports how the kernel ended within milliseconds; this is the backstop.
            self._dead_polls += 1
            if self._dead_polls * self.interval >= DEATH_GRACE_S:
                self._breach("died", 0)

    def _shm_used(self) -> int:
        """Bytes in the kernel's private /dev/shm, files no process maps included."""
        if not self.private_shm or self.kernel_pid is None:
            return 0
        return proctree.folder_used(f"/proc/{self.kernel_pid}/root/dev/shm")

    def _breach(self, reason: str, amount: int) -> None:
        self._stop.set()
        self._on_breach(reason, amount)

    def stragglers(self) -> list[int]:
        """Processes seen in the tree earlier that are still the same processes now."""
        return [pid for pid, started in list(self.seen.items()) if proctree.start_time(pid) == started]


def kill_tree(root: int, watchdog: Watchdog | None = None) -> None:
    """Freeze every process of the kernel (so none can fork), then kill them all."""
    try:
        group = os.getpgid(root)
    except OSError:
        group = None
    for _ in range(20):
        found = [root] + proctree.descendants(root)
        if watchdog is not None:
            found += [pid for pid in watchdog.stragglers() if pid not in found]
        found = [pid for pid in found if proctree.alive(pid)]
        if not found:
            break
        proctree.kill_all(found, signal.SIGSTOP)
        again = set(proctree.descendants(root))
        proctree.kill_all(found, signal.SIGKILL)
        if again <= set(found):
            break
    if group is not None and group != os.getpgid(0):
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
