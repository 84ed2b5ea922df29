"""The home screen: the course's lessons with progress, and the way to the training screen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static

from tui.keymap import lesson_key_range, lesson_keys
from tui.widgets.home.lesson_list import TRAINING_ID, LessonList

INTRO = (
    "[b]blitz-tui[/b] · PyTorch's 60-minute blitz in your terminal\n"
    "[dim]Read, edit and run each lesson's code; exercises check your work. "
    "Press a number to open a lesson, [b]?[/b] for every key.[/dim]"
)


class HomeScreen(Screen):
    # Shown here only; the app binds the same keys on every screen.
    BINDINGS = [Binding("t", "app.training", "Training screen")]

    def __init__(self, numbers: list[int]) -> None:
        super().__init__()
        keys = lesson_keys(numbers)
        if keys:  # one footer hint for all the number keys, e.g. "1-5", first in the footer
            hint = Binding(str(keys[0]), f"app.open_lesson({keys[0]})", "Open lesson",
                           key_display=lesson_key_range(keys, separator="-"))
            others = [binding for bindings in self._bindings.key_to_bindings.values() for binding in bindings]
            self._bindings = BindingsMap([hint, *others])

    def compose(self) -> ComposeResult:
        yield Static(INTRO, id="home-intro")
        yield LessonList(id="lesson-list")
        yield Static("", id="home-detail")
        yield Static("", id="home-live")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_marks()
        lessons = self.app.lessons
        last = self.app.last_lesson_number()
        numbers = [lesson.number for lesson in lessons]
        self.query_one(LessonList).highlighted = numbers.index(last) if last in numbers else 0
        self.query_one(LessonList).focus()
        self.show_live_runs()
        self.set_interval(2.0, self.show_live_runs)

    def show_live_runs(self) -> None:
        """A line naming the training run still going (detached runs outlive the app), or nothing."""
        from curriculum.training.detached import latest_epoch, live_folders

        live = live_folders()
        line = ""
        if live:
            epoch = latest_epoch(live[0])
            where = f", epoch {epoch:.2f}" if epoch is not None else ""
            more = f" (and {len(live) - 1} more)" if len(live) > 1 else ""
            line = f"[b]●[/b] Training run {live[0].name} is running{where}{more}: [b]t[/b] shows it."
        live_line = self.query_one("#home-live", Static)
        live_line.update(line)
        live_line.display = bool(line)

    def on_screen_resume(self) -> None:
        self.refresh_marks()

    def refresh_marks(self) -> None:
        self.query_one(LessonList).show(self.app.lessons, self.app.progress)

    @on(OptionList.OptionHighlighted)
    def _describe(self, event: OptionList.OptionHighlighted) -> None:
        detail = self.query_one("#home-detail", Static)
        option_id = event.option.id or ""
        if option_id == TRAINING_ID:
            detail.update("Run the real CIFAR-10 classifier with live loss curves, per-class accuracy and GPU use.")
            return
        lesson = self.app.lesson_by_number(int(option_id.split("-")[1]))
        detail.update(getattr(lesson, "summary", "") or "")

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id == TRAINING_ID:
            self.app.action_training()
        else:
            self.app.action_open_lesson(int(option_id.split("-")[1]))
