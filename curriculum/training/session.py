"""Turning `train` arguments into a ready Trainer: the recipe, a resumed checkpoint, the data."""

from __future__ import annotations

import argparse
from pathlib import Path

from curriculum.training.checkpoint import CheckpointError, load_last
from curriculum.training.data import DataError, load_dataset
from curriculum.training.events import Emitter
from curriculum.training.presets import ConfigError, TrainConfig, make_config, validate
from curriculum.training.trainer import Trainer

RESUME_MAY_CHANGE = ("epochs", "device", "lr", "momentum")
RESUME_FIXED = ("preset", "model", "batch_size", "data", "seed", "optimizer")


class StopRequest:
    """The SIGINT/SIGTERM handler of a training process: ask the trainer to stop after its current
    step, or abort loading (KeyboardInterrupt) before a trainer exists."""

    def __init__(self) -> None:
        self.trainer: Trainer | None = None

    def __call__(self, signum, frame) -> None:
        if self.trainer is None:
            raise KeyboardInterrupt
        self.trainer.request_stop()


def is_bad_input(error: BaseException) -> bool:
    return isinstance(error, (ConfigError, DataError, CheckpointError))


def failure(error: BaseException) -> tuple[str, int]:
    """(one line for the learner, exit status): bad input says only what is wrong and exits 2."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    if not is_bad_input(error):
        return f"{type(error).__name__}: {message}", 1
    return message, 2


def prepare(args: argparse.Namespace, emitter: Emitter, trainer_class: type[Trainer] | None = None,
            **trainer_options) -> tuple[Trainer, str, str | None]:
    """(trainer, notice for the start event, the folder resumed from or None).

    `trainer_class` and `trainer_options`: a distributed rank's trainer (curriculum/training/distributed.py).
    """
    overrides = {name: getattr(args, name) for name in RESUME_MAY_CHANGE + RESUME_FIXED if name != "preset"}
    resume = None
    if args.resume:
        resume = load_last(Path(args.resume))
        config = TrainConfig(**resume["config"])
        for name in RESUME_FIXED:
            given = getattr(args, name)
            if given is not None and given != getattr(config, name):
                flag = "--" + name.replace("_", "-")
                raise ConfigError(f"{flag} cannot change when resuming (the run used {getattr(config, name)!r})")
        for name in RESUME_MAY_CHANGE:
            if getattr(args, name) is not None:
                setattr(config, name, getattr(args, name))
        validate(config)
    else:
        config = make_config(args.preset or "faithful", **overrides)
    dataset = load_dataset(config.data)
    if resume is not None and list(resume["classes"]) != list(dataset.classes):
        raise DataError("the data's classes differ from the checkpoint's; resume with the same --data")
    out_dir = Path(args.out) if args.out else (Path(args.resume) if args.resume else None)
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigError(f"cannot create --out folder {out_dir}: {error.strerror}") from None
    if trainer_class is None and getattr(args, "data_parallel", False):
        from curriculum.training.legacy_dp import DataParallelTrainer as trainer_class
    trainer = (trainer_class or Trainer)(config, dataset, emitter, out_dir=out_dir, resume=resume,
                                         use_graph=not args.no_graph, **trainer_options)
    return trainer, dataset.notice, (str(args.resume) if args.resume else None)
