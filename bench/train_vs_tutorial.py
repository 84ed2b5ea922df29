"""The blitz tutorial's training loop against the `faithful` and `fast` presets, side by side.

    .venv/bin/python bench/train_vs_tutorial.py [--data DIR|ZIP] [--device cpu|cuda] [--repeats 3]

Default data: ../shared/data/cifar10-sample.zip, extracted once to /tmp; the goals in issue 14 are for
the full CIFAR-10 (`--data` an ImageFolder of the 60,000 JPEGs). Each repeat runs, in turn: the
tutorial's loop (ToTensor+Normalize, DataLoader batch 4 shuffled with 2 workers, loss.item() every
step, 2 epochs); `faithful` streaming its events (JSON to /dev/null plus GPU telemetry) and
`faithful` with streaming off, taking turns at going first; and `fast` until a test pass reaches --target (54%), timed as DAWNBench does:
the training seconds at the first test pass that reaches it, test passes not counted. The machine
may be shared, so the summary gives medians of per-repeat ratios and the load average before and
after. Streaming's overhead is measured apart, over --overhead-pairs pairs of 1-epoch `faithful`
runs with it on and off in turns. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE_ZIP = ROOT.parent / "shared" / "data" / "cifar10-sample.zip"
SETTLE_S = 10  # a pause after the tutorial loop, before the next run


def sample_folder() -> Path:
    target = Path("/tmp/blitz-bench-data")
    if not (target / "cifar10-sample" / "test").is_dir():
        if not SAMPLE_ZIP.is_file():
            sys.exit(f"no --data given and the shared sample is missing ({SAMPLE_ZIP})")
        with zipfile.ZipFile(SAMPLE_ZIP) as archive:
            archive.extractall(target)
    return target / "cifar10-sample"


def tutorial_loop(folder: Path, device, seed: int) -> dict:
    """The 60-minute blitz's loop as its recipe writes it (our own code, its hyperparameters)."""
    import torch
    import torchvision
    from torch import nn, optim
    from torchvision import transforms

    from curriculum.training.models import BlitzNet

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
    trainset = torchvision.datasets.ImageFolder(str(folder / "train"), transform=transform)
    testset = torchvision.datasets.ImageFolder(str(folder / "test"), transform=transform)
    trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True, num_workers=2)
    testloader = torch.utils.data.DataLoader(testset, batch_size=4, shuffle=False, num_workers=2)
    torch.manual_seed(seed)
    net = BlitzNet().to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
    steps, started = 0, time.perf_counter()
    for epoch in range(2):
        running_loss = 0.0
        for i, (inputs, labels) in enumerate(trainloader):
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            loss = criterion(net(inputs), labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            steps += 1
            if i % 2000 == 1999:
                running_loss = 0.0
    train_s = time.perf_counter() - started
    correct = total = 0
    with torch.no_grad():
        for images, labels in testloader:
            predicted = net(images.to(device)).argmax(1).cpu()
            correct += int((predicted == labels).sum())
            total += labels.size(0)
    return {"steps_per_s": steps / train_s, "train_s": train_s, "acc": correct / total}


def preset_run(dataset, preset: str, device: str, streaming: bool, stop_at: float | None = None, **overrides) -> dict:
    from curriculum.training.events import Emitter, JsonLinesSink
    from curriculum.training.presets import make_config
    from curriculum.training.telemetry import GpuMonitor
    from curriculum.training.trainer import Trainer

    evals: list[dict] = []
    holder: list = []

    def watch(event) -> None:
        if event.TYPE == "eval":
            evals.append(event.to_dict())
            if stop_at is not None and event.test_acc >= stop_at:
                holder[0].request_stop()  # time to accuracy: the first test pass that reaches it

    sinks = [watch]
    devnull = open(os.devnull, "w")
    if streaming:
        sinks.append(JsonLinesSink(devnull))
    emitter = Emitter(sinks)
    config = make_config(preset, device=device, data="bench", **overrides)
    trainer = Trainer(config, dataset, emitter)
    holder.append(trainer)
    if not streaming:
        trainer.progress_interval = None
    monitor = GpuMonitor(emitter.emit).start() if streaming else None
    trainer.run()
    if monitor is not None:
        monitor.stop()
    devnull.close()
    state = trainer.state
    reached = next((e for e in evals if stop_at is not None and e["test_acc"] >= stop_at), None)
    return {"steps_per_s": state.global_step / state.train_s, "train_s": state.train_s, "evals": evals,
            "acc": trainer.last_eval["test_acc"], "reached_s": reached["train_s"] if reached else None,
            "reached_acc": reached["test_acc"] if reached else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="an ImageFolder/CIFAR-10 folder or zip (default: the shared sample)")
    parser.add_argument("--device", default="cpu", help="cpu (default), cuda or cuda:N")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--target", type=float, default=0.54, help="fast's test accuracy to reach (default 0.54)")
    parser.add_argument("--no-tutorial", action="store_true", help="skip the tutorial loop (GPU check: time)")
    parser.add_argument("--overhead-pairs", type=int, default=4,
                        help="1-epoch faithful runs with streaming on and off, in turns, for its overhead (default 4)")
    args = parser.parse_args()
    import torch

    from curriculum.training.data import load_dataset

    folder = Path(args.data) if args.data else sample_folder()
    if folder.suffix == ".zip":
        from curriculum.training.data import _extracted
        from curriculum.training.sources import image_folder_root

        folder = image_folder_root(_extracted(folder))
    dataset = load_dataset(str(folder))
    device = torch.device(args.device if args.device != "cuda" else "cuda:0")
    print(f"data: {folder} ({len(dataset.train_labels)} train / {len(dataset.test_labels)} test), device {device}, "
          f"torch {torch.__version__}, {os.cpu_count()} CPUs, load average {_load()}")
    rows = []
    for repeat in range(args.repeats):
        tutorial = None if args.no_tutorial else tutorial_loop(folder, device, args.seed + repeat)
        if tutorial is not None:
            # Its DataLoader workers are still exiting: a run started at once measured up to 25% slow.
            time.sleep(SETTLE_S)
        # Streaming on and off take turns at going first: the run right after the tutorial loop meets
        # the machine still settling from its worker processes, which must not count against either.
        faithful = quiet = None
        for streaming in ((True, False) if repeat % 2 == 0 else (False, True)):
            run = preset_run(dataset, "faithful", str(device), streaming, seed=args.seed + repeat)
            faithful, quiet = (run, quiet) if streaming else (faithful, run)
        fast = preset_run(dataset, "fast", str(device), True, stop_at=args.target, seed=args.seed + repeat)
        rows.append((tutorial, faithful, quiet, fast))
        t = tutorial or {"steps_per_s": float("nan"), "acc": float("nan"), "train_s": float("nan")}
        print(f"[{repeat + 1}] tutorial {t['steps_per_s']:6.0f} steps/s {100 * t['acc']:5.1f}% {t['train_s']:6.1f}s | "
              f"faithful {faithful['steps_per_s']:6.0f} steps/s ({1e3 / faithful['steps_per_s']:.3f} ms/step) "
              f"{100 * faithful['acc']:5.1f}% {faithful['train_s']:5.1f}s "
              f"(streaming off {quiet['steps_per_s']:6.0f} steps/s) | fast reached {_pct(fast['reached_acc'])} in "
              f"{_secs(fast['reached_s'])} (test passes: "
              + " ".join(f"{e['epoch']:g}:{100 * e['test_acc']:.1f}%@{e['train_s']:.1f}s" for e in fast["evals"])
              + f") | load {_load()}", flush=True)
    pairs = streaming_pairs(dataset, str(device), args.seed, args.overhead_pairs)
    _summary(rows, args.target, pairs)
    print(f"load average at the end: {_load()}")
    return 0


def streaming_pairs(dataset, device: str, seed: int, pairs: int) -> list[tuple[float, float]]:
    """(steps/s with streaming, without) for `pairs` 1-epoch faithful runs each, in turns: one run of
    each varies by ±10% on a shared CPU, far more than streaming costs, so its overhead needs pairs."""
    out = []
    for pair in range(pairs):
        runs = {}
        for streaming in ((True, False) if pair % 2 == 0 else (False, True)):
            runs[streaming] = preset_run(dataset, "faithful", device, streaming, epochs=1, seed=seed + pair)["steps_per_s"]
        out.append((runs[True], runs[False]))
        print(f"streaming pair {pair + 1}: on {runs[True]:.0f} steps/s, off {runs[False]:.0f} steps/s", flush=True)
    return out


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def _pct(value):
    return "—" if value is None else f"{100 * value:.1f}%"


def _secs(value):
    return "never" if value is None else f"{value:.2f}s"


def _summary(rows, target: float, pairs) -> None:
    med = statistics.median
    if pairs:
        overhead = med(off / on - 1 for on, off in pairs)
        print(f"streaming overhead (events + telemetry on vs off): median {100 * overhead:+.1f}% over {len(pairs)} "
              "pairs of 1-epoch runs  (goal ≤ 3%)")
    if rows[0][0] is None:
        print(f"faithful: median {med(f['steps_per_s'] for _, f, _, _ in rows):.0f} steps/s")
    fast_s = med(x["reached_s"] or float("inf") for *_, x in rows)
    print(f"fast: reached {100 * target:.0f}% after a median {_secs(None if fast_s == float('inf') else fast_s)} of "
          "training (goal ≤ 8 s; moonshot 5 s)")
    if rows[0][0] is None:
        return
    speedup = med(f["steps_per_s"] / t["steps_per_s"] for t, f, _, _ in rows)
    gap = med(abs(f["acc"] - t["acc"]) for t, f, _, _ in rows)
    fraction = med((x["reached_s"] or float("inf")) / t["train_s"] for t, _, _, x in rows)
    print(f"faithful vs tutorial: median {speedup:.1f}x steps/s (goal ≥ 8x, moonshot 10x), median accuracy gap "
          f"{100 * gap:.1f} points (goal ≤ 2)")
    print(f"fast: reached {100 * target:.0f}% in a median {100 * fraction:.1f}% of the tutorial's training time")
    print("accuracy per repeat (tutorial / faithful / fast at stop): " + ", ".join(
        f"{_pct(t['acc'])}/{_pct(f['acc'])}/{_pct(x['reached_acc'])}" for t, f, _, x in rows))


if __name__ == "__main__":
    sys.exit(main())
