"""Fixtures every test shares: a private home for progress and caches, and the shared sample."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_SAMPLE_ZIP = ROOT.parent / "shared" / "data" / "cifar10-sample.zip"


@pytest.fixture(autouse=True)
def private_home(tmp_path_factory, monkeypatch) -> Path:
    """Each test gets its own BLITZ_TUI_HOME so no test sees another's progress or the real one."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BLITZ_TUI_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def cifar_sample(tmp_path_factory) -> Path:
    """The shared real CIFAR-10 sample, extracted once per session; skipped where it is absent."""
    if not SHARED_SAMPLE_ZIP.is_file():
        pytest.skip(f"the shared CIFAR-10 sample is not here ({SHARED_SAMPLE_ZIP}); a fresh clone has no ../shared")
    target = tmp_path_factory.mktemp("cifar10-sample")
    with zipfile.ZipFile(SHARED_SAMPLE_ZIP) as archive:
        archive.extractall(target)
    return target / "cifar10-sample"


def tmux_available() -> bool:
    return shutil.which("tmux") is not None and os.name == "posix"
