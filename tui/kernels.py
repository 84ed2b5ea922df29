"""The app's kernels for its lessons, set up from the command line's sandbox options."""

from __future__ import annotations

from curriculum.kernel.spare import SparePool
from curriculum.lesson_session import KernelFactory, KernelLike, KernelUnavailable
from curriculum.paths import workspace_dir
from tui.options import AppOptions


def real_kernel_factory(options: AppOptions, spares: SparePool | None) -> KernelFactory:
    """Lesson id -> a sandboxed kernel, not started; `spares` is the app's one spare kernel."""

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
        return Kernel(config, spares)

    return make
