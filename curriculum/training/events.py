"""Typed training events and where they go: JSON lines, metrics.jsonl, a console, a callback.

Every event is a dict with `type` and `t` (seconds since the run started); docs/ARCHITECTURE.md
lists each type's fields. Sinks get events from the training loop and the GPU monitor thread, so
the emitter serialises them.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from pathlib import Path
from typing import Callable, TextIO

EVENT_TYPES = ("start", "progress", "eval", "gpu", "checkpoint", "end", "error")
Sink = Callable[[dict], None]


class Emitter:
    """Stamps events with `t` and hands them to every sink, one at a time."""

    def __init__(self, sinks: list[Sink] | None = None, started: float | None = None):
        self.sinks: list[Sink] = list(sinks or [])
        self.started = time.monotonic() if started is None else started
        self._lock = threading.Lock()

    def emit(self, type_: str, **fields) -> dict:
        assert type_ in EVENT_TYPES, type_
        event = {"type": type_, "t": round(time.monotonic() - self.started, 3), **fields}
        with self._lock:
            for sink in self.sinks:
                sink(event)
        return event


def json_line(event: dict) -> str:
    return json.dumps(_finite(event), separators=(",", ":"))


def _finite(value):
    """NaN and infinity are not JSON: a diverged loss is sent as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


class JsonLinesSink:
    """One JSON object per line, flushed at once so a reading process sees it live."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def __call__(self, event: dict) -> None:
        try:
            self.stream.write(json_line(event) + "\n")
            self.stream.flush()
        except BrokenPipeError:
            pass  # the reader went away; training still checkpoints and ends cleanly


class MetricsFile:
    """Appends every event except GPU samples to `metrics.jsonl` in the run's folder."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(path, "a", encoding="utf-8")

    def __call__(self, event: dict) -> None:
        if event["type"] != "gpu" or not event.get("available", True):
            self.handle.write(json_line(event) + "\n")
            if event["type"] != "progress":
                self.handle.flush()

    def close(self) -> None:
        self.handle.close()
