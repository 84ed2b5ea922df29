"""The environment a kernel starts with: an allow-list, never the user's whole environment.

SSH_AUTH_SOCK, TMUX, DBUS_SESSION_BUS_ADDRESS, cloud and API tokens and the like stay outside; what
passes is what Python, torch, CUDA and the locale need, and the app's own BLITZ_TUI_* settings.
"""

from __future__ import annotations

import os

ALLOWED_NAMES = frozenset({
    "PATH", "HOME", "LANG", "LANGUAGE", "TERM", "COLORTERM", "TZ", "USER", "LOGNAME",
    "LD_LIBRARY_PATH", "VIRTUAL_ENV", "PYTHONHASHSEED", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS", "NO_COLOR",
})
ALLOWED_PREFIXES = ("LC_", "CUDA_", "NVIDIA_", "TORCH_", "PYTORCH_", "TORCHINDUCTOR_", "NCCL_", "CUBLAS_",
                    "CUDNN_", "KMP_", "BLITZ_TUI_")


def allowed(name: str) -> bool:
    return name in ALLOWED_NAMES or name.startswith(ALLOWED_PREFIXES)


def kernel_env(*, package_root: str, tmp: str, source: dict | None = None) -> dict:
    """The allow-listed part of `source` (default os.environ), plus what the kernel itself needs.

    `tmp` is the kernel's temp folder as the kernel sees it: TMPDIR, and the writable caches that
    matplotlib and fontconfig want (the data cache itself is read-only in the sandbox)."""
    source = os.environ if source is None else source
    env = {name: value for name, value in source.items() if allowed(name)}
    env.setdefault("PATH", os.defpath)
    python_path = [package_root] + [p for p in source.get("PYTHONPATH", "").split(os.pathsep) if p]
    env.update(
        PYTHONPATH=os.pathsep.join(dict.fromkeys(python_path)),
        TMPDIR=tmp,
        MPLBACKEND="Agg",
        MPLCONFIGDIR=os.path.join(tmp, "matplotlib"),
        XDG_CACHE_HOME=os.path.join(tmp, "cache"),  # fontconfig's cache lives here
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONUNBUFFERED="1",
    )
    return env
