"""Issue 15's checks on a GPU machine, in one run that writes OUT/gpu-check.json (bench/gpu_check.sh runs it).

    python bench/gpu_check.py --data DIR --out DIR [--rehearse]

DIR is an ImageFolder root (bench/gpu_data.py unpacks the full CIFAR-10 into one). In order:
1. the CUDA-graph step against the eager step, then the tutorial's loop (bench/train_vs_tutorial.py's
   code) and `faithful` side by side: steps/s, their ratio, both accuracies;
2. `fast` until it reaches 54% test accuracy: its training seconds;
3. a headless `--json` trainer run: its `gpu` events (count, rate), NVML's per-process memory for the
   trainer and for this process (a scrambled process struct shows as a wrong pid or impossible bytes),
   and a pilot replay of the stream into the training screen (tests/tui_training/test_gpu_replay.py);
4. every cell of lessons 1 and 4, exported with `blitz-tui export`, through `blitz-tui exec`, which must
   succeed and take their CUDA branch;
5. `blitz-tui train --nproc 1 --device cuda` (nccl), then `--nproc 2` (nccl on two GPUs, else gloo on the CPU);
then, last because it is optional, bench/ddp_throughput.py's DDP overhead at world size 1 on CUDA.
The JSON is rewritten after every step, so a run cut short still leaves what it measured.
`--rehearse` runs the same steps on the CPU: CUDA-only figures are null and `notes` says so.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TARGET_ACC = 0.54
# What each lesson prints when it took its GPU branch (and, in a rehearsal, its CPU one).
LESSON_MARKERS = {1: ("-> using cuda", "-> using cpu"), 4: ("scores computed on cuda", "scores computed on cpu")}


class Report:
    """gpu-check.json, written after every step."""

    def __init__(self, path: Path, rehearse: bool) -> None:
        self.path = path
        self.data: dict = {"date": datetime.date.today().isoformat(), "rehearsal": rehearse, "notes": [],
                           "faithful_vs_tutorial": None, "faithful_test_acc": None, "fast_seconds_to_54": None,
                           "nvml_events": None, "lesson_cells_on_gpu_ok": None, "device": None}

    def set(self, **values) -> None:
        self.data.update(values)
        self.save()

    def note(self, text: str) -> None:
        print(f"note: {text}", flush=True)
        self.data["notes"].append(text)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=2, default=str) + "\n")


def step(title: str) -> None:
    print(f"\n== {title} ({time.strftime('%H:%M:%S')})", flush=True)


def compare_graph_with_eager(optimizer: str, batch_size: int = 4, steps: int = 50) -> dict:
    """The CUDA-graph step must leave the same weights and losses as the eager step."""
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
    return {"optimizer": optimizer, "max_weight_difference": worst, "loss_sum_difference": loss_gap,
            "ok": worst < 1e-4 and loss_gap < 1e-3 * steps}


def speed_and_accuracy(report: Report, folder: Path, device: str, rehearse: bool) -> None:
    """Checks 1 and 2, through bench/train_vs_tutorial.py's own functions."""
    from train_vs_tutorial import preset_run, tutorial_loop

    import torch

    from curriculum.training.data import load_dataset

    if not rehearse:
        report.set(cuda_graph_vs_eager=[compare_graph_with_eager("sgd"), compare_graph_with_eager("adam", 8)])
    dataset = load_dataset(str(folder), show_progress=False)
    tutorial = tutorial_loop(folder, torch.device(device), seed=0)
    print(f"tutorial loop: {tutorial}", flush=True)
    faithful = preset_run(dataset, "faithful", device, True, seed=0)
    print(f"faithful: {faithful}", flush=True)
    report.set(tutorial=tutorial, faithful=faithful, faithful_test_acc=faithful["acc"],
               faithful_vs_tutorial=faithful["steps_per_s"] / tutorial["steps_per_s"],
               accuracy_gap_points=100 * abs(faithful["acc"] - tutorial["acc"]))
    step(f"2. fast until {TARGET_ACC:.0%}")
    fast = preset_run(dataset, "fast", device, True, stop_at=TARGET_ACC, seed=0, epochs=3 if rehearse else 20)
    print(f"fast: {fast}", flush=True)
    report.set(fast=fast, fast_seconds_to_54=fast["reached_s"])
    if fast["reached_s"] is None:
        report.note(f"fast never reached {TARGET_ACC:.0%} (best {fast['acc']:.1%})"
                    + (" on the rehearsal's small subset" if rehearse else ""))


