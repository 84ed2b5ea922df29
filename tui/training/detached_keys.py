"""The training screen's keys for detached runs: `r` resumes a stopped one, `w` watches the next live one
(or, in the past-runs list, the highlighted live one).

Detached runs (curriculum.training.detached) outlive the app, so the screen may find several going when it
opens; this part of `TrainingScreen` picks which one it follows.
"""

from __future__ import annotations

from pathlib import Path

from curriculum.training import detached as detached_runs
from tui.training.widgets.config_form import ConfigForm


class DetachedRunKeys:
    """Mixed into `TrainingScreen`, whose session, form and `_show_live`/`_settle` it uses."""

    detached: bool
    _attach_to: Path | None
    _live: list[Path]

    def _count_live(self) -> None:
        self._live = detached_runs.live_folders()

    def action_watch_next(self) -> None:
        """Watch the next live run (detached runs outlive the app, so several may be going)."""
        if self.detached:
            self._count_live()
        current, live = self.session.folder, self._live
        following = live[(live.index(current) + 1) % len(live)] if current in live else (live or [None])[0]
        if following is None or following == current:
            self.notify("w switches between live runs; no other run is live.")
            return
        self.session.abandon()  # stop following this one; it keeps training
        self._attach_to = following
        self._reattach()

    def watch_run(self, folder: Path) -> None:
        """Follow the live run picked in the past-runs list (its history first, then as it goes)."""
        if folder == self.session.folder and self.session.running:
            self._show_live()
            return
        self.session.abandon()  # stop following the current one; a detached run keeps training
        self._attach_to = folder
        self._reattach()

    def _reattach(self) -> None:
        """Watch the run asked for, or else the newest live one: its history first, then as it goes."""
        folder = self._attach_to
        if folder is None:
            live = detached_runs.live_folders()
            folder = live[0] if live else None
        if folder is None or detached_runs.read_state(folder) is None:
            if self._attach_to is not None:
                self.notify(f"{self._attach_to} is not a detached run", severity="error")
            return
        state = detached_runs.read_state(folder) or {}
        self.session.attach(folder, started_at=str(state.get("started") or ""))
        self.query_one(ConfigForm).set_locked(True)
        self._show_live()
        self.notify(f"Watching run {folder.name}", timeout=5)

    def _resumable(self) -> bool:
        folder = self.session.folder
        return (self.detached and folder is not None and not self.session.running
                and self.session.run.status in ("stopped", "failed") and detached_runs.has_checkpoint(folder))

    def action_resume(self) -> None:
        """Continue the stopped or failed run from its last checkpoint, in its own folder: still one run."""
        if not self._resumable():
            self.notify("r resumes a stopped or failed run that saved a checkpoint; this one cannot be.")
            return
        self.session.resume(self.session.folder)
        if self.session.run.is_over:
            self._settle()
            return
        self.query_one(ConfigForm).set_locked(True)
        self._show_live()
