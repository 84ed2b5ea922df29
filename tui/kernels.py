"""How the app gets a kernel for a lesson; tests pass their own factory instead."""

from __future__ import annotations

from typing import Any, Callable, Protocol

from curriculum.paths import workspace_dir
from tui.options import AppOptions


class KernelLike(Protocol):
    """The part of `curriculum.kernel.Kernel` the app uses (see docs/ARCHITECTURE.md)."""

    state: str
    execution_count: int
    isolation: str

    def start(self) -> None: ...
    def execute(self, code: str, on_output: Callable[[str, str], None], timeout: float | None = None) -> Any: ...
    def check(self, code: str) -> Any: ...
    def interrupt(self) -> None: ...
    def restart(self) -> None: ...
    def shutdown(self) -> None: ...


KernelFactory = Callable[[str], KernelLike]  # lesson id -> a kernel not started yet


class KernelUnavailable(Exception):
    """The kernel package cannot be imported in this checkout."""


def real_kernel_factory(options: AppOptions) -> KernelFactory:
    def make(lesson_id: str) -> KernelLike:
        try:
            from curriculum.kernel import Kernel, KernelConfig
        except ImportError as error:
            raise KernelUnavailable(f"the kernel cannot be loaded: {error}") from None
        config = KernelConfig(
            workspace=workspace_dir(lesson_id),
            timeout=options.timeout,
            isolation=options.isolation,
            memory_mb=options.memory_mb,
            allow_network=options.allow_network,
        )
        return Kernel(config)

    return make
