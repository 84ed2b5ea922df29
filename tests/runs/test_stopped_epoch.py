"""A stopped run: the clock stands still from the stop on, and every list records the epoch it reached.

The stream is the trainer's own shape for a stop part-way into epoch 2 (100 steps an epoch): its last
progress event says 1.37, but it trained to step 142 before it saw the stop, then saved a checkpoint.
"""

from __future__ import annotations

import json

from curriculum.paths import runs_dir
from curriculum.training import detached, runs_cli
from curriculum.training.client.run_state import TrainingRun
from curriculum.training.events import (CheckpointEvent, EndEvent, EvalEvent, ProgressEvent, StartEvent,
                                        TrainingEvent)


def stopped_stream() -> list[TrainingEvent]:
    events: list[TrainingEvent] = [StartEvent(t=0.0, config={"epochs": 3, "data": "synthetic"}, device="cpu",
                                              steps_per_epoch=100, total_steps=300)]
    events += [ProgressEvent(t=0.5 + 0.1 * s, step=s, epoch=s / 100, loss=2.0 - s / 200, images_per_s=500.0,
                             eta_s=round((300 - s) * 0.1, 1))
               for s in range(1, 138)]
    events.insert(101, EvalEvent(t=10.6, epoch=1.0, step=100, test_acc=0.31, train_s=10.0))
    events.append(CheckpointEvent(t=19.0, epoch=1, step=142, path="checkpoints/stopped.pt"))  # saving takes a while
    events.append(EndEvent(t=19.5, status="stopped", test_acc=0.31, train_s=14.2, steps=142, epochs_done=1))
    return events


def test_while_stopping_the_clock_stands_still_and_does_not_jump_at_the_end():
    run = TrainingRun()
    events = stopped_stream()
    for event in events[:-2]:
        run.apply(event)
    run.status = "stopping"  # what `RunSession.stop` does when the learner presses s
    at_stop = run.elapsed()
    run.apply(events[-2])  # the checkpoint, written after the last step
    assert run.status == "stopping" and run.elapsed() == at_stop
    run.apply(events[-1])
    assert run.status == "stopped" and run.elapsed() == at_stop


def test_a_stopped_run_records_the_epoch_it_reached_everywhere(private_home):
    folder = runs_dir() / "20260101-170000-fast-synthetic"
    folder.mkdir(parents=True)
    (folder / "events.jsonl").write_text("".join(e.to_json() + "\n" for e in stopped_stream()))
    detached.write_state(folder, {"pid": 2 ** 22 + 7, "started": "2026-01-01T17:00:00", "status": "running",
                                  "command": ["trainer"]})  # its trainer is gone: the events settle it

    run = detached.replay(folder)
    assert run.epoch_reached() == 1.42  # steps taken over steps per epoch, not the last progress event's 1.37

    [view] = runs_cli.all_runs()
    assert (view.status, view.epoch) == ("stopped", 1.42)
    assert json.loads(json.dumps(view.to_json()))["epoch"] == 1.42
    [summary] = detached.list_runs()  # the past-runs list
    assert summary.epoch == 1.42


def test_the_runs_table_prints_that_epoch(private_home, capsys):
    folder = runs_dir() / "20260101-170000-fast-synthetic"
    folder.mkdir(parents=True)
    (folder / "events.jsonl").write_text("".join(e.to_json() + "\n" for e in stopped_stream()))
    detached.write_state(folder, {"pid": 2 ** 22 + 7, "started": "2026-01-01T17:00:00", "status": "running"})
    runs_cli.print_table(runs_cli.all_runs())
    row = capsys.readouterr().out.splitlines()[1].split()
    assert row[1:3] == ["stopped", "1.42"]


def test_the_speed_panel_counts_down_to_nothing_while_stopping_and_keeps_its_clock():
    from tui.training.widgets.throughput import throughput_text

    run = TrainingRun()
    events = stopped_stream()
    for event in events[:-2]:
        run.apply(event)
    running = throughput_text(run, 200).plain
    run.status = "stopping"
    run.apply(events[-2])
    stopping = throughput_text(run, 200).plain
    run.apply(events[-1])
    stopped = throughput_text(run, 200).plain
    assert "ETA –" not in running and "ETA –" in stopping and "ETA –" in stopped
    assert "elapsed 0:14" in running and "elapsed 0:14" in stopping and "elapsed 0:14" in stopped
    assert "epoch 1.37/3" in stopping and "epoch 1.42/3" in stopped  # the end tells the steps actually taken
