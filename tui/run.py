"""Start the app from `blitz-tui` (see tui/cli.py)."""

from __future__ import annotations

import argparse
import os
import signal
import sys

from tui import images
from curriculum.training.data_source import DATA_ENV, resolve
from tui.options import AppOptions

# A closed terminal (SIGHUP) or `kill` (SIGTERM) ends the app the way Ctrl-C's SIGINT does: edits saved first.
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
APP_CLOSING_S = 5.0  # how long a new app waits for the progress lock of one that is shutting down


class _Ended(KeyboardInterrupt):
    """Raised by the SIGTERM/SIGHUP handler: leaves `app.run()` by the same road as SIGINT."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def kernel_environment(options: AppOptions) -> dict[str, str]:
    """What lesson kernels learn from the command line: the app's --data, which lesson_data_root() follows."""
    data = options.training.get("data")
    return {DATA_ENV: resolve(data).text} if data else {}


def run_app(args: argparse.Namespace) -> int:
    options = AppOptions.from_args(args)
    os.environ.update(kernel_environment(options))  # lesson kernels start from this process
    # The terminal probe for pictures overlaps the Textual import; both must finish before `run`.
    probe = images.prepare()
    from curriculum.progress import ProgressInUse, ProgressStore
    from tui.app import BlitzApp

    probe.join(timeout=2.0)
    try:
        # A page reload under `blitz-tui serve`, or quit-then-start, can find the last app still closing.
        progress = ProgressStore(claim=True, claim_wait=APP_CLOSING_S)
        app = BlitzApp(options, progress=progress)
    except ProgressInUse as error:
        print(f"blitz-tui: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # e.g. the progress store cannot be created: one line, no traceback
        print(f"blitz-tui: cannot start: {error}", file=sys.stderr)
        return 1
    ended_by = None
    previous = {signum: signal.signal(signum, _end_like_sigint(app)) for signum in ENDING_SIGNALS}
    try:
        app.run()
        if app.exit_notice:
            try:
                print(app.exit_notice)  # plain, one line: a copied command stays whole
            except OSError:
                pass  # the terminal hung up: nobody is there to read it
    except _Ended as ending:
        ended_by = ending.signum
    except KeyboardInterrupt:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        app.shutdown_kernels()
        try:
            progress.save()
        except OSError:
            pass
        progress.close()
        _stop_terminal_reader(app)
    if ended_by is not None:
        return 128 + ended_by
    return app.return_code or 0


def _stop_terminal_reader(app) -> None:
    """Textual stops its input thread when it leaves application mode. An ending that skips that (a signal
    landing while the terminal is already gone) leaves the thread, which is not a daemon, reading end-of-file
    from the dead terminal at full CPU and keeping the process alive after `main` returns. Stop it."""
    driver = getattr(app, "_driver", None)
    exit_event = getattr(driver, "exit_event", None)
    if exit_event is not None:
        exit_event.set()


def _end_like_sigint(app):
    def handler(signum, frame) -> None:
        if app.terminal.gone():  # a dropped link: Textual's shutdown would hang writing to it
            app.end_without_terminal(128 + signum)
        try:
            app.progress.save()  # first, before anything that could fail
        except Exception:
            pass
        raise _Ended(signum)

    return handler
