"""Files a lesson's kernel could have written are read without running any code they carry."""

from __future__ import annotations

import io
import json
import os
import pickle

import numpy as np
import pytest
import torch

from curriculum.training import data
from curriculum.training.checkpoint import CheckpointError, load_last
from curriculum.training.data import DataError, load_dataset

from .helpers import write_cifar_batches


class Planted:
    """What an attacker drops into the cache: unpickling it runs a shell command."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def _planted_bytes(marker, wrap=lambda payload: payload) -> bytes:
    return pickle.dumps(wrap(Planted(marker)))


@pytest.mark.parametrize("wrap", [lambda p: p, lambda p: {"data": p, "labels": [0]}], ids=["bare", "inside-a-batch"])
def test_a_planted_cifar_batch_runs_nothing(tmp_path, wrap):
    marker = tmp_path / "escaped"
    batches = write_cifar_batches(data._cifar10_root()) / "cifar-10-batches-py"
    (batches / "data_batch_1").write_bytes(_planted_bytes(marker, wrap))
    with pytest.raises(DataError, match="data_batch_1"):
        load_dataset("cifar10", show_progress=False)
    assert not marker.exists()


@pytest.mark.parametrize("protocol", [2, 5])
def test_genuine_batches_still_load_with_any_protocol(tmp_path, protocol):
    batches = write_cifar_batches(tmp_path / "cifar") / "cifar-10-batches-py"
    rng = np.random.default_rng(1)
    for name in ["data_batch_1", "test_batch"]:  # the real files: bytes filenames, int labels
        batch = {"batch_label": b"batch", "data": rng.integers(0, 255, (20, 3072), dtype=np.uint8),
                 "labels": [int(v) for v in rng.integers(0, 10, 20)], "filenames": [b"x.png"] * 20}
        (batches / name).write_bytes(pickle.dumps(batch, protocol=protocol))
    dataset = load_dataset(str(tmp_path / "cifar"))
    assert len(dataset.test_labels) == 20 and dataset.train_images.dtype == torch.uint8


def test_a_planted_dataset_cache_runs_nothing_and_is_rebuilt(tmp_path):
    marker = tmp_path / "escaped"
    write_cifar_batches(data._cifar10_root())
    honest = load_dataset("cifar10", show_progress=False)
    buffer = io.BytesIO()
    torch.save({"train_x": Planted(marker)}, buffer)
    data._cache_file("cifar10").write_bytes(buffer.getvalue())
    rebuilt = load_dataset("cifar10", show_progress=False)
    assert not marker.exists()
    assert torch.equal(rebuilt.train_images, honest.train_images)


def test_a_planted_checkpoint_runs_nothing(tmp_path):
    marker = tmp_path / "escaped"
    run = tmp_path / "run"
    (run / "checkpoints").mkdir(parents=True)
    buffer = io.BytesIO()
    torch.save({"config": {}, "state": Planted(marker)}, buffer)
    (run / "checkpoints" / "epoch-001.pt").write_bytes(buffer.getvalue())
    (run / "last.json").write_text(json.dumps({"checkpoint": "checkpoints/epoch-001.pt"}))
    with pytest.raises(CheckpointError):
        load_last(run)
    assert not marker.exists()
