"""Training recipes: `faithful` is the tutorial's, `fast` reaches its accuracy soonest.

`faithful` — exactly the blitz recipe: inputs normalised with mean 0.5 / std 0.5, batch 4, shuffled
every epoch, SGD lr 0.001 momentum 0.9, 2 epochs, cross-entropy loss. Only the machinery differs.

`fast` — the same network, the recipe that reached 54% on the full CIFAR-10 soonest in our
measurements (docs/benchmarks.md): Adam, batch 64, a one-cycle lr (warm-up over the first 25% of the
steps to 0.005, then linearly down to zero) over 2 epochs. Most of a short run's accuracy appears
while the lr anneals, so the schedule is worth more than any constant lr; batch 64 keeps a CPU's
cores busy while still taking ~780 steps an epoch. It tests 8 times an epoch (so the first time an
accuracy is reached is seen) with flip test-time augmentation (about +1 point). Random flips in
training cost accuracy at this length, so there are none.
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
    # Recipe-only settings (no flags): the preset sets them, recipes.py holds their values.
    schedule: str = "constant"  # or "onecycle" (curriculum/training/schedule.py)
    warmup: float = 0.0  # onecycle's warm-up, as a fraction of all steps
    evals_per_epoch: int = 1  # test passes per epoch; more show when an accuracy is first reached
    flip_tta: bool = False  # evaluate on each image and its mirror image, averaging the probabilities

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
