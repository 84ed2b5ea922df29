"""The blitz network's first layer, a 5×5 convolution then 2×2 max pooling, for the hand-written CPU step.

At batch 4 ATen's CPU convolution multiplies one image at a time (6 output rows against 784
columns, a shape the BLAS runs at a quarter of its speed), unfolds the input a second time for the
weight gradient, and its max pooling branches on every comparison, which mispredicts when the data
changes every step. Here each column holds the 6×6 input patch under one pooling window, and the
kernel is laid out four times, shifted to the window's four corners: one matrix product (24 × 108
for the blitz network) gives every window's four convolution outputs as four contiguous row blocks,
so pooling is three element-wise maxima (pool.py's rule, which routes the gradient as max_pool2d
does). The bias is added after pooling: it is the same for the four corners. Tensors are channel
first, "CNHW" (channel, image, row, column): the product's natural output.

The functions are TorchScript-compatible: lean_step.py compiles the whole step with them.
"""

from __future__ import annotations

from typing import Tuple

import torch

from curriculum.training.pool import corner_grads, max_of_corners

K = 5  # kernel size; no padding, stride 1 (TorchScript reads no globals: the functions it compiles say 5)


def window_buffers(weight: torch.Tensor, batch: int, height: int, width: int):
    """(window weight, columns, row gradient) for a batch of `batch` inputs of height × width."""
    out_c, in_c = weight.shape[:2]
    if (height - K + 1) % 2 or (width - K + 1) % 2:
        raise ValueError(f"2×2 pooling needs an even convolution output, got {height - K + 1}×{width - K + 1}")
    windows = batch * ((height - K + 1) // 2) * ((width - K + 1) // 2)
    # (out channel, dy, dx, in channel, 6, 6): the kernel at offset (dy, dx) of each window, zeros elsewhere.
    # Only the kernel's places are written each step, so the zeros stay.
    window_weight = torch.zeros(out_c, 2, 2, in_c, K + 1, K + 1)
    return window_weight, torch.empty(in_c * (K + 1) ** 2, windows), torch.empty(out_c, 4, windows)


def _kernel_places(t: torch.Tensor) -> torch.Tensor:
    """The 5×5 kernel inside each corner's 6×6 plane of a (out, 2, 2, in, 6, 6) tensor, as a strided view."""
    s = t.stride()
    return t.as_strided([t.shape[0], 2, 2, t.shape[3], 5, 5], [s[0], s[1] + s[4], s[2] + s[5], s[3], s[4], s[5]])


def conv_then_pool(inp: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor, window_weight: torch.Tensor,
                   columns: torch.Tensor) -> Tuple[torch.Tensor, Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """`inp` indexed (channel, image, row, column), any strides. Returns the pooled (C_out, n, H', W') and
    the pooling choice for `conv_then_pool_backward`; `columns` keeps the unfolded input for it."""
    c, n, h, w = inp.shape[0], inp.shape[1], inp.shape[2], inp.shape[3]
    out_c = weight.shape[0]
    ph, pw = (h - 4) // 2, (w - 4) // 2
    _kernel_places(window_weight).copy_(weight.view(out_c, 1, 1, c, 5, 5).expand(-1, 2, 2, -1, -1, -1))
    s = inp.stride()
    patches = inp.as_strided([c, 6, 6, n, ph, pw], [s[0], s[2], s[3], s[1], 2 * s[2], 2 * s[3]], inp.storage_offset())
    columns.view(c, 6, 6, n, ph, pw).copy_(patches)
    conv = torch.mm(window_weight.view(4 * out_c, -1), columns).view(out_c, 4, -1)
    pooled, choice = max_of_corners(conv[:, 0], conv[:, 1], conv[:, 2], conv[:, 3])
    return pooled.add_(bias.view(-1, 1)).view(out_c, n, ph, pw), choice


def conv_then_pool_backward(grad: torch.Tensor, choice: Tuple[torch.Tensor, torch.Tensor, torch.Tensor],
                            weight_grad: torch.Tensor, bias_grad: torch.Tensor, window_weight: torch.Tensor,
                            columns: torch.Tensor, row_grad: torch.Tensor) -> None:
    """From the pooled output's gradient, writes the weight and bias gradients (the input needs none)."""
    out_c = weight_grad.shape[0]
    flat = grad.reshape(out_c, -1)
    torch.sum(flat, [1], out=bias_grad)
    corner_grads(flat, choice, row_grad[:, 0], row_grad[:, 1], row_grad[:, 2], row_grad[:, 3])
    window_grad = torch.mm(row_grad.view(4 * out_c, -1), columns.t()).view(window_weight.shape)
    corners = _kernel_places(window_grad)
    # The kernel's gradient is the sum of its four shifted copies' (three adds: a strided sum is slower).
    torch.add(corners[:, 0, 0], corners[:, 0, 1], out=weight_grad)
    weight_grad.add_(corners[:, 1, 0]).add_(corners[:, 1, 1])
