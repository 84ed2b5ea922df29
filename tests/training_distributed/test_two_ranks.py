"""Two CPU ranks (gloo) under torchrun on synthetic data, as `train --nproc 2` runs them."""

from __future__ import annotations

import os
import signal
import time

import pytest

from .helpers import SMALL_RUN, Launcher, free_port, run_processes


def test_two_ranks_both_step_stay_identical_and_rank_0_reports_for_both(tmp_path, private_home):
    out = tmp_path / "run"
    launcher = Launcher("--nproc", "2", "--epochs", "2", "--out", str(out), "--gpu-interval", "0.2", *SMALL_RUN)
    assert launcher.finish() == 0, launcher.stderr
    kinds = [e["type"] for e in launcher.events]
    assert kinds[0] == "start" and kinds[-1] == "end" and kinds.count("start") == 1 and kinds.count("end") == 1
    start, end = launcher.events[0], launcher.events[-1]
    assert start["world_size"] == 2 and start["steps_per_epoch"] == 25  # 400 images: 200 per rank, batch 8
    assert end["status"] == "finished" and end["world_size"] == 2
    assert [r["rank"] for r in end["ranks"]] == [0, 1]
    for rank in end["ranks"]:
        assert rank["steps"] == 50 and rank["images_per_s"] > 0 and rank["device"] == "cpu"
    assert end["images_per_s"] == pytest.approx(sum(r["images_per_s"] for r in end["ranks"]), abs=0.2)
    # The end event compares every rank's final weights hash (gathered from each rank): DDP kept the
    # replicas identical. `test_the_end_event_says_when_the_replicas_drifted` shows that it can say no.
    assert end["replicas_in_sync"] is True
    # Per-rank telemetry came with the gpu events; on a CPU run they say why there is no GPU.
    gpu = launcher.of_type("gpu")
    assert gpu and all(len(e["ranks"]) == 2 and e["available"] is False and e["reason"] for e in gpu)
    # Only rank 0 wrote the run's files: one start in metrics.jsonl, one checkpoint per epoch.
    metrics = (out / "metrics.jsonl").read_text().splitlines()
    assert sum('"type":"start"' in line for line in metrics) == 1
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == ["epoch-001.pt", "epoch-002.pt"]
    assert (out / "model.pt").is_file()
    assert not run_processes(private_home)
    _the_training_screen_shows_a_row_per_rank(launcher.events)


def _the_training_screen_shows_a_row_per_rank(events: list[dict]) -> None:
    from curriculum.training.client.run_state import TrainingRun
    from curriculum.training.events import TrainingEvent
    from tui.training.widgets.gpu_panel import ranks_text

    run = TrainingRun()
    for event in events:
        run.apply(TrainingEvent.from_dict(event))
    assert run.world_size == 2 and run.status == "finished"
    header, *rows = ranks_text(run.ranks).plain.splitlines()
    assert header.split() == ["rank", "images/s", "device", "steps"]
    assert [row.split()[0] for row in rows] == ["0", "1"] and all(row.split()[2:] == ["cpu", "50"] for row in rows)


def test_the_end_event_says_when_the_replicas_drifted():
    """`replicas_in_sync` comes from each rank's own weights hash; one differing hash makes it False."""
    from types import SimpleNamespace

    from curriculum.training.events import EndEvent
    from curriculum.training.rank_report import RankReporter

    reporter = RankReporter(SimpleNamespace(rank=0, world_size=2, nnodes=1, leader=True), group=None, emit=None)
    rows = [{"row": {"rank": r, "images_per_s": 10.0}, "gpu": None, "problem": "", "hash": h}
            for r, h in ((0, "aa"), (1, "bb"))]
    reporter._gather = lambda final: rows
    assert reporter.final(EndEvent(status="finished")).replicas_in_sync is False
    rows[1]["hash"] = "aa"
    assert reporter.final(EndEvent(status="finished")).replicas_in_sync is True


@pytest.mark.slow
def test_two_machines_meet_at_a_loopback_rendezvous(private_home):
    endpoint = f"127.0.0.1:{free_port()}"
    common = ["--nproc", "1", "--nnodes", "2", "--rdzv-endpoint", endpoint, "--rdzv-timeout", "60", "--epochs", "1",
              *SMALL_RUN]
    first = Launcher(*common, "--node-rank", "0")
    second = Launcher(*common, "--node-rank", "1")
    assert first.finish() == 0, first.stderr
    assert second.finish() == 0, second.stderr
    end = first.events[-1]
    assert end["type"] == "end" and end["world_size"] == 2 and [r["rank"] for r in end["ranks"]] == [0, 1]
    assert all("host" in r for r in end["ranks"])
    assert second.events == []  # only rank 0 (on machine 0) prints events
    assert not run_processes(private_home)


def test_sigint_to_the_launcher_stops_every_rank_with_a_rank_0_checkpoint(tmp_path, private_home):
    out = tmp_path / "run"
    launcher = Launcher("--nproc", "2", "--epochs", "200", "--out", str(out), *SMALL_RUN)
    launcher.wait_for(lambda e: e["type"] == "progress" and e["step"] >= 30)
    os.kill(launcher.process.pid, signal.SIGINT)  # only the launcher, as the training screen's stop does
    assert launcher.finish(timeout=60) == 130, launcher.stderr
    end = launcher.events[-1]
    assert end["type"] == "end" and end["status"] == "stopped" and end["world_size"] == 2
    assert end["ranks"][0]["steps"] == end["ranks"][1]["steps"] > 0  # both ranks stopped before the same step
    assert (out / "checkpoints" / "stopped.pt").is_file()
    assert "error" not in [e["type"] for e in launcher.events]
    time.sleep(0.5)
    assert not run_processes(private_home)
