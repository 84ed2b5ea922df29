"""Pieces of the kernel that need no sandbox: tracebacks, summaries, pictures, cell splitting, levels."""

from __future__ import annotations

import pytest

from curriculum.kernel import inspector, isolation, tracebacks
from curriculum.kernel.display import to_png
from curriculum.kernel.exec_cli import split_cells
from curriculum.kernel.runner import CellRunner


def test_split_cells_on_percent_markers():
    source = "a = 1\n# %%\nb = 2\n#%% second\n\n# %%\nc = 3\n"
    assert split_cells(source) == ["a = 1\n", "b = 2\n", "c = 3\n"]
    assert split_cells("") == []


def test_traceback_folds_recursion():
    source = "def f(n):\n    return f(n + 1)\nf(0)"
    tracebacks.remember_source("<cell 9>", source)
    try:
        exec(compile(source, "<cell 9>", "exec"), {})
    except RecursionError as error:
        text = tracebacks.format_exception(error)
    assert text.count("return f(n + 1)") < 5
    assert "Previous frame repeated" in text
    assert text.rstrip().endswith("maximum recursion depth exceeded")


def test_cuda_out_of_memory_becomes_a_clear_message():
    class OutOfMemoryError(RuntimeError):
        pass

    runner = CellRunner(gpu_fraction=0.5)
    status, error, message = runner._describe_failure(OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB"))
    assert status == "error" and error["ename"] == "OutOfMemoryError"
    assert "GPU ran out of memory" in message and "50%" in message and "batch" in message


def test_inspector_summaries():
    torch = pytest.importorskip("torch")
    namespace = {"w": torch.ones(2, 3, requires_grad=True), "n": 3, "net": torch.nn.Linear(4, 2), "_hidden": 1}
    before = {}
    found = {v["name"]: v for v in inspector.changed(before, namespace)}
    assert set(found) == {"w", "n", "net"}
    assert found["w"]["kind"] == "tensor" and found["w"]["shape"] == [2, 3] and found["w"]["requires_grad"]
    assert found["net"]["kind"] == "module" and found["net"]["parameters"] == 10
    assert found["n"]["summary"] == "int 3"
    snap = inspector.snapshot(namespace)
    with torch.no_grad():
        namespace["w"].add_(1)  # in place: same object, new version
    namespace["y"] = namespace["w"] * 2
    changed = {v["name"]: v for v in inspector.changed(snap, namespace)}
    assert set(changed) == {"w", "y"}
    assert changed["y"]["grad_fn"] == "MulBackward0"


def test_to_png_accepts_the_usual_image_shapes():
    np = pytest.importorskip("numpy")
    for image in (np.zeros((8, 8)), np.ones((8, 8, 3)), np.full((3, 8, 8), -1.0), np.zeros((4, 3, 8, 8)),
                  np.zeros((8, 8, 1), dtype=np.uint8)):
        assert to_png(image).startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        to_png(np.zeros((5, 5, 5, 5, 5)))
    with pytest.raises(TypeError):
        to_png("not an image")


def test_isolation_choice_honours_the_environment(monkeypatch):
    monkeypatch.setenv(isolation.ENV_VAR, "rlimits")
    assert isolation.choose("auto") == "rlimits"
    assert isolation.choose(None) == "rlimits"
    with pytest.raises(isolation.IsolationUnavailable):
        isolation.choose("chroot")


def test_bwrap_command_has_no_network_unless_allowed(tmp_path):
    common = dict(workspace=str(tmp_path), writable=[str(tmp_path)], tmpdir=str(tmp_path))
    assert "--unshare-net" in isolation.bwrap_prefix(allow_network=False, **common)
    assert "--unshare-net" not in isolation.bwrap_prefix(allow_network=True, **common)
    args = isolation.bwrap_prefix(allow_network=False, **common)
    assert args[args.index("--ro-bind") + 1] == "/"
