"""Plots whose figures are built off the event loop, so a key press never waits for plotext.

One thread hands every figure in turn to a worker process (plotext keeps module-level state, so builds
must not overlap, and in another process a build never holds this one's GIL); it turns the worker's
runs of text into ready-made lines, and the widget only paints them.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from typing import Callable, Hashable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.strip import Strip
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from tui.training.widgets.plot_worker import PlotWorker, Row

PAINT_HOLD_S = 0.2  # the longest a build waits for a frame to be painted
Draw = Callable[[Plot], None]  # runs in the plot worker, so picklable: sets the figure's data, title, limits
MakeDraw = Callable[[], Draw]  # runs on the event loop: snapshots the data the figure needs


@dataclass
class BuildJob:
    plot: PrebuiltPlot
    key: Hashable  # which view at which size and theme
    data: Hashable  # what data the view shows, so an unchanged view is never rebuilt
    draw: Draw
    width: int
    height: int
    theme: str
    base: Style  # the widget's own colours, under plotext's
    urgent: bool  # on screen now, ahead of views only built in case a key asks for them


class PlotBuilder:
    """The one thread that builds figures; a newer request for a view replaces the queued one.

    An app-lifetime service: the app makes one (`app.plot_builder`), plots reach it through
    `self.app`, and the app closes it when it ends, which stops the worker process too.
    """

    def __init__(self) -> None:
        self._jobs: dict[tuple[int, Hashable], BuildJob] = {}
        self._wake = threading.Condition()
        self._busy = False
        self._hold_until = 0.0
        self._thread: threading.Thread | None = None
        self.worker = PlotWorker()
        self._closed = False

    def close(self) -> None:
        """Drop queued builds, let the thread end and stop the worker process."""
        with self._wake:
            self._closed = True
            self._jobs.clear()
            self._wake.notify()
        self.worker.close()

    def submit(self, job: BuildJob) -> None:
        with self._wake:
            if self._closed:
                return
            slot = (id(job.plot), job.key)
            self._jobs.pop(slot, None)
            self._jobs[slot] = job
            if self._thread is None:
                # The app keeps GIL turns short while the builder sends figures and reads lines (tui/tuning.py).
                self._thread = threading.Thread(target=self._run, name="plot-builder", daemon=True)
                self._thread.start()
            self._wake.notify()

    @property
    def idle(self) -> bool:
        with self._wake:
            return not self._jobs and not self._busy

    def hold(self, seconds: float) -> None:
        """Start no build for `seconds` (or until `release`): a frame is about to be painted."""
        with self._wake:
            self._hold_until = max(self._hold_until, time.monotonic() + seconds)

    def release(self) -> None:
        with self._wake:
            self._hold_until = 0.0
            self._wake.notify()

    def wait_for_paint(self) -> None:
        """Between a build's two halves: let a frame that started meanwhile be painted first."""
        with self._wake:
            while time.monotonic() < self._hold_until:
                self._wake.wait(timeout=max(0.001, self._hold_until - time.monotonic()))

    def _next(self) -> BuildJob | None:
        with self._wake:
            while not self._closed and (not self._jobs or time.monotonic() < self._hold_until):
                self._wake.wait(timeout=max(0.001, self._hold_until - time.monotonic()) if self._jobs else None)
            if self._closed:
                return None
            slot = next((s for s, job in self._jobs.items() if job.urgent), next(iter(self._jobs)))
            self._busy = True
            return self._jobs.pop(slot)

    def _run(self) -> None:
        while (job := self._next()) is not None:
            try:
                rows = self.worker.build(job.plot.figure_id, job.draw, job.width, job.height, job.theme)
                self.wait_for_paint()
                strips = rows_strips(rows, job.width, job.base)
                job.plot.post_message(PrebuiltPlot.Built(job.key, job.data, strips))
            except Exception as error:  # one bad figure must not stop every later build
                job.plot.post_message(PrebuiltPlot.Built(job.key, job.data, None, f"{type(error).__name__}: {error}"))
            finally:
                with self._wake:
                    self._busy = False


_FIGURE_IDS = itertools.count()
_sgr_styles: dict[tuple[str, ...], Style] = {}  # build thread only; plotext uses a handful of colours


def rows_strips(rows: list[Row], width: int, base: Style) -> list[Strip]:
    """The worker's runs as strips. Rich decodes each distinct colour state once; the rest is
    joining styles, several times faster than decoding every line with Rich."""
    strips = []
    for row in rows:
        segments = []
        for part, state in row:
            style = _sgr_styles.get(state)
            if style is None:
                spans = Text.from_ansi("".join(f"\x1b[{p}m" for p in state) + "x").spans
                style = _sgr_styles[state] = spans[0].style if spans else Style()
            segments.append(Segment(part, base + style))
        strips.append(Strip(segments).crop_extend(0, width, base))
    return strips


