"""The past-runs list (`p`) lists live runs with the rest, and `w` there watches the highlighted live one."""

from __future__ import annotations

from curriculum.paths import runs_dir
from curriculum.training import detached
from tests.runs.test_detached import wait_until
from tests.runs.test_resume_screen import Host, settle
from tests.runs.test_stopped_epoch import stopped_stream
from tests.runs.trainers import hanging_trainer
from tui.training import TrainingScreen
from tui.training.widgets.past_runs import PastRunsScreen


async def test_w_in_the_past_runs_list_watches_the_live_run_picked(private_home):
    older, newer = runs_dir() / "20260101-140000-a", runs_dir() / "20260101-150000-b"
    trainers = [detached.launch(hanging_trainer(), folder) for folder in (older, newer)]
    over = runs_dir() / "20260101-130000-over"  # a stopped run, listed below the live ones
    over.mkdir()
    (over / "events.jsonl").write_text("".join(e.to_json() + "\n" for e in stopped_stream()))
    try:
        for folder in (older, newer):
            wait_until(lambda: detached.latest_epoch(folder) is not None)
        screen = TrainingScreen(detached=True)
        async with Host(screen).run_test(size=(120, 40)) as pilot:
            await settle(pilot, lambda: screen.session.folder == newer and screen.run.status == "running")

            await pilot.press("p")
            await settle(pilot, lambda: isinstance(screen.app.screen, PastRunsScreen))
            listed = screen.app.screen
            assert [(r.path.name, r.status) for r in listed.runs] == [
                (newer.name, "running"), (older.name, "running"), (over.name, "stopped")]
            await pilot.press("down", "down", "w")  # the stopped run: nothing to watch, the list stays
            await pilot.pause(0.2)
            assert screen.app.screen is listed and screen.session.folder == newer

            await pilot.press("up", "w")
            await settle(pilot, lambda: screen.app.screen is screen and screen.session.folder == older
                         and screen.run.losses)
            assert screen.run.status == "running" and len(screen.run.losses) == 1  # only its own history
        assert all(detached.trainer_alive(detached.read_state(f)) for f in (older, newer))  # watching stops nothing
    finally:
        for trainer in trainers:
            trainer.kill()
            trainer.wait()
