"""Helpers for the training-screen tests: recorded event streams and a tiny host app."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from textual.app import App

from tui.training import TrainingScreen

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAKE_TRAINER = Path(__file__).resolve().parent / "fake_trainer.py"


def load_events(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def fake_trainer(fixture: str, *, delay: float = 0.0, exit_code: int | None = None, stderr: str = "",
                 stop_after: int | None = None, speed: float = 0.0):
    """A trainer command builder that replays a fixture instead of training (no torch needed)."""

    def build(flags):
        argv = [sys.executable, str(FAKE_TRAINER), "--replay", str(FIXTURES / fixture), "--delay", str(delay)]
        if exit_code is not None:
            argv += ["--exit-code", str(exit_code)]
        if stderr:
            argv += ["--stderr", stderr]
        if stop_after is not None:
            argv += ["--stop-after", str(stop_after)]
        if speed:
            argv += ["--speed", str(speed)]
        return argv + ["--", *flags]

    return build


class HostApp(App):
    """Just enough app to push the training screen onto, like the real app does on `t`."""

    def __init__(self, defaults: dict | None = None, trainer=None) -> None:
        super().__init__()
        self.defaults = defaults
        self.trainer = trainer

    def on_mount(self) -> None:
        self.push_screen(TrainingScreen(self.defaults, trainer=self.trainer))


@pytest.fixture
def cpu_events() -> list[dict]:
    return load_events("cpu_synthetic.jsonl")


async def wait_for(pilot, condition, *, limit_s: float = 20.0) -> None:
    """Let the app run until `condition()` holds; a generous cap turns a hang into a failure."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting after {limit_s} s")
        await pilot.pause(0.05)
