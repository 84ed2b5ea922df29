"""What each rank of a DDP run reports, gathered on rank 0 with collectives and sent as events.

Every rank reads its own GPU (NVML, when it trains on CUDA) and counts its own images; at a report
the ranks' readings are gathered with `all_gather_object` on the CPU (gloo) group and rank 0 emits
one `gpu` event: `gpus` holds each rank's GPU, `ranks` each rank's throughput. At the end the same
gather fills the `end` event's `ranks` and `images_per_s` (the sum over ranks).
"""

from __future__ import annotations

import dataclasses
import hashlib
import socket
import time

import torch
import torch.distributed as dist

from curriculum.training.events import EndEvent, GpuEvent
from curriculum.training.telemetry import NvmlUnavailable, _load_nvml, _visible_handles, sample

GIB = 1024**3


def weights_hash(model: torch.nn.Module) -> str:
    digest = hashlib.sha256()
    for tensor in model.state_dict().values():
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


class RankReporter:
    def __init__(self, info, group, emit):
        self.info, self.group, self.emit = info, group, emit
        self.host = socket.gethostname()
        self.trainer = None
        self.gpu = None  # (nvml, [(index, handle)]) for this rank's own GPU
        self.gpu_problem = "the ranks train on the CPU"
        self.steps = self.first_step = self.images = 0
        self.window_started = time.monotonic()

    def attach(self, trainer) -> None:
        self.trainer = trainer
        self.first_step = trainer.state.global_step
        if trainer.device.type == "cuda":
            try:
                nvml = _load_nvml()
                handles = _visible_handles(nvml)
                mine = [h for h in handles if h[0] == trainer.device.index]
                if mine:
                    self.gpu = (nvml, mine)
                else:
                    self.gpu_problem = f"NVML does not list GPU {trainer.device.index}"
            except NvmlUnavailable as error:
                self.gpu_problem = str(error)

    def count(self, images: int) -> None:
        self.steps += 1
        self.images += images

    def _row(self, final: bool) -> dict:
        """This rank's line of the per-rank table (flat, short values: the training screen shows every key)."""
        trainer = self.trainer
        row: dict = {"rank": self.info.rank, "device": str(trainer.device) if trainer else "?"}
        if self.info.nnodes > 1:
            row["host"] = self.host
        now = time.monotonic()
        if final and trainer is not None:
            state = trainer.state
            row["images_per_s"] = round(state.images / state.train_s, 1) if state.train_s else 0.0
            row["steps"] = state.global_step
        else:
            row["images_per_s"] = round(self.images / max(now - self.window_started, 1e-9), 1)
            row["steps"] = self.first_step + self.steps
            self.images, self.window_started = 0, now
        gpu = None
        if self.gpu is not None:
            nvml, handles = self.gpu
            gpu = sample(nvml, handles)[0]
            gpu.update(rank=self.info.rank)
            if self.info.nnodes > 1:
                gpu.update(index=self.info.rank, host=self.host)  # GPU indices repeat across machines
            row["util"] = gpu["util"]
            row["mem_gib"] = None if gpu["mem_used"] is None else round(gpu["mem_used"] / GIB, 1)
        return {"row": row, "gpu": gpu, "problem": self.gpu_problem,
                "hash": weights_hash(trainer.model) if final and trainer else None}

    def _gather(self, final: bool) -> list[dict]:
        mine = self._row(final)
        everyone: list = [None] * self.info.world_size
        dist.all_gather_object(everyone, mine, group=self.group)
        return everyone

    def report(self) -> None:
        """A collective: every rank calls it at the same step (the coordinator sees to that)."""
        everyone = self._gather(final=False)
        if not self.info.leader:
            return
        gpus = [r["gpu"] for r in everyone if r["gpu"] is not None]
        self.emit(GpuEvent(available=bool(gpus), gpus=gpus, ranks=[r["row"] for r in everyone],
                           reason="" if gpus else everyone[0]["problem"]))

    def final(self, end: EndEvent) -> EndEvent:
        """The `end` event with every rank's numbers; a collective, like `report`."""
        everyone = self._gather(final=True)
        rows = [r["row"] for r in everyone]
        return dataclasses.replace(end, world_size=self.info.world_size, ranks=rows,
                                   images_per_s=round(sum(r["images_per_s"] for r in rows), 1),
                                   replicas_in_sync=len({r["hash"] for r in everyone}) == 1)
