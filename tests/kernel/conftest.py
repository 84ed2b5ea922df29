"""Kernel test fixtures: a kernel per test at a chosen isolation level, checked for leftovers."""

from __future__ import annotations

import pytest
from kernel_helpers import cmdline, wait_for_no_processes

from curriculum.kernel import Kernel, KernelConfig, backends, isolation

LEVELS = backends.NAMES


@pytest.fixture(params=LEVELS)
def level(request) -> str:
    works, why = isolation.check(request.param)
    if not works:
        pytest.skip(f"isolation level {request.param} is not available on this machine: {why}")
    return request.param


@pytest.fixture
def make_kernel(private_home):
    """make_kernel(level, **config) -> a started Kernel; afterwards nothing of it may be left running."""
    kernels: list[Kernel] = []

    def make(level: str = "auto", **options) -> Kernel:
        options.setdefault("preload_torch", False)
        options.setdefault("timeout", 30.0)
        kernel = Kernel(KernelConfig(workspace=private_home / "data" / "workspaces" / "test", isolation=level, **options))
        kernels.append(kernel)
        kernel.start()
        return kernel

    yield make
    for kernel in kernels:
        kernel.shutdown()
    left = wait_for_no_processes(private_home)
    assert not left, f"processes left behind: {[cmdline(p) for p in left]}"
