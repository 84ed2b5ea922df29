"""A real `blitz-tui serve --port 0` process per test, and its printed URL."""

from __future__ import annotations

import pytest

from tests.serve.serving import Served, start_serve, stop


@pytest.fixture
def served():
    process, url = start_serve()
    yield Served(process, url)
    stop(process)
