"""The loss curve: raw window loss, its bias-corrected EMA, and up to 3 past runs to compare."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from tui.training.run_state import TrainingRun, downsample

OVERLAY_COLORS = ("magenta", "green", "yellow")


def x_values(run: TrainingRun, x_axis: str) -> list[float]:
    return [p.t for p in run.losses] if x_axis == "time" else [float(p.step) for p in run.losses]


def x_label(x_axis: str) -> str:
    return "wall time (s)" if x_axis == "time" else "step"


class LossPlot(PlotextPlot):
    """Redrawn only when asked and only when something it shows changed."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple | None = None
        self.x_range: tuple[float, float] | None = None  # shared with the GPU history

    def show(self, run: TrainingRun, x_axis: str, overlays: list[tuple[str, TrainingRun]]) -> bool:
        """Rebuild the figure if needed; returns whether it did."""
        width = max(self.size.width, 10)
        key = (id(run), len(run.losses), x_axis, tuple(label for label, _ in overlays), width, self.size.height)
        if key == self._shown:
            return False
        self._shown = key
        plt = self.plt
        plt.clear_data()
        plt.title(f"Loss by {x_label(x_axis)}")
        plt.xlabel(x_label(x_axis))
        points = 2 * width  # braille: two dots per column
        highs: list[float] = []
        for (label, past), color in zip(overlays, OVERLAY_COLORS):
            if past.losses:
                xs, ys = downsample(x_values(past, x_axis), [p.ema for p in past.losses], points)
                plt.plot(xs, ys, label=label[:24], color=color, marker="braille")
                highs.append(xs[-1])
        if run.losses:
            xs_all = x_values(run, x_axis)
            xs, raw = downsample(xs_all, [p.loss for p in run.losses], points)
            plt.plot(xs, raw, label="loss", color="blue", marker="braille")
            xs, ema = downsample(xs_all, [p.ema for p in run.losses], points)
            plt.plot(xs, ema, label="EMA", color="red", marker="braille")
            highs.append(xs_all[-1])
        if highs:
            total = self._planned_end(run, x_axis)
            self.x_range = (0.0, max(max(highs), total or 0.0, 1.0))
            plt.xlim(*self.x_range)
        else:
            self.x_range = None
        self.refresh()
        return True

    @staticmethod
    def _planned_end(run: TrainingRun, x_axis: str) -> float | None:
        """By step the axis spans the whole run from the start, so the curve fills in left to right."""
        if x_axis == "step" and run.total_steps and not run.is_over:
            return float(run.total_steps)
        return None
