"""The batch-4 CPU step's parts: its first layer ATen's way and conv_then_pool.py's, the whole step
compiled with TorchScript and as Python, each on 1 and 2 threads.

    .venv/bin/python bench/lean_step_parts.py [--rounds 20]

Every call gets a new batch, as in training: with the same data each time the branch predictor
learns ATen's pooling comparisons and flatters it. The variants take turns in blocks of 300 calls,
so a change in the machine's load hits them alike; the figures are medians over the rounds. Not a
test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BLOCK = 300


def aten_first_layer(x, weight, bias, upstream):
    """conv1 + 2×2 max pool forward and backward with ATen's CPU kernels (the lean step before)."""
    import torch

    aten = torch.ops.aten
    c1 = aten._slow_conv2d_forward(x, weight, (5, 5), bias, (1, 1), (0, 0))
    pooled, where = torch.nn.functional.max_pool2d_with_indices(c1, 2)
    g = aten.max_pool2d_with_indices_backward(upstream, c1, [2, 2], [2, 2], [0, 0], [1, 1], False, where)
    aten._slow_conv2d_backward(g, x, weight, (5, 5), (1, 1), (0, 0), (False, True, True))
    return pooled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    import os

    import torch

    from curriculum.training.conv_then_pool import conv_then_pool, conv_then_pool_backward, window_buffers
    from curriculum.training.lean_step import LeanCpuStep
    from curriculum.training.models import build_model

    torch.manual_seed(0)
    images = torch.randint(0, 256, (50_000, 3, 32, 32), dtype=torch.uint8)
    labels = torch.randint(0, 10, (50_000,))
    batches = (images[:BLOCK * 4].float() / 127.5 - 1).view(BLOCK, 4, 3, 32, 32)
    upstream = torch.randn(BLOCK, 4, 6, 14, 14)
    weight, bias = torch.randn(6, 3, 5, 5) * 0.1, torch.randn(6) * 0.1
    buffers = window_buffers(weight, 4, 32, 32)
    weight_grad, bias_grad = torch.empty_like(weight), torch.empty_like(bias)

    def ours(k):
        _, choice = conv_then_pool(batches[k].transpose(0, 1), weight, bias, *buffers[:2])
        conv_then_pool_backward(upstream[k].transpose(0, 1), choice, weight_grad, bias_grad, *buffers)

    order = torch.randperm(50_000)

    def whole_step(compiled: bool):
        step = LeanCpuStep(build_model("blitz"), images, labels, 0.001, 0.9, compiled=compiled)
        position = [0]

        def run(_k):
            start = (position[0] % 12_000) * 4
            position[0] += 1
            step(order[start:start + 4])
        return run

    variants = {
        "first layer, ATen": lambda k: aten_first_layer(batches[k], weight, bias, upstream[k]),
        "first layer, conv_then_pool": ours,
        "whole step, TorchScript": whole_step(True),
        "whole step, Python": whole_step(False),
    }
    results = {(name, threads): [] for name in variants for threads in (1, 2)}
    for _ in range(args.rounds):
        for threads in (1, 2):
            torch.set_num_threads(threads)
            for name, run in variants.items():
                began = time.perf_counter()
                for k in range(BLOCK):
                    run(k)
                results[(name, threads)].append((time.perf_counter() - began) / BLOCK * 1e6)
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"median µs per call over {args.rounds} rounds of {BLOCK}")
    for (name, threads), times in results.items():
        print(f"  {name:28s} {threads} thread{'s' if threads > 1 else ' '} {statistics.median(times[1:]):8.1f} µs")
    med = {key: statistics.median(times[1:]) for key, times in results.items()}
    for threads in (1, 2):
        print(f"first layer at {threads} thread(s): conv_then_pool {med[('first layer, ATen', threads)] / med[('first layer, conv_then_pool', threads)]:.2f}× "
              "as fast as ATen's")
    for threads in (1, 2):
        print(f"whole step at {threads} thread(s): TorchScript {med[('whole step, Python', threads)] / med[('whole step, TorchScript', threads)]:.2f}× "
              "as fast as Python")
    print(f"whole step, TorchScript: 2 threads {med[('whole step, TorchScript', 1)] / med[('whole step, TorchScript', 2)]:.2f}× "
          "as fast as 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
