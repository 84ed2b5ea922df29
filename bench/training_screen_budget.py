"""Budget check for the training screen while a run streams, measured through a pty (what SSH carries).

    .venv/bin/python bench/training_screen_budget.py              # replayed two-GPU stream at full rate
    .venv/bin/python bench/training_screen_budget.py --trainer real   # the real trainer on synthetic data
    .venv/bin/python bench/training_screen_budget.py --app        # through `blitz-tui`, opening with `t`

Prints key-to-paint p50/p95 (goal p95 ≤ 50 ms), bytes written to the terminal per second (goal ≤ 30 KB/s)
and the TUI process's CPU, all its threads (goal ≤ 25% of one core; the trainer's own CPU is not counted).

Key-to-paint is the time from writing the key byte to the pty until the last byte of the frame that shows
its effect has been read back: the frame is found by the loss plot's new title, and it ends where the
output pauses for `FRAME_GAP_S`. Keys land at random moments (seeded), so they hit every phase of the
redraw cycle; a key not painted within `KEY_LIMIT_S` counts as `KEY_LIMIT_S`.
"""

from __future__ import annotations

import argparse
import fcntl
import gc
import os
import pty
import random
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
FAKE_TRAINER = ROOT / "tests" / "tui_training" / "fake_trainer.py"
STREAM = ROOT / "tests" / "tui_training" / "fixtures" / "two_gpus_ddp.jsonl"
# Each `x` flips the loss plot's x axis; its new title marks the frame that shows the key's effect.
TITLES = (b"Loss by step", b"Loss by wall time")
KEY_LIMIT_S = 2.0
FRAME_GAP_S = 0.005  # Textual writes a frame in one go; a pause this long means the frame is complete


def child(args: argparse.Namespace) -> None:
    """The app under test: a minimal host pushing the training screen."""
    sys.path.insert(0, str(ROOT))
    from textual.app import App

    from tui.training import TrainingScreen

    def replay(flags):
        return [sys.executable, str(FAKE_TRAINER), "--replay", str(STREAM), "--loop", "--speed", "1", "--", *flags]

    trainer = None if args.trainer == "real" else replay
    defaults = {"data": "synthetic", "preset": "faithful", "epochs": 50, "device": "cpu"}

    class Host(App):
        def on_mount(self) -> None:
            self.call_after_refresh(gc.freeze)  # as BlitzApp does at start
            self.push_screen(TrainingScreen(defaults, trainer=trainer))

    if not args.profile:
        Host().run()
        return
    import cProfile  # the event loop's thread only: what a key waits behind

    cProfile.runctx("Host().run()", globals(), locals(), args.profile)


