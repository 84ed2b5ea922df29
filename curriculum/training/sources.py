"""Reading image folders and CIFAR-10 batch files into uint8 tensors (decoded once, then cached)."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import torch

from curriculum.training.data_source import CIFAR_BATCHES, cifar_batches_dir, image_folder_root  # noqa: F401
from curriculum.training.safe_pickle import load_arrays

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".ppm", ".tif", ".tiff"}


class DataError(Exception):
    """Data that cannot be used; the message is one line saying what and where."""


def read_cifar_batches(folder: Path):
    """(train_x, train_y, test_x, test_y, classes) from torchvision's CIFAR-10 python files."""
    def load(name: str) -> dict:
        try:
            with open(folder / name, "rb") as handle:
                loaded = load_arrays(handle)  # the cache is kernel-writable: never a plain pickle.load
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as error:
            raise DataError(f"cannot read CIFAR-10 file {folder / name}: {error}") from None
        if not isinstance(loaded, dict):
            raise DataError(f"cannot read CIFAR-10 file {folder / name}: not a CIFAR-10 batch")
        return loaded

    parts = [load(f"data_batch_{i}") for i in range(1, 6) if (folder / f"data_batch_{i}").is_file()]
    test = load("test_batch")
    meta = load("batches.meta") if (folder / "batches.meta").is_file() else {}
    classes = list(meta.get("label_names") or [])

    def tensors(batches: list[dict]) -> tuple[torch.Tensor, torch.Tensor]:
        try:
            data = np.concatenate([np.asarray(b["data"]) for b in batches]).reshape(-1, 3, 32, 32)
            labels = np.concatenate([np.asarray(b["labels"]) for b in batches])
        except (KeyError, ValueError, TypeError) as error:
            raise DataError(f"the CIFAR-10 files in {folder} are not CIFAR-10 batches ({error})") from None
        return torch.from_numpy(np.ascontiguousarray(data, dtype=np.uint8)), torch.from_numpy(labels.astype(np.int64))

    train_x, train_y = tensors(parts)
    test_x, test_y = tensors([test])
    if not classes:
        from curriculum.training.synthetic import CIFAR10_CLASSES

        classes = list(CIFAR10_CLASSES)
    return train_x, train_y, test_x, test_y, classes


def list_image_folder(root: Path) -> tuple[list[str], dict[str, list[tuple[Path, int]]]]:
    """The class names (sorted, as ImageFolder does) and each split's (file, label) list."""
    splits: dict[str, list[tuple[Path, int]]] = {}
    classes: list[str] | None = None
    for split in ("train", "test"):
        names = sorted(e.name for e in os.scandir(root / split) if e.is_dir())
        if not names:
            raise DataError(f"{root / split} has no class folders (expected {split}/<class>/<image>)")
        if classes is not None and names != classes:
            raise DataError(f"train/ and test/ in {root} hold different class folders")
        classes = names
        files = []
        for label, name in enumerate(names):
            # 60,000 entries: os.path and scandir's file types, no Path per entry and no stat.
            for entry in sorted(os.scandir(root / split / name), key=lambda e: e.name):
                if os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES and entry.is_file():
                    files.append((Path(entry.path), label))
        if not files:
            raise DataError(f"{root / split} has class folders but no images")
        splits[split] = files
    assert classes is not None
    return classes, splits


def folder_fingerprint(root: Path) -> str:
    """Changes when any image is added, removed or rewritten, so a stale cache is never used."""
    count = size = newest = 0
    for split in ("train", "test"):
        for dirpath, _, filenames in os.walk(root / split):
            for name in filenames:
                stat = os.stat(os.path.join(dirpath, name))
                count, size, newest = count + 1, size + stat.st_size, max(newest, stat.st_mtime_ns)
    return f"{count}-{size}-{newest}"
