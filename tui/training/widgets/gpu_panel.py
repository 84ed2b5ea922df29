"""Per-GPU utilisation, memory, power and temperature, with a short history under the loss plot's
x axis; one line saying why when there is no GPU; a per-rank table for distributed runs."""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual_plotext.plot import Plot

from curriculum.training.client.run_state import GpuSample, LossPoint, TrainingRun, downsample, steps_at
from tui.training.widgets.loss_plot import other_axis
from tui.training.widgets.prebuilt_plot import Draw, PrebuiltPlot
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


def gpu_figure(samples: list[GpuSample], losses: list[LossPoint], x_axis: str,
               span: tuple[float, float] | None, points: int) -> Draw:
    """Utilisation of each GPU and GPU0's memory, from data copied now; drawn in the plot worker."""
    return partial(draw_gpu, samples=samples, losses=losses, x_axis=x_axis, span=span, points=points)


def draw_gpu(plt: Plot, *, samples: list[GpuSample], losses: list[LossPoint], x_axis: str,
             span: tuple[float, float] | None, points: int) -> None:
    times = [s.t for s in samples]
    xs = times if x_axis == "time" else steps_at(losses, times)
    count = max(len(s.gpus) for s in samples)
    for i in range(min(count, len(HISTORY_COLORS))):
        util = [_num(s.gpus[i].get("util")) if i < len(s.gpus) else 0.0 for s in samples]
        dx, dy = downsample(xs, util, points)
        plt.plot(dx, dy, label=f"GPU{i} util %", color=HISTORY_COLORS[i], marker="braille")
    mem = [100 * _num(s.gpus[0].get("mem_used")) / (_num(s.gpus[0].get("mem_total")) or 1) for s in samples]
    dx, dy = downsample(xs, mem, points)
    plt.plot(dx, dy, label="GPU0 mem %", color="white", marker="braille")
    plt.ylim(0, 100)
    if span is not None:
        plt.xlim(*span)


class GpuPanel(Vertical):
    HISTORY_HZ = 1.0  # NVML is polled at 1-2 Hz; a slower redraw loses nothing a learner can see
    SPARE_HZ = 0.25  # the other x axis, kept ready for `x`

    def compose(self) -> ComposeResult:
        yield QuietStatic("", id="gpu-lines")
        yield QuietStatic("", id="ranks")
        yield PrebuiltPlot(id="gpu-history")

    def on_mount(self) -> None:
        self.border_title = "GPU"
        self.query_one("#gpu-history").display = False
        self.query_one("#ranks").display = False

    def refresh_from(self, run: TrainingRun, x_axis: str, x_ranges: dict[str, tuple[float, float] | None]) -> bool:
        """`x_ranges`: the loss plot's x span for each axis, so both plots line up."""
        lines = gpu_lines(run, self.content_size.width)
        changed = self.query_one("#gpu-lines", QuietStatic).show(lines)
        ranks = self.query_one("#ranks", QuietStatic)
        ranks.display = bool(run.ranks)
        if run.ranks:
            changed |= ranks.show(ranks_text(run.ranks))
        plot = self.query_one("#gpu-history", PrebuiltPlot)
        # The history needs a few rows to mean anything; the numbers and ranks come first.
        spare = self.content_size.height - len(lines.plain.splitlines()) - (len(run.ranks) + 1 if run.ranks else 0)
        plot.display = bool(run.gpu_samples) and spare >= 4
        if plot.display:  # a hidden history is never built
            for axis in (x_axis, other_axis(x_axis)):
                span = x_ranges.get(axis)
                data = (id(run), len(run.gpu_samples), run.is_over, span)
                make = lambda axis=axis, span=span: gpu_figure(list(run.gpu_samples), list(run.losses), axis, span,
                                                               max(plot.size.width, 10))
                shown = axis == x_axis
                plot.request(axis, data, make, urgent=shown, interval=1 / (self.HISTORY_HZ if shown else self.SPARE_HZ))
            changed |= plot.paint(x_axis)
        return changed
