"""What every sandbox backend is: a name, a strength, a probe, a command wrapper, and what it protects.

A backend turns a `Sandbox` (what one kernel may see and write) into two things: the command that
wraps the kernel's interpreter (`wrap`), and the setup the sandbox's first process does on itself
before the kernel starts (`inside`, applied by curriculum/kernel/inside.py).
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Folders where host daemons keep their unix sockets (tmux, agents, buses): covered by empty tmpfs.
SOCKET_FOLDERS = ("/run", "/var/run", "/var/tmp")

# What a backend that confines the file system, network and sockets gives (bwrap and namespaces give the
# same, as tests/kernel/test_sandbox_escapes.py measures at each level).
CONFINED_PROTECTS = ("read-only file system except the lesson workspace, the lesson-data folder and a private /tmp; "
                     "no capabilities, even when started as root; no network unless allowed (loopback works); "
                     "host unix sockets and the user's environment out of reach; private /dev/shm; every process "
                     "a cell starts ends with the kernel; memory, process and thread caps")
CONFINED_NOT_PROTECTED = "cells can still read files your user can read"
# A cell that asks for an uid sees this one; as root, the sandbox maps the kernel to it.
SANDBOX_UID = 1000


@dataclass
class Sandbox:
    """One kernel's view of the machine, in host paths."""

    workspace: str
    writable: list[str]  # host folders the kernel may write besides its temp folder
    tmpdir: str  # the kernel's private temp folder on the host; /tmp inside the strong backends
    allow_network: bool = False
    shm_bytes: int = 64 << 20  # size of the private /dev/shm (the kernel's memory cap)
    readable: list[str] = field(default_factory=list)  # host folders the kernel reads (the data cache)
    # (path the kernel sees, writable host folder it really is): the cache folders kernels fill themselves
    redirects: list[tuple[str, str]] = field(default_factory=list)
    python_paths: list[str] = field(default_factory=lambda: python_paths())

    def must_stay_visible(self) -> list[str]:
        """Read-only folders that would vanish under /tmp or a covered folder unless bound again."""
        hidden = ["/tmp"] + covered_folders()
        return [p for p in self.python_paths + self.readable if any(under(p, h) for h in hidden)]


def package_root() -> str:
    return str(Path(__file__).resolve().parent.parent.parent.parent)


def python_paths() -> list[str]:
    """What the sandboxed interpreter must still see if it lives under a folder the sandbox covers."""
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, package_root(), str(Path(sys.executable).resolve().parent)}
    return sorted(p for p in paths if p and os.path.isdir(p))


def under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def covered_folders() -> list[str]:
    """Real folders (not symlinks to one already listed) that get an empty tmpfs inside the sandbox."""
    found: list[str] = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    for folder in SOCKET_FOLDERS + ((runtime,) if runtime else ()):
        if not os.path.isdir(folder):
            continue
        real = os.path.realpath(folder)
        if real not in found and not any(under(real, f) for f in found):
            found.append(real)
    return found


class Backend:
    """Subclass per backend; register an instance in backends/__init__.py."""

    name = ""
    strength = 0  # higher is stronger; `auto` picks the strongest that works
    weak = False  # shown as "weak" in the status bar, and never the default when a stronger one works
    tool: str | None = None  # the program it needs on PATH
    private_shm = False  # /dev/shm is the kernel's own tmpfs, so the watchdog can count what it holds
    protects = ""
    not_protected = ""

    def missing(self) -> str:
        """Why this backend cannot even be tried here ('' when it can)."""
        if self.tool and shutil.which(self.tool) is None:
            return f"{self.tool} is not installed"
        return ""

    def wrap(self, sandbox: Sandbox) -> list[str]:
        """The command prefix that starts the kernel's interpreter inside the sandbox."""
        return []

    def inside(self, sandbox: Sandbox) -> dict:
        """Setup the sandbox's first process does on itself (see inside.py); always drops capabilities."""
        return {"drop_caps": True}

    def tmp_inside(self, sandbox: Sandbox) -> str:
        """The kernel's temp folder as the kernel sees it."""
        return "/tmp"
