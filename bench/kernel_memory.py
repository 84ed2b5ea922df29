"""Memory of open lessons: each lesson's torch kernel plus the app's ONE shared spare.

    .venv/bin/python bench/kernel_memory.py [--lessons 2]

Starts the kernels as the app does (torch imported, default sandbox), prints each process tree's
resident memory and the number of kernel processes, then stops everything. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("BLITZ_TUI_HOME", tempfile.mkdtemp(prefix="blitz-bench-"))

from curriculum.kernel import Kernel, KernelConfig, proctree  # noqa: E402
from curriculum.kernel.spare import SparePool  # noqa: E402
from curriculum.paths import workspace_dir  # noqa: E402


def resident_mb(pid: int) -> float:
    total_kb = 0
    for member in [pid] + proctree.descendants(pid):
        try:
            with open(f"/proc/{member}/status") as status:
                total_kb += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
        except OSError:
            pass
    return total_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", type=int, default=2, help="how many lessons to open (default 2)")
    args = parser.parse_args()
    spares = SparePool()
    kernels = [Kernel(KernelConfig(workspace=workspace_dir(f"lesson-{n}")), spares) for n in range(1, args.lessons + 1)]
    try:
        for kernel in kernels:
            kernel.start()
            spares.wait_ready(timeout=300)  # as after a few seconds of reading the lesson
        trees = [(f"lesson {n} kernel", k._process.popen.pid) for n, k in enumerate(kernels, start=1)]
        trees.append(("the app's one spare", spares._spare.process.popen.pid))
        print(f"isolation {kernels[0].isolation}, torch {kernels[0].torch_version}")
        for name, pid in trees:
            print(f"  {name:<22} {resident_mb(pid):6.0f} MB resident")
        total = sum(resident_mb(pid) for _, pid in trees)
        print(f"  {len(trees)} kernel processes, {total:.0f} MB in all "
              f"(a spare per lesson would be {2 * len(kernels)} processes)")
    finally:
        for kernel in kernels:
            kernel.shutdown()
        spares.close()


if __name__ == "__main__":
    main()