def python_cmd(*args: str) -> list[str]:
    return [sys.executable, *args]


def nvml_processes(pid_wanted: int | None = None) -> list[dict]:
    """NVML's compute processes on GPU 0 (nvidia-ml-py picks the v3/v2/v1 struct the driver speaks)."""
    import pynvml

    pynvml.nvmlInit()
    try:
        handle = pynvml.nvmlDeviceGetHandleByIndex(0)
        total = pynvml.nvmlDeviceGetMemoryInfo(handle).total
        found = [{"pid": p.pid, "used": p.usedGpuMemory, "total": total}
                 for p in pynvml.nvmlDeviceGetComputeRunningProcesses(handle)]
    finally:
        pynvml.nvmlShutdown()
    return [p for p in found if pid_wanted is None or p["pid"] == pid_wanted]


def own_process_memory() -> dict:
    """This process holds a known 1 GiB on the GPU: NVML's figure for our pid must be at least that, and sane."""
    import torch

    block = torch.empty(2**30, dtype=torch.uint8, device="cuda")
    torch.cuda.synchronize()
    reserved = torch.cuda.memory_reserved()
    mine = nvml_processes(os.getpid())
    del block
    entry = mine[0] if mine else None
    ok = entry is not None and entry["used"] is not None and reserved <= entry["used"] <= reserved + 4 * 2**30
    return {"pid": os.getpid(), "nvml": entry, "torch_reserved": reserved, "all": nvml_processes(), "ok": ok}


