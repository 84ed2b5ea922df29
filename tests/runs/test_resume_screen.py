"""The training screen watches a detached run and resumes a stopped one in its own folder (one run, not two)."""

from __future__ import annotations

import os
import signal

import pytest
from textual.app import App

from curriculum.paths import runs_dir
from curriculum.training import detached
from tests.runs.test_detached import wait_until
from tests.runs.trainers import hanging_trainer, looping_trainer
from tui.training import TrainingScreen
from tui.training.widgets.prebuilt_plot import PlotBuilder


class Host(App):
    """The training screen on its own, with the plot service the real app gives it."""

    def __init__(self, screen: TrainingScreen) -> None:
        super().__init__()
        self.training = screen
        self.plot_builder = PlotBuilder()

    def on_mount(self) -> None:
        self.push_screen(self.training)

    def on_unmount(self) -> None:
        self.plot_builder.close()


async def settle(pilot, condition, limit_s: float = 30.0) -> None:
    for _ in range(int(limit_s / 0.1)):
        await pilot.pause(0.1)
        if condition():
            return
    raise AssertionError("the screen never got there")


@pytest.fixture
def stopped_run(private_home):
    folder = runs_dir() / "20260101-120000-fast-synthetic"
    detached.launch(looping_trainer(), folder)
    wait_until(lambda: detached.latest_epoch(folder) is not None)
    assert detached.stop(folder) == "stopped"
    (folder / "checkpoints").mkdir()
    (folder / "checkpoints" / "stopped.pt").write_bytes(b"the fake trainer's checkpoint")
    yield folder
    state = detached.read_state(folder)
    if state and detached.trainer_alive(state):
        os.killpg(state["pid"], signal.SIGKILL)


async def test_attach_shows_a_stopped_run_and_r_resumes_it_as_the_same_run(stopped_run):
    screen = TrainingScreen(detached=True, attach=stopped_run, trainer=lambda flags: looping_trainer() + ["--", *flags])
    app = Host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: screen.run.status == "stopped")
        steps_before = screen.run.losses[-1].step
        assert "r: resume" in str(screen.query_one("#status-line").render())

        await pilot.press("r")
        await settle(pilot, lambda: screen.run.status == "running" and screen.run.losses[-1].step > steps_before)
        assert screen.session.folder == stopped_run
        state = detached.read_state(stopped_run)
        assert state["status"] == "running" and state["resumes"] == 1 and "--resume" in state["command"]
        assert [v.id for v in detached.live_runs(stopped_run.parent)] == [stopped_run.name]  # still one run

        await pilot.press("s")  # and it stops again, with the history of both parts
        await settle(pilot, lambda: screen.run.status == "stopped")
    assert detached.view(stopped_run).status == "stopped"


async def test_a_watched_trainer_killed_with_9_shows_failed_with_its_last_words(private_home):
    folder = runs_dir() / "20260101-130000-fast-synthetic"
    victim = detached.launch(hanging_trainer(), folder)
    wait_until(lambda: detached.latest_epoch(folder) is not None)
    screen = TrainingScreen(detached=True)  # no run named: it watches the newest live one
    app = Host(screen)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, lambda: screen.run.status == "running" and screen.session.folder == folder)
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            await settle(pilot, lambda: screen.run.status == "failed", limit_s=10)
            assert "epoch 1 under way" in screen.run.reason
    finally:
        if victim.poll() is None:
            victim.kill()


async def test_w_switches_between_live_runs(private_home):
    older, newer = runs_dir() / "20260101-140000-a", runs_dir() / "20260101-150000-b"
    trainers = [detached.launch(hanging_trainer(), folder) for folder in (older, newer)]
    try:
        for folder in (older, newer):
            wait_until(lambda: detached.latest_epoch(folder) is not None)
        screen = TrainingScreen(detached=True)
        async with Host(screen).run_test(size=(120, 40)) as pilot:
            await settle(pilot, lambda: screen.session.folder == newer and screen.run.status == "running")
            assert "2 runs live" in str(screen.query_one("#status-line").render())
            await pilot.press("w")
            await settle(pilot, lambda: screen.session.folder == older and screen.run.losses)
            assert screen.run.status == "running" and len(screen.run.losses) == 1  # only its own history
            await pilot.press("w")
            await settle(pilot, lambda: screen.session.folder == newer)
        assert all(detached.trainer_alive(detached.read_state(f)) for f in (older, newer))  # watching stops nothing
    finally:
        for trainer in trainers:
            trainer.kill()
            trainer.wait()


async def test_a_lessons_recipe_does_not_replace_a_live_run_the_screen_found(private_home):
    """`T` makes the screen with `start=True`; when it finds a detached run still going it watches that one
    and says so, instead of starting a second trainer over it."""
    folder = runs_dir() / "20260101-160000-faithful-synthetic"
    trainer = detached.launch(hanging_trainer(), folder)
    try:
        wait_until(lambda: detached.latest_epoch(folder) is not None)
        screen = TrainingScreen({"preset": "faithful"}, start=True, detached=True)
        async with Host(screen).run_test(size=(120, 40)) as pilot:
            await settle(pilot, lambda: screen.session.folder == folder and screen.run.status == "running")
            await pilot.pause(0.3)
            assert screen.session.folder == folder
            assert [f.name for f in detached.run_folders()] == [folder.name]  # no second run was made
            assert detached.trainer_alive(detached.read_state(folder))
    finally:
        trainer.kill()
        trainer.wait()
