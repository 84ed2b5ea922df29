"""Isolation levels for kernels, strongest first, and the wrapper command that sets each one up.

- bwrap:      bubblewrap: read-only root, writable workspace and data cache, private /tmp,
              own pid/ipc/net namespaces (no network unless allowed), /dev/nvidia* passed through.
- namespaces: `unshare`: user + pid + mount + net namespaces; the same read-only file system,
              made by the sandbox's first process (see mounts.py).
- rlimits:    own session and process group, resource limits and the watchdog only.

No cgroups: they need privileges a learner on a shared GPU server doesn't have.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

LEVELS = ("bwrap", "namespaces", "rlimits")
ENV_VAR = "BLITZ_TUI_ISOLATION"

PROTECTS = {
    "bwrap": "cells can write only the lesson workspace, the data cache and a private /tmp; "
    "no network unless allowed; every process a cell starts ends with the kernel; memory and process caps",
    "namespaces": "cells can write only the lesson workspace, the data cache and the kernel's temp folder; "
    "no network unless allowed; every process a cell starts ends with the kernel; memory and process caps",
    "rlimits": "memory and process caps; processes a cell starts are tracked and killed with the kernel",
}
NOT_PROTECTED = {
    "bwrap": "cells can still read files your user can read",
    "namespaces": "cells can still read files your user can read",
    "rlimits": "cells can write anywhere your user can, reach the network, and a process that "
    "escapes the tree within 0.1 s may survive; install bubblewrap (bwrap) for real isolation",
}

_probe_lock = threading.Lock()
_probes: dict[tuple[str, bool], tuple[bool, str]] = {}


class IsolationUnavailable(RuntimeError):
    """A level was asked for by name but this machine cannot provide it."""


def _package_root() -> str:
    return str(Path(__file__).resolve().parent.parent.parent)


def _python_paths() -> list[str]:
    """What the sandboxed interpreter must still see if it lives under /tmp."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, _package_root(), str(Path(sys.executable).resolve().parent)}
    return sorted(p for p in paths if p and os.path.isdir(p))


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def bwrap_prefix(*, workspace: str, writable: list[str], tmpdir: str, allow_network: bool,
                 shm_bytes: int | None = None) -> list[str]:
    args = [shutil.which("bwrap") or "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    if shm_bytes:
        args += ["--size", str(shm_bytes)]
    args += ["--tmpfs", "/dev/shm", "--bind", tmpdir, "/tmp"]
    for path in _python_paths():
        if _under(path, "/tmp"):
            args += ["--ro-bind", path, path]
    for path in writable:
        args += ["--bind", path, path]
    for device in sorted(glob.glob("/dev/nvidia*")):  # CUDA needs the driver's device files
        args += ["--dev-bind", device, device]
    args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not allow_network:
        args.append("--unshare-net")
    # No --die-with-parent: it fires when the *thread* that started bwrap ends, and the app starts
    # kernels from worker threads. The nanny's lifeline pipe ends the sandbox when the app goes.
    args += ["--chdir", workspace, "--"]
    return args


def unshare_prefix(*, allow_network: bool) -> list[str]:
    args = [shutil.which("unshare") or "unshare", "--fork", "--kill-child", "--pid", "--mount-proc", "--mount",
            "--ipc", "--uts"]
    if os.geteuid() != 0:
        args += ["--user", "--map-root-user"]
    if not allow_network:
        args.append("--net")
    return args + ["--"]


def _probe(level: str, allow_network: bool) -> tuple[bool, str]:
    """Start a throwaway sandbox of this level; (works, why not)."""
    if level == "rlimits":
        return True, ""
    tool = "bwrap" if level == "bwrap" else "unshare"
    if shutil.which(tool) is None:
        return False, f"{tool} is not installed"
    with tempfile.TemporaryDirectory(prefix="blitz-probe-") as scratch:
        ws = os.path.join(scratch, "ws")
        tmp = os.path.join(scratch, "tmp")
        os.makedirs(ws)
        os.makedirs(tmp)
        script = (
            "import os, sys\n"
            f"open({os.path.join(ws, 'ok')!r}, 'w').write('1')\n"
            "try:\n"
            "    open('/blitz-probe-must-fail', 'w')\n"
            "    sys.exit(5)\n"
            "except OSError:\n"
            "    pass\n"
        )
        if level == "bwrap":
            prefix = bwrap_prefix(workspace=ws, writable=[ws], tmpdir=tmp, allow_network=allow_network,
                                  shm_bytes=1 << 20)
            command = prefix + [sys.executable, "-c", script]
        else:
            lock = f"from curriculum.kernel.mounts import lock_down; lock_down([{ws!r}])\n"
            command = unshare_prefix(allow_network=allow_network) + [sys.executable, "-c", lock + script]
        env = dict(os.environ, PYTHONPATH=_package_root())
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ws, env=env,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            return False, f"{tool} could not start: {error}"
        if done.returncode != 0 or not os.path.exists(os.path.join(ws, "ok")):
            lines = (done.stderr or "").strip().splitlines()
            detail = lines[-1] if lines else f"exit status {done.returncode}"
            return False, f"{tool} failed: {detail}"
    return True, ""


def check(level: str, allow_network: bool = False) -> tuple[bool, str]:
    """Whether `level` works on this machine (cached per process) and, if not, why."""
    key = (level, allow_network)
    with _probe_lock:
        if key not in _probes:
            _probes[key] = _probe(level, allow_network)
        return _probes[key]


def choose(requested: str | None = None, allow_network: bool = False) -> str:
    """The level to use: the one asked for (argument, then $BLITZ_TUI_ISOLATION), else the strongest that works."""
    requested = (requested or "auto").strip().lower()
    if requested == "auto":
        requested = (os.environ.get(ENV_VAR) or "auto").strip().lower()
    if requested == "auto":
        for level in LEVELS:
            if check(level, allow_network)[0]:
                return level
        return "rlimits"
    if requested not in LEVELS:
        raise IsolationUnavailable(f"unknown isolation level {requested!r}: use auto, {', '.join(LEVELS)}")
    works, why = check(requested, allow_network)
    if not works:
        raise IsolationUnavailable(f"isolation level {requested!r} is not available here: {why}")
    return requested


def reasons() -> dict[str, str]:
    """For `doctor`: each level and why it does or doesn't work here."""
    return {level: check(level)[1] or "available" for level in LEVELS}
