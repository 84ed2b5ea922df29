"""Reading image folders and CIFAR-10 batch files into uint8 tensors (decoded once, then cached)."""

from __future__ import annotations

import os
import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch

from curriculum.training.data_source import CIFAR_BATCHES, cifar_batches_dir, image_folder_root  # noqa: F401

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".ppm", ".tif", ".tiff"}


class DataError(Exception):
    """Data that cannot be used; the message is one line saying what and where."""


def read_cifar_batches(folder: Path):
    """(train_x, train_y, test_x, test_y, classes) from torchvision's CIFAR-10 python files."""
    def load(name: str) -> dict:
        try:
            with open(folder / name, "rb") as handle:
                return pickle.load(handle, encoding="latin1")
        except (OSError, pickle.UnpicklingError, EOFError, ValueError) as error:
            raise DataError(f"cannot read CIFAR-10 file {folder / name}: {error}") from None

    parts = [load(f"data_batch_{i}") for i in range(1, 6) if (folder / f"data_batch_{i}").is_file()]
    test = load("test_batch")
    meta = load("batches.meta") if (folder / "batches.meta").is_file() else {}
    classes = list(meta.get("label_names") or [])

    def tensors(batches: list[dict]) -> tuple[torch.Tensor, torch.Tensor]:
        data = np.concatenate([b["data"] for b in batches]).reshape(-1, 3, 32, 32)
        labels = np.concatenate([np.asarray(b["labels"]) for b in batches])
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
            for entry in sorted(os.scandir(root / split / name), key=lambda e: e.name):
                if entry.is_file() and Path(entry.name).suffix.lower() in IMAGE_SUFFIXES:
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


def decode_images(files: list[tuple[Path, int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Every image as 32×32 RGB uint8 (resized when it is not 32×32), NCHW."""
    out = np.empty((len(files), 32, 32, 3), dtype=np.uint8)

    def decode(i: int) -> None:
        from PIL import Image, UnidentifiedImageError

        path = files[i][0]
        try:
            with Image.open(path) as image:
                image = image.convert("RGB")
                if image.size != (32, 32):
                    image = image.resize((32, 32), Image.BILINEAR)
                out[i] = np.asarray(image)
        except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as error:
            raise DataError(f"cannot read image {path}: {str(error).splitlines()[0] if str(error) else type(error).__name__}") from None

    # PIL releases the GIL while decoding, so a couple of threads roughly halve the first start.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        for _ in pool.map(decode, range(len(files)), chunksize=256):
            pass
    images = torch.from_numpy(out).permute(0, 3, 1, 2).contiguous()
    labels = torch.tensor([label for _, label in files], dtype=torch.int64)
    return images, labels
