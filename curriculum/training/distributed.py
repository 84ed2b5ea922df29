"""One rank of a torchrun job: the process group, DDP around the training core, rank-0 reporting.

torchrun starts `python -m curriculum.training --headless --json --ddp-worker ...` once per rank with
RANK, WORLD_SIZE, LOCAL_RANK, ... in the environment. Every rank holds the (small) resident dataset
and trains on its own equal slice of each epoch's shuffled order (`trainer.epoch_order`), DDP
averages the gradients during backward, and only rank 0 prints events and writes checkpoints and
metrics. Backends: gloo on the CPU, nccl on CUDA with each rank on GPU `LOCAL_RANK`.

Every rank must take the same steps, so whatever changes the flow (a stop request) or needs every
rank (a report) is agreed on in one small all-reduce every ~0.1 s (`Coordinator`), never decided by
one rank alone. The CUDA-graph step is off under DDP: capturing DDP's all-reduce in a graph needs
`TORCH_NCCL_ASYNC_ERROR_HANDLING=0`, which would take away the bounded failure timeouts below.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

import torch
import torch.distributed as dist

from curriculum.training.events import Emitter, EndEvent, ErrorEvent, JsonLinesSink, StartEvent, TrainingEvent
from curriculum.training.presets import ConfigError
from curriculum.training.rank_report import RankReporter
from curriculum.training.steps import EagerStep
from curriculum.training.trainer import Trainer

SYNC_PERIOD_S = 0.1  # how often the ranks agree on stopping and reporting
MAX_SYNC_EVERY = 10_000


@dataclass(frozen=True)
class RankInfo:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    local_world_size: int = 1
    node_rank: int = 0
    nnodes: int = 1

    @classmethod
    def from_env(cls, environ=None) -> "RankInfo":
        env = os.environ if environ is None else environ
        get = lambda name, default: int(env.get(name, default))  # noqa: E731
        return cls(get("RANK", 0), get("WORLD_SIZE", 1), get("LOCAL_RANK", 0), get("LOCAL_WORLD_SIZE", 1),
                   get("GROUP_RANK", 0), get("GROUP_WORLD_SIZE", 1))

    @property
    def leader(self) -> bool:
        return self.rank == 0


def rank_device(requested: str | None, info: RankInfo) -> str:
    """The device this rank trains on: its own GPU (LOCAL_RANK) when CUDA is used, else the CPU."""
    requested = requested or "auto"
    if requested == "cpu" or (requested == "auto" and not torch.cuda.is_available()):
        return "cpu"
    if requested.startswith("cuda:") and info.local_world_size == 1:
        return requested  # one rank on this machine may pick its GPU
    return f"cuda:{info.local_rank}"


def die_with_parent() -> None:
    """If torchrun's agent is killed, this rank dies too instead of waiting on its peers (Linux only)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class SyncedStep:
    """The DDP step, plus the coordinator's check after it; everything else is the inner step's."""

    def __init__(self, inner: EagerStep, coordinator: "Coordinator"):
        self.inner, self.coordinator = inner, coordinator

    def __call__(self, indices: torch.Tensor) -> None:
        self.inner(indices)
        self.coordinator.after_step(indices.shape[0])

    def __getattr__(self, name):
        return getattr(self.inner, name)  # loss_sum, export_state, import_state


class Coordinator:
    """Every few steps one all-reduce (MAX) of [stop wanted, report due, steps until the next sync]."""

    def __init__(self, trainer: "DistributedTrainer", group, reporter: RankReporter, report_interval: float):
        self.trainer, self.group, self.reporter = trainer, group, reporter
        self.report_interval = report_interval
        self.steps = self.next_sync = 0
        self.every = 8
        self.last_sync = self.last_report = time.monotonic()
        self.steps_at_sync = 0

    def after_step(self, images: int) -> None:
        self.steps += 1
        self.reporter.count(images)
        if self.steps >= self.next_sync:
            self.sync()

    def sync(self) -> None:
        now = time.monotonic()
        flags = torch.zeros(3, dtype=torch.int64)
        flags[0] = int(self.trainer.stop_wanted)
        if self.trainer.leader:  # rank 0's clock decides; the others follow its proposal
            rate = (self.steps - self.steps_at_sync) / max(now - self.last_sync, 1e-6)
            flags[1] = int(now - self.last_report >= self.report_interval)
            flags[2] = max(1, min(MAX_SYNC_EVERY, int(rate * SYNC_PERIOD_S)))
        dist.all_reduce(flags, op=dist.ReduceOp.MAX, group=self.group)
        stop, report, every = (int(v) for v in flags)
        self.every = max(1, every)
        self.next_sync = self.steps + self.every
        self.last_sync, self.steps_at_sync = now, self.steps
        if stop:
            self.trainer.stop_requested = True  # every rank breaks before the same step
        if report:
            self.report()

    def report(self) -> None:
        """Gather and emit every rank's numbers now; every rank must call it at the same point."""
        self.last_report = time.monotonic()
        self.reporter.report()


