"""Files the trainer writes where a kernel could plant a symlink are never written through it."""

from __future__ import annotations

import argparse
import sys

import pytest

from curriculum.paths import cache_dir
from curriculum.safe_files import open_append, open_fresh


def test_a_symlinked_torchrun_log_leaves_its_target_unchanged(tmp_path):
    from curriculum.training.cli import configure
    from curriculum.training.torchrun_job import TorchrunJob, log_path

    target = tmp_path / "precious.txt"
    target.write_text("the user's file\n")
    args = configure(argparse.ArgumentParser()).parse_args(["--headless", "--json", "--nproc", "2"])
    log = log_path(args)
    assert log.parent == cache_dir() / "torchrun"  # where a cell can write
    log.parent.mkdir(parents=True, exist_ok=True)
    log.symlink_to(target)
    command = [sys.executable, "-c", "import sys; print('torchrun says hello', file=sys.stderr); sys.exit(1)"]
    TorchrunJob(args, command).run()
    assert target.read_text() == "the user's file\n"
    assert not log.is_symlink() and "torchrun says hello" in log.read_text()


def test_a_log_folder_that_is_a_symlink_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "logs").symlink_to(elsewhere)
    with pytest.raises(OSError):
        open_fresh(tmp_path / "logs" / "x.log")
    assert not any(elsewhere.iterdir())


def test_appending_never_follows_a_symlink(tmp_path):
    target = tmp_path / "target"
    target.write_text("keep\n")
    (tmp_path / "events.jsonl").symlink_to(target)
    with pytest.raises(OSError):
        open_append(tmp_path / "events.jsonl")
    assert target.read_text() == "keep\n"
