"""Training data: where it comes from and decoding it once (lesson 4's folder: `lesson_data`).

Sources (`--data`) are named as `data_source.resolve` says. Every source is decoded once into uint8 tensors and
cached under `cache_dir()/datasets`, keyed by source, so the next start skips the decoding.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

from curriculum.atomic import write_atomic
from curriculum.paths import cache_dir
from curriculum.training import data_source, sources
from curriculum.training.decode import decode_images
from curriculum.training.sources import DataError
from curriculum.training.synthetic import CIFAR10_CLASSES, make_synthetic


__all__ = ["DataError", "Dataset", "load_dataset"]

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SAMPLE = REPO_ROOT.parent / "shared" / "data" / "cifar10-sample.zip"
CACHE_VERSION = 1


@dataclass
class Dataset:
    kind: str  # "cifar10" | "folder" | "synthetic"
    name: str
    classes: list[str]
    train_images: torch.Tensor  # N,3,32,32 uint8
    train_labels: torch.Tensor  # N int64
    test_images: torch.Tensor
    test_labels: torch.Tensor
    notice: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return self.kind == "synthetic"

    def summary(self) -> dict:
        return {"kind": self.kind, "name": self.name, "train": len(self.train_labels),
                "test": len(self.test_labels), "classes": list(self.classes), "synthetic": self.synthetic}


def load_dataset(source: str | None = None, *, show_progress: bool = True) -> Dataset:
    """The dataset `source` names (the rules: `data_source.resolve`)."""
    try:
        chosen = data_source.resolve(source)
    except data_source.DataSourceError as error:
        raise DataError(str(error)) from None
    if chosen.kind == "auto":
        if _cifar10_batches() is None and not _cache_file("cifar10").is_file():
            try:
                return _cifar10(show_progress)
            except DataError as error:
                data = _synthetic(data_source.DEFAULT_SYNTHETIC)
                data.notice = f"CIFAR-10 is not available ({error}). {data_source.SYNTHETIC_WARNING}"
                return data
        return _cifar10(show_progress)
    if chosen.kind == "cifar10":
        return _cifar10(show_progress)
    if chosen.kind == "synthetic":
        data = _synthetic(chosen.count)
        data.notice = data_source.SYNTHETIC_WARNING
        return data
    return _folder(chosen.path)


def _cache_file(key: str) -> Path:
    return cache_dir() / "datasets" / f"{key}.pt"


def _cached(key: str, fingerprint: str, build) -> dict:
    """The decoded tensors for `key`, built and saved on first use or when the source changed."""
    path = _cache_file(key)
    if path.is_file():
        try:
            # A kernel can write the cache: weights_only loads tensors and plain data, never code.
            # mmap: the cached start maps the file instead of reading it all before the first step.
            saved = torch.load(path, weights_only=True, mmap=True)
            if saved.get("fingerprint") == fingerprint and saved.get("version") == CACHE_VERSION:
                return saved
        except Exception:  # a damaged cache is rebuilt, never fatal
            pass
    fresh = dict(build(), fingerprint=fingerprint, version=CACHE_VERSION)
    import io

    buffer = io.BytesIO()
    torch.save(fresh, buffer)
    try:
        write_atomic(path, buffer.getvalue())
    except OSError:
        pass  # a read-only cache (a lesson kernel's sandbox) only means decoding again next time
    return fresh


def _from_saved(kind: str, name: str, saved: dict) -> Dataset:
    return Dataset(kind, name, list(saved["classes"]), saved["train_x"], saved["train_y"],
                   saved["test_x"], saved["test_y"])


def _as_saved(train_x, train_y, test_x, test_y, classes) -> dict:
    return {"train_x": train_x, "train_y": train_y, "test_x": test_x, "test_y": test_y, "classes": list(classes)}


def _cifar10_root() -> Path:
    return cache_dir() / "cifar10"


def _cifar10_batches() -> Path | None:
    return sources.cifar_batches_dir(_cifar10_root())


def _cifar10(show_progress: bool) -> Dataset:
    if _cache_file("cifar10").is_file():
        saved = _cached("cifar10", "cifar10", lambda: _as_saved(*sources.read_cifar_batches(_cifar10_batches())))
        return _from_saved("cifar10", "CIFAR-10", saved)
    batches = _cifar10_batches()
    if batches is None:
        from curriculum.training.download import download_cifar10

        batches = download_cifar10(_cifar10_root(), show_progress=show_progress)
    saved = _cached("cifar10", "cifar10", lambda: _as_saved(*sources.read_cifar_batches(batches)))
    return _from_saved("cifar10", "CIFAR-10", saved)


def _synthetic(count: int) -> Dataset:
    saved = _cached(f"synthetic-{count}", "v2", lambda: _as_saved(*make_synthetic(count), CIFAR10_CLASSES))
    return _from_saved("synthetic", f"synthetic ({count} generated images)", saved)


def _folder(path: Path) -> Dataset:
    if path.suffix.lower() == ".zip" and path.is_file():
        path = _extracted(path)
    if not path.exists():
        raise DataError(f"no such folder: {path}")
    if not path.is_dir():
        raise DataError(f"{path} is not a folder (expected a CIFAR-10 folder or train/<class>/, test/<class>/)")
    key = "folder-" + hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:16]
    batches = sources.cifar_batches_dir(path)
    if batches is not None:
        stat = (batches / "test_batch").stat()
        saved = _cached(key, f"cifar-{stat.st_size}-{stat.st_mtime_ns}",
                        lambda: _as_saved(*sources.read_cifar_batches(batches)))
        return _from_saved("folder", f"CIFAR-10 at {path}", saved)
    root = sources.image_folder_root(path)
    if root is None:
        raise DataError(f"{path} is neither a CIFAR-10 folder (cifar-10-batches-py/) nor an image folder "
                        "(train/<class>/, test/<class>/)")

    def build() -> dict:
        classes, splits = sources.list_image_folder(root)
        train_x, train_y = decode_images(splits["train"])
        test_x, test_y = decode_images(splits["test"])
        return _as_saved(train_x, train_y, test_x, test_y, classes)

    saved = _cached(key, sources.folder_fingerprint(root), build)
    return _from_saved("folder", root.name, saved)


def _extracted(archive: Path, into: Path | None = None) -> Path:
    """A zip of an image folder, unpacked once into `into` (default: the cache's `extracted/`).

    Several processes may unpack the same zip at once (`verify`'s parallel walks, two kernels), so
    each unpacks into its own temporary folder beside the target and renames it into place; the
    first rename wins and the others use the winner's folder."""
    stat = archive.stat()
    target = (into or cache_dir() / "extracted") / f"{archive.stem}-{stat.st_size}-{stat.st_mtime_ns}"
    if (target / ".complete").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        try:
            with zipfile.ZipFile(archive) as zipped:
                zipped.extractall(scratch)
        except (zipfile.BadZipFile, OSError) as error:
            raise DataError(f"cannot unpack {archive}: {error}") from None
        (scratch / ".complete").touch()
        _rename_into_place(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _rename_into_place(scratch: Path, target: Path) -> None:
    """Rename `scratch` to `target` unless another process already put a complete one there;
    a partial target left by an older, non-atomic unpack is moved aside first."""
    for _ in range(2):
        try:
            os.rename(scratch, target)
            return
        except OSError:
            if (target / ".complete").is_file():
                return
            if target.exists():
                stale = Path(tempfile.mkdtemp(prefix=f".{target.name}-stale-", dir=target.parent))
                try:
                    os.rename(target, stale / "old")
                except OSError:
                    pass  # another process moved or replaced it; the next rename tells which
                shutil.rmtree(stale, ignore_errors=True)
    if not (target / ".complete").is_file():
        raise DataError(f"cannot unpack into {target}: the folder is in use; try again")


def find_sample() -> Path | None:
    """The shared CIFAR-10 sample (a zip or folder): $BLITZ_TUI_SAMPLE, else ../shared/data beside the repo."""
    named = os.environ.get("BLITZ_TUI_SAMPLE")
    for candidate in ([Path(named).expanduser()] if named else []) + [SHARED_SAMPLE]:
        if candidate.exists():
            return candidate
    return None

