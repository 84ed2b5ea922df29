"""Test accuracy after each epoch, with the change from the epoch before."""

from __future__ import annotations

from rich.text import Text

from curriculum.training.client.run_state import TrainingRun
from tui.training.widgets.class_panel import bar
from tui.training.widgets.quiet_static import QuietStatic


def accuracy_text(run: TrainingRun, width: int, rows: int = 8) -> Text:
    if not run.evals:
        return Text("Test accuracy appears after each epoch.", style="dim")
    out = Text()
    bar_w = max(0, width - 22)
    shown = run.evals[-max(1, rows):]
    previous = run.evals[-len(shown) - 1].test_acc if len(run.evals) > len(shown) else None
    for point in shown:
        out.append(f"epoch {point.epoch:g}".ljust(9))
        out.append(f"{100 * point.test_acc:5.1f}%", style="bold")
        if previous is not None:
            delta = 100 * (point.test_acc - previous)
            out.append(f" {delta:+5.1f}", style="green" if delta >= 0 else "red")
        else:
            out.append("      ")
        if bar_w >= 4:
            out.append(" " + bar(point.test_acc, bar_w), style="cyan")
        out.append("\n")
        previous = point.test_acc
    out.rstrip()
    return out


class AccuracyPanel(QuietStatic):
    def refresh_from(self, run: TrainingRun) -> bool:
        return self.show(accuracy_text(run, self.content_size.width or 30, self.content_size.height or 8))
