"""Helpers for the training-screen tests and benchmark: recorded event streams, a fake trainer
command and a tiny host app."""

from __future__ import annotations

import sys
from pathlib import Path

from textual.app import App

from curriculum.training.events import TrainingEvent, parse_event
from tui.training import TrainingScreen
from tui.training.widgets.prebuilt_plot import PlotBuilder

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FAKE_TRAINER = Path(__file__).resolve().parent / "fake_trainer.py"


def load_events(name: str) -> list[TrainingEvent]:
    with open(FIXTURES / name, encoding="utf-8") as handle:
        events = [parse_event(line) for line in handle if line.strip()]
    assert None not in events, f"{name} holds a line that is not a training event"
    return events


def fake_trainer(fixture: str | Path, *, delay: float = 0.0, exit_code: int | None = None, stderr: str = "",
                 stop_after: int | None = None, hold_after: int | None = None, speed: float = 0.0):
    """A trainer command builder that replays a fixture (a name in fixtures/, or a path) instead of
    training (no torch needed)."""

    def build(flags):
        argv = [sys.executable, str(FAKE_TRAINER), "--replay", str(FIXTURES / fixture), "--delay", str(delay)]
        if exit_code is not None:
            argv += ["--exit-code", str(exit_code)]
        if stderr:
            argv += ["--stderr", stderr]
        if stop_after is not None:
            argv += ["--stop-after", str(stop_after)]
        if hold_after is not None:
            argv += ["--hold-after", str(hold_after)]
        if speed:
            argv += ["--speed", str(speed)]
        return argv + ["--", *flags]

    return build


class HostApp(App):
    """Just enough app to push the training screen onto, like the real app does on `t`."""

    def __init__(self, defaults: dict | None = None, trainer=None) -> None:
        super().__init__()
        self.defaults = defaults
        self.trainer = trainer
        self.plot_builder = PlotBuilder()  # the app's plot service, as BlitzApp has one

    def on_mount(self) -> None:
        self.push_screen(TrainingScreen(self.defaults, trainer=self.trainer))

    def on_unmount(self) -> None:
        self.plot_builder.close()


async def wait_for(pilot, condition, *, limit_s: float = 20.0) -> None:
    """Let the app run until `condition()` holds; a generous cap turns a hang into a failure."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting after {limit_s} s")
        await pilot.pause(0.05)


def recorded(fixture: str | Path, *, hold_after: int | None = None) -> HostApp:
    """An app whose `s` runs the fake trainer on `fixture`: the recorded events reach the screen the way a
    real run's do, through the trainer's pipe and the run session."""
    return HostApp(defaults={"data": "synthetic"}, trainer=fake_trainer(fixture, hold_after=hold_after))


async def play(pilot, *, events: int | None = None) -> None:
    """Press `s` and let the recording stream in: to its end and the trainer's exit, or (for an app made
    with `hold_after`) until the screen shows the first `events` events of a run still going."""
    from textual.widgets import Input

    screen = pilot.app.screen
    await pilot.pause()
    await pilot.press("s")
    if events is None:
        form = screen.query_one("#field-data", Input)
        await wait_for(pilot, lambda: screen.session.returncode is not None and not form.disabled)
    else:
        await wait_for(pilot, lambda: screen.run.version == events)
    pilot.app.clear_notifications()  # the toasts a run's start or failure raises; their timeouts would be slow
    await pilot.pause()


async def settle_plots(pilot, *, limit_s: float = 20.0) -> None:
    """Let the plot thread finish every figure the screen asked for, and the screen paint them: the
    builder has nothing queued and what each visible plot shows stayed the same over two redraw ticks."""
    import asyncio

    from tui.training.widgets.prebuilt_plot import PrebuiltPlot

    def shown() -> list[str]:
        return [plot.text for plot in pilot.app.screen.query(PrebuiltPlot) if plot.laid_out]

    tick = 1 / getattr(pilot.app.screen, "REDRAW_HZ", 5)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    await pilot.pause()
    seen, steady = None, 0
    while steady < 3:
        if loop.time() > deadline:
            raise AssertionError(f"the plots were still changing after {limit_s} s")
        now = shown() if pilot.app.plot_builder.idle else None
        steady = steady + 1 if now is not None and now == seen else 0
        seen = now
        await pilot.pause(tick * 1.25)
