"""The app saves a picture of its training screen for the README: a real synthetic run, finished.

    .venv/bin/python bench/screenshot_training.py [--out docs/training-screen.svg] [--size 120x40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def take(out: Path, width: int, height: int, epochs: int) -> None:
    from tui.app import BlitzApp
    from tui.options import AppOptions

    options = AppOptions(training={"data": "synthetic", "epochs": epochs, "device": "cpu"})
    app = BlitzApp(options)
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.press("t")
        await pilot.pause(0.5)
        await pilot.press("s")
        screen = app.screen
        deadline = time.monotonic() + 300
        while screen.run.status not in ("finished", "failed", "stopped"):
            if time.monotonic() > deadline:
                raise SystemExit("the run did not finish within five minutes")
            await pilot.pause(0.5)
        if screen.run.status != "finished":
            raise SystemExit(f"the run ended {screen.run.status}: {screen.run.reason}")
        await pilot.pause(1.5)  # let the plots take the last points
        app.save_screenshot(filename=out.name, path=str(out.parent))
        await pilot.press("q")


def main() -> int:
    parser = argparse.ArgumentParser(description="Save docs/training-screen.svg from the running app.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "training-screen.svg")
    parser.add_argument("--size", default="120x40", help="WIDTHxHEIGHT in cells (default 120x40)")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must look like 120x40, got {args.size!r}")
    os.environ["BLITZ_TUI_HOME"] = tempfile.mkdtemp(prefix="blitz-screenshot-")  # never the learner's runs
    sys.path.insert(0, str(ROOT))
    asyncio.run(take(args.out, width, height, args.epochs))
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
