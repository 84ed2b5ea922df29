"""Fixtures for the training-screen tests; the helpers live in training_helpers.py."""

from __future__ import annotations

import pytest

from training_helpers import load_events


@pytest.fixture
def cpu_events() -> list[dict]:
    return load_events("cpu_synthetic.jsonl")
