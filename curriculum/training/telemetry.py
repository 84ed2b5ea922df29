"""Per-GPU utilisation, memory, power and temperature from NVML, sampled in a background thread.

The NVML module is injectable (`nvml=`) so tests run with a fake; by default it is nvidia-ml-py's
`pynvml`. Only the GPUs CUDA_VISIBLE_DEVICES leaves visible are reported, in CUDA's order.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

from curriculum.training.events import GpuEvent


class NvmlUnavailable(Exception):
    """Why no GPU can be read; the message is one line."""


def _load_nvml(nvml=None):
    if nvml is not None:
        return nvml
    try:
        import pynvml
    except ImportError:
        raise NvmlUnavailable("nvidia-ml-py is not installed") from None
    return pynvml


def _visible_handles(nvml) -> list[tuple[int, object]]:
    """(CUDA index, NVML handle) for each GPU this process may use."""
    try:
        nvml.nvmlInit()
    except Exception as error:  # NVMLError_LibraryNotFound, _DriverNotLoaded, ...
        raise NvmlUnavailable(f"NVML cannot start: {error or type(error).__name__} (no NVIDIA driver?)") from None
    count = nvml.nvmlDeviceGetCount()
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return [(i, nvml.nvmlDeviceGetHandleByIndex(i)) for i in range(count)]
    handles = []
    for position, item in enumerate(x.strip() for x in visible.split(",")):
        if not item:
            continue
        try:
            if item.isdigit():
                if int(item) >= count:
                    break  # CUDA stops at the first invalid entry
                handle = nvml.nvmlDeviceGetHandleByIndex(int(item))
            else:
                handle = nvml.nvmlDeviceGetHandleByUUID(item)
        except Exception:
            break
        handles.append((position, handle))
    if not handles:
        raise NvmlUnavailable(f"CUDA_VISIBLE_DEVICES={visible!r} leaves no GPU visible")
    return handles


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def sample(nvml, handles) -> list[dict]:
    """One reading per GPU; a field the GPU does not report is None."""
    out = []
    for index, handle in handles:
        def read(fn, *args):
            try:
                return fn(handle, *args)
            except Exception:
                return None

        util = read(nvml.nvmlDeviceGetUtilizationRates)
        memory = read(nvml.nvmlDeviceGetMemoryInfo)
        power = read(nvml.nvmlDeviceGetPowerUsage)
        out.append({
            "index": index,
            "name": _text(read(nvml.nvmlDeviceGetName) or "GPU"),
            "util": None if util is None else util.gpu,
            "mem_used": None if memory is None else memory.used,
            "mem_total": None if memory is None else memory.total,
            "power_w": None if power is None else round(power / 1000, 1),
            "temp_c": read(nvml.nvmlDeviceGetTemperature, 0),  # 0 = NVML_TEMPERATURE_GPU
        })
    return out


class GpuMonitor:
    """Calls `emit(GpuEvent(...))` every `interval` seconds until stopped; once, saying why, without NVML."""

    def __init__(self, emit: Callable[[GpuEvent], object], interval: float = 1.0, nvml=None):
        self.emit, self.interval, self._nvml = emit, interval, nvml
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "GpuMonitor":
        try:
            nvml = _load_nvml(self._nvml)
            handles = _visible_handles(nvml)
        except NvmlUnavailable as error:
            self.emit(GpuEvent(available=False, reason=str(error)))
            return self
        self._thread = threading.Thread(target=self._run, args=(nvml, handles), name="gpu-monitor", daemon=True)
        self._thread.start()
        return self

    def _run(self, nvml, handles) -> None:
        while True:
            self.emit(GpuEvent(available=True, gpus=sample(nvml, handles)))
            if self._stop.wait(self.interval):
                break
        try:
            nvml.nvmlShutdown()
        except Exception:
            pass

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def nvml_status(nvml=None) -> str:
    """One line for `blitz-tui doctor`: how many GPUs NVML sees, or why it cannot."""
    try:
        nvml = _load_nvml(nvml)
        handles = _visible_handles(nvml)
    except NvmlUnavailable as error:
        return f"NVML unavailable: {error}"
    names = sorted({_text(nvml.nvmlDeviceGetName(h)) for _, h in handles})
    try:
        nvml.nvmlShutdown()
    except Exception:
        pass
    return f"NVML available, {len(handles)} GPU{'s' if len(handles) != 1 else ''} ({', '.join(names)})"
