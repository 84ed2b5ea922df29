"""The `namespaces` level's file system: inside a fresh mount namespace, make everything read-only
except the lesson workspace, the data cache and a private temp folder.

Runs in the sandbox's first process (root inside its user namespace), before the kernel starts.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

MS_BIND, MS_REC, MS_PRIVATE = 0x1000, 0x4000, 1 << 18
AT_FDCWD, AT_RECURSIVE = -100, 0x8000
MOUNT_ATTR_RDONLY = 0x1
SYS_MOUNT_SETATTR = 442  # x86_64 and aarch64 share this number


class _MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]


_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, flags: int) -> None:
    _check(_libc.mount(source and source.encode(), target.encode(), None, ctypes.c_ulong(flags), None), f"mount {target}")


def _set_readonly(path: str, readonly: bool) -> None:
    attr = _MountAttr(MOUNT_ATTR_RDONLY if readonly else 0, 0 if readonly else MOUNT_ATTR_RDONLY, 0, 0)
    result = _libc.syscall(ctypes.c_long(SYS_MOUNT_SETATTR), ctypes.c_int(AT_FDCWD), path.encode(),
                           ctypes.c_uint(AT_RECURSIVE), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)))
    _check(result, f"mount_setattr {path}")


def lock_down(writable: list[str]) -> None:
    """Everything read-only but `writable` (each bound onto itself first so it is its own mount)."""
    _mount(None, "/", MS_REC | MS_PRIVATE)
    for path in writable:
        _mount(path, path, MS_BIND | MS_REC)
    _set_readonly("/", True)
    for path in writable:
        _set_readonly(path, False)
    for path in ("/dev/shm",):
        try:
            _set_readonly(path, False)
        except OSError:
            pass  # not a mount of its own here; it stays read-only
