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


@pytest.mark.parametrize("compiled", [True, False], ids=["torchscript", "python"])
@pytest.mark.parametrize("optimizer_name", ["sgd", "adam"])
@pytest.mark.parametrize("model_name", ["blitz", "wide"])
def test_lean_step_matches_autograd(optimizer_name, model_name, compiled):
    torch.manual_seed(0)
    images, labels = torch.randn(12, 3, 32, 32), torch.randint(0, 10, (12,))
    reference = build_model(model_name)
    lean_model = build_model(model_name)
    lean_model.load_state_dict(reference.state_dict())
    optimizer = _reference(reference, optimizer_name, 0.01, 0.9)
    lean = LeanCpuStep(lean_model, images, labels, 0.01, 0.9, optimizer_name, compiled=compiled)
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


@pytest.mark.parametrize("batch", [4, 64])
def test_strided_pool_matches_max_pool2d_values_and_gradients(batch):
    from curriculum.training.pool import pool2x2

    torch.manual_seed(2)
    c = torch.randn(batch, 6, 28, 28)
    c[0, 0, :6, :6] = 1.0  # ties: max_pool2d sends the gradient to the first maximum of each window
    c[1, 2, 4:8, 10:14] = 0.0
    theirs, mine = c.clone().requires_grad_(), c.clone().requires_grad_()
    grad = torch.randn(batch, 6, 14, 14)
    expected, got = F.max_pool2d(theirs, 2), pool2x2(mine)
    assert torch.equal(got, expected)
    expected.backward(grad)
    got.backward(grad)
    assert torch.equal(mine.grad, theirs.grad)


@pytest.mark.parametrize("channels", [(3, 6, 4), (6, 16, 3)])
def test_conv_then_pool_matches_conv2d_and_max_pool2d(channels):
    """The lean step's first layer: values, weight and bias gradients as autograd gives them."""
    from curriculum.training.conv_then_pool import conv_then_pool, conv_then_pool_backward, window_buffers

    in_c, out_c, batch = channels
    torch.manual_seed(6)
    # Whole-number pixels with flat patches, as real images have. (Ties in a window then come from equal
    # patches, whose weight gradients are equal too; test_strided_pool_... checks the tie rule itself.)
    x = torch.randint(0, 3, (batch, in_c, 32, 32)).float()
    x[:, :, :12, :12] = 1.0
    weight = torch.randn(out_c, in_c, 5, 5, requires_grad=True)
    bias = torch.randn(out_c, requires_grad=True)
    pooled = F.max_pool2d(F.conv2d(x, weight, bias), 2)
    upstream = torch.randn_like(pooled)
    (pooled * upstream).sum().backward()

    buffers = window_buffers(weight, batch, 32, 32)
    mine, choice = conv_then_pool(x.transpose(0, 1), weight.detach(), bias.detach(), *buffers[:2])  # channel first
    torch.testing.assert_close(mine.transpose(0, 1), pooled.detach(), atol=1e-4, rtol=1e-5)
    weight_grad, bias_grad = torch.empty_like(weight), torch.empty_like(bias)
    conv_then_pool_backward(upstream.transpose(0, 1), choice, weight_grad, bias_grad, *buffers)
    torch.testing.assert_close(weight_grad, weight.grad, atol=1e-3, rtol=1e-4)
    torch.testing.assert_close(bias_grad, bias.grad, atol=1e-4, rtol=1e-5)


def test_the_lean_step_runs_compiled_where_torchscript_is():
    """The 15% TorchScript gives must not disappear unnoticed into the Python fallback."""
    from curriculum.training.lean_step import compiled_forward_backward

    assert isinstance(compiled_forward_backward(), torch.jit.ScriptFunction)


def test_training_forward_is_the_model_with_the_same_gradients():
    from curriculum.training.models import train_forward

    torch.manual_seed(3)
    model, x = build_model("blitz"), torch.randn(16, 3, 32, 32)
    labels = torch.randint(0, 10, (16,))
    F.cross_entropy(model(x), labels).backward()
    expected = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    out = train_forward(model, x)
    torch.testing.assert_close(out, model(x))
    F.cross_entropy(out, labels).backward()
    for got, want in zip((p.grad for p in model.parameters()), expected):
        torch.testing.assert_close(got, want)


def test_onecycle_warms_up_then_decays_to_near_zero():
    from curriculum.training.schedule import lr_factor

    factors = [lr_factor("onecycle", step, 100, 0.25) for step in range(100)]
    assert factors[0] == pytest.approx(0.04) and max(factors) == pytest.approx(1.0)
    assert factors.index(max(factors)) == 24 and factors[-1] < 0.02
    assert factors[:25] == sorted(factors[:25]) and factors[25:] == sorted(factors[25:], reverse=True)
    assert lr_factor("constant", 50, 100, 0.25) == 1.0


