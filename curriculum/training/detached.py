"""Training runs that outlive the app: a trainer in its own session, its events written to its run folder.

A detached trainer has no pipe to anyone: its stdout (one JSON event per line) goes straight to the run
folder's `events.jsonl`, its stderr to `stderr.log`, and `state.json` says who it is (pid and the pid's
start time, so a recycled pid is never mistaken for it), when it started and what command it runs. Quitting
the app, `tmux kill-server`, SIGHUP or a dropped SSH link cannot reach it: it is in no terminal's session.

The status is read, not trusted: an `end` or `error` event settles it; otherwise the trainer is `running`
while its pid lives, and `failed` (with its last stderr lines) once the pid is gone. That stays true after
any kill -9 (of the trainer, the app or both), because nothing needs to have written a final word. The first
reader to see a run settled writes the result into state.json, so later readers need not replay it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import psutil

from curriculum.atomic import write_atomic
from curriculum.paths import runs_dir
from curriculum.training.client import runs
from curriculum.training.client.run_state import TrainingRun
from curriculum.training.client.runs import EVENTS_FILE, RunSummary
from curriculum.training.events import ProgressEvent, TrainingEvent, parse_event

STATE_FILE = "state.json"
STDERR_FILE = "stderr.log"
LIVE = "running"
STDERR_TAIL_LINES = 5


@dataclass
class RunView:
    """What `blitz-tui runs` and the screens show of one run folder."""

    id: str
    folder: Path
    status: str  # running, finished, stopped, failed
    pid: int | None
    started: str
    epoch: float | None
    test_acc: float | None
    data: str
    reason: str
    command: list[str]

    def to_json(self) -> dict[str, Any]:
        record = {"id": self.id, "status": self.status, "epoch": self.epoch, "test_acc": self.test_acc,
                  "started": self.started, "folder": str(self.folder), "data": self.data}
        if self.status == LIVE:
            record["pid"] = self.pid
        if self.reason:
            record["reason"] = self.reason
        return record


def launch(argv: Sequence[str], folder: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `argv` detached in `folder` and record it; the caller may `wait()` on the result to reap it.
    A resumed run keeps its folder, its events file (appended to) and its first start time."""
    earlier = read_state(folder) or {}
    folder.mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ if env is None else env, PYTHONUNBUFFERED="1")
    with open(folder / EVENTS_FILE, "ab") as events, open(folder / STDERR_FILE, "ab") as errors:
        process = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=events, stderr=errors, cwd=folder,
                                   env=environment, start_new_session=True, close_fds=True)
    try:
        pid_started = psutil.Process(process.pid).create_time()
    except psutil.Error:
        pid_started = None  # already gone: readers will call it failed, with its stderr
    started = earlier.get("started") or datetime.now().isoformat(timespec="seconds")
    write_state(folder, {"pid": process.pid, "pid_started": pid_started, "command": list(argv),
                          "started": started, "status": LIVE, "resumes": earlier.get("resumes", -1) + 1})
    return process


def has_checkpoint(folder: Path) -> bool:
    """Can `--resume` continue this run? (The trainer keeps its checkpoints in `checkpoints/`.)"""
    return any((folder / "checkpoints").glob("*.pt"))


def run_from_cli(args, flags: Sequence[str]) -> int:
    """`blitz-tui train --detach ...`: start the trainer in the background and say how to follow it."""
    from curriculum.training.client.run_process import trainer_command
    from curriculum.training.client.runs import new_run_dir

    folder = Path(args.out or args.resume or new_run_dir({"preset": args.preset, "data": args.data}))
    out = [] if args.out else ["--out", str(folder)]
    launch(trainer_command([*flags, *out]), folder)
    print(f"started run {folder.name} in the background")
    print(f"watch it: blitz-tui runs attach {folder.name}    stop it: blitz-tui runs stop {folder.name}")
    return 0


def read_state(folder: Path) -> dict[str, Any] | None:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def is_detached(folder: Path) -> bool:
    return (folder / STATE_FILE).is_file()


def trainer_alive(state: dict[str, Any]) -> bool:
    """Is the process state.json names still that process (not a zombie, not a recycled pid)?"""
    try:
        process = psutil.Process(int(state["pid"]))
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        started = state.get("pid_started")
        return started is None or abs(process.create_time() - float(started)) < 1.0
    except (psutil.Error, KeyError, TypeError, ValueError):
        return False


def stderr_tail(folder: Path, lines: int = STDERR_TAIL_LINES) -> str:
    try:
        with open(folder / STDERR_FILE, "rb") as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - 8192))
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def replay(folder: Path) -> TrainingRun:
    """The run as its events tell it so far (a line cut short by a kill is skipped)."""
    run = TrainingRun()
    for event in EventFollower(folder).read_new():
        run.apply(event)
    return run


