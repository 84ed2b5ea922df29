"""Read a process tree straight from /proc: no psutil, so the sandboxed nanny can use it too."""

from __future__ import annotations

import os
import signal

PAGE = os.sysconf("SC_PAGE_SIZE")


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as handle:
                found.extend(int(p) for p in handle.read().split())
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """Every process below pid, parents before children."""
    found: list[int] = []
    queue = children(pid)
    seen = set()
    while queue:
        child = queue.pop(0)
        if child in seen:
            continue
        seen.add(child)
        found.append(child)
        queue.extend(children(child))
    return found


def start_time(pid: int) -> int | None:
    """Clock ticks since boot when pid started: tells a process from a later one reusing its pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2 :].split()
    return int(fields[19])


def state(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return data[data.rfind(b")") + 2 :].split()[0].decode()


def alive(pid: int) -> bool:
    return state(pid) not in (None, "Z", "X")


def anon_rss(pid: int) -> int:
    """Resident memory that is the process's own (not shared library pages), in bytes."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            fields = handle.read().split()
    except OSError:
        return 0
    return max(0, int(fields[1]) - int(fields[2])) * PAGE


def held(pid: int) -> tuple[int, int]:
    """(bytes of anonymous and shared-memory pages resident, threads) from /proc/PID/status, which is cheap.

    Shared memory (MAP_SHARED anonymous maps, /dev/shm files, torch `share_memory_()`) is counted in
    every process that maps it, so a sum over processes can only overstate; `proportional` settles it."""
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            text = handle.read()
    except OSError:
        return 0, 0
    return (_field(text, b"\nRssAnon:") + _field(text, b"\nRssShmem:")) << 10, _field(text, b"\nThreads:")


def _field(text: bytes, name: bytes) -> int:
    """The number after `name` in a /proc status file, 0 when absent (a zombie has no memory lines)."""
    start = text.find(name)
    if start < 0:
        return 0
    start += len(name)
    end = text.find(b"\n", start)
    try:
        return int(text[start:end].split()[0])
    except (ValueError, IndexError):
        return 0


def proportional(pid: int) -> int:
    """Anonymous and shared-memory pages by PSS (each shared page split among its users), in bytes.

    /proc/PID/smaps_rollup walks the page tables, so it costs far more than `held`: read it only to
    confirm a breach."""
    fields: dict[bytes, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                name, _, rest = line.partition(b":")
                if name in (b"Pss", b"Pss_Anon", b"Pss_File", b"Pss_Shmem"):
                    fields[name] = int(rest.split()[0]) << 10
    except (OSError, ValueError, IndexError):
        return held(pid)[0]
    if b"Pss_Anon" in fields:
        return fields[b"Pss_Anon"] + fields.get(b"Pss_Shmem", 0)
    return max(0, fields.get(b"Pss", 0) - fields.get(b"Pss_File", 0))


def folder_used(path: str) -> int:
    """Bytes in use on the file system at path (a kernel's private /dev/shm), 0 if unreadable."""
    try:
        stats = os.statvfs(path)
    except OSError:
        return 0
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


def ns_pids(pid: int) -> list[int]:
    """The pid as each nested pid namespace sees it, outermost first."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("NSpid:"):
                    return [int(p) for p in line.split()[1:]]
    except OSError:
        pass
    return [pid]


def kill_all(pids: list[int], sig: int = signal.SIGKILL) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def kill_below(pid: int) -> None:
    """Stop every descendant (so none can fork), then kill them all."""
    for _ in range(20):
        found = descendants(pid)
        if not found:
            return
        kill_all(found, signal.SIGSTOP)
        if set(descendants(pid)) <= set(found):
            kill_all(found, signal.SIGKILL)
            kill_all(found, signal.SIGCONT)
            return