class DistributedTrainer(Trainer):
    """The training core as one DDP rank. Uses the eager step: no CUDA graph, no hand-written CPU step."""

    def __init__(self, config, dataset, emitter, *, info: RankInfo, group, report_interval: float = 1.0,
                 use_graph: bool = False, **options):
        self.info, self.stop_wanted = info, False
        share = len(dataset.train_labels) // info.world_size
        if config.batch_size > share:
            raise ConfigError(f"--batch-size {config.batch_size} is larger than each rank's share of the "
                              f"training set ({share} images over {info.world_size} ranks)")
        self.reporter = RankReporter(info, group, self._emit_now)
        self.coordinator = Coordinator(self, group, self.reporter, report_interval)
        super().__init__(config, dataset, emitter, rank=info.rank, world_size=info.world_size, use_graph=False,
                         **options)
        self.reporter.attach(self)

    def build_step(self, use_graph: bool):
        from torch.nn.parallel import DistributedDataParallel

        ids = [self.device.index] if self.device.type == "cuda" else None
        # DDP broadcasts rank 0's weights now, so every replica starts from the same ones.
        ddp = DistributedDataParallel(self.model, device_ids=ids, gradient_as_bucket_view=True)
        config = self.config
        inner = EagerStep(ddp, self.train_x, self.train_y, config.lr, config.momentum, config.optimizer)
        return SyncedStep(inner, self.coordinator)

    def request_stop(self) -> None:
        """From the signal handler: shared with the other ranks at the next sync, so all stop together."""
        self.stop_wanted = True

    def _emit_now(self, event: TrainingEvent) -> None:
        super().emit(event)

    def emit(self, event: TrainingEvent) -> None:
        if isinstance(event, StartEvent):
            event.distributed = {"backend": dist.get_backend(), "nnodes": self.info.nnodes,
                                 "nproc_per_node": self.info.local_world_size, "cuda_graph": False}
        elif isinstance(event, EndEvent):
            event = self.reporter.final(event)  # a collective: every rank reaches its end together
        super().emit(event)


def _leader_emitter(info: RankInfo) -> Emitter:
    return Emitter([JsonLinesSink(sys.stdout)] if info.leader else [])


def run_worker(args: argparse.Namespace) -> NoReturn:
    """One rank, started by torchrun; ends the process with `train`'s exit status: 0, 130 stopped,
    2 bad input, 1 other."""
    status = _run_rank(args)
    # Gloo's threads outlive destroy_process_group, and tearing them down during interpreter shutdown
    # aborts the process now and then (std::terminate: SIGABRT, about 1 run in 7 here) after a run that
    # finished. Every event, checkpoint and metric is written and closed by now, so leave without it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _run_rank(args: argparse.Namespace) -> int:
    from curriculum.training.session import StopRequest, failure, prepare

    die_with_parent()
    info = RankInfo.from_env()
    emitter = _leader_emitter(info)
    stop = StopRequest()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    metrics = None
    finished = False
    try:
        args.device = rank_device(args.device, info)
        backend = "nccl" if args.device.startswith("cuda") else "gloo"
        if backend == "nccl":
            torch.cuda.set_device(torch.device(args.device))
        timeout = timedelta(seconds=args.collective_timeout)
        dist.init_process_group(backend, timeout=timeout)
        # Stop flags and reports travel on the CPU, so agreeing on them never waits for the GPU.
        group = dist.new_group(backend="gloo", timeout=timeout) if backend == "nccl" else dist.group.WORLD
        trainer, notice, resumed_from = prepare(args, emitter, DistributedTrainer, info=info, group=group,
                                                report_interval=args.gpu_interval)
        stop.trainer = trainer
        if trainer.out_dir is not None and info.leader:
            from curriculum.training.events import MetricsFile

            metrics = MetricsFile(trainer.out_dir / "metrics.jsonl")
            emitter.sinks.append(metrics)
        trainer.start_event(notice=notice, resumed_from=resumed_from)
        trainer.coordinator.report()  # the first per-rank view, before the first step
        status = trainer.run()
        finished = True
        return 130 if status == "stopped" else 0
    except KeyboardInterrupt:
        emitter.emit(EndEvent.stopped_early(world_size=info.world_size))
        return 130
    except Exception as error:
        message, status = failure(error)
        emitter.emit(ErrorEvent(message=message))
        print(f"blitz-tui train: error: rank {info.rank}: {message}", file=sys.stderr, flush=True)
        return status
    finally:
        if metrics is not None:
            emitter.sinks.remove(metrics)
            metrics.close()
        if finished and dist.is_initialized():
            dist.destroy_process_group()  # only after a clean run: with a dead peer it could wait
        for signum, handler in previous.items():
            signal.signal(signum, handler)
