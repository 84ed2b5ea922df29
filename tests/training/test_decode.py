"""The parallel folder decoder gives PIL's pixels, for JPEGs, other formats and odd sizes alike."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from curriculum.training import decode
from curriculum.training.decode import decode_images
from curriculum.training.sources import DataError


def _pil_pixels(path):
    with Image.open(path) as image:
        image = image.convert("RGB")
        if image.size != (32, 32):
            image = image.resize((32, 32), Image.BILINEAR)
        return torch.from_numpy(np.asarray(image).copy()).permute(2, 0, 1)


def _mixed_folder(tmp_path):
    rng = np.random.default_rng(0)
    files = []
    for i in range(30):
        pixels = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
        path = tmp_path / f"{i}.jpg"
        Image.fromarray(pixels).save(path, quality=90)
        files.append((path, i % 10))
    Image.fromarray(rng.integers(0, 255, (40, 40, 3), dtype=np.uint8)).save(tmp_path / "big.jpg")
    Image.fromarray(rng.integers(0, 255, (32, 32), dtype=np.uint8)).save(tmp_path / "grey.jpg")
    Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(tmp_path / "lossless.png")
    return files + [(tmp_path / "big.jpg", 1), (tmp_path / "grey.jpg", 2), (tmp_path / "lossless.png", 3)]


def test_decoded_pixels_and_labels_match_pil_image_by_image(tmp_path, monkeypatch):
    monkeypatch.setattr(decode, "CHUNK", 7)  # several chunks, shared over the threads
    files = _mixed_folder(tmp_path)
    images, labels = decode_images(files)
    assert images.shape == (len(files), 3, 32, 32) and images.dtype == torch.uint8
    assert labels.tolist() == [label for _, label in files]
    for row, (path, _) in zip(images, files):
        assert torch.equal(row, _pil_pixels(path)), path.name


def test_a_damaged_jpeg_is_named_in_one_line(tmp_path):
    files = _mixed_folder(tmp_path)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(files[0][0].read_bytes()[:40])
    with pytest.raises(DataError, match="broken.jpg") as caught:
        decode_images(files + [(broken, 0)])
    assert "\n" not in str(caught.value)
