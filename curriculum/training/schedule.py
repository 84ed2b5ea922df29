"""Learning-rate schedules, as a factor of the recipe's lr at each step of the whole run.

`onecycle` warms up linearly for the first `warmup` fraction of the steps, then decays linearly to
zero at the last step: a short run spends its end at a small lr, which is where most of its
accuracy appears (docs/benchmarks.md has the measurements that chose it for `fast`).
"""

from __future__ import annotations

SCHEDULES = ("constant", "onecycle")


def lr_factor(schedule: str, step: int, total_steps: int, warmup: float) -> float:
    """The factor for the step numbered `step` (0-based) of `total_steps`."""
    if schedule == "constant" or total_steps <= 0:
        return 1.0
    progress = (step + 1) / total_steps
    if progress < warmup:
        return progress / warmup
    return max(0.0, (1.0 - progress) / max(1.0 - warmup, 1e-9)) if progress < 1.0 else 1.0 / total_steps
