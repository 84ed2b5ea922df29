"""Past training runs on disk, and their metrics as CSV. No Textual here.

Each run started from the screen gets a folder under `curriculum.paths.runs_dir()`:
`events.jsonl` (every event the screen received, as received), `run.json` (a summary
rewritten atomically at start and end) and whatever the trainer writes there with `--out`
(checkpoints, its own metrics). `metrics.csv` appears when the learner exports.
"""

from __future__ import annotations

import csv
import json
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from curriculum.atomic import write_atomic
from curriculum.paths import runs_dir
from curriculum.safe_files import open_append, open_fresh
from curriculum.training.events import GpuEvent, ProgressEvent, TrainingEvent, parse_event
from curriculum.training.client.run_state import TrainingRun

EVENTS_FILE = "events.jsonl"
SUMMARY_FILE = "run.json"
CSV_FILE = "metrics.csv"
TRAINER_METRICS_FILE = "metrics.jsonl"  # the trainer's own record, used when ours is missing


@dataclass
class RunSummary:
    """One line of the past-runs table."""

    path: Path
    started: str
    status: str
    data: str
    preset: str
    model: str
    epochs: Any
    device: str
    test_acc: float | None
    train_s: float | None
    synthetic: bool
    epoch: float | None = None  # the epoch it reached (`TrainingRun.epoch_reached`)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return f"{self.started[5:16].replace('T', ' ')} {self.preset} {self.data}".strip()


def new_run_dir(config: dict[str, Any], root: Path | None = None) -> Path:
    """A fresh folder named by start time, preset and data, e.g. 20250101-120000-fast-synthetic."""
    root = root or runs_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    data = Path(str(config.get("data") or "auto")).name or "data"
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{config.get('preset') or 'default'}-{data}")[:40]
    path = root / f"{stamp}-{slug}"
    suffix = 2
    while path.exists():
        path = root / f"{stamp}-{slug}-{suffix}"
        suffix += 1
    path.mkdir(parents=True)
    return path


class RunRecorder:
    """Appends the trainer's events to the run folder as they arrive (from the reader thread)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._handle: TextIO | None = open_append(folder / EVENTS_FILE)

    def record(self, event: TrainingEvent) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.write(event.to_json() + "\n")
                if not isinstance(event, (ProgressEvent, GpuEvent)):
                    self._handle.flush()

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None


def write_summary(folder: Path, run: TrainingRun, started: str, requested: dict[str, Any]) -> None:
    """run.json: what the past-runs table shows without replaying every event."""
    config = {**requested, **run.config}
    summary = {
        "started": started,
        "status": run.status if run.status != "ready" else "starting",
        "reason": run.reason,
        "config": config,
        "device": run.device or config.get("device") or "",
        "dataset": {k: v for k, v in run.dataset.items() if k != "classes"},
        "test_acc": run.test_acc(),
        "train_s": run.train_seconds() if run.losses or run.final else None,
        "steps": run.losses[-1].step if run.losses else 0,
        "epoch": run.epoch_reached(),
    }
    write_atomic(folder / SUMMARY_FILE, json.dumps(summary, indent=2))


def list_runs(root: Path | None = None, active: Path | None = None) -> list[RunSummary]:
    """Every saved run, newest first. A run left `running` by a killed app reads `interrupted`."""
    root = root or runs_dir()
    found: list[RunSummary] = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), reverse=True):
        summary = _read_summary(folder)
        if summary is None:
            continue
        if summary.status in ("running", "starting", "stopping") and folder != active:
            summary.status = "interrupted"
        found.append(summary)
    return found


def _read_summary(folder: Path) -> RunSummary | None:
    try:
        data = json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    if not isinstance(data, dict):
        run = load_run(folder)
        if run is None:
            return None
        data = {"started": _stamp_of(folder), "status": run.status, "config": run.config, "device": run.device,
                "dataset": run.dataset, "test_acc": run.test_acc(), "train_s": run.train_seconds(),
                "epoch": run.epoch_reached()}
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    dataset = data.get("dataset") if isinstance(data.get("dataset"), dict) else {}
    return RunSummary(
        path=folder, started=str(data.get("started") or _stamp_of(folder)), status=str(data.get("status") or "?"),
        data=str(config.get("data") or dataset.get("kind") or "auto"), preset=str(config.get("preset") or ""),
        model=str(config.get("model") or ""), epochs=config.get("epochs", ""), device=str(data.get("device") or ""),
        test_acc=_float_or_none(data.get("test_acc")), train_s=_float_or_none(data.get("train_s")),
        synthetic=bool(dataset.get("synthetic")) or dataset.get("kind") == "synthetic",
        epoch=_float_or_none(data.get("epoch")),
    )


def load_run(folder: Path) -> TrainingRun | None:
    """Replays a saved run's events; None when the folder holds none."""
    for name in (EVENTS_FILE, TRAINER_METRICS_FILE):
        path = folder / name
        if not path.is_file():
            continue
        run = TrainingRun()
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                event = parse_event(line)
                if event is not None:  # None: a line cut short by a crash
                    run.apply(event)
        if run.version:
            return run
    return None


def export_csv(run: TrainingRun, path: Path) -> Path:
    """One row per progress tick and one per evaluation; accuracy columns per class."""
    classes = run.classes
    header = ["kind", "t_s", "step", "epoch", "loss", "loss_ema", "images_per_s", "eta_s", "test_acc"]
    header += [f"acc_{name}" for name in classes]
    rows: list[tuple[float, list[Any]]] = []
    for p in run.losses:
        rows.append((p.t, ["progress", p.t, p.step, p.epoch, p.loss, round(p.ema, 6), p.images_per_s,
                           "" if p.eta_s is None else p.eta_s, ""] + [""] * len(classes)))
    for e in run.evals:
        rows.append((e.t, ["eval", e.t, e.step, e.epoch, "", "", "", "", e.test_acc]
                     + [e.per_class.get(name, "") for name in classes]))
    rows.sort(key=lambda row: row[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open_fresh(tmp, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(row for _, row in rows)
    tmp.replace(path)
    return path


def _stamp_of(folder: Path) -> str:
    match = re.match(r"(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})", folder.name)
    if not match:
        return ""
    y, mo, d, h, mi, s = match.groups()
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}"


def _float_or_none(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
