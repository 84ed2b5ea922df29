"""How many CPU threads a batch step gets: measured, not assumed.

On an idle 2-core machine a step runs faster on both cores (batch 64, and batch 4 by about 1.3×); on a shared one, each
OpenMP barrier waits for a thread the scheduler has not run, and two threads can be ten times
slower than one. So steps are timed at each thread count, taking turns in blocks, and the
following steps run at the fastest; the probe starts again every epoch and after REPROBE_AFTER
times its length, since a busy moment can mislead one probe. The first fifth of every block is not
counted: after a switch, waking the second core's thread made the first tens of batch-4 steps
slow, and counting them chose one thread where two were 20% faster. Probe steps are ordinary
training steps.
"""

from __future__ import annotations

import statistics
import time

import torch

PROBE_STEPS = 12  # per thread count; the median ignores a first slow step
TINY_PROBE_STEPS = 400  # batch-4 steps are ~0.4 ms: 0.16 s per thread count, in blocks of 100
ROUNDS = 4  # the counts take turns, so a slow start (warm caches, a thread pool starting) hits them all alike
OBVIOUS = 2.0  # one count this much faster in every block, two blocks each: no need to probe on
REPROBE_AFTER = 20  # probe again after 20 × a probe's steps: at most ~2% of steps at the slower count


class ThreadChooser:
    def __init__(self, most: int, probe_steps: int = PROBE_STEPS, rounds: int = ROUNDS):
        self.counts = list(dict.fromkeys((most, 1)))
        self.block = max(1, probe_steps // rounds)  # steps in a row at one count
        self.probe_steps = self.block * max(1, probe_steps // self.block)
        self.settle = self.block // 5
        self.counted = (self.block - self.settle) * (self.probe_steps // self.block)
        self.chosen = most
        self.reprobe_after = REPROBE_AFTER * self.probe_steps * len(self.counts)
        self.restart()

    def restart(self) -> None:
        """Probe again (each epoch: the machine's load changes)."""
        self.timings: dict[int, list[float]] = {n: [] for n in self.counts}
        self.probing = len(self.counts) > 1
        self.steps_since_probe = self.in_block = 0
        self.current = self.counts[0]
        torch.set_num_threads(self.current)

    def timed(self, step, indices) -> None:
        """Run `step(indices)`, timing it while the probe lasts."""
        if not self.probing:
            step(indices)
            self.steps_since_probe += 1
            if self.steps_since_probe >= self.reprobe_after and len(self.counts) > 1:
                self.restart()
            return
        began = time.perf_counter()
        step(indices)
        self.record(time.perf_counter() - began)

    def record(self, seconds: float) -> None:
        self.in_block += 1
        if self.in_block > self.settle:  # the first steps after a switch wake or park threads: not counted
            self.timings[self.current].append(seconds)
        if self.in_block < self.block:
            return
        self.in_block = 0
        if all(len(t) >= self.counted for t in self.timings.values()) or self._obvious():
            self.current = self.chosen = min(self.counts, key=lambda n: statistics.median(self.timings[n]))
            self.probing = False
        else:
            self.current = self.counts[(self.counts.index(self.current) + 1) % len(self.counts)]
        torch.set_num_threads(self.current)

    def _obvious(self) -> bool:
        """After two blocks each, every block of one count at least twice as slow as every block of the
        other: on a busy machine two threads can be ten times slower, and probing on would cost seconds.
        (One slow block, a slow start, is not enough.)"""
        size = self.block - self.settle
        blocks = {}
        for n, times in self.timings.items():
            if len(times) < 2 * size:
                return False
            blocks[n] = [statistics.median(times[i:i + size]) for i in range(0, len(times) - size + 1, size)]
        fastest = min(self.counts, key=lambda n: max(blocks[n]))
        return all(min(blocks[n]) >= OBVIOUS * max(blocks[fastest]) for n in self.counts if n != fastest)
