"""Under the editor: the kernel's completions for the name at the cursor, and a call's signature.

The editor keeps focus while the list is open (keys reach the list through `CellEditor.ListKey`),
so typing goes on and narrows the list, as in Jupyter.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

MAX_ROWS = 8  # the list's height on screen (the stylesheet says the same)
WIDTH = 40
MAX_SHOWN = 40  # `torch.` has 1,000 names: a list this long is built and drawn in a frame; typing narrows it


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
        fitting = [name for name in self.matches if name.startswith(typed)]
        shown = fitting[:MAX_SHOWN]
        self.clear_options()
        if not shown:
            self.display = False
            return False
        options = [Option(name, id=name) for name in shown]
        if len(fitting) > len(shown):
            options.append(Option(Text(f"… {len(fitting) - len(shown)} more: type to narrow", style="dim"),
                                  disabled=True))
        self.add_options(options)
        self.highlighted = 0
        self.display = True
        return True

    def place_below(self, cursor, screen_size) -> None:
        """Just under the cursor (above it near the bottom of the screen), inside the screen."""
        height = min(len(self.matches), MAX_ROWS)
        x = max(0, min(cursor.x, screen_size.width - WIDTH))
        y = cursor.y + 1
        if y + height > screen_size.height - 2:
            y = max(0, cursor.y - height)
        self.styles.offset = (x, y)

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
