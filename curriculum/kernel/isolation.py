"""Which sandbox backend a kernel gets: the one asked for, else the strongest that works here.

The backends themselves (what each does, protects and leaves open) live in curriculum/kernel/backends/.
Each is probed once per process by starting a throwaway sandbox of that kind and checking, from
inside, that it is what it claims: the workspace writable, `/` not, loopback up, no capabilities.
No cgroups: they need privileges a learner on a shared GPU server doesn't have.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass

from curriculum.kernel import backends
from curriculum.kernel.backends import Sandbox
from curriculum.kernel.backends.base import package_root
from curriculum.kernel.environment import kernel_env

LEVELS = backends.NAMES  # strongest first
ENV_VAR = "BLITZ_TUI_ISOLATION"


@dataclass
class Probe:
    works: bool
    why: str = ""  # why not, when it does not work
    capabilities: str = "unknown"  # what a cell holds at this level: 'none', or their names


_probe_lock = threading.Lock()
_probes: dict[tuple[str, bool], Probe] = {}

# Runs inside the throwaway sandbox after its setup; prints one JSON line.
_PROBE_SCRIPT = """
import json, os, socket, sys
from curriculum.kernel import capabilities, inside
inside.apply(json.loads(sys.argv[1]))
strict = sys.argv[2] == "strict"
open(os.path.join(os.getcwd(), "ok"), "w").write("1")
report = {"caps": capabilities.describe(capabilities.effective())}
if strict:
    try:
        open("/blitz-probe-must-fail", "w")
        report["error"] = "the root file system is writable"
    except OSError:
        pass
    server = socket.socket()
    try:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        socket.create_connection(server.getsockname(), timeout=5).close()
    except OSError as error:
        report["error"] = f"loopback does not work: {error}"
print(json.dumps(report))
"""


class IsolationUnavailable(RuntimeError):
    """A level was asked for by name but this machine cannot provide it."""


def _probe(level: str, allow_network: bool) -> Probe:
    """Start a throwaway sandbox of this level and look at it from inside."""
    backend = backends.get(level)
    missing = backend.missing()
    if missing:
        return Probe(False, missing)
    with tempfile.TemporaryDirectory(prefix="blitz-probe-") as scratch:
        ws, tmp = os.path.join(scratch, "ws"), os.path.join(scratch, "tmp")
        os.makedirs(ws)
        os.makedirs(tmp)
        sandbox = Sandbox(workspace=ws, writable=[ws], tmpdir=tmp, allow_network=allow_network, shm_bytes=1 << 20)
        command = backend.wrap(sandbox) + [sys.executable, "-c", _PROBE_SCRIPT, json.dumps(backend.inside(sandbox)),
                                           "loose" if backend.weak else "strict"]
        env = kernel_env(package_root=package_root(), tmp=backend.tmp_inside(sandbox))
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=30, cwd=ws, env=env,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as error:
            return Probe(False, f"{backend.tool or level} could not start: {error}")
        lines = (done.stdout or "").strip().splitlines()
        try:
            report = json.loads(lines[-1]) if lines else None
        except ValueError:
            report = None
        if done.returncode != 0 or report is None or not os.path.exists(os.path.join(ws, "ok")):
            errors = (done.stderr or "").strip().splitlines()
            detail = errors[-1] if errors else f"exit status {done.returncode}"
            return Probe(False, f"{backend.tool or level} failed: {detail}")
        if report.get("error"):
            return Probe(False, f"{backend.tool or level} started, but {report['error']}", report.get("caps", "unknown"))
        return Probe(True, "", report.get("caps", "unknown"))


def probe(level: str, allow_network: bool = False) -> Probe:
    """The probe's findings for `level` (cached per process)."""
    key = (level, allow_network)
    with _probe_lock:
        if key not in _probes:
            _probes[key] = _probe(level, allow_network)
        return _probes[key]


def check(level: str, allow_network: bool = False) -> tuple[bool, str]:
    """Whether `level` works on this machine and, if not, why."""
    found = probe(level, allow_network)
    return found.works, found.why


def choose(requested: str | None = None, allow_network: bool = False) -> str:
    """The level to use: the one asked for (argument, then $BLITZ_TUI_ISOLATION), else the strongest that works."""
    requested = (requested or "auto").strip().lower()
    if requested == "auto":
        requested = (os.environ.get(ENV_VAR) or "auto").strip().lower()
    if requested == "auto":
        for level in LEVELS:
            if check(level, allow_network)[0]:
                return level
        return LEVELS[-1]
    if requested not in LEVELS:
        raise IsolationUnavailable(f"unknown isolation level {requested!r}: use {', '.join(backends.CHOICES)}")
    works, why = check(requested, allow_network)
    if not works:
        raise IsolationUnavailable(f"isolation level {requested!r} is not available here: {why}")
    return requested


def reasons() -> dict[str, str]:
    """For `doctor`: each level and why it does or doesn't work here."""
    return {level: check(level)[1] or "available" for level in LEVELS}
