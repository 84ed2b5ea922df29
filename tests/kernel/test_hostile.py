"""The hostile-cell catalogue (issue 3), at every isolation level this machine offers.

After each: the next cell runs, and (checked by make_kernel) no process is left behind.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from curriculum.kernel import backends
from curriculum.paths import data_dir
from kernel_helpers import Output, cmdline, processes_of


def run_and_interrupt(kernel, code: str):
    """Run code in a worker thread and interrupt it once it is running, as the app's `i i` does."""
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("r", kernel.execute(code)))
    worker.start()
    while kernel.state != "busy" and worker.is_alive():
        time.sleep(0.01)
    time.sleep(0.2)  # let the loop get going
    kernel.interrupt()
    worker.join(30)
    assert not worker.is_alive(), "execute did not return after interrupt"
    return result["r"]


def assert_next_cell_runs(kernel):
    result = kernel.execute("40 + 2")
    assert result.status == "ok", result.message


def test_infinite_loop_is_interrupted_and_keeps_the_namespace(make_kernel, level):
    kernel = make_kernel(level)
    kernel.execute("kept = 'yes'")
    result = run_and_interrupt(kernel, "while True:\n    pass")
    assert result.status == "interrupted"
    assert result.error.ename == "KeyboardInterrupt"  # the cell itself saw it: no kill was needed
    assert "<cell 2>" in result.error.traceback
    out = Output()
    assert kernel.execute("print(kept)", on_output=out).status == "ok"
    assert out.text() == "yes\n"


def test_infinite_loop_timeout_is_honoured(make_kernel, level):
    kernel = make_kernel(level)
    kernel.execute("kept = 1")
    result = kernel.execute("while True:\n    pass", timeout=1.0)
    assert result.status == "timeout"
    assert "time limit" in result.message
    assert kernel.execute("kept").status == "ok"


def test_loop_swallowing_keyboardinterrupt_escalates_to_kill_and_restart(make_kernel, level):
    kernel = make_kernel(level)
    kernel.execute("kept = 1")
    code = "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n    except BaseException:\n        pass"
    result = run_and_interrupt(kernel, code)
    assert result.status == "interrupted"
    assert "restarted" in result.message
    assert kernel.state == "idle"
    fresh = kernel.execute("kept")
    assert fresh.error is not None and fresh.error.ename == "NameError", fresh  # a fresh kernel
    assert_next_cell_runs(kernel)


def test_memory_bomb_is_killed_at_the_cap(make_kernel, level):
    kernel = make_kernel(level, memory_mb=300)
    result = kernel.execute("hog = []\nwhile True:\n    hog.append(b'x' * 10**7)")
    assert result.status == "memory"
    assert "Memory limit exceeded" in result.message and "300 MiB" in result.message
    assert kernel.state == "dead"
    assert_next_cell_runs(kernel)


def test_fork_loop_is_capped(make_kernel, level):
    kernel = make_kernel(level, max_processes=25, memory_mb=4000)
    code = ("import os, time\nfor _ in range(500):\n    if os.fork() == 0:\n        time.sleep(120)\n"
            "        os._exit(0)\n    time.sleep(0.005)")
    result = kernel.execute(code)
    assert result.status == "died"
    assert "Too many processes" in result.message
    assert_next_cell_runs(kernel)


@pytest.mark.parametrize("code, how", [("import os\nos._exit(3)", "exit code 3"),
                                        ("import ctypes\nctypes.string_at(0)", "SIGSEGV")])
def test_kernel_death_is_reported_and_the_next_cell_restarts_it(make_kernel, level, code, how):
    kernel = make_kernel(level)
    result = kernel.execute(code)
    assert result.status == "died"
    assert how in result.message and "died" in result.message
    assert kernel.state == "dead"
    assert_next_cell_runs(kernel)
    assert kernel.execution_count == 1  # a fresh kernel counts from 1 again


def test_sys_exit_does_not_end_the_kernel(make_kernel, level):
    kernel = make_kernel(level)
    kernel.execute("kept = 1")
    result = kernel.execute("import sys\nsys.exit()")
    assert result.status == "error" and result.error.ename == "SystemExit"
    assert kernel.execute("kept").status == "ok"


def test_input_raises_eoferror_at_once(make_kernel, level):
    kernel = make_kernel(level)
    result = kernel.execute("name = input('your name? ')")
    assert result.status == "error" and result.error.ename == "EOFError"
    assert kernel.execute("import sys\nsys.stdin.read()").status == "ok"  # stdin is empty, not a hang
    assert_next_cell_runs(kernel)


