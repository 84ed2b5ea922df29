"""The training loop: epochs of index batches over device-resident tensors, evaluation, events.

The pieces a distributed run (torchrun + DDP) swaps are kept apart: `resident_tensors` and
`epoch_order` decide which samples this process trains on (`rank`, `world_size`), `make_step`
performs one update, and only rank 0 emits events and writes checkpoints (`self.leader`).
"""

from __future__ import annotations

import time
from pathlib import Path

import torch

from curriculum.training import checkpoint
from curriculum.training.checkpoint import RunState
from curriculum.training.data import Dataset
from curriculum.training.evaluate import evaluate
from curriculum.training.events import (CheckpointEvent, Emitter, EndEvent, EvalEvent, ProgressEvent, StartEvent,
                                        TrainingEvent)
from curriculum.training.models import build_model
from curriculum.training.presets import ConfigError, TrainConfig
from curriculum.training.schedule import lr_factor
from curriculum.training.steps import TINY_BATCH, make_step
from curriculum.training.threads import PROBE_STEPS, TINY_PROBE_STEPS, ThreadChooser

PROGRESS_INTERVAL_S = 0.1  # at most 10 progress events a second


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ConfigError("CUDA is not available here (no GPU or no driver); use --device cpu or auto")
        index = int(name[5:]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise ConfigError(f"--device {name}: only {torch.cuda.device_count()} GPU(s) are visible")
        return torch.device("cuda", index)
    return torch.device("cpu")


def resident_tensors(images: torch.Tensor, labels: torch.Tensor, device: torch.device):
    """uint8 images and labels on the device; each step converts its own batch (curriculum/training/pixels.py)."""
    return images.to(device, non_blocking=True).contiguous(), labels.to(device)


def epoch_order(n: int, epoch: int, seed: int, device: torch.device, rank: int = 0, world_size: int = 1):
    """This process's shuffled sample order for `epoch`; the same on every device for a given seed."""
    generator = torch.Generator().manual_seed(seed * 100_003 + epoch)
    order = torch.randperm(n, generator=generator)
    usable = n - n % world_size  # equal shards: DDP hangs if one rank takes a step the others do not
    return order[:usable][rank::world_size].to(device)


class Trainer:
    def __init__(self, config: TrainConfig, dataset: Dataset, emitter: Emitter, *, out_dir: Path | None = None,
                 resume: dict | None = None, rank: int = 0, world_size: int = 1, use_graph: bool = True):
        self.config, self.dataset, self.emitter, self.out_dir = config, dataset, emitter, out_dir
        self.rank, self.world_size, self.leader = rank, world_size, rank == 0
        self.stop_requested = False
        if config.batch_size > len(dataset.train_labels):
            raise ConfigError(f"--batch-size {config.batch_size} is larger than the training set "
                              f"({len(dataset.train_labels)} images)")
        self.device = resolve_device(config.device)
        torch.manual_seed(config.seed)
        self.model = build_model(config.model, len(dataset.classes))
        self.state = RunState()
        if resume is not None:
            self.model.load_state_dict(resume["model"])
            self.state = resume["state"]
        self.model.to(self.device)
        self.cpu_threads = torch.get_num_threads()
        # Whether a second core helps depends on the batch and on the machine's load, so it is measured.
        # A batch-4 step takes half a millisecond: it needs more probe steps for a steady median.
        tiny_cpu = self.device.type == "cpu" and config.batch_size <= TINY_BATCH
        self.threads = (ThreadChooser(self.cpu_threads, TINY_PROBE_STEPS if tiny_cpu else PROBE_STEPS)
                        if self.device.type == "cpu" and self.cpu_threads > 1 else None)
        self.train_x, self.train_y = resident_tensors(dataset.train_images, dataset.train_labels, self.device)
        self.test_x, self.test_y = resident_tensors(dataset.test_images, dataset.test_labels, self.device)
        self.shard_size = len(self.train_y) // world_size
        # drop_last: every step has the full batch, so no odd-sized batch takes a slow path or a recompile.
        self.steps_per_epoch = max(1, self.shard_size // config.batch_size)
        self.eval_every = max(1, self.steps_per_epoch // max(1, config.evals_per_epoch))
        self.step = self.build_step(use_graph)
        if resume is not None:
            self.step.import_state(resume["optimizer_state"])
        self.last_eval: dict | None = None
        self.progress_interval: float | None = PROGRESS_INTERVAL_S  # None: no progress events, no syncs

    def build_step(self, use_graph: bool):
        """The optimisation step; a distributed trainer overrides it to wrap the model in DDP."""
        config = self.config
        # A captured CUDA graph bakes the lr in, so a scheduled lr runs the eager step.
        return make_step(self.model, self.train_x, self.train_y, lr=config.lr, momentum=config.momentum,
                         batch_size=config.batch_size, optimizer=config.optimizer,
                         use_graph=use_graph and config.schedule == "constant")

    def request_stop(self) -> None:
        """Safe from a signal handler: the loop stops after the current step."""
        self.stop_requested = True

    def emit(self, event: TrainingEvent) -> None:
        if self.leader:
            self.emitter.emit(event)

    def start_event(self, notice: str = "", resumed_from: str | None = None) -> None:
        self.emit(StartEvent(config=self.config.as_dict(), device=str(self.device), dataset=self.dataset.summary(),
                             steps_per_epoch=self.steps_per_epoch, total_steps=self.steps_per_epoch * self.config.epochs,
                             world_size=self.world_size, first_step=self.state.global_step,
                             first_epoch=self.state.epoch, resumed_from=resumed_from, notice=notice))

    def run(self) -> str:
        """Train until the last epoch or a stop request; returns "finished" or "stopped"."""
        status = "finished"
        try:
            while self.state.epoch < self.config.epochs:
                if not self._train_epoch():
                    status = "stopped"
                    break
                self.state.epoch += 1
                self.state.step_in_epoch = 0
                self._evaluate()
                self._checkpoint(f"epoch-{self.state.epoch:03d}")
        finally:
            torch.set_num_threads(self.cpu_threads)
        if status == "stopped":
            self._checkpoint("stopped")
        elif self.out_dir is not None and self.leader:
            checkpoint.save_final_weights(self.out_dir, self.model)
        if self.last_eval is None:
            self._evaluate(emit=status == "finished")
        self._end(status)
        return status

    def _train_epoch(self) -> bool:
        """One epoch from `state.step_in_epoch` on; False when a stop was requested."""
        config, state, step = self.config, self.state, self.step
        batch, total_steps = config.batch_size, self.steps_per_epoch * config.epochs
        order = epoch_order(len(self.train_y), state.epoch, config.seed, self.device, self.rank, self.world_size)
        window_steps = window_images = 0
        started = window_started = time.monotonic()
        interval = self.progress_interval
        next_emit = started + (interval or 0.0)
        k = state.step_in_epoch
        paused = 0.0  # seconds spent on mid-epoch test passes, which are not training time
        scheduled, mid_evals = config.schedule != "constant", config.evals_per_epoch > 1
        if self.threads is not None:
            self.threads.restart()
        while k < self.steps_per_epoch:
            if self.stop_requested:
                break
            indices = order[k * batch:(k + 1) * batch]
            if scheduled:
                done_before = state.global_step + (k - state.step_in_epoch)
                step.set_lr(config.lr * lr_factor(config.schedule, done_before, total_steps, config.warmup))
            if self.threads is None:
                step(indices)
            else:
                self.threads.timed(step, indices)
            k += 1
            if mid_evals and k % self.eval_every == 0 and self.steps_per_epoch - k >= max(1, self.eval_every // 2):
                paused += self._evaluate_mid_epoch(k, time.monotonic() - started - paused)
                window_started = next_emit = time.monotonic()
            window_steps += 1
            window_images += indices.shape[0]
            now = time.monotonic()
            if interval is not None and (now >= next_emit or k == self.steps_per_epoch):
                loss = float(step.loss_sum) / window_steps  # the only host sync, ≤ 10 times a second
                step.loss_sum.zero_()
                if self.device.type == "cuda":
                    now = time.monotonic()
                done = state.global_step + (k - state.step_in_epoch)
                rate = window_images / max(now - window_started, 1e-9)
                self.emit(ProgressEvent(step=done, epoch=round(state.epoch + k / self.steps_per_epoch, 4),
                                        loss=loss, images_per_s=round(rate * self.world_size, 1),
                                        eta_s=round((total_steps - done) * batch / max(rate, 1e-9), 1)))
                window_steps = window_images = 0
                window_started, next_emit = now, now + interval
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        trained = k - state.step_in_epoch
        state.train_s += time.monotonic() - started - paused
        state.global_step += trained
        state.images += min(k * batch, self.shard_size) - min(state.step_in_epoch * batch, self.shard_size)
        state.step_in_epoch = k
        return k == self.steps_per_epoch

    def _evaluate_mid_epoch(self, k: int, trained_s: float) -> float:
        """A test pass after step `k` of this epoch; returns the seconds it took (not training time)."""
        began = time.monotonic()
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
            trained_s += time.monotonic() - began  # the queued steps were training
            began = time.monotonic()
        state = self.state
        self.last_eval = evaluate(self.model, self.test_x, self.test_y, self.dataset.classes, self.config.flip_tta)
        self.emit(EvalEvent(epoch=round(state.epoch + k / self.steps_per_epoch, 4),
                            step=state.global_step + k - state.step_in_epoch,
                            train_s=round(state.train_s + trained_s, 3), **self.last_eval))
        return time.monotonic() - began

    def _evaluate(self, emit: bool = True) -> None:
        self.last_eval = evaluate(self.model, self.test_x, self.test_y, self.dataset.classes, self.config.flip_tta)
        if emit:
            self.emit(EvalEvent(epoch=self.state.epoch, step=self.state.global_step,
                                train_s=round(self.state.train_s, 3), **self.last_eval))

    def _checkpoint(self, name: str) -> None:
        if self.out_dir is None or not self.leader:
            return
        path = checkpoint.save(self.out_dir, name, config=self.config.as_dict(), state=self.state,
                               model=self.model, optimizer_state=self.step.export_state(), classes=self.dataset.classes)
        self.emit(CheckpointEvent(epoch=self.state.epoch, step=self.state.global_step, path=str(path)))

    def _end(self, status: str) -> None:
        state, result = self.state, self.last_eval or {}
        rate = state.images / state.train_s if state.train_s else 0.0
        self.emit(EndEvent(status=status, test_acc=result.get("test_acc"), per_class=result.get("per_class"),
                           train_s=round(state.train_s, 3), steps=state.global_step,
                           images_per_s=round(rate * self.world_size, 1), world_size=self.world_size,
                           ranks=[{"rank": self.rank, "images_per_s": round(rate, 1)}], epochs_done=state.epoch))

