"""What `blitz-tui train --headless` prints without --json: a live progress bar and a final table."""

from __future__ import annotations

import sys
from typing import TextIO

from curriculum.training.data_source import SYNTHETIC_WARNING
from curriculum.training.events import (CheckpointEvent, EndEvent, EvalEvent, GpuEvent, ProgressEvent, StartEvent,
                                        TrainingEvent)


def plural(count: int | float, noun: str) -> str:
    return f"{count:g} {noun}" if count == 1 else f"{count:g} {noun}s"


class ConsoleSink:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty()
        self.total_steps = 1
        self.last_line_len = 0
        self.gpu = ""

    def __call__(self, event: TrainingEvent) -> None:
        handler = getattr(self, f"on_{event.TYPE}", None)
        if handler is not None:
            handler(event)

    def _print(self, text: str) -> None:
        if self.last_line_len:
            self.stream.write("\r" + " " * self.last_line_len + "\r")
            self.last_line_len = 0
        self.stream.write(text + "\n")
        self.stream.flush()

    def on_start(self, e: StartEvent) -> None:
        c, d = e.config, e.dataset
        self.total_steps = max(1, e.total_steps)
        if e.notice:
            self._print(f"note: {e.notice}")
        if d.get("synthetic") and SYNTHETIC_WARNING not in e.notice:
            self._print(SYNTHETIC_WARNING)  # impossible to miss: these are not CIFAR-10 photos
        if e.resumed_from:
            self._print(f"resuming {e.resumed_from} at epoch {e.first_epoch}, step {e.first_step}")
        label = "SYNTHETIC data" if d.get("synthetic") else d.get("name", "?")
        self._print(f"training {c.get('model')} ({c.get('preset')}: batch {c.get('batch_size')}, lr {c.get('lr')}, "
                    f"momentum {c.get('momentum')}, {plural(c.get('epochs') or 0, 'epoch')}) on {e.device} — "
                    f"{label}: {d.get('train')} train / {d.get('test')} test images")

    def on_progress(self, e: ProgressEvent) -> None:
        if not self.live:
            return
        done = e.step / self.total_steps
        bar = "#" * int(24 * done) + "." * (24 - int(24 * done))
        loss = "nan" if e.loss is None else f"{e.loss:.3f}"
        eta = "?" if e.eta_s is None else f"{e.eta_s:.0f}s"
        line = (f"\r[{bar}] {100 * done:5.1f}%  epoch {e.epoch:.2f}  loss {loss}  "
                f"{e.images_per_s:,.0f} img/s  eta {eta}{self.gpu}")
        self.stream.write(line)
        self.stream.flush()
        self.last_line_len = len(line)

    def on_gpu(self, e: GpuEvent) -> None:
        if e.available and e.gpus:
            self.gpu = "  " + " ".join(f"gpu{g.get('index')} {g.get('util')}%" for g in e.gpus)

    def on_eval(self, e: EvalEvent) -> None:
        self._print(f"epoch {e.epoch:g}: test accuracy {100 * e.test_acc:.1f}%")

    def on_checkpoint(self, e: CheckpointEvent) -> None:
        self._print(f"checkpoint: {e.path}")

    def on_end(self, e: EndEvent) -> None:
        if e.status == "stopped":
            self._print(f"stopped after {plural(e.steps, 'step')}")
        if e.per_class:
            width = max(len(name) for name in e.per_class)
            self._print(f"{'class':<{width}}  accuracy")
            for name, acc in e.per_class.items():
                self._print(f"{name:<{width}}  {100 * acc:7.1f}%")
        acc = "—" if e.test_acc is None else f"{100 * e.test_acc:.1f}%"
        self._print(f"{'overall':<10}  test {acc}  |  {plural(e.steps, 'step')} in {e.train_s:.1f} s  |  "
                    f"{e.images_per_s:,.0f} images/s")
