"""The headless training client runs a trainer from start to end with no Textual at all."""

from __future__ import annotations

import threading

from curriculum.training.client.run_session import RunSession
from curriculum.training.client.runs import EVENTS_FILE, list_runs

from training_helpers import fake_trainer


def _session(trainer) -> tuple[RunSession, threading.Event, list]:
    exited = threading.Event()
    exits: list = []

    def on_exit(code: int, tail: str) -> None:
        exits.append((code, tail))
        exited.set()

    return RunSession(on_change=lambda: None, on_exit=on_exit, trainer=trainer), exited, exits


def test_a_session_runs_a_trainer_to_its_end_and_records_it():
    session, exited, exits = _session(fake_trainer("cpu_synthetic.jsonl"))
    assert session.start({"data": "synthetic", "preset": "fast"}) == {}
    assert exited.wait(60)
    session.process_exited(*exits[0])
    assert session.run.status == "finished" and session.run.test_acc() is not None
    assert (session.folder / EVENTS_FILE).stat().st_size > 0
    summary = list_runs()[0]
    assert summary.path == session.folder and summary.status == "finished"


def test_a_session_refuses_bad_values_without_starting_anything():
    session, _, _ = _session(fake_trainer("cpu_synthetic.jsonl"))
    errors = session.start({"epochs": "0"})
    assert set(errors) == {"epochs"} and session.folder is None and not session.running


def test_stopping_a_session_ends_it_as_stopped():
    session, exited, exits = _session(fake_trainer("cpu_synthetic.jsonl", delay=0.05))
    session.start({"data": "synthetic"})
    while not session.run.losses and not exited.is_set():
        exited.wait(0.05)
        session.drain()
    assert session.stop() and session.run.status == "stopping"
    session.wait_stopped()
    assert exited.wait(60)
    session.process_exited(*exits[0])
    assert session.run.status == "stopped" and session.returncode == 130
