"""What `blitz-tui train --headless` prints without --json: a live progress bar and a final table."""

from __future__ import annotations

import sys
from typing import TextIO


class ConsoleSink:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty()
        self.total_steps = 1
        self.last_line_len = 0
        self.gpu = ""

    def __call__(self, event: dict) -> None:
        handler = getattr(self, f"on_{event['type']}", None)
        if handler is not None:
            handler(event)

    def _print(self, text: str) -> None:
        if self.last_line_len:
            self.stream.write("\r" + " " * self.last_line_len + "\r")
            self.last_line_len = 0
        self.stream.write(text + "\n")
        self.stream.flush()

    def on_start(self, e: dict) -> None:
        c, d = e["config"], e["dataset"]
        self.total_steps = max(1, e["total_steps"])
        label = "SYNTHETIC data" if d["synthetic"] else d["name"]
        if e.get("notice"):
            self._print(f"note: {e['notice']}")
        if e.get("resumed_from"):
            self._print(f"resuming {e['resumed_from']} at epoch {e['first_epoch']}, step {e['first_step']}")
        self._print(f"training {c['model']} ({c['preset']}: batch {c['batch_size']}, lr {c['lr']}, momentum "
                    f"{c['momentum']}, {c['epochs']} epochs) on {e['device']} — {label}: "
                    f"{d['train']} train / {d['test']} test images")

    def on_progress(self, e: dict) -> None:
        if not self.live:
            return
        done = e["step"] / self.total_steps
        bar = "#" * int(24 * done) + "." * (24 - int(24 * done))
        loss = "nan" if e["loss"] is None else f"{e['loss']:.3f}"
        line = (f"\r[{bar}] {100 * done:5.1f}%  epoch {e['epoch']:.2f}  loss {loss}  "
                f"{e['images_per_s']:,.0f} img/s  eta {e['eta_s']:.0f}s{self.gpu}")
        self.stream.write(line)
        self.stream.flush()
        self.last_line_len = len(line)

    def on_gpu(self, e: dict) -> None:
        if e["available"] and e["gpus"]:
            self.gpu = "  " + " ".join(f"gpu{g['index']} {g['util']}%" for g in e["gpus"])

    def on_eval(self, e: dict) -> None:
        self._print(f"epoch {e['epoch']}: test accuracy {100 * e['test_acc']:.1f}%")

    def on_checkpoint(self, e: dict) -> None:
        self._print(f"checkpoint: {e['path']}")

    def on_end(self, e: dict) -> None:
        if e["status"] == "stopped":
            self._print(f"stopped after {e['steps']} steps")
        if e.get("per_class"):
            width = max(len(name) for name in e["per_class"])
            self._print(f"{'class':<{width}}  accuracy")
            for name, acc in e["per_class"].items():
                self._print(f"{name:<{width}}  {100 * acc:7.1f}%")
        acc = "—" if e.get("test_acc") is None else f"{100 * e['test_acc']:.1f}%"
        self._print(f"{'overall':<10}  test {acc}  |  {e['steps']} steps in {e['train_s']:.1f} s  |  "
                    f"{e['images_per_s']:,.0f} images/s")