@pytest.mark.slow
def test_two_million_lines_arrive_in_order(make_kernel, level):
    kernel = make_kernel(level, timeout=120)
    lines: list[str] = []
    pending = [""]

    def collect(stream, text):
        assert stream == "stdout"
        text = pending[0] + text
        *done, pending[0] = text.split("\n")
        lines.extend(done)

    result = kernel.execute("for i in range(2_000_000):\n    print(i)", on_output=collect)
    assert result.status == "ok"
    assert pending[0] == ""
    assert len(lines) == 2_000_000
    assert lines[0] == "0" and lines[-1] == "1999999"
    assert lines == [str(i) for i in range(2_000_000)]
    assert_next_cell_runs(kernel)


def test_one_100_mb_line(make_kernel, level):
    kernel = make_kernel(level, timeout=120)
    sizes = []
    tail = [""]

    def collect(stream, text):
        sizes.append(len(text))
        tail[0] = (tail[0] + text)[-5:]

    result = kernel.execute("print('x' * 100_000_000)", on_output=collect)
    assert result.status == "ok"
    assert sum(sizes) == 100_000_001
    assert max(sizes) <= 1 << 20  # it streamed in pieces
    assert tail == ["xxxx\n"]
    assert_next_cell_runs(kernel)


def test_runaway_recursion(make_kernel, level):
    kernel = make_kernel(level)
    result = kernel.execute("def dive(n):\n    return dive(n + 1)\ndive(0)")
    assert result.status == "error" and result.error.ename == "RecursionError"
    assert "repeated" in result.error.traceback and len(result.error.traceback) < 5000
    assert_next_cell_runs(kernel)


def test_closing_fds_1_and_2(make_kernel, level):
    kernel = make_kernel(level)
    out = Output()
    result = kernel.execute("import os\nos.close(1)\nos.close(2)\nprint('python still prints')", on_output=out)
    assert result.status == "ok"
    assert "python still prints" in out.text()
    out = Output()
    result = kernel.execute("import os\nos.system('echo from a subprocess')", on_output=out)
    assert result.status == "ok"
    assert "from a subprocess" in out.text("stdout")  # fd 1 was captured again


def test_killing_the_parent_does_not_touch_the_app(make_kernel, level):
    kernel = make_kernel(level)
    result = kernel.execute("import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(1)")
    assert result.status in ("ok", "died")  # whatever the kernel saw, we (the app) are still here
    assert_next_cell_runs(kernel)


def test_detached_child_does_not_outlive_the_kernel(make_kernel, level, private_home):
    kernel = make_kernel(level)
    code = "import subprocess\nsubprocess.Popen(['sleep', '987'], start_new_session=True)"
    assert kernel.execute(code).status == "ok"
    deadline = time.monotonic() + 10
    sleepers: list[int] = []
    while not sleepers and time.monotonic() < deadline:
        sleepers = [pid for pid in processes_of(private_home) if cmdline(pid).startswith("sleep 987")]
    assert sleepers, "the detached child should be running while the kernel is"
    kernel.restart()
    deadline = time.monotonic() + 10
    while any(cmdline(pid).startswith("sleep 987") for pid in sleepers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(cmdline(pid).startswith("sleep 987") for pid in sleepers)
    assert_next_cell_runs(kernel)


@pytest.fixture
def strong_level(level):
    if backends.is_weak(level):
        pytest.skip(f"{level} does not protect the file system or the network (docs/sandbox.md)")
    return level


def test_writing_outside_the_workspace_is_denied(make_kernel, strong_level, tmp_path):
    kernel = make_kernel(strong_level)
    outside = [data_dir() / "not-the-workspace.txt", tmp_path / "outside.txt"]
    for target in outside:
        # At bwrap the write may land in the kernel's private /tmp; what matters is the real file.
        kernel.execute(f"open({str(target)!r}, 'w').write('hostile')")
        assert not target.exists(), f"a cell could write {target}"
    result = kernel.execute("open('/usr/blitz-hostile.txt', 'w')")
    assert result.status == "error" and result.error.ename in ("OSError", "PermissionError")
    inside = kernel.execute("open('inside.txt', 'w').write('fine')")
    assert inside.status == "ok", inside.message  # the workspace is writable
    temp = kernel.execute("import tempfile\ntempfile.TemporaryFile().write(b'ok')")
    assert temp.status == "ok", temp.message


@pytest.fixture
def loopback_server():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(20)
    accepted = []

    def serve():
        try:
            while True:
                conn, _ = server.accept()
                accepted.append(conn)
        except OSError:
            pass

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()
    for conn in accepted:
        conn.close()


def _connect_code(port: int) -> str:
    return f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=5)\ns.close()"


def test_loopback_socket_is_denied_by_default(make_kernel, strong_level, loopback_server):
    port, accepted = loopback_server
    kernel = make_kernel(strong_level)
    result = kernel.execute(_connect_code(port))
    assert result.status == "error"
    assert not accepted
    assert_next_cell_runs(kernel)


def test_network_is_there_when_allowed(make_kernel, level, loopback_server):
    port, _ = loopback_server
    kernel = make_kernel(level, allow_network=True)
    result = kernel.execute(_connect_code(port))
    assert result.status == "ok", result.message
