"""The run model, the form's rules, the run store and CSV export: no Textual involved."""

from __future__ import annotations

import csv

import pytest

from curriculum.training.client.form import form_values, trainer_flags, validate, validate_all
from curriculum.training.events import ProgressEvent
from curriculum.training.client.run_state import EMA_BETA, TrainingRun, downsample
from curriculum.training.client.runs import (RunRecorder, export_csv, list_runs, load_run, new_run_dir, write_summary)

from training_helpers import load_events


def fold(name: str) -> TrainingRun:
    run = TrainingRun()
    for event in load_events(name):
        run.apply(event)
    return run


def test_a_recorded_cpu_run_folds_into_curves_accuracies_and_a_reason_for_no_gpu():
    run = fold("cpu_synthetic.jsonl")
    assert run.status == "finished"
    assert run.classes[:2] == ["airplane", "automobile"]
    assert len(run.evals) == 3 and run.test_acc() == pytest.approx(0.5204)
    assert run.gpu_available is False and run.gpu_reason.startswith("CPU run")
    assert run.synthetic and run.total_steps == 3750


def test_the_ema_is_bias_corrected_so_it_starts_at_the_first_loss():
    run = TrainingRun()
    run.apply(ProgressEvent(t=0.1, step=1, epoch=0.1, loss=2.0, images_per_s=1, eta_s=1))
    run.apply(ProgressEvent(t=0.2, step=2, epoch=0.2, loss=1.0, images_per_s=1, eta_s=1))
    assert run.losses[0].ema == pytest.approx(2.0)
    raw = EMA_BETA * (1 - EMA_BETA) * 2.0 + (1 - EMA_BETA) * 1.0
    assert run.losses[1].ema == pytest.approx(raw / (1 - EMA_BETA**2))


def test_an_error_event_fails_the_run_with_its_message():
    run = fold("failed_oom.jsonl")
    assert run.status == "failed"
    assert "out of memory" in run.reason


def test_a_process_that_dies_without_events_fails_with_stderr_or_exit_code():
    run = TrainingRun(status="running")
    run.process_exited(1, "RuntimeError: boom", stop_requested=False)
    assert (run.status, run.reason) == ("failed", "RuntimeError: boom")
    run = TrainingRun(status="running")
    run.process_exited(9, "", stop_requested=False)
    assert run.reason == "the trainer exited with code 9"
    run = TrainingRun(status="stopping")
    run.process_exited(130, "KeyboardInterrupt", stop_requested=True)
    assert run.status == "stopped"


def test_distributed_ranks_are_kept_from_gpu_and_end_events():
    run = fold("two_gpus_ddp.jsonl")
    assert [r["rank"] for r in run.ranks] == [0, 1]
    assert len(run.gpu_samples[-1].gpus) == 2


def test_step_at_maps_wall_time_onto_the_step_axis():
    run = fold("cpu_synthetic.jsonl")
    a, b = run.losses[10], run.losses[11]
    assert run.step_at((a.t + b.t) / 2) == pytest.approx((a.step + b.step) / 2)
    assert run.step_at(10_000) == run.losses[-1].step


def test_downsample_keeps_the_mean_and_the_span():
    xs = [float(i) for i in range(1000)]
    dx, dy = downsample(xs, xs, 100)
    assert len(dx) == 100 and dx[0] == pytest.approx(4.5) and dy[-1] == pytest.approx(994.5)
    assert downsample([1.0], [2.0], 100) == ([1.0], [2.0])


@pytest.mark.parametrize("key,text,ok", [
    ("lr", "0.01", True), ("lr", "0", False), ("lr", "-1", False), ("lr", "abc", False), ("lr", "nan", False),
    ("batch_size", "1", True), ("batch_size", "0", False), ("batch_size", "2.5", False),
    ("epochs", "3", True), ("epochs", "0", False),
    ("device", "auto", True), ("device", "cuda:1", True), ("device", "gpu", False), ("device", "cuda:", False),
    ("preset", "fast", True), ("preset", "turbo", False), ("model", "nope", False),
    ("data", "synthetic", True), ("data", "/no/such/folder", False), ("epochs", "", True),
])
def test_form_fields_follow_the_cli_rules(key, text, ok):
    assert (validate(key, text) is None) == ok


