"""`blitz-tui runs [--json] | stop ID | attach ID`: the training runs on this machine, live or past.

Statuses come from `curriculum.training.detached` (a trainer that vanished without an `end` is `failed`,
never `running` forever). Runs the app watched through a pipe, before runs were detached, are listed from
their recorded events; one the app never saw end is `failed` too.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

STATUSES = ("running", "finished", "stopped", "failed")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("runs", help="training runs: list them, stop one, or open the app on one",
                                   description="List training runs (newest first), stop one with a checkpoint, "
                                   "or open the app's training screen on one.")
    parser.add_argument("--json", action="store_true", help="one JSON object per line instead of a table")
    parser.add_argument("action", nargs="?", choices=("stop", "attach"), help="stop ID or attach ID")
    parser.add_argument("run_id", nargs="?", metavar="ID", help="a run's id (its folder's name; a unique prefix will do)")


def run(args: argparse.Namespace) -> int:
    from curriculum.training import detached

    if args.action is None:
        if args.run_id is not None:
            return _bad(f"unexpected {args.run_id!r}: use `blitz-tui runs stop ID` or `blitz-tui runs attach ID`")
        views = all_runs()
        print_json(views) if args.json else print_table(views)
        return 0
    if args.run_id is None:
        return _bad(f"`blitz-tui runs {args.action}` needs a run id (see `blitz-tui runs`)")
    folder = find_run(args.run_id)
    if isinstance(folder, str):
        return _bad(folder)
    if args.action == "stop":
        if not detached.is_detached(folder):
            return _bad(f"run {folder.name} was not started detached; only the app that started it can stop it")
        current = detached.view(folder)
        if current is None or current.status != "running":
            print(f"run {folder.name} is not running (it is {current.status if current else 'unknown'})")
            return 0
        print(f"stopping {folder.name} (it saves a checkpoint first)...", flush=True)
        status = detached.stop(folder)
        print(f"run {folder.name}: {status}")
        return 0
    return attach(folder)


def attach(folder: Path) -> int:
    """Open the app on the training screen, watching `folder` (the app is the UI side: exec it, import nothing)."""
    import os

    argv = [sys.executable, "-m", "tui", "--attach-run", str(folder)]
    sys.stdout.flush()
    os.execv(sys.executable, argv)
    return 0  # not reached


def all_runs(root: Path | None = None) -> list:
    from curriculum.training import detached
    from curriculum.training.client.runs import list_runs, load_run

    summaries = {summary.path: summary for summary in list_runs(root)}
    views = []
    for folder in detached.run_folders(root):
        current = detached.view(folder)
        summary = summaries.get(folder)
        if current is None and summary is not None:  # recorded by the app through a pipe
            run = load_run(folder)
            status = summary.status if summary.status in STATUSES else "failed"
            epoch = run.epoch_reached() if run is not None else None
            current = detached.RunView(id=summary.name, folder=folder, status=status, pid=None,
                                       started=summary.started, epoch=epoch, test_acc=summary.test_acc,
                                       data=summary.data, reason="", command=[])
        if current is not None:
            views.append(current)
    return views


def find_run(run_id: str, root: Path | None = None) -> Path | str:
    """The folder of run `run_id` (or a unique prefix of it), or a one-line reason why there is none."""
    from curriculum.paths import runs_dir

    root = root or runs_dir()
    candidates = sorted(p for p in root.glob(f"{_glob_safe(run_id)}*") if p.is_dir()) if root.is_dir() else []
    exact = [p for p in candidates if p.name == run_id]
    if exact:
        return exact[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return f"no run {run_id!r} (see `blitz-tui runs`)"
    return f"{run_id!r} matches {len(candidates)} runs: " + ", ".join(p.name for p in candidates[:4])


def print_json(views) -> None:
    for current in views:
        print(json.dumps(current.to_json()), flush=True)


def print_table(views) -> None:
    if not views:
        print("no training runs yet (start one from the training screen, or `blitz-tui train --detach`)")
        return
    rows = [("ID", "STATUS", "EPOCH", "TEST ACC", "STARTED", "DATA")]
    for v in views:
        rows.append((v.id, v.status, "" if v.epoch is None else f"{v.epoch:.2f}",
                     "" if v.test_acc is None else f"{100 * v.test_acc:.1f}%", v.started.replace("T", " "), v.data))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    for v in views:
        if v.status == "failed" and v.reason:
            print(f"\n{v.id} failed: {v.reason}")


def _glob_safe(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in text)


def _bad(message: str) -> int:
    print(f"blitz-tui runs: {message}", file=sys.stderr)
    return 2
