"""Interpreter settings the app runs under, set when it starts and put back when it ends.

They are process-wide, so the app object owns them (`BlitzApp.tuning`) rather than whichever module
first needs them: a second app in the same process (tests, benchmarks) starts from the same state.
"""

from __future__ import annotations

import gc
import sys

# Threads hand the GIL back this often. Python's 5 ms default lets a thread that reads a worker's pipe
# (kernel output, plot lines) keep a key press waiting that long each time it returns from I/O.
GIL_SWITCH_S = 0.001


class RuntimeTuning:
    def __init__(self) -> None:
        self._switch_interval: float | None = None
        self._frozen = False

    def apply(self) -> None:
        """Shorter GIL turns now; `freeze_startup_objects` once the first frame is painted."""
        if self._switch_interval is None:
            self._switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch_interval, GIL_SWITCH_S))

    def freeze_startup_objects(self) -> None:
        """Objects made at start live as long as the app: keep them out of full collections, whose
        pauses (40-80 ms every few seconds) otherwise show up as late key presses."""
        gc.freeze()
        self._frozen = True

    def restore(self) -> None:
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False