@pytest.mark.parametrize("optimizer_name", ["sgd", "adam"])
def test_a_scheduled_lr_reaches_both_step_kinds(optimizer_name):
    torch.manual_seed(4)
    images, labels = torch.randn(8, 3, 32, 32), torch.randint(0, 10, (8,))
    lean = LeanCpuStep(build_model("blitz"), images, labels, 0.5, 0.9, optimizer_name)
    eager_model = build_model("blitz")
    eager_model.load_state_dict(lean.model.state_dict())
    eager = EagerStep(eager_model, images, labels, 0.5, 0.9, optimizer_name)
    for step in (lean, eager):
        step.set_lr(0.01)
        step(torch.arange(4))
    for a, b in zip(lean.model.parameters(), eager_model.parameters()):
        torch.testing.assert_close(a, b, atol=2e-5, rtol=1e-4)


@pytest.mark.parametrize("step_kind", [LeanCpuStep, EagerStep])
def test_uint8_pixels_train_as_their_normalised_floats(step_kind):
    from curriculum.training.pixels import to_inputs

    torch.manual_seed(5)
    pixels, labels = torch.randint(0, 256, (8, 3, 32, 32), dtype=torch.uint8), torch.randint(0, 10, (8,))
    assert to_inputs(pixels).min() >= -1 and to_inputs(pixels).max() <= 1
    on_pixels, on_floats = build_model("blitz"), build_model("blitz")
    on_floats.load_state_dict(on_pixels.state_dict())
    a = step_kind(on_pixels, pixels, labels, 0.01, 0.9)
    b = step_kind(on_floats, (pixels.float() - 127.5) / 127.5, labels, 0.01, 0.9)
    for step in (a, b):
        step(torch.arange(4))
    for x, y in zip(on_pixels.parameters(), on_floats.parameters()):
        torch.testing.assert_close(x, y)


def test_thread_chooser_keeps_the_faster_count_and_probes_again(monkeypatch):
    from curriculum.training import threads

    settings = []
    monkeypatch.setattr(threads.torch, "set_num_threads", settings.append)

    def probe(chooser, seconds_at):
        counts = []
        while chooser.probing:
            counts.append(chooser.current)
            chooser.record(seconds_at(chooser.current, len(counts)))
        return counts

    chooser = threads.ThreadChooser(2, probe_steps=6, rounds=3)
    counts = probe(chooser, lambda n, k: 0.0015 if n == 2 else 0.001)  # two threads a little slower
    assert counts == [1, 1, 2, 2] * 3  # the counts take turns in blocks, one thread first
    assert chooser.chosen == 1 and settings[-1] == 1
    chooser.restart()
    probe(chooser, lambda n, k: 0.001 if n == 2 else 0.002)
    assert chooser.chosen == 2 and settings[-1] == 2
    # A slow start (the first block) does not decide: the later blocks outvote it.
    chooser.restart()
    probe(chooser, lambda n, k: 0.5 if k <= 2 else (0.001 if n == 2 else 0.002))
    assert chooser.chosen == 2
    # Two threads far slower (a busy machine): dropped after a few steps, not after whole blocks.
    busy = threads.ThreadChooser(2, probe_steps=400, rounds=4)  # a whole probe: 4 blocks of 100 at each count
    counts = probe(busy, lambda n, k: 0.5 if n == 2 else 0.05)
    assert busy.chosen == 1 and counts[:100] == [1] * 100 and counts.count(2) <= 1 + threads.HOPELESS_AFTER
    # The first steps after each switch (threads waking or parking) are not counted.
    settling = threads.ThreadChooser(2, probe_steps=20, rounds=2)
    assert (settling.block, settling.settle) == (10, 2)
    counts = probe(settling, lambda n, k: 0.002 if k % 10 in (1, 2) else (0.0001 if n == 2 else 0.0002))
    assert counts == [1] * 10 + [2] * 10 + [1] * 10 + [2] * 10
    assert all(0.002 not in times and len(times) == 16 for times in settling.timings.values())
    assert settling.chosen == 2
    # After a while it probes again by itself (a busy moment may have misled it).
    for _ in range(chooser.reprobe_after - 1):
        chooser.timed(lambda indices: None, None)
    assert not chooser.probing
    chooser.timed(lambda indices: None, None)
    assert chooser.probing and chooser.current == 1
    assert not threads.ThreadChooser(1).probing  # one core: nothing to choose
