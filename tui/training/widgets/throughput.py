"""Images per second, ETA, where in the run we are, and what data it trains on."""

from __future__ import annotations

from rich.text import Text

from tui.training.run_state import TrainingRun
from tui.training.widgets.quiet_static import QuietStatic


def clock(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def throughput_text(run: TrainingRun) -> Text:
    if not run.losses and run.final is None:
        if run.status in ("starting", "running"):
            return Text("Preparing data and model…", style="dim")
        return Text("Speed and ETA show while a run trains.", style="dim")
    out = Text()
    last = run.losses[-1] if run.losses else None
    if run.final is not None and run.final.get("images_per_s") is not None:
        out.append(f"{float(run.final['images_per_s']):,.0f}", style="bold")
        out.append(" img/s overall")
    elif last is not None:
        out.append(f"{last.images_per_s:,.0f}", style="bold")
        out.append(" img/s")
    eta = None if run.is_over else (last.eta_s if last else None)
    out.append(" · ETA ")
    out.append(clock(eta), style="bold" if eta is not None else "dim")
    if last is not None:
        total = f"/{run.total_steps:,}" if run.total_steps else ""
        epochs = run.config.get("epochs")
        out.append(f"\nstep {last.step:,}{total} · epoch {last.epoch:.2f}" + (f"/{epochs}" if epochs else ""))
    out.append(f"\nelapsed {clock(run.train_seconds())} · {run.device or '?'}")
    data = run.dataset.get("name") or run.dataset.get("kind") or run.config.get("data") or ""
    if data:
        out.append(f"\n{data}", style="yellow" if run.synthetic else "")
        if run.synthetic and "synthetic" not in str(data).lower():
            out.append(" (synthetic)", style="yellow")
    return out


class ThroughputPanel(QuietStatic):
    def refresh_from(self, run: TrainingRun) -> bool:
        return self.show(throughput_text(run))
