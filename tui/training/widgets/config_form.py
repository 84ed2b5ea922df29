"""The run configuration form: one compact input per trainer flag, checked as you type."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from curriculum.training.client.form import FIELDS, form_values, preset_defaults, validate

PLACEHOLDERS = {
    "data": "auto",
    "model": "preset's",
    "epochs": "preset's",
    "batch_size": "preset's",
    "lr": "preset's",
    "momentum": "preset's",
    "device": "auto",
    "nproc": "1",
}


class ConfigForm(VerticalScroll):
    """Edits a run's configuration. Enter in any field asks the screen to start the run."""

    # Not a focus stop itself: the first Tab lands in the first field, never on the invisible container,
    # where the screen's one-letter keys would still act on what the learner types.
    can_focus = False

    class Submitted(Message):
        """Enter was pressed in the form."""

    def __init__(self, defaults: dict | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = form_values(defaults)

    def compose(self) -> ComposeResult:
        yield Static("Run configuration", classes="panel-title")
        for field in FIELDS:
            suggestions = field.choices() if field.choices else None
            with Horizontal(classes="form-row"):
                yield Label(field.label, classes="form-label")
                yield Input(
                    self._initial[field.name],
                    placeholder=PLACEHOLDERS.get(field.name, ""),
                    id=f"field-{field.name}",
                    compact=True,
                    select_on_focus=False,
                    suggester=SuggestFromList(suggestions, case_sensitive=True) if suggestions else None,
                )
            yield Static("", id=f"error-{field.name}", classes="form-error")
        yield Static("", id="form-hint", classes="form-hint")
        yield Static("Tab moves between fields · Enter starts · Esc leaves the form", classes="form-keys")

    def on_mount(self) -> None:
        for field in FIELDS:
            self._show_error(field.name, validate(field.name, self._initial[field.name]))
        self._show_preset_defaults(self._initial["preset"])

    def values(self) -> dict[str, str]:
        return {field.name: self.query_one(f"#field-{field.name}", Input).value.strip() for field in FIELDS}

    def set_values(self, values: dict[str, str]) -> None:
        for key, text in values.items():
            if any(f.name == key for f in FIELDS):
                self.query_one(f"#field-{key}", Input).value = str(text)

    def set_locked(self, locked: bool) -> None:
        """A running run's configuration cannot change under it."""
        for field in FIELDS:
            self.query_one(f"#field-{field.name}", Input).disabled = locked

    def first_invalid(self) -> Input | None:
        for field in FIELDS:
            widget = self.query_one(f"#field-{field.name}", Input)
            if validate(field.name, widget.value):
                return widget
        return None

    def _show_error(self, key: str, problem: str | None) -> None:
        error = self.query_one(f"#error-{key}", Static)
        error.update(problem or "")
        error.display = bool(problem)
        self.query_one(f"#field-{key}", Input).set_class(bool(problem), "-invalid")

    @on(Input.Changed)
    def _check(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("field-")
        self._show_error(key, validate(key, event.value))
        if key == "preset":
            self._show_preset_defaults(event.value.strip())

    def _show_preset_defaults(self, preset: str) -> None:
        """Blank fields show what the chosen preset will use, e.g. `4 (fast)`."""
        recipe = preset_defaults().get(preset, {})
        for field in FIELDS:
            if field.name in recipe:
                self.query_one(f"#field-{field.name}", Input).placeholder = f"{recipe[field.name]} ({preset})"
            elif field.name in PLACEHOLDERS:
                self.query_one(f"#field-{field.name}", Input).placeholder = PLACEHOLDERS[field.name]

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())

    def on_descendant_focus(self, event) -> None:
        key = (getattr(event.widget, "id", "") or "").removeprefix("field-")
        hint = next((f.help for f in FIELDS if f.name == key), "")
        self.query_one("#form-hint", Static).update(hint)
