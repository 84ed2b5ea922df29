"""Every key the app answers to, in one place: the help screen and docs/tui.md both follow it.

The lesson keys come from the lesson files: one number key per lesson (1 to 9), and `T` where a
lesson's front matter has a training recipe.
"""

from __future__ import annotations

from typing import Iterable

# Lessons numbered above this have no key of their own: the home screen and ctrl+p still open them.
MAX_LESSON_KEY = 9


def lesson_keys(numbers: Iterable[int]) -> list[int]:
    """The lesson numbers that have a number key."""
    return sorted(n for n in set(numbers) if 1 <= n <= MAX_LESSON_KEY)


def lesson_key_range(numbers: Iterable[int], separator: str = " … ") -> str:
    """How the number keys are written: "1 … 5" for five lessons, "2" for one; "" for none."""
    keys = lesson_keys(numbers)
    if not keys:
        return ""
    return str(keys[0]) if len(keys) == 1 else f"{keys[0]}{separator}{keys[-1]}"


def keymap(lessons: Iterable) -> list[tuple[str, str, str]]:
    """(section, keys, what it does) for every key, given the course's lessons."""
    lessons = list(lessons)
    numbers = lesson_key_range(lesson.number for lesson in lessons)
    recipes = [lesson.number for lesson in lessons if any(key.startswith("train_") for key in getattr(lesson, "meta", {}))]
    rows = [
        ("Anywhere", "ctrl+r / F5", "run the focused cell (also from inside the editor)"),
        ("Anywhere", "ctrl+j / shift+enter", "run the focused cell and move to the next (shift+enter where the terminal reports it)"),
        ("Anywhere", "escape", "leave the editor; outside it, back to the home screen"),
        ("Anywhere", "ctrl+p", "command palette: every action, searchable"),
        ("Anywhere", "ctrl+q", "quit (kernels are shut down)"),
    ]
    if numbers:
        rows.append(("Outside the editor", numbers, "open lesson N"))
    rows += [
        ("Outside the editor", "n / p", "next / previous lesson"),
        ("Outside the editor", "t", "training screen"),
        ("Outside the editor", "up / down, k / j", "move between cells"),
        ("Outside the editor", "enter", "edit the focused cell"),
        ("Outside the editor", "i i", "interrupt the kernel (press i twice)"),
        ("Outside the editor", "0 0", "restart the kernel (press 0 twice)"),
        ("Outside the editor", "a", "run every cell above the focused one, then it"),
        ("Outside the editor", "A", "run the focused cell and every cell below it"),
        ("Outside the editor", "z z", "restart the kernel and run every cell above the focused one"),
        ("Outside the editor", "x", "clear the focused cell's output"),
        ("Outside the editor", "c", "copy the focused cell's output to the clipboard (OSC 52; tmux: set-clipboard on)"),
        ("Outside the editor", "b", "insert a scratch cell below the focused cell (saved, never checked)"),
        ("Outside the editor", "d d", "delete the focused scratch cell"),
        ("Outside the editor", "v", "show or hide the variables (tensor inspector) of the focused cell"),
        ("Outside the editor", "g", "draw the autograd graph (grad_fn → next_functions) of the cell's tensors"),
        ("Outside the editor", "?", "this help"),
        ("Outside the editor", "q", "quit"),
        ("Exercises", "ctrl+r", "run the exercise cell and check it"),
        ("Exercises", "h", "next hint (up to three)"),
        ("Exercises", "s", "reference solution (asks first when not passed yet)"),
        ("Exercises", "r", "reset the focused cell to the lesson's code (asks first)"),
        ("Exercises", "R", "reset the whole lesson (asks first)"),
    ]
    if recipes:
        where = ("Lesson " if len(recipes) == 1 else "Lessons ") + ", ".join(map(str, recipes))
        rows.append((where, "T", "open the training screen with this lesson's settings"))
    rows += [
        ("Inside the editor", "enter", "new line with the same indentation, one level more after a `:`"),
        ("Inside the editor", "backspace", "in leading spaces: back one indentation level"),
        ("Inside the editor", "tab", "after a name or `.`: completions from the kernel; elsewhere: indent"),
        ("Inside the editor", "up / down, tab / enter", "in the completion list: move, take the completion (escape closes it)"),
        ("Inside the editor", "shift+tab", "signature and first doc lines of the call under the cursor"),
        ("Inside the editor", "ctrl+home / ctrl+end", "start / end of the cell"),
        ("Inside the editor", "TextArea keys", "as in Textual: F7 selects all, ctrl+z undoes, …"),
    ]
    return rows
