"""`blitz-tui export LESSON [--format ipynb|py] [-o FILE]`: take a lesson's work away.

Writes the learner's current cells (their saved edits, else the lesson's own code), with the prose
between them, as a Jupyter notebook (nbformat, prose as Markdown cells) or as a percent-format script
(`# %%` cells, prose as `# %% [markdown]` comment cells) that `blitz-tui exec` runs. The headless CLI
has no outputs to include (the app keeps them only on screen); the app's palette action passes the
outputs it shows as `CellOutput`s. Checks, solutions and hints stay in the app.
"""

from __future__ import annotations

import base64
import sys
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("ipynb", "py")


@dataclass
class CellOutput:
    """What a cell showed after its last run, in the order it showed it."""

    streams: list[tuple[str, str]] = field(default_factory=list)  # ("stdout" | "stderr", text)
    images: list[bytes] = field(default_factory=list)  # PNG
    execution_count: int | None = None
    error: tuple[str, str, str] | None = None  # (ename, evalue, traceback text)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write a lesson's cells, with your edits, as a Jupyter notebook or a Python script",
        description="Write LESSON's prose and code cells, with your saved edits, as a Jupyter notebook (.ipynb) "
                    "or a percent-format script (.py, '# %%' cells) that `blitz-tui exec` runs.",
    )
    parser.add_argument("lesson", metavar="LESSON", help="the lesson's number or id (e.g. 1 or tensors)")
    parser.add_argument("--format", choices=FORMATS, help="ipynb or py (default: from -o's suffix, else ipynb)")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write (default: NN-name.FORMAT here)")
    parser.set_defaults(command="export")


def cell_texts(lesson, progress) -> dict[str, str]:
    """Each code cell's current text: the learner's saved edit, else the lesson's code."""
    texts = {}
    for cell in lesson.cells:
        saved = progress.cell_text(lesson.id, cell.id) if progress is not None else None
        texts[cell.id] = saved if saved is not None else cell.source
    return texts


def notebook(lesson, texts: dict[str, str], outputs: dict[str, CellOutput] | None = None):
    """An nbformat v4 notebook of the lesson: Markdown cells for prose, code cells with their outputs."""
    import nbformat
    from nbformat import v4

    from curriculum.lesson import CodeCell, Prose

    cells = []
    for block in lesson.blocks:
        if isinstance(block, Prose):
            if block.markdown.strip():
                cells.append(v4.new_markdown_cell(block.markdown.strip("\n")))
        elif isinstance(block, CodeCell):
            cell = v4.new_code_cell(texts.get(block.id, block.source).rstrip("\n"))
            cell.metadata["blitz_tui"] = {"cell_id": block.id, "exercise": block.exercise is not None}
            shown = (outputs or {}).get(block.id)
            if shown is not None:
                cell.execution_count = shown.execution_count
                cell.outputs = _outputs(shown)
            cells.append(cell)
    book = v4.new_notebook(cells=cells)
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    book.metadata["language_info"] = {"name": "python"}
    book.metadata["blitz_tui"] = {"lesson": lesson.id}
    nbformat.validate(book)
    return book


def _outputs(shown: CellOutput) -> list:
    from nbformat import v4

    result = []
    for stream, text in shown.streams:
        if result and result[-1].get("output_type") == "stream" and result[-1]["name"] == stream:
            result[-1]["text"] += text  # Jupyter merges neighbouring chunks of one stream too
        else:
            result.append(v4.new_output("stream", name=stream, text=text))
    for png in shown.images:
        result.append(v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode("ascii")}))
    if shown.error is not None:
        ename, evalue, traceback = shown.error
        result.append(v4.new_output("error", ename=ename, evalue=evalue, traceback=traceback.splitlines()))
    return result


def percent_script(lesson, texts: dict[str, str]) -> str:
    """A `# %%` script: prose as commented Markdown cells (they run as nothing), code cells as they are."""
    from curriculum.lesson import CodeCell, Prose

    parts = [f"# %% [markdown]\n# # Lesson {lesson.number}: {lesson.title}\n"
             f"# Exported by blitz-tui; run it with `blitz-tui exec {lesson.path.stem}.py`.\n"]
    for block in lesson.blocks:
        if isinstance(block, Prose):
            if block.markdown.strip():
                lines = block.markdown.strip("\n").splitlines()
                parts.append("# %% [markdown]\n" + "".join(f"# {line}".rstrip() + "\n" for line in lines))
        elif isinstance(block, CodeCell):
            parts.append(f"# %% id={block.id}\n" + texts.get(block.id, block.source).rstrip("\n") + "\n")
    return "\n".join(parts)


def render(lesson, texts: dict[str, str], fmt: str, outputs: dict[str, CellOutput] | None = None) -> str:
    if fmt == "py":
        return percent_script(lesson, texts)
    import nbformat

    return nbformat.writes(notebook(lesson, texts, outputs))


def default_name(lesson, fmt: str) -> str:
    return f"{lesson.path.stem}.{fmt}"


def format_for(path: str | None, fmt: str | None) -> str:
    """The format asked for, else the one -o's suffix names, else a notebook."""
    if fmt:
        return fmt
    suffix = Path(path).suffix.lstrip(".").lower() if path else ""
    return suffix if suffix in FORMATS else "ipynb"


def export(lesson, fmt: str, target: Path, progress=None, outputs: dict[str, CellOutput] | None = None) -> Path:
    """Write the lesson's current cells to `target` atomically; OSError when it cannot be written."""
    from curriculum.atomic import write_atomic

    write_atomic(target, render(lesson, cell_texts(lesson, progress), fmt, outputs))
    return target


def run(args) -> int:
    from curriculum.lesson import BrokenLesson, load_all
    from curriculum.progress import ProgressStore
    from curriculum.verify import select_lessons

    lessons = load_all()
    try:
        (lesson,) = select_lessons(lessons, [args.lesson])
    except ValueError as error:
        # The file's name ("01-tensors") or the title names a lesson too.
        named = [one for one in lessons if args.lesson.lower() in (one.path.stem.lower(), one.title.lower())]
        if not named:
            return _bad(str(error))
        lesson = named[0]
    if isinstance(lesson, BrokenLesson):
        return _bad(f"lesson {lesson.number} cannot be loaded: {lesson.error}")
    fmt = format_for(args.output, args.format)
    target = Path(args.output) if args.output else Path.cwd() / default_name(lesson, fmt)
    if target.is_dir():
        return _bad(f"{target} is a folder: give a file name with -o")
    store = ProgressStore()
    if store.notice:
        print(store.notice, file=sys.stderr)
    try:
        export(lesson, fmt, target, progress=store)
    except OSError as error:
        return _bad(f"cannot write {target}: {error.strerror or error}")
    edited = sum(store.cell_text(lesson.id, cell.id) is not None for cell in lesson.cells)
    print(f"Wrote lesson {lesson.number} ({len(lesson.cells)} cells, {edited} edited by you) to {target}")
    return 0


def _bad(message: str) -> int:
    print(f"blitz-tui export: {message}", file=sys.stderr)
    return 2
