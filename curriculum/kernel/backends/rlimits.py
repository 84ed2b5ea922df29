"""`rlimits`: no namespaces at all; the last resort when neither bubblewrap nor `unshare` works."""

from __future__ import annotations

from curriculum.kernel.backends.base import Backend, Sandbox


class ResourceLimits(Backend):
    name = "rlimits"
    strength = 10
    weak = True
    protects = ("memory, process and thread caps; no capabilities; the allow-listed environment; processes a cell "
                "starts are tracked and killed with the kernel")
    not_protected = ("cells can write anywhere your user can, reach the network and every unix socket your user "
                     "can (tmux, agents), read and fill the host's /dev/shm, and kill or ptrace the app itself; "
                     "a process that leaves the tree within 0.1 s escapes tracking; install bubblewrap (bwrap) "
                     "or allow user namespaces for real isolation")

    def tmp_inside(self, sandbox: Sandbox) -> str:
        return sandbox.tmpdir


BACKEND = ResourceLimits()
