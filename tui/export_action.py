"""The palette's "Export lesson" actions: what the lesson screen shows, written as a notebook or a script.

The cells' texts are the editors' (newer than the saved progress by up to a second) and the outputs
are what each cell shows now, so the notebook looks like the screen. Writing is `curriculum.export`'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from curriculum.export import CellOutput, default_name, render

if TYPE_CHECKING:
    from tui.screens.lesson import LessonScreen


def shown_outputs(screen: LessonScreen) -> dict:
    """cell id -> CellOutput for every cell that has run since it was opened or reset."""
    outputs = {}
    for view in screen.cell_views:
        result = view.last_result
        if result is None:
            continue
        snapshot = view.output.tail.snapshot() if view._results is not None else None
        streams = []
        if snapshot is not None:
            if snapshot.hidden:
                streams.append(("stdout", f"… {snapshot.hidden:,} earlier lines were not kept …\n"))
            streams.extend((line.stream, line.text + "\n") for line in snapshot.lines)
        error = getattr(result, "error", None)
        outputs[view.cell.id] = CellOutput(
            streams=streams, images=list(getattr(result, "images", []) or []),
            execution_count=getattr(result, "execution_count", None),
            error=(error.ename, error.evalue, error.traceback) if error is not None else None,
        )
    return outputs


def export_lesson(screen: LessonScreen, fmt: str, folder: Path | None = None) -> Path | None:
    """Write the lesson as the screen shows it into `folder` (default: where blitz-tui was started)."""
    lesson = screen.lesson
    target = (folder or Path.cwd()) / default_name(lesson, fmt)
    texts = {view.cell.id: view.text for view in screen.cell_views}
    try:
        from curriculum.atomic import write_atomic

        write_atomic(target, render(lesson, texts, fmt, shown_outputs(screen) if fmt == "ipynb" else None))
    except Exception as error:  # a full disk or a notebook nbformat rejects: said in the app, never a crash
        screen.app.notify(f"Could not export: {error}", severity="error", timeout=8)
        return None
    screen.app.notify(f"Exported to {target}", title="Export", timeout=8)
    return target
