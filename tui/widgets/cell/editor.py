"""The code editor inside a cell: Textual's TextArea with Python highlighting."""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import TextArea


class CellEditor(TextArea):
    """TextArea keys stay as they are; only `escape` is taken, to leave the editor."""

    class Left(Message):
        """The learner pressed escape: focus goes back to the cell."""

    def __init__(self, text: str, *, id: str | None = None) -> None:
        super().__init__(
            text,
            language=_language(),
            theme="monokai",
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=False,
            id=id,
        )
        self.indent_width = 4

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            # TextArea would move focus to the next widget; the learner means "stop editing".
            event.stop()
            event.prevent_default()
            self.post_message(self.Left())
        # Other keys: Textual calls TextArea._on_key next (handlers run along the MRO).


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
