"""The hand-written CPU step computes what autograd and torch.optim compute."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from curriculum.training.lean_step import LeanCpuStep
from curriculum.training.models import build_model
from curriculum.training.steps import EagerStep, make_step


def _reference(model, optimizer_name, lr, momentum):
    if optimizer_name == "adam":
        return torch.optim.Adam(model.parameters(), lr=lr)
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)


@pytest.mark.parametrize("optimizer_name", ["sgd", "adam"])
@pytest.mark.parametrize("model_name", ["blitz", "wide"])
def test_lean_step_matches_autograd(optimizer_name, model_name):
    torch.manual_seed(0)
    images, labels = torch.randn(12, 3, 32, 32), torch.randint(0, 10, (12,))
    reference = build_model(model_name)
    lean_model = build_model(model_name)
    lean_model.load_state_dict(reference.state_dict())
    optimizer = _reference(reference, optimizer_name, 0.01, 0.9)
    lean = LeanCpuStep(lean_model, images, labels, 0.01, 0.9, optimizer_name)
    losses = []
    for batch in ([0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]):  # the last is a short batch
        indices = torch.tensor(batch)
        optimizer.zero_grad()
        loss = F.cross_entropy(reference(images[indices]), labels[indices])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        lean(indices)
    for mine, theirs in zip(lean_model.parameters(), reference.parameters()):
        if optimizer_name == "sgd":
            torch.testing.assert_close(mine, theirs, atol=2e-5, rtol=1e-4)
        else:
            # Adam divides by each gradient's own scale, so rounding in near-zero gradients can move a
            # handful of weights by a fraction of lr; all the rest must agree closely.
            close = torch.isclose(mine, theirs, atol=2e-5, rtol=1e-4)
            assert close.float().mean() > 0.99
            assert (mine - theirs).abs().max() < 0.01 * 0.5
    assert lean.loss_sum.item() == pytest.approx(sum(losses), rel=1e-4)


@pytest.mark.parametrize("optimizer_name", ["sgd", "adam"])
def test_optimizer_state_moves_between_step_kinds(optimizer_name):
    """A checkpoint from the lean CPU step resumes in the eager (GPU-style) step and back."""
    torch.manual_seed(1)
    images, labels = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    lean = LeanCpuStep(build_model("blitz"), images, labels, 0.01, 0.9, optimizer_name)
    lean(torch.arange(4))
    eager_model = build_model("blitz")
    eager_model.load_state_dict(lean.model.state_dict())
    eager = EagerStep(eager_model, images, labels, 0.01, 0.9, optimizer_name)
    eager.import_state(lean.export_state())
    lean(torch.arange(4, 8))
    eager(torch.arange(4, 8))
    for a, b in zip(lean.model.parameters(), eager_model.parameters()):
        torch.testing.assert_close(a, b, atol=2e-5, rtol=1e-4)
    back = LeanCpuStep(build_model("blitz"), images, labels, 0.01, 0.9, optimizer_name)
    back.import_state(eager.export_state())
    for a, b in zip(back.export_state().values(), eager.export_state().values()):
        if isinstance(a, list):
            for x, y in zip(a, b):
                torch.testing.assert_close(x, y)
        else:
            assert a == b


def test_make_step_picks_by_device_and_batch():
    images, labels = torch.randn(40, 3, 32, 32), torch.randint(0, 10, (40,))
    assert isinstance(make_step(build_model("blitz"), images, labels, lr=0.1, momentum=0.9, batch_size=4), LeanCpuStep)
    assert isinstance(make_step(build_model("blitz"), images, labels, lr=0.1, momentum=0.9, batch_size=32), EagerStep)
