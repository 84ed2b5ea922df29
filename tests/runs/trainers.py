"""Trainer stand-ins for detached-run tests: the recorded-events replayer, and a trainer that dies mid-run."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
FAKE_TRAINER = TESTS / "tui_training" / "fake_trainer.py"
CPU_RUN = TESTS / "tui_training" / "fixtures" / "cpu_synthetic.jsonl"

# Says what it is doing on stderr, writes a start and a progress event, then sleeps until killed.
HANGS_AFTER_START = """
import sys, time
from curriculum.training.events import ProgressEvent, StartEvent
print("loading the data set", file=sys.stderr, flush=True)
print(StartEvent(t=0.0, config={"data": "synthetic"}, dataset={"kind": "synthetic"}).to_json(), flush=True)
print(ProgressEvent(t=0.5, step=10, epoch=0.4, loss=2.1, images_per_s=50).to_json(), flush=True)
print("epoch 1 under way", file=sys.stderr, flush=True)
time.sleep(600)
"""


def looping_trainer(delay: float = 0.05) -> list[str]:
    """Replays a CPU run's events forever until SIGINT, then ends `stopped` like the real trainer."""
    return [sys.executable, str(FAKE_TRAINER), "--replay", str(CPU_RUN), "--delay", str(delay), "--loop"]


def hanging_trainer() -> list[str]:
    return [sys.executable, "-c", HANGS_AFTER_START]
