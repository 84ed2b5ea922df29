"""A running torchrun job: relay rank 0's events, pass a stop on once, explain a failure in one line.

torchrun runs in its own session, so a signal meant for this launcher reaches the ranks exactly once,
through torchrun's agent (which forwards it to every rank and SIGKILLs them after its shutdown
timeout). The agent dies with this process (PR_SET_PDEATHSIG) and each rank with the agent, so no
process outlives the run. torchrun's own log goes to a file; the learner sees one line.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from curriculum.safe_files import open_fresh
from curriculum.training.events import (Emitter, EndEvent, ErrorEvent, JsonLinesSink, StartEvent, TrainingEvent,
                                        parse_event)
from curriculum.training.torchrun_failures import explain

SHUTDOWN_TIMEOUT_S = 30  # after a stop, torchrun waits this long for the ranks before SIGKILL

WORKER_ERROR = re.compile(r"blitz-tui train: error: rank (\d+): (.*)")


def _sink(args: argparse.Namespace):
    if args.json:
        return JsonLinesSink(sys.stdout)
    from curriculum.training.console import ConsoleSink

    console = ConsoleSink(sys.stdout)

    def show(event: TrainingEvent) -> None:
        """The trainer's console, plus what the ranks did."""
        if isinstance(event, EndEvent):
            for rank in event.ranks:
                where = f" on {rank['host']}" if rank.get("host") else ""
                console._print(f"rank {rank['rank']}{where} ({rank.get('device', '?')}): {rank.get('steps', 0)} steps, "
                               f"{rank.get('images_per_s', 0):,.0f} images/s")
        console(event)
        if isinstance(event, StartEvent) and event.distributed:
            d = event.distributed
            console._print(f"DistributedDataParallel: {event.world_size} ranks ({d['nproc_per_node']} per machine "
                           f"× {d['nnodes']}), {d['backend']}; CUDA graphs off under DDP")

    return show


def fail(args: argparse.Namespace, message: str, code: int, emitter: Emitter | None = None) -> int:
    """One line on stderr, and an `error` event with --json."""
    if args.json:
        (emitter or Emitter([_sink(args)])).emit(ErrorEvent(message=message))
    print(f"blitz-tui train: error: {message}", file=sys.stderr, flush=True)
    return code


def _die_with_parent() -> None:
    """Runs in the child before exec: the agent is killed if this launcher is."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def log_path(args: argparse.Namespace) -> Path:
    folder = args.out or args.resume
    name = f"torchrun-node{args.node_rank}.log"
    if folder:
        return Path(folder) / name
    from curriculum.paths import cache_dir

    return cache_dir() / "torchrun" / name


class TorchrunJob:
    def __init__(self, args: argparse.Namespace, command: list[str]):
        self.args, self.command = args, command
        self.sink = _sink(args)
        self.emitter = Emitter([self.sink])
        self.process: subprocess.Popen | None = None
        self.stop_sent = False
        self.end: EndEvent | None = None
        self.rank0_error: str | None = None
        self.worker_errors: dict[int, str] = {}
        self.stderr_tail: deque[str] = deque(maxlen=400)
        self.log = log_path(args)

    def _on_signal(self, signum, frame) -> None:
        process = self.process
        if process is None:
            raise KeyboardInterrupt
        if process.poll() is not None:
            return
        if self.stop_sent:  # asked twice: stop now, without waiting for a checkpoint
            process.kill()
            return
        self.stop_sent = True
        os.kill(process.pid, signum)  # the agent sends it on to every rank
        # If the agent itself hangs, do not wait on it for ever.
        timer = threading.Timer(SHUTDOWN_TIMEOUT_S + 15, lambda: process.poll() is None and process.kill())
        timer.daemon = True
        timer.start()

    def run(self) -> int:
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            return self._run()
        except KeyboardInterrupt:
            return 130
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self) -> int:
        try:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = open_fresh(self.log)  # kernels can write the cache: never follow a planted link
        except OSError as error:
            return fail(self.args, f"cannot write torchrun's log {self.log}: {error.strerror or error}", 1,
                        self.emitter)
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            encoding="utf-8", errors="replace", bufsize=1, env=env, start_new_session=True,
            preexec_fn=_die_with_parent,  # this process has no threads yet, so a pre-exec hook is safe
        )
        reader = threading.Thread(target=self._read_stderr, name="torchrun-stderr", daemon=True)
        reader.start()
        for line in self.process.stdout:
            self._relay(line)
        returncode = self.process.wait()
        reader.join(timeout=5)
        return self._outcome(returncode)

    def _relay(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        event = parse_event(text)
        if event is None:
            self.stderr_tail.append(text)  # a stray print from a rank
            return
        self.emitter.started = time.monotonic() - event.t  # the launcher's own events continue rank 0's clock
        if isinstance(event, ErrorEvent):
            self.rank0_error = event.message  # held back: the launcher reports one line
            return
        if isinstance(event, EndEvent):
            self.end = event
        self.sink(event)

    def _read_stderr(self) -> None:
        with self._log_file as log:
            log.write("$ " + " ".join(self.command) + "\n")
            for line in self.process.stderr:
                log.write(line)
                log.flush()
                text = line.rstrip()
                self.stderr_tail.append(text)
                found = WORKER_ERROR.search(text)
                if found:
                    self.worker_errors.setdefault(int(found.group(1)), found.group(2))

    def _outcome(self, returncode: int) -> int:
        if returncode == 0:  # only machine 0 sees rank 0's `end`; the other machines just finish
            return 130 if self.end is not None and self.end.status == "stopped" else 0
        if self.stop_sent:
            if self.end is None:
                self.emitter.emit(EndEvent.stopped_early(world_size=(self.args.nproc or 1) * self.args.nnodes))
            return 130
        if self.rank0_error is not None:
            self.worker_errors.setdefault(0, self.rank0_error)
        message, code = explain(list(self.stderr_tail), self.worker_errors, self.args, returncode)
        if code == 130 and self.end is not None:
            return 130  # stopped from another machine; rank 0's end event already says so
        return fail(self.args, f"{message} (torchrun's log: {self.log})" if code != 2 else message, code,
                    self.emitter)
