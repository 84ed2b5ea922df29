"""Scratch cells in the progress store: placed below a cell, chained, deleted, saved, never mixed in."""

from __future__ import annotations

import json

from curriculum.progress import ProgressStore


def test_a_new_scratch_cell_goes_right_below_and_the_chain_is_kept(tmp_path):
    store = ProgressStore(tmp_path / "progress.json")
    first = store.add_scratch_cell("tensors", "make")
    second = store.add_scratch_cell("tensors", "make")  # b again on the same cell: directly below it
    assert (first.id, second.id) == ("scratch-1", "scratch-2")
    below = {cell.after: cell.id for cell in store.scratch_cells("tensors")}
    assert below == {"make": "scratch-2", "scratch-2": "scratch-1"}
    store.set_scratch_text("tensors", "scratch-1", "print(1)")
    store.delete_scratch_cell("tensors", "scratch-2")
    assert [(c.id, c.after, c.text) for c in store.scratch_cells("tensors")] == [("scratch-1", "make", "print(1)")]
    assert store.add_scratch_cell("tensors", None).id == "scratch-2"  # ids are reused once free


def test_scratch_cells_are_saved_apart_from_edits_and_go_with_a_lesson_reset(tmp_path):
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    store.add_scratch_cell("tensors", "make")
    store.set_scratch_text("tensors", "scratch-1", "x = 3")
    assert store.save()
    again = ProgressStore(path)
    assert [c.text for c in again.scratch_cells("tensors")] == ["x = 3"]
    assert again.cell_text("tensors", "scratch-1") is None and again.edited_cells("tensors") == []
    again.reset_lesson("tensors")
    assert again.scratch_cells("tensors") == []


def test_an_unreadable_scratch_entry_is_skipped_not_fatal(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text(json.dumps({"version": 1, "last_lesson": None, "lessons": {"tensors": {
        "scratch": [{"id": "scratch-1", "after": "make", "text": "ok"}, 7, {"after": "make"}]}}}))
    store = ProgressStore(path)
    assert store.notice is None
    assert [c.id for c in store.scratch_cells("tensors")] == ["scratch-1"]