def test_only_filled_fields_become_trainer_flags(tmp_path):
    values = form_values({"data": "synthetic", "epochs": 3, "device": "cpu", "unknown": 1})
    assert values["preset"] == "faithful" and values["lr"] == ""
    assert validate_all(values) == {}
    flags = trainer_flags(values, out_dir=tmp_path)
    assert flags == ["--data", "synthetic", "--preset", "faithful", "--epochs", "3", "--device", "cpu",
                     "--out", str(tmp_path)]
    assert "batch_size" in validate_all({"batch_size": "0"})


def test_a_relative_data_path_reaches_the_trainer_absolute(tmp_path, monkeypatch):
    """The trainer runs in its own folder: `--data mydata` typed in the form (or given to `train`) must still
    name the learner's folder there."""
    from curriculum.training.options import BY_NAME

    for part in ("train/cat", "test/cat"):
        (tmp_path / "mydata" / part).mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    flags = trainer_flags({"data": "mydata", "epochs": "1"})
    assert flags[:2] == ["--data", str(tmp_path / "mydata")]
    assert BY_NAME["data"].parse("mydata") == str(tmp_path / "mydata")  # `train --data`, the app's --data
    assert trainer_flags({"data": "synthetic:500"})[:2] == ["--data", "synthetic:500"]


def test_recorded_runs_are_listed_newest_first_and_replay(tmp_path):
    events = load_events("cpu_synthetic.jsonl")
    first = new_run_dir({"preset": "faithful", "data": "synthetic"}, root=tmp_path)
    second = new_run_dir({"preset": "faithful", "data": "synthetic"}, root=tmp_path)
    for folder in (first, second):
        recorder = RunRecorder(folder)
        run = TrainingRun()
        for event in events:
            recorder.record(event)
            run.apply(event)
        recorder.close()
        write_summary(folder, run, "2025-01-02T03:04:05", {"data": "synthetic"})
    runs = list_runs(root=tmp_path)
    assert [r.path for r in runs] == [second, first]
    assert runs[0].test_acc == pytest.approx(0.5204) and runs[0].status == "finished" and runs[0].synthetic
    replayed = load_run(first)
    assert replayed is not None and len(replayed.losses) == len([e for e in events if isinstance(e, ProgressEvent)])


def test_a_run_left_running_by_a_killed_app_reads_interrupted(tmp_path):
    folder = new_run_dir({"preset": "fast", "data": "synthetic"}, root=tmp_path)
    write_summary(folder, TrainingRun(status="running"), "2025-01-01T00:00:00", {})
    assert list_runs(root=tmp_path)[0].status == "interrupted"
    assert list_runs(root=tmp_path, active=folder)[0].status == "running"


def test_csv_export_has_progress_and_eval_rows_with_per_class_columns(tmp_path):
    run = fold("cpu_synthetic.jsonl")
    path = export_csv(run, tmp_path / "metrics.csv")
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert "acc_airplane" in rows[0] and "loss_ema" in rows[0]
    evals = [r for r in rows if r["kind"] == "eval"]
    assert len(evals) == 3 and float(evals[-1]["test_acc"]) == pytest.approx(0.5204)
    assert sum(r["kind"] == "progress" for r in rows) == len(run.losses)


def test_the_reason_for_no_gpu_never_repeats_no_gpu():
    from curriculum.training.events import GpuEvent

    run = TrainingRun()
    run.apply(GpuEvent(available=False))
    assert run.gpu_reason == "no telemetry from the trainer"

