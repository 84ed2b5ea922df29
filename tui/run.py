"""Start the app from `blitz-tui` (see tui/cli.py)."""

from __future__ import annotations

import argparse
import os
import sys

from tui import images
from curriculum.training.data_source import DATA_ENV, resolve
from tui.options import AppOptions


def kernel_environment(options: AppOptions) -> dict[str, str]:
    """What lesson kernels learn from the command line: the app's --data, which lesson_data_root() follows."""
    data = options.training.get("data")
    return {DATA_ENV: resolve(data).text} if data else {}


def run_app(args: argparse.Namespace) -> int:
    options = AppOptions.from_args(args)
    os.environ.update(kernel_environment(options))  # lesson kernels start from this process
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
