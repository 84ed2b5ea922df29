"""Images per second, ETA, where in the run we are, and what data it trains on."""

from __future__ import annotations

from rich.text import Text

from curriculum.training.client.run_state import TrainingRun
from tui.training.widgets.quiet_static import QuietStatic


def clock(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def flow(parts: list[tuple[str, str]], width: int) -> Text:
    """Lay (text, style) parts out joined by " · ", starting a new line where the next would not fit."""
    out = Text()
    used = 0
    for text, style in parts:
        if used and used + 3 + len(text) > width:
            out.append("\n")
            used = 0
        elif used:
            out.append(" · ")
            used += 3
        out.append(text, style=style)
        used += len(text)
    return out


def throughput_text(run: TrainingRun, width: int = 40) -> Text:
    if not run.losses and run.final is None:
        if run.status in ("starting", "running"):
            return Text("Preparing data and model…", style="dim")
        return Text("Speed and ETA show while a run trains.", style="dim")
    last = run.losses[-1] if run.losses else None
    parts: list[tuple[str, str]] = []
    if run.final is not None:
        parts.append((f"{run.final.images_per_s:,.0f} img/s overall", "bold"))
    elif last is not None:
        parts.append((f"{last.images_per_s:,.0f} img/s", "bold"))
    eta = None if run.is_over or run.status == "stopping" else (last.eta_s if last else None)  # no end to count to
    parts.append((f"ETA {clock(eta)}", "bold" if eta is not None else "dim"))
    out = flow(parts, width)
    parts = []
    if last is not None:
        total = f"/{run.total_steps:,}" if run.total_steps else ""
        epochs = run.config.get("epochs")
        parts.append((f"step {last.step:,}{total}", ""))
        parts.append((f"epoch {run.epoch_reached() or 0:.2f}" + (f"/{epochs}" if epochs else ""), ""))
    parts.append((f"elapsed {clock(run.elapsed())}", ""))
    parts.append((run.device or "?", ""))
    out.append("\n")
    out.append_text(flow(parts, width))
    data = str(run.dataset.get("name") or run.dataset.get("kind") or run.config.get("data") or "")
    if run.synthetic and "synthetic" not in data.lower():
        data += " (synthetic)"
    if data:
        out.append("\n" + (data if len(data) <= width else data[: max(1, width - 1)] + "…"),
                   style="yellow" if run.synthetic else "")
    return out


class ThroughputPanel(QuietStatic):
    def refresh_from(self, run: TrainingRun) -> bool:
        return self.show(throughput_text(run, self.content_size.width or 40))
