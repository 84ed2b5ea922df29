"""The lessons on the home screen, each with its progress mark, and the training screen entry."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from curriculum.lesson import BrokenLesson, Lesson

TRAINING_ID = "training"


def progress_mark(passed: int, total: int) -> Text:
    if total == 0:
        return Text("no exercises", style="dim")
    if passed == total:
        return Text(f"✓ {passed}/{total} done", style="bold green")
    symbol = "◐" if passed else "○"
    return Text(f"{symbol} {passed}/{total} exercises", style="yellow" if passed else "dim")


def lesson_prompt(lesson: Lesson | BrokenLesson, passed: int, total: int) -> Table:
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(width=2, no_wrap=True)
    row.add_column(ratio=1)
    row.add_column(justify="right", no_wrap=True)
    if isinstance(lesson, BrokenLesson):
        title = Text(lesson.title)
        title.append(f"\n⚠ {lesson.error}", style="red")
        row.add_row(Text(str(lesson.number), style="bold"), title, Text("cannot load", style="red"))
    else:
        row.add_row(Text(str(lesson.number), style="bold"), Text(lesson.title), progress_mark(passed, total))
    return row


def training_prompt() -> Table:
    row = Table.grid(expand=True, padding=(0, 1))
    row.add_column(width=2, no_wrap=True)
    row.add_column(ratio=1)
    row.add_row(Text("t", style="bold"), Text("Training screen: train the CIFAR-10 classifier, live"))
    return row


class LessonList(OptionList):
    def show(self, lessons: list[Lesson | BrokenLesson], store) -> None:
        highlighted = self.highlighted
        options = []
        for lesson in lessons:
            passed, total = (0, 0) if isinstance(lesson, BrokenLesson) else store.lesson_summary(lesson)
            options.append(Option(lesson_prompt(lesson, passed, total), id=f"lesson-{lesson.number}"))
        options.append(Option(training_prompt(), id=TRAINING_ID))
        self.clear_options()
        self.add_options(options)
        if highlighted is not None:
            self.highlighted = min(highlighted, len(options) - 1)
