"""Progress persistence: round trips, atomic saves, crashes, and files that cannot be used."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import curriculum.atomic
from curriculum import paths
from curriculum.lesson import load_all
from curriculum.progress import ExerciseProgress, ProgressStore


def test_a_fresh_store_is_empty_and_lives_in_the_data_dir(private_home):
    store = ProgressStore()
    assert store.path == paths.progress_file()
    assert str(store.path).startswith(str(private_home))
    assert store.notice is None
    assert store.cell_text("tensors", "imports") is None
    assert store.exercise("tensors", "make-tensors") == ExerciseProgress()
    assert store.position("tensors") is None and store.last_lesson is None
    assert not store.dirty


def test_everything_survives_a_save_and_a_new_store():
    store = ProgressStore()
    store.set_cell_text("tensors", "imports", "import torch\nprint('mine')")
    store.mark_passed("tensors", "make-tensors")
    store.use_hint("autograd", "fine-tune")
    store.use_hint("autograd", "fine-tune")
    store.mark_solution_seen("autograd", "no-tracking")
    store.set_position("autograd", "resnet")
    assert store.dirty
    assert store.save()
    assert not store.dirty

    again = ProgressStore()
    assert again.notice is None
    assert again.cell_text("tensors", "imports") == "import torch\nprint('mine')"
    assert again.exercise("tensors", "make-tensors").passed
    assert again.exercise("autograd", "fine-tune") == ExerciseProgress(passed=False, hints_used=2)
    assert again.exercise("autograd", "no-tracking").solution_seen
    assert again.position("autograd") == "resnet"
    assert again.last_lesson == "autograd"


def test_save_writes_only_when_something_changed():
    store = ProgressStore()
    assert store.save()
    assert not store.path.exists()  # nothing to save yet
    store.set_cell_text("tensors", "a", "x")
    store.save()
    store.set_cell_text("tensors", "a", "x")  # the same text: not a change
    assert not store.dirty


def test_hints_never_count_past_the_limit():
    store = ProgressStore()
    assert [store.use_hint("tensors", "x", limit=2) for _ in range(4)] == [1, 2, 2, 2]


def test_resets():
    store = ProgressStore()
    for lesson in ("tensors", "autograd"):
        store.set_cell_text(lesson, "a", "edited")
        store.set_cell_text(lesson, "ex", "edited exercise")
        store.mark_passed(lesson, "ex")
        store.use_hint(lesson, "ex")
    store.set_position("tensors", "a")

    store.reset_cell("tensors", "a")
    assert store.cell_text("tensors", "a") is None
    assert store.exercise("tensors", "ex").passed  # a cell reset keeps the exercise's status

    store.reset_exercise("tensors", "ex")
    assert store.exercise("tensors", "ex") == ExerciseProgress()
    assert store.cell_text("tensors", "ex") is None

    store.reset_lesson("tensors")
    assert store.position("tensors") is None and store.last_lesson is None
    assert store.exercise("autograd", "ex").passed  # other lessons untouched

    store.reset_all()
    assert store.exercise("autograd", "ex") == ExerciseProgress()
    store.save()
    assert ProgressStore().lesson_ids() == []


def test_lesson_summary_counts_passed_exercises_of_the_real_lessons():
    lessons = load_all()
    store = ProgressStore()
    tensors = lessons[0]
    store.mark_passed("tensors", tensors.exercises[0].id)
    store.mark_passed("tensors", tensors.exercises[2].id)
    store.use_hint("tensors", tensors.exercises[1].id)
    assert store.lesson_summary(tensors) == (2, len(tensors.exercises))
    assert store.lesson_summary(lessons[1]) == (0, len(lessons[1].exercises))


def test_a_crash_between_write_and_rename_loses_nothing_saved_before(monkeypatch):
    store = ProgressStore()
    store.set_cell_text("tensors", "imports", "saved before")
    store.mark_passed("tensors", "make-tensors")
    assert store.save()
    before = store.path.read_bytes()

    def crash(source, target):
        raise OSError(5, "simulated crash before the rename")

    with monkeypatch.context() as patched:
        patched.setattr(curriculum.atomic.os, "replace", crash)
        store.set_cell_text("tensors", "imports", "never reached the disk")
        assert not store.save()
    assert "simulated crash" in store.save_error
    assert store.dirty  # still unsaved: the app will try again

    assert store.path.read_bytes() == before
    assert not [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")], "the temporary file was left behind"
    again = ProgressStore()
    assert again.notice is None
    assert again.cell_text("tensors", "imports") == "saved before"
    assert again.exercise("tensors", "make-tensors").passed
    assert store.save()  # the next save goes through
    assert ProgressStore().cell_text("tensors", "imports") == "never reached the disk"


def test_a_leftover_temporary_file_from_a_killed_save_is_harmless():
    store = ProgressStore()
    store.set_cell_text("tensors", "imports", "good")
    store.save()
    (store.path.parent / f".{store.path.name}.abc123.tmp").write_text('{"version": 1, "lessons": {"tens')
    again = ProgressStore()
    assert again.notice is None and again.cell_text("tensors", "imports") == "good"


_SAVER = """
import sys
from curriculum.progress import ProgressStore
store = ProgressStore()
n = 0
while True:
    n += 1
    store.set_cell_text("tensors", "imports", "x" * 5000 + str(n))
    store.set_position("tensors", str(n))
    store.save()
    if n == 20:
        print("saving", flush=True)
