"""Optimisation steps over tensors already resident on the training device.

A step is called with the indices of one batch; it gathers the batch itself, updates the weights
and adds the batch's mean loss to `loss_sum` on the device, never syncing with the host. Keeping
the step apart from the loop lets a distributed trainer wrap the same model in DDP and reuse it.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from curriculum.training.models import train_forward
from curriculum.training.pixels import to_inputs

# Up to this batch size a CPU step is pure overhead: one thread and the hand-written step win.
TINY_BATCH = 16


def make_optimizer(name: str, params, lr: float, momentum: float, capturable: bool = False):
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, foreach=True, capturable=capturable)
    return torch.optim.SGD(params, lr=lr, momentum=momentum, foreach=True)


# Per-parameter optimiser state, as checkpoints store it: SGD keeps one buffer, Adam two and a count.
STATE_KEYS = {"sgd": ("momentum_buffer",), "adam": ("exp_avg", "exp_avg_sq")}
SAVED_NAMES = {"momentum_buffer": "momentum"}


class EagerStep:
    """Autograd plus a foreach optimiser: the plain PyTorch step, for big batches and as a reference."""

    def __init__(self, model: nn.Module, images: torch.Tensor, labels: torch.Tensor, lr: float, momentum: float,
                 optimizer: str = "sgd", capturable: bool = False):
        self.model, self.images, self.labels, self.kind = model, images, labels, optimizer
        self.optimizer = make_optimizer(optimizer, model.parameters(), lr, momentum, capturable)
        self.loss_sum = torch.zeros((), device=images.device)
        self.keep_grads = False  # set once a CUDA graph owns the gradient tensors

    def __call__(self, indices: torch.Tensor) -> None:
        x = to_inputs(self.images.index_select(0, indices))
        y = self.labels.index_select(0, indices)
        self.optimizer.zero_grad(set_to_none=not self.keep_grads)
        loss = F.cross_entropy(train_forward(self.model, x), y)
        loss.backward()
        self.optimizer.step()
        self.loss_sum.add_(loss.detach())

    def set_lr(self, lr: float) -> None:
        """A schedule's lr for the next steps (not inside a captured CUDA graph: see CudaGraphStep)."""
        for group in self.optimizer.param_groups:
            if isinstance(group["lr"], torch.Tensor):
                group["lr"].fill_(lr)
            else:
                group["lr"] = lr

    def export_state(self) -> dict:
        out: dict = {}
        params = list(self.model.parameters())
        for key in STATE_KEYS[self.kind]:
            out[SAVED_NAMES.get(key, key)] = [
                self.optimizer.state[p][key].detach().clone() if key in self.optimizer.state.get(p, {})
                else torch.zeros_like(p) for p in params]
        if self.kind == "adam":
            steps = [self.optimizer.state[p]["step"] for p in params if "step" in self.optimizer.state.get(p, {})]
            out["step"] = int(steps[0]) if steps else 0
        return out

    def import_state(self, saved: dict) -> None:
        for i, p in enumerate(self.model.parameters()):
            state = self.optimizer.state[p]
            for key in STATE_KEYS[self.kind]:
                value = saved[SAVED_NAMES.get(key, key)][i].to(p.device)
                if key in state:
                    state[key].copy_(value)
                else:
                    state[key] = value.clone()
            if self.kind == "adam":
                step = torch.tensor(float(saved["step"]), device=p.device if self._capturable() else "cpu")
                if "step" in state:
                    state["step"].copy_(step)
                else:
                    state["step"] = step

    def _capturable(self) -> bool:
        return bool(self.optimizer.param_groups[0].get("capturable", False))


class CudaGraphStep(EagerStep):
    """The eager step captured once in a CUDA graph: at batch 4 a step is launch-bound, a replay is not."""

    def __init__(self, model, images, labels, lr, momentum, optimizer: str, batch_size: int, warmup: int = 3):
        super().__init__(model, images, labels, lr, momentum, optimizer, capturable=True)
        self.batch_size = batch_size
        self.static_indices = torch.arange(batch_size, device=images.device)
        saved_weights = [p.detach().clone() for p in model.parameters()]
        saved_state = self.export_state()
        # Warm up on a side stream (lazy init, momentum buffers), then capture a steady-state step.
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(warmup):
                super().__call__(self.static_indices)
        torch.cuda.current_stream().wait_stream(side)
        self.graph = torch.cuda.CUDAGraph()
        self.optimizer.zero_grad(set_to_none=True)
        with torch.cuda.graph(self.graph):
            super().__call__(self.static_indices)
        self.keep_grads = True
        # Undo the warm-up so training starts from the weights it was given.
        with torch.no_grad():
            for p, w in zip(model.parameters(), saved_weights):
                p.copy_(w)
            self.import_state(saved_state)
            self.loss_sum.zero_()

    def __call__(self, indices: torch.Tensor) -> None:
        if indices.shape[0] != self.batch_size:
            super().__call__(indices)  # the epoch's short last batch runs eagerly on the same tensors
            return
        self.static_indices.copy_(indices, non_blocking=True)
        self.graph.replay()


def make_step(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, lr: float, momentum: float,
              batch_size: int, optimizer: str = "sgd", use_graph: bool = True):
    """The fastest correct step for this device and batch size."""
    device = images.device
    if device.type == "cuda" and use_graph:
        return CudaGraphStep(model, images, labels, lr, momentum, optimizer, batch_size)
    if device.type == "cpu" and batch_size <= TINY_BATCH:
        from curriculum.training.lean_step import LeanCpuStep

        return LeanCpuStep(model, images, labels, lr, momentum, optimizer)
    return EagerStep(model, images, labels, lr, momentum, optimizer)
