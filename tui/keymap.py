"""Every key the app answers to, in one place: the help screen and docs/tui.md both follow it."""

from __future__ import annotations

# (section, keys, what it does)
KEYMAP: list[tuple[str, str, str]] = [
    ("Anywhere", "ctrl+r / F5", "run the focused cell (also from inside the editor)"),
    ("Anywhere", "escape", "leave the editor; outside it, back to the home screen"),
    ("Anywhere", "ctrl+p", "command palette: every action, searchable"),
    ("Anywhere", "ctrl+q", "quit (kernels are shut down)"),
    ("Outside the editor", "1 … 5", "open lesson N"),
    ("Outside the editor", "n / p", "next / previous lesson"),
    ("Outside the editor", "t", "training screen"),
    ("Outside the editor", "up / down, k / j", "move between cells"),
    ("Outside the editor", "enter", "edit the focused cell"),
    ("Outside the editor", "i i", "interrupt the kernel (press i twice)"),
    ("Outside the editor", "0 0", "restart the kernel (press 0 twice)"),
    ("Outside the editor", "a", "run every cell above the focused one, then it"),
    ("Outside the editor", "v", "show or hide the variables (tensor inspector) of the focused cell"),
    ("Outside the editor", "g", "draw the autograd graph (grad_fn → next_functions) of the cell's tensors"),
    ("Outside the editor", "?", "this help"),
    ("Outside the editor", "q", "quit"),
    ("Exercises", "ctrl+r", "run the exercise cell and check it"),
    ("Exercises", "h", "next hint (up to three)"),
    ("Exercises", "s", "reference solution (asks first when not passed yet)"),
    ("Exercises", "r", "reset the focused cell to the lesson's code (asks first)"),
    ("Exercises", "R", "reset the whole lesson (asks first)"),
    ("Lesson 4", "T", "open the training screen with this lesson's settings"),
    ("Inside the editor", "TextArea keys", "as in Textual: F7 selects all, ctrl+z undoes, tab indents, …"),
]
