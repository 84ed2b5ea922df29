"""Snapshots of the training screen at the two sizes learners use (80×24 and 120×40)."""

from __future__ import annotations

from training_helpers import HostApp, play, recorded, settle_plots


def replaying(*keys: str):
    """Run the app's recorded trainer to its end (see `recorded`), then press `keys`."""
    async def run_before(pilot) -> None:
        await play(pilot)
        await settle_plots(pilot)
        if keys:
            await pilot.press(*keys)
        await settle_plots(pilot)

    return run_before


class TestTrainingScreenSnapshots:
    def test_setup_form_80x24(self, snap_compare):
        """The form filled from `--data synthetic --epochs 3 --device cpu`; blank fields show the preset's
        values (e.g. `4 (faithful)` for batch size); recent runs: none yet; keys in the footer."""
        app = HostApp(defaults={"data": "synthetic", "epochs": 3, "device": "cpu"})
        assert snap_compare(app, terminal_size=(80, 24), run_before=lambda pilot: pilot.pause())

    def test_finished_cpu_run_80x24(self, snap_compare):
        """Status `finished` with 52.0%; loss and EMA curves; ten class bars with best (automobile) and
        worst (cat) marked; speed, three epochs of test accuracy; `No GPU: CPU run …`."""
        assert snap_compare(recorded("cpu_synthetic.jsonl"), terminal_size=(80, 24), run_before=replaying())

    def test_two_gpu_run_120x40(self, snap_compare):
        """Two GPU lines (util, memory, power, temperature), a rank table and the util/memory history
        under the loss plot's step axis."""
        assert snap_compare(recorded("two_gpus_ddp.jsonl"), terminal_size=(120, 40), run_before=replaying())

    def test_confusion_matrix_by_wall_time_120x40(self, snap_compare):
        """After `x` and `m`: the loss by wall time and the 10×10 confusion matrix (% of each true class)."""
        app = recorded("cpu_synthetic.jsonl")
        assert snap_compare(app, terminal_size=(120, 40), run_before=replaying("x", "m"))

    def test_failed_run_80x24(self, snap_compare):
        """Status `failed: CUDA out of memory …` in the top line; the curves up to the failure."""
        assert snap_compare(recorded("failed_oom.jsonl"), terminal_size=(80, 24), run_before=replaying())
