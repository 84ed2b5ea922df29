"""The blitz-tui app: lessons, their kernels, the learner's progress, and the screens.

The app owns the services that live as long as it does (the spare kernel, runtime tuning, the plot
builder, the progress store) and closes them when it ends; screens reach them through `self.app`.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import TYPE_CHECKING, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from curriculum.kernel.spare import SparePool
from curriculum.lesson import LESSONS_ENV, BrokenLesson, Lesson, lessons_dir, load_all
from curriculum.lesson_session import KernelFactory, LessonSession
from tui.commands import lesson_commands
from tui.hangup import TerminalWatch
from tui.kernels import real_kernel_factory
from tui.keymap import lesson_keys
from tui.messages import ProgressChanged
from tui.options import AppOptions
from tui.readable_colours import ReadableText
from tui.screens.help import HelpScreen
from tui.screens.home import HomeScreen
from tui.screens.too_small import TooSmallScreen, too_small
from tui.tuning import RuntimeTuning

if TYPE_CHECKING:
    from tui.screens.lesson import LessonScreen  # imported when a lesson first opens: faster start
    from tui.training.widgets.prebuilt_plot import PlotBuilder

SAVE_DELAY = 0.5  # seconds; edits reach the disk well within the promised second
SAVE_RETRY = 5.0  # seconds between tries while saving fails (a full disk, a read-only file)


class BlitzApp(App):
    CSS_PATH = "blitz.tcss"
    TITLE = "blitz-tui"
    BINDINGS = [  # the number keys are bound per lesson file, in __init__
        Binding("t", "training", "Training", show=False),
        Binding("n", "next_lesson", "Next lesson", show=False),
        Binding("p", "previous_lesson", "Previous lesson", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        options: AppOptions | None = None,
        *,
        lessons: list[Lesson | BrokenLesson] | None = None,
        progress=None,
        kernel_factory: KernelFactory | None = None,
    ) -> None:
        super().__init__()
        self.options = options or AppOptions()
        if lessons is None and not lessons_dir().is_dir():
            raise ValueError(f"the lessons folder {lessons_dir()} does not exist (check {LESSONS_ENV})")
        self.lessons = load_all() if lessons is None else sorted(lessons, key=lambda lesson: lesson.number)
        for number in lesson_keys(lesson.number for lesson in self.lessons):
            self.bind(str(number), f"open_lesson({number})", description=f"Lesson {number}", show=False)
        if progress is None:
            from curriculum.progress import ProgressStore

            progress = ProgressStore()
        self.progress = progress
        # The one spare kernel all lessons share (each kernel holds ~500 MB once torch is in).
        self.spares = SparePool()
        self.tuning = RuntimeTuning()
        self.terminal = TerminalWatch()  # ends the app when its terminal hangs up unannounced
        self.kernel_factory = kernel_factory or real_kernel_factory(self.options, self.spares)
        self.lesson_screens: dict[int, LessonScreen] = {}
        self._save_timer = None
        self.save_problem: str | None = None  # why progress is not on disk; the status bar stays red meanwhile
        self._kernels_stopped = False
        self.exit_notice: str | None = None
        self._readable_text = ReadableText.for_app(self.console.color_system, self.no_color)
        self._plot_builder: PlotBuilder | None = None

    def get_line_filters(self):
        # After Textual's own (NO_COLOR's greys), so it judges the colours the terminal will really show;
        # headless runs (tests, snapshots) draw in full colour and show nothing to a terminal.
        readable = self._readable_text.enabled and not self.is_headless
        return [*super().get_line_filters(), *([self._readable_text] if readable else [])]

    @property
    def plot_builder(self) -> PlotBuilder:
        """The app's plot-building thread and worker process, made when a plot first needs one."""
        if self._plot_builder is None:
            from tui.training.widgets.prebuilt_plot import PlotBuilder

            self._plot_builder = PlotBuilder()
        return self._plot_builder

    # ----- start and stop -----------------------------------------------------------------
    def on_mount(self) -> None:
        self.install_screen(HomeScreen([lesson.number for lesson in self.lessons]), "home")
        self.push_screen("home")
        notice = getattr(self.progress, "notice", None)
        if notice:
            self.notify(str(notice), title="Progress file", severity="warning", timeout=12)
        self.tuning.apply()
        self.call_after_refresh(self.tuning.freeze_startup_objects)
        if not self.is_headless:
            self.set_interval(1.0, self._end_if_terminal_gone)
        if self.options.lesson:
            self.action_open_lesson(self.options.lesson)
        elif self.options.open_training or self.options.attach_run:
            self.action_training()
        self._check_size()

    def _end_if_terminal_gone(self) -> None:
        if self.terminal.gone():  # as after a SIGHUP: edits saved, kernels stopped, exit status 129
            self.end_without_terminal(128 + signal.SIGHUP)

    def end_without_terminal(self, status: int) -> None:
        """Save, stop every kernel and leave the process at once, without Textual's shutdown.

        With the terminal gone, Textual's writer thread has died on the first failed write; its shutdown
        would then block for ever on a full write queue, and the kernels with it. Nothing on screen needs
        restoring, and the plot worker and spare kernel end with this process by design."""
        try:
            self.progress.save()
        except Exception:
            pass
        self.shutdown_kernels()
        self.progress.close()
        os._exit(status)

    def on_resize(self, event) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int | None = None, height: int | None = None) -> None:
        width = self.size.width if width is None else width
        height = self.size.height if height is None else height
        small = too_small(width, height)
        covering = isinstance(self.screen, TooSmallScreen)
        if small and not covering:
            self.push_screen(TooSmallScreen())
        elif small and covering:
            self.screen.show_size(width, height)
        elif covering:
            self.pop_screen()

    async def action_quit(self) -> None:
        self.save_now()
        if self.save_problem is None:
            self._quit(True)
            return
        from tui.screens.confirm import ConfirmScreen

        question = (f"{self.save_problem}\n\nQuit anyway? What you changed since the last successful save "
                    "will be lost.")
        self.push_screen(ConfirmScreen(question, yes="Quit without saving"), self._quit)

    def _quit(self, confirmed: bool | None) -> None:
        from tui.training_entry import live_run_notice

        if confirmed:
            self.shutdown_kernels()
            self.exit_notice = live_run_notice(self)  # printed by run_app once the terminal is back
            self.exit()

    def on_unmount(self) -> None:
        self.save_now()
        self.shutdown_kernels()
        if self._plot_builder is not None:
            self._plot_builder.close()
        self.tuning.restore()

    def shutdown_kernels(self) -> None:
        """Stop every lesson's kernel and the spare at once; no process may outlive the app."""
        if self._kernels_stopped:
            return
        self._kernels_stopped = True
        sessions = [screen.session for screen in self.lesson_screens.values() if screen.session is not None]
        stops = [session.shutdown for session in sessions] + [self.spares.close]
        threads = [threading.Thread(target=_quietly, args=(stop,)) for stop in stops]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)

    # ----- progress -----------------------------------------------------------------------
    def schedule_save(self, now: bool = False) -> None:
        if now:
            self.save_now()
        elif self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self.save_now)

    def save_now(self) -> None:
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        saved = self.progress.save()
        problem = (getattr(self.progress, "save_error", None) or "Your progress could not be saved.") \
            if saved is False else None
        if problem and problem != self.save_problem:
            self.notify(problem, title="Progress not saved", severity="error", timeout=10, markup=False)
        elif self.save_problem and not problem:
            self.notify("Your progress is saved again.", title="Progress saved")
        self.save_problem = problem
        if problem and self.is_running:
            self._save_timer = self.set_timer(SAVE_RETRY, self.save_now)  # red until a save succeeds

    def on_progress_changed(self, message: ProgressChanged) -> None:
        home = self.get_screen("home")
        if home.is_mounted:
            home.refresh_marks()

    def reset_progress(self, lesson_id: str | None) -> None:
        """Reset one lesson (by id) or, with None, everything; open lessons show the original code."""
        if lesson_id is None:
            self.progress.reset_all()
        else:
            self.progress.reset_lesson(lesson_id)
        for screen in self.lesson_screens.values():
            if isinstance(screen.lesson, Lesson) and lesson_id in (None, screen.lesson.id) and screen.is_mounted:
                screen.reset_all_cells()
        self.save_now()
        self.post_message(ProgressChanged(lesson_id or ""))
        self.notify("Progress reset." if lesson_id is None else "Lesson reset.")

    def last_lesson_number(self) -> int | None:
        last = self.progress.last_lesson
        for lesson in self.lessons:
            if last in (lesson.id, lesson.number):
                return lesson.number
        return None

    # ----- navigation ---------------------------------------------------------------------
    def lesson_by_number(self, number: int) -> Lesson | BrokenLesson | None:
        return next((lesson for lesson in self.lessons if lesson.number == number), None)

    def lesson_screen(self, number: int) -> LessonScreen | None:
        if number not in self.lesson_screens:
            from tui.screens.lesson import LessonScreen

            lesson = self.lesson_by_number(number)
            if lesson is None:
                return None
            session = LessonSession(lesson, self.kernel_factory, self.progress) if isinstance(lesson, Lesson) else None
            screen = LessonScreen(lesson, session)
            self.install_screen(screen, f"lesson-{number}")
            self.lesson_screens[number] = screen
        return self.lesson_screens[number]

    def show_screen(self, screen: Screen) -> None:
        """Bring an installed screen to the top: pop back to it, or replace a lesson/training screen."""
        if screen is self.screen:
            return
        if screen in self.screen_stack:
            while self.screen is not screen:
                self.pop_screen()
        elif isinstance(self.screen, HomeScreen):
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def action_open_lesson(self, number: int) -> None:
        screen = self.lesson_screen(number)
        if screen is None:
            self.notify(f"There is no lesson {number}.", severity="warning")
            return
        self.show_screen(screen)

    def current_lesson_number(self) -> int:
        lesson = getattr(self.screen, "lesson", None)
        if lesson is not None:
            return lesson.number
        return self.last_lesson_number() or 0

    def action_next_lesson(self) -> None:
        self._step_lesson(1)

    def action_previous_lesson(self) -> None:
        self._step_lesson(-1)

    def _step_lesson(self, step: int) -> None:
        """Open the lesson after (or before) the current one, in the course's order; stay at either end."""
        numbers = [lesson.number for lesson in self.lessons]
        if not numbers:
            return
        current = self.current_lesson_number()
        if current in numbers:
            index = max(0, min(len(numbers) - 1, numbers.index(current) + step))
        else:  # from home with no lesson yet: the first lesson either way
            index = 0
        self.action_open_lesson(numbers[index])

    def action_home(self) -> None:
        self.show_screen(self.get_screen("home"))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_training(self, defaults: dict | None = None) -> None:
        from tui.training_entry import open_training

        open_training(self, defaults)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from lesson_commands(self, screen)


def _quietly(stop) -> None:
    try:
        stop()
    except Exception:  # one kernel failing to stop must not keep the others running
        pass
