"""Plots are built in one thread off the event loop; keys only swap lines that are already built."""

from __future__ import annotations

import threading
import time

from rich.style import Style
from rich.text import Text
from textual.widgets import ContentSwitcher
from textual_plotext.plot import Plot

from tui.training.widgets.loss_plot import LossPlot
from tui.training.widgets.prebuilt_plot import PLOT_BUILDER, BuildJob, PlotBuilder, PrebuiltPlot, ansi_strips

from training_helpers import HostApp, settle_plots, wait_for


def cells(strips) -> list[list[tuple[str, Style]]]:
    return [[(ch, seg.style) for seg in strip for ch in seg.text] for strip in strips]


def test_plot_lines_look_exactly_like_richs_reading_of_plotexts_output():
    plt = Plot()
    plt.plot([0, 1, 2, 3], [3.0, 1.0, 2.0, 0.5], label="loss", color="blue", marker="braille")
    plt.title("Loss by step")
    plt.plotsize(40, 12)
    plt.theme("dark")
    ansi = plt.build()
    base = Style(bgcolor="black")
    ours = ansi_strips(ansi, 40, 12, base)
    theirs = [[(ch, base + (seg.style or Style())) for seg in line.render(_console()) for ch in seg.text]
              for line in Text.from_ansi(ansi).split("\n", allow_blank=True)[:12]]
    assert [row[:len(theirs_row)] for row, theirs_row in zip(cells(ours), theirs)] == theirs
    assert all(strip.cell_length == 40 for strip in ours) and len(ours) == 12


def _console():
    from rich.console import Console

    return Console(color_system="truecolor", force_terminal=True, width=200)


class FakePlot:
    """Just what a build needs from a widget: its figure and a way to hand the lines back."""

    def __init__(self) -> None:
        self.plt = Plot()
        self.built: list[PrebuiltPlot.Built] = []

    def post_message(self, message) -> bool:
        self.built.append(message)
        return True


def test_the_builder_runs_views_on_screen_first_and_only_the_newest_request_per_view():
    builder = PlotBuilder()
    plot = FakePlot()
    order: list[str] = []

    def job(key: str, data: int, urgent: bool) -> BuildJob:
        def draw(plt):
            order.append(f"{key}{data}")
            plt.plot([0, 1], [data, data + 1])

        return BuildJob(plot, key, data, draw, 30, 8, "dark", Style(), urgent)

    builder.hold(30)  # keep everything queued until all three are in
    builder.submit(job("spare", 1, urgent=False))
    builder.submit(job("shown", 1, urgent=True))
    builder.submit(job("spare", 2, urgent=False))
    builder.release()
    deadline = time.monotonic() + 20
    while not builder.idle and time.monotonic() < deadline:
        time.sleep(0.01)
    assert order == ["shown1", "spare2"]
    assert [(m.key, m.data) for m in plot.built] == [("shown", 1), ("spare", 2)]
    assert all(m.strips is not None and len(m.strips) == 8 for m in plot.built)
    assert not builder.overlapped


async def test_figures_are_built_in_one_thread_that_is_not_the_event_loop(monkeypatch, cpu_events):
    threads: set[str] = set()
    build = Plot.build

    def recording_build(self):
        threads.add(threading.current_thread().name)
        return build(self)

    monkeypatch.setattr(Plot, "build", recording_build)
    app = HostApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.replay(cpu_events)
        await settle_plots(pilot)
        await pilot.press("x")
        await settle_plots(pilot)
    assert threads == {"plot-builder"}
    assert not PLOT_BUILDER.overlapped


async def test_x_paints_the_other_axis_with_no_build_at_all(monkeypatch, cpu_events):
    app = HostApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.replay(cpu_events)
        await settle_plots(pilot)
        plot = app.screen.query_one(LossPlot)
        asked: list[BuildJob] = []
        monkeypatch.setattr(PLOT_BUILDER, "submit", asked.append)
        await pilot.press("x")
        assert plot.text.splitlines()[0].strip() == "Loss by wall time (s)"
        await pilot.press("x")
        assert plot.text.splitlines()[0].strip() == "Loss by step"
        assert asked == []  # both axes were ready before the keys


async def test_unchanged_data_and_hidden_views_ask_for_no_build(monkeypatch, cpu_events):
    app = HostApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        half = len(cpu_events) // 2
        screen.replay(cpu_events[:half])  # a run still going
        await settle_plots(pilot)
        asked: list[BuildJob] = []
        monkeypatch.setattr(PLOT_BUILDER, "submit", asked.append)
        screen._redraw()
        screen._redraw()
        assert asked == []  # nothing new to show
        await pilot.press("c")
        assert screen.query_one(ContentSwitcher).current == "setup"
        for event in cpu_events[half:]:
            screen.run.apply(event)
            screen._redraw()
        assert asked == []  # the live panels are hidden behind the form
        await pilot.press("c")
        await wait_for(pilot, lambda: asked)  # back in view: the new points are drawn (at the redraw cap)
        assert {job.plot.id for job in asked} == {"loss-plot"}  # a CPU run has no GPU history to build


async def test_a_resized_terminal_gets_plots_built_for_the_new_size(cpu_events):
    app = HostApp()
    async with app.run_test(size=(120, 40)) as pilot:
        app.screen.replay(cpu_events)
        await settle_plots(pilot)
        plot = app.screen.query_one(LossPlot)
        before = plot.size
        await pilot.resize_terminal(100, 30)
        await settle_plots(pilot)
        assert plot.size != before
        lines = plot._painted
        assert len(lines) == plot.size.height and {line.cell_length for line in lines} == {plot.size.width}
        assert "Loss by step" in plot.text


async def test_a_loss_plot_hidden_by_the_matrix_on_a_narrow_terminal_is_not_built(monkeypatch, cpu_events):
    app = HostApp()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        half = len(cpu_events) // 2
        screen.replay(cpu_events[:half])
        await settle_plots(pilot)
        await pilot.press("m")  # narrow: the matrix takes the loss plot's place
        assert not screen.query_one(LossPlot).laid_out
        asked: list[BuildJob] = []
        monkeypatch.setattr(PLOT_BUILDER, "submit", asked.append)
        for event in cpu_events[half:]:
            screen.run.apply(event)
            screen._redraw()
        await pilot.pause()
        assert asked == []
