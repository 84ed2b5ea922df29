"""Training recipes: `faithful` is the tutorial's, `fast` reaches its accuracy soonest.

`faithful` — exactly the blitz recipe: inputs normalised with mean 0.5 / std 0.5, batch 4, shuffled
every epoch, SGD lr 0.001 momentum 0.9, 2 epochs, cross-entropy loss. Only the machinery differs.

`fast` — the same network, the recipe that reached the faithful accuracy soonest in our
measurements (bench/train_vs_tutorial.py): Adam at lr 0.003, batch 32, 4 epochs. Adam's per-weight
step sizes make progress where SGD's single small lr crawls, so it passes the faithful preset's
2-epoch accuracy within its first epoch; batch 32 (lr scaled up with it) turns that epoch into a
few hundred well-vectorised steps instead of thousands of overhead-bound ones.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from curriculum.training.options import BY_NAME, OptionError
from curriculum.training.recipes import PRESETS


class ConfigError(ValueError):
    """A setting that cannot work; the message is one line for the learner."""


@dataclass
class TrainConfig:
    preset: str = "faithful"
    model: str = "blitz"
    epochs: int = 2
    batch_size: int = 4
    lr: float = 0.001
    momentum: float = 0.9
    optimizer: str = "sgd"  # "sgd" or "adam"
    device: str = "auto"
    seed: int = 0
    data: str | None = None  # None: cifar10 when available, else synthetic

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


OVERRIDABLE = ("model", "epochs", "batch_size", "lr", "momentum", "optimizer", "device", "seed", "data")


def make_config(preset: str = "faithful", **overrides) -> TrainConfig:
    """A preset's recipe with the given settings (None means "keep the preset's") replaced."""
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    config = TrainConfig(preset=preset, **PRESETS[preset])
    for name, value in overrides.items():
        if name not in OVERRIDABLE:
            raise ConfigError(f"unknown setting {name!r}")
        if value is not None:
            setattr(config, name, value)
    validate(config)
    return config


def validate(config: TrainConfig) -> None:
    """The options table's rules; a resumed checkpoint's config is checked the same way."""
    for name in ("model", "epochs", "batch_size", "lr", "momentum", "optimizer", "device", "seed"):
        try:
            BY_NAME[name].parse(str(getattr(config, name)))
        except OptionError as error:
            raise ConfigError(str(error)) from None
