"""Opening the training screen, which another part of the app provides (`tui.training`)."""

from __future__ import annotations

from textual.app import App

SCREEN_NAME = "training"


def open_training(app: App, defaults: dict | None = None) -> None:
    """Show the one training screen; lesson settings apply when it is first made, CLI flags win."""
    if app.is_screen_installed(SCREEN_NAME):
        if defaults:
            app.notify("The training screen is already open; it keeps its settings.")
        app.show_screen(app.get_screen(SCREEN_NAME))
        return
    try:
        from tui.training import TrainingScreen
    except ImportError as error:
        app.notify(f"The training screen is not available in this build ({error}).", title="Training", severity="warning")
        return
    settings = {**(defaults or {}), **app.options.training}
    screen = TrainingScreen(defaults=settings or None)
    app.install_screen(screen, SCREEN_NAME)
    app.show_screen(screen)
