"""The spare kernel: restart hands over an already-started process."""

from __future__ import annotations

from curriculum.kernel.spare import POOL


def test_restart_uses_the_spare_and_shutdown_removes_it(make_kernel):
    kernel = make_kernel("rlimits", keep_spare=True)
    kernel.execute("a = 1")
    key = kernel._spare_key()
    assert POOL.wait_ready(key, timeout=60)
    spare_pid = POOL._spares[key].process.kernel_pid
    kernel.restart()
    assert kernel._process.kernel_pid == spare_pid
    assert kernel.execute("a").error.ename == "NameError"
    assert POOL.wait_ready(key, timeout=60)  # a new spare is on its way for the next restart
    kernel.shutdown()
    assert key not in POOL._spares
