"""`Kernel`: one lesson's Python process with a persistent namespace, run inside a sandbox.

Thread model: `execute`/`check`/`restart` block and belong in a worker thread; `interrupt` and
`state` may be used from any thread at any time.
"""

from __future__ import annotations

import itertools
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from curriculum.kernel import isolation
from curriculum.kernel.process import KernelProcess, KernelStartError
from curriculum.kernel.protocol import unpack_images
from curriculum.kernel.results import (DIED, ERROR, INTERRUPTED, MEMORY, OK, TIMEOUT, CheckResult, ErrorInfo,
                                       ExecResult, VariableInfo)
from curriculum.kernel.spare import SparePool
from curriculum.kernel.watchdog import default_memory_bytes
from curriculum.terminal_text import text_only_output, visible_text

ESCALATE_AFTER_S = 2.0  # a cell that ignores SIGINT this long is killed and the kernel restarted
ASK_TIMEOUT_S = 5.0  # a completion or signature later than this is of no use to the learner


@dataclass
class KernelConfig:
    workspace: Path
    timeout: float = 60.0
    isolation: str = "auto"  # "auto" or a name from curriculum.kernel.backends; env BLITZ_TUI_ISOLATION
    memory_mb: int | None = None  # None: min(50% of RAM, 8 GiB)
    allow_network: bool = False
    preload_torch: bool = True
    max_processes: int = 256
    max_threads: int | None = None  # None: watchdog.default_max_threads()
    gpu_fraction: float = 0.5  # share of each GPU's memory this kernel may use

    @property
    def memory_bytes(self) -> int:
        return self.memory_mb * (1 << 20) if self.memory_mb else default_memory_bytes()


