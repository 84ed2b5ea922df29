"""The app saves pictures of itself for the README, from real runs (the real kernel, the real trainer).

    .venv/bin/python bench/screenshot.py                       # docs/screenshot.svg: lesson 1, two cells run
    .venv/bin/python bench/screenshot.py --screen training     # docs/training-screen.svg: a finished synthetic run
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
SCREENS = {"lesson": ("screenshot.svg", "100x30"), "training": ("training-screen.svg", "120x40")}


async def wait_until(pilot, done, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not happen within {seconds:.0f} s")
        await pilot.pause(0.2)


async def lesson(app, pilot) -> None:
    from tui.widgets.cell.editor import CellEditor

    await pilot.press("1")
    await pilot.pause()
    screen = app.screen
    first, second = screen.lesson.cells[:2]
    screen.enqueue([first.id, second.id])
    await wait_until(pilot, lambda: screen.cell_view(second.id).prompt == "[2]", "running two cells", 120)
    await app.workers.wait_for_complete()
    await pilot.pause(0.3)
    screen.focus_cell(second.id, top=True)
    await pilot.press("v")  # open the tensor inspector: the feature a notebook lacks
    for editor in screen.query(CellEditor):
        editor.cursor_blink = False
    await pilot.pause(0.7)  # let the status line poll the kernel


async def training(app, pilot) -> None:
    await pilot.press("t")
    await pilot.pause(0.5)
    await pilot.press("s")
    screen = app.screen
    await wait_until(pilot, lambda: screen.run.status in ("finished", "failed", "stopped"), "the run", 300)
    if screen.run.status != "finished":
        raise SystemExit(f"the run ended {screen.run.status}: {screen.run.reason}")
    await pilot.pause(1.5)  # let the plots take the last points


async def take(which: str, out: Path, width: int, height: int) -> None:
    from tui.app import BlitzApp
    from tui.options import AppOptions

    options = AppOptions(training={"data": "synthetic", "epochs": 2, "device": "cpu"})
    app = BlitzApp(options)
    async with app.run_test(size=(width, height)) as pilot:
        await (lesson if which == "lesson" else training)(app, pilot)
        app.save_screenshot(filename=out.name, path=str(out.parent))
        await pilot.press("q")


def main() -> int:
    parser = argparse.ArgumentParser(description="Save the README's screenshots from the running app.")
    parser.add_argument("--screen", choices=SCREENS, default="lesson")
    parser.add_argument("--out", type=Path, help="default: docs/screenshot.svg or docs/training-screen.svg")
    parser.add_argument("--size", help="WIDTHxHEIGHT in cells (default 100x30 for a lesson, 120x40 for training)")
    args = parser.parse_args()
    name, size = SCREENS[args.screen]
    try:
        width, height = (int(part) for part in (args.size or size).lower().split("x"))
    except ValueError:
        parser.error(f"--size must look like 100x30, got {args.size!r}")
    out = args.out or ROOT / "docs" / name
    os.environ["BLITZ_TUI_HOME"] = tempfile.mkdtemp(prefix="blitz-screenshot-")  # never the learner's own
    sys.path.insert(0, str(ROOT))
    asyncio.run(take(args.screen, out, width, height))
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