"""


def test_kill_9_in_the_middle_of_saving_leaves_a_complete_file(private_home):
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    child = subprocess.Popen([sys.executable, "-c", _SAVER], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert child.stdout.readline().strip() == "saving"
        time.sleep(0.3)  # let it go on saving, then kill it at an arbitrary point
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    store = ProgressStore()
    assert store.notice is None
    saved = store.position("tensors")
    assert saved is not None and int(saved) >= 20
    assert store.cell_text("tensors", "imports") == "x" * 5000 + saved  # one whole save, not a mix


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"{\"version\": 1, \"lessons\": {", "damaged"),
        (b"\xff\xfe garbage", "damaged"),
        (b"[1, 2, 3]", "damaged"),
        (b'{"version": 99, "lessons": {}}', "unknown format version"),
        (b'{"version": 1, "last_lesson": null, "lessons": {"tensors": {"cells": {"a": 3}}}}', "unreadable cell texts"),
        (b'{"version": 1, "last_lesson": null, "lessons": {"tensors": {"exercises": {"e": {"hints_used": "2"}}}}}', "exercise record"),
        (b"", "damaged"),
    ],
)
def test_a_corrupt_file_is_moved_aside_with_a_notice(content, why):
    path = paths.progress_file()
    path.write_bytes(content)
    store = ProgressStore()
    assert store.notice is not None and why in store.notice
    moved = [p for p in path.parent.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert len(moved) == 1 and str(moved[0]) in store.notice
    assert moved[0].read_bytes() == content  # kept for the learner, untouched
    assert not path.exists()
    assert store.exercise("tensors", "make-tensors") == ExerciseProgress()
    store.set_cell_text("tensors", "imports", "fresh start")
    assert store.save()
    assert ProgressStore().cell_text("tensors", "imports") == "fresh start"


def test_two_corrupt_files_in_a_row_are_both_kept():
    path = paths.progress_file()
    for _ in range(2):
        path.write_text("not json")
        assert ProgressStore().notice
    assert len([p for p in path.parent.iterdir() if ".corrupt-" in p.name]) == 2


def test_an_unreadable_file_is_moved_aside_too():
    path = paths.progress_file()
    path.mkdir()  # reading a folder fails whoever we run as
    store = ProgressStore()
    assert "could not be read" in store.notice
    assert not path.exists()
    store.set_cell_text("tensors", "a", "b")
    assert store.save()


def test_a_save_the_disk_refuses_says_why(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    store = ProgressStore(blocker / "progress.json")  # its folder cannot be created
    store.set_cell_text("tensors", "a", "b")
    assert not store.save()
    assert "Could not save your progress" in store.save_error
    assert store.dirty


def test_the_file_is_plain_json_a_person_can_read():
    store = ProgressStore()
    store.mark_passed("tensors", "make-tensors")
    store.save()
    data = json.loads(store.path.read_text())
    assert data["version"] == 1
    assert data["lessons"]["tensors"]["exercises"]["make-tensors"]["passed"] is True
