"""The `namespaces` level's file system, made by the sandbox's first process inside its fresh mount
namespace (it is root in its own user namespace until inside.py drops that):

- everything read-only, except the writable folders the backend names and the kernel's temp folder;
- the kernel's temp folder bound over /tmp, and empty read-only tmpfs over the folders where host
  daemons keep sockets (/run, /var/tmp, the user's runtime dir), so tmux's or an agent's socket is
  out of reach;
- a private /dev/shm sized at the kernel's memory cap;
- `redirects`: a writable host folder shown in place of another (a cache folder the kernel fills itself).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 1 << 18
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


def _mount(source: str | None, target: str, flags: int, fstype: str | None = None, data: str | None = None) -> None:
    result = _libc.mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                         ctypes.c_ulong(flags), data and data.encode())
    _check(result, f"mount {target}")


def _set_readonly(path: str, readonly: bool) -> None:
    attr = _MountAttr(MOUNT_ATTR_RDONLY if readonly else 0, 0 if readonly else MOUNT_ATTR_RDONLY, 0, 0)
    result = _libc.syscall(ctypes.c_long(SYS_MOUNT_SETATTR), ctypes.c_int(AT_FDCWD), path.encode(),
                           ctypes.c_uint(AT_RECURSIVE), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)))
    _check(result, f"mount_setattr {path}")


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def build(*, writable: list[str], tmpdir: str | None = None, covered: tuple | list = (),
          keep_readable: tuple | list = (), shm_bytes: int | None = None, redirects: tuple | list = ()) -> None:
    """Lay out the sandbox's file system (see the module docstring)."""
    _mount(None, "/", MS_REC | MS_PRIVATE)
    hidden = list(covered) + (["/tmp"] if tmpdir else [])
    # Folders under a covered one are re-bound afterwards from handles opened now, while still reachable.
    handles = {path: os.open(path, os.O_PATH | os.O_DIRECTORY) for path in list(writable) + list(keep_readable)
               + ([tmpdir] if tmpdir else []) + [real for _, real in redirects]}
    for path in writable:
        _mount(path, path, MS_BIND | MS_REC)
    for folder in covered:
        _mount("tmpfs", folder, MS_NOSUID | MS_NODEV, "tmpfs", "mode=755,size=64k")
    if tmpdir:
        _mount(f"/proc/self/fd/{handles[tmpdir]}", "/tmp", MS_BIND | MS_REC)
    if shm_bytes:
        _mount("tmpfs", "/dev/shm", MS_NOSUID | MS_NODEV, "tmpfs", f"mode=1777,size={int(shm_bytes)}")
    rebound = [p for p in list(keep_readable) + list(writable) if any(_under(p, h) for h in hidden)]
    for path in rebound:
        os.makedirs(path, exist_ok=True)  # on the tmpfs or in the temp folder: never the host's real one
        _mount(f"/proc/self/fd/{handles[path]}", path, MS_BIND | MS_REC)
    for seen, real in redirects:  # after the rebinds: `seen` may lie in a folder bound again above
        _mount(f"/proc/self/fd/{handles[real]}", seen, MS_BIND | MS_REC)
    for handle in handles.values():
        os.close(handle)
    # Outermost first, each recursive: /tmp writable, what was bound under it read-only again, and the
    # writable folders (which may sit inside a read-only one, as lesson-data sits in the cache) last.
    _set_readonly("/", True)
    for path in (["/tmp"] if tmpdir else []) + (["/dev/shm"] if shm_bytes else []):
        _set_readonly(path, False)
    for path in keep_readable:
        _set_readonly(path, True)
    for path in list(writable) + [seen for seen, _ in redirects]:
        _set_readonly(path, False)


def lock_down(writable: list[str]) -> None:
    """Only the file-system part, for a probe: everything read-only but `writable`."""
    build(writable=writable)
