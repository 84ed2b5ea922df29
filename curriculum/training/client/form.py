"""The training form's fields: the options table's form options, their checks and the trainer flags
they become. No Textual and no torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from curriculum.training.options import BY_NAME, FORM_OPTIONS, OptionError, TrainingOption, model_names, preset_names
from curriculum.training.recipes import PRESETS

FIELDS: tuple[TrainingOption, ...] = FORM_OPTIONS
FIELD_KEYS = tuple(f.name for f in FIELDS)

__all__ = ["FIELDS", "FIELD_KEYS", "validate", "validate_all", "trainer_flags", "form_values", "model_names",
           "preset_names", "preset_defaults"]


def validate(key: str, text: str) -> str | None:
    """One line saying what is wrong with the field's text, or None. Blank means the preset's default."""
    text = text.strip()
    if not text or key not in BY_NAME:
        return None
    try:
        BY_NAME[key].parse(text)
    except OptionError as error:
        return str(error)
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
    for option in FIELDS:
        text = str(values.get(option.name, "") or "").strip()
        if option.name == "nproc" and text.isdigit() and int(text) == 1:
            continue  # one process is the plain trainer, without torchrun
        if text:
            flags += [option.flag, _canonical(option, text)]
    if out_dir is not None:
        flags += ["--out", str(out_dir)]
    return flags


def _canonical(option: TrainingOption, text: str) -> str:
    """The value as its check returns it: for `data`, a folder or zip as an absolute path, since the
    trainer runs in its own folder. A value that fails its check goes as typed (the form says why)."""
    try:
        return str(option.parse(text))
    except OptionError:
        return text


def form_values(defaults: dict[str, Any] | None) -> dict[str, str]:
    """The form's text from the CLI's or a lesson's settings (unknown keys ignored); every other field
    is blank, so it shows the preset's default."""
    defaults = defaults or {}
    values = {key: "" for key in FIELD_KEYS}
    for key, value in defaults.items():
        key = key.replace("-", "_")
        if key in values and value is not None:
            values[key] = str(value)
    if not values["preset"]:
        values["preset"] = BY_NAME["preset"].default
    return values


def preset_defaults() -> dict[str, dict[str, Any]]:
    """Each preset's recipe, as the trainer runs it."""
    return PRESETS
