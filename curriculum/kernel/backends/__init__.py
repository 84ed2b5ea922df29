"""The sandbox backends, strongest first: the one list every `--isolation` choice, `doctor` and the
status bar read. Adding a backend is one module here plus one line in BACKENDS."""

from __future__ import annotations

from curriculum.kernel.backends import bwrap, namespaces, rlimits
from curriculum.kernel.backends.base import Backend, Sandbox

BACKENDS: tuple[Backend, ...] = tuple(sorted(
    (bwrap.BACKEND, namespaces.BACKEND, rlimits.BACKEND),
    key=lambda backend: -backend.strength,
))
NAMES: tuple[str, ...] = tuple(backend.name for backend in BACKENDS)
CHOICES: tuple[str, ...] = ("auto",) + NAMES  # what --isolation accepts


def get(name: str) -> Backend:
    for backend in BACKENDS:
        if backend.name == name:
            return backend
    raise KeyError(name)


def is_weak(name: str) -> bool:
    """Whether the status bar should mark this level as weak (unknown names are not)."""
    try:
        return get(name).weak
    except KeyError:
        return False


__all__ = ["BACKENDS", "NAMES", "CHOICES", "Backend", "Sandbox", "get", "is_weak"]
