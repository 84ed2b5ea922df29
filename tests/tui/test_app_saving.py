"""Progress that cannot be saved stays visible: the status bar is red until a save succeeds, and quitting asks."""

from __future__ import annotations

from curriculum.progress import ProgressStore
from conftest import text_of
from tui import app as app_module
from tui.screens.confirm import ConfirmScreen
from tui.screens.home import HomeScreen


def blocked_store(tmp_path):
    """A store whose folder is a plain file: every save fails, even as root (which ignores read-only modes)."""
    blocker = tmp_path / "progress-folder"
    blocker.write_text("not a folder")
    return ProgressStore(blocker / "progress.json"), blocker


def unblock(blocker) -> None:
    blocker.unlink()
    blocker.mkdir()


async def wait_until(pilot, condition, tries: int = 200) -> bool:
    for _ in range(tries):
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()


async def test_a_failed_save_keeps_the_status_bar_red_until_a_save_succeeds(make_app, tmp_path, monkeypatch):
    monkeypatch.setattr(app_module, "SAVE_RETRY", 0.05)
    store, blocker = blocked_store(tmp_path)
    app = make_app(progress=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        store.set_cell_text(app.screen.lesson.id, "cell-1", "x = 'edited'")
        app.schedule_save(now=True)
        status = app.screen.query_one("#kernel-status")
        status.refresh_status()
        assert app.save_problem and "Could not save your progress" in app.save_problem
        assert status.has_class("-unsaved") and "PROGRESS NOT SAVED" in text_of(status)
        await pilot.pause(0.2)  # retries keep failing: still red, not told only once and forgotten
        status.refresh_status()
        assert status.has_class("-unsaved")

        unblock(blocker)  # no further edit: the retry alone must save and clear the red
        assert await wait_until(pilot, lambda: app.save_problem is None)
        status.refresh_status()
        assert not status.has_class("-unsaved") and "NOT SAVED" not in text_of(status)
    assert ProgressStore(blocker / "progress.json").cell_text(app.lessons[0].id, "cell-1") == "x = 'edited'"


async def test_quitting_with_unsaved_progress_asks_first(make_app, tmp_path):
    store, _ = blocked_store(tmp_path)
    app = make_app(progress=store)
    async with app.run_test(size=(100, 30)) as pilot:
        store.last_lesson = "tensors"  # a change that cannot reach the disk
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Could not save your progress" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.return_code is None  # still running
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.return_code == 0  # exit() was called


async def test_quitting_with_everything_saved_does_not_ask(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.progress.last_lesson = "tensors"
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and app.return_code == 0
    assert app.progress.save() and not app.progress.dirty
