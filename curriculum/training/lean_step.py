"""A hand-written forward and backward pass of the blitz network for tiny CPU batches.

At batch 4 on a CPU nearly all of autograd's time is bookkeeping, so this step calls the ATen
kernels directly, writes every gradient into one flat buffer and updates all weights with two
in-place operations. The first layer is one matrix product per direction over the whole batch
(curriculum/training/conv_then_pool.py); the rest calls ATen's own CPU kernels. The forward and
backward pass is compiled with TorchScript, whose interpreter calls the ~60 operations without
Python's per-call overhead (about 15% of a step, bench/lean_step_parts.py); where TorchScript is
missing or fails, the same function runs as Python.

It computes what autograd plus `torch.optim.SGD` or `torch.optim.Adam` compute
(tests/training/test_steps.py compares them, compiled and not), and the model's parameters stay
views of its buffer, so evaluation and checkpoints use the model as usual.
"""

from __future__ import annotations

import functools
import warnings
from typing import List

import torch
from torch.nn import functional as F

from curriculum.training.conv_then_pool import conv_then_pool, conv_then_pool_backward, window_buffers
from curriculum.training.models import BlitzNet
from curriculum.training.pixels import to_inputs


def forward_backward(images: torch.Tensor, one_hot: torch.Tensor, indices: torch.Tensor, weights: List[torch.Tensor],
                     grads: List[torch.Tensor], window_weight: torch.Tensor, columns: torch.Tensor,
                     row_grad: torch.Tensor, loss_sum: torch.Tensor) -> None:
    """Writes the batch's gradients into `grads` and adds its mean loss to `loss_sum`."""
    w1, b1, w2, b2, w3 = weights[0], weights[1], weights[2], weights[3], weights[4]
    b3, w4, b4, w5, b5 = weights[5], weights[6], weights[7], weights[8], weights[9]
    x = to_inputs(images.index_select(0, indices))
    target = one_hot.index_select(0, indices)
    batch = x.shape[0]

    # Forward. Pooling before ReLU gives the same values and gradients (ReLU is monotonic), on 4× fewer elements.
    # The first layer is channel first (conv_then_pool.py); the rest is NCHW.
    p1, choice1 = conv_then_pool(x.transpose(0, 1), w1, b1, window_weight, columns)
    a1_by_channel = torch.relu(p1)
    a1 = a1_by_channel.transpose(0, 1).contiguous()
    c2 = torch.ops.aten._slow_conv2d_forward(a1, w2, [5, 5], b2, [1, 1], [0, 0])  # kernel, bias, stride, padding
    p2, where2 = torch.ops.aten.max_pool2d_with_indices(c2, [2, 2], [2, 2], [0, 0], [1, 1], False)
    a2 = torch.relu(p2)
    flat_in = a2.view(batch, -1)
    h1 = torch.addmm(b3, flat_in, w3.t()).relu_()
    h2 = torch.addmm(b4, h1, w4.t()).relu_()
    log_probs = torch.log_softmax(torch.addmm(b5, h2, w5.t()), 1)
    loss_sum.sub_(torch.vdot(log_probs.view(-1), target.view(-1)), alpha=1.0 / batch)

    # Backward of the mean cross-entropy: softmax minus one-hot, over the batch.
    g = log_probs.exp_().sub_(target).mul_(1.0 / batch)
    torch.mm(g.t(), h2, out=grads[8])
    torch.sum(g, [0], out=grads[9])
    g = torch.ops.aten.threshold_backward(torch.mm(g, w5), h2, 0)
    torch.mm(g.t(), h1, out=grads[6])
    torch.sum(g, [0], out=grads[7])
    g = torch.ops.aten.threshold_backward(torch.mm(g, w4), h1, 0)
    torch.mm(g.t(), flat_in, out=grads[4])
    torch.sum(g, [0], out=grads[5])
    g = torch.ops.aten.threshold_backward(torch.mm(g, w3).view_as(a2), a2, 0)
    g = torch.ops.aten.max_pool2d_with_indices_backward(g, c2, [2, 2], [2, 2], [0, 0], [1, 1], False, where2)
    grad_a1 = torch.empty_like(a1)
    torch.ops.aten._slow_conv2d_backward(g, a1, w2, [5, 5], [1, 1], [0, 0], grad_input=grad_a1,
                                         grad_weight=grads[2], grad_bias=grads[3])
    g = torch.ops.aten.threshold_backward(grad_a1.transpose(0, 1), a1_by_channel, 0)
    conv_then_pool_backward(g, choice1, grads[0], grads[1], window_weight, columns, row_grad)


