"""`namespaces`: util-linux `unshare` makes user, pid, mount, net, ipc and uts namespaces; the sandbox's
first process then builds the file system itself (mounts.py) and brings loopback up (inside.py)."""

from __future__ import annotations

import shutil

from curriculum.kernel.backends.base import CONFINED_NOT_PROTECTED, CONFINED_PROTECTS, Backend, Sandbox, covered_folders


class Namespaces(Backend):
    name = "namespaces"
    strength = 20
    private_shm = True
    tool = "unshare"
    protects = CONFINED_PROTECTS
    not_protected = CONFINED_NOT_PROTECTED

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
