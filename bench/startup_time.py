"""Start-up on an image folder: the first start (decoding every image) and a cached start.

    .venv/bin/python bench/startup_time.py --data DIR [--preset faithful|fast] [--repeats 3]

Each repeat uses a fresh, private cache (BLITZ_TUI_HOME in a temporary folder) and two new
processes: the first decodes the folder into the cache, the second starts from the cache. Both time
from just after `import torch` to the end of the first training step. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, time
import torch
began = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from curriculum.training.data import load_dataset
from curriculum.training.events import Emitter
from curriculum.training.presets import make_config
from curriculum.training.trainer import Trainer
dataset = load_dataset(sys.argv[2])
loaded = time.perf_counter()
trainer = Trainer(make_config(sys.argv[3], device="cpu", data=sys.argv[2]), dataset, Emitter([]))
trainer.step(torch.arange(trainer.config.batch_size))
print(json.dumps({"load_s": loaded - began, "first_step_s": time.perf_counter() - began}))
"""


def child(data: str, preset: str, home: str) -> dict:
    env = dict(os.environ, BLITZ_TUI_HOME=home)
    done = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), data, preset], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="an ImageFolder (train/<class>/, test/<class>/) or CIFAR-10 folder")
    parser.add_argument("--preset", default="faithful")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    first, cached = [], []
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory(prefix="blitz-startup-") as home:
            load = os.getloadavg()[0]
            first.append(child(args.data, args.preset, home))
            cached.append(child(args.data, args.preset, home))
            print(f"[{repeat + 1}] first start: decoded in {first[-1]['load_s']:.2f}s, first step at "
                  f"{first[-1]['first_step_s']:.2f}s | cached start: data at {cached[-1]['load_s']:.2f}s, first step at "
                  f"{cached[-1]['first_step_s']:.2f}s (after import torch) | load {load:.1f}", flush=True)
    med = statistics.median
    print(f"first start: median {med(r['load_s'] for r in first):.2f}s to decode (goal ≤ 5 s); cached start: median "
          f"{med(r['first_step_s'] for r in cached):.2f}s to the first step (goal ≤ 1 s); "
          f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
