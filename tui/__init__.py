"""The Textual app: the only UI code in blitz-tui (`curriculum` is the headless core)."""

import os

# Textual schedules each frame one to two frame periods after the one before, so a key pressed just
# after a live panel repainted waited up to 33 ms at its default 60 frames/s; at 120 it waits at most
# 17 ms. Frames still carry only what changed, so the bytes sent over SSH do not grow. This must run
# before Textual is imported (it reads the variable once); a TEXTUAL_FPS the user set still wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
