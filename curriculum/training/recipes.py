"""The trainer's recipes and model names as plain data, importable without torch.

The CLI's argument choices and the training screen's form read them from here, so the app
and `blitz-tui train --help` never pay for `import torch`. presets.py documents the recipes.
"""

from __future__ import annotations

PRESETS: dict[str, dict] = {
    "faithful": dict(epochs=2, batch_size=4, lr=0.001, momentum=0.9),
    "fast": dict(epochs=2, batch_size=64, lr=0.005, momentum=0.9, optimizer="adam", schedule="onecycle",
                 warmup=0.25, evals_per_epoch=8, flip_tta=True),
}

# name -> (channels after conv1, channels after conv2); "wide" is the tutorial's suggested exercise.
MODEL_WIDTHS: dict[str, tuple[int, int]] = {"blitz": (6, 16), "wide": (32, 32)}
