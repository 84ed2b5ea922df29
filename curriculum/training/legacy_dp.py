"""LEGACY `--data-parallel`: `nn.DataParallel` in one process, what lesson 5 shows first.

Each step, DataParallel copies the model to every visible GPU, splits the batch between them, runs
the pieces in threads and gathers the outputs on GPU 0: one process, no torchrun, but a Python-side
scatter/gather every step, so `--nproc` (DistributedDataParallel) is faster and is what to use.
Kept because it is the one-line change learners meet first. Without GPUs it is the plain model.
"""

from __future__ import annotations

import torch
from torch import nn

from curriculum.training.steps import EagerStep
from curriculum.training.trainer import Trainer


class DataParallelTrainer(Trainer):
    def __init__(self, *args, use_graph: bool = False, **kwargs):
        super().__init__(*args, use_graph=False, **kwargs)  # DataParallel's threads cannot be captured

    def build_step(self, use_graph: bool):
        config = self.config
        gpus = []
        if self.device.type == "cuda":  # the training device first: DataParallel gathers onto it
            gpus = [self.device.index] + [i for i in range(torch.cuda.device_count()) if i != self.device.index]
        self.data_parallel_gpus = len(gpus)
        model = nn.DataParallel(self.model, device_ids=gpus, output_device=gpus[0]) if gpus else self.model
        return EagerStep(model, self.train_x, self.train_y, config.lr, config.momentum, config.optimizer)

    def start_event(self, notice: str = "", resumed_from: str | None = None) -> None:
        gpus = self.data_parallel_gpus
        label = (f"legacy nn.DataParallel over {gpus} GPU{'s' if gpus != 1 else ''}" if gpus
                 else "legacy nn.DataParallel needs GPUs; on the CPU it trains the plain model")
        super().start_event(notice="; ".join(x for x in (notice, label) if x), resumed_from=resumed_from)
