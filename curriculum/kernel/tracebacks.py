"""Tracebacks the learner can read: their cells' frames, library frames folded to one line."""

from __future__ import annotations

import linecache
import traceback
from pathlib import Path

CELL_PREFIX = "<cell "
KERNEL_FOLDER = str(Path(__file__).resolve().parent) + "/"  # the kernel's own code: never the learner's concern


def remember_source(filename: str, source: str) -> None:
    """Let tracebacks quote the cell's lines, as they would a file's."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)


def _library_name(filename: str) -> str:
    for marker in ("site-packages/", "dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1].split("/", 1)[0]
    if "/lib/python" in filename:
        return "the standard library"
    return filename.rsplit("/", 1)[-1]


def _format_frames(frames: list[traceback.FrameSummary]) -> list[str]:
    """Cell frames as usual; each run of other frames folded to one line, except the innermost.
    The kernel's own frames (its SIGINT handler, its `input()` stand-in) are left out altogether."""
    frames = [f for f in frames if not f.filename.startswith(KERNEL_FOLDER)]
    first_cell = next((i for i, f in enumerate(frames) if f.filename.startswith(CELL_PREFIX)), None)
    if first_cell is None:
        return []  # only the kernel's own frames: nothing the learner can act on
    frames = frames[first_cell:]  # the kernel's own frames come first: the learner never needs them
    lines: list[str] = []
    run: list[traceback.FrameSummary] = []
    for index, frame in enumerate(frames):
        is_last = index == len(frames) - 1
        if frame.filename.startswith(CELL_PREFIX) or is_last:
            if run:
                names = sorted({_library_name(f.filename) for f in run})
                lines.append(f"  ... {len(run)} frame{'s' if len(run) > 1 else ''} in {', '.join(names)} ...\n")
                run = []
            lines.extend(traceback.StackSummary.from_list([frame]).format())
        else:
            run.append(frame)
    return _fold_repeats(lines)


def _fold_repeats(lines: list[str]) -> list[str]:
    """Runaway recursion: say how often the same frame repeated instead of printing it 1000 times."""
    out: list[str] = []
    count = 0
    for line in lines:
        if out and line == out[-1]:
            count += 1
            continue
        if count:
            out.append(f"  [Previous frame repeated {count} more time{'s' if count > 1 else ''}]\n")
            count = 0
        out.append(line)
    if count:
        out.append(f"  [Previous frame repeated {count} more time{'s' if count > 1 else ''}]\n")
    return out


def format_exception(exc: BaseException, _depth: int = 0) -> str:
    parts: list[str] = []
    if _depth < 3:
        if exc.__cause__ is not None:
            parts.append(format_exception(exc.__cause__, _depth + 1))
            parts.append("\nThe above exception was the direct cause of the following exception:\n\n")
        elif exc.__context__ is not None and not exc.__suppress_context__:
            parts.append(format_exception(exc.__context__, _depth + 1))
            parts.append("\nDuring handling of the above exception, another exception occurred:\n\n")
    frames = list(traceback.extract_tb(exc.__traceback__))
    shown = _format_frames(frames) if not isinstance(exc, SyntaxError) else []
    if shown:
        parts.append("Traceback (most recent call last):\n")
        parts.extend(shown)
    parts.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(parts)


def cell_line(exc: BaseException, filename: str) -> int | None:
    """The line of the running cell (`filename`) where the error happened, or of the syntax error."""
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        return exc.lineno
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == filename:
            line = frame.lineno
    return line
