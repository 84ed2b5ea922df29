"""The lesson files are the lesson list: adding `06-….md` gives a sixth lesson everywhere.

The test copies the course to a temporary folder and points the app at it with BLITZ_TUI_LESSONS,
the setting course authors use for lessons they are writing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import text_of
from tui_fakes import FakeKernel

from curriculum.lesson import LESSONS_DIR, load_all
from tui.app import BlitzApp
from tui.cli import build_parser
from tui.screens.help import HelpScreen
from tui.screens.lesson import LessonScreen
from tui.widgets.home.lesson_list import LessonList

ROOT = Path(__file__).resolve().parents[2]
SIXTH = """---
id: something
number: 6
title: Something new
summary: A lesson added as one file.
---
# Something new

```python id=only
print(6)
```
"""


@pytest.fixture
def six_lessons(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "lessons"
    shutil.copytree(LESSONS_DIR, folder)
    (folder / "06-something.md").write_text(SIXTH, encoding="utf-8")
    monkeypatch.setenv("BLITZ_TUI_LESSONS", str(folder))
    return folder


async def test_a_sixth_lesson_file_is_a_sixth_lesson_everywhere(six_lessons, progress):
    app = BlitzApp(progress=progress, kernel_factory=FakeKernel)
    async with app.run_test(size=(120, 40)) as pilot:
        assert [lesson.number for lesson in app.lessons] == [1, 2, 3, 4, 5, 6]
        rows = app.screen.query_one(LessonList)
        assert [rows.get_option_at_index(i).id for i in range(rows.option_count)][-2:] == ["lesson-6", "training"]
        assert "1-6 Open lesson" in _footer(app)

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "1 … 6" in text_of(app.screen.query_one("#help-keys").render())
        await pilot.press("escape")

        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Open lesson 6: Something new" in titles

        await pilot.press("6")
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen) and app.screen.lesson.title == "Something new"
        await pilot.press("p")
        await pilot.pause()
        assert app.screen.lesson.number == 5
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.lesson.number == 6
        await pilot.press("n")  # the last lesson: stays
        await pilot.pause()
        assert app.screen.lesson.number == 6


def test_the_command_line_offers_the_sixth_lesson(six_lessons):
    parser = build_parser()
    assert parser.parse_args(["--lesson", "6"]).lesson == 6
    assert "open lesson N (1, 2, 3, 4, 5, 6)" in " ".join(parser.format_help().split())
    with pytest.raises(SystemExit):
        parser.parse_args(["--lesson", "7"])


def _footer(app) -> str:
    from textual.widgets import Footer

    footer = app.screen.query_one(Footer)
    return " ".join(text_of(key.render()) for key in footer.children).replace("\n", " ")


@pytest.mark.parametrize("document", ["README.md", "docs/lessons.md"])
def test_the_lesson_tables_in_the_docs_match_the_lesson_files(document):
    """Each table row `| N | Title | …` names the lesson file numbered N, and every lesson has its row."""
    rows = {}
    for line in (ROOT / document).read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*(\d+)\s*\|\s*([^|]+?)\s*\|", line)
        if match:
            rows[int(match.group(1))] = match.group(2)
    assert rows == {lesson.number: lesson.title for lesson in load_all()}


def test_a_lessons_folder_that_does_not_exist_is_one_line_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "BLITZ_TUI_LESSONS": str(tmp_path / "nowhere")}
    done = subprocess.run([sys.executable, "-m", "tui.cli"], capture_output=True, text=True, env=env, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"blitz-tui: cannot start: the lessons folder {tmp_path / 'nowhere'} does not exist (check BLITZ_TUI_LESSONS)"
    ]
