"""On a CUDA machine: the CUDA-graph step must match the eager step, and NVML must be readable.

    python bench/gpu_check.py            (bench/gpu_check.sh runs it; exits 1 on a mismatch)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def compare_graph_with_eager(optimizer: str, batch_size: int = 4, steps: int = 50) -> bool:
    import torch

    from curriculum.training.models import build_model
    from curriculum.training.steps import CudaGraphStep, EagerStep

    device = torch.device("cuda")
    torch.manual_seed(0)
    images = torch.randn(512, 3, 32, 32, device=device)
    labels = torch.randint(0, 10, (512,), device=device)
    eager_model = build_model("blitz").to(device)
    graph_model = build_model("blitz").to(device)
    graph_model.load_state_dict(eager_model.state_dict())
    eager = EagerStep(eager_model, images, labels, 0.001, 0.9, optimizer)
    graphed = CudaGraphStep(graph_model, images, labels, 0.001, 0.9, optimizer, batch_size)
    order = torch.randperm(512, device=device)
    for k in range(steps):
        indices = order[(k * batch_size) % 500:][:batch_size]
        eager(indices)
        graphed(indices)
    graphed(order[:3])  # a short last batch runs eagerly on the graph's tensors
    eager(order[:3])
    torch.cuda.synchronize()
    worst = max((a - b).abs().max().item() for a, b in zip(eager_model.parameters(), graph_model.parameters()))
    loss_gap = abs(eager.loss_sum.item() - graphed.loss_sum.item())
    ok = worst < 1e-4 and loss_gap < 1e-3 * steps
    print(f"graph vs eager ({optimizer}, batch {batch_size}, {steps} steps): max weight difference {worst:.2e}, "
          f"loss-sum difference {loss_gap:.2e} -> {'OK' if ok else 'MISMATCH'}")
    return ok


def replay_rate(batch_size: int = 4, steps: int = 3000) -> None:
    import torch

    from curriculum.training.models import build_model
    from curriculum.training.steps import CudaGraphStep, EagerStep

    device = torch.device("cuda")
    images = torch.randn(50_000, 3, 32, 32, device=device)
    labels = torch.randint(0, 10, (50_000,), device=device)
    order = torch.randperm(50_000, device=device)
    for name, make in (("eager", lambda m: EagerStep(m, images, labels, 0.001, 0.9)),
                       ("cuda graph", lambda m: CudaGraphStep(m, images, labels, 0.001, 0.9, "sgd", batch_size))):
        step = make(build_model("blitz").to(device))
        for k in range(20):
            step(order[k * batch_size:(k + 1) * batch_size])
        torch.cuda.synchronize()
        started = time.perf_counter()
        for k in range(steps):
            step(order[k * batch_size:(k + 1) * batch_size])
        torch.cuda.synchronize()
        print(f"{name} step at batch {batch_size}: {steps / (time.perf_counter() - started):,.0f} steps/s")


def telemetry() -> bool:
    import threading

    from curriculum.training.telemetry import GpuMonitor, nvml_status

    print(nvml_status())
    got = []
    done = threading.Event()

    def collect(type_, **fields):
        got.append(fields)
        done.set()

    monitor = GpuMonitor(collect, interval=0.5).start()
    done.wait(5)
    monitor.stop()
    print(f"first gpu event: {got[0] if got else 'none'}")
    return bool(got) and got[0].get("available") is True


def main() -> int:
    import torch

    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check here")
        return 1
    print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    ok = compare_graph_with_eager("sgd") and compare_graph_with_eager("adam", batch_size=8)
    replay_rate()
    ok = telemetry() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
