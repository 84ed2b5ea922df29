"""Pieces of the kernel that need no sandbox: tracebacks, summaries, pictures, cell splitting, levels."""

from __future__ import annotations

import pytest

from curriculum.kernel import backends, inspector, isolation, tracebacks
from curriculum.kernel.environment import kernel_env
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


def _sandbox(tmp_path, **options):
    return backends.Sandbox(workspace=str(tmp_path), writable=[str(tmp_path)], tmpdir=str(tmp_path), **options)


def test_bwrap_command_has_no_network_unless_allowed(tmp_path):
    bwrap = backends.get("bwrap")
    assert "--unshare-net" in bwrap.wrap(_sandbox(tmp_path, allow_network=False))
    assert "--unshare-net" not in bwrap.wrap(_sandbox(tmp_path, allow_network=True))
    args = bwrap.wrap(_sandbox(tmp_path))
    assert args[args.index("--ro-bind") + 1] == "/"
    assert args[args.index("--size") + 2: args.index("--size") + 4] == ["--tmpfs", "/dev/shm"]
    assert "/run" in [args[i + 1] for i, a in enumerate(args) if a == "--tmpfs"]


def test_bwrap_keeps_proc_read_only(tmp_path):
    args = backends.get("bwrap").wrap(_sandbox(tmp_path))
    assert args[args.index("--remount-ro") + 1] == "/proc"


def test_namespaces_always_makes_a_user_namespace_and_brings_loopback_up(tmp_path, monkeypatch):
    namespaces = backends.get("namespaces")
    for uid in (0, 1000):
        monkeypatch.setattr("os.geteuid", lambda uid=uid: uid)
        assert "--user" in namespaces.wrap(_sandbox(tmp_path))
    assert namespaces.inside(_sandbox(tmp_path))["loopback"] is True
    assert namespaces.inside(_sandbox(tmp_path, allow_network=True))["loopback"] is False
    assert all(backend.inside(_sandbox(tmp_path))["drop_caps"] for backend in backends.BACKENDS)


def test_the_registry_is_the_only_list_of_levels():
    assert isolation.LEVELS == backends.NAMES
    assert backends.CHOICES == ("auto",) + backends.NAMES
    strengths = [backend.strength for backend in backends.BACKENDS]
    assert strengths == sorted(strengths, reverse=True), "strongest first"
    assert [b.name for b in backends.BACKENDS if b.weak] == ["rlimits"]
    for backend in backends.BACKENDS:
        assert backend.protects and backend.not_protected
    from curriculum.kernel.exec_cli import add_parser
    import argparse

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    exec_choices = next(a for a in parser._subparsers._group_actions[0].choices["exec"]._actions
                        if a.dest == "isolation").choices
    assert tuple(exec_choices) == backends.CHOICES


def test_a_new_backend_is_one_class_and_one_registry_line(monkeypatch):
    class Chroot(backends.Backend):
        name, strength, weak = "chroot", 15, True
        protects, not_protected = "nothing much", "almost everything"

    monkeypatch.setattr(backends, "BACKENDS", backends.BACKENDS + (Chroot(),))
    assert backends.get("chroot").weak and backends.is_weak("chroot")


def test_kernel_environment_is_an_allow_list():
    source = {"PATH": "/bin", "HOME": "/home/me", "LANG": "C.UTF-8", "LC_ALL": "C", "TERM": "xterm",
              "CUDA_VISIBLE_DEVICES": "0", "TORCH_HOME": "/t", "BLITZ_TUI_HOME": "/b", "SSH_AUTH_SOCK": "/s",
              "TMUX": "/tmp/tmux-0/default,1,0", "GITHUB_TOKEN": "ghp_x", "AWS_SECRET_ACCESS_KEY": "k",
              "DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/0/bus", "PYTHONSTARTUP": "/evil.py"}
    env = kernel_env(package_root="/pkg", tmp="/tmp", source=source)
    for kept in ("PATH", "HOME", "LANG", "LC_ALL", "TERM", "CUDA_VISIBLE_DEVICES", "TORCH_HOME", "BLITZ_TUI_HOME"):
        assert env[kept] == source[kept]
    for dropped in ("SSH_AUTH_SOCK", "TMUX", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DBUS_SESSION_BUS_ADDRESS",
                    "PYTHONSTARTUP"):
        assert dropped not in env
    assert env["PYTHONPATH"].split(":")[0] == "/pkg"
    assert env["XDG_CACHE_HOME"].startswith("/tmp/") and env["MPLCONFIGDIR"].startswith("/tmp/")


def test_kernel_frames_are_hidden_from_tracebacks():
    from curriculum.kernel.runner import _no_input

    source = "input('name?')"
    tracebacks.remember_source("<cell 9>", source)
    try:
        exec(compile(source, "<cell 9>", "exec"), {"input": _no_input})
    except EOFError as error:
        text = tracebacks.format_exception(error)
    assert "<cell 9>" in text and "EOFError" in text
    assert "runner.py" not in text and "_no_input" not in text
