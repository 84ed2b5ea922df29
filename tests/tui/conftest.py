"""Fixtures for the app's tests: tiny lessons, an in-memory progress store and a fake kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.progress import ProgressStore
from tui_fakes import FakeKernel, sample_lessons
from tui.app import BlitzApp


@pytest.fixture
def lessons():
    # A fixed relative path keeps error messages (and snapshots) the same on every machine.
    return sample_lessons(Path("lessons"))


@pytest.fixture
def progress(private_home):
    """The real store, on disk under this test's private BLITZ_TUI_HOME."""
    return ProgressStore()


@pytest.fixture
def make_app(lessons, progress):
    FakeKernel.instances.clear()

    def make(**overrides) -> BlitzApp:
        arguments = dict(lessons=lessons, progress=progress, kernel_factory=FakeKernel)
        arguments.update(overrides)
        return BlitzApp(**arguments)

    return make


async def settle(app, pilot) -> None:
    """Wait for kernel threads, then for the messages they posted to be handled."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def text_of(thing, width: int = 200) -> str:
    """The plain text a widget (or a Rich renderable) shows, for asserting on what a person reads."""
    import io

    from rich.console import Console

    renderable = thing.render() if hasattr(thing, "render") and hasattr(thing, "query") else thing
    if hasattr(renderable, "plain"):
        return renderable.plain
    renderable = getattr(renderable, "_renderable", renderable)
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()