def settle(run: TrainingRun, state: dict[str, Any], folder: Path) -> tuple[str, str]:
    """The status and reason of a detached run from its events, its state and whether its pid lives."""
    if state.get("status") in ("finished", "stopped", "failed"):
        return state["status"], str(state.get("reason") or "")
    if run.status in ("finished", "stopped", "failed"):
        return run.status, run.reason
    if trainer_alive(state):
        return LIVE, ""
    tail = stderr_tail(folder)
    if state.get("stop_requested"):
        return "stopped", "stopped before it could write its end"
    return "failed", "the trainer vanished without an end event" + (f"; its last words:\n{tail}" if tail else "")


def view(folder: Path) -> RunView | None:
    """One detached run as it stands now. A run that has settled gets its result written into state.json,
    so it is never replayed again just to be listed."""
    state = read_state(folder)
    if state is None:
        return None
    if state.get("status") in ("finished", "stopped", "failed") and "epoch" in state:
        status, reason, epoch, test_acc, data = (state["status"], str(state.get("reason") or ""),
                                                 state.get("epoch"), state.get("test_acc"), str(state.get("data") or ""))
    else:
        run = replay(folder)
        status, reason = settle(run, state, folder)
        epoch = run.epoch_reached()
        test_acc = run.test_acc()
        data = str((run.config or {}).get("data") or run.dataset.get("kind") or "")
        if status != LIVE:
            write_state(folder, {**state, "status": status, "reason": reason, "epoch": epoch,
                                  "test_acc": test_acc, "data": data})
    return RunView(id=folder.name, folder=folder, status=status, pid=state.get("pid"),
                   started=str(state.get("started") or ""), epoch=epoch, test_acc=test_acc, data=data,
                   reason=reason, command=list(state.get("command") or []))


def live_runs(root: Path | None = None) -> list[RunView]:
    """Detached runs whose trainer is still going, newest first."""
    found = []
    for folder in run_folders(root):
        state = read_state(folder)
        if state is not None and state.get("status") == LIVE:
            current = view(folder)
            if current is not None and current.status == LIVE:
                found.append(current)
    return found


def live_folders(root: Path | None = None) -> list[Path]:
    """Folders of detached runs whose trainer lives, newest first, without replaying any events (cheap
    enough for a screen to ask every couple of seconds)."""
    found = []
    for folder in run_folders(root):
        state = read_state(folder)
        if state is not None and state.get("status") == LIVE and trainer_alive(state):
            found.append(folder)
    return found


def latest_epoch(folder: Path) -> float | None:
    """The epoch of the last progress event, read from the end of events.jsonl only."""
    try:
        with open(folder / EVENTS_FILE, "rb") as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - 16384))
            lines = handle.read().splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        event = parse_event(line)  # the first line may be cut by the seek: parse_event skips it
        if isinstance(event, ProgressEvent):
            return event.epoch
    return None


def list_runs(root: Path | None = None, active: Path | None = None) -> list[RunSummary]:
    """`runs.list_runs`, with each detached run's status taken from its process rather than run.json
    (which only a watching app updates, and which calls every unwatched run interrupted)."""
    summaries = runs.list_runs(root, active)
    for summary in summaries:
        if is_detached(summary.path):
            current = view(summary.path)
            if current is not None:
                summary.status = current.status
                summary.epoch = current.epoch if current.epoch is not None else summary.epoch
                summary.test_acc = current.test_acc if current.test_acc is not None else summary.test_acc
    return summaries


def run_folders(root: Path | None = None) -> list[Path]:
    """Every run folder under `root` (the runs folder by default), newest first."""
    root = root or runs_dir()
    try:
        return sorted((p for p in root.iterdir() if p.is_dir()), reverse=True)
    except OSError:
        return []


def stop(folder: Path, grace_s: float = 30.0) -> str:
    """SIGINT to the trainer's group (it checkpoints, writes `end` and exits); SIGTERM, then SIGKILL if it
    hangs. Returns the status the run settles on."""
    state = read_state(folder)
    if state is None:
        raise FileNotFoundError(f"{folder} is not a detached run")
    if trainer_alive(state):
        write_state(folder, {**state, "stop_requested": True})
        for sig, wait_s in ((signal.SIGINT, grace_s), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            signal_group(int(state["pid"]), sig)
            if _wait_gone(state, wait_s):
                break
    found = view(folder)
    return found.status if found else "failed"


def signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)  # it leads its own session, so its pid is its group's id
    except (ProcessLookupError, PermissionError):
        pass


def _wait_gone(state: dict[str, Any], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not trainer_alive(state):
            return True
        time.sleep(0.1)
    return not trainer_alive(state)


def write_state(folder: Path, state: dict[str, Any]) -> None:
    write_atomic(folder / STATE_FILE, json.dumps(state, indent=2))


class EventFollower:
    """Reads a run's events.jsonl from where it left off: the history first, then only what was appended."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / EVENTS_FILE
        self.offset = 0

    def read_new(self) -> list[TrainingEvent]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except OSError:
            return []
        end = chunk.rfind(b"\n") + 1  # a line still being written waits for its newline
        self.offset += end
        # None for a line cut short by a kill, or a stray print.
        return [event for event in map(parse_event, chunk[:end].splitlines()) if event is not None]
