"""The lesson loader: a good file, and files that fail to parse naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.lesson import BrokenLesson, LessonError, load_all, load_lesson

GOOD = '''---
id: sample
number: 7
title: A sample
summary: For the tests.
train_preset: faithful
train_epochs: "2"
---

Some *prose*.

```python id=first
x = 1
```

```bash
pip install nothing   # shown as prose, never run
```

```python exercise id=double title="Double it"
y = None
```

```check
assert y == 2 * x, "y should be twice x"
```

```hint
Multiply.
```

```hint
By two.
```

```solution
y = 2 * x
```

```python
z = 3
```
'''


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_lesson_loads_with_its_blocks_exercise_and_meta(tmp_path):
    lesson = load_lesson(write(tmp_path, "07-sample.md", GOOD))
    assert (lesson.id, lesson.number, lesson.title, lesson.summary) == ("sample", 7, "A sample", "For the tests.")
    assert lesson.meta == {"train_preset": "faithful", "train_epochs": "2"}
    assert [cell.id for cell in lesson.cells] == ["first", "double", "cell-3"]
    exercise = lesson.cell("double").exercise
    assert exercise.title == "Double it"
    assert exercise.hints == ["Multiply.", "By two."]
    assert exercise.solution.strip() == "y = 2 * x"
    assert lesson.cells_before("double") == [lesson.cell("first")]
    assert lesson.cell("first").line == 12
    assert any("pip install nothing" in block.markdown for block in lesson.blocks if hasattr(block, "markdown"))


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD.rstrip("\n").removesuffix("```"), 40, "never closed"),
        (GOOD.replace("```python exercise id=double", "```python exercise id=first", 1), 20, "used twice"),
        (GOOD.replace('```check\nassert y == 2 * x, "y should be twice x"\n```\n', "", 1), 20, "no `check`"),
        (GOOD.replace("```hint\nBy two.\n```", "```hint\nBy two.\n```\n\n```hint\nc\n```\n\n```hint\nd\n```", 1), 40, "at most 3"),
        (GOOD.replace("```python\nz = 3", "```solution\nz = 3", 1), 40, "already has"),
        ("no front matter\n", 1, "front matter"),
        (GOOD.replace("number: 7", "number: seven", 1), 1, "whole number"),
        (GOOD.replace("title: A sample\n", "title A sample\n", 1), 4, "key: value"),
        ('---\nid: a\nnumber: 1\ntitle: t\n---\n```check\nassert True\n```\n', 6, "must follow an exercise"),
    ],
)
def test_a_file_that_fails_to_parse_names_the_file_and_line(tmp_path, text, line, words):
    path = write(tmp_path, "07-sample.md", text)
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert caught.value.line == line
    assert words in caught.value.message
    assert str(caught.value).startswith(f"07-sample.md, line {line}:")


def test_a_broken_lesson_does_not_stop_the_others_loading(tmp_path):
    write(tmp_path, "01-good.md", GOOD.replace("number: 7", "number: 1"))
    write(tmp_path, "02-bad-one.md", GOOD.rstrip("\n").removesuffix("```").replace("number: 7", "number: 2"))
    loaded = load_all(tmp_path)
    assert [type(lesson).__name__ for lesson in loaded] == ["Lesson", "BrokenLesson"]
    broken = loaded[1]
    assert isinstance(broken, BrokenLesson)
    assert (broken.number, broken.id, broken.title) == (2, "bad-one", "Bad one")
    assert "02-bad-one.md, line 40" in str(broken.error)


def test_an_unreadable_file_is_a_broken_lesson_too(tmp_path):
    (tmp_path / "03-binary.md").write_bytes(b"\xff\xfe\x00not utf-8")
    [broken] = load_all(tmp_path)
    assert isinstance(broken, BrokenLesson)
    assert broken.error.line == 1 and "cannot read" in broken.error.message


@pytest.mark.parametrize(("entry", "says"), [
    ("train_model: lenet", "train_model must be one of blitz, wide (got 'lenet')"),
    ("train_speed: 3", "unknown training key `train_speed`"),
    ("train_lr: -1", "train_lr must be greater than 0 (got -1)"),
    ("train_device: tpu", "train_device must be auto, cpu, cuda or cuda:N (got 'tpu')"),
])
def test_a_bad_training_key_or_value_is_a_lesson_error_naming_file_and_line(tmp_path, entry, says):
    lines = GOOD.splitlines()
    lines.insert(6, entry)  # line 7 of the file, after train_preset
    (tmp_path / "07-sample.md").write_text("\n".join(lines) + "\n")
    [broken] = load_all(tmp_path)
    assert isinstance(broken, BrokenLesson)
    assert broken.error.path.name == "07-sample.md" and broken.error.line == 7
    assert says in str(broken.error) and str(broken.error).startswith("07-sample.md, line 7:")


def test_every_real_lessons_training_keys_are_valid():
    from curriculum.lesson import LESSONS_DIR

    assert not [lesson for lesson in load_all(LESSONS_DIR) if isinstance(lesson, BrokenLesson)]
