"""Plots are built in a worker process, fed by one thread off the event loop; keys only swap lines that
are already built."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from functools import partial
from pathlib import Path

import psutil

from rich.style import Style
from rich.text import Text
from textual.widgets import ContentSwitcher
from textual_plotext.plot import Plot

from tui.training.widgets.loss_plot import LossPlot
from tui.training.widgets.plot_worker import ansi_rows
from tui.training.widgets.prebuilt_plot import BuildJob, PlotBuilder, PrebuiltPlot, rows_strips

from training_helpers import play, recorded, settle_plots, wait_for


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
    ours = rows_strips(ansi_rows(ansi, 12), 40, base)
    theirs = [[(ch, base + (seg.style or Style())) for seg in line.render(_console()) for ch in seg.text]
              for line in Text.from_ansi(ansi).split("\n", allow_blank=True)[:12]]
    assert [row[:len(theirs_row)] for row, theirs_row in zip(cells(ours), theirs)] == theirs
    assert all(strip.cell_length == 40 for strip in ours) and len(ours) == 12


def _console():
    from rich.console import Console

    return Console(color_system="truecolor", force_terminal=True, width=200)


class FakePlot:
    """Just what a build needs from a widget: its figure's number and a way to hand the lines back."""

    def __init__(self) -> None:
        self.figure_id = id(self)
        self.built: list[PrebuiltPlot.Built] = []

    def post_message(self, message) -> bool:
        self.built.append(message)
        return True


class WorkerCalls:
    """Wraps a builder's worker: counts its builds and notes whether two ever ran at once."""

    def __init__(self, builder: PlotBuilder) -> None:
        self.count = 0
        self.overlapped = False
        self._active = 0
        self._lock = threading.Lock()
        self._build = builder.worker.build
        builder.worker.build = self

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.overlapped |= self._active > 0
            self._active += 1
            self.count += 1
        try:
            return self._build(*args, **kwargs)
        finally:
            with self._lock:
                self._active -= 1


def draw_line(plt, *, data: int) -> None:
    plt.title(f"figure {data}")
    plt.plot([0, 1], [data, data + 1])


def test_the_builder_runs_views_on_screen_first_and_only_the_newest_request_per_view():
    builder = PlotBuilder()
    calls = WorkerCalls(builder)
    plot = FakePlot()

    def job(key: str, data: int, urgent: bool) -> BuildJob:
        return BuildJob(plot, key, data, partial(draw_line, data=data), 30, 8, "dark", Style(), urgent)

    builder.hold(30)  # keep everything queued until all three are in
    builder.submit(job("spare", 1, urgent=False))
    builder.submit(job("shown", 1, urgent=True))
    builder.submit(job("spare", 2, urgent=False))
    builder.release()
    deadline = time.monotonic() + 20
    while not builder.idle and time.monotonic() < deadline:
        time.sleep(0.01)
    builder.worker.close()
    assert [(m.key, m.data) for m in plot.built] == [("shown", 1), ("spare", 2)]
    assert all(m.strips is not None and len(m.strips) == 8 for m in plot.built)
    assert [next(s.text for s in m.strips if "figure" in s.text).strip() for m in plot.built] == ["figure 1", "figure 2"]
    assert calls.count == 2 and not calls.overlapped


def test_a_figure_that_fails_to_draw_is_reported_and_the_worker_goes_on():
    builder = PlotBuilder()
    plot = FakePlot()
    builder.submit(BuildJob(plot, "bad", 1, partial(draw_line, data="not a number"), 30, 8, "dark", Style(), True))
    builder.submit(BuildJob(plot, "good", 2, partial(draw_line, data=2), 30, 8, "dark", Style(), True))
    deadline = time.monotonic() + 20
    while len(plot.built) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    builder.worker.close()
    assert plot.built[0].strips is None and "TypeError" in plot.built[0].error
    assert plot.built[1].strips is not None and any("figure 2" in s.text for s in plot.built[1].strips)


async def test_figures_are_built_in_the_worker_process_not_in_the_tui(monkeypatch, cpu_events):
    threads: set[str] = set()
    build = Plot.build

    def recording_build(self):
        threads.add(threading.current_thread().name)
        return build(self)

    monkeypatch.setattr(Plot, "build", recording_build)
    app = recorded("cpu_synthetic.jsonl")
    builder = app.plot_builder
    calls = WorkerCalls(builder)
    async with app.run_test(size=(120, 40)) as pilot:
        await play(pilot)
        await settle_plots(pilot)
        await pilot.press("x")
        await settle_plots(pilot)
        assert "Loss by wall time (s)" in app.screen.query_one(LossPlot).text
        worker_pid = builder.worker.pid
    assert threads == set()  # no plotext build in this process at all
    assert calls.count > 0 and not calls.overlapped
    assert worker_pid not in (None, os.getpid())
    assert builder.worker.pid is None  # the app closed its plot service as it ended


