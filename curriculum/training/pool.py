"""2×2 max pooling (stride 2) built from element-wise maxima over strided views.

On these CPUs ATen's max_pool2d walks every window in scalar code: at batch 64 the blitz
network's two pools cost more than both convolutions' forward passes. Three comparisons and
three selections over quarter-size views give the same values, and the same gradient routing
as max_pool2d: each window's gradient goes to its first maximum in row-major order.
"""

from __future__ import annotations

from typing import Tuple

import torch


def _corners(c: torch.Tensor):
    return c[..., 0::2, 0::2], c[..., 0::2, 1::2], c[..., 1::2, 0::2], c[..., 1::2, 1::2]


class MaxPool2x2(torch.autograd.Function):
    @staticmethod
    def forward(ctx, c: torch.Tensor) -> torch.Tensor:
        pooled, choice = pool_forward(c)
        ctx.save_for_backward(*choice)
        ctx.shape = c.shape
        return pooled

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        return pool_backward(grad, ctx.saved_tensors, ctx.shape)


def pool_forward(c: torch.Tensor):
    """(pooled, choice): choice says, per window, which corner won, for `pool_backward`."""
    if c.shape[-1] % 2 or c.shape[-2] % 2:
        raise ValueError(f"2×2 pooling needs even height and width, got {tuple(c.shape[-2:])}")
    return max_of_corners(*_corners(c))


def pool_backward(grad: torch.Tensor, choice, shape) -> torch.Tensor:
    out = grad.new_empty(shape)
    corner_grads(grad, choice, *_corners(out))
    return out


def max_of_corners(a0: torch.Tensor, a1: torch.Tensor, a2: torch.Tensor,
                   a3: torch.Tensor) -> Tuple[torch.Tensor, Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    """The maximum of each window given its four corners (top left, top right, bottom left, bottom
    right) as same-shaped tensors, and the choice that routes its gradient (`corner_grads`)."""
    # Strictly greater: ties keep the earlier corner, as max_pool2d does. (torch.where over
    # strided views is several times slower than maximum and multiplication, hence the arithmetic.)
    top, bottom = torch.maximum(a0, a1), torch.maximum(a2, a3)
    choice = (a1 > a0, a3 > a2, bottom > top)
    return torch.maximum(top, bottom), choice


def corner_grads(grad: torch.Tensor, choice: Tuple[torch.Tensor, torch.Tensor, torch.Tensor], g0: torch.Tensor,
                 g1: torch.Tensor, g2: torch.Tensor, g3: torch.Tensor) -> None:
    """Write each window's gradient into the corner that won it, zero into the other three."""
    right_top, right_bottom, down = choice[0], choice[1], choice[2]
    bottom = grad * down
    top = grad - bottom
    torch.mul(top, right_top, out=g1)
    torch.sub(top, g1, out=g0)
    torch.mul(bottom, right_bottom, out=g3)
    torch.sub(bottom, g3, out=g2)


def pool2x2(c: torch.Tensor) -> torch.Tensor:
    return MaxPool2x2.apply(c)
