"""Reaching the training screen: `t` anywhere, `T` from lesson 4 with that lesson's settings."""

from __future__ import annotations

import sys
import types

from textual.screen import Screen

from tui.options import AppOptions
from tui.screens.home import HomeScreen


class RecordingTrainingScreen(Screen):
    made: list[dict | None] = []

    def __init__(self, defaults: dict | None = None, **options) -> None:  # options: detached, attach
        super().__init__()
        RecordingTrainingScreen.made.append(defaults)


def fake_training_module(monkeypatch) -> None:
    RecordingTrainingScreen.made = []
    module = types.ModuleType("tui.training")
    module.TrainingScreen = RecordingTrainingScreen
    monkeypatch.setitem(sys.modules, "tui.training", module)


async def test_T_in_lesson_4_opens_training_with_the_lessons_settings_and_cli_flags_win(make_app, monkeypatch):
    fake_training_module(monkeypatch)
    app = make_app(options=AppOptions(training={"device": "cpu", "epochs": 1}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.check_action("train_this", ()) is True
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, RecordingTrainingScreen)
        assert RecordingTrainingScreen.made == [{"preset": "faithful", "epochs": 1, "device": "cpu"}]


async def test_T_is_not_offered_in_a_lesson_without_training_settings(make_app, monkeypatch):
    fake_training_module(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        assert app.screen.check_action("train_this", ()) is False


async def test_t_opens_the_one_training_screen_and_keeps_it(make_app, monkeypatch):
    fake_training_module(monkeypatch)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        training = app.screen
        assert isinstance(training, RecordingTrainingScreen)
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is training and len(RecordingTrainingScreen.made) == 1


async def test_the_real_training_screen_opens_and_home_comes_back(make_app):
    from tui.training import TrainingScreen

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)
        app.action_home()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrainingScreen)
