"""Why a torchrun job failed, in one line for the learner, from torchrun's log and the ranks' errors.

torchrun ends a failed job with a summary naming the first rank that failed ("Root Cause"), its
exit code and, for a signal, which one; a rendezvous that times out or a port already taken leave
their own messages. Anything else falls back to the last meaningful log line.
"""

from __future__ import annotations

import argparse
import re
import signal

ROOT_RANK = re.compile(r"^\s*rank\s*:\s*(\d+)\s*\(local_rank:\s*(\d+)\)")
ROOT_EXIT = re.compile(r"^\s*exitcode\s*:\s*(-?\d+)\s*\(pid:\s*(\d+)\)")
ROOT_HOST = re.compile(r"^\s*host\s*:\s*(\S+)")
FAILURE_START = re.compile(r"^\s*\[\d+\]:\s*$")
STOPPED = 130


def _failure_at(lines: list[str], start: int) -> dict | None:
    """{rank, exitcode, pid, host} of the failure block that begins at `start` (its `[N]:` line)."""
    found: dict = {}
    for line in lines[start + 1:start + 8]:
        if FAILURE_START.match(line):
            break  # the next block
        for pattern, keys in ((ROOT_RANK, ("rank", "local_rank")), (ROOT_EXIT, ("exitcode", "pid")),
                              (ROOT_HOST, ("host",))):
            match = pattern.match(line)
            if match:
                found.update({k: (int(v) if k != "host" else v) for k, v in zip(keys, match.groups())})
    return found if "rank" in found and "exitcode" in found else None


def root_cause(lines: list[str]) -> dict | None:
    """torchrun's "Root Cause (first observed failure)", if it printed one."""
    try:
        start = next(i for i, line in enumerate(lines) if "Root Cause" in line)
    except StopIteration:
        return None
    block = next((i for i in range(start + 1, min(start + 3, len(lines))) if FAILURE_START.match(lines[i])), None)
    return _failure_at(lines, block) if block is not None else None


def killed_rank(lines: list[str]) -> dict | None:
    """A rank that a signal killed (not torchrun's own SIGTERM to the others), if any. Its peers then fail
    on a closed connection, and torchrun may observe one of those first: the killed rank is the cause."""
    for i, line in enumerate(lines):
        if FAILURE_START.match(line):
            failure = _failure_at(lines, i)
            if failure is not None and failure["exitcode"] < 0 and -failure["exitcode"] != signal.SIGTERM:
                return failure
    return None


def exit_codes(lines: list[str]) -> list[int]:
    return [int(m.group(1)) for m in (ROOT_EXIT.match(line) for line in lines) if m]


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _rendezvous(text: str, args: argparse.Namespace) -> str | None:
    endpoint, timeout = args.rdzv_endpoint, f"{args.rdzv_timeout:g} s"
    if "EADDRINUSE" in text or "address already in use" in text.lower():
        port = endpoint.rpartition(":")[2] if endpoint else "?"
        return (f"port {port} is already in use on this machine, so the rendezvous cannot be hosted here; "
                "pick another port in --rdzv-endpoint on every machine")
    if endpoint and args.node_rank == 0 and "waiting for clients" in text:
        joined = re.search(r"(\d+)/(\d+) clients joined", text)
        count = f" ({joined.group(1)} of {joined.group(2)} machines arrived)" if joined else ""
        others = "1" if args.nnodes == 2 else f"1..{args.nnodes - 1}"
        return (f"nobody joined the rendezvous at {endpoint} within {timeout}{count}: start the other machines with "
                f"--nnodes {args.nnodes} --node-rank {others} --rdzv-endpoint {endpoint}")
    if endpoint and args.node_rank > 0 and ("DistNetworkError" in text or "TimeoutError" in text
                                            or "Timed out" in text or "failed to connect" in text.lower()):
        return (f"could not reach the rendezvous at {endpoint} within {timeout}: start --node-rank 0 there first, "
                "and check the address and that the port is open")
    return None


def explain(lines: list[str], worker_errors: dict[int, str], args: argparse.Namespace,
            returncode: int) -> tuple[str, int]:
    """(one line, exit status) for a torchrun job that ended without finishing."""
    cause = killed_rank(lines) or root_cause(lines)
    codes = exit_codes(lines)
    if codes and all(code == STOPPED for code in codes):
        return "the run was stopped (a stop request reached the ranks from another machine)", STOPPED
    if cause is not None:
        rank, code = cause["rank"], cause["exitcode"]
        where = f" on {cause['host']}" if args.nnodes > 1 and cause.get("host") else ""
        if code < 0:
            return (f"rank {rank}{where} died ({_signal_name(-code)}, pid {cause.get('pid', '?')}); "
                    "torchrun stopped the other ranks"), 1
        if rank in worker_errors:
            return (worker_errors[rank], 2) if code == 2 else (f"rank {rank}{where} failed: {worker_errors[rank]}", 1)
        return f"rank {rank}{where} exited with status {code}; torchrun stopped the other ranks", 1
    rendezvous = _rendezvous("\n".join(lines), args)
    if rendezvous is not None:
        return rendezvous, 1
    if worker_errors:
        rank = min(worker_errors)
        return f"rank {rank} failed: {worker_errors[rank]}", 1
    meaningful = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith(("File ", "^"))]
    last = meaningful[-1] if meaningful else f"torchrun exited with status {returncode}"
    return f"torchrun failed: {last[:300]}", 1
