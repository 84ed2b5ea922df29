"""The training events: one typed record per kind, their JSON lines, and where they go.

This module is the definition of the wire format that `blitz-tui train --json` prints, that
`metrics.jsonl` and a run folder's `events.jsonl` hold, and that the torchrun relay, the console
printer, the run recorder and the training screen read. Every event has `type` and `t` (seconds since
the run started); accuracies are fractions 0–1. Build events only through these classes and read them
only through `parse_event`/`TrainingEvent.from_json`, which tolerate junk: a line that is not JSON, not
an object or of an unknown type gives None, and a field of the wrong type falls back to its default.
"""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import threading
import time
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, TextIO


@dataclass
class TrainingEvent:
    TYPE: ClassVar[str] = ""
    t: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = {"type": self.TYPE}
        data.update((f.name, getattr(self, f.name)) for f in dataclasses.fields(self))
        return _finite(data)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))

    def shown_as_text(self, clean: Callable[[str], str]) -> TrainingEvent:
        """A copy whose every string (paths, messages, class names) went through `clean`, for showing."""
        return dataclasses.replace(self, **{f.name: _each_string(getattr(self, f.name), clean)
                                            for f in dataclasses.fields(self)})

    @staticmethod
    def from_dict(data: Any) -> TrainingEvent | None:
        """The event `data` describes, or None when it is not one; unknown fields are ignored."""
        if not isinstance(data, dict):
            return None
        kind = EVENT_CLASSES.get(data.get("type")) if isinstance(data.get("type"), str) else None
        if kind is None:
            return None
        hints = _hints(kind)
        values = {}
        for f in dataclasses.fields(kind):
            if f.name in data:
                default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
                values[f.name] = _coerce(data[f.name], hints[f.name], default)
        return kind(**values)

    @staticmethod
    def from_json(line: str | bytes) -> TrainingEvent | None:
        try:
            return TrainingEvent.from_dict(json.loads(line))
        except (ValueError, TypeError, RecursionError):
            return None


@dataclass
class StartEvent(TrainingEvent):
    TYPE: ClassVar[str] = "start"
    config: dict = field(default_factory=dict)  # preset, model, epochs, batch_size, lr, momentum, device, seed, data
    device: str = ""  # "cpu", "cuda:0"
    dataset: dict = field(default_factory=dict)  # kind, name, train, test, classes, synthetic (see data.Dataset)
    steps_per_epoch: int = 0
    total_steps: int = 0
    world_size: int = 1
    first_step: int = 0
    first_epoch: int = 0
    resumed_from: str | None = None
    notice: str = ""  # what was chosen for the learner, e.g. SYNTHETIC data because no CIFAR-10 was found
    distributed: dict | None = None  # backend, nnodes, nproc_per_node under torchrun


@dataclass
class ProgressEvent(TrainingEvent):
    """At most 10 a second; `loss` is the mean over the window (None once it is not finite)."""

    TYPE: ClassVar[str] = "progress"
    step: int = 0
    epoch: float = 0.0  # e.g. 1.25
    loss: float | None = None
    images_per_s: float = 0.0
    eta_s: float | None = None


@dataclass
class EvalEvent(TrainingEvent):
    TYPE: ClassVar[str] = "eval"
    epoch: float = 0.0  # whole at an epoch's end; a fraction for test passes within one (`fast`: 8 an epoch)
    step: int = 0
    test_acc: float = 0.0
    per_class: dict = field(default_factory=dict)  # class name -> accuracy
    confusion: list | None = None  # 10×10 counts, rows = true class
    train_s: float | None = None  # training seconds so far; test passes not counted


@dataclass
class GpuEvent(TrainingEvent):
    TYPE: ClassVar[str] = "gpu"
    available: bool = False
    reason: str = ""  # why not, when unavailable
    gpus: list = field(default_factory=list)  # {index, name, util (%), mem_used, mem_total (bytes), power_w, temp_c}
    ranks: list | None = None  # one row per rank when distributed


