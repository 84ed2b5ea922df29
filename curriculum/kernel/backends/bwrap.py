"""`bwrap`: bubblewrap builds the sandbox (apt-get install bubblewrap)."""

from __future__ import annotations

import glob
import shutil

from curriculum.kernel.backends.base import CONFINED_NOT_PROTECTED, CONFINED_PROTECTS, Backend, Sandbox, covered_folders


class Bubblewrap(Backend):
    name = "bwrap"
    strength = 30
    private_shm = True
    tool = "bwrap"
    protects = CONFINED_PROTECTS
    not_protected = CONFINED_NOT_PROTECTED

    def wrap(self, sandbox: Sandbox) -> list[str]:
        # /proc read-only: as root, uid 0 may open /proc/sys/kernel/core_pattern for writing without
        # any capability (file permissions alone allow it).
        args = [shutil.which("bwrap") or "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--remount-ro", "/proc"]
        args += ["--size", str(sandbox.shm_bytes), "--tmpfs", "/dev/shm"]
        for folder in covered_folders():
            args += ["--tmpfs", folder]
        args += ["--bind", sandbox.tmpdir, "/tmp"]
        for path in sandbox.must_stay_visible():  # e.g. the interpreter, or the cache, under /tmp
            args += ["--ro-bind", path, path]
        for path in sandbox.writable:
            args += ["--bind", path, path]
        for seen, real in sandbox.redirects:
            args += ["--bind", real, seen]
        for device in sorted(glob.glob("/dev/nvidia*")):  # CUDA needs the driver's device files
            args += ["--dev-bind", device, device]
        args += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
        # As root bwrap keeps every capability; `--cap-drop ALL` would empty the effective set but leave
        # the bounding set full. The sandbox's first process drops all of them instead, bounding set
        # included (Backend.inside -> inside.py), before any cell runs; the kernel refuses to start if
        # any is left.
        if not sandbox.allow_network:
            args.append("--unshare-net")  # bwrap brings loopback up in the new network namespace
        # No --die-with-parent: it fires when the *thread* that started bwrap ends, and the app starts
        # kernels from worker threads. The nanny's lifeline pipe ends the sandbox when the app goes.
        args += ["--chdir", sandbox.workspace, "--"]
        return args


BACKEND = Bubblewrap()
