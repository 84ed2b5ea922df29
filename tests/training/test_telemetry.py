"""GPU telemetry through a fake NVML: fields, CUDA_VISIBLE_DEVICES, and the no-driver event."""

from __future__ import annotations

import threading

from curriculum.training.telemetry import GpuMonitor, nvml_status
from .helpers import FakeNvml


class Collector:
    def __init__(self):
        self.events = []
        self.got_two = threading.Event()

    def __call__(self, event):
        self.events.append(event.to_dict())  # the wire form the screen and the console read
        if len(self.events) >= 2:
            self.got_two.set()


def test_monitor_reports_every_visible_gpu(monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    collect = Collector()
    monitor = GpuMonitor(collect, interval=0.01, nvml=FakeNvml(count=2)).start()
    assert collect.got_two.wait(5)
    monitor.stop()
    event = collect.events[0]
    assert event["type"] == "gpu" and event["available"] is True
    assert [g["index"] for g in event["gpus"]] == [0, 1]
    first = event["gpus"][0]
    assert first == {"index": 0, "name": "Fake H100", "util": 40, "mem_used": 1000, "mem_total": 80_000,
                     "power_w": 250.5, "temp_c": None}


def test_cuda_visible_devices_picks_and_renumbers(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1")
    collect = Collector()
    monitor = GpuMonitor(collect, interval=0.01, nvml=FakeNvml(count=2)).start()
    assert collect.got_two.wait(5)
    monitor.stop()
    gpus = collect.events[0]["gpus"]
    assert len(gpus) == 1 and gpus[0]["index"] == 0 and gpus[0]["util"] == 41  # NVML GPU 1 is CUDA's 0


def test_uuid_in_cuda_visible_devices(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "GPU-abc-1,GPU-abc-0")
    assert nvml_status(FakeNvml(count=2)).startswith("NVML available, 2 GPUs")


def test_no_driver_gives_one_event_with_the_reason(monkeypatch):
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    collect = Collector()
    monitor = GpuMonitor(collect, interval=0.01, nvml=FakeNvml(fail_init=RuntimeError("Driver Not Loaded"))).start()
    monitor.stop()
    assert len(collect.events) == 1
    event = collect.events[0]
    assert event["available"] is False and "Driver Not Loaded" in event["reason"] and event["gpus"] == []


def test_hidden_gpus_are_reported_as_unavailable(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    status = nvml_status(FakeNvml(count=2))
    assert status.startswith("NVML unavailable") and "CUDA_VISIBLE_DEVICES" in status


def test_status_lines():
    assert nvml_status(FakeNvml(count=1)).startswith("NVML available, 1 GPU ")
    assert "no NVIDIA driver" in nvml_status(FakeNvml(fail_init=OSError("libnvidia-ml.so.1 not found")))
