"""A trainer stream recorded on a real machine, replayed into the training screen (bench/gpu_check.py runs it).

Skipped unless BLITZ_GPU_EVENTS names a recorded `--json` stream. When the stream has NVML readings,
the GPU panel must show the GPU's name and its numbers; without them, it must say why there is no GPU.
BLITZ_GPU_REQUIRE=1 (set on a CUDA machine) makes a stream without readings a failure.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from curriculum.training.events import GpuEvent, TrainingEvent
from training_helpers import play, recorded

from tui.training.widgets.gpu_panel import short_name

EVENTS = os.environ.get("BLITZ_GPU_EVENTS")
pytestmark = pytest.mark.skipif(not EVENTS, reason="no recorded stream: set BLITZ_GPU_EVENTS (bench/gpu_check.sh does)")


async def test_recorded_gpu_events_fill_the_gpu_panel():
    events = [TrainingEvent.from_dict(json.loads(line)) for line in Path(EVENTS).read_text().splitlines() if line.strip()]
    readings = [e for e in events if isinstance(e, GpuEvent) and e.available and e.gpus]
    if os.environ.get("BLITZ_GPU_REQUIRE") == "1":
        assert readings, "the recorded stream has no NVML readings"
    app = recorded(Path(EVENTS).resolve())  # played through the trainer pipe, as a live run's events come
    async with app.run_test(size=(120, 40)) as pilot:
        await play(pilot)
        panel = app.screen.query_one("#gpu-lines").text
        print(f"GPU panel: {panel!r}")
        if not readings:
            reason = next((e.reason for e in events if isinstance(e, GpuEvent)), "")
            assert panel.startswith("No GPU") and reason and reason in panel
            return
        last = readings[-1].gpus[0]
        first_line = panel.splitlines()[0]
        assert short_name(last["name"]) in first_line, f"the GPU's name {last['name']!r} is not in {first_line!r}"
        for field, shown in (("util", "{:.0f}%"), ("mem_total", "/{:.0f} GiB"), ("temp_c", "{:.0f}°C"),
                             ("power_w", "{:.0f} W")):
            value = last.get(field)
            assert value is not None, f"NVML gave no {field}: {last}"
            value = value / 2**30 if field == "mem_total" else value
            assert shown.format(value) in first_line, f"{field} {shown.format(value)!r} is not in {first_line!r}"
        assert 0 < last["mem_used"] <= last["mem_total"]