def test_a_worker_that_died_is_replaced_at_the_next_figure():
    builder = PlotBuilder()
    plot = FakePlot()

    def build(data: int) -> PrebuiltPlot.Built:
        builder.submit(BuildJob(plot, "k", data, partial(draw_line, data=data), 30, 8, "dark", Style(), True))
        deadline = time.monotonic() + 20
        while len(plot.built) < data and time.monotonic() < deadline:
            time.sleep(0.01)
        return plot.built[-1]

    try:
        assert build(1).strips is not None
        first = builder.worker.pid
        os.kill(first, signal.SIGKILL)
        assert _gone(first)
        again = build(2)
        assert again.strips is not None and any("figure 2" in s.text for s in again.strips)
        assert builder.worker.pid not in (None, first)
    finally:
        builder.worker.close()


async def test_a_plot_that_cannot_be_drawn_says_why_in_its_place(monkeypatch, cpu_events):
    def broken(*args, **kwargs):
        raise RuntimeError("the plot worker stopped")

    app = recorded("cpu_synthetic.jsonl")
    monkeypatch.setattr(app.plot_builder.worker, "build", broken)
    async with app.run_test(size=(120, 40)) as pilot:
        await play(pilot)
        plot = app.screen.query_one(LossPlot)
        await wait_for(pilot, lambda: "Plot not drawn" in plot.text)
        assert "the plot worker stopped" in plot.text
        monkeypatch.undo()  # the worker is back: the next build replaces the message
        app.screen.run.losses.append(app.screen.run.losses[-1])
        app.screen._redraw()
        await settle_plots(pilot)
        assert "Loss by step" in plot.text and "Plot not drawn" not in plot.text


WORKER_HOST = """
import sys, time
from functools import partial
from rich.style import Style
sys.path[:0] = [{tests!r}]
from test_plot_builds import FakePlot, draw_line
from tui.training.widgets.prebuilt_plot import PlotBuilder, BuildJob
plot = FakePlot()
builder = PlotBuilder()  # never closed: the worker must still go when this host does
builder.submit(BuildJob(plot, "k", 1, partial(draw_line, data=1), 30, 8, "dark", Style(), True))
while not plot.built:
    time.sleep(0.01)
print(builder.worker.pid, flush=True)
{ending}
"""


def _worker_of_a_host(ending: str) -> tuple[subprocess.Popen, int]:
    code = textwrap.dedent(WORKER_HOST).format(tests=str(Path(__file__).parent), ending=ending)
    host = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).parents[2])
    return host, int(host.stdout.readline())


def _gone(pid: int, limit_s: float = 20.0) -> bool:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.05)
    return False


def test_the_worker_stops_when_the_app_exits():
    host, worker = _worker_of_a_host("")
    assert host.wait(timeout=60) == 0
    assert _gone(worker)


def test_the_worker_stops_even_when_the_app_is_killed():
    host, worker = _worker_of_a_host("time.sleep(60)")
    assert psutil.pid_exists(worker) and worker != host.pid
    host.send_signal(signal.SIGKILL)
    host.wait(timeout=60)
    gone = _gone(worker)
    if not gone:
        os.kill(worker, signal.SIGKILL)
    assert gone


async def test_x_paints_the_other_axis_with_no_build_at_all(monkeypatch, cpu_events):
    app = recorded("cpu_synthetic.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await play(pilot)
        await settle_plots(pilot)
        plot = app.screen.query_one(LossPlot)
        asked: list[BuildJob] = []
        monkeypatch.setattr(app.plot_builder, "submit", asked.append)
        await pilot.press("x")
        assert plot.text.splitlines()[0].strip() == "Loss by wall time (s)"
        await pilot.press("x")
        assert plot.text.splitlines()[0].strip() == "Loss by step"
        assert asked == []  # both axes were ready before the keys


async def test_unchanged_data_and_hidden_views_ask_for_no_build(monkeypatch, cpu_events):
    half = len(cpu_events) // 2
    app = recorded("cpu_synthetic.jsonl", hold_after=half)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await play(pilot, events=half)  # a run still going
        await settle_plots(pilot)
        asked: list[BuildJob] = []
        monkeypatch.setattr(app.plot_builder, "submit", asked.append)
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
    app = recorded("cpu_synthetic.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await play(pilot)
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
    half = len(cpu_events) // 2
    app = recorded("cpu_synthetic.jsonl", hold_after=half)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await play(pilot, events=half)
        await settle_plots(pilot)
        await pilot.press("m")  # narrow: the matrix takes the loss plot's place
        assert not screen.query_one(LossPlot).laid_out
        asked: list[BuildJob] = []
        monkeypatch.setattr(app.plot_builder, "submit", asked.append)
        for event in cpu_events[half:]:
            screen.run.apply(event)
            screen._redraw()
        await pilot.pause()
        assert asked == []
