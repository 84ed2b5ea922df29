"""Detached runs: their own session, a state file, and a status that tells the truth after kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from curriculum.training import detached
from tests.runs.trainers import hanging_trainer, looping_trainer


def wait_until(condition, limit_s: float = 30.0):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("condition never became true")


@pytest.fixture
def run_folder(private_home) -> Path:
    folder = private_home / "runs" / "20260101-000000-test"
    yield folder
    state = detached.read_state(folder)
    if state and detached.trainer_alive(state):
        os.killpg(state["pid"], signal.SIGKILL)


def test_a_detached_trainer_has_its_own_session_and_a_state_file(run_folder):
    process = detached.launch(looping_trainer(), run_folder)
    state = detached.read_state(run_folder)
    assert state["pid"] == process.pid and state["status"] == "running" and state["command"][0] == sys.executable
    assert os.getsid(process.pid) == process.pid != os.getsid(0)  # no terminal's hangup can reach it
    current = wait_until(lambda: (v := detached.view(run_folder)) and v.epoch is not None and v)
    assert current.status == "running" and current.pid == process.pid and current.data
    assert detached.live_folders(run_folder.parent) == [run_folder]
    assert detached.latest_epoch(run_folder) is not None


def test_stop_checkpoints_and_records_stopped(run_folder):
    detached.launch(looping_trainer(), run_folder)
    wait_until(lambda: detached.latest_epoch(run_folder) is not None)
    assert detached.stop(run_folder) == "stopped"
    assert not detached.trainer_alive(detached.read_state(run_folder))
    assert detached.read_state(run_folder)["status"] == "stopped"  # settled once, for every later reader
    assert detached.live_folders(run_folder.parent) == []


def test_kill_9_is_failed_with_the_last_stderr_lines(run_folder):
    process = detached.launch(hanging_trainer(), run_folder)
    wait_until(lambda: detached.latest_epoch(run_folder) is not None)
    assert detached.view(run_folder).status == "running"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()  # we started it, so we reap it (a zombie would be dead too)
    current = wait_until(lambda: (v := detached.view(run_folder)) and v.status != "running" and v, limit_s=5)
    assert current.status == "failed"
    assert "without an end event" in current.reason and "epoch 1 under way" in current.reason
    assert current.epoch == pytest.approx(0.4)


def test_it_survives_its_parent_and_a_sighup_to_the_parents_group(run_folder, tmp_path):
    """The app that started it quits (or its terminal hangs up): the trainer goes on."""
    app = textwrap.dedent(f"""
        import os, signal, sys, time
        signal.signal(signal.SIGHUP, signal.SIG_DFL)  # as an app in a terminal has it, even if the tests run under nohup
        sys.path.insert(0, {str(Path.cwd())!r})
        from pathlib import Path
        from curriculum.training import detached
        from tests.runs.trainers import looping_trainer
        detached.launch(looping_trainer(), Path({str(run_folder)!r}))
        print("started", flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", app], stdout=subprocess.PIPE, text=True, start_new_session=True)
    assert parent.stdout.readline().strip() == "started"
    os.killpg(parent.pid, signal.SIGHUP)  # what a closing terminal does to its session's group
    parent.wait(timeout=10)
    state = detached.read_state(run_folder)
    time.sleep(1.0)
    assert detached.trainer_alive(state), "the trainer died with the app"
    before = detached.latest_epoch(run_folder)
    wait_until(lambda: detached.latest_epoch(run_folder) != before)  # and it is still training
    assert detached.stop(run_folder) == "stopped"


def test_a_recycled_pid_is_not_the_trainer(run_folder):
    state = {"pid": os.getpid(), "pid_started": psutil.Process().create_time() - 100, "status": "running"}
    assert not detached.trainer_alive(state)
    assert detached.trainer_alive({**state, "pid_started": psutil.Process().create_time()})


def test_the_follower_reads_only_what_was_appended(tmp_path):
    from curriculum.training.events import EvalEvent, ProgressEvent, StartEvent

    events = tmp_path / "events.jsonl"
    progress = ProgressEvent(t=1.0, step=3).to_json()
    events.write_text(StartEvent(t=0.0).to_json() + "\n" + progress[:20])
    follower = detached.EventFollower(tmp_path)
    assert [e.TYPE for e in follower.read_new()] == ["start"]  # the half-written line waits
    offset = follower.offset
    with open(events, "a") as handle:
        handle.write(progress[20:] + "\n" + EvalEvent(t=2.0).to_json() + "\n")
    read = follower.read_new()
    assert [e.TYPE for e in read] == ["progress", "eval"] and read[0].step == 3
    assert follower.offset > offset and follower.read_new() == []


def test_a_resumed_run_is_one_timeline():
    """Two trainer processes in one events file: the second part's clock continues the first's, and its end,
    not the first part's, says how the run stands."""
    from curriculum.training.client.run_state import TrainingRun
    from curriculum.training.events import EndEvent, ProgressEvent, StartEvent

    run = TrainingRun()
    first = [StartEvent(t=0.0), ProgressEvent(t=10.0, step=100, epoch=0.5, loss=2.0),
             EndEvent(t=12.0, status="stopped", test_acc=0.3, train_s=12.0)]
    second = [StartEvent(t=0.0, resumed_from="/runs/x"), ProgressEvent(t=3.0, step=160, epoch=0.8, loss=1.5)]
    for event in first + second:
        run.apply(event)
    assert run.status == "running" and run.final is None
    assert [p.t for p in run.losses] == [10.0, 15.0] and run.train_seconds() == 15.0