@functools.cache
def compiled_forward_backward():
    """`forward_backward` compiled by TorchScript, once per process; the Python function where that fails."""
    try:
        with warnings.catch_warnings():
            # torch.jit is deprecated in favour of torch.compile, which is slower than eager for this
            # step on a CPU (issue 14 measured 0.8×); TorchScript still runs it 15% faster.
            warnings.simplefilter("ignore", FutureWarning)
            return torch.jit.script(forward_backward)
    except Exception:  # noqa: BLE001 - no TorchScript here (or no sources): the same function, as Python
        return forward_backward


class LeanCpuStep:
    """One SGD-with-momentum step on the batch at `indices` of the resident training tensors."""

    def __init__(self, model: BlitzNet, images: torch.Tensor, labels: torch.Tensor, lr: float, momentum: float,
                 optimizer: str = "sgd", compiled: bool = True):
        self.model, self.images, self.lr, self.momentum, self.optimizer = model, images, lr, momentum, optimizer
        self.one_hot = F.one_hot(labels, model.fc3.out_features).float()
        params = list(model.parameters())
        total = sum(p.numel() for p in params)
        self.flat = torch.empty(total)
        self.grad_flat = torch.zeros(total)
        self.momentum_flat = torch.zeros(total)  # SGD's momentum, or Adam's first moment
        self.square_flat = torch.zeros(total) if optimizer == "adam" else None
        self.adam_steps = 0
        self.weights, self.grads, self.layout = [], [], []
        offset = 0
        for p in params:
            n = p.numel()
            self.flat[offset:offset + n].copy_(p.detach().reshape(-1))
            view = self.flat[offset:offset + n].view(p.shape)
            p.data = view  # the model now reads the weights this step updates
            self.weights.append(view)
            self.grads.append(self.grad_flat[offset:offset + n].view(p.shape))
            self.layout.append((offset, p.shape))
            offset += n
        self.loss_sum = torch.zeros(())
        self.buffers: dict[int, tuple] = {}  # batch size -> the first layer's buffers (conv_then_pool.py)
        self.forward_backward = compiled_forward_backward() if compiled else forward_backward

    def set_lr(self, lr: float) -> None:
        self.lr = lr

    def _split(self, flat: torch.Tensor) -> list[torch.Tensor]:
        return [flat[offset:offset + shape.numel()].view(shape).clone() for offset, shape in self.layout]

    def export_state(self) -> dict:
        """The optimiser's state per parameter, in the format every step kind shares."""
        if self.optimizer == "adam":
            return {"exp_avg": self._split(self.momentum_flat), "exp_avg_sq": self._split(self.square_flat),
                    "step": self.adam_steps}
        return {"momentum": self._split(self.momentum_flat)}

    def import_state(self, state: dict) -> None:
        first = state.get("exp_avg" if self.optimizer == "adam" else "momentum", [])
        torch.cat([t.reshape(-1) for t in first] or [self.momentum_flat], out=self.momentum_flat)
        if self.optimizer == "adam":
            torch.cat([t.reshape(-1) for t in state["exp_avg_sq"]], out=self.square_flat)
            self.adam_steps = int(state["step"])

    def __call__(self, indices: torch.Tensor) -> None:
        batch = indices.shape[0]
        if batch not in self.buffers:
            self.buffers = {batch: window_buffers(self.weights[0], batch, *self.images.shape[2:])}
        self.forward_backward(self.images, self.one_hot, indices, self.weights, self.grads, *self.buffers[batch],
                              self.loss_sum)
        if self.optimizer == "adam":
            self._adam()
            return
        # SGD with momentum (dampening 0) on all weights at once, as torch.optim.SGD does it.
        self.momentum_flat.mul_(self.momentum).add_(self.grad_flat)
        self.flat.add_(self.momentum_flat, alpha=-self.lr)

    def _adam(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        """torch.optim.Adam's update (no weight decay, no amsgrad) on the flat buffers."""
        self.adam_steps += 1
        self.momentum_flat.lerp_(self.grad_flat, 1 - beta1)
        self.square_flat.mul_(beta2).addcmul_(self.grad_flat, self.grad_flat, value=1 - beta2)
        bias1 = 1 - beta1 ** self.adam_steps
        bias2_sqrt = (1 - beta2 ** self.adam_steps) ** 0.5
        denominator = (self.square_flat.sqrt() / bias2_sqrt).add_(eps)
        self.flat.addcdiv_(self.momentum_flat, denominator, value=-self.lr / bias1)
