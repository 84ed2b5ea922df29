"""The training options, as one table: name, type, per-preset default, validation and help.

The `train` flags, the app's `--data/--epochs/--device`, the training form's fields and a lesson's
`train_*` front-matter keys are all made from `OPTIONS`, so a value one accepts the others accept.
Torch-free (the app and the lesson loader read it); recipe values come from `recipes.py`.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass
from typing import Any, Callable

from curriculum.cli_args import at_least, between, number, positive_number, seed
from curriculum.training import data_source
from curriculum.training.recipes import MODEL_WIDTHS, PRESETS

DEVICE = re.compile(r"^(auto|cpu|cuda|cuda:\d+)$")
MAX_NPROC = 64  # more processes than this on one machine is a typo, not a plan
FRONT_MATTER_PREFIX = "train_"


class OptionError(ValueError):
    """A value an option does not accept; the message is one line naming the option."""


@dataclass(frozen=True)
class TrainingOption:
    name: str  # the config key; the flag is --name with "-" for "_"
    label: str  # the form's label
    help: str
    kind: str  # "int", "float", "choice" or "text"
    check: Callable[[str], Any]  # text -> value, or ArgumentTypeError reading after the name ("must be ...")
    default: Any = None  # when no preset sets it; None: the trainer decides
    metavar: str = ""
    in_form: bool = True
    choices: Callable[[], tuple[str, ...]] | None = None  # suggestions for the form

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def front_matter_key(self) -> str:
        return FRONT_MATTER_PREFIX + self.name

    def parse(self, text: str, named: str | None = None) -> Any:
        """The value `text` gives, or OptionError saying why in one line (`named`: the flag by default)."""
        try:
            return self.check(str(text).strip())
        except argparse.ArgumentTypeError as error:
            why = str(error)
            joined = f"{named or self.flag} {why}" if why.startswith(("must ", "expects ")) else \
                f"{named or self.flag}: {why}"
            raise OptionError(joined) from None

    def default_for(self, preset: str) -> Any:
        return PRESETS.get(preset, {}).get(self.name, self.default)

    def add_to(self, parser, *, help: str | None = None) -> None:
        # argparse (cli_args.OneLineParser) puts the flag's name before the check's message.
        parser.add_argument(self.flag, type=self.check, metavar=self.metavar or self.name.upper(),
                            help=help or self.help)


def momentum(text: str) -> float:
    value = number(text)
    if not (math.isfinite(value) and 0 <= value < 1):
        raise argparse.ArgumentTypeError(f"must be at least 0 and below 1 (got {text})")
    return value


def one_of(names: Callable[[], tuple[str, ...]]) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in names():
            raise argparse.ArgumentTypeError(f"must be one of {', '.join(names())} (got {text!r})")
        return text

    return check


def device(text: str) -> str:
    if not DEVICE.match(text):
        raise argparse.ArgumentTypeError(f"must be auto, cpu, cuda or cuda:N (got {text!r})")
    return text


def data(text: str) -> str:
    """The source's own name for itself: a folder or zip as an absolute path, since the trainer runs
    in another process and folder (a relative path given to `train` or the app must still find it)."""
    try:
        return data_source.resolve(text).text
    except data_source.DataSourceError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def preset_names() -> tuple[str, ...]:
    return tuple(PRESETS)


def model_names() -> tuple[str, ...]:
    return tuple(MODEL_WIDTHS)


def optimizer_names() -> tuple[str, ...]:
    return ("sgd", "adam")


OPTIONS: tuple[TrainingOption, ...] = (
    TrainingOption("data", "data", "auto, cifar10, synthetic[:N], or a folder or .zip (CIFAR-10's "
                   "cifar-10-batches-py/ or train/<class>/, test/<class>/); auto: cifar10 if it can be had, else "
                   "SYNTHETIC", "text", data, metavar="SRC", choices=lambda: ("auto", "cifar10", "synthetic")),
    TrainingOption("preset", "preset", "faithful: the tutorial's recipe; fast: same network, tuned to finish sooner",
                   "choice", one_of(preset_names), default="faithful", metavar="NAME", choices=preset_names),
    TrainingOption("model", "model", "the network: blitz (the tutorial's) or wide (blank: the preset's)", "choice",
                   one_of(model_names), default="blitz", metavar="NAME", choices=model_names),
    TrainingOption("epochs", "epochs", "passes over the training set, 1 or more", "int", at_least(1),
                   metavar="N"),
    TrainingOption("batch_size", "batch size", "images per step, 1 or more", "int", at_least(1), metavar="N"),
    TrainingOption("lr", "lr", "learning rate, > 0", "float", positive_number, metavar="LR"),
    TrainingOption("momentum", "momentum", "SGD momentum, >= 0 and < 1", "float", momentum,
                   metavar="M"),
    TrainingOption("optimizer", "optimizer", "sgd (faithful) or adam (fast)", "choice", one_of(optimizer_names),
                   default="sgd", metavar="NAME", in_form=False, choices=optimizer_names),
    TrainingOption("device", "device", "auto, cpu, cuda or cuda:N", "text", device, default="auto", metavar="D",
                   choices=lambda: ("auto", "cpu", "cuda", "cuda:0")),
    TrainingOption("seed", "seed", "seed for weights and batch order (default 0)", "int", seed,
                   default=0, metavar="N", in_form=False),
    TrainingOption("nproc", "processes", "DDP: N processes under torchrun, one per GPU (gloo on the CPU); blank or "
                   "1: one plain process", "int", between(1, MAX_NPROC), metavar="N"),
)
BY_NAME = {option.name: option for option in OPTIONS}
FORM_OPTIONS = tuple(option for option in OPTIONS if option.in_form)
APP_OPTIONS = ("data", "epochs", "device")  # what `blitz-tui` itself takes, as the training screen's defaults


def add_app_flags(group) -> None:
    """`blitz-tui --data/--epochs/--device`: the training screen's defaults."""
    for name in APP_OPTIONS:
        option = BY_NAME[name]
        option.add_to(group, help=f"training screen default: {option.help}")


def front_matter_problem(key: str, value: str) -> str | None:
    """What is wrong with a lesson's `train_*` front-matter entry, or None."""
    option = BY_NAME.get(key[len(FRONT_MATTER_PREFIX):]) if key.startswith(FRONT_MATTER_PREFIX) else None
    if option is None:
        known = ", ".join(o.front_matter_key for o in OPTIONS)
        return f"unknown training key `{key}` (known: {known})"
    try:
        option.parse(value, named=key)
    except OptionError as error:
        return str(error)
    return None


def lesson_recipe(meta: dict[str, Any]) -> dict[str, str]:
    """A lesson's training settings, by option name, from its (already checked) front matter."""
    return {key[len(FRONT_MATTER_PREFIX):]: str(value) for key, value in meta.items()
            if key.startswith(FRONT_MATTER_PREFIX)}
