"""A generated, learnable stand-in for CIFAR-10: 10 classes of 32×32 colour pictures.

Each class has its own colour, stripe direction and stripe frequency; every picture adds a random
phase, shift, contrast and noise, so a small convolutional network learns it well above chance in
one epoch but not instantly. It is always labelled synthetic wherever it shows.
"""

from __future__ import annotations

import math

import torch

CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
DEFAULT_TRAIN = 10_000


def make_synthetic(train: int = DEFAULT_TRAIN, test: int | None = None, seed: int = 0):
    """(train_images, train_labels, test_images, test_labels) as uint8 NCHW and int64 tensors."""
    test = max(10, train // 5) if test is None else test
    generator = torch.Generator().manual_seed(seed)
    train_x, train_y = _pictures(train, generator)
    test_x, test_y = _pictures(test, generator)
    return train_x, train_y, test_x, test_y


def _pictures(count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    labels = torch.arange(count) % 10
    labels = labels[torch.randperm(count, generator=generator)]
    k = labels.float()
    angle = k * (math.pi / 10) + 0.45 * torch.randn(count, generator=generator)
    frequency = 0.25 + 0.06 * (k % 5) + 0.03 * torch.randn(count, generator=generator)
    phase = 2 * math.pi * torch.rand(count, generator=generator)
    coords = torch.arange(32, dtype=torch.float32) - 15.5
    yy, xx = torch.meshgrid(coords, coords, indexing="ij")
    along = xx * angle.cos().view(-1, 1, 1) + yy * angle.sin().view(-1, 1, 1)
    stripes = torch.sin(along * frequency.view(-1, 1, 1) + phase.view(-1, 1, 1))  # N,32,32
    hue = 2 * math.pi * (k / 10).view(-1, 1) + torch.tensor([0.0, 2.1, 4.2])
    colour = 0.5 + 0.1 * torch.cos(hue)  # N,3
    contrast = 0.05 + 0.2 * torch.rand(count, 1, 1, 1, generator=generator)
    pictures = colour.view(-1, 3, 1, 1) + contrast * stripes.unsqueeze(1)
    pictures = pictures + 0.4 * torch.randn(count, 3, 32, 32, generator=generator)
    pictures = pictures * (0.6 + 0.8 * torch.rand(count, 1, 1, 1, generator=generator))  # brightness
    return (pictures.clamp(0, 1) * 255).round().to(torch.uint8), labels
