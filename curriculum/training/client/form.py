"""The training form's fields: validation (the CLI's rules) and the trainer flags they become.

No Textual and no torch: preset recipes and model names come from the trainer's torch-free
`curriculum.training.recipes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curriculum.training.recipes import MODEL_WIDTHS, PRESETS

KNOWN_DATA = ("cifar10", "synthetic")
DEVICE_PATTERN = re.compile(r"^(auto|cpu|cuda|cuda:\d+)$")


@dataclass(frozen=True)
class Field:
    key: str  # the config key and, with "-", the trainer flag
    label: str
    hint: str
    kind: str  # "text", "int", "float", "choice"


FIELDS = (
    Field("data", "data", "cifar10, synthetic or a folder (blank: cifar10 if present, else synthetic)", "text"),
    Field("preset", "preset", "faithful: the tutorial's recipe; fast: same network, tuned to finish sooner", "choice"),
    Field("model", "model", "the network to train (blank: the preset's)", "choice"),
    Field("epochs", "epochs", "passes over the training set, 1 or more", "int"),
    Field("batch_size", "batch size", "images per step, 1 or more", "int"),
    Field("lr", "lr", "learning rate, greater than 0", "float"),
    Field("momentum", "momentum", "SGD momentum, from 0 up to (not including) 1", "float"),
    Field("device", "device", "auto, cpu, cuda or cuda:N", "text"),
    Field("nproc", "processes", "DDP: N processes under torchrun, one per GPU (gloo on the CPU); blank or 1: "
          "one plain process", "int"),
)
MAX_NPROC = 64  # more processes than this on one machine is a typo, not a plan
FIELD_KEYS = tuple(f.key for f in FIELDS)


def validate(key: str, text: str) -> str | None:
    """One line saying what is wrong with the field's text, or None. Blank means the preset's default."""
    text = text.strip()
    if not text:
        return None
    if key == "data":
        if text in KNOWN_DATA:
            return None
        folder = Path(text).expanduser()
        if not folder.exists():
            return f"no such folder: {text} (or use cifar10 / synthetic)"
        if not folder.is_dir():
            return f"not a folder: {text}"
        return None
    if key == "preset":
        return None if text in preset_names() else f"unknown preset {text!r}: {', '.join(preset_names())}"
    if key == "model":
        return None if text in model_names() else f"unknown model {text!r}: {', '.join(model_names())}"
    if key in ("epochs", "batch_size", "nproc"):
        try:
            value = int(text)
        except ValueError:
            return f"expected a whole number, got {text!r}"
        if key == "nproc" and value > MAX_NPROC:
            return f"at most {MAX_NPROC} processes on one machine, got {value}"
        return None if value >= 1 else f"must be 1 or more, got {value}"
    if key in ("lr", "momentum"):
        try:
            number = float(text)
        except ValueError:
            return f"expected a number, got {text!r}"
        if number != number or number in (float("inf"), float("-inf")):
            return f"expected a finite number, got {text!r}"
        if key == "lr":
            return None if number > 0 else f"must be greater than 0, got {text}"
        return None if 0 <= number < 1 else f"must be from 0 up to (not including) 1, got {text}"
    if key == "device":
        return None if DEVICE_PATTERN.match(text) else f"expected auto, cpu, cuda or cuda:N, got {text!r}"
    return None


def validate_all(values: dict[str, str]) -> dict[str, str]:
    """Field key -> error, for the fields that are wrong."""
    errors = {}
    for key in FIELD_KEYS:
        problem = validate(key, str(values.get(key, "") or ""))
        if problem:
            errors[key] = problem
    nproc, device = str(values.get("nproc", "") or "").strip(), str(values.get("device", "") or "").strip()
    if "nproc" not in errors and nproc.isdigit() and int(nproc) > 1 and device.startswith("cuda:"):
        errors["nproc"] = f"with {nproc} processes each uses its own GPU: set device to cuda or auto, not {device}"
    return errors


def trainer_flags(values: dict[str, str], out_dir: Path | None = None) -> list[str]:
    """The trainer flags for the filled-in fields; blank fields leave the preset's choice."""
    flags: list[str] = []
    for key in FIELD_KEYS:
        text = str(values.get(key, "") or "").strip()
        if key == "nproc" and text.isdigit() and int(text) == 1:
            continue  # one process is the plain trainer, without torchrun
        if text:
            flags += [f"--{key.replace('_', '-')}", text]
    if out_dir is not None:
        flags += ["--out", str(out_dir)]
    return flags


def form_values(defaults: dict[str, Any] | None) -> dict[str, str]:
    """The form's starting text from the CLI's or a lesson's defaults (unknown keys ignored)."""
    defaults = defaults or {}
    aliases = {"batch-size": "batch_size", "batch": "batch_size"}
    values = {key: "" for key in FIELD_KEYS}
    for key, value in defaults.items():
        key = aliases.get(key, key)
        if key in values and value is not None:
            values[key] = str(value)
    if not values["preset"]:
        values["preset"] = "faithful"
    return values


def preset_defaults() -> dict[str, dict[str, Any]]:
    """Each preset's recipe, as the trainer runs it."""
    return PRESETS


def preset_names() -> tuple[str, ...]:
    return tuple(PRESETS)


def model_names() -> tuple[str, ...]:
    return tuple(MODEL_WIDTHS)
