"""The app saves a picture of itself for the README: lesson 1 with two cells run by the real kernel.

    .venv/bin/python bench/screenshot.py [--out docs/screenshot.svg] [--size 100x30]
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


async def take(out: Path, width: int, height: int) -> None:
    from tui.app import BlitzApp
    from tui.widgets.cell.editor import CellEditor

    app = BlitzApp()
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        first, second = screen.lesson.cells[:2]
        screen.enqueue([first.id, second.id])
        deadline = time.monotonic() + 120
        while screen.cell_view(second.id).prompt != "[2]":
            if time.monotonic() > deadline:
                raise SystemExit("the kernel did not run the cells within two minutes")
            await pilot.pause(0.2)
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        screen.focus_cell(second.id, top=True)
        await pilot.press("v")  # open the tensor inspector: the feature a notebook lacks
        for editor in screen.query(CellEditor):
            editor.cursor_blink = False
        await pilot.pause(0.7)  # let the status line poll the kernel
        app.save_screenshot(filename=out.name, path=str(out.parent))
        await pilot.press("q")


def main() -> int:
    parser = argparse.ArgumentParser(description="Save docs/screenshot.svg from the running app.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.svg")
    parser.add_argument("--size", default="100x30", help="WIDTHxHEIGHT in cells (default 100x30)")
    args = parser.parse_args()
    try:
        width, height = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must look like 100x30, got {args.size!r}")
    os.environ["BLITZ_TUI_HOME"] = tempfile.mkdtemp(prefix="blitz-screenshot-")  # never the learner's progress
    sys.path.insert(0, str(ROOT))
    asyncio.run(take(args.out, width, height))
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
