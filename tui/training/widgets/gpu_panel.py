"""Per-GPU utilisation, memory, power and temperature, with a short history under the loss plot's
x axis; one line saying why when there is no GPU; a per-rank table for distributed runs."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual_plotext import PlotextPlot

from tui.training.run_state import TrainingRun, downsample
from tui.training.widgets.quiet_static import QuietStatic

GIB = 1024**3
HISTORY_COLORS = ("cyan", "green", "magenta", "yellow")


def short_name(name: str) -> str:
    for prefix in ("NVIDIA ", "GeForce ", "Tesla "):
        name = name.replace(prefix, "")
    return name[:14]


def gpu_lines(run: TrainingRun, width: int = 80) -> Text:
    if run.gpu_available is False or (run.gpu_available is None and run.is_over and not run.gpu_samples):
        return Text(f"No GPU: {run.gpu_reason or 'no telemetry from the trainer'}", style="yellow")
    if not run.gpu_samples:
        if run.status in ("starting", "running"):
            return Text("Waiting for GPU telemetry…", style="dim")
        return Text("GPU use shows here during a run.", style="dim")
    out = Text()
    for gpu in run.gpu_samples[-1].gpus:
        used = _num(gpu.get("mem_used")) / GIB
        total = _num(gpu.get("mem_total")) / GIB
        util = _num(gpu.get("util"))
        out.append(f"GPU{gpu.get('index', '?')} ", style="bold")
        if width >= 52:  # the model name is the first thing to go on a narrow terminal
            out.append(f"{short_name(str(gpu.get('name', ''))):<14} ")
        out.append(f"{util:3.0f}%", style="bold green" if util >= 70 else ("yellow" if util >= 30 else "red"))
        out.append(f" {used:4.1f}/{total:.0f} GiB {_num(gpu.get('power_w')):3.0f} W {_num(gpu.get('temp_c')):2.0f}°C\n")
    out.rstrip()
    return out


def ranks_text(ranks: list[dict[str, Any]]) -> Text:
    """Every key the trainer sent, rank first, so issue 7's extra fields show without changes here."""
    columns = ["rank"] + sorted({k for r in ranks for k in r} - {"rank"}, key=lambda k: (k != "images_per_s", k))
    out = Text(" ".join(f"{c.replace('_per_s', '/s'):>10}" for c in columns), style="bold")
    for r in ranks:
        out.append("\n" + " ".join(f"{_cell(r.get(c)):>10}" for c in columns))
    return out


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    return "–" if value is None else str(value)[:10]


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


class GpuPanel(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._plotted: tuple | None = None

    def compose(self) -> ComposeResult:
        yield QuietStatic("", id="gpu-lines")
        yield QuietStatic("", id="ranks")
        yield PlotextPlot(id="gpu-history")

    def on_mount(self) -> None:
        self.border_title = "GPU"
        self.query_one("#gpu-history").display = False
        self.query_one("#ranks").display = False

    def refresh_from(self, run: TrainingRun, x_axis: str, x_range: tuple[float, float] | None) -> bool:
        lines = gpu_lines(run, self.content_size.width)
        changed = self.query_one("#gpu-lines", QuietStatic).show(lines)
        ranks = self.query_one("#ranks", QuietStatic)
        ranks.display = bool(run.ranks)
        if run.ranks:
            changed |= ranks.show(ranks_text(run.ranks))
        plot = self.query_one("#gpu-history", PlotextPlot)
        # The history needs a few rows to mean anything; the numbers and ranks come first.
        spare = self.content_size.height - len(lines.plain.splitlines()) - (len(run.ranks) + 1 if run.ranks else 0)
        plot.display = bool(run.gpu_samples) and spare >= 4
        if plot.display:
            changed |= self._plot(plot, run, x_axis, x_range)
        return changed

    def _plot(self, plot: PlotextPlot, run: TrainingRun, x_axis: str, x_range: tuple[float, float] | None) -> bool:
        key = (id(run), len(run.gpu_samples), x_axis, x_range, plot.size.width, plot.size.height)
        if key == self._plotted:
            return False
        self._plotted = key
        samples = run.gpu_samples
        xs = [s.t if x_axis == "time" else run.step_at(s.t) for s in samples]
        plt = plot.plt
        plt.clear_data()
        count = max(len(s.gpus) for s in samples)
        for i in range(min(count, len(HISTORY_COLORS))):
            util = [_num(s.gpus[i].get("util")) if i < len(s.gpus) else 0.0 for s in samples]
            dx, dy = downsample(xs, util, 2 * max(plot.size.width, 10))
            plt.plot(dx, dy, label=f"GPU{i} util %", color=HISTORY_COLORS[i], marker="braille")
        mem = [100 * _num(s.gpus[0].get("mem_used")) / (_num(s.gpus[0].get("mem_total")) or 1) for s in samples]
        dx, dy = downsample(xs, mem, 2 * max(plot.size.width, 10))
        plt.plot(dx, dy, label="GPU0 mem %", color="white", marker="braille")
        plt.ylim(0, 100)
        if x_range is not None:
            plt.xlim(*x_range)
        plot.refresh()
        return True
