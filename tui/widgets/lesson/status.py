"""The line above the footer: kernel state, sandbox level, exercise progress, and unsaved progress in red."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from curriculum.kernel import backends
from curriculum.lesson import BrokenLesson, Lesson

STATE_STYLES = {
    "idle": ("●", "green"),
    "busy": ("●", "yellow"),
    "starting": ("◌", "yellow"),
    "stopped": ("○", "dim"),
    "dead": ("✗", "red"),
    "unavailable": ("✗", "red"),
}
POLL_INTERVAL = 0.5  # the kernel can die on its own, so its state is polled, not only pushed


class KernelStatus(Static):
    def __init__(self, session, lesson: Lesson | BrokenLesson) -> None:
        super().__init__("", id="kernel-status")
        self.session = session
        self.lesson = lesson
        self._last = None

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(POLL_INTERVAL, self.refresh_status)

    def refresh_status(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.session is None or isinstance(self.lesson, BrokenLesson):
            text.append(" no kernel: this lesson did not load", style="red")
        else:
            state = self.session.state
            mark, style = STATE_STYLES.get(state, ("?", "dim"))
            text.append(f" {mark} kernel {state}", style=style)
            isolation = self.session.isolation
            if backends.is_weak(isolation):
                text.append(f"  │ sandbox {isolation}: weak", style="bold yellow")
                self._warn_weak_sandbox(isolation)
            else:
                text.append(f"  │ sandbox {isolation}")
            passed, total = self.app.progress.lesson_summary(self.lesson)
            if total:
                text.append(f"  │ exercises {passed}/{total}", style="green" if passed == total else "")
        unsaved = getattr(self.app, "save_problem", None) is not None
        if unsaved:  # red until a save succeeds: the learner must not quit believing their edits are safe
            text.append("  │ PROGRESS NOT SAVED (q asks first)", style="bold white")
        self.set_class(unsaved, "-unsaved")
        key = text.plain
        if key != self._last:
            self._last = key
            self.update(text)

    def _warn_weak_sandbox(self, level: str) -> None:
        """Say once per app what the weakest level leaves open; the status line keeps the reminder."""
        if getattr(self.app, "warned_weak_sandbox", False):
            return
        self.app.warned_weak_sandbox = True
        self.app.notify(f"Sandbox level {level}: {backends.get(level).not_protected}.", title="Weak sandbox",
                        severity="warning", timeout=15)
