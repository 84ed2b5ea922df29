"""Two apps on one progress file: the second refuses with one line naming the first; a killed app blocks nobody."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from curriculum.paths import progress_file
from curriculum.progress import ProgressInUse, ProgressStore

HOLDER = ("import sys, time\nfrom curriculum.progress import ProgressStore\n"
          "store = ProgressStore(claim=True)\nprint('held', flush=True)\ntime.sleep(120)\n")


@pytest.fixture
def holder(private_home):
    """Another process that claimed the progress file, as a running app does."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True,
                               env=dict(os.environ, BLITZ_TUI_HOME=str(private_home)))
    assert process.stdout.readline().strip() == "held"
    yield process
    process.kill()
    process.wait()


def test_a_second_claim_names_the_first_by_pid(holder):
    with pytest.raises(ProgressInUse) as refused:
        ProgressStore(claim=True)
    assert refused.value.pid == holder.pid
    assert f"pid {holder.pid}" in str(refused.value) and str(progress_file()) in str(refused.value)


def test_a_second_app_refuses_with_one_line(holder, private_home):
    done = subprocess.run([sys.executable, "-m", "tui"], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env=dict(os.environ, BLITZ_TUI_HOME=str(private_home)))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"blitz-tui: another blitz-tui (pid {holder.pid}) already has your progress open")


def test_a_reset_refuses_while_an_app_holds_the_progress(holder, private_home):
    store = ProgressStore()  # reading needs no claim
    store.set_cell_text("tensors", "cell-1", "kept")
    store.save()
    done = subprocess.run([sys.executable, "-m", "tui", "progress", "--reset", "--yes"], capture_output=True,
                          text=True, timeout=60, env=dict(os.environ, BLITZ_TUI_HOME=str(private_home)))
    assert done.returncode == 1 and f"pid {holder.pid}" in done.stderr
    assert ProgressStore().cell_text("tensors", "cell-1") == "kept"


def test_a_killed_holder_leaves_no_lock_behind(holder):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    store = ProgressStore(claim=True)  # the stale lock file is still there, with the dead pid in it
    assert store.claim.held
    store.close()


def test_closing_lets_the_next_one_in(private_home):
    first = ProgressStore(claim=True)
    first.close()
    second = ProgressStore(claim=True)
    assert second.claim.held
    second.close()


def test_a_lock_file_that_is_a_link_is_not_followed(private_home, tmp_path):
    target = tmp_path / "precious"
    target.write_text("keep me")
    lock = progress_file().with_name(progress_file().name + ".lock")
    lock.symlink_to(target)
    with pytest.raises(OSError):
        ProgressStore(claim=True)
    assert target.read_text() == "keep me"
