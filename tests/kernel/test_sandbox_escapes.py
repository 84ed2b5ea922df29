"""Issue 16's attack classes, at every isolation level this machine offers: capabilities, the data
cache, symlinks, host sockets, the environment, /dev/shm, shared memory, threads, loopback.

Escape tests look at the outside: the marker file was never created, the symlink target is unchanged.
Where `rlimits` does not protect (documented in docs/sandbox.md), its case is skipped with that reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid

import pytest

from curriculum.kernel import backends
from curriculum.paths import cache_dir, lesson_data_dir
from kernel_helpers import Output


@pytest.fixture
def strong_level(level):
    if backends.is_weak(level):
        pytest.skip(f"{level} does not confine the file system, sockets or /dev/shm (docs/sandbox.md)")
    return level


def run(kernel, code: str, **options):
    out = Output()
    result = kernel.execute(code, on_output=out, **options)
    return result, out.text()


def test_a_cell_holds_no_capabilities(make_kernel, level):
    kernel = make_kernel(level)
    result, printed = run(kernel, "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
                                  "print(open('/proc/self/status').read().split('CapBnd:')[1].split()[0])")
    assert result.status == "ok", result.message
    effective, bounding = printed.split()
    assert int(effective, 16) == 0 and int(bounding, 16) == 0, printed


REMOUNT = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
MS_REMOUNT, MS_BIND = 0x20, 0x1000
results = [libc.mount(None, b"/", None, MS_REMOUNT, None), libc.mount(None, b"/", None, MS_REMOUNT | MS_BIND, None)]
print("remount", [r == 0 for r in results])
"""


def test_root_cannot_be_remounted_nor_etc_written(make_kernel, strong_level):
    kernel = make_kernel(strong_level)
    result, printed = run(kernel, REMOUNT)
    assert "remount [False, False]" in printed, printed
    marker = f"/etc/blitz-escape-{uuid.uuid4().hex}"
    result, _ = run(kernel, f"open({marker!r}, 'w').write('escaped')")
    assert result.status == "error"
    assert not os.path.exists(marker)
    result, _ = run(kernel, "open('/proc/sys/kernel/core_pattern', 'w')")
    assert result.status == "error" and result.error.ename in ("OSError", "PermissionError"), result


def test_the_data_cache_is_read_only_except_lesson_data(make_kernel, strong_level):
    batches = cache_dir() / "cifar10" / "cifar-10-batches-py"
    batches.mkdir(parents=True)
    batch = batches / "data_batch_1"
    batch.write_bytes(b"genuine")
    kernel = make_kernel(strong_level)
    code = (f"import pickle, os\nclass Evil:\n    def __reduce__(self):\n        return (os.system, ('touch /tmp/pwned',))\n"
            f"open({str(batch)!r}, 'wb').write(pickle.dumps(Evil()))")
    result, _ = run(kernel, code)
    assert result.status == "error"
    assert batch.read_bytes() == b"genuine"
    result, _ = run(kernel, f"import os\nos.remove({str(batch)!r})")
    assert result.status == "error" and batch.exists()
    # The decoded-dataset cache the app trusts: the kernel writes its own copy, never the app's.
    decoded = cache_dir() / "datasets" / "cifar10.pt"
    result, _ = run(kernel, f"open({str(decoded)!r}, 'wb').write(b'planted')")
    assert result.status == "ok", result.message
    assert not decoded.exists()
    assert (lesson_data_dir() / "cache" / "datasets" / "cifar10.pt").read_bytes() == b"planted"
    inside = lesson_data_dir() / "prepared.txt"
    result, _ = run(kernel, f"open({str(inside)!r}, 'w').write('fine')")
    assert result.status == "ok", result.message
    assert inside.read_text() == "fine"


