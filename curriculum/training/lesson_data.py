"""The image folder lesson 4 trains on, and the one-line summaries `blitz-tui doctor` prints.

Never downloads. It follows the app's `--data`; with `auto`, the real CIFAR-10 when it is already
cached, else the shared sample, else the SYNTHETIC set written out as PNGs. Each is prepared once;
later calls only check a marker file.
"""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


from curriculum.paths import cache_dir, lesson_data_dir
from curriculum.training import data, data_source

SYNTHETIC_LESSON_IMAGES = 5000
# The lesson trains on a few thousand images; writing all 60,000 CIFAR-10 PNGs would outlast
# a cell's time limit, so the lesson folder keeps a class-balanced subset the size of the sample.
LESSON_PER_CLASS = {"train": 800, "test": 200}


def lesson_data_root(source: str | None = None) -> Path:
    """An ImageFolder root holding train/<class>/ and test/<class>/ (see the module docstring).

    `source` is a `--data` value (data_source.resolve); by default the app's own `--data`, which the
    app hands to lesson kernels in $BLITZ_TUI_DATA, else `auto`. A SYNTHETIC root holds SYNTHETIC.txt.
    """
    try:
        chosen = data_source.resolve(source if source is not None else data_source.app_data_choice())
    except data_source.DataSourceError as error:
        raise data.DataError(str(error)) from None
    base = lesson_data_dir()  # the one cache folder a lesson kernel may write
    cifar_ready = data._cifar10_batches() is not None or data._cache_file("cifar10").is_file()
    if chosen.kind == "cifar10" and not cifar_ready:
        raise data.DataError(f"CIFAR-10 is not downloaded yet (a lesson never downloads); {data_source.HOW_TO_GET_REAL}")
    if chosen.kind in ("cifar10", "auto") and cifar_ready:
        root = base / "cifar10-subset"
        if not (root / ".complete").is_file():
            _write_pngs(data.load_dataset("cifar10", show_progress=False), root, LESSON_PER_CLASS)
        return root
    if chosen.kind in ("folder", "zip"):
        return _folder_root(chosen.path, base)
    if chosen.kind == "auto":
        sample = data.find_sample()
        if sample is not None:
            root = _folder_root(sample, base)
            if root is not None:
                return root
    count = chosen.count if chosen.kind == "synthetic" else SYNTHETIC_LESSON_IMAGES
    root = base / ("synthetic" if count == SYNTHETIC_LESSON_IMAGES else f"synthetic-{count}")
    if not (root / ".complete").is_file():
        _write_pngs(data.load_dataset(f"synthetic:{count}", show_progress=False), root)
    return root


def _folder_root(path: Path, base: Path) -> Path:
    """An image folder as it is; a CIFAR-10 folder (or a zip of either) made into one, once."""
    folder = data._extracted(path, into=base / "extracted") if path.is_file() else path
    root = data_source.image_folder_root(folder)
    if root is not None:
        return root
    key = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    root = base / f"folder-{key}"
    if not (root / ".complete").is_file():
        _write_pngs(data.load_dataset(str(path), show_progress=False), root, LESSON_PER_CLASS)
    return root


def _write_pngs(dataset: "data.Dataset", root: Path, per_class: dict[str, int] | None = None) -> None:
    from PIL import Image

    jobs = []
    for split, images, labels in (("train", dataset.train_images, dataset.train_labels),
                                  ("test", dataset.test_images, dataset.test_labels)):
        for name in dataset.classes:
            (root / split / name).mkdir(parents=True, exist_ok=True)
        pixels = images.permute(0, 2, 3, 1).contiguous().numpy()
        written = [0] * len(dataset.classes)
        limit = per_class[split] if per_class else None
        for i, label in enumerate(labels.tolist()):
            if limit is not None and written[label] >= limit:
                continue
            written[label] += 1
            jobs.append((pixels[i], root / split / dataset.classes[label] / f"{i:05d}.png"))

    def write(job) -> None:
        Image.fromarray(job[0]).save(job[1], compress_level=1)

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        for _ in pool.map(write, jobs, chunksize=512):
            pass
    if dataset.synthetic:
        (root / "SYNTHETIC.txt").write_text(data_source.SYNTHETIC_WARNING + "\n")
    (root / ".complete").touch()


def describe_sources() -> list[str]:
    """One line per data source found on this machine."""
    lines = []
    batches = data._cifar10_batches()
    if data._cache_file("cifar10").is_file() or batches is not None:
        lines.append(f"cifar10: downloaded, in {data._cifar10_root()}")
    else:
        lines.append("cifar10: not downloaded yet (`blitz-tui train --headless --data cifar10` fetches 163 MB)")
    sample = data.find_sample()
    if sample is not None:
        how = "BLITZ_TUI_SAMPLE" if os.environ.get("BLITZ_TUI_SAMPLE") else "../shared/data"
        lines.append(f"sample: real CIFAR-10 sample at {sample} (found via {how})")
    else:
        lines.append("sample: none found (set BLITZ_TUI_SAMPLE to a cifar10-sample.zip or its folder)")
    lines.append("synthetic: always available (generated stripes, labelled synthetic)")
    cached = sorted(p.stem for p in (cache_dir() / "datasets").glob("*.pt"))
    if cached:
        lines.append(f"decoded caches: {', '.join(cached)} in {cache_dir() / 'datasets'}")
    return lines


