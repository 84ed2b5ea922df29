"""Opening the training screen, which another part of the app provides (`tui.training`)."""

from __future__ import annotations

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
    screen = TrainingScreen(defaults=settings or None, start=recipe is not None)
    app.install_screen(screen, SCREEN_NAME)
    app.show_screen(screen)
