"""What a front end knows about one training run, folded from the trainer's typed events.

Plain data, no Textual: the screen, the past-runs store and the CSV export all read it.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from curriculum.training.events import (CheckpointEvent, EndEvent, ErrorEvent, EvalEvent, GpuEvent, ProgressEvent,
                                        StartEvent, TrainingEvent)

# Smoothing of the loss curve; the bias correction keeps the first points from starting at zero.
EMA_BETA = 0.9
FINAL_STATUSES = ("finished", "stopped", "failed")


@dataclass
class LossPoint:
    t: float
    step: int
    epoch: float
    loss: float
    ema: float
    images_per_s: float
    eta_s: float | None


@dataclass
class EvalPoint:
    t: float
    step: int
    epoch: float
    test_acc: float
    per_class: dict[str, float]
    confusion: list[list[int]] | None


@dataclass
class GpuSample:
    t: float
    gpus: list[dict[str, Any]]


@dataclass
class TrainingRun:
    """One run: its configuration, its curves so far and how it ended."""

    status: str = "ready"  # ready, starting, running, stopping, finished, stopped, failed
    reason: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    device: str = ""
    dataset: dict[str, Any] = field(default_factory=dict)
    steps_per_epoch: int = 0
    total_steps: int = 0
    world_size: int = 1
    losses: list[LossPoint] = field(default_factory=list)
    evals: list[EvalPoint] = field(default_factory=list)
    gpu_available: bool | None = None
    gpu_reason: str = ""
    gpu_samples: list[GpuSample] = field(default_factory=list)
    ranks: list[dict[str, Any]] = field(default_factory=list)
    checkpoints: list[str] = field(default_factory=list)
    final: EndEvent | None = None
    error: str = ""
    notice: str = ""  # what the trainer chose for us, e.g. synthetic data because CIFAR-10 is absent
    last_t: float = 0.0
    trained_t: float = 0.0  # the time of the last step or test pass seen: where the elapsed clock stands
    version: int = 0  # bumps on every event so panels can tell whether to redraw
    _ema_raw: float = 0.0
    _t_offset: float = 0.0  # a resumed part's clock starts at 0 again: it continues where the last part stopped

    @property
    def classes(self) -> list[str]:
        classes = self.dataset.get("classes")
        if classes:
            return list(classes)
        latest = self.latest_per_class()
        return list(latest) if latest else []

    @property
    def synthetic(self) -> bool:
        return bool(self.dataset.get("synthetic")) or self.dataset.get("kind") == "synthetic"

    @property
    def is_over(self) -> bool:
        return self.status in FINAL_STATUSES

    def apply(self, event: TrainingEvent) -> None:
        """Fold one trainer event into the run (events.py has already made its fields the right types)."""
        if isinstance(event, StartEvent) and event.resumed_from and self.version:
            self._t_offset = self.last_t
            self.final = None  # the earlier part's end no longer says how the run stands
        t = event.t + self._t_offset
        self.last_t = max(self.last_t, t)
        self.version += 1
        handler = getattr(self, f"_on_{event.TYPE}", None)
        if handler is not None:
            handler(event, t)

    def _on_start(self, event: StartEvent, t: float) -> None:
        self.status = "running"
        self.reason = ""
        self.config = dict(event.config)
        self.device = event.device or str(self.config.get("device") or "")
        self.dataset = dict(event.dataset)
        self.steps_per_epoch = event.steps_per_epoch
        self.total_steps = event.total_steps
        self.world_size = event.world_size
        self.notice = event.notice

    def _on_progress(self, event: ProgressEvent, t: float) -> None:
        loss = event.loss
        if loss is None or loss != loss:  # a diverged loss is still shown in the status, but not plotted
            self.reason = "the loss became NaN"
            return
        self._ema_raw = EMA_BETA * self._ema_raw + (1 - EMA_BETA) * loss
        corrected = self._ema_raw / (1 - EMA_BETA ** (len(self.losses) + 1))
        self.trained_t = max(self.trained_t, t)
        self.losses.append(LossPoint(t=t, step=event.step, epoch=event.epoch, loss=loss, ema=corrected,
                                     images_per_s=event.images_per_s, eta_s=event.eta_s))

    def _on_eval(self, event: EvalEvent, t: float) -> None:
        self.trained_t = max(self.trained_t, t)
        self.evals.append(EvalPoint(
            t=t, step=event.step, epoch=event.epoch, test_acc=event.test_acc,
            per_class={str(k): _number(v, 0.0) for k, v in event.per_class.items()}, confusion=event.confusion,
        ))

    def _on_gpu(self, event: GpuEvent, t: float) -> None:
        self.gpu_available = event.available
        if not self.gpu_available:
            self.gpu_reason = event.reason or "no telemetry from the trainer"
        gpus = [g for g in event.gpus if isinstance(g, dict)]
        if gpus:
            self.gpu_samples.append(GpuSample(t=t, gpus=gpus))
        if event.ranks is not None:
            self.ranks = [r for r in event.ranks if isinstance(r, dict)]

    def _on_checkpoint(self, event: CheckpointEvent, t: float) -> None:
        if event.path:
            self.checkpoints.append(event.path)

    def _on_end(self, event: EndEvent, t: float) -> None:
        self.final = event
        self.status = "stopped" if event.status == "stopped" else "finished"
        if len(event.ranks) > 1 or self.ranks:
            self.ranks = [r for r in event.ranks if isinstance(r, dict)]

    def _on_error(self, event: ErrorEvent, t: float) -> None:
        self.error = event.message or "the trainer reported an error"
        self.status = "failed"
        self.reason = self.error

    def process_exited(self, returncode: int, stderr_tail: str, stop_requested: bool) -> None:
        """The trainer process is gone: settle the status if its events did not."""
        self.version += 1
        if self.status in ("finished", "stopped", "failed"):
            return
        if stop_requested:
            self.status = "stopped"
            self.reason = "stopped before the first step" if not self.losses else ""
            return
        self.status = "failed"
        self.reason = self.error or stderr_tail or f"the trainer exited with code {returncode}"

    # --- read-side helpers for the panels -------------------------------------------------

    def latest_per_class(self) -> dict[str, float]:
        if self.evals:
            return self.evals[-1].per_class
        if self.final and self.final.per_class:
            return {str(k): _number(v, 0.0) for k, v in self.final.per_class.items()}
        return {}

    def latest_confusion(self) -> list[list[int]] | None:
        for point in reversed(self.evals):
            if point.confusion:
                return point.confusion
        return None

    def test_acc(self) -> float | None:
        if self.final and self.final.test_acc is not None:
            return self.final.test_acc
        return self.evals[-1].test_acc if self.evals else None

    def train_seconds(self) -> float:
        if self.final:
            return self.final.train_s
        return self.last_t

    def elapsed(self) -> float:
        """The run's clock: it moves with training and test passes and stands still from the last step on,
        so it neither runs on while a stopped run saves its checkpoint nor jumps when the `end` arrives."""
        return self.trained_t

    def epoch_reached(self) -> float | None:
        """How far the run got, in epochs (1.25: a quarter into the second). The `end` event counts the steps
        actually taken, which a stop can put past the last progress event (those come at most 10 a second);
        progress events are on the same scale: steps over steps per epoch."""
        if self.final is not None and self.final.steps and self.steps_per_epoch:
            return round(self.final.steps / self.steps_per_epoch, 4)
        if self.losses:
            return self.losses[-1].epoch
        return self.evals[-1].epoch if self.evals else None

    def step_at(self, t: float) -> float:
        """The training step at wall time t, so GPU samples can share the loss plot's step axis."""
        return steps_at(self.losses, [t])[0]


