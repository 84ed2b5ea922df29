"""Data sources: detection, decoding once, bad folders, offline CIFAR-10, lesson 4's folder."""

from __future__ import annotations

import time
import zipfile

import pytest
import torch

from curriculum.training import data, lesson_data, sources
from curriculum.training.data import DataError, load_dataset

from .helpers import CLASSES, write_cifar_batches, write_image_folder


def test_synthetic_is_labelled_balanced_and_repeatable():
    first = load_dataset("synthetic:200")
    assert first.synthetic and first.kind == "synthetic" and first.summary()["synthetic"] is True
    assert first.train_images.shape == (200, 3, 32, 32) and first.train_images.dtype == torch.uint8
    assert first.test_images.shape == (40, 3, 32, 32)
    assert torch.bincount(first.train_labels).tolist() == [20] * 10
    assert first.classes[0] == "airplane" and len(first.classes) == 10
    again = load_dataset("synthetic:200")
    assert torch.equal(first.train_images, again.train_images)


def test_image_folder_is_decoded_once_then_cached(tmp_path, monkeypatch):
    root = write_image_folder(tmp_path / "pics", per_class=3, size=40)  # 40×40: resized to 32×32
    dataset = load_dataset(str(root))
    assert dataset.kind == "folder" and dataset.classes == CLASSES
    assert dataset.train_images.shape == (9, 3, 32, 32) and dataset.train_labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    monkeypatch.setattr(data, "decode_images", lambda files: pytest.fail("decoded twice"))
    assert torch.equal(load_dataset(str(root)).train_images, dataset.train_images)


def test_cached_folder_is_rebuilt_when_images_change(tmp_path):
    root = write_image_folder(tmp_path / "pics", per_class=2)
    load_dataset(str(root))
    (root / "train" / "cat" / "0.png").unlink()
    assert len(load_dataset(str(root)).train_labels) == 5


def test_torchvision_cifar_root_is_detected(tmp_path):
    root = write_cifar_batches(tmp_path / "cifar")
    dataset = load_dataset(str(root))
    assert dataset.kind == "folder" and len(dataset.train_labels) == 100 and len(dataset.test_labels) == 20
    assert dataset.classes[-1] == "truck"


def test_a_zip_of_an_image_folder_works(tmp_path):
    root = write_image_folder(tmp_path / "pics", per_class=2)
    archive = tmp_path / "pics.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in root.rglob("*.png"):
            out.write(path, path.relative_to(tmp_path))
    assert load_dataset(str(archive)).classes == CLASSES


@pytest.mark.parametrize("make, expected", [
    (lambda tmp: tmp / "nowhere", "no such file or folder"),
    (lambda tmp: tmp, "neither a CIFAR-10 folder"),
])
def test_unusable_folders_are_one_clear_line(tmp_path, make, expected):
    with pytest.raises(DataError) as error:
        load_dataset(str(make(tmp_path)))
    assert expected in str(error.value) and "\n" not in str(error.value)


def test_a_corrupt_image_names_the_file(tmp_path):
    root = write_image_folder(tmp_path / "pics", per_class=2)
    bad = root / "test" / "dog" / "1.png"
    bad.write_bytes(b"not a png at all")
    with pytest.raises(DataError, match="cannot read image .*1.png"):
        load_dataset(str(root))


def test_offline_cifar10_fails_fast_naming_alternatives(monkeypatch):
    monkeypatch.setenv("BLITZ_TUI_CIFAR10_URL", "http://127.0.0.1:9/cifar-10-python.tar.gz")
    started = time.monotonic()
    with pytest.raises(DataError) as error:
        load_dataset("cifar10", show_progress=False)
    assert time.monotonic() - started < 10
    assert "--data synthetic" in str(error.value) and "\n" not in str(error.value)


def test_default_falls_back_to_synthetic_with_a_notice(monkeypatch):
    monkeypatch.setenv("BLITZ_TUI_CIFAR10_URL", "http://127.0.0.1:9/cifar-10-python.tar.gz")
    dataset = load_dataset(None, show_progress=False)
    assert dataset.synthetic and "SYNTHETIC" in dataset.notice


