"""The code editor inside a cell: Textual's TextArea with Python indentation, soft wrap and
completion requests.

Why TextArea and not textual-textarea: that package fixes `soft_wrap=False` in its editor (long
lesson lines would be clipped at 80 columns), asks its completer synchronously (the kernel must
never hold up a key), brings pyperclip and a footer with find/goto/save inputs per editor (twenty
of them on a lesson). Its key handling is hand-written too, so it saves us little.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

from tui.widgets.cell import indent

# While the completion list is open these keys go to it instead of the text.
LIST_KEYS = {"up", "down", "pageup", "pagedown", "tab", "enter", "escape"}


class CellEditor(TextArea):
    """TextArea, plus: Enter keeps (or adds) indentation, Backspace in leading spaces removes one
    level, Tab completes after a name, `shift+tab` asks for the call's signature, `escape` leaves."""

    BINDINGS = [
        Binding("ctrl+home", "cursor_text_start", "Start of cell", show=False),
        Binding("ctrl+end", "cursor_text_end", "End of cell", show=False),
        Binding("shift+tab", "signature", "Signature", show=False),
    ]

    class Left(Message):
        """The learner pressed escape: focus goes back to the cell."""

    @dataclass
    class CompletionRequested(Message):
        editor: "CellEditor"
        code: str
        row: int
        column: int

    @dataclass
    class SignatureRequested(Message):
        editor: "CellEditor"
        code: str
        row: int
        column: int

    @dataclass
    class ListKey(Message):
        """A key meant for the open completion list or signature ("close": the cursor moved away)."""

        editor: "CellEditor"
        key: str

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(
            text,
            language=_language(),
            theme="monokai",
            soft_wrap=True,  # no lesson line is cut off at 80 columns, and no horizontal scrollbar
            tab_behavior="indent",
            show_line_numbers=False,
            id=id,
        )
        self.indent_width = indent.INDENT
        self.completion_open = False  # set by the cell while its completion list is shown
        self.tip_open = False  # and while a signature is shown (escape closes it first)

    @property
    def before_cursor(self) -> str:
        row, column = self.cursor_location
        return self.document[row][:column]

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls TextArea._on_key after this one (handlers run along the MRO) unless we
        # prevent it; every key handled here is stopped and prevented.
        key = event.key
        if (self.completion_open and key in LIST_KEYS) or (self.tip_open and key == "escape"):
            self._take(event)
            self.post_message(self.ListKey(self, key))
            return
        if self.completion_open and not event.is_printable and key != "backspace":
            self.post_message(self.ListKey(self, "close"))  # the cursor leaves the name being completed
        if key == "escape":
            # TextArea would move focus to the next widget; the learner means "stop editing".
            self._take(event)
            self.post_message(self.Left())
        elif key == "enter" and not self.read_only:
            self._take(event)
            start, end = self.selection
            self._replace_via_keyboard("\n" + indent.newline_indent(self.before_cursor, self.indent_width), start, end)
        elif key == "backspace" and self.selection.is_empty and not self.read_only:
            columns = indent.dedent_columns(self.before_cursor, self.indent_width)
            if columns > 1:
                self._take(event)
                row, column = self.cursor_location
                self._delete_via_keyboard((row, column - columns), (row, column))
            else:
                await self._run_own_binding(event)
        elif key == "tab" and self.selection.is_empty and indent.wants_completion(self.before_cursor):
            self._take(event)
            row, column = self.cursor_location
            self.post_message(self.CompletionRequested(self, self.text, row, column))
        elif not event.is_printable and key not in ("tab", "enter"):
            await self._run_own_binding(event)

    async def _run_own_binding(self, event: events.Key) -> None:
        """Run this editor's own binding for `event` now, in the order the keys came.

        Textual lets a bound key (backspace, arrows, ctrl+…) bubble up to the app before its action
        runs, so a character typed right after it can be inserted first (Textual issue #6605). A
        paste or a burst over a slow SSH link then edits out of order. Running the binding here, as
        Textual's pending fix (PR #6631) does, keeps the order; the binding chain would have chosen
        the same binding, because the focused widget comes first in it.
        """
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if binding.priority:
                continue
            self._take(event)
            await self.app.run_action(binding.action, self)
            return

    @staticmethod
    def _take(event: events.Key) -> None:
        event.stop()
        event.prevent_default()

    def action_cursor_text_start(self) -> None:
        self.move_cursor((0, 0))

    def action_cursor_text_end(self) -> None:
        last = self.document.line_count - 1
        self.move_cursor((last, len(self.document[last])))

    def action_signature(self) -> None:
        row, column = self.cursor_location
        self.post_message(self.SignatureRequested(self, self.text, row, column))

    def replace_before_cursor(self, length: int, text: str) -> None:
        """Put `text` in place of the `length` characters left of the cursor (a chosen completion)."""
        row, column = self.cursor_location
        self._replace_via_keyboard(text, (row, max(0, column - length)), (row, column))


def _language() -> str | None:
    """Python highlighting needs tree-sitter (textual[syntax]); plain text without it."""
    try:
        import tree_sitter_python  # noqa: F401
    except ImportError:
        return None
    _share_compiled_queries()
    return "python"


def _share_compiled_queries() -> None:
    """Compile the highlight query once per process, not twice per editor.

    Compiling it takes ~0.1 s; a lesson has twenty cells. Compiled queries are read-only
    (each use makes its own cursor), so one can serve every document of a language.
    """
    try:
        from textual.document._syntax_aware_document import SyntaxAwareDocument
    except ImportError:
        return
    original = SyntaxAwareDocument.prepare_query
    if getattr(original, "_shared", False):
        return
    compiled: dict = {}

    def prepare_query(self, query: str):
        key = (id(self.language), query)
        if key not in compiled:
            compiled[key] = original(self, query)
        return compiled[key]

    prepare_query._shared = True
    SyntaxAwareDocument.prepare_query = prepare_query
