"""The blitz network (a 3-channel LeNet) and its wider variant from the tutorial's exercise."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from curriculum.training.pool import pool2x2
from curriculum.training.recipes import MODEL_WIDTHS


class BlitzNet(nn.Module):
    """conv 3→c1 5×5, pool, conv c1→c2 5×5, pool, fc c2·25→120→84→classes."""

    def __init__(self, conv1_channels: int = 6, conv2_channels: int = 16, num_classes: int = 10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, conv1_channels, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(conv1_channels, conv2_channels, 5)
        self.fc1 = nn.Linear(conv2_channels * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def build_model(name: str, num_classes: int = 10) -> BlitzNet:
    if name not in MODEL_WIDTHS:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(MODEL_WIDTHS)}")
    c1, c2 = MODEL_WIDTHS[name]
    return BlitzNet(c1, c2, num_classes)


def train_forward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """`model(x)` for training on a CPU: the same function and gradients, computed faster.

    Only a plain BlitzNet takes the fast route (a DDP wrapper needs its own forward for its
    hooks): pooling before ReLU gives the same values on 4× fewer elements (ReLU is monotonic),
    and pool2x2 replaces ATen's scalar pooling loop (curriculum/training/pool.py).
    """
    if type(model) is not BlitzNet or x.device.type != "cpu":
        return model(x)
    x = torch.relu(pool2x2(model.conv1(x)))
    x = torch.relu(pool2x2(model.conv2(x)))
    x = F.relu(model.fc1(torch.flatten(x, 1)))
    x = F.relu(model.fc2(x))
    return model.fc3(x)
