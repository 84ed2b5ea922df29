"""Start the app from `blitz-tui` (see tui/cli.py)."""

from __future__ import annotations

import argparse
import os
import sys

from tui import images
from curriculum.training.data_source import DATA_ENV, resolve
from tui.options import AppOptions


def run_app(args: argparse.Namespace) -> int:
    options = AppOptions.from_args(args)
    if options.training.get("data"):
        # Lesson kernels (started from this process) follow the app's --data: lesson_data_root() reads it.
        os.environ[DATA_ENV] = resolve(options.training["data"]).text
    # The terminal probe for pictures overlaps the Textual import; both must finish before `run`.
    probe = images.prepare()
    from tui.app import BlitzApp

    probe.join(timeout=2.0)
    try:
        app = BlitzApp(options)
    except Exception as error:  # e.g. the progress store cannot be created: one line, no traceback
        print(f"blitz-tui: cannot start: {error}", file=sys.stderr)
        return 1
    try:
        app.run()
    except KeyboardInterrupt:
        pass
    finally:
        app.shutdown_kernels()
        try:
            app.progress.save()
        except OSError:
            pass
    return app.return_code or 0
