"""The loss curve: raw window loss, its bias-corrected EMA, and up to 3 past runs to compare."""

from __future__ import annotations

from functools import partial

from textual_plotext.plot import Plot

from curriculum.training.client.run_state import LossPoint, TrainingRun, downsample
from tui.training.widgets.prebuilt_plot import Draw, PrebuiltPlot

OVERLAY_COLORS = ("magenta", "green", "yellow")
X_AXES = ("step", "time")


def x_values(losses: list[LossPoint], x_axis: str) -> list[float]:
    return [p.t for p in losses] if x_axis == "time" else [float(p.step) for p in losses]


def x_label(x_axis: str) -> str:
    return "wall time (s)" if x_axis == "time" else "step"


def other_axis(x_axis: str) -> str:
    return "time" if x_axis == "step" else "step"


def x_range(run: TrainingRun, x_axis: str, overlays: list[tuple[str, TrainingRun]]) -> tuple[float, float] | None:
    """The x span the loss plot shows (and the GPU history shares). By step it spans the whole run
    from the start, so the curve fills in left to right."""
    highs = [_last_x(past.losses[-1], x_axis) for _, past in overlays[: len(OVERLAY_COLORS)] if past.losses]
    if run.losses:
        highs.append(_last_x(run.losses[-1], x_axis))
    if not highs:
        return None
    planned = float(run.total_steps) if x_axis == "step" and run.total_steps and not run.is_over else 0.0
    return (0.0, max(max(highs), planned, 1.0))


def _last_x(point: LossPoint, x_axis: str) -> float:
    return point.t if x_axis == "time" else float(point.step)


def loss_figure(losses: list[LossPoint], x_axis: str, overlays: list[tuple[str, TrainingRun]],
                span: tuple[float, float] | None, points: int) -> Draw:
    """What to draw, from data copied now; the drawing itself runs in the plot worker, so only the
    loss points travel there, not whole runs."""
    past = [(label, list(run.losses)) for label, run in overlays[: len(OVERLAY_COLORS)]]
    return partial(draw_loss, losses=losses, x_axis=x_axis, overlays=past, span=span, points=points)


def draw_loss(plt: Plot, *, losses: list[LossPoint], x_axis: str, overlays: list[tuple[str, list[LossPoint]]],
              span: tuple[float, float] | None, points: int) -> None:
    plt.title(f"Loss by {x_label(x_axis)}")
    plt.xlabel(x_label(x_axis))
    for (label, past_losses), color in zip(overlays, OVERLAY_COLORS):
        if past_losses:
            xs, ys = downsample(x_values(past_losses, x_axis), [p.ema for p in past_losses], points)
            plt.plot(xs, ys, label=label[:24], color=color, marker="braille")
    if losses:
        xs_all = x_values(losses, x_axis)
        xs, raw = downsample(xs_all, [p.loss for p in losses], points)
        plt.plot(xs, raw, label="loss", color="blue", marker="braille")
        xs, ema = downsample(xs_all, [p.ema for p in losses], points)
        plt.plot(xs, ema, label="EMA", color="red", marker="braille")
    if span is not None:
        plt.xlim(*span)


class LossPlot(PrebuiltPlot):
    """Both x axes stay built, so `x` only swaps finished lines; new points are drawn at most
    `DATA_HZ` times a second (each redraw resends the whole plot to the terminal)."""

    DATA_HZ = 2.0
    SPARE_HZ = 0.5  # the other axis, built only in case `x` is pressed; a press rebuilds it at once

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.x_ranges: dict[str, tuple[float, float] | None] = {axis: None for axis in X_AXES}

    def show(self, run: TrainingRun, x_axis: str, overlays: list[tuple[str, TrainingRun]]) -> bool:
        """Ask for the views that may be needed next and paint this one; returns whether it changed."""
        labels = tuple(label for label, _ in overlays)
        data = (id(run), len(run.losses), run.is_over, labels)
        for axis in (x_axis, other_axis(x_axis)):
            span = self.x_ranges[axis] = x_range(run, axis, overlays)
            # Copies taken here, on the event loop, so the build thread never sees a list grow.
            make = lambda axis=axis, span=span: loss_figure(list(run.losses), axis, list(overlays), span,
                                                            max(self.size.width, 10))
            shown = axis == x_axis
            self.request((axis, labels), data, make, urgent=shown, interval=1 / (self.DATA_HZ if shown else self.SPARE_HZ))
        return self.paint((x_axis, labels))
