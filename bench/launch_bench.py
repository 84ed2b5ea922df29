"""Launch-to-first-paint of the real `blitz-tui`, through a pseudo-terminal, median of several runs.

    .venv/bin/python bench/launch_bench.py [--runs 7]

Prints, for three kinds of terminal:
  answering  – replies to the device-attributes and cell-size queries, as xterm-likes do;
  silent     – replies to nothing (textual-image's probes wait out their 0.1 s timeouts);
  tmux       – TMUX set: pictures use half-blocks and no probe runs.
"first paint" is when the home screen's lesson list has been written to the terminal;
"lesson 1" is from pressing 1 to the lesson's title bar being written. CPU is the app's own
user+system time up to first paint, a steadier figure on a shared machine.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLITZ = Path(sys.executable).with_name("blitz-tui")
ANSWERS = {b"\x1b[c": b"\x1b[?62;22c", b"\x1b[16t": b"\x1b[6;20;10t"}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process: less at the mercy of a busy machine than wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(kind: str, home: Path) -> tuple[float, float, float]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = dict(os.environ, BLITZ_TUI_HOME=str(home), TERM="xterm-256color", COLORTERM="truecolor")
    env.pop("TMUX", None)
    if kind == "tmux":
        env["TMUX"] = "/tmp/bench-tmux,1,0"
    start = time.perf_counter()
    process = subprocess.Popen([str(BLITZ)], stdin=slave, stdout=slave, stderr=slave, env=env,
                               start_new_session=True, close_fds=True)
    os.close(slave)
    seen = b""
    first_paint = lesson = cpu = float("nan")
    try:
        first_paint = _wait_for(master, [b"Training screen"], seen, kind, start)
        cpu = cpu_seconds(process.pid)
        os.write(master, b"1")
        pressed = time.perf_counter()
        lesson = _wait_for(master, [b"esc: all lessons"], b"", kind, pressed)
        os.write(master, b"\x11")  # ctrl+q
        _drain_until_exit(master, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return first_paint, lesson, cpu


def _drain_until_exit(master: int, process: subprocess.Popen, timeout: float = 30) -> None:
    """Keep reading: an app whose terminal stops reading blocks on its next write."""
    deadline = time.perf_counter() + timeout
    while process.poll() is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                os.read(master, 65536)
            except OSError:
                break
    process.wait(timeout=5)


def _wait_for(master: int, markers: list[bytes], seen: bytes, kind: str, since: float, timeout: float = 60) -> float:
    deadline = since + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([master], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        seen += chunk
        if kind == "answering":
            for query, answer in ANSWERS.items():
                if query in chunk:
                    os.write(master, answer)
        if all(marker in seen for marker in markers):
            return time.perf_counter() - since
    raise TimeoutError(f"never saw {markers} ({kind})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not BLITZ.exists():
        print(f"blitz-tui is not installed next to {sys.executable}", file=sys.stderr)
        return 2
    home = Path(tempfile.mkdtemp(prefix="blitz-bench-"))
    try:
        one_run("tmux", home)  # warm the file cache once, not counted
        print(f"blitz-tui launch, {args.runs} runs each, 80×24 pty, {os.cpu_count()} CPUs, "
              f"load {os.getloadavg()[0]:.1f}")
        for kind in ("answering", "silent", "tmux"):
            runs = [one_run(kind, home) for _ in range(args.runs)]
            paint = [run[0] for run in runs]
            lesson = [run[1] for run in runs]
            cpu = [run[2] for run in runs]
            print(f"  {kind:<10} first paint median {statistics.median(paint):.3f} s "
                  f"(min {min(paint):.3f}, max {max(paint):.3f}; CPU {statistics.median(cpu):.2f} s)   "
                  f"key 1 → lesson 1 median {statistics.median(lesson):.3f} s")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
