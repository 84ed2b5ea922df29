"""Pilot tests: recorded trainer streams played through the trainer pipe (fake_trainer.py), and what the panels then show."""

from __future__ import annotations

import csv

from textual.widgets import ContentSwitcher, Input

from tui.training import TrainingScreen
from curriculum.training.client.runs import EVENTS_FILE, list_runs
from tui.training.widgets.class_panel import ClassPanel
from tui.training.widgets.loss_plot import LossPlot

from training_helpers import HostApp, fake_trainer, play, recorded, settle_plots, wait_for


def text_of(screen: TrainingScreen, selector: str) -> str:
    return screen.query_one(selector).text


async def test_a_finished_cpu_run_shows_status_classes_percentages_and_why_no_gpu():
    app = recorded("cpu_synthetic.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await play(pilot)
        assert "finished" in text_of(screen, "#status-line")
        assert "test accuracy 52.0%" in text_of(screen, "#status-line")
        bars = screen.query_one(ClassPanel).render().plain
        for name, pct in (("airplane", "49.6%"), ("automobile", "71.7% best"), ("cat", "31.5% worst")):
            assert f"{pct}" in next(line for line in bars.splitlines() if line.startswith(name))
        assert text_of(screen, "#gpu-lines") == "No GPU: CPU run (--device cpu): no GPU telemetry"
        assert "833 img/s overall" in text_of(screen, "#throughput")
        assert "step 3,750/3,750" in text_of(screen, "#throughput")
        assert "epoch 3   52.0%  +3.1" in text_of(screen, "#accuracy")


async def test_a_two_gpu_distributed_run_shows_each_gpu_and_a_rank_table():
    app = recorded("two_gpus_ddp.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await play(pilot)
        gpus = text_of(app.screen, "#gpu-lines").splitlines()
        assert gpus[0].startswith("GPU0 H100 80GB HBM3") and "GiB" in gpus[0] and "°C" in gpus[0]
        assert gpus[1].startswith("GPU1")
        ranks = text_of(app.screen, "#ranks").splitlines()
        assert ranks[0].split() == ["rank", "images/s"] and ranks[2].split()[0] == "1"
        assert app.screen.query_one("#gpu-history").display


async def test_a_failed_run_says_failed_with_the_trainers_reason():
    app = recorded("failed_oom.jsonl")
    async with app.run_test(size=(80, 24)) as pilot:
        await play(pilot)
        assert "failed: CUDA out of memory" in text_of(app.screen, "#status-line")


async def test_keys_toggle_the_x_axis_and_the_confusion_matrix():
    app = recorded("cpu_synthetic.jsonl")
    async with app.run_test(size=(120, 40)) as pilot:
        await play(pilot)
        await settle_plots(pilot)
        plot = app.screen.query_one(LossPlot)
        assert "Loss by step" in plot.text
        await pilot.press("x")
        # Painted from the view built ahead of the key: no waiting for the plot thread.
        assert "Loss by wall time (s)" in plot.text and "wall time (s)" in plot.text.splitlines()[-1]
        await pilot.press("m")
        matrix = app.screen.query_one(ClassPanel).render().plain
        assert matrix.splitlines()[0].split()[1:4] == ["airp", "auto", "bird"]
        assert matrix.splitlines()[1].startswith("airplane")


async def test_defaults_fill_the_form_and_bad_values_are_flagged_inline():
    app = HostApp(defaults={"data": "synthetic", "epochs": 3, "device": "cpu"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.query_one("#field-epochs", Input).value == "3"
        assert screen.query_one("#field-device", Input).value == "cpu"
        lr = screen.query_one("#field-lr", Input)
        lr.focus()
        await pilot.press("0")
        assert "--lr must be greater than 0 (got 0)" in str(screen.query_one("#error-lr").render())
        assert lr.has_class("-invalid")
        await pilot.press("escape", "s")  # leave the field, try to start
        assert screen.run.status == "ready"
        assert app.focused is lr  # sent back to the field to fix
        await pilot.press("backspace", "0", ".", "1")
        assert not lr.has_class("-invalid")


async def test_s_starts_a_run_that_streams_to_the_end_and_is_kept(tmp_path):
    app = HostApp(defaults={"data": "synthetic"}, trainer=fake_trainer("cpu_synthetic.jsonl"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("s")
        assert screen.query_one(ContentSwitcher).current == "live"
        await wait_for(pilot, lambda: screen.run.status == "finished")
        await pilot.pause(0.3)
        assert "finished" in text_of(screen, "#status-line")
        assert "automobile" in screen.query_one(ClassPanel).render().plain
        assert (screen.run_folder / EVENTS_FILE).stat().st_size > 0
        runs = list_runs()
        assert runs[0].path == screen.run_folder and runs[0].status == "finished"
        await pilot.press("e")
        with open(screen.run_folder / "metrics.csv", newline="") as handle:
            header = next(csv.reader(handle))
        assert "acc_truck" in header


async def test_s_again_stops_the_run_cleanly():
    app = HostApp(defaults={"data": "synthetic"}, trainer=fake_trainer("cpu_synthetic.jsonl", delay=0.05))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("s")
        await wait_for(pilot, lambda: len(screen.run.losses) >= 3)
        await pilot.press("s")
        await wait_for(pilot, lambda: screen.run.status == "stopped")
        await wait_for(pilot, lambda: screen.session.returncode is not None)  # the end event can beat the exit
        assert screen.session.returncode == 130
        assert "stopped" in text_of(screen, "#status-line")
        assert list_runs()[0].status == "stopped"


async def test_a_crash_without_an_error_event_shows_stderrs_last_line():
    trainer = fake_trainer("cpu_synthetic.jsonl", stop_after=4, exit_code=1, stderr="ValueError: corrupt image x.jpg")
    app = HostApp(defaults={"data": "synthetic"}, trainer=trainer)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        await wait_for(pilot, lambda: app.screen.run.status == "failed")
        await pilot.pause()
        assert "failed: ValueError: corrupt image x.jpg" in text_of(app.screen, "#status-line")


async def test_past_runs_overlay_on_the_loss_plot_with_a_table():
    app = HostApp(defaults={"data": "synthetic"}, trainer=fake_trainer("two_gpus_ddp.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        for _ in range(2):
            await pilot.press("s")
            await wait_for(pilot, lambda: screen.run.status == "finished")
        await pilot.press("o")
        table = text_of(screen, "#compare").splitlines()
        assert table[0].split()[:3] == ["run", "test", "acc"]
        assert table[1].startswith("this run") and "53.0%" in table[1]
        assert len(table) == 3  # this run and the one before it
        await pilot.press("p")
        await pilot.press("space", "enter")
        assert screen.overlay_on and len(screen._overlays) == 1


async def test_the_form_takes_a_zip_of_an_image_folder_and_names_what_a_bad_one_lacks(tmp_path):
    """`train --data x.zip` worked while the form said "not a folder": both use one resolver now."""
    import zipfile

    good, junk = tmp_path / "sample.zip", tmp_path / "junk.zip"
    with zipfile.ZipFile(good, "w") as out:
        out.writestr("sample/train/cat/0.png", b"")
        out.writestr("sample/test/cat/0.png", b"")
    with zipfile.ZipFile(junk, "w") as out:
        out.writestr("notes.txt", b"")
    app = HostApp(defaults={"data": str(good)})
    async with app.run_test(size=(120, 40)) as pilot:
        field = app.screen.query_one("#field-data", Input)
        assert not field.has_class("-invalid")
        field.value = str(junk)
        await pilot.pause()
        assert field.has_class("-invalid")
        assert "holds neither a CIFAR-10 folder" in str(app.screen.query_one("#error-data").render())


async def test_letters_typed_in_the_form_are_text_and_act_only_after_escape():
    """The first Tab used to land on the form's invisible container, where `s` started a run and `e` exported."""
    app = HostApp(defaults={"data": "synthetic"}, trainer=fake_trainer("cpu_synthetic.jsonl"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.press("tab")
        data = screen.query_one("#field-data", Input)
        assert app.focused is data  # the first Tab reaches the first field
        data.value = ""
        await pilot.press(*"/tmp/see1q/pesxmoc")
        assert data.value == "/tmp/see1q/pesxmoc"
        assert screen.run.status == "ready" and screen.session.folder is None  # `s` started nothing
        assert screen.query_one(ContentSwitcher).current == "setup" and app.screen is screen
        await pilot.press("escape")
        assert app.focused is None
        await pilot.press("c")  # out of the field, letters are keys again
        assert screen.query_one(ContentSwitcher).current == "live"
