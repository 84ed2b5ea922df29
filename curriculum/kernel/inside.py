"""What the sandbox's first process does to itself before the kernel starts, as its backend asked
(`Backend.inside`): build the file system, bring loopback up, then drop every capability.

Runs inside the sandbox (the nanny in child.py, and the availability probe), so it imports nothing heavy.
"""

from __future__ import annotations

import fcntl
import os
import socket
import struct

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def loopback_up() -> None:
    """`ip link set lo up`, without needing `ip`: a fresh network namespace starts with lo down, and
    then torch.distributed (and anything else on 127.0.0.1) gets 'Network is unreachable'."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))


def apply(setup: dict) -> None:
    """Raises OSError when a step fails: a sandbox that is not what it claims must not start."""
    if setup.get("mounts"):
        from curriculum.kernel.mounts import build

        cwd = os.getcwd()
        build(**setup["mounts"])
        os.chdir(cwd)  # re-enter the workspace through its new writable mount
    if setup.get("loopback"):
        loopback_up()
    if setup.get("drop_caps"):
        from curriculum.kernel.capabilities import drop_all

        drop_all()
