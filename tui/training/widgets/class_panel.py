"""Per-class test accuracy as labelled bars (best and worst marked), or the confusion matrix."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from curriculum.training.client.run_state import TrainingRun

BAR_FULL = "█"
BAR_PARTS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int) -> str:
    """A bar `width` cells wide, filled to `fraction` with eighth-cell precision."""
    fraction = min(1.0, max(0.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = BAR_FULL * full + (BAR_PARTS[part] if part and full < width else "")
    return text.ljust(width)


def class_bars(per_class: dict[str, float], classes: list[str], width: int) -> Text:
    names = [c for c in classes if c in per_class] or list(per_class)
    if not names:
        return Text("Per-class accuracy appears after the first test pass (end of epoch 1).", style="dim")
    name_w = min(10, max(len(n) for n in names))
    best = max(names, key=lambda n: per_class[n])
    worst = min(names, key=lambda n: per_class[n])
    bar_w = max(4, width - name_w - 14)
    out = Text()
    for name in names:
        acc = per_class[name]
        mark = " best" if name == best else (" worst" if name == worst else "")
        style = "green" if name == best else ("red" if name == worst else "cyan")
        out.append(f"{name[:name_w]:<{name_w}} ")
        out.append(bar(acc, bar_w), style=style)
        out.append(f" {100 * acc:5.1f}%")
        out.append(mark, style=f"bold {style}")
        out.append("\n")
    spread = 100 * (per_class[best] - per_class[worst])
    out.append(f"best−worst gap {spread:.1f} points · m: matrix", style="dim")
    return out


def confusion_table(confusion: list[list[int]] | None, classes: list[str]) -> Text:
    """Rows are the true class, columns the prediction, as % of the row; the diagonal is right."""
    if not confusion:
        return Text("The confusion matrix appears after the first test pass.", style="dim")
    short = [c[:4] for c in classes] if classes else [str(i) for i in range(len(confusion))]
    out = Text("true\\pred " + "".join(f"{s:>5}" for s in short), style="bold")
    for i, row in enumerate(confusion):
        total = sum(row) or 1
        out.append(f"\n{(classes[i] if i < len(classes) else str(i))[:9]:<10}")
        for j, count in enumerate(row):
            pct = round(100 * count / total)
            style = "bold green" if i == j else ("red" if pct >= 10 else ("yellow" if pct >= 5 else "dim"))
            out.append(f"{pct:>5}", style=style)
    out.append("\n% of each true class · m: bars", style="dim")
    return out


class ClassPanel(Widget):
    """Shows bars or the matrix; `show` only refreshes when the evaluation or size changed."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = "bars"
        self._run: TrainingRun | None = None
        self._shown: tuple | None = None

    def show(self, run: TrainingRun, mode: str) -> bool:
        key = (id(run), len(run.evals), run.final is not None, mode, self.size.width)
        if key == self._shown:
            return False
        self._shown = key
        self._run = run
        self.mode = mode
        self.border_title = "Confusion matrix" if mode == "matrix" else "Per-class accuracy"
        self.refresh()
        return True

    def render(self) -> Text:
        run = self._run
        if run is None:
            return Text("")
        if self.mode == "matrix":
            return confusion_table(run.latest_confusion(), run.classes)
        return class_bars(run.latest_per_class(), run.classes, self.content_size.width)
