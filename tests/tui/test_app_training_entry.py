"""Reaching the training screen: `t` anywhere, `T` from lesson 4 with that lesson's settings."""

from __future__ import annotations

import sys
from pathlib import Path
import types

from textual.screen import Screen

from tui.options import AppOptions
from tui.screens.home import HomeScreen


class RecordingTrainingScreen(Screen):
    made: list[dict | None] = []

    def __init__(self, defaults: dict | None = None, start: bool = False, **options) -> None:  # options: detached, attach
        super().__init__()
        RecordingTrainingScreen.made.append(defaults)
        self.started = [defaults] if start else []

    def train_recipe(self, settings: dict) -> None:
        self.started.append(settings)


def fake_training_module(monkeypatch) -> None:
    RecordingTrainingScreen.made = []
    module = types.ModuleType("tui.training")
    module.TrainingScreen = RecordingTrainingScreen
    monkeypatch.setitem(sys.modules, "tui.training", module)


async def test_T_in_lesson_4_starts_the_lessons_recipe_and_app_flags_fill_the_rest(make_app, monkeypatch):
    fake_training_module(monkeypatch)
    app = make_app(options=AppOptions(training={"device": "cpu", "epochs": 1}))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.check_action("train_this", ()) is True
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, RecordingTrainingScreen)
        assert RecordingTrainingScreen.made == [{"preset": "faithful", "epochs": "2", "device": "cpu"}]
        assert app.screen.started == RecordingTrainingScreen.made


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


TRAINING_TESTS = Path(__file__).resolve().parents[1] / "tui_training"


async def test_T_in_the_real_lesson_4_fills_exactly_its_recipe_and_the_run_starts(make_app, monkeypatch):
    """Lesson 4's front matter once named a model that does not exist, so its form refused to start;
    and `T` kept what was typed before (epochs 6) instead of the lesson's recipe."""
    from curriculum.lesson import load_all
    from curriculum.training.client import run_session
    from tui.training import TrainingScreen
    from tui.training.widgets.config_form import ConfigForm

    asked: list[list[str]] = []

    def fake_trainer(flags):
        asked.append(list(flags))
        return [sys.executable, str(TRAINING_TESTS / "fake_trainer.py"), "--replay",
                str(TRAINING_TESTS / "fixtures" / "cpu_synthetic.jsonl"), "--", *flags]

    monkeypatch.setattr(run_session, "trainer_command", fake_trainer)
    app = make_app(lessons=load_all())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await pilot.pause()
        form = app.screen.query_one(ConfigForm)
        form.set_values({"epochs": "6", "lr": "0.5"})  # typed earlier, by hand
        app.action_open_lesson(4)
        await pilot.pause()
        await pilot.press("T")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        assert form.values()["epochs"] == "" and form.values()["lr"] == ""
        assert form.values()["preset"] == "faithful" and form.values()["model"] == "blitz"
        for _ in range(400):
            if screen.run.is_over:
                break
            await pilot.pause(0.05)
        assert screen.run.status == "finished", screen.run.reason
        assert asked and asked[0][:4] == ["--preset", "faithful", "--model", "blitz"]
        assert "--epochs" not in asked[0] and "--lr" not in asked[0]


async def test_T_before_the_training_screen_exists_also_starts_the_lessons_run(make_app, monkeypatch):
    from curriculum.lesson import load_all
    from curriculum.training.client import run_session
    from tui.training import TrainingScreen

    def fake_trainer(flags):
        return [sys.executable, str(TRAINING_TESTS / "fake_trainer.py"), "--replay",
                str(TRAINING_TESTS / "fixtures" / "cpu_synthetic.jsonl"), "--", *flags]

    monkeypatch.setattr(run_session, "trainer_command", fake_trainer)
    app = make_app(lessons=load_all())
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_open_lesson(4)
        await pilot.pause()
        await pilot.press("T")
        for _ in range(400):
            if isinstance(app.screen, TrainingScreen) and app.screen.run.is_over:
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, TrainingScreen) and app.screen.run.status == "finished"
