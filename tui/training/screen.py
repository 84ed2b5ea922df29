"""The training screen: configure a run, start and stop it with `s`, watch it live, compare runs.

A view of the headless `RunSession` (curriculum.training.client): the session's reader thread queues
events and the screen posts a coalescing `MetricsTick`; panels repaint from a timer at most
`REDRAW_HZ` times a second.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input

from curriculum.training.client.form import form_values
from curriculum.training.client.run_process import TrainerProcess
from curriculum.training.client.run_session import CommandBuilder, RunSession
from curriculum.training.client.run_state import TrainingRun
from curriculum.training.client.runs import CSV_FILE, export_csv, load_run
from curriculum.training.detached import list_runs
from curriculum.training.detached_trainer import DetachedTrainer
from tui.training.detached_keys import DetachedRunKeys
from tui.training.messages import MetricsTick, TrainerExited
from tui.training.widgets.accuracy import AccuracyPanel
from tui.training.widgets.class_panel import ClassPanel
from tui.training.widgets.config_form import ConfigForm
from tui.training.widgets.gpu_panel import GpuPanel
from tui.training.widgets.loss_plot import LossPlot
from tui.training.widgets.past_runs import MAX_OVERLAYS, CompareTable, PastRunsScreen, percent
from tui.training.widgets.quiet_static import QuietStatic
from tui.training.widgets.setup_side import SetupSide
from tui.training.widgets.throughput import ThroughputPanel

STATUS_STYLES = {"running": "bold cyan", "starting": "cyan", "stopping": "yellow", "finished": "bold green",
                 "stopped": "bold yellow", "failed": "bold red", "ready": "dim"}


LETTER_ACTIONS = ("toggle_run", "toggle_view", "toggle_x", "toggle_matrix", "toggle_overlay", "past_runs", "export",
                  "resume", "watch_next")


class TrainingScreen(DetachedRunKeys, Screen):
    CSS_PATH = "training.tcss"
    AUTO_FOCUS = ""  # keys like `s` act at once; Tab enters the form
    REDRAW_HZ = 5
    BINDINGS = [
        Binding("s", "toggle_run", "Run/stop"),
        Binding("c", "toggle_view", "Setup"),
        Binding("x", "toggle_x", "Axis"),
        Binding("m", "toggle_matrix", "Matrix"),
        Binding("o", "toggle_overlay", "Overlay"),
        Binding("p", "past_runs", "Runs"),
        Binding("e", "export", "CSV"),
        Binding("escape", "leave", "Back"),
        Binding("r", "resume", "Resume", show=False),  # offered on the status line when it applies
        Binding("w", "watch_next", "Next live run", show=False),  # offered when several runs are live
    ]

    def __init__(self, defaults: dict | None = None, *, start: bool = False, trainer: CommandBuilder | None = None,
                 detached: bool = False, attach: Path | None = None,
                 name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.defaults = dict(defaults or {})
        self._start_on_mount = start  # a lesson's `T`: its recipe runs at once
        # The app's runs are detached (they outlive it); a screen made without `detached` pipes its trainer.
        self.detached = detached
        self._attach_to = attach
        self.session = RunSession(on_change=lambda: self.post_message(MetricsTick()),
                                  on_exit=self._exit_from_thread, trainer=trainer,
                                  process_class=DetachedTrainer if detached else TrainerProcess)
        self.x_axis = "step"
        self.class_mode = "bars"
        self.overlay_on = False
        self.marked: set[Path] = set()
        self._overlays: list[tuple[str, TrainingRun]] = []
        self._loaded: dict[Path, TrainingRun | None] = {}
        self._leave_armed_at = 0.0
        self._live: list[Path] = []  # detached runs still going, newest first (refreshed every 2 s)

    def compose(self) -> ComposeResult:
        yield QuietStatic("", id="status-line")
        with ContentSwitcher(initial="setup", id="views"):
            with Horizontal(id="setup"):
                yield ConfigForm(self.defaults, id="config-form")
                yield SetupSide(id="setup-side")
            with Vertical(id="live"):
                with Horizontal(id="top-row"):
                    with Vertical(id="loss-box"):
                        yield LossPlot(id="loss-plot")
                        yield CompareTable("", id="compare")
                    yield ClassPanel(id="classes")
                with Horizontal(id="bottom-row"):
                    with Vertical(id="stats"):
                        yield ThroughputPanel("", id="throughput")
                        yield AccuracyPanel("", id="accuracy")
                    yield GpuPanel(id="gpu")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#compare").display = False
        self.query_one("#classes").border_title = "Per-class accuracy"
        self.query_one("#stats").border_title = "Speed · test accuracy"
        self.set_interval(1 / self.REDRAW_HZ, self._tick)
        self._refresh_setup_side()
        self._redraw()
        if self.detached:
            self._reattach()
            self._count_live()
            self.set_interval(2.0, self._count_live)
        if self._start_on_mount:  # after `_reattach`: a live run found there is not replaced
            self.call_after_refresh(self.train_recipe)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # While a field has focus, letters are text: only Escape (leave the field) acts on the screen.
        if isinstance(self.focused, Input) and action in LETTER_ACTIONS:
            return False
        return True

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")
        self.set_class(self.size.height < 32, "-short")

    # --- running the trainer ------------------------------------------------------------

    @property
    def run(self) -> TrainingRun:
        """What the panels show: the session's run."""
        return self.session.run

    @property
    def run_folder(self) -> Path | None:
        return self.session.folder

    def action_toggle_run(self) -> None:
        if self.session.running:
            self.stop_run()
        else:
            self.start_run()

    @on(ConfigForm.Submitted)
    def _form_submitted(self) -> None:
        if not self.session.running:
            self.start_run()

    def start_run(self) -> None:
        form = self.query_one(ConfigForm)
        errors = self.session.start(form.values())
        if errors:
            first = form.first_invalid()
            if first is not None:
                self.query_one(ContentSwitcher).current = "setup"
                first.focus()
            self.notify("Fix the field marked in red first: " + next(iter(errors.values())), severity="error")
            return
        if self.session.run.is_over:  # the trainer could not even start
            self._settle()
            return
        form.set_locked(True)
        self.set_focus(None)
        self.query_one(ContentSwitcher).current = "live"
        self._redraw()

    def train_recipe(self, settings: dict | None = None) -> None:
        """A lesson's `T`: exactly its recipe in the form (nothing typed earlier stays; None: the form
        already holds it), then the run starts, unless one is going (a detached run may be)."""
        if self.session.running:
            self.notify("A run is going: s stops it; then T starts the lesson's recipe.", severity="warning")
            return
        if settings is not None:
            self.query_one(ConfigForm).set_values(form_values(settings))
        self.start_run()

    def stop_run(self) -> None:
        if self.session.stop():
            self._stop_in_thread()
            self._redraw()

    @work(thread=True, exclusive=True, group="trainer-stop", exit_on_error=False)
    def _stop_in_thread(self) -> None:
        self.session.wait_stopped()

    def _exit_from_thread(self, returncode: int, stderr_tail: str) -> None:
        self.post_message(TrainerExited(returncode, stderr_tail))

    def on_metrics_tick(self, message: MetricsTick) -> None:
        starting = self.run.status == "starting"
        if self.session.drain():
            if starting and self.run.notice:
                self.notify(self.run.notice, title="Training", timeout=10)
            self._redraw()

    def on_trainer_exited(self, message: TrainerExited) -> None:
        self.session.process_exited(message.returncode, message.stderr_tail)
        self._settle()

    def _settle(self) -> None:
        """The run is over: unlock the form, say how it ended."""
        self.query_one(ConfigForm).set_locked(False)
        self._refresh_setup_side()
        self._redraw()
        if self.run.status == "failed":
            self.notify(f"Training failed: {self.run.reason}", severity="error", timeout=10)

    # --- painting -----------------------------------------------------------------------

    def _tick(self) -> None:
        # Panels skip repaints (and plot builds) when their content and size are unchanged, so this is
        # cheap; a screen the learner cannot see builds nothing.
        if self.is_current:
            self._redraw()

    def on_screen_resume(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        """Repaint what changed. Plots only paint lines built in the plot thread, both x axes kept
        ready, so a key shows its effect at once."""
        with self.app.batch_update():
            self._paint_status()
            if self.query_one(ContentSwitcher).current != "live":
                return
            run = self.run
            loss = self.query_one(LossPlot)
            loss.show(run, self.x_axis, self._overlays if self.overlay_on else [])
            self.query_one(ClassPanel).show(run, self.class_mode)
            self.query_one(ThroughputPanel).refresh_from(run)
            self.query_one(AccuracyPanel).refresh_from(run)
            self.query_one(GpuPanel).refresh_from(run, self.x_axis, loss.x_ranges)
            compare = self.query_one(CompareTable)
            compare.display = self.overlay_on
            if self.overlay_on:
                compare.refresh_from(run, self._overlays)

    def _paint_status(self) -> None:
        run = self.run
        line = Text(" Training  ")
        line.append(run.status, style=STATUS_STYLES.get(run.status, "bold"))
        if run.reason:
            line.append(f": {run.reason}", style="red" if run.status == "failed" else "")
        if run.status in ("finished", "stopped") and run.test_acc() is not None:
            line.append(f"  test accuracy {percent(run.test_acc())}", style="bold")
        if run.synthetic:
            line.append("  SYNTHETIC data", style="bold yellow")
            how = " (real images: blitz-tui train --headless --data cifar10)"
            if line.cell_len + len(how) <= self.size.width:  # the toast at the start says it in full
                line.append(how, style="yellow")
        if run.status == "ready":
            line.append("  s: start   Tab: edit the configuration", style="dim")
        if self._resumable():
            line.append("  r: resume from its checkpoint", style="bold")
        if len(self._live) > 1:
            line.append(f"  {len(self._live)} runs live · w: watch the next", style="bold")
        self.query_one("#status-line", QuietStatic).show(line)

    # --- keys ---------------------------------------------------------------------------

    def action_toggle_view(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "live" if switcher.current == "setup" else "setup"
        if switcher.current == "setup":
            self._refresh_setup_side()
        else:
            self.set_focus(None)
        self._redraw()

    def action_toggle_x(self) -> None:
        self.x_axis = "time" if self.x_axis == "step" else "step"
        self._show_live()

    def action_toggle_matrix(self) -> None:
        self.class_mode = "matrix" if self.class_mode == "bars" else "bars"
        self.set_class(self.class_mode == "matrix", "-matrix")
        self._show_live()

    def action_toggle_overlay(self) -> None:
        self.overlay_on = not self.overlay_on
        if self.overlay_on:
            self._load_overlays()
            if not self._overlays:
                self.overlay_on = False
                self.notify("No past runs with a loss curve yet.", severity="warning")
        self._show_live()

    def action_past_runs(self) -> None:
        runs = list_runs(active=self.session.active_folder)
        watch = self.watch_run if self.detached else None  # a piped trainer's screen follows only its own
        self.app.push_screen(PastRunsScreen(runs, self.marked, watch), self._past_runs_closed)

    def _past_runs_closed(self, marked: set[Path] | None) -> None:
        if marked is None:
            return
        self.marked = marked
        self.overlay_on = bool(marked)
        self._load_overlays()
        self._show_live()

    def action_export(self) -> None:
        run, folder = self.run, self.run_folder
        if folder is None or not (run.losses or run.evals):
            past = [r for r in list_runs() if r.path != folder]
            if not past:
                self.notify("Nothing to export yet: start a run with s.", severity="warning")
                return
            folder, run = past[0].path, load_run(past[0].path)
            if run is None:
                self.notify(f"No metrics recorded in {folder}", severity="error")
                return
        path = export_csv(run, folder / CSV_FILE)
        self.notify(f"Metrics written to {path}", timeout=10)

    def action_leave(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(None)
            return
        running = self.session.running
        if self.app.is_screen_installed(self):
            # The app keeps this screen, so the run goes on while the learner reads a lesson.
            if running:
                self.notify("The run goes on; t brings you back here.")
        elif running:
            now = time.monotonic()
            if now - self._leave_armed_at > 3:
                self._leave_armed_at = now
                self.notify("A run is going: Esc again within 3 s stops it and leaves; s stops it and stays.",
                            severity="warning")
                return
            self.stop_run()
        if hasattr(self.app, "action_home"):
            self.app.action_home()
        elif len(self.app.screen_stack) > 1:
            self.dismiss()

    def on_unmount(self) -> None:
        # Leaving the screen (or the app) must not leave a trainer running behind it.
        self.session.abandon()

    def _show_live(self) -> None:
        self.query_one(ContentSwitcher).current = "live"
        self.set_focus(None)
        self._redraw()

    def _load_overlays(self) -> None:
        paths = [p for p in self.marked if p != self.run_folder]
        if not paths:
            paths = [r.path for r in list_runs() if r.path != self.run_folder][:MAX_OVERLAYS]
        self._overlays = []
        for path in sorted(paths, reverse=True)[:MAX_OVERLAYS]:
            if path not in self._loaded:
                self._loaded[path] = load_run(path)
            past = self._loaded[path]
            if past is not None and past.losses:
                summary = f"{path.name[4:8]} {path.name[9:13]} {past.config.get('preset', '')}"
                self._overlays.append((f"{summary} {percent(past.test_acc())}", past))

    def _refresh_setup_side(self) -> None:
        self.query_one(SetupSide).refresh_from(list_runs(active=self.run_folder))