@dataclass
class CheckpointEvent(TrainingEvent):
    TYPE: ClassVar[str] = "checkpoint"
    epoch: int = 0
    step: int = 0
    path: str = ""


@dataclass
class EndEvent(TrainingEvent):
    TYPE: ClassVar[str] = "end"
    status: str = "finished"  # "finished" | "stopped"
    test_acc: float | None = None
    per_class: dict | None = None
    train_s: float = 0.0
    steps: int = 0
    images_per_s: float = 0.0
    world_size: int = 1
    ranks: list = field(default_factory=list)  # {rank, images_per_s, ...}
    epochs_done: int | None = None
    replicas_in_sync: bool | None = None

    @classmethod
    def stopped_early(cls, *, world_size: int = 1, steps: int = 0, train_s: float = 0.0,
                      images_per_s: float = 0.0) -> EndEvent:
        """The end of a run stopped before (or without) the trainer's own end event."""
        return cls(status="stopped", train_s=train_s, steps=steps, images_per_s=images_per_s, world_size=world_size)


@dataclass
class ErrorEvent(TrainingEvent):
    """One line; the process then exits non-zero."""

    TYPE: ClassVar[str] = "error"
    message: str = ""


EVENT_CLASSES: dict[str, type[TrainingEvent]] = {
    kind.TYPE: kind for kind in (StartEvent, ProgressEvent, EvalEvent, GpuEvent, CheckpointEvent, EndEvent, ErrorEvent)
}
EVENT_TYPES = tuple(EVENT_CLASSES)
parse_event = TrainingEvent.from_json
Sink = Callable[[TrainingEvent], None]
_HINTS: dict[type, dict[str, Any]] = {}


def _hints(kind: type) -> dict[str, Any]:
    if kind not in _HINTS:
        _HINTS[kind] = typing.get_type_hints(kind)
    return _HINTS[kind]


def _coerce(value: Any, hint: Any, default: Any) -> Any:
    """`value` as the field's type, or `default` when it cannot be one (a newer or broken writer)."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, _UnionType) else (hint,)
    if value is None:
        return None if type(None) in options else default
    for option in options:
        if option is bool and isinstance(value, bool):
            return value
        if option is int and isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return int(value)
        if option is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if option is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if option in (dict, list) and isinstance(value, option):
            return value
    return default


_UnionType = type(int | None)


def _each_string(value: Any, clean: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {_each_string(k, clean): _each_string(v, clean) for k, v in value.items()}
    if isinstance(value, list):
        return [_each_string(v, clean) for v in value]
    return value


def _finite(value: Any) -> Any:
    """NaN and infinity are not JSON: a diverged loss is sent as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


class Emitter:
    """Stamps events with `t` and hands them to every sink, one at a time (the training loop and the
    GPU monitor thread both emit)."""

    def __init__(self, sinks: list[Sink] | None = None, started: float | None = None):
        self.sinks: list[Sink] = list(sinks or [])
        self.started = time.monotonic() if started is None else started
        self._lock = threading.Lock()

    def emit(self, event: TrainingEvent) -> TrainingEvent:
        event.t = round(time.monotonic() - self.started, 3)
        with self._lock:
            for sink in self.sinks:
                sink(event)
        return event


class JsonLinesSink:
    """One JSON object per line, flushed at once so a reading process sees it live."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def __call__(self, event: TrainingEvent) -> None:
        try:
            self.stream.write(event.to_json() + "\n")
            self.stream.flush()
        except BrokenPipeError:
            pass  # the reader went away; training still checkpoints and ends cleanly


class MetricsFile:
    """Appends every event except GPU samples to `metrics.jsonl` in the run's folder."""

    def __init__(self, path: Path):
        from curriculum.safe_files import open_append

        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open_append(path)

    def __call__(self, event: TrainingEvent) -> None:
        if not isinstance(event, GpuEvent) or not event.available:
            self.handle.write(event.to_json() + "\n")
            if not isinstance(event, ProgressEvent):
                self.handle.flush()

    def close(self) -> None:
        self.handle.close()
