"""`namespaces`: util-linux `unshare` makes user, pid, mount, net, ipc and uts namespaces; the sandbox's
first process then builds the file system itself (mounts.py) and brings loopback up (inside.py)."""

from __future__ import annotations

import shutil

from curriculum.kernel.backends.base import Backend, Sandbox, covered_folders


class Namespaces(Backend):
    name = "namespaces"
    strength = 20
    private_shm = True
    tool = "unshare"
    protects = ("read-only file system except the lesson workspace, the lesson-data folder and a private /tmp; "
                "no capabilities, even when started as root; no network unless allowed (loopback works); "
                "host unix sockets and the user's environment out of reach; private /dev/shm; every process "
                "a cell starts ends with the kernel; memory, process and thread caps")
    not_protected = "cells can still read files your user can read"

    def wrap(self, sandbox: Sandbox) -> list[str]:
        # Always a user namespace, as root too: the mounts then belong to it, and once the first process
        # drops its capabilities nothing inside can undo them.
        args = [shutil.which("unshare") or "unshare", "--fork", "--kill-child", "--pid", "--mount-proc", "--mount",
                "--ipc", "--uts", "--user", "--map-root-user"]
        if not sandbox.allow_network:
            args.append("--net")
        return args + ["--"]

    def inside(self, sandbox: Sandbox) -> dict:
        covered = covered_folders()
        keep = sandbox.must_stay_visible()
        return {
            "drop_caps": True,
            "mounts": {"writable": sandbox.writable, "tmpdir": sandbox.tmpdir, "covered": covered,
                       "keep_readable": keep, "shm_bytes": sandbox.shm_bytes,
                       "redirects": [list(pair) for pair in sandbox.redirects]},
            "loopback": not sandbox.allow_network,
        }


BACKEND = Namespaces()