def test_lesson_root_uses_the_sample_named_by_the_environment(tmp_path, monkeypatch):
    root = write_image_folder(tmp_path / "sample" / "cifar10-sample", per_class=1)
    archive = tmp_path / "sample.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in root.rglob("*.png"):
            out.write(path, path.relative_to(tmp_path / "sample"))
    monkeypatch.setenv("BLITZ_TUI_SAMPLE", str(archive))
    found = lesson_data.lesson_data_root()
    assert (found / "train" / "cat").is_dir() and (found / "test" / "ship").is_dir()
    assert lesson_data.lesson_data_root() == found  # prepared once
    assert any("BLITZ_TUI_SAMPLE" in line for line in lesson_data.describe_sources())


def test_lesson_root_falls_back_to_synthetic_pngs(monkeypatch):
    monkeypatch.setattr(data, "find_sample", lambda: None)
    monkeypatch.setattr(lesson_data, "SYNTHETIC_LESSON_IMAGES", 50)
    root = lesson_data.lesson_data_root()
    assert len(list((root / "train").rglob("*.png"))) == 50
    assert (root / "SYNTHETIC.txt").is_file()
    from torchvision.datasets import ImageFolder

    assert len(ImageFolder(str(root / "test")).classes) == 10


def test_describe_sources_has_a_line_per_source(monkeypatch):
    monkeypatch.setattr(data, "find_sample", lambda: None)
    lines = lesson_data.describe_sources()
    assert lines[0].startswith("cifar10: not downloaded") and lines[1].startswith("sample: none found")
    assert lines[2].startswith("synthetic:")


def test_lesson_root_from_real_cifar10_is_a_balanced_subset(monkeypatch):
    # A downloaded CIFAR-10 (here a small fake in its real format) becomes a capped lesson folder.
    write_cifar_batches(data._cifar10_root(), per_batch=60)
    monkeypatch.setattr(lesson_data, "LESSON_PER_CLASS", {"train": 3, "test": 2})
    root = lesson_data.lesson_data_root()
    train_counts = {d.name: len(list(d.glob("*.png"))) for d in (root / "train").iterdir()}
    assert len(train_counts) == 10 and set(train_counts.values()) == {3}
    assert all(len(list(d.glob("*.png"))) == 2 for d in (root / "test").iterdir())
    assert not (root / "SYNTHETIC.txt").exists()


def test_the_lesson_follows_the_apps_data_choice(tmp_path, monkeypatch):
    # `blitz-tui --data x.zip` reaches lesson kernels as $BLITZ_TUI_DATA; lesson 4 reads that very zip.
    root = write_image_folder(tmp_path / "mine", per_class=2)
    archive = tmp_path / "mine.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in root.rglob("*.png"):
            out.write(path, path.relative_to(tmp_path))
    monkeypatch.setenv("BLITZ_TUI_DATA", str(archive))
    found = lesson_data.lesson_data_root()
    assert sorted(p.name for p in (found / "train").iterdir()) == sorted(CLASSES)
    assert not (found / "SYNTHETIC.txt").exists()


def test_a_synthetic_lesson_folder_says_so_and_how_to_get_real_images(monkeypatch):
    monkeypatch.setenv("BLITZ_TUI_DATA", "synthetic:20")
    root = lesson_data.lesson_data_root()
    note = (root / "SYNTHETIC.txt").read_text()
    assert "SYNTHETIC" in note and "--data cifar10" in note
    assert len(list((root / "train").rglob("*.png"))) == 20


def test_asking_the_lesson_for_cifar10_that_is_not_downloaded_says_how(monkeypatch):
    monkeypatch.setenv("BLITZ_TUI_DATA", "cifar10")
    with pytest.raises(DataError, match="not downloaded yet.*--data cifar10"):
        lesson_data.lesson_data_root()


def test_a_synthetic_run_says_SYNTHETIC_in_its_header(capsys):
    from curriculum.training.cli import main

    assert main(["--headless", "--no-telemetry", "--data", "synthetic:40", "--epochs", "1", "--batch-size", "20",
                 "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    header = out.split("training blitz")[0]
    assert "SYNTHETIC data" in header and "--data cifar10" in header
    assert "1 epoch)" in out and "1 epochs" not in out
