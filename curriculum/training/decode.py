"""Decoding an image folder into one uint8 tensor, on every core.

CIFAR-10 mirrors hold 60,000 tiny JPEGs. Opening each with PIL costs more in Python than in
decoding, so JPEGs go in chunks through torchvision's batched `decode_jpeg` (libjpeg-turbo, the
GIL released) on one thread per core; anything else (PNG, odd sizes, a damaged file) takes the
PIL path one image at a time, which also names the file that cannot be read. torchvision marks its decoders deprecated in favour of
TorchCodec; once they are gone, every image simply takes the PIL path.
"""

from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import torch

from curriculum.training.sources import DataError

SIZE = 32
CHUNK = 1024  # images per decode call: large enough to amortise the call, small enough to share out
JPEG_MAGIC = b"\xff\xd8\xff"


def decode_images(files: list[tuple[Path, int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Every image as 32×32 RGB uint8 (resized when it is not 32×32), NCHW, with its label."""
    out = torch.empty((len(files), 3, SIZE, SIZE), dtype=torch.uint8)
    warnings.filterwarnings("ignore", "The image decoding and encoding capabilities of TorchVision",
                            DeprecationWarning)  # see the module docstring; the learner can do nothing about it
    chunks = [range(start, min(start + CHUNK, len(files))) for start in range(0, len(files), CHUNK)]
    with ThreadPoolExecutor(max_workers=max(1, min(len(chunks), os.cpu_count() or 1))) as pool:
        for _ in pool.map(lambda chunk: _decode_chunk(files, chunk, out), chunks):
            pass
    labels = torch.tensor([label for _, label in files], dtype=torch.int64)
    return out, labels


def _decode_chunk(files: list[tuple[Path, int]], chunk: range, out: torch.Tensor) -> None:
    raw = [_read(files[i][0]) for i in chunk]
    jpegs = [n for n, data in enumerate(raw) if data[:3] == JPEG_MAGIC]
    decoded = _decode_jpegs([raw[n] for n in jpegs]) if jpegs else None
    done = set()
    if decoded is not None:
        for n, image in zip(jpegs, decoded):
            if image.shape == (3, SIZE, SIZE):
                out[chunk[n]] = image
                done.add(n)
    for n in range(len(chunk)):
        if n not in done:
            out[chunk[n]] = _decode_with_pil(files[chunk[n]][0])


def _read(path: Path) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise DataError(f"cannot read image {path}: {error.strerror or error}") from None


def _decode_jpegs(raw: list[bytes]) -> list[torch.Tensor] | None:
    """The batch decoded at once, or None (then PIL, image by image) when torchvision cannot."""
    try:
        from torchvision.io import ImageReadMode, decode_jpeg

        tensors = [torch.frombuffer(bytearray(data), dtype=torch.uint8) for data in raw]
        return decode_jpeg(tensors, mode=ImageReadMode.RGB)
    except (ImportError, AttributeError, RuntimeError, ValueError):
        return None


def _decode_with_pil(path: Path) -> torch.Tensor:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image = image.convert("RGB")
            if image.size != (SIZE, SIZE):
                image = image.resize((SIZE, SIZE), Image.BILINEAR)
            pixels = np.asarray(image)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise DataError(f"cannot read image {path}: {reason}") from None
    return torch.from_numpy(pixels.copy()).permute(2, 0, 1)