class PtyReader(threading.Thread):
    """Reads everything the app writes, noting when each chunk arrived."""

    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.buffer = bytearray()
        self.chunks: list[tuple[int, float]] = []  # (offset just past the chunk, arrival time)
        self.lock = threading.Lock()
        self.closed = False

    def run(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            now = time.perf_counter()
            with self.lock:
                self.buffer += data
                self.chunks.append((len(self.buffer), now))
        self.closed = True

    def size(self) -> int:
        with self.lock:
            return len(self.buffer)

    def find_after(self, offset: int, needle: bytes) -> int:
        with self.lock:
            return self.buffer.find(needle, offset)

    def last_of(self, needles: tuple[bytes, ...]) -> bytes | None:
        """Which of `needles` the app wrote most recently."""
        with self.lock:
            where = {needle: self.buffer.rfind(needle) for needle in needles}
        best = max(where, key=where.get)
        return best if where[best] >= 0 else None

    def frame_end(self, position: int) -> float | None:
        """Arrival time of the last chunk of the frame holding byte `position`, once the output has
        paused for FRAME_GAP_S after it; None while the frame may still be arriving."""
        with self.lock:
            chunks = list(self.chunks)
        i = next((k for k, (end, _) in enumerate(chunks) if end > position), None)
        if i is None:
            return None
        while i + 1 < len(chunks) and chunks[i + 1][1] - chunks[i][1] < FRAME_GAP_S:
            i += 1
        if i + 1 < len(chunks) or time.perf_counter() - chunks[i][1] >= FRAME_GAP_S:
            return chunks[i][1]
        return None


def wait_for(reader: PtyReader, offset: int, needle: bytes, limit_s: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        if reader.find_after(offset, needle) >= 0:
            return time.perf_counter() - start
        time.sleep(0.001)
    return None


def key_to_paint(reader: PtyReader, master: int, key: bytes, needle: bytes) -> float | None:
    """Seconds from writing `key` to the end of the first frame after it that contains `needle`."""
    offset = reader.size()
    sent = time.perf_counter()
    os.write(master, key)
    while time.perf_counter() - sent < KEY_LIMIT_S + 1:
        position = reader.find_after(offset, needle)
        if position >= 0:
            end = reader.frame_end(position)
            if end is not None:
                return end - sent
        time.sleep(0.001)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trainer", choices=["replay", "real"], default="replay")
    parser.add_argument("--app", action="store_true", help="run blitz-tui itself and open the screen with t")
    parser.add_argument("--seconds", type=float, default=20.0, help="streaming window for bytes and CPU")
    parser.add_argument("--keys", type=int, default=80, help="keys pressed while it streams (p95 needs many)")
    parser.add_argument("--size", default="120x40")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the app's event loop into FILE (slows it)")
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    cols, rows = (int(v) for v in args.size.split("x"))
    scratch = None if os.environ.get("BLITZ_TUI_HOME") else tempfile.TemporaryDirectory(prefix="blitz-bench-")
    home = Path(os.environ.get("BLITZ_TUI_HOME") or scratch.name)
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows), BLITZ_TUI_HOME=str(home))
    if args.app:
        argv = [str(ROOT / ".venv" / "bin" / "blitz-tui"), "--data", "synthetic", "--epochs", "50", "--device", "cpu"]
    else:
        argv = [sys.executable, __file__, "--child", "--trainer", args.trainer]
        argv += ["--profile", str(Path(args.profile).resolve())] if args.profile else []
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
                               start_new_session=True)
    os.close(slave)
    reader = PtyReader(master)
    reader.start()
    try:
        if wait_for(reader, 0, b"Training", 30) is None:
            print("the app did not start within 30 s", file=sys.stderr)
            return 1
        time.sleep(1.0)
        if args.app:
            os.write(master, b"t")
            time.sleep(1.5)
        os.write(master, b"s")
        if wait_for(reader, 0, b"img/s", 120) is None:
            print("no training progress appeared within 120 s", file=sys.stderr)
            return 1
        time.sleep(3.0)  # let the stream settle
        tui = psutil.Process(process.pid)
        # Phase 1: the stream alone, hands off the keyboard (what an SSH link carries while you watch).
        cpu0, bytes0, t0 = sum(tui.cpu_times()[:2]), reader.size(), time.perf_counter()
        time.sleep(args.seconds)
        elapsed = time.perf_counter() - t0
        cpu = (sum(tui.cpu_times()[:2]) - cpu0) / elapsed * 100
        rate = (reader.size() - bytes0) / elapsed / 1024
        # Phase 2: keys while it streams; each one must reach the terminal as a new frame.
        latencies = []
        presses = painted = 0
        gaps = random.Random(6)
        while presses < args.keys:
            shown = reader.last_of(TITLES)
            needle = TITLES[0] if shown == TITLES[1] else TITLES[1]  # the title the key must bring
            latency = key_to_paint(reader, master, b"x", needle)
            presses += 1
            if latency is not None and latency <= KEY_LIMIT_S:
                painted += 1
            latencies.append(min(latency if latency is not None else KEY_LIMIT_S, KEY_LIMIT_S) * 1000)
            time.sleep(gaps.uniform(0.2, 0.6))
    finally:
        os.killpg(process.pid, 2) if process.poll() is None else None
        try:
            os.write(master, b"\x11")  # ctrl+q, in case SIGINT is ignored
            process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(process.pid, 9)
        if scratch is not None:
            scratch.cleanup()  # the runs it recorded are of no use after the figures
    keyed = f"{painted}/{presses}"
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else float("nan")
    trainer = "real, through blitz-tui" if args.app else args.trainer
    print(f"training screen budget — {cols}x{rows}, trainer: {trainer}, {elapsed:.0f} s streaming, "
          f"then {presses} keys; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"key-to-paint   p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({keyed} keys painted)   goal p95 <= 50 ms")
    print(f"terminal bytes {rate:6.1f} KB/s                                 goal <= 30 KB/s")
    print(f"TUI CPU        {cpu:6.1f} % of one core                          goal <= 25 %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