def trainer_events(report: Report, folder: Path, device: str, out: Path, rehearse: bool) -> Path:
    """Check 3: the real trainer's --json stream with telemetry, NVML per process while it runs, and the replay."""
    events_file = out / "events.jsonl"
    command = python_cmd("-m", "curriculum.training", "--headless", "--json", "--device", device, "--data", str(folder),
                         "--preset", "faithful", "--epochs", "1", "--gpu-interval", "0.5")
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    seen_processes: list[dict] = []

    def poll() -> None:  # what NVML says about the trainer's pid while it trains
        while process.poll() is None:
            try:
                seen_processes.extend(nvml_processes())
            except Exception as error:
                seen_processes.append({"error": str(error)})
                return
            time.sleep(1.0)

    poller = threading.Thread(target=poll, daemon=True)
    if not rehearse:
        poller.start()
    lines = process.stdout.read().splitlines()
    process.wait()
    events_file.write_text("\n".join(lines) + "\n")
    events = [json.loads(line) for line in lines if line.strip()]
    gpu = [e for e in events if e["type"] == "gpu"]
    readings = [e for e in gpu if e.get("available")]
    end = events[-1] if events else {}
    span = max((e["t"] for e in events), default=0.0)
    trainer_entries = [p for p in seen_processes if p.get("pid") == process.pid]
    summary = {"exit": process.returncode, "events": len(events), "gpu_events": len(gpu), "nvml_readings": len(readings),
               "run_seconds": span, "readings_per_s": len(readings) / span if span else None,
               "end": {k: end.get(k) for k in ("status", "test_acc", "images_per_s", "train_s")},
               "last_reading": readings[-1] if readings else (gpu[-1] if gpu else None),
               "wall_s": time.monotonic() - started}
    if not rehearse:
        summary["trainer_pid"] = process.pid
        summary["trainer_in_nvml"] = trainer_entries[-1] if trainer_entries else None
        summary["nvml_processes_seen"] = seen_processes[-4:]
        sane = [p for p in seen_processes if "pid" in p and p["used"] is not None and 0 < p["used"] <= p["total"]]
        summary["process_structs_sane"] = bool(sane) and len(sane) == len([p for p in seen_processes if "pid" in p])
        if not trainer_entries:
            report.note("NVML listed no process with the trainer's pid (a container's pid namespace hides it, "
                        "or the struct is read wrongly): see nvml_processes_seen")
        summary["this_process_1gib"] = own_process_memory()
    report.set(trainer_stream=summary, nvml_events=None if rehearse else len(readings))
    step("3b. replay into the training screen")
    env = dict(os.environ, BLITZ_GPU_EVENTS=str(events_file), BLITZ_GPU_REQUIRE="0" if rehearse else "1")
    replay = subprocess.run(python_cmd("-m", "pytest", "-q", "-s", "-p", "no:cacheprovider",
                                       "tests/tui_training/test_gpu_replay.py"),
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    print(replay.stdout[-3000:], replay.stderr[-2000:], flush=True)
    report.set(gpu_panel_replay_ok=replay.returncode == 0,
               gpu_panel_text=next((l for l in replay.stdout.splitlines() if l.startswith("GPU panel:")), None))
    return events_file


def lesson_cells(report: Report, out: Path, rehearse: bool, isolation: str) -> None:
    """Check 4: lessons 1 and 4 exported as scripts and run cell by cell by `blitz-tui exec`."""
    from curriculum.export import export
    from curriculum.lesson import load_all

    lessons = {lesson.number: lesson for lesson in load_all()}
    results = {}
    scripts = Path(tempfile.mkdtemp(prefix="blitz-lessons-"))
    log = out / "lessons.log"  # one file: the device sends back only a few
    log.write_text("")
    for number, (gpu_mark, cpu_mark) in LESSON_MARKERS.items():
        script = scripts / f"lesson{number}.py"
        export(lessons[number], "py", script)
        levels = [isolation] if isolation != "auto" else ["auto", "rlimits"]
        for level in levels:  # a sandbox that cannot start (or cannot see the GPU) is retried without it
            started = time.monotonic()
            done = subprocess.run(python_cmd("-m", "tui", "exec", "--timeout", "300", "--isolation", level, str(script)),
                                  cwd=ROOT, capture_output=True, text=True, timeout=900)
            with log.open("a") as handle:
                handle.write(f"===== lesson {number}, isolation {level}, exit {done.returncode}\n{done.stdout}\n"
                             f"--- stderr ---\n{done.stderr}\n")
            mark = cpu_mark if rehearse else gpu_mark
            results[f"lesson{number}"] = {"isolation": level, "exit": done.returncode, "took_branch": mark in done.stdout,
                                          "seconds": round(time.monotonic() - started, 1),
                                          "data": next((line for line in done.stdout.splitlines()
                                                        if line.startswith("images from:")), None),
                                          "last_stderr": done.stderr.strip().splitlines()[-1:] }
            print(f"lesson {number} ({level}): exit {done.returncode}, '{mark}' printed: {mark in done.stdout}", flush=True)
            if done.returncode == 0 and mark in done.stdout:
                break
            report.note(f"lesson {number} under isolation {level}: exit {done.returncode}, "
                        f"branch marker {'seen' if mark in done.stdout else 'missing'}")
    ok = all(r["exit"] == 0 and r["took_branch"] for r in results.values())
    report.set(lesson_cells=results, lesson_cells_ok=ok, lesson_cells_on_gpu_ok=None if rehearse else ok)


def distributed(report: Report, folder: Path, device: str, gpus: int) -> None:
    """Check 5: torchrun with one rank on the GPU (nccl), then two ranks."""
    runs = {}
    two_device = device if gpus >= 2 else "cpu"  # one GPU: two ranks share the CPU over gloo
    for name, nproc, dev in (("nproc1", 1, device), ("nproc2", 2, two_device)):
        started = time.monotonic()
        done = subprocess.run(python_cmd("-m", "tui", "train", "--headless", "--json", "--nproc", str(nproc), "--device",
                                         dev, "--data", str(folder), "--preset", "fast", "--epochs", "1"),
                              cwd=ROOT, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
        events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        end = next((e for e in reversed(events) if e["type"] in ("end", "error")), {})
        runs[name] = {"device": dev, "backend": "nccl" if dev.startswith("cuda") else "gloo", "exit": done.returncode,
                      "status": end.get("status") or end.get("message"), "world_size": end.get("world_size"),
                      "test_acc": end.get("test_acc"), "images_per_s": end.get("images_per_s"),
                      "seconds": round(time.monotonic() - started, 1), "stderr_tail": done.stderr.strip().splitlines()[-3:]}
        print(f"{name}: {runs[name]}", flush=True)
    report.set(ddp=runs, ddp_ok=all(r["exit"] == 0 and r["status"] == "finished" for r in runs.values()))


def ddp_overhead(report: Report, folder: Path) -> None:
    """Last and optional: bench/ddp_throughput.py's DDP-world-size-1 against the plain trainer on CUDA (5% goal)."""
    done = subprocess.run(python_cmd("bench/ddp_throughput.py", "--device", "cuda", "--data", str(folder), "--repeats", "1"),
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    print(done.stdout[-3000:], done.stderr[-1500:], flush=True)
    report.set(ddp_overhead={"exit": done.returncode, "summary": done.stdout.strip().splitlines()[-4:]})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an ImageFolder root (train/, test/)")
    parser.add_argument("--out", type=Path, required=True, help="folder for gpu-check.json, events and logs")
    parser.add_argument("--rehearse", action="store_true", help="run every step on the CPU")
    parser.add_argument("--isolation", default="auto", help="sandbox for the lesson cells (default auto, then rlimits)")
    parser.add_argument("--skip", default="", help="comma-separated steps to skip: speed,events,lessons,ddp,overhead")
    args = parser.parse_args()
    import torch

    report = Report(args.out / "gpu-check.json", args.rehearse)
    skip = set(filter(None, args.skip.split(",")))
    if args.rehearse:
        device, gpus = "cpu", 0
        report.set(device=f"CPU rehearsal ({os.cpu_count()} CPUs)")
        report.note("rehearsal on the CPU: CUDA-only figures (graph vs eager, NVML, GPU branches) are null")
    else:
        if not torch.cuda.is_available():
            report.note("no CUDA device visible: run with --rehearse on a CPU")
            return 1
        device, gpus = "cuda", torch.cuda.device_count()
        report.set(device=torch.cuda.get_device_name(0), gpus=gpus)
    report.set(torch=torch.__version__, python=sys.version.split()[0], data=str(args.data))
    failures = []
    for name, title, run in (
        ("speed", "1. tutorial loop vs faithful", lambda: speed_and_accuracy(report, args.data, device, args.rehearse)),
        ("events", "3. trainer events and NVML", lambda: trainer_events(report, args.data, device, args.out, args.rehearse)),
        ("lessons", "4. lessons 1 and 4 through blitz-tui exec", lambda: lesson_cells(report, args.out, args.rehearse, args.isolation)),
        ("ddp", "5. torchrun: --nproc 1, then 2", lambda: distributed(report, args.data, device, gpus)),
        ("overhead", "extra: DDP world size 1 against the plain trainer", lambda: ddp_overhead(report, args.data)),
    ):
        if name in skip or (name == "overhead" and args.rehearse):
            continue
        step(title)
        started = time.monotonic()
        try:
            run()
        except Exception as error:  # one broken step must not cost the others their figures
            failures.append(name)
            report.note(f"step {name} failed: {type(error).__name__}: {error}")
        report.data.setdefault("step_seconds", {})[name] = round(time.monotonic() - started, 1)
        report.save()
    print(json.dumps({k: report.data[k] for k in ("device", "faithful_vs_tutorial", "faithful_test_acc",
                                                     "fast_seconds_to_54", "nvml_events", "lesson_cells_on_gpu_ok")}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
