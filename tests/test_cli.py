"""The command line: bad arguments exit 2 with one line and no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest


def blitz(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--no-such-flag"],
        ["--lesson", "9"],
        ["--epochs", "0"],
        ["--device", "tpu"],
        ["--data", "/no/such/folder"],
        ["--memory-mb", "lots"],
        ["no-such-command"],
    ],
)
def test_bad_arguments_exit_2_without_traceback(args):
    result = blitz(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("blitz-tui: ")  # more in test_cli_errors.py


def test_help_lists_every_subcommand():
    result = blitz("--help")
    assert result.returncode == 0
    for name in ("exec", "doctor", "train", "verify", "progress"):
        assert name in result.stdout


def _train_args(*extra: str):
    from tui.cli import build_parser

    return build_parser().parse_args(["train", *extra])


def test_train_at_a_terminal_opens_the_training_screen_with_its_flags(monkeypatch):
    from tui import cli
    from tui.options import AppOptions

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    args = _train_args("--data", "synthetic", "--epochs", "3", "--lr", "0.01", "--nproc", "2")
    assert cli._wants_training_screen(args)
    options = AppOptions.from_args(args)
    assert options.open_training
    assert options.training == {"data": "synthetic", "epochs": 3, "lr": 0.01, "nproc": 2}


@pytest.mark.parametrize("extra", [["--headless"], ["--json"], ["--out", "runs/x"], ["--resume", "runs/x"],
                                   ["--nnodes", "2", "--rdzv-endpoint", "127.0.0.1:29500"]])
def test_train_stays_headless_with_headless_only_options(monkeypatch, extra):
    from tui import cli

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert not cli._wants_training_screen(_train_args(*extra))


def test_train_without_a_terminal_stays_headless():
    from tui import cli

    # pytest captures stdout, so this is the piped case: a script or CI running `blitz-tui train`.
    assert not cli._wants_training_screen(_train_args("--data", "synthetic"))


@pytest.mark.parametrize(("argv", "says"), [
    (["--device", "tpu"], "--device must be auto, cpu, cuda or cuda:N (got 'tpu')"),
    (["train", "--device", "tpu"], "--device must be auto, cpu, cuda or cuda:N (got 'tpu')"),
    (["--epochs", "0"], "--epochs must be at least 1 (got 0)"),
    (["train", "--lr", "-1"], "--lr must be greater than 0 (got -1)"),
    (["--data", "synthetic:3"], "synthetic:N needs a whole number N from 10"),
])
def test_the_app_and_train_reject_the_same_values_in_the_same_words(argv, says, capsys):
    from tui.cli import build_parser

    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2
    assert says in capsys.readouterr().err


def test_the_app_takes_a_zip_of_either_layout_for_data(tmp_path):
    import zipfile

    from tui.cli import build_parser
    from tui.options import AppOptions

    folder_zip, cifar_zip, junk_zip = tmp_path / "folder.zip", tmp_path / "cifar.zip", tmp_path / "junk.zip"
    with zipfile.ZipFile(folder_zip, "w") as out:
        out.writestr("sample/train/cat/0.png", b"")
        out.writestr("sample/test/cat/0.png", b"")
    with zipfile.ZipFile(cifar_zip, "w") as out:
        out.writestr("cifar-10-batches-py/data_batch_1", b"")
        out.writestr("cifar-10-batches-py/test_batch", b"")
    with zipfile.ZipFile(junk_zip, "w") as out:
        out.writestr("readme.txt", b"")
    for archive in (folder_zip, cifar_zip):
        args = build_parser().parse_args(["--data", str(archive)])
        assert AppOptions.from_args(args).training["data"] == str(archive)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--data", str(junk_zip)])


def test_lesson_kernels_follow_the_apps_data(tmp_path):
    from tui.cli import build_parser
    from tui.options import AppOptions
    from tui.run import kernel_environment

    folder = tmp_path / "mine"
    (folder / "train" / "cat").mkdir(parents=True)
    (folder / "test" / "cat").mkdir(parents=True)
    options = AppOptions.from_args(build_parser().parse_args(["--data", str(folder)]))
    assert kernel_environment(options) == {"BLITZ_TUI_DATA": str(folder.resolve())}
    assert kernel_environment(AppOptions.from_args(build_parser().parse_args([]))) == {}
