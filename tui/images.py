"""Which textual-image widget shows pictures: Kitty or Sixel graphics where the terminal has
them, coloured half-block characters everywhere else (tmux, plain SSH terminals, tests).

textual-image asks the terminal what it supports when it is first imported, and it cannot
ask once Textual owns stdin, so `prepare()` must run before the app starts.
"""

from __future__ import annotations

import io
import os
import sys
import threading
from typing import Any

ENV_VAR = "BLITZ_TUI_IMAGES"  # auto | kitty | sixel | halfblock
MODES = ("auto", "kitty", "sixel", "halfblock")

_widget_class: Any = None
_mode = "halfblock"
_ready = threading.Event()


class _NotATerminal(io.StringIO):
    def isatty(self) -> bool:
        return False


def _import_quietly() -> None:
    """Import textual-image without it querying the terminal (half-blocks need no query)."""
    real = sys.__stdout__
    sys.__stdout__ = _NotATerminal()  # its import-time probes check this stream
    try:
        import textual_image.widget  # noqa: F401
    finally:
        sys.__stdout__ = real


def _choose(requested: str, environ: dict) -> None:
    global _widget_class, _mode
    wants_probe = requested in ("auto", "kitty", "sixel")
    tty = bool(sys.__stdout__ and sys.__stdout__.isatty())
    # tmux passes neither protocol through reliably; half-blocks always work there.
    if requested == "auto" and (environ.get("TMUX") or not tty):
        wants_probe = False
    try:
        if wants_probe:
            import textual_image.renderable as probed
            import textual_image.widget as widgets
        else:
            _import_quietly()
            import textual_image.renderable as probed
            import textual_image.widget as widgets
    except Exception:  # a terminal that reports a zero size makes textual-image's probe divide by zero
        _import_quietly()
        import textual_image.renderable as probed
        import textual_image.widget as widgets
        wants_probe = False
    if requested == "kitty":
        _widget_class, _mode = widgets.TGPImage, "kitty"
    elif requested == "sixel":
        _widget_class, _mode = widgets.SixelImage, "sixel"
    elif wants_probe and probed.Image is probed.TGPImage:
        _widget_class, _mode = widgets.TGPImage, "kitty"
    elif wants_probe and probed.Image is probed.SixelImage:
        _widget_class, _mode = widgets.SixelImage, "sixel"
    else:
        _widget_class, _mode = widgets.HalfcellImage, "halfblock"


def prepare(environ: dict | None = None) -> threading.Thread:
    """Start choosing in the background (the probe waits on the terminal); join before `App.run`."""
    environ = dict(os.environ if environ is None else environ)
    requested = environ.get(ENV_VAR, "auto").strip().lower()
    if requested not in MODES:
        requested = "auto"

    def work() -> None:
        try:
            _choose(requested, environ)
        finally:
            _ready.set()

    thread = threading.Thread(target=work, name="image-probe", daemon=True)
    thread.start()
    return thread


def image_widget_class() -> Any:
    """The widget class to use; half-blocks when `prepare` never ran (tests, screenshots)."""
    global _widget_class
    if _widget_class is None:
        _import_quietly()
        import textual_image.widget as widgets

        _widget_class = widgets.HalfcellImage
    return _widget_class


def image_mode() -> str:
    return _mode if _widget_class is not None else "halfblock"
