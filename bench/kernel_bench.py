"""Kernel figures: warm round trip of `1 + 1` per isolation level, restart-to-ready with torch
imported, and the watchdog's overhead on a CPU-bound cell.

    .venv/bin/python bench/kernel_bench.py [--rounds 300] [--skip-restart] [--skip-watchdog]

Prints figures; asserts nothing (speed goals live here, not in the tests).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from curriculum.kernel import Kernel, KernelConfig, isolation, proctree, watchdog  # noqa: E402
from curriculum.kernel.spare import SparePool  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def round_trips(workspace: Path, rounds: int) -> None:
    print("warm round trip of `1 + 1` (execute() call to result):")
    for level in isolation.LEVELS:
        works, why = isolation.check(level)
        if not works:
            print(f"  {level:<10} unavailable: {why}")
            continue
        with Kernel(KernelConfig(workspace=workspace, isolation=level, preload_torch=False)) as k:
            for _ in range(20):
                k.execute("1 + 1")
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                k.execute("1 + 1")
                times.append((time.perf_counter() - start) * 1000)
        print(f"  {level:<10} p50 {percentile(times, 0.5):6.2f} ms   p95 {percentile(times, 0.95):6.2f} ms   (n={rounds})")


def restart_to_ready(workspace: Path, restarts: int) -> None:
    config = KernelConfig(workspace=workspace, preload_torch=True)
    spares = SparePool()
    kernel = Kernel(config, spares)
    start = time.perf_counter()
    kernel.start()
    cold = time.perf_counter() - start
    print(f"restart-to-ready with torch imported (isolation {kernel.isolation}, torch {kernel.torch_version}):")
    print(f"  cold start (no spare yet): {cold:.2f} s")
    times = []
    for _ in range(restarts):
        spares.wait_ready(timeout=300)  # as after a few seconds of reading a lesson
        start = time.perf_counter()
        kernel.restart()
        result = kernel.execute("torch.__version__ if 'torch' in dir() else __import__('torch').__version__")
        times.append(time.perf_counter() - start)
        assert result.status == "ok", result.message
    kernel.shutdown()
    spares.close()
    print(f"  restart + first cell: p50 {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
          f"(n={restarts})")


def watchdog_overhead(workspace: Path, repeats: int) -> None:
    cell = "total = 0\nfor i in range(3_000_000):\n    total += i * i"

    def timed(interval: float) -> float:
        watchdog.INTERVAL_S = interval
        with Kernel(KernelConfig(workspace=workspace, isolation="rlimits", preload_torch=False, timeout=600)) as k:
            k.execute(cell)
            start = time.perf_counter()
            k.execute(cell)
            return time.perf_counter() - start

    on, off = [], []
    for _ in range(repeats):  # interleaved, so drifting machine load hits both alike
        off.append(timed(3600.0))
        on.append(timed(0.1))
    watchdog.INTERVAL_S = 0.1
    base, watched = statistics.median(off), statistics.median(on)
    print("watchdog overhead on a CPU-bound cell (median of interleaved runs):")
    print(f"  without watchdog {base:.3f} s, with watchdog every 100 ms {watched:.3f} s: "
          f"{(watched / base - 1) * 100:+.1f}% (n={repeats}; wall time, so machine noise shows here)")
    poll_cost(workspace)


def poll_cost(workspace: Path, polls: int = 2000) -> None:
    """The watchdog's own CPU per poll, timed directly: the noise-free part of its overhead."""
    with Kernel(KernelConfig(workspace=workspace, preload_torch=False)) as k:
        k.execute("import subprocess; helpers = [subprocess.Popen(['sleep', '30']) for _ in range(4)]")
        dog = k._process.watchdog
        tree = 1 + len(proctree.descendants(dog.root))
        start = time.process_time()
        for _ in range(polls):
            dog.poll()
        per_poll = (time.process_time() - start) / polls
        k.execute("[h.kill() for h in helpers]")
    share = per_poll / watchdog.INTERVAL_S
    print(f"  the watchdog's own CPU: {per_poll * 1e6:.0f} µs per poll of a {tree}-process tree, "
          f"{share * 100:.2f}% of one core at {1 / watchdog.INTERVAL_S:.0f} polls/s (on the app's side, "
          f"not the cell's core)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--restarts", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-restart", action="store_true")
    parser.add_argument("--skip-watchdog", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="blitz-bench-") as home:
        os.environ["BLITZ_TUI_HOME"] = home
        workspace = Path(home) / "workspace"
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        round_trips(workspace, args.rounds)
        if not args.skip_restart:
            restart_to_ready(workspace, args.restarts)
        if not args.skip_watchdog:
            watchdog_overhead(workspace, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
