"""Optimisation steps over tensors already resident on the training device.

A step is called with the indices of one batch; it gathers the batch itself, updates the weights
and adds the batch's mean loss to `loss_sum` on the device, never syncing with the host. Keeping
the step apart from the loop lets a distributed trainer wrap the same model in DDP and reuse it.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

# Up to this batch size a CPU step is pure overhead: one thread and the hand-written step win.
TINY_BATCH = 16


class EagerStep:
    """Autograd plus a foreach SGD: the plain PyTorch step, for big batches and as a reference."""

    def __init__(self, model: nn.Module, images: torch.Tensor, labels: torch.Tensor, lr: float, momentum: float):
        self.model, self.images, self.labels = model, images, labels
        self.optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, foreach=True)
        self.loss_sum = torch.zeros((), device=images.device)
        self.keep_grads = False  # set once a CUDA graph owns the gradient tensors

    def __call__(self, indices: torch.Tensor) -> None:
        x = self.images.index_select(0, indices)
        y = self.labels.index_select(0, indices)
        self.optimizer.zero_grad(set_to_none=not self.keep_grads)
        loss = F.cross_entropy(self.model(x), y)
        loss.backward()
        self.optimizer.step()
        self.loss_sum.add_(loss.detach())

    def momentum_buffers(self) -> list[torch.Tensor]:
        out = []
        for p in self.model.parameters():
            buf = self.optimizer.state.get(p, {}).get("momentum_buffer")
            out.append(torch.zeros_like(p) if buf is None else buf.detach().clone())
        return out

    def load_momentum(self, buffers: list[torch.Tensor]) -> None:
        for p, saved in zip(self.model.parameters(), buffers):
            state = self.optimizer.state[p]
            if state.get("momentum_buffer") is None:
                state["momentum_buffer"] = saved.to(p.device).clone()
            else:
                state["momentum_buffer"].copy_(saved)


class CudaGraphStep(EagerStep):
    """The eager step captured once in a CUDA graph: at batch 4 a step is launch-bound, a replay is not."""

    def __init__(self, model, images, labels, lr, momentum, batch_size: int, warmup: int = 3):
        super().__init__(model, images, labels, lr, momentum)
        self.batch_size = batch_size
        self.static_indices = torch.arange(batch_size, device=images.device)
        saved_weights = [p.detach().clone() for p in model.parameters()]
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
            for buf in self.momentum_buffers_live():
                buf.zero_()
            self.loss_sum.zero_()

    def momentum_buffers_live(self) -> list[torch.Tensor]:
        return [self.optimizer.state[p]["momentum_buffer"] for p in self.model.parameters()]

    def __call__(self, indices: torch.Tensor) -> None:
        if indices.shape[0] != self.batch_size:
            super().__call__(indices)  # the epoch's short last batch runs eagerly on the same tensors
            return
        self.static_indices.copy_(indices, non_blocking=True)
        self.graph.replay()


def make_step(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, lr: float, momentum: float,
              batch_size: int, use_graph: bool = True):
    """The fastest correct step for this device and batch size."""
    device = images.device
    if device.type == "cuda" and use_graph:
        return CudaGraphStep(model, images, labels, lr, momentum, batch_size)
    if device.type == "cpu" and batch_size <= TINY_BATCH:
        from curriculum.training.lean_step import LeanCpuStep

        return LeanCpuStep(model, images, labels, lr, momentum)
    return EagerStep(model, images, labels, lr, momentum)