class PrebuiltPlot(PlotextPlot):
    """A PlotextPlot (for its theme) that paints lines built by the app's `plot_builder`.

    Figures are built in the plot worker: set one up only in the (picklable) `Draw` passed to `request`.
    """

    MAX_VIEWS = 6

    class Built(Message):
        def __init__(self, key: Hashable, data: Hashable, strips: list[Strip] | None, error: str = "") -> None:
            super().__init__()
            self.key, self.data, self.strips, self.error = key, data, strips, error

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.figure_id = next(_FIGURE_IDS)  # its own plotext figure in the worker, never a dead widget's
        self._built: dict[Hashable, tuple[Hashable, list[Strip]]] = {}
        self._asked: dict[Hashable, tuple[Hashable, float]] = {}
        self._requests: dict[Hashable, tuple[Hashable, MakeDraw, bool, float]] = {}
        self._painted: list[Strip] | None = None
        self._failure: list[Strip] | None = None  # the line saying why nothing could be drawn, while painted
        self.text = ""  # plain text of what is painted, for tests and screen readers

    def _key(self, view: Hashable) -> Hashable:
        return (view, self.size.width, self.size.height, self._get_plotext_theme_name(self.app.theme))

    def request(self, view: Hashable, data: Hashable, make_draw: MakeDraw, *, urgent: bool, interval: float) -> None:
        """Have `view` built for `data` unless it already is; new data for a view already built waits
        `interval` seconds since its last build."""
        self._requests[view] = (data, make_draw, urgent, interval)
        if self.size.width < 10 or self.size.height < 3 or not self.laid_out:
            return
        key = self._key(view)
        built = self._built.get(key)
        if built is not None and built[0] == data:
            return
        asked = self._asked.get(key)
        now = time.monotonic()
        if asked is not None and (asked[0] == data or (built is not None and now - asked[1] < interval)):
            return
        self._asked.pop(key, None)
        self._asked[key] = (data, now)
        while len(self._asked) > 4 * self.MAX_VIEWS:
            self._asked.pop(next(iter(self._asked)))
        self.app.plot_builder.submit(BuildJob(self, key, data, make_draw(), self.size.width, self.size.height,
                                     self._get_plotext_theme_name(self.app.theme), self.visual_style.rich_style,
                                     urgent))

    @property
    def laid_out(self) -> bool:
        """Not hidden, nor inside anything hidden: a plot nobody can see is not worth building."""
        return all(node.display for node in self.ancestors_with_self if node is not self.screen)

    def paint(self, view: Hashable) -> bool:
        """Show `view`'s newest lines; until its first build, the previous lines stay."""
        built = self._built.get(self._key(view))
        if built is None or built[1] is self._painted:
            return False
        self._painted = built[1]
        self.text = "\n".join(strip.text.rstrip() for strip in self._painted)
        self.refresh()
        # No build may share the GIL with painting this frame (after a key, say); then go on at once.
        builder = self.app.plot_builder
        builder.hold(PAINT_HOLD_S)
        self.call_after_refresh(builder.release)
        return True

    def on_prebuilt_plot_built(self, message: Built) -> None:
        message.stop()
        if message.strips is None:
            self.log.error(f"plot build failed: {message.error}")
            if self._painted is None or self._painted is self._failure:
                # Nothing drawn yet: say why in the plot's place (a later build that works replaces it).
                base = self.visual_style.rich_style
                line = Strip([Segment(f" Plot not drawn: {message.error}", base + Style(color="red"))])
                self._painted = self._failure = [line.crop_extend(0, self.size.width, base)]
                self.text = self._painted[0].text.strip()
                self.refresh()
            return
        self._built.pop(message.key, None)
        self._built[message.key] = (message.data, message.strips)
        while len(self._built) > self.MAX_VIEWS:
            self._built.pop(next(iter(self._built)))
        # Painted at the screen's next redraw, with the other panels: one frame, not one per build.

    def on_resize(self, event: events.Resize) -> None:
        # Ask again at the new size now rather than at the screen's next tick.
        for view, (data, make_draw, urgent, interval) in list(self._requests.items()):
            self.request(view, data, make_draw, urgent=urgent, interval=interval)

    def render_line(self, y: int) -> Strip:
        base = self.visual_style.rich_style
        if self._painted is None or y >= len(self._painted):
            return Strip.blank(self.size.width, base)
        return self._painted[y].crop_extend(0, self.size.width, base)  # old lines fit a new size until rebuilt

    def render(self) -> Text:
        return Text(self.text)  # never plotext on the event loop (text selection asks for this)

    def _register_theme(self, app_theme_name: str) -> None:
        super()._register_theme(app_theme_name)
        self._asked.clear()  # the theme is part of every view's key; the next show rebuilds