def steps_at(losses: list[LossPoint], times: list[float]) -> list[float]:
    """The training step at each wall time, interpolated between progress points (one pass over
    `losses`, however many times are asked)."""
    if not losses:
        return [0.0 for _ in times]
    known = [p.t for p in losses]
    out = []
    for t in times:
        i = bisect_left(known, t)
        if i <= 0:
            out.append(float(losses[0].step) * (t / known[0] if known[0] > 0 else 1.0))
        elif i >= len(known):
            out.append(float(losses[-1].step))
        else:
            a, b = losses[i - 1], losses[i]
            span = b.t - a.t
            out.append(a.step + (b.step - a.step) * ((t - a.t) / span if span > 0 else 1.0))
    return out


def downsample(xs: list[float], ys: list[float], limit: int) -> tuple[list[float], list[float]]:
    """Bucket means, so a plot never draws more points than it has columns to show them."""
    n = len(xs)
    if n <= limit or limit < 2:
        return list(xs), list(ys)
    out_x: list[float] = []
    out_y: list[float] = []
    for b in range(limit):
        lo = b * n // limit
        hi = max(lo + 1, (b + 1) * n // limit)
        out_x.append(sum(xs[lo:hi]) / (hi - lo))
        out_y.append(sum(ys[lo:hi]) / (hi - lo))
    return out_x, out_y


def _number(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
