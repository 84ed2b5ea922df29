"""Budget check for the training screen while a run streams, measured through a pty (what SSH carries).

    .venv/bin/python bench/training_screen_budget.py              # replayed two-GPU stream at full rate
    .venv/bin/python bench/training_screen_budget.py --trainer real   # the real trainer on synthetic data
    .venv/bin/python bench/training_screen_budget.py --app        # through `blitz-tui`, opening with `t`

Prints key-to-paint p50/p95 (goal p95 ≤ 50 ms), bytes written to the terminal per second (goal ≤ 30 KB/s)
and the TUI process's CPU (goal ≤ 25% of one core; the trainer's own CPU is not counted).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
FAKE_TRAINER = ROOT / "tests" / "tui_training" / "fake_trainer.py"
STREAM = ROOT / "tests" / "tui_training" / "fixtures" / "two_gpus_ddp.jsonl"
# Each key press flips the loss plot's x axis; its title is the proof the new frame reached the terminal.
TOGGLES = (("x", b"Loss by wall time"), ("x", b"Loss by step"))


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
            self.push_screen(TrainingScreen(defaults, trainer=trainer))

    Host().run()


class PtyReader(threading.Thread):
    def __init__(self, fd: int) -> None:
        super().__init__(daemon=True)
        self.fd = fd
        self.buffer = bytearray()
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
            with self.lock:
                self.buffer += data
        self.closed = True

    def size(self) -> int:
        with self.lock:
            return len(self.buffer)

    def find_after(self, offset: int, needle: bytes) -> bool:
        with self.lock:
            return self.buffer.find(needle, offset) >= 0


def wait_for(reader: PtyReader, offset: int, needle: bytes, limit_s: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < limit_s:
        if reader.find_after(offset, needle):
            return time.perf_counter() - start
        time.sleep(0.001)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trainer", choices=["replay", "real"], default="replay")
    parser.add_argument("--app", action="store_true", help="run blitz-tui itself and open the screen with t")
    parser.add_argument("--seconds", type=float, default=20.0, help="measurement window")
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    if args.child:
        child(args)
        return 0
    cols, rows = (int(v) for v in args.size.split("x"))
    home = Path(os.environ.get("BLITZ_TUI_HOME") or f"/tmp/blitz-bench-{os.getpid()}")
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows), BLITZ_TUI_HOME=str(home))
    if args.app:
        argv = [str(ROOT / ".venv" / "bin" / "blitz-tui"), "--data", "synthetic", "--epochs", "50", "--device", "cpu"]
    else:
        argv = [sys.executable, __file__, "--child", "--trainer", args.trainer]
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
        presses = 0
        t1 = time.perf_counter()
        while time.perf_counter() - t1 < args.seconds:
            key, needle = TOGGLES[presses % 2]
            offset = reader.size()
            os.write(master, key.encode())
            latency = wait_for(reader, offset, needle, 2.0)
            if latency is not None:
                latencies.append(latency * 1000)
            presses += 1
            time.sleep(0.5)
    finally:
        os.killpg(process.pid, 2) if process.poll() is None else None
        try:
            os.write(master, b"\x11")  # ctrl+q, in case SIGINT is ignored
            process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(process.pid, 9)
    keyed = f"{len(latencies)}/{presses}"
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else float("nan")
    print(f"training screen budget — {cols}x{rows}, trainer: {args.trainer}, {elapsed:.0f} s streaming, "
          f"then {presses} keys")
    print(f"key-to-paint   p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({keyed} keys painted)   goal p95 <= 50 ms")
    print(f"terminal bytes {rate:6.1f} KB/s                                 goal <= 30 KB/s")
    print(f"TUI CPU        {cpu:6.1f} % of one core                          goal <= 25 %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
