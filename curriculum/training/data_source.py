"""What a `--data` value names: the one resolver the CLI, the training form, `blitz-tui --data` and
lesson 4 all use. Torch-free, so the app can check a value as it is typed.

- `auto` (or blank): CIFAR-10 when it can be had, else the SYNTHETIC set, said loudly;
- `cifar10`: the real CIFAR-10 (downloaded into the cache by the trainer when missing);
- `synthetic` or `synthetic:N`: generated stripes, N training images;
- a folder in either layout: torchvision's CIFAR-10 (`cifar-10-batches-py/`) or an image folder
  (`train/<class>/`, `test/<class>/`, perhaps inside one top folder, as a zip extracts);
- a `.zip` of either layout.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

CIFAR_BATCHES = "cifar-10-batches-py"
SYNTHETIC_MIN = 10
SYNTHETIC_MAX = 200_000  # four times CIFAR-10's training set, about 600 MB of images; more is a typo
DEFAULT_SYNTHETIC = 10_000
DATA_ENV = "BLITZ_TUI_DATA"  # the app's --data, handed to lesson kernels
HOW_TO_GET_REAL = ("for real CIFAR-10 images run `blitz-tui train --headless --data cifar10` once (downloads "
                   "163 MB), or pass --data a CIFAR-10 folder or .zip")
SYNTHETIC_WARNING = f"SYNTHETIC data: generated stripes, not CIFAR-10 photos; {HOW_TO_GET_REAL}"
LAYOUTS = "a CIFAR-10 folder (cifar-10-batches-py/) or an image folder (train/<class>/, test/<class>/)"


class DataSourceError(ValueError):
    """A `--data` value that names nothing usable; the message is one line."""


@dataclass(frozen=True)
class DataSource:
    kind: str  # "auto" | "cifar10" | "synthetic" | "folder" | "zip"
    path: Path | None = None
    count: int = DEFAULT_SYNTHETIC  # synthetic training images

    @property
    def text(self) -> str:
        """The value that names this source again (a flag for the trainer)."""
        if self.kind == "synthetic":
            return "synthetic" if self.count == DEFAULT_SYNTHETIC else f"synthetic:{self.count}"
        return str(self.path) if self.path is not None else self.kind


def resolve(text: str | None) -> DataSource:
    """The source `text` names, or DataSourceError saying in one line why it names none."""
    text = (text or "").strip()
    if text in ("", "auto"):
        return DataSource("auto")
    if text == "cifar10":
        return DataSource("cifar10")
    if text == "synthetic" or text.startswith("synthetic:"):
        count = text.partition(":")[2]
        if not count:
            return DataSource("synthetic")
        if not count.isdigit() or not SYNTHETIC_MIN <= int(count) <= SYNTHETIC_MAX:
            raise DataSourceError(f"synthetic:N needs a whole number N from {SYNTHETIC_MIN} to {SYNTHETIC_MAX:,}, "
                                  f"got {count!r}")
        return DataSource("synthetic", count=int(count))
    path = Path(text).expanduser()
    if not path.exists():
        raise DataSourceError(f"no such file or folder: {text} (or use auto, cifar10, synthetic[:N])")
    if path.is_dir():
        if cifar_batches_dir(path) is None and image_folder_root(path) is None:
            raise DataSourceError(f"{text} is neither {LAYOUTS}")
        return DataSource("folder", path.resolve())
    if path.suffix.lower() == ".zip":
        check_zip(path)
        return DataSource("zip", path.resolve())
    raise DataSourceError(f"{text} is not a folder or a .zip (expected {LAYOUTS})")


def check(text: str | None) -> str | None:
    """One line saying what is wrong with a `--data` value, or None."""
    try:
        resolve(text)
    except DataSourceError as error:
        return str(error)
    return None


def cifar_batches_dir(folder: Path) -> Path | None:
    """The `cifar-10-batches-py` folder in or at `folder`, when it has the train and test batches."""
    for candidate in (folder, folder / CIFAR_BATCHES):
        if (candidate / "data_batch_1").is_file() and (candidate / "test_batch").is_file():
            return candidate
    return None


def image_folder_root(folder: Path) -> Path | None:
    """`folder` (or its only subfolder, as a zip extracts) when it holds train/<class>/ and test/<class>/."""
    candidates = [folder]
    subfolders = [p for p in folder.iterdir() if p.is_dir()] if folder.is_dir() else []
    if len(subfolders) == 1:
        candidates.append(subfolders[0])
    for candidate in candidates:
        if (candidate / "train").is_dir() and (candidate / "test").is_dir():
            return candidate
    return None


def check_zip(archive: Path) -> None:
    """A zip holding either layout (at its top or inside one top folder), judged by its names alone."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            names = [PurePosixPath(name) for name in zipped.namelist()]
    except (zipfile.BadZipFile, OSError) as error:
        raise DataSourceError(f"cannot read {archive}: {error}") from None
    for prefix in {(), *{n.parts[:1] for n in names if len(n.parts) > 1}}:
        inside = {n.parts[len(prefix):] for n in names if n.parts[:len(prefix)] == prefix}
        tops = {parts[0] for parts in inside if len(parts) > 1}
        files = {parts for parts in inside}
        if {"train", "test"} <= tops:
            return
        for batches in ((), (CIFAR_BATCHES,)):
            if batches + ("data_batch_1",) in files and batches + ("test_batch",) in files:
                return
    raise DataSourceError(f"{archive} holds neither {LAYOUTS}")


def app_data_choice() -> str | None:
    """The data source the app was started with (`blitz-tui --data`), as lesson kernels see it."""
    return os.environ.get(DATA_ENV) or None
