"""Small builders shared by the training tests: tiny image folders and a fake NVML."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PIL import Image

CLASSES = ["cat", "dog", "ship"]


def write_image_folder(root: Path, per_class: int = 4, size: int = 32) -> Path:
    rng = np.random.default_rng(0)
    for split in ("train", "test"):
        for name in CLASSES:
            folder = root / split / name
            folder.mkdir(parents=True)
            for i in range(per_class):
                pixels = rng.integers(0, 255, (size, size, 3), dtype=np.uint8)
                Image.fromarray(pixels).save(folder / f"{i}.png")
    return root


def write_cifar_batches(root: Path, per_batch: int = 20) -> Path:
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {"data": rng.integers(0, 255, (per_batch, 3072), dtype=np.uint8),
                 "labels": list(rng.integers(0, 10, per_batch))}
        (folder / name).write_bytes(pickle.dumps(batch))
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": names}))
    return root


class FakeNvml:
    """Enough of pynvml for the monitor: `count` GPUs with fixed readings."""

    def __init__(self, count: int = 2, fail_init: Exception | None = None):
        self.count, self.fail_init, self.shutdowns = count, fail_init, 0

    def nvmlInit(self):
        if self.fail_init is not None:
            raise self.fail_init

    def nvmlShutdown(self):
        self.shutdowns += 1

    def nvmlDeviceGetCount(self):
        return self.count

    def nvmlDeviceGetHandleByIndex(self, i):
        if i >= self.count:
            raise ValueError("bad index")
        return ("handle", i)

    def nvmlDeviceGetHandleByUUID(self, uuid):
        return ("handle", int(uuid.rsplit("-", 1)[1]))

    def nvmlDeviceGetName(self, h):
        return b"Fake H100"

    def nvmlDeviceGetUtilizationRates(self, h):
        return SimpleNamespace(gpu=40 + h[1], memory=10)

    def nvmlDeviceGetMemoryInfo(self, h):
        return SimpleNamespace(used=1_000 * (h[1] + 1), total=80_000, free=0)

    def nvmlDeviceGetPowerUsage(self, h):
        return 250_500

    def nvmlDeviceGetTemperature(self, h, sensor):
        raise RuntimeError("not supported")  # a reading a GPU does not report becomes None
