"""The blitz network's first layer, a 5×5 convolution then 2×2 max pooling, for the hand-written CPU step.

At batch 4 ATen's CPU convolution multiplies one image at a time (6 output rows against 784
columns, a shape the BLAS runs at a quarter of its speed), unfolds the input a second time for the
weight gradient, and its max pooling branches on every comparison, which mispredicts when the data
changes every step. Here the input is unfolded once per step into one column per pooling window,
and one matrix product gives each window's four convolution outputs (curriculum/training/pool.py's
rule routes the gradient, as max_pool2d does). Tensors are channel first, "CNHW" (channel, image,
row, column): the product's natural output. Side by side in one process this layer made a batch-4
step about 10% faster on one thread (bench/lean_step_parts.py).
"""

from __future__ import annotations

import torch

from curriculum.training.pool import corner_grads, max_of_corners

K = 5  # kernel size; no padding, stride 1


class ConvThenPool:
    """A 5×5 convolution followed by 2×2 max pooling, for a layer whose input needs no gradient.

    Each column holds the 6×6 patch under one pooling window, and the weights are laid out four
    times, shifted to the window's four corners: one matrix product (24 × 108 for the blitz
    network's first layer, a shape the BLAS runs near twice as fast as 6 × 75 with four times the
    columns) gives every window's four convolution outputs as four contiguous row blocks, so
    pooling is three element-wise maxima and no output is copied. The bias is added after
    pooling: it is the same for the four corners.
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor):
        self.weight, self.bias = weight, bias
        out_c, in_c = weight.shape[:2]
        self.out_channels, self.in_channels = out_c, in_c
        # (out channel, dy, dx, in channel, 6, 6): the kernel at offset (dy, dx) of each window, zeros elsewhere.
        self.window_weight = torch.zeros(out_c, 2, 2, in_c, K + 1, K + 1)
        self.shape: tuple | None = None

    def _shifted(self, t: torch.Tensor) -> torch.Tensor:
        """The 5×5 kernel inside each corner's plane of a (out, 2, 2, in, 6, 6) tensor, as a strided view."""
        s_o, s_y, s_x, s_c, s_i, s_j = t.stride()
        return t.as_strided((self.out_channels, 2, 2, self.in_channels, K, K),
                            (s_o, s_y + s_i, s_x + s_j, s_c, s_i, s_j))

    def forward(self, inp: torch.Tensor) -> torch.Tensor:
        """`inp` indexed (channel, image, row, column), any strides; returns the pooled (C_out, n, H', W')."""
        c, n, h, w = inp.shape
        if self.shape != tuple(inp.shape):
            self.shape = tuple(inp.shape)
            self.pooled_hw = ((h - K + 1) // 2, (w - K + 1) // 2)
            if (h - K + 1) % 2 or (w - K + 1) % 2:
                raise ValueError(f"2×2 pooling needs an even convolution output, got {h - K + 1}×{w - K + 1}")
            self.columns = torch.empty(c * (K + 1) ** 2, n * self.pooled_hw[0] * self.pooled_hw[1])
            self.row_grad = torch.empty(self.out_channels, 4, self.columns.shape[1])
        self._shifted(self.window_weight).copy_(
            self.weight.view(self.out_channels, 1, 1, c, K, K).expand(-1, 2, 2, -1, -1, -1))
        s_c, s_n, s_h, s_w = inp.stride()
        ph, pw = self.pooled_hw
        patches = inp.as_strided((c, K + 1, K + 1, n, ph, pw), (s_c, s_h, s_w, s_n, 2 * s_h, 2 * s_w),
                                 inp.storage_offset())
        self.columns.view(c, K + 1, K + 1, n, ph, pw).copy_(patches)
        conv = torch.mm(self.window_weight.view(4 * self.out_channels, -1), self.columns)
        pooled, self.choice = max_of_corners(*conv.view(self.out_channels, 4, -1).unbind(1))
        return pooled.add_(self.bias.view(-1, 1)).view(self.out_channels, n, ph, pw)

    def backward(self, grad: torch.Tensor, weight_grad: torch.Tensor, bias_grad: torch.Tensor) -> None:
        """From the pooled output's gradient, writes the weight and bias gradients."""
        flat = grad.reshape(self.out_channels, -1)
        torch.sum(flat, 1, out=bias_grad)
        corner_grads(flat, self.choice, *self.row_grad.unbind(1))
        window_grad = torch.mm(self.row_grad.view(4 * self.out_channels, -1), self.columns.t())
        corners = self._shifted(window_grad.view(self.window_weight.shape))
        # The kernel's gradient is the sum of its four shifted copies' (three adds: a strided sum is slower).
        torch.add(corners[:, 0, 0], corners[:, 0, 1], out=weight_grad)
        weight_grad.add_(corners[:, 1, 0]).add_(corners[:, 1, 1])
