"""`blitz-tui runs`: the table, --json, stop ID, and the arguments it refuses."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from curriculum.paths import runs_dir
from curriculum.training import detached
from tests.runs.test_detached import wait_until
from tests.runs.trainers import hanging_trainer, looping_trainer


def blitz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", "runs", *args], capture_output=True, text=True, timeout=120)


def records() -> dict[str, dict]:
    result = blitz("--json")
    assert result.returncode == 0, result.stderr
    return {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}


def test_list_json_stop_and_a_vanished_trainer(private_home):
    live, dead = runs_dir() / "20260101-100000-fast-synthetic", runs_dir() / "20260101-090000-fast-synthetic"
    detached.launch(looping_trainer(), live)
    victim = detached.launch(hanging_trainer(), dead)
    try:
        wait_until(lambda: detached.latest_epoch(live) and detached.latest_epoch(dead))
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()

        found = records()
        assert list(found) == [live.name, dead.name]  # newest first
        assert found[live.name]["status"] == "running" and found[live.name]["pid"] > 0
        assert set(found[live.name]) >= {"id", "status", "pid", "epoch", "test_acc", "started", "folder"}
        assert found[live.name]["folder"] == str(live)
        assert found[dead.name]["status"] == "failed" and "pid" not in found[dead.name]
        assert found[dead.name]["epoch"] == 0.4

        table = blitz()
        assert table.returncode == 0
        header, *rows = table.stdout.splitlines()
        assert header.split() == ["ID", "STATUS", "EPOCH", "TEST", "ACC", "STARTED", "DATA"]
        assert rows[0].split()[:2] == [live.name, "running"] and rows[1].split()[:2] == [dead.name, "failed"]
        assert "epoch 1 under way" in table.stdout  # a failed run's last stderr lines are shown

        stopped = blitz("stop", live.name[:15])  # a unique prefix is enough
        assert stopped.returncode == 0 and "stopped" in stopped.stdout, stopped.stderr
        assert records()[live.name]["status"] == "stopped"
    finally:
        for folder in (live, dead):
            state = detached.read_state(folder)
            if state and detached.trainer_alive(state):
                os.killpg(state["pid"], signal.SIGKILL)


def test_bad_arguments_exit_2_with_one_line(private_home):
    (runs_dir() / "20260101-000000-a").mkdir(parents=True)
    (runs_dir() / "20260101-000000-b").mkdir(parents=True)
    for args in (["stop"], ["attach", "nope"], ["stop", "20260101"], ["ls"], ["--bogus"]):
        result = blitz(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, (args, result.stderr)
    result = blitz("stop", "20260101")
    assert result.stderr.count("\n") == 1 and "matches 2 runs" in result.stderr


def test_no_runs_yet(private_home):
    result = blitz()
    assert result.returncode == 0 and "no training runs yet" in result.stdout
    assert blitz("--json").stdout == ""


@pytest.mark.slow
def test_train_detach_runs_the_real_trainer_in_the_background(private_home):
    """`blitz-tui train --detach` returns at once; the run then finishes on its own and says so."""
    started = subprocess.run([sys.executable, "-m", "tui", "train", "--detach", "--data", "synthetic:256",
                              "--preset", "fast", "--epochs", "1", "--device", "cpu"],
                             capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr
    run_id = started.stdout.split()[2]
    assert f"blitz-tui runs attach {run_id}" in started.stdout
    record = wait_until(lambda: (r := records().get(run_id)) and r["status"] != "running" and r, limit_s=240)
    assert record["status"] == "finished", record
    assert record["test_acc"] is not None and record["epoch"] > 0
    assert detached.read_state(runs_dir() / run_id)["command"][-2:] == ["--out", str(runs_dir() / run_id)]
