"""Test accuracy, per-class accuracy and the confusion matrix, in big no-grad batches."""

from __future__ import annotations

import torch

from curriculum.training.pixels import to_inputs

EVAL_BATCH = 1000


def evaluate(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor, classes: list[str],
             flip_tta: bool = False) -> dict:
    """Fields of an `eval` event: test_acc, per_class {class: acc} and confusion (rows = true class).

    `flip_tta`: each image and its mirror image vote, by their summed class probabilities.
    """
    n = len(classes)
    confusion = torch.zeros(n * n, dtype=torch.int64, device=labels.device)
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(labels), EVAL_BATCH):
            chunk = to_inputs(images[start:start + EVAL_BATCH])
            scores = model(chunk)
            if flip_tta:
                scores = scores.softmax(1) + model(chunk.flip(3)).softmax(1)
            predicted = scores.argmax(1)
            truth = labels[start:start + EVAL_BATCH]
            confusion += torch.bincount(truth * n + predicted, minlength=n * n)
    model.train(was_training)
    matrix = confusion.view(n, n).cpu()
    per_class_total = matrix.sum(1).clamp(min=1)
    per_class = (matrix.diag().double() / per_class_total).tolist()
    total = int(matrix.sum())
    return {
        "test_acc": float(matrix.diag().sum()) / max(total, 1),
        "per_class": {name: round(acc, 4) for name, acc in zip(classes, per_class)},
        "confusion": matrix.tolist(),
    }
