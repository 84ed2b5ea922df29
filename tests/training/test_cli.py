"""The `train` command's contract: bad input is one line and exit 2; SIGINT checkpoints and exits 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from curriculum.training.cli import main

from .helpers import write_image_folder

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args, says", [
    (["--preset", "slowest"], "--preset must be one of faithful, fast (got 'slowest')"),
    (["--model", "resnet"], "--model must be one of blitz, wide (got 'resnet')"),
    (["--lr", "0"], "--lr must be greater than 0 (got 0)"),
    (["--lr", "-0.1"], "--lr must be greater than 0 (got -0.1)"),
    (["--batch-size", "0"], "--batch-size must be at least 1 (got 0)"),
    (["--epochs", "two"], "--epochs expects a whole number"),
    (["--device", "gpu"], "cuda:N"),
    (["--momentum", "1.5"], "--momentum must be at least 0 and below 1 (got 1.5)"),
])
def test_bad_arguments_exit_2_with_one_line(args, says, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--headless", *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


def _bad_data_cases(tmp: Path) -> list[tuple[list[str], str]]:
    corrupt = write_image_folder(tmp / "corrupt", per_class=1)
    (corrupt / "train" / "cat" / "0.png").write_bytes(b"garbage")
    (tmp / "empty").mkdir()
    return [
        (["--data", str(tmp / "missing")], "no such file or folder"),
        (["--data", str(tmp / "empty")], "neither a CIFAR-10 folder"),
        (["--data", str(corrupt)], "cannot read image"),
        (["--data", "synthetic:100", "--batch-size", "101"], "larger than the training set"),
        (["--resume", str(tmp / "empty")], "no checkpoint to resume"),
    ]


def test_bad_data_exits_2_with_one_line(tmp_path, capsys):
    for args, says in _bad_data_cases(tmp_path):
        assert main(["--headless", "--json", "--no-telemetry", *args]) == 2, args
        captured = capsys.readouterr()
        assert says in captured.err and captured.err.count("\n") == 1, (args, captured.err)
        last = json.loads(captured.out.splitlines()[-1])
        assert last["type"] == "error" and says in last["message"]


def test_bad_data_in_a_real_process_has_no_traceback(tmp_path):
    run = subprocess.run([sys.executable, "-m", "curriculum.training", "--headless", "--data", str(tmp_path / "x")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and run.stderr.strip().count("\n") == 0 and "no such file or folder" in run.stderr


def test_sigint_writes_a_checkpoint_and_exits_130(tmp_path):
    out = tmp_path / "run"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "curriculum.training", "--headless", "--json", "--data", "synthetic:2000",
         "--epochs", "50", "--out", str(out), "--no-telemetry"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    events = []
    try:
        for line in process.stdout:
            events.append(json.loads(line))
            if events[-1]["type"] == "progress":
                process.send_signal(signal.SIGINT)
                break
        events += [json.loads(line) for line in process.stdout]
        assert process.wait(timeout=60) == 130
    finally:
        if process.poll() is None:
            process.kill()
    end = events[-1]
    assert end["type"] == "end" and end["status"] == "stopped"
    assert any(e["type"] == "checkpoint" for e in events)
    assert (out / "checkpoints" / "stopped.pt").is_file()
    saved = json.loads((out / "last.json").read_text())
    assert saved["global_step"] == end["steps"] > 0


def test_the_cli_module_imports_no_torch():
    probe = "import sys, curriculum.training.cli; print('torch' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