def test_a_symlink_in_the_cache_cannot_be_planted(make_kernel, strong_level, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("unchanged")
    log = cache_dir() / "torchrun" / "torchrun-node0.log"
    kernel = make_kernel(strong_level)
    code = (f"import os\nos.makedirs({str(log.parent)!r}, exist_ok=True)\n"
            f"os.symlink({str(target)!r}, {str(log)!r})")
    result, _ = run(kernel, code)
    assert result.status == "error"
    assert not os.path.lexists(log)
    assert target.read_text() == "unchanged"


@pytest.fixture
def host_sockets(tmp_path):
    """A tmux server and a plain unix socket server outside the sandbox: (tmux socket, plain socket, marker)."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    folder = f"/tmp/blitz-sock-{uuid.uuid4().hex[:8]}"  # where tmux keeps its sockets: /tmp/tmux-UID
    os.makedirs(folder)
    tmux_socket = os.path.join(folder, "tmux")
    subprocess.run(["tmux", "-S", tmux_socket, "new-session", "-d", "-s", "host", "sleep 600"], check=True)
    run_folder = f"/run/blitz-sock-{uuid.uuid4().hex[:8]}"
    plain_path = None
    server = None
    try:
        os.makedirs(run_folder)
        plain_path = os.path.join(run_folder, "agent.sock")
        server = socket.socket(socket.AF_UNIX)
        server.bind(plain_path)
        server.listen(1)
    except OSError:
        plain_path = None  # /run is not writable here; the tmux socket still makes the case
    yield tmux_socket, plain_path, tmp_path / "marker"
    subprocess.run(["tmux", "-S", tmux_socket, "kill-server"], capture_output=True)
    if server is not None:
        server.close()
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(run_folder, ignore_errors=True)


def test_host_unix_sockets_are_out_of_reach(make_kernel, strong_level, host_sockets):
    tmux_socket, plain_path, marker = host_sockets
    kernel = make_kernel(strong_level)
    code = (f"import subprocess\nsubprocess.run(['tmux', '-S', {tmux_socket!r}, 'new-window', 'touch {marker}'])\n"
            f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({tmux_socket!r})")
    result, _ = run(kernel, code)
    assert result.status == "error" and result.error.ename in ("FileNotFoundError", "ConnectionRefusedError",
                                                               "PermissionError", "OSError"), result
    if plain_path:
        result, _ = run(kernel, f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({plain_path!r})")
        assert result.status == "error", "a socket under /run was reachable"
    result, printed = run(kernel, "import os\nprint(os.listdir('/run'), os.listdir('/var/tmp'))")
    assert printed.strip() == "[] []", printed
    kernel.shutdown()
    assert not marker.exists(), "a cell ran a command through the host's tmux"


def test_the_environment_is_allow_listed(make_kernel, level, monkeypatch, private_home):
    monkeypatch.setenv("SSH_AUTH_SOCK", "/tmp/ssh-agent.sock")
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    monkeypatch.setenv("BLITZ_SECRET_TOKEN", "hunter2")
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    kernel = make_kernel(level)
    result, printed = run(kernel, "import os\nprint(sorted(os.environ))")
    names = eval(printed)
    for secret in ("SSH_AUTH_SOCK", "TMUX", "BLITZ_SECRET_TOKEN"):
        assert secret not in names
    assert "LC_ALL" in names and "PATH" in names and "BLITZ_TUI_HOME" in names


def test_dev_shm_is_private_and_sized_at_the_memory_cap(make_kernel, strong_level):
    name = f"blitz-shm-{uuid.uuid4().hex[:8]}"
    kernel = make_kernel(strong_level, memory_mb=500)
    result, printed = run(kernel, f"import os\nopen('/dev/shm/{name}', 'wb').write(b'x' * 4096)\n"
                                  "s = os.statvfs('/dev/shm')\nprint(s.f_blocks * s.f_frsize)")
    assert result.status == "ok", result.message
    assert not os.path.exists(f"/dev/shm/{name}")
    assert int(printed) == 500 << 20


@pytest.mark.parametrize("code", [
    "import mmap\nm = mmap.mmap(-1, 2 << 30)\nfor i in range(0, len(m), 4096):\n    m[i] = 1",
    # 400 MB in a /dev/shm file nobody maps, then 300 MB of ordinary memory: only the sum is over the cap.
    "f = open('/dev/shm/blitz-hog', 'wb')\nfor _ in range(400):\n    f.write(b'x' * (1 << 20))\nf.close()\n"
    "hog = b'y' * (300 << 20)\nimport time\ntime.sleep(10)",
], ids=["shared-mmap", "dev-shm-file"])
def test_shared_memory_counts_against_the_cap(make_kernel, level, code):
    if "/dev/shm" in code and not backends.get(level).private_shm:
        pytest.skip(f"at {level} /dev/shm is the host's: what is in it is not the kernel's (docs/sandbox.md)")
    kernel = make_kernel(level, memory_mb=600)
    result, _ = run(kernel, code, timeout=60)
    assert result.status == "memory", (result.status, result.message)
    assert kernel.execute("1 + 1").status == "ok"


def test_torch_shared_tensors_count_against_the_cap(make_kernel, level):
    pytest.importorskip("torch")
    kernel = make_kernel(level, memory_mb=600, timeout=120)
    result, _ = run(kernel, "import torch\nt = torch.ones(2 << 28, dtype=torch.uint8).share_memory_()\n"
                            "u = torch.ones(2 << 28, dtype=torch.uint8).share_memory_()", timeout=120)
    assert result.status == "memory", (result.status, result.message)


def test_threads_are_capped(make_kernel, level):
    kernel = make_kernel(level, max_threads=64)
    code = ("import threading, time\nfor _ in range(400):\n"
            "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n    time.sleep(0.002)")
    result, _ = run(kernel, code, timeout=60)
    assert result.status == "died" and "Too many threads" in result.message, result.message
    assert kernel.execute("1 + 1").status == "ok"


def test_loopback_works_with_the_network_closed(make_kernel, level):
    """torch.distributed rendezvous on 127.0.0.1, as lesson 5's DDP cell does."""
    pytest.importorskip("torch")
    kernel = make_kernel(level, timeout=60)
    code = ("import socket, torch.distributed as dist\ns = socket.socket(); s.bind(('127.0.0.1', 0))\n"
            "port = s.getsockname()[1]; s.close()\n"
            "dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=0, world_size=1)\n"
            "t = __import__('torch').ones(3)\ndist.all_reduce(t)\nprint(t.tolist())\ndist.destroy_process_group()")
    result, printed = run(kernel, code, timeout=60)
    assert result.status == "ok", result.error.traceback if result.error else result.message
    assert "[1.0, 1.0, 1.0]" in printed


def test_matplotlib_finds_writable_caches(make_kernel, level):
    """fontconfig writes its cache under $XDG_CACHE_HOME (else ~/.cache, read-only in the sandbox) and
    prints 'Fontconfig error: No writable cache directories' when it cannot; matplotlib wants MPLCONFIGDIR."""
    pytest.importorskip("matplotlib")
    kernel = make_kernel(level, timeout=120)
    probe = ("import os\nfor folder in (os.path.join(os.environ.get('XDG_CACHE_HOME', os.path.expanduser('~/.cache')),"
             " 'fontconfig'), os.environ.get('MPLCONFIGDIR', os.path.expanduser('~/.config/matplotlib'))):\n"
             "    os.makedirs(folder, exist_ok=True)\n    open(os.path.join(folder, 'probe'), 'w').write('ok')")
    result, _ = run(kernel, probe)
    assert result.status == "ok", result.message
    result, printed = run(kernel, "import matplotlib.pyplot as plt\nplt.figure()\nprint('drawn')", timeout=120)
    assert result.status == "ok", result.message
    assert "Fontconfig error" not in printed and "writable" not in printed, printed


def test_the_app_is_out_of_sight_except_at_rlimits(make_kernel, level):
    """At rlimits a cell sees the app's pid and may signal it (documented); elsewhere the pid namespace hides it."""
    kernel = make_kernel(level)
    result, printed = run(kernel, f"import os\ntry:\n    os.kill({os.getpid()}, 0)\n    print('reachable')\n"
                                  "except OSError as error:\n    print(type(error).__name__)")
    assert result.status == "ok", result.message
    expected = "reachable" if backends.is_weak(level) else "ProcessLookupError"
    assert printed.strip() == expected


def test_host_abstract_sockets_are_out_of_reach_with_the_network_closed(make_kernel, strong_level):
    """Abstract unix sockets (no file: X11, some buses) belong to the network namespace."""
    name = f"\0blitz-abstract-{uuid.uuid4().hex[:8]}"
    server = socket.socket(socket.AF_UNIX)
    server.bind(name)
    server.listen(1)
    try:
        kernel = make_kernel(strong_level)
        result, _ = run(kernel, f"import socket\ns = socket.socket(socket.AF_UNIX)\ns.connect({name!r})")
        assert result.status == "error" and result.error.ename == "ConnectionRefusedError", result
    finally:
        server.close()
