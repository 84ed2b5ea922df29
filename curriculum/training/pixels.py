"""The network's inputs from stored pixels: mean 0.5 and std 0.5 per channel, as the blitz normalises.

Training data stays uint8 on the device (a quarter of float32's memory, and no conversion pass over
the whole set before the first step); each batch is converted when it is gathered.
"""

from __future__ import annotations

import torch


def to_inputs(images: torch.Tensor) -> torch.Tensor:
    """uint8 pixels (0..255) as floats in [-1, 1]; float tensors are taken as already converted."""
    if images.dtype != torch.uint8:
        return images
    return images.float().mul_(1 / 127.5).sub_(1.0)
