"""Pieces of the app that need no running app: the output tail and picture sizing."""

from __future__ import annotations

import threading

from tui.output_tail import MAX_LINE_CHARS, OutputTail


def test_keeps_the_last_lines_and_counts_the_hidden_ones():
    tail = OutputTail(max_lines=3)
    for number in range(10):
        tail.write("stdout", f"{number}\n")
    snapshot = tail.snapshot()
    assert [line.text for line in snapshot.lines] == ["7", "8", "9"]
    assert snapshot.hidden == 7


def test_a_line_split_across_writes_is_one_line():
    tail = OutputTail()
    tail.write("stdout", "loss 0.")
    tail.write("stdout", "25\nnext")
    assert [line.text for line in tail.snapshot().lines] == ["loss 0.25", "next"]


def test_stderr_lines_keep_their_stream():
    tail = OutputTail()
    tail.write("stdout", "fine\n")
    tail.write("stderr", "warning\n")
    assert [(line.stream, line.text) for line in tail.snapshot().lines] == [("stdout", "fine"), ("stderr", "warning")]


def test_a_huge_line_is_cut():
    tail = OutputTail()
    tail.write("stdout", "x" * (MAX_LINE_CHARS * 5) + "\n")
    (line,) = tail.snapshot().lines
    assert len(line.text) == MAX_LINE_CHARS and line.text.endswith("…")


def test_the_version_changes_only_on_writes():
    tail = OutputTail()
    first = tail.snapshot().version
    assert tail.snapshot().version == first
    tail.write("stdout", "a")
    assert tail.snapshot().version > first
    tail.write("stdout", "")
    assert tail.snapshot().version == first + 1


def test_many_threads_writing_lose_no_count():
    tail = OutputTail(max_lines=50)

    def write() -> None:
        for _ in range(20_000):
            tail.write("stdout", "line\n")

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    snapshot = tail.snapshot()
    assert len(snapshot.lines) == 50 and snapshot.hidden == 80_000 - 50


def test_clear_empties_it():
    tail = OutputTail()
    tail.write("stdout", "a\nb")
    tail.clear()
    snapshot = tail.snapshot()
    assert snapshot.lines == () and snapshot.hidden == 0


def test_pictures_fit_the_column_at_their_aspect_ratio():
    from tui.widgets.cell.images import fitted_size

    assert fitted_size(274, 36, 88) == (88, 6)  # a CIFAR grid: as wide as the column allows
    assert fitted_size(32, 32, 88) == (32, 16)  # one picture: a column per pixel, half-blocks are 1×2
    assert fitted_size(640, 480, 76) == (76, 28)