def _gib(amount: int) -> str:
    if amount < (1 << 30):
        return f"{amount / (1 << 20):.0f} MiB"
    return f"{amount / (1 << 30):.1f} GiB"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Kernel:
    def __init__(self, config: KernelConfig, spares: SparePool | None = None):
        """`spares`: the pool that keeps a ready process for the next (re)start; None starts cold."""
        self.config = config
        self.spares = spares
        self.execution_count = 0
        self._process: KernelProcess | None = None
        self._level: str | None = None
        self._busy = False
        self._starting = False
        self._interrupt_at: float | None = None
        self._lock = threading.Lock()  # guards the fields above
        self._exec_lock = threading.Lock()  # one cell, check or (re)start at a time
        self._ask_ids = itertools.count(1)

    # ---- what the app reads
    @property
    def isolation(self) -> str:
        if self._level is None:
            self._level = isolation.choose(self.config.isolation, self.config.allow_network)
        return self._level

    @property
    def state(self) -> str:
        with self._lock:
            process = self._process
            if self._starting:
                return "starting"
            if process is None:
                return "stopped"
            if not process.alive:
                return "dead"
            return "busy" if self._busy else "idle"

    @property
    def torch_version(self) -> str | None:
        process = self._process
        return process.ready_info.get("torch") if process else None

    # ---- starting and stopping
    def _spare_key(self) -> tuple:
        c = self.config
        return (str(Path(c.workspace).resolve()), self.isolation, c.memory_bytes, c.allow_network, c.preload_torch,
                c.max_processes, c.max_threads, c.gpu_fraction, os.environ.get("BLITZ_TUI_HOME"))

    def _new_process(self) -> KernelProcess:
        from curriculum.paths import lesson_data_dir

        workspace = Path(self.config.workspace)
        workspace.mkdir(parents=True, exist_ok=True)
        return KernelProcess(
            workspace=workspace, level=self.isolation, memory_bytes=self.config.memory_bytes,
            max_processes=self.config.max_processes, allow_network=self.config.allow_network,
            preload_torch=self.config.preload_torch, gpu_fraction=self.config.gpu_fraction,
            writable=[workspace, lesson_data_dir()], max_threads=self.config.max_threads,
        )

    def _launch(self) -> None:
        """Replace the current process with a ready one: the spare when there is one, else a cold start."""
        with self._lock:
            old, self._process = self._process, None
            self._starting = True
            self.execution_count = 0
        try:
            if old is not None:
                threading.Thread(target=old.shutdown, kwargs={"grace": 0}, daemon=True).start()
            key = self._spare_key()
            process = self.spares.take(key) if self.spares is not None else None
            if process is None:
                process = self._new_process()
                process.launch()
                process.wait_ready()
            with self._lock:
                self._process = process
            if self.spares is not None:
                self.spares.fill(key, self._new_process)
        finally:
            with self._lock:
                self._starting = False

    def start(self) -> None:
        """Start the kernel (blocking until it is ready); does nothing if it already runs."""
        with self._exec_lock:
            if self._process is None or not self._process.alive:
                self._launch()

    def restart(self) -> None:
        """A fresh namespace; a running cell is stopped (it returns "interrupted")."""
        with self._lock:
            process = self._process
        if process is not None:
            process.kill("restart")  # frees a cell that holds the exec lock
        with self._exec_lock:
            self._launch()

    def shutdown(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            process.shutdown()

    def interrupt(self) -> None:
        """SIGINT to the running cell; if it is still running 2 s later it is killed and the kernel restarted."""
        with self._lock:
            process = self._process if self._busy else None
            if process is not None and self._interrupt_at is None:
                self._interrupt_at = time.monotonic()
        if process is not None:
            process.interrupt()

    # ---- running code
    def execute(self, code: str, on_output: Callable[[str, str], None] | None = None,
                timeout: float | None = None) -> ExecResult:
        with self._exec_lock:
            if self._process is None or not self._process.alive:
                self._launch()
            self.execution_count += 1
            count = self.execution_count
            reply = self._run({"op": "execute", "code": code, "count": count}, on_output, timeout)
            return self._exec_result(reply, count)

    def check(self, code: str, timeout: float | None = None) -> CheckResult:
        with self._exec_lock:
            if self._process is None or not self._process.alive:
                return CheckResult(False, "The kernel is not running: run the exercise cell first.")
            reply = self._run({"op": "check", "code": code}, None, timeout)
        if reply.get("t") == "check":
            return CheckResult(bool(reply.get("passed")), visible_text(reply.get("message", "")))
        return CheckResult(False, reply.get("message") or "The check could not run.")

    # ---- completion and signatures: never wait behind a running cell
    def complete(self, code: str, row: int, column: int, timeout: float = ASK_TIMEOUT_S) -> dict | None:
        """{"matches": [names], "replaced": n} for the cursor at (row, column), 0-based; None when the
        kernel is busy, not running or too slow: the learner gets no list rather than a wait."""
        return self._ask({"op": "complete", "code": code, "row": row, "column": column}, timeout)

    def inspect(self, code: str, row: int, column: int, timeout: float = ASK_TIMEOUT_S) -> dict | None:
        """{"signature": text, "doc": first docstring lines} for the call under the cursor, or None."""
        return self._ask({"op": "inspect", "code": code, "row": row, "column": column}, timeout)

    def _ask(self, request: dict, timeout: float) -> dict | None:
        if not self._exec_lock.acquire(blocking=False):
            return None  # a cell or a restart holds the kernel
        try:
            process = self._process
            if process is None or not process.alive:
                return None
            request = dict(request, id=next(self._ask_ids))
            try:
                process.send(request)
            except OSError:
                return None
            deadline = time.monotonic() + timeout
            while (left := deadline - time.monotonic()) > 0:
                try:
                    event = process.events.get(timeout=left)
                except queue.Empty:
                    break
                if event.get("t") == request["op"]:
                    if event.get("id") == request["id"]:
                        return event
                    continue  # the answer to an earlier request that timed out
                process.events.put(event)  # an exit or a kill: the next cell must see it
                return None
            return None
        finally:
            self._exec_lock.release()

    def _run(self, request: dict, on_output, timeout: float | None) -> dict:
        """Send one request and wait for its reply, handling timeout, interrupt escalation and death."""
        process = self._process
        limit = self.config.timeout if timeout is None else timeout
        self._limit = limit
        process.on_output = text_only_output(on_output) if on_output is not None else None  # no raw escapes
        with self._lock:
            self._busy = True
            self._interrupt_at = None
        started = time.monotonic()
        timed_out = False
        try:
            try:
                process.send(request)
            except OSError:
                pass  # it died between cells; the events queue says how
            while True:
                try:
                    event = process.events.get(timeout=0.05)
                except queue.Empty:
                    event = None
                now = time.monotonic()
                if event is not None and event.get("t") in ("result", "check", "error"):
                    if timed_out:
                        event = dict(event, timed_out=True)
                    return event
                if event is not None and event.get("t") in ("exit", "eof", "killed"):
                    return self._death(process, event, timed_out)
                if limit and not timed_out and now - started > limit:
                    timed_out = True
                    with self._lock:
                        self._interrupt_at = now
                    process.interrupt()
                with self._lock:
                    asked = self._interrupt_at
                if asked is not None and now - asked > ESCALATE_AFTER_S:
                    process.kill("timeout" if timed_out else "interrupt")
                    return self._death(process, {"t": "killed", "reason": "timeout" if timed_out else "interrupt"},
                                       timed_out)
        finally:
            process.on_output = None
            with self._lock:
                self._busy = False
                self._interrupt_at = None

    def _death(self, process: KernelProcess, event: dict, timed_out: bool) -> dict:
        """The process is gone (or going): make sure of it and say why, in the learner's words."""
        deadline = time.monotonic() + 1.0
        while event.get("t") == "eof" and time.monotonic() < deadline:  # the nanny's "exit" may follow
            try:
                later = process.events.get(timeout=0.1)
            except queue.Empty:
                break
            if later.get("t") in ("exit", "killed"):
                event = later
        process.kill("died")
        reason, amount = process.kill_reason or ("died", 0)
        if event.get("t") == "killed":
            reason, amount = event["reason"], event.get("amount", 0)
        restart_after = reason in ("interrupt", "timeout")
        if reason == "memory":
            status, message = MEMORY, (
                f"Memory limit exceeded ({_gib(amount)} used, limit {_gib(self.config.memory_bytes)}): the kernel "
                "was stopped and its variables are gone. Use less data, or raise the limit (--memory-mb), then run again.")
        elif reason == "processes":
            status, message = DIED, (
                f"Too many processes ({amount}, limit {self.config.max_processes}): the kernel was stopped and "
                "its variables are gone. Start fewer processes, then run again.")
        elif reason == "threads":
            status, message = DIED, (
                f"Too many threads ({amount}): the kernel was stopped and its variables are gone. "
                "Start fewer threads, then run again.")
        elif reason == "restart":
            status, message = INTERRUPTED, "The kernel was restarted while the cell ran; its variables are gone."
        elif reason == "shutdown":
            status, message = INTERRUPTED, "The kernel was shut down while the cell ran."
        elif restart_after:
            status = TIMEOUT if timed_out else INTERRUPTED
            what = f"ran past the {self._limit_text()} time limit and" if timed_out else ""
            message = (f"The cell {what} ignored the interrupt, so the kernel was restarted: its variables are "
                       "gone — run the cells above again.").replace("  ", " ")
        else:
            how = (f"killed by {_signal_name(event['signal'])}" if "signal" in event
                   else f"exit code {event['code']}" if "code" in event else "its process was killed")
            status, message = DIED, (f"The kernel died ({how}); its variables are gone. Restart it with 0 0 "
                                     "(running a cell restarts it too).")
        if restart_after:
            self._launch()
        return {"t": "died", "status": status, "message": message, "timed_out": timed_out}

    def _limit_text(self) -> str:
        return f"{getattr(self, '_limit', self.config.timeout):g} s"

    def _exec_result(self, reply: dict, count: int) -> ExecResult:
        if reply.get("t") == "died":
            return ExecResult(status=reply["status"], execution_count=None, message=reply["message"])
        status = reply.get("status", ERROR)
        message = visible_text(reply.get("message", ""))  # it quotes the exception's own text
        if reply.get("timed_out") and status in (INTERRUPTED, OK, ERROR):
            status = TIMEOUT
            message = (f"Stopped after the {self._limit_text()} time limit; the kernel kept its variables. "
                       "Make the cell faster or raise the limit (--timeout).")
        elif status == INTERRUPTED and not message:
            message = "Interrupted; the kernel kept its variables."
        error = reply.get("error")
        return ExecResult(
            status=status, execution_count=count,
            error=ErrorInfo(error["ename"], visible_text(error["evalue"]), visible_text(error["traceback"]))
            if error else None,
            message=message,
            variables=[VariableInfo.from_dict(v) for v in reply.get("variables", [])],
            images=unpack_images(reply.get("images", [])),
        )

    def __enter__(self) -> "Kernel":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


__all__ = ["Kernel", "KernelConfig", "KernelStartError", "ExecResult", "CheckResult", "VariableInfo", "ErrorInfo"]
