"""Beside the form: what a run does, and the latest runs with their results."""

from __future__ import annotations

from rich.text import Text

from curriculum.training.client.runs import RunSummary
from tui.training.widgets.past_runs import percent
from tui.training.widgets.quiet_static import QuietStatic

ABOUT = (
    "s starts a run of the CIFAR-10 classifier in its own process; s again stops it "
    "(it saves a checkpoint first). Blank fields use the preset's value.\n"
)


def setup_text(runs: list[RunSummary]) -> Text:
    out = Text(ABOUT)
    out.append("\nRecent runs", style="bold")
    if not runs:
        out.append("\nnone yet", style="dim")
    for run in runs[:6]:
        when = run.started.replace("T", " ")[5:16]
        out.append(f"\n{when} {run.preset[:8]} {run.data[:12]} ")
        out.append(percent(run.test_acc), style="bold")
        if run.status != "finished":
            out.append(f" {run.status}", style="yellow")
    out.append("\n\np: all past runs · o: overlay them on the loss plot", style="dim")
    return out


class SetupSide(QuietStatic):
    def refresh_from(self, runs: list[RunSummary]) -> bool:
        return self.show(setup_text(runs))
