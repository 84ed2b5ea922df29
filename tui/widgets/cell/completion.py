"""Under the editor: the kernel's completions for the name at the cursor, and a call's signature.

The editor keeps focus while the list is open (keys reach the list through `CellEditor.ListKey`),
so typing goes on and narrows the list, as in Jupyter.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

MAX_SHOWN = 200  # `torch.` has 1,500 names; more than this only slows the list down


class CompletionList(OptionList, can_focus=False):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self.matches: list[str] = []
        self.typed = ""  # what the completions replace: the name part left of the cursor

    def show(self, matches: list[str], typed: str) -> bool:
        """Show the matches that start with `typed`; False (and hidden) when none do."""
        self.matches = matches
        return self.narrow(typed)

    def narrow(self, typed: str) -> bool:
        self.typed = typed
        shown = [name for name in self.matches if name.startswith(typed)][:MAX_SHOWN]
        self.clear_options()
        if not shown:
            self.display = False
            return False
        self.add_options([Option(name, id=name) for name in shown])
        self.highlighted = 0
        self.display = True
        return True

    def move(self, key: str) -> None:
        if key == "up":
            self.action_cursor_up()
        elif key == "down":
            self.action_cursor_down()
        elif key == "pageup":
            self.action_page_up()
        elif key == "pagedown":
            self.action_page_down()

    @property
    def chosen(self) -> str | None:
        index = self.highlighted
        if index is None or not self.display:
            return None
        return self.get_option_at_index(index).id

    def close(self) -> None:
        self.display = False
        self.matches = []
        self.clear_options()


class CallTip(Static):
    """The signature and first docstring lines of the call under the cursor; escape or an edit hides it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.display = False

    def show(self, signature: str, doc: str) -> None:
        text = Text()
        if signature:
            text.append(signature, style="bold")
        if doc:
            if signature:
                text.append("\n")
            text.append(doc, style="dim")
        self.update(text)
        self.display = bool(signature or doc)

    def close(self) -> None:
        self.display = False
