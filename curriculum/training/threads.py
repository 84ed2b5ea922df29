"""How many CPU threads a batch step gets: measured, not assumed.

On an idle 2-core machine a batch-64 step runs faster on both cores; on a shared one, each
OpenMP barrier waits for a thread the scheduler has not run, and two threads can be ten times
slower than one. So the first steps of every epoch are timed at each thread count, and the rest
of the epoch runs at the fastest. Those probe steps are ordinary training steps.
"""

from __future__ import annotations

import statistics
import time

import torch

PROBE_STEPS = 12  # per thread count; the median ignores a first slow step


class ThreadChooser:
    def __init__(self, most: int, probe_steps: int = PROBE_STEPS):
        self.counts = list(dict.fromkeys((most, 1)))
        self.probe_steps = probe_steps
        self.chosen = most
        self.restart()

    def restart(self) -> None:
        """Probe again (each epoch: the machine's load changes)."""
        self.timings: dict[int, list[float]] = {n: [] for n in self.counts}
        self.probing = len(self.counts) > 1
        self.current = self.counts[0]
        torch.set_num_threads(self.current)

    def timed(self, step, indices) -> None:
        """Run `step(indices)`, timing it while the probe lasts."""
        if not self.probing:
            step(indices)
            return
        began = time.perf_counter()
        step(indices)
        self.record(time.perf_counter() - began)

    def record(self, seconds: float) -> None:
        times = self.timings[self.current]
        times.append(seconds)
        if len(times) < self.probe_steps:
            return
        waiting = [n for n in self.counts if len(self.timings[n]) < self.probe_steps]
        if waiting:
            self.current = waiting[0]
        else:
            self.current = self.chosen = min(self.counts, key=lambda n: statistics.median(self.timings[n]))
            self.probing = False
        torch.set_num_threads(self.current)
