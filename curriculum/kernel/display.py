"""Pictures a cell makes: the built-in `show(x)` and matplotlib figures left open, as PNG bytes.

Runs inside the kernel with MPLBACKEND=Agg, so nothing ever tries to open a window.
"""

from __future__ import annotations

import io
import sys

MAX_IMAGES = 20
_pending: list[bytes] = []


def show(image) -> None:
    """Show a picture under the cell: a PIL image, an image tensor or array (CHW, HWC, HW or a
    batch NCHW), or a matplotlib figure."""
    if len(_pending) < MAX_IMAGES:
        _pending.append(to_png(image))


def to_png(image) -> bytes:
    if hasattr(image, "savefig"):  # a matplotlib figure
        buffer = io.BytesIO()
        image.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        return buffer.getvalue()
    from PIL import Image

    if not isinstance(image, Image.Image):
        image = Image.fromarray(_to_uint8(_as_array(image)))
    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _as_array(image):
    import numpy as np

    torch = sys.modules.get("torch")
    if torch is not None and isinstance(image, torch.Tensor):
        image = image.detach().to("cpu")
        if image.dtype in (torch.bfloat16, torch.float16):
            image = image.float()
        image = image.numpy()
    if not isinstance(image, np.ndarray):
        raise TypeError(f"show() takes a PIL image, a tensor, an array or a figure, not {type(image).__name__}")
    if image.ndim == 4:  # a batch: lay the pictures side by side
        image = np.concatenate([_channels_last(single) for single in image], axis=1)
    image = _channels_last(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] not in (3, 4)):
        raise ValueError(f"show() needs an image shaped HW, HWC or CHW (C = 1, 3 or 4), got shape {tuple(image.shape)}")
    return image


def _channels_last(image):
    if image.ndim == 3 and image.shape[0] in (1, 3, 4) and image.shape[-1] not in (1, 3, 4):
        return image.transpose(1, 2, 0)
    return image


def _to_uint8(image):
    import numpy as np

    if image.dtype == np.uint8:
        return image
    if image.dtype == bool:
        return image.astype(np.uint8) * 255
    image = image.astype(np.float32)
    low, high = float(image.min()), float(image.max())
    if low >= 0.0 and high <= 1.0:
        pass
    elif low >= -1.0 and high <= 1.0:  # normalised to [-1, 1], as the CIFAR-10 lesson does
        image = (image + 1.0) / 2.0
    elif low >= 0.0 and high <= 255.0:
        image = image / 255.0
    else:
        image = (image - low) / (high - low or 1.0)
    return (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def take_images() -> list[bytes]:
    """Everything shown during the cell, then every figure it left open (which are then closed)."""
    images = list(_pending)
    _pending.clear()
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        for number in pyplot.get_fignums():
            if len(images) < MAX_IMAGES:
                images.append(to_png(pyplot.figure(number)))
        pyplot.close("all")
    return images
