"""The spare kernel: a restart hands over an already-started process; the app keeps only one."""

from __future__ import annotations

from kernel_helpers import processes_of, wait_for_no_processes

from curriculum.kernel import Kernel, KernelConfig
from curriculum.kernel.spare import SparePool


def _kernel(home, name: str, spares: SparePool) -> Kernel:
    config = KernelConfig(workspace=home / "data" / "workspaces" / name, isolation="rlimits",
                          preload_torch=False, timeout=30.0)
    return Kernel(config, spares)


def test_restart_uses_the_spare_and_closing_the_pool_removes_it(private_home):
    spares = SparePool()
    kernel = _kernel(private_home, "one", spares)
    try:
        kernel.start()
        kernel.execute("a = 1")
        assert spares.wait_ready(timeout=60)
        spare_pid = spares._spare.process.kernel_pid
        kernel.restart()
        assert kernel._process.kernel_pid == spare_pid
        assert kernel.execute("a").error.ename == "NameError"
        assert spares.wait_ready(timeout=60)  # a new spare is on its way for the next restart
    finally:
        kernel.shutdown()
        spares.close()
    assert spares.key is None
    assert not wait_for_no_processes(private_home)


class _FakeProcess:
    """Stands in for a KernelProcess: starts at once and records its shutdown."""

    def __init__(self):
        self.alive = False

    def launch(self):
        self.alive = True

    def wait_ready(self):
        return {}

    def shutdown(self, grace: float = 1.0):
        self.alive = False


def test_the_pool_keeps_one_spare_for_the_lesson_that_started_last():
    spares = SparePool()
    made: list[_FakeProcess] = []

    def factory():
        made.append(_FakeProcess())
        return made[-1]

    spares.fill("lesson-1", factory)
    assert spares.wait_ready(timeout=10)
    spares.fill("lesson-1", factory)  # already there: not a second one
    assert len(made) == 1
    spares.fill("lesson-2", factory)  # another lesson started: the spare moves to it
    assert spares.wait_ready(timeout=10)
    assert len(made) == 2 and not made[0].alive and made[1].alive
    assert spares.take("lesson-1") is None  # not for this lesson: a cold start, the spare stays
    assert spares.key == "lesson-2"
    assert spares.take("lesson-2") is made[1]
    assert spares.key is None
    spares.close()
    spares.fill("lesson-3", factory)  # closed: nothing starts any more
    assert spares.key is None and len(made) == 2


def test_two_open_lessons_keep_one_spare_process_between_them(private_home):
    """Each lesson's own kernel plus a single spare: three processes, not four."""
    spares = SparePool()
    first, second = _kernel(private_home, "first", spares), _kernel(private_home, "second", spares)
    try:
        first.start()
        assert spares.wait_ready(timeout=60)
        second.start()
        assert spares.wait_ready(timeout=60)
        assert spares.key == second._spare_key()
        kernels = {first._process.popen.pid, second._process.popen.pid, spares._spare.process.popen.pid}
        assert len(kernels) == 3
        top_level = {pid for pid in processes_of(private_home) if pid in kernels or _parent(pid) not in
                     set(processes_of(private_home))}
        assert top_level == kernels
        second.restart()  # the spare was for it: taken, and a new one is made for it
        assert spares.wait_ready(timeout=60) and spares.key == second._spare_key()
    finally:
        first.shutdown()
        second.shutdown()
        spares.close()
    assert not wait_for_no_processes(private_home)


def _parent(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return 0


def test_kernels_and_the_spare_end_with_a_program_that_forgot_to_stop_them(private_home):
    """No atexit hook is needed: a kernel leaves when the pipe its maker holds closes."""
    import subprocess
    import sys

    script = (
        "from pathlib import Path\n"
        "from curriculum.kernel import Kernel, KernelConfig\n"
        "from curriculum.kernel.spare import SparePool\n"
        "spares = SparePool()\n"
        f"kernel = Kernel(KernelConfig(workspace=Path({str(private_home)!r}) / 'w', isolation='rlimits',"
        " preload_torch=False), spares)\n"
        "kernel.start()\n"
        "assert spares.wait_ready(timeout=60)\n"
        "print(kernel.execute('1 + 1').status)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "ok", done.stderr
    assert not wait_for_no_processes(private_home)
