"""Past runs: a list to pick up to 3 runs to overlay (and export), and the comparison table."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from curriculum.training.client.runs import CSV_FILE, RunSummary, export_csv, load_run
from curriculum.training.client.run_state import TrainingRun
from tui.training.widgets.quiet_static import QuietStatic
from tui.training.widgets.throughput import clock

MAX_OVERLAYS = 3


def percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def epochs_cell(run: RunSummary) -> str:
    """The epoch it reached out of those asked for (2.37/10), or just those asked for before any step."""
    asked = str(run.epochs or "")
    return asked if run.epoch is None else f"{run.epoch:.2f}" + (f"/{asked}" if asked else "")


class PastRunsScreen(ModalScreen[set[Path] | None]):
    """Pick runs with space; Enter overlays them on the loss plot; e exports the highlighted one; w watches
    the highlighted run when it is live (the screen that opened the list follows it from then on)."""

    CSS_PATH = "../training.tcss"

    BINDINGS = [
        Binding("space", "mark", "Mark/unmark"),
        Binding("enter", "apply", "Overlay marked", priority=True),
        Binding("e", "export", "Export CSV"),
        Binding("w", "watch", "Watch live run"),
        Binding("escape", "cancel", "Close"),
    ]

    def __init__(self, runs: list[RunSummary], marked: set[Path],
                 watch: Callable[[Path], None] | None = None) -> None:
        super().__init__()
        self.runs = runs
        self._watch = watch
        self.marked = {p for p in marked if any(r.path == p for r in runs)}

    def compose(self) -> ComposeResult:
        with Vertical(id="past-runs-box"):
            yield Static(f"Past runs — mark up to {MAX_OVERLAYS} with space to overlay their loss curves",
                         classes="panel-title")
            yield DataTable(id="past-runs-table", cursor_type="row", zebra_stripes=True)
            if not self.runs:
                yield Static("No runs yet: start one with s.", classes="dim-note")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("", "started", "data", "preset", "model", "ep", "test acc", "time", "status")
        for run in self.runs:
            table.add_row(*self._cells(run), key=str(run.path))
        table.focus()

    def _cells(self, run: RunSummary) -> list[str | Text]:
        data = run.data + (" (synth)" if run.synthetic and run.data != "synthetic" else "")
        return ["●" if run.path in self.marked else " ", run.started.replace("T", " ")[:16], data[:18],
                run.preset, run.model, epochs_cell(run), percent(run.test_acc),
                clock(run.train_s) if run.train_s is not None else "–", run.status]

    def _highlighted(self) -> RunSummary | None:
        table = self.query_one(DataTable)
        if not self.runs or table.cursor_row is None or table.cursor_row >= len(self.runs):
            return None
        return self.runs[table.cursor_row]

    def action_mark(self) -> None:
        run = self._highlighted()
        if run is None:
            return
        if run.path in self.marked:
            self.marked.discard(run.path)
        elif len(self.marked) >= MAX_OVERLAYS:
            self.notify(f"At most {MAX_OVERLAYS} runs at once: unmark one first.", severity="warning")
            return
        else:
            self.marked.add(run.path)
        table = self.query_one(DataTable)
        table.update_cell_at((table.cursor_row, 0), "●" if run.path in self.marked else " ")

    def action_export(self) -> None:
        run = self._highlighted()
        if run is None:
            return
        loaded = load_run(run.path)
        if loaded is None:
            self.notify(f"No metrics recorded in {run.path}", severity="error")
            return
        path = export_csv(loaded, run.path / CSV_FILE)
        self.notify(f"Metrics written to {path}", timeout=10)

    def action_watch(self) -> None:
        run = self._highlighted()
        if run is None:
            return
        if run.status != "running":
            self.notify(f"w watches a live run; this one is {run.status} (space and Enter overlay it).")
            return
        if self._watch is None:
            self.notify("Live runs are watched from the app's training screen (blitz-tui runs attach ID).")
            return
        self.dismiss(None)
        self._watch(run.path)

    def action_apply(self) -> None:
        self.dismiss(set(self.marked))

    def action_cancel(self) -> None:
        self.dismiss(None)


def compare_text(current: TrainingRun | None, overlays: list[tuple[str, TrainingRun]]) -> Text:
    """Final accuracy and training time of the overlaid runs next to the current one."""
    from tui.training.widgets.loss_plot import OVERLAY_COLORS

    out = Text(f"{'run':<24}{'test acc':>9}{'time':>9}{'final EMA':>10}", style="bold")
    rows = ([("this run", current, "red")] if current and current.losses else [])
    rows += [(label, run, color) for (label, run), color in zip(overlays, OVERLAY_COLORS)]
    for label, run, color in rows:
        ema = f"{run.losses[-1].ema:.3f}" if run.losses else "–"
        out.append(f"\n{label[:23]:<24}", style=color)
        out.append(f"{percent(run.test_acc()):>9}{clock(run.train_seconds()):>9}{ema:>10}")
    return out


class CompareTable(QuietStatic):
    def refresh_from(self, current: TrainingRun | None, overlays: list[tuple[str, TrainingRun]]) -> bool:
        return self.show(compare_text(current, overlays))
