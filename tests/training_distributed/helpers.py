"""Running `train --nproc ...` as a learner would, reading its events, and finding leftover processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
SMALL_RUN = ["--data", "synthetic:400", "--batch-size", "8", "--device", "cpu", "--collective-timeout", "15"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Launcher:
    """One `python -m curriculum.training --headless --json ...` process and the events it printed."""

    def __init__(self, *flags: str, env: dict | None = None):
        self.env = dict(os.environ, **(env or {}))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "curriculum.training", "--headless", "--json", *flags],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            start_new_session=True)
        self.events: list[dict] = []
        self.seen = threading.Condition()
        self.stderr = ""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self.seen:
                self.events.append(json.loads(line))
                self.seen.notify_all()
        with self.seen:
            self.seen.notify_all()

    def wait_for(self, test, timeout: float = 90.0) -> dict:
        """The first event for which `test(event)` holds; fails the test if none comes in time."""
        deadline = time.monotonic() + timeout
        with self.seen:
            while True:
                found = next((e for e in self.events if test(e)), None)
                if found is not None:
                    return found
                if time.monotonic() > deadline or not self.reader.is_alive():
                    raise AssertionError(f"no such event; got {[e['type'] for e in self.events]}")
                self.seen.wait(0.5)

    def finish(self, timeout: float = 120.0) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                os.killpg(self.process.pid, 9)
        self.stderr = self.process.stderr.read()
        self.reader.join(timeout=10)
        return code

    def of_type(self, kind: str) -> list[dict]:
        return [e for e in self.events if e["type"] == kind]


def run_processes(home: Path) -> list[psutil.Process]:
    """torchrun agents and ranks started with this test's BLITZ_TUI_HOME that are still alive."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if "--ddp-worker" not in cmdline and "torch.distributed.run" not in cmdline:
            continue
        try:
            if process.environ().get("BLITZ_TUI_HOME") == str(home) and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.Error:
            continue
    return found


def rank_process(launcher: Launcher, rank: int) -> psutil.Process:
    for child in psutil.Process(launcher.process.pid).children(recursive=True):
        try:
            if "--ddp-worker" in child.cmdline() and child.environ().get("RANK") == str(rank):
                return child
        except psutil.Error:
            continue
    raise AssertionError(f"rank {rank} is not running")
