"""Where blitz-tui keeps the learner's things on disk.

platformdirs gives the per-user locations; BLITZ_TUI_HOME moves all of them under
one folder, which tests and people running several copies side by side rely on.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "blitz-tui"


def _home_override() -> Path | None:
    home = os.environ.get("BLITZ_TUI_HOME")
    return Path(home).expanduser() if home else None


def data_dir() -> Path:
    """Progress, workspaces and saved training runs: things the learner would miss."""
    home = _home_override()
    path = home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Downloaded and decoded datasets: things that can be made again."""
    home = _home_override()
    path = home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def lesson_data_dir() -> Path:
    """The one folder of the cache that lesson kernels may write (they prepare lesson data there);
    the rest of the cache is read-only to them, so nothing outside a sandbox trusts what is here."""
    path = cache_dir() / "lesson-data"
    path.mkdir(parents=True, exist_ok=True)
    return path


# Cache folders lesson code fills on its own (lesson 4 unpacks the sample zip and decodes CIFAR-10).
# In a sandbox each is replaced by a folder inside lesson_data_dir(): the kernel fills its own copy,
# and the app's copy, which the app trusts, stays out of the kernel's reach.
KERNEL_OWN_CACHE_FOLDERS = ("extracted", "datasets")


def kernel_cache_redirects() -> list[tuple[Path, Path]]:
    """(cache folder as the kernel sees it, the lesson-data folder it really is), each made if missing."""
    pairs = []
    for name in KERNEL_OWN_CACHE_FOLDERS:
        seen, real = cache_dir() / name, lesson_data_dir() / "cache" / name
        seen.mkdir(parents=True, exist_ok=True)
        real.mkdir(parents=True, exist_ok=True)
        pairs.append((seen, real))
    return pairs


def workspace_dir(lesson_id: str) -> Path:
    """The folder a lesson's kernel runs in and may write to."""
    path = data_dir() / "workspaces" / lesson_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def runs_dir() -> Path:
    """Metrics and checkpoints of training runs started from the app."""
    path = data_dir() / "runs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_file() -> Path:
    return data_dir() / "progress.json"
