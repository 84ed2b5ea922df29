"""One running kernel process as the app sees it: launch inside the sandbox, pipes, reader thread,
watchdog, interrupt and kill. `Kernel` (kernel.py) adds the cell-running state machine on top."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

from curriculum.kernel import backends, proctree
from curriculum.kernel.backends.base import package_root
from curriculum.kernel.environment import kernel_env
from curriculum.kernel.protocol import decode, encode, write_all
from curriculum.kernel.watchdog import Watchdog, kill_tree

START_TIMEOUT_S = 180.0  # a cold `import torch` on a busy shared server can take a while


class KernelStartError(RuntimeError):
    pass


class KernelProcess:
    def __init__(self, *, workspace: Path, level: str, memory_bytes: int, max_processes: int,
                 allow_network: bool, preload_torch: bool, gpu_fraction: float, writable: list[Path],
                 max_threads: int | None = None):
        self.workspace = Path(workspace)
        self.level = level
        self.memory_bytes = memory_bytes
        self.max_processes = max_processes
        self.max_threads = max_threads
        self.allow_network = allow_network
        self.preload_torch = preload_torch
        self.gpu_fraction = gpu_fraction
        self.writable = [str(Path(p).resolve()) for p in writable]
        self.events: queue.Queue = queue.Queue()
        self.on_output: Callable[[str, str], None] | None = None
        self.kill_reason: tuple[str, int] | None = None
        self.kernel_pid: int | None = None  # as the app sees it
        self.ready_info: dict = {}
        self.popen: subprocess.Popen | None = None
        self.watchdog: Watchdog | None = None
        self._tmpdir: str | None = None
        self._kill_lock = threading.Lock()
        self._io_lock = threading.Lock()  # fds are closed only under it, so a write never hits a reused fd
        self._cmd_w = self._life_w = -1

    # ---- starting
    def launch(self) -> None:
        from curriculum.paths import cache_dir, kernel_cache_redirects

        scratch = cache_dir() / "kernel-tmp"
        scratch.mkdir(parents=True, exist_ok=True)
        self._tmpdir = tempfile.mkdtemp(prefix="k-", dir=scratch)
        backend = backends.get(self.level)
        sandbox = backends.Sandbox(workspace=str(self.workspace), writable=self.writable, tmpdir=self._tmpdir,
                                   allow_network=self.allow_network, shm_bytes=self.memory_bytes,
                                   readable=[str(cache_dir().resolve())],
                                   redirects=[(str(seen.resolve()), str(real.resolve()))
                                              for seen, real in kernel_cache_redirects()])
        cmd_r, cmd_w = os.pipe()
        msg_r, msg_w = os.pipe()
        life_r, life_w = os.pipe()
        config = {
            "cmd_fd": cmd_r, "msg_fd": msg_w, "life_fd": life_r, "preload_torch": self.preload_torch,
            "gpu_fraction": self.gpu_fraction, "rlimits": self._rlimits(),
            "inside": backend.inside(sandbox),
        }
        command = backend.wrap(sandbox) + [sys.executable, "-m", "curriculum.kernel.child", json.dumps(config)]
        env = kernel_env(package_root=package_root(), tmp=backend.tmp_inside(sandbox))
        self._stderr = tempfile.TemporaryFile()
        try:
            self.popen = subprocess.Popen(
                command, pass_fds=(cmd_r, msg_w, life_r), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=self._stderr, cwd=self.workspace, env=env,
                start_new_session=True,
            )
        except OSError as error:
            for fd in (cmd_r, cmd_w, msg_r, msg_w, life_r, life_w):
                os.close(fd)
            raise KernelStartError(f"could not start the kernel: {error}") from None
        for fd in (cmd_r, msg_w, life_r):
            os.close(fd)
        self._cmd_w, self._life_w = cmd_w, life_w
        self._reader = threading.Thread(target=self._read_loop, args=(msg_r,), name="kernel-reader", daemon=True)
        self._reader.start()
        self.watchdog = Watchdog(self.popen.pid, memory_bytes=self.memory_bytes,
                                 max_processes=self.max_processes, max_threads=self.max_threads,
                                 on_breach=self._on_breach, private_shm=backend.private_shm)

    def _rlimits(self) -> dict:
        limits = {"RLIMIT_CORE": 0}  # a crashing cell must not drop a multi-GB core file in the workspace
        if os.geteuid() != 0:  # RLIMIT_NPROC counts all of the user's processes and does nothing for root
            mine = sum(1 for p in os.listdir("/proc") if p.isdigit() and _owned(p))
            limits["RLIMIT_NPROC"] = mine + self.max_processes
        return limits

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.kill("start")
                raise KernelStartError(f"the kernel did not start within {timeout:.0f} s") from None
            if event.get("t") == "ready":
                self.ready_info = event
                self.kernel_pid = self._host_pid(event["pid"])
                if self.watchdog is not None:
                    self.watchdog.kernel_pid = self.kernel_pid
                return event
            if event.get("t") in ("eof", "exit", "killed"):
                self.kill("start")
                raise KernelStartError(f"the kernel could not start: {self.startup_error()}")

    def _host_pid(self, inner_pid: int) -> int | None:
        for pid in proctree.descendants(self.popen.pid) + [self.popen.pid]:
            ids = proctree.ns_pids(pid)
            if ids[-1] == inner_pid and (len(ids) > 1 or pid == inner_pid):
                return pid
        return None

    def startup_error(self) -> str:
        try:
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):
            lines = []
        return lines[-1] if lines else "it exited at once (no message)"

    # ---- talking
    def send(self, message: dict) -> None:
        with self._io_lock:
            if self._cmd_w < 0:
                raise BrokenPipeError("the kernel is not running")
            write_all(self._cmd_w, encode(message))

    def _read_loop(self, fd: int) -> None:
        with os.fdopen(fd, "rb", buffering=1 << 20) as messages:
            for line in messages:
                try:
                    message = decode(line)
                except ValueError:
                    continue
                if message.get("t") == "out":
                    callback = self.on_output
                    if callback is not None:
                        for stream, text in message["parts"]:
                            try:
                                callback(stream, text)
                            except Exception:
                                pass  # a failing display must not stop the kernel's output
                else:
                    self.events.put(message)
        self.events.put({"t": "eof"})

    # ---- stopping
    def interrupt(self) -> None:
        """SIGINT to the kernel and whatever it started, but never to the sandbox's own wrappers."""
        if self.kernel_pid is None:
            return
        proctree.kill_all([self.kernel_pid] + proctree.descendants(self.kernel_pid), signal.SIGINT)

    def _on_breach(self, reason: str, amount: int) -> None:
        self.kill(reason, amount)

    def kill(self, reason: str, amount: int = 0) -> None:
        """Kill every process of this kernel; the first reason given is the one reported."""
        with self._kill_lock:
            if self.kill_reason is None:
                self.kill_reason = (reason, amount)
                self.events.put({"t": "killed", "reason": reason, "amount": amount})
            if self.popen is None:
                return
            if self.watchdog is not None:
                self.watchdog.stop()
            kill_tree(self.popen.pid, self.watchdog)
        with self._io_lock:
            for fd in (self._cmd_w, self._life_w):
                if fd >= 0:
                    os.close(fd)
            self._cmd_w = self._life_w = -1
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self) -> None:
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def shutdown(self, grace: float = 1.0) -> None:
        """Ask the kernel to leave, then make sure nothing of it is left."""
        if self.popen is None:
            return
        if self.kill_reason is None and self.popen.poll() is None:
            try:
                self.send({"op": "shutdown"})
                self.popen.wait(timeout=grace)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill("shutdown")
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)  # now, not in a daemon thread that exit may cut short

    @property
    def alive(self) -> bool:
        return self.kill_reason is None and self.popen is not None and self.popen.poll() is None


def _owned(pid: str) -> bool:
    try:
        return os.stat(f"/proc/{pid}").st_uid == os.geteuid()
    except OSError:
        return False
