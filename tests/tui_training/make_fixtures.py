"""Writes the recorded event streams the training-screen tests replay.

The streams are built from the event records in curriculum/training/events.py. Run it again
(`.venv/bin/python tests/tui_training/make_fixtures.py`) only when that contract changes.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: find `curriculum`

from curriculum.training.events import (CheckpointEvent, EndEvent, ErrorEvent, EvalEvent, GpuEvent,  # noqa: E402
                                        ProgressEvent, StartEvent, TrainingEvent)

HERE = Path(__file__).resolve().parent / "fixtures"
CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
# How hard each class is for the small network: cats and birds lag, cars and trucks lead.
DIFFICULTY = [0.9, 1.25, 0.7, 0.55, 0.8, 0.7, 1.05, 1.0, 1.1, 1.15]


def _class_accuracy(progress: float, rng: random.Random) -> list[float]:
    base = 0.1 + 0.5 * (1 - math.exp(-3 * progress))
    return [round(min(0.97, max(0.0, base * d + rng.uniform(-0.03, 0.03))), 4) for d in DIFFICULTY]


def _confusion(per_class: list[float], per_class_total: int, rng: random.Random) -> list[list[int]]:
    rows = []
    for i, acc in enumerate(per_class):
        right = round(acc * per_class_total)
        wrong = [rng.random() for _ in range(9)]
        scale = (per_class_total - right) / sum(wrong)
        counts = [int(w * scale) for w in wrong]
        counts[0] += per_class_total - right - sum(counts)
        row = counts[:i] + [right] + counts[i:]
        rows.append(row)
    return rows


def _gpu(t: float, step_load: float, count: int) -> list[dict]:
    gib = 1024**3
    return [
        {
            "index": i,
            "name": "NVIDIA H100 80GB HBM3",
            "util": round(min(100.0, 20 + 75 * step_load + 3 * math.sin(t + i)), 1),
            "mem_used": int((2.5 + 0.4 * i + step_load) * gib),
            "mem_total": 80 * gib,
            "power_w": round(90 + 380 * step_load, 1),
            "temp_c": round(34 + 25 * step_load + i, 1),
        }
        for i in range(count)
    ]


def stream(*, epochs: int, steps_per_epoch: int, seconds_per_epoch: float, device: str, gpus: int,
           world_size: int = 1, fail_at: float | None = None, seed: int = 0) -> list[TrainingEvent]:
    rng = random.Random(seed)
    total = epochs * steps_per_epoch
    batch = 4 if steps_per_epoch > 1000 else 256
    config = {"preset": "faithful" if batch == 4 else "fast", "model": "blitz", "epochs": epochs,
              "batch_size": batch, "lr": 0.001 if batch == 4 else 0.05, "momentum": 0.9, "device": device,
              "seed": 0, "data": "synthetic"}
    dataset = {"kind": "synthetic", "name": "synthetic CIFAR-10-like", "train": steps_per_epoch * batch,
               "test": 2000, "classes": CLASSES, "synthetic": True}
    events: list[TrainingEvent] = [StartEvent(t=0.0, config=config, device=device, dataset=dataset,
                                              steps_per_epoch=steps_per_epoch, total_steps=total,
                                              world_size=world_size)]
    if gpus == 0:
        events.append(GpuEvent(t=0.01, available=False, reason="CPU run (--device cpu): no GPU telemetry"))
    t = 0.3  # start-up: data decode and model build
    step = 0
    loss = 2.31
    images_per_s = steps_per_epoch * batch / seconds_per_epoch
    next_gpu = t
    for epoch in range(1, epochs + 1):
        while step < epoch * steps_per_epoch:
            t += 0.1
            step = min(epoch * steps_per_epoch, step + max(1, int(steps_per_epoch / (seconds_per_epoch * 10))))
            progress = step / total
            loss = max(0.6, 2.31 - 1.3 * (1 - math.exp(-3 * progress)) + rng.uniform(-0.12, 0.12))
            jitter = images_per_s * rng.uniform(0.95, 1.05)
            events.append(ProgressEvent(t=round(t, 3), step=step, epoch=round(step / steps_per_epoch, 4),
                                        loss=round(loss, 4), images_per_s=round(jitter, 1),
                                        eta_s=round((total - step) * batch / jitter, 2)))
            if gpus and t >= next_gpu:
                next_gpu = t + 0.5
                sample = GpuEvent(t=round(t + 0.02, 3), available=True, gpus=_gpu(t, 0.9, gpus))
                if world_size > 1:
                    sample.ranks = [{"rank": r, "images_per_s": round(jitter / world_size, 1),
                                        "gpu": r, "step": step} for r in range(world_size)]
                events.append(sample)
            if fail_at is not None and progress >= fail_at:
                events.append(ErrorEvent(t=round(t + 0.05, 3),
                                         message="CUDA out of memory: tried to allocate 2.00 GiB; lower --batch-size"))
                return events
        per_class = _class_accuracy(epoch / epochs, rng)
        t += 0.4
        events.append(EvalEvent(t=round(t, 3), epoch=epoch, step=step, test_acc=round(sum(per_class) / 10, 4),
                                per_class=dict(zip(CLASSES, per_class)), confusion=_confusion(per_class, 200, rng)))
        events.append(CheckpointEvent(t=round(t + 0.05, 3), epoch=epoch,
                                      path=f"/runs/example/checkpoint-epoch{epoch}.pt"))
    final = events[-2]
    events.append(EndEvent(t=round(t + 0.1, 3), status="finished", test_acc=final.test_acc,
                           per_class=final.per_class, train_s=round(t, 2), steps=step,
                           images_per_s=round(images_per_s, 1), world_size=world_size,
                           ranks=[{"rank": r, "images_per_s": round(images_per_s / world_size, 1)}
                                  for r in range(world_size)]))
    return events


def write(name: str, events: list[TrainingEvent]) -> None:
    HERE.mkdir(exist_ok=True)
    with open(HERE / name, "w", encoding="utf-8") as handle:
        for event in events:
            handle.write(event.to_json() + "\n")


if __name__ == "__main__":
    write("cpu_synthetic.jsonl", stream(epochs=3, steps_per_epoch=1250, seconds_per_epoch=6.0, device="cpu", gpus=0))
    write("two_gpus_ddp.jsonl", stream(epochs=2, steps_per_epoch=98, seconds_per_epoch=3.0, device="cuda:0",
                                       gpus=2, world_size=2, seed=1))
    write("failed_oom.jsonl", stream(epochs=2, steps_per_epoch=98, seconds_per_epoch=3.0, device="cuda:0",
                                     gpus=1, fail_at=0.3, seed=2))
