"""The training events: every kind survives its JSON line, and junk never reaches a reader."""

from __future__ import annotations

import json

import pytest

from curriculum.training.events import (EVENT_CLASSES, CheckpointEvent, EndEvent, ErrorEvent, EvalEvent, GpuEvent,
                                        ProgressEvent, StartEvent, parse_event)

EXAMPLES = [
    StartEvent(t=0.1, config={"preset": "fast", "epochs": 4}, device="cuda:0",
               dataset={"kind": "synthetic", "synthetic": True, "classes": ["a", "b"]}, steps_per_epoch=10,
               total_steps=40, world_size=2, notice="SYNTHETIC data", distributed={"backend": "nccl"}),
    ProgressEvent(t=1.5, step=12, epoch=1.2, loss=2.25, images_per_s=512.5, eta_s=3.0),
    EvalEvent(t=2.0, epoch=1, step=10, test_acc=0.5, per_class={"a": 0.25, "b": 0.75}, confusion=[[1, 3], [1, 3]]),
    GpuEvent(t=2.5, available=True, gpus=[{"index": 0, "util": 50}], ranks=[{"rank": 0}]),
    CheckpointEvent(t=3.0, epoch=1, step=10, path="/runs/x/epoch-001.pt"),
    EndEvent(t=4.0, status="finished", test_acc=0.6, per_class={"a": 0.5}, train_s=3.5, steps=40, images_per_s=400.0,
             world_size=2, ranks=[{"rank": 0}, {"rank": 1}], epochs_done=4, replicas_in_sync=True),
    ErrorEvent(t=0.2, message="no such file or folder: x"),
]


def test_every_kind_has_an_example():
    assert {type(e) for e in EXAMPLES} == set(EVENT_CLASSES.values())


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: e.TYPE)
def test_each_event_round_trips_through_its_json_line(event):
    line = event.to_json()
    assert "\n" not in line and json.loads(line)["type"] == event.TYPE
    assert parse_event(line) == event


@pytest.mark.parametrize("junk", [
    "", "not json", "{", "[1, 2]", "42", '"start"', "null", '{"t": 1}', '{"type": "warp", "t": 1}',
    '{"type": 7}', "\x00\xff", "[" * 5000,
])
def test_junk_lines_are_not_events(junk):
    assert parse_event(junk) is None


def test_fields_of_the_wrong_type_fall_back_and_unknown_fields_are_ignored():
    event = parse_event('{"type": "progress", "t": "soon", "step": "x", "epoch": 1, "loss": 2, "eta_s": null, '
                        '"images_per_s": true, "from_the_future": 1}')
    assert event == ProgressEvent(t=0.0, step=0, epoch=1.0, loss=2.0, eta_s=None, images_per_s=0.0)
    end = parse_event('{"type": "end", "status": "stopped", "ranks": "none", "per_class": [1]}')
    assert end == EndEvent(status="stopped")


def test_a_diverged_loss_is_sent_as_null():
    line = ProgressEvent(step=1, loss=float("nan"), eta_s=float("inf")).to_json()
    assert '"loss":null' in line and '"eta_s":null' in line
    assert parse_event(line).loss is None


def test_a_run_stopped_early_has_one_way_to_say_so():
    end = EndEvent.stopped_early(world_size=2)
    assert end.status == "stopped" and end.world_size == 2 and end.test_acc is None and end.steps == 0
