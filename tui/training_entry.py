"""Opening the training screen, which another part of the app provides (`tui.training`)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

SCREEN_NAME = "training"


def open_training(app: App, recipe: dict | None = None) -> None:
    """Show the one training screen. With a lesson's `recipe` (`T`), its form gets exactly that recipe
    (the app's flags, e.g. --data, fill only what the recipe leaves open) and the run starts."""
    settings = {**app.options.training, **(recipe or {})}
    if app.is_screen_installed(SCREEN_NAME):
        screen = app.get_screen(SCREEN_NAME)
        app.show_screen(screen)
        if recipe is not None:
            screen.train_recipe(settings)
        return
    try:
        from tui.training import TrainingScreen
    except ImportError as error:
        app.notify(f"The training screen is not available in this build ({error}).", title="Training", severity="warning")
        return
    attach = Path(app.options.attach_run) if app.options.attach_run else None
    screen = TrainingScreen(defaults=settings or None, start=recipe is not None, detached=True, attach=attach)
    app.install_screen(screen, SCREEN_NAME)
    app.show_screen(screen)


def live_run_notice(app: App) -> str | None:
    """The line printed as the app quits while a detached run goes on: it keeps going, and how to come back."""
    if not app.is_screen_installed(SCREEN_NAME):
        return None
    session = app.get_screen(SCREEN_NAME).session
    if not (session.running and session.folder is not None):
        return None
    return f"Training keeps going in the background; come back with: blitz-tui runs attach {session.folder.name}"
