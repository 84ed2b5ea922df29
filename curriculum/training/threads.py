"""How many CPU threads a batch step gets: measured, not assumed.

On an idle 2-core machine a step runs faster on both cores (batch 64, and batch 4 by about 1.3×);
on a shared one, each OpenMP barrier waits for a thread the scheduler has not run, and two threads
can be ten to a hundred times slower than one. So steps are timed at each thread count, taking
turns in blocks, one thread first, and the following steps run at the fastest; the probe starts
again every epoch and after REPROBE_AFTER times its length, since a busy moment can mislead one
probe. The first steps of every block are not counted: after a switch, waking the second core's
thread made the first tens of batch-4 steps slow, and counting them chose one thread where two were
20% faster. A count far slower than one thread is dropped after a few steps: on a busy machine a
whole block of it cost seconds. Probe steps are ordinary training steps.
"""

from __future__ import annotations

import statistics
import time

import torch

PROBE_STEPS = 12  # per thread count
TINY_PROBE_STEPS = 400  # batch-4 steps are ~0.4 ms: 0.16 s per thread count, in blocks of 100
ROUNDS = 4  # the counts take turns, so a slow start (warm caches, a thread pool starting) hits them all alike
SETTLE_S = 0.02  # a block's first steps are not counted: up to a fifth of it, or this long
HOPELESS, HOPELESS_AFTER = 3.0, 20  # a count 3× slower than one thread over 20 counted steps is dropped
REPROBE_AFTER = 20  # probe again after 20 × a probe's steps: at most ~2% of steps at the slower count


class ThreadChooser:
    def __init__(self, most: int, probe_steps: int = PROBE_STEPS, rounds: int = ROUNDS):
        self.counts = list(dict.fromkeys((1, most)))  # one thread first: it is never the disaster
        self.block = max(1, probe_steps // rounds)  # steps in a row at one count
        self.rounds = max(1, probe_steps // self.block)
        self.settle = self.block // 5
        self.chosen = most
        self.reprobe_after = REPROBE_AFTER * self.block * self.rounds * len(self.counts)
        self.restart()

    def restart(self) -> None:
        """Probe again (each epoch: the machine's load changes)."""
        self.timings: dict[int, list[float]] = {n: [] for n in self.counts}
        self.blocks_done = dict.fromkeys(self.counts, 0)
        self.probing = len(self.counts) > 1
        self.steps_since_probe = self.in_block = 0
        self.settled_s = 0.0
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
        if self.in_block <= self.settle and self.settled_s < SETTLE_S:
            self.settled_s += seconds  # threads waking or parking after a switch: not counted
        else:
            self.timings[self.current].append(seconds)
        if self._hopeless():
            self._choose(self.counts[0])
            return
        if self.in_block < self.block:
            return
        self.in_block, self.settled_s = 0, 0.0
        self.blocks_done[self.current] += 1
        if all(done >= self.rounds for done in self.blocks_done.values()):
            # The mean step, not the median: throughput is the mean. On a busy machine two threads' median
            # step looked faster than one thread's while their stalls at barriers made them 5× slower overall.
            self._choose(min(self.counts, key=lambda n: statistics.fmean(self.timings[n])))
            return
        self.current = self.counts[(self.counts.index(self.current) + 1) % len(self.counts)]
        torch.set_num_threads(self.current)

    def _hopeless(self) -> bool:
        """The count being probed is far slower than one thread (a busy machine): stop spending steps on it."""
        one, mine = self.timings[self.counts[0]], self.timings[self.current]
        return (self.current != self.counts[0] and len(one) >= HOPELESS_AFTER and len(mine) >= HOPELESS_AFTER
                and statistics.fmean(mine) >= HOPELESS * statistics.fmean(one))

    def _choose(self, count: int) -> None:
        self.current = self.chosen = count
        self.probing = False
        torch.set_num_threads(count)
