"""Training in-process: it learns, its events are well-formed and ordered, resume picks up exactly."""

from __future__ import annotations

import json

import pytest

from curriculum.training import checkpoint
from curriculum.training.cli import main
from curriculum.training.data import load_dataset
from curriculum.training.events import Emitter
from curriculum.training.presets import make_config
from curriculum.training.trainer import Trainer


def _train(config, dataset, out_dir=None, resume=None):
    events = []
    trainer = Trainer(config, dataset, Emitter([lambda event: events.append(event.to_dict())]), out_dir=out_dir, resume=resume)
    trainer.start_event()
    status = trainer.run()
    return status, events


def test_loss_falls_and_accuracy_beats_chance():
    dataset = load_dataset("synthetic:2000")
    status, events = _train(make_config("faithful", epochs=2, data="synthetic:2000"), dataset)
    assert status == "finished"
    losses = [e["loss"] for e in events if e["type"] == "progress"]
    assert len(losses) >= 2 and losses[-1] < losses[0]
    assert events[-1]["type"] == "end" and events[-1]["test_acc"] > 0.2  # chance is 0.1


def test_events_are_well_formed_and_ordered(tmp_path):
    dataset = load_dataset("synthetic:400")
    _, events = _train(make_config("fast", epochs=2, batch_size=8, data="synthetic:400"), dataset, out_dir=tmp_path)
    kinds = [e["type"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "end"
    epoch_ends = [e for e in events if e["type"] == "checkpoint" or e["type"] == "eval" and e["epoch"] in (1, 2)]
    assert [e["type"] for e in epoch_ends] == ["eval", "checkpoint"] * 2
    # `fast` also tests several times within each epoch, so the first time an accuracy is reached shows.
    evals = [e for e in events if e["type"] == "eval"]
    assert len(evals) == 2 * 8 and [e["epoch"] for e in evals] == sorted(e["epoch"] for e in evals)
    assert [e["train_s"] for e in evals] == sorted(e["train_s"] for e in evals)
    times = [e["t"] for e in events]
    assert times == sorted(times)
    start = events[0]
    assert start["dataset"]["classes"][0] == "airplane" and start["dataset"]["synthetic"] is True
    assert start["steps_per_epoch"] == 50 and start["total_steps"] == 100 and start["world_size"] == 1
    assert set(start["config"]) >= {"preset", "model", "epochs", "batch_size", "lr", "momentum", "device", "seed", "data"}
    progress = [e for e in events if e["type"] == "progress"]
    assert progress[-1]["step"] == 100 and all(p["images_per_s"] > 0 for p in progress)
    assert [p["step"] for p in progress] == sorted(p["step"] for p in progress)
    evaluation = next(e for e in events if e["type"] == "eval")
    assert len(evaluation["confusion"]) == 10 and sum(map(sum, evaluation["confusion"])) == 80
    assert 0 <= evaluation["test_acc"] <= 1 and set(evaluation["per_class"]) == set(start["dataset"]["classes"])
    end = events[-1]
    assert end["status"] == "finished" and end["steps"] == 100 and end["train_s"] > 0
    assert (tmp_path / "model.pt").is_file() and (tmp_path / "checkpoints" / "epoch-002.pt").is_file()


def test_resume_continues_from_the_next_epoch(tmp_path):
    dataset = load_dataset("synthetic:400")
    _train(make_config("fast", epochs=1, batch_size=8, data="synthetic:400"), dataset, out_dir=tmp_path)
    saved = checkpoint.load_last(tmp_path)
    assert saved["state"].epoch == 1 and saved["state"].global_step == 50
    config = make_config("fast", epochs=3, batch_size=8, data="synthetic:400")
    _, events = _train(config, dataset, out_dir=tmp_path, resume=saved)
    assert events[0]["first_epoch"] == 1 and events[0]["first_step"] == 50
    assert [e["epoch"] for e in events if e["type"] == "eval" and e["epoch"] % 1 == 0] == [2, 3]
    assert events[-1]["steps"] == 150


def test_stop_mid_epoch_then_resume_replays_the_same_batches(tmp_path):
    """Stopping after 30 steps and resuming ends with the same weights as an uninterrupted run."""
    dataset = load_dataset("synthetic:400")
    config = make_config("faithful", epochs=1, batch_size=8, data="synthetic:400")
    _, whole = _train(config, dataset)

    events = []
    trainer = Trainer(config, dataset, Emitter([lambda event: events.append(event.to_dict())]), out_dir=tmp_path)
    real_step = trainer.step

    def counting(indices, calls=[0]):
        real_step(indices)
        calls[0] += 1
        if calls[0] == 30:
            trainer.request_stop()

    trainer.step = counting
    counting.loss_sum = real_step.loss_sum
    counting.export_state = real_step.export_state
    assert trainer.run() == "stopped"
    assert events[-1]["status"] == "stopped" and events[-1]["steps"] == 30
    saved = checkpoint.load_last(tmp_path)
    assert saved["state"].step_in_epoch == 30
    _, resumed = _train(config, dataset, resume=saved)
    assert resumed[-1]["steps"] == 50
    assert resumed[-1]["test_acc"] == pytest.approx(whole[-1]["test_acc"], abs=1e-9)


def test_cli_json_run_writes_metrics(tmp_path, capsys):
    code = main(["--headless", "--json", "--data", "synthetic:100", "--preset", "fast", "--epochs", "1",
                 "--out", str(tmp_path), "--no-telemetry"])
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["type"] == "start" and lines[-1]["type"] == "end"
    assert {"test_acc", "per_class", "train_s", "steps", "images_per_s"} <= set(lines[-1])
    metrics = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert [m["type"] for m in metrics if m["type"] != "progress"] == ["start", "eval", "checkpoint", "end"]


def test_cli_console_prints_a_final_table(capsys):
    assert main(["--headless", "--data", "synthetic:100", "--preset", "fast", "--epochs", "1", "--no-telemetry"]) == 0
    out = capsys.readouterr().out
    assert "SYNTHETIC data" in out and "truck" in out and "overall" in out


def test_learns_the_shared_sample(cifar_sample):
    dataset = load_dataset(str(cifar_sample))
    assert dataset.summary()["train"] == 8000 and not dataset.synthetic
    status, events = _train(make_config("fast", epochs=1, data=str(cifar_sample)), dataset)
    losses = [e["loss"] for e in events if e["type"] == "progress"]
    assert losses[-1] < losses[0] and events[-1]["test_acc"] > 0.2
