"""`blitz-tui export`: notebooks that validate, scripts that `blitz-tui exec` runs, the learner's edits in both."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

nbformat = pytest.importorskip("nbformat")

from curriculum.export import CellOutput, cell_texts, notebook  # noqa: E402
from curriculum.lesson import CodeCell, Prose, load_all  # noqa: E402
from curriculum.progress import ProgressStore  # noqa: E402


def blitz(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=240,
                          stdin=subprocess.DEVNULL, cwd=cwd)


def lesson_one():
    return next(lesson for lesson in load_all() if lesson.number == 1)


def edit_first_cell(marker: str) -> str:
    """Save an edit to lesson 1's first code cell as the app would; returns that cell's id."""
    lesson = lesson_one()
    cell = lesson.cells[0]
    store = ProgressStore()
    store.set_cell_text(lesson.id, cell.id, cell.source.rstrip("\n") + f"\nprint({marker!r})\n")
    assert store.save(force=True)
    return cell.id


def test_exported_notebook_validates_and_holds_prose_code_and_the_learners_edit(tmp_path):
    cell_id = edit_first_cell("EDITED-BY-LEARNER")
    target = tmp_path / "lesson1.ipynb"
    done = blitz("export", "1", "-o", str(target))
    assert done.returncode == 0, done.stderr
    book = nbformat.read(str(target), as_version=4)
    nbformat.validate(book)
    lesson = lesson_one()
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    prose = [cell for cell in book.cells if cell.cell_type == "markdown"]
    assert len(code) == len(lesson.cells)
    assert len(prose) == sum(1 for block in lesson.blocks if isinstance(block, Prose) and block.markdown.strip())
    first = next(cell for cell in code if cell.metadata["blitz_tui"]["cell_id"] == cell_id)
    assert "EDITED-BY-LEARNER" in first.source
    untouched = lesson.cells[1]
    assert code[1].source == untouched.source.rstrip("\n")
    assert book.metadata["kernelspec"]["name"] == "python3"


def test_exported_script_runs_through_blitz_tui_exec(tmp_path):
    edit_first_cell("EDITED-BY-LEARNER")
    done = blitz("export", "tensors", "--format", "py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    script = tmp_path / f"{lesson_one().path.stem}.py"
    text = script.read_text()
    assert text.count("# %%") == sum(1 for block in lesson_one().blocks if not isinstance(block, Prose)
                                     or block.markdown.strip()) + 1
    ran = blitz("exec", str(script), "--isolation", "namespaces")
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "EDITED-BY-LEARNER" in ran.stdout


def test_outputs_from_the_app_become_notebook_outputs_that_validate():
    from PIL import Image

    lesson = lesson_one()
    first, second = lesson.cells[0], lesson.cells[1]
    png = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(png, format="PNG")
    outputs = {
        first.id: CellOutput(streams=[("stdout", "a\n"), ("stdout", "b\n"), ("stderr", "warn\n")],
                             images=[png.getvalue()], execution_count=3),
        second.id: CellOutput(execution_count=4, error=("NameError", "name 'x' is not defined",
                                                        "Traceback\n  line 1\nNameError: name 'x' is not defined")),
    }
    book = notebook(lesson, cell_texts(lesson, None), outputs)
    nbformat.validate(nbformat.reads(nbformat.writes(book), as_version=4))
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    kinds = [(out.output_type, out.get("name")) for out in code[0].outputs]
    assert kinds == [("stream", "stdout"), ("stream", "stderr"), ("display_data", None)]
    assert code[0].outputs[0].text == "a\nb\n"
    assert code[0].execution_count == 3
    assert code[1].outputs[0].ename == "NameError" and code[1].outputs[0].traceback[-1].startswith("NameError")
    assert all(cell.outputs == [] for cell in code[2:])


def test_format_follows_the_output_suffix_and_names_by_file_stem(tmp_path):
    target = tmp_path / "work.py"
    done = blitz("export", lesson_one().path.stem, "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert target.read_text().startswith("# %% [markdown]")
    assert isinstance(lesson_one().cells[0], CodeCell)


@pytest.mark.parametrize("args", [("export", "99"), ("export", "no-such-lesson"), ("export", "1", "--format", "pdf"),
                                  ("export", "1", "-o", ".")])
def test_bad_values_exit_2_with_one_line(args, tmp_path):
    done = blitz(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 or "usage:" in done.stderr
