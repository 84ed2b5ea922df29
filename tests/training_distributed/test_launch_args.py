"""The launcher's checks, its torchrun command and its one-line failure reasons, without starting torchrun."""

from __future__ import annotations

import argparse
import socket

import pytest

from curriculum.training.cli import configure, main
from curriculum.training.launch import check_arguments, port_in_use, torchrun_command, worker_flags
from curriculum.training.torchrun_failures import explain, root_cause
from curriculum.training.client.form import trainer_flags, validate, validate_all


def parse(*argv: str) -> argparse.Namespace:
    return configure(argparse.ArgumentParser(prog="train")).parse_args(list(argv))


@pytest.mark.parametrize("argv, says", [
    (["--nproc", "0"], "--nproc must be from 1 to 64 (got 0)"),
    (["--nnodes", "two"], "whole number"),
    (["--rdzv-endpoint", "localhost"], "HOST:PORT"),
    (["--rdzv-endpoint", "host:99999"], "HOST:PORT"),
    (["--rdzv-timeout", "0"], "greater than 0"),
])
def test_bad_distributed_arguments_exit_2_with_one_line(argv, says, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--headless", *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1


@pytest.mark.parametrize("argv, says", [
    (["--nnodes", "2", "--node-rank", "2", "--rdzv-endpoint", "h:1"], "--node-rank must be below --nnodes (2)"),
    (["--nnodes", "2"], "needs --rdzv-endpoint"),
    (["--nproc", "2", "--data-parallel"], "cannot be combined"),
    (["--nproc", "2", "--device", "cuda:1"], "each rank uses its own"),
])
def test_conflicting_distributed_flags_exit_2_with_one_line_and_an_error_event(argv, says, capsys):
    assert main(["--headless", "--json", *argv]) == 2
    captured = capsys.readouterr()
    assert says in captured.err and captured.err.count("\n") == 1
    assert '"type":"error"' in captured.out and says in captured.out


def test_a_batch_larger_than_each_ranks_share_is_bad_input(capsys):
    assert main(["--headless", "--nproc", "4", "--data", "synthetic:100", "--batch-size", "30", "--device", "cpu"]) == 2
    assert "each rank's share of the training set (25 images over 4 ranks)" in capsys.readouterr().err


def test_the_ranks_get_the_learners_training_flags_and_no_launcher_flags():
    args = parse("--nproc", "2", "--data", "synthetic:400", "--epochs", "3", "--lr", "0.01", "--no-graph",
                 "--out", "runs/a", "--collective-timeout", "9", "--json")
    flags = worker_flags(args)
    assert flags == ["--out", "runs/a", "--data", "synthetic:400", "--epochs", "3", "--lr", "0.01", "--no-graph",
                     "--collective-timeout", "9.0"]
    command = torchrun_command(args)
    assert command[1:3] == ["-m", "torch.distributed.run"] and "--standalone" in command
    assert "--nproc-per-node=2" in command and "--max-restarts=0" in command
    assert command[command.index("-m", 3):][:5] == ["-m", "curriculum.training", "--headless", "--json", "--ddp-worker"]


def test_several_machines_use_the_static_rendezvous_with_its_timeout():
    args = parse("--nproc", "1", "--nnodes", "2", "--node-rank", "1", "--rdzv-endpoint", "10.0.0.1:29511",
                 "--rdzv-timeout", "7")
    assert check_arguments(args) is None
    command = torchrun_command(args)
    for part in ("--rdzv-backend=static", "--rdzv-endpoint=10.0.0.1:29511", "--node-rank=1", "--nnodes=2",
                 "--rdzv-conf=timeout=7"):
        assert part in command
    assert "--standalone" not in command


def test_a_listening_port_is_seen_as_in_use_and_a_closed_one_is_not():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert port_in_use(port)
    assert not port_in_use(port)


SUMMARY = """torch.distributed.elastic.multiprocessing.errors.ChildFailedError:
======================================================
curriculum.training FAILED
------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-28_07:48:02
  host      : node-a
  rank      : 0 (local_rank: 0)
  exitcode  : {other} (pid: 4211)
  error_file: <N/A>
  traceback : Signal 15 (SIGTERM) received by PID 4211
------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-28_07:48:02
  host      : node-b
  rank      : 1 (local_rank: 0)
  exitcode  : {root} (pid: 4212)
  error_file: <N/A>
  traceback : Signal 9 (SIGKILL) received by PID 4212
======================================================"""


def _explain(text: str, errors=None, *argv: str):
    return explain(text.splitlines(), errors or {}, parse("--nproc", "2", *argv), 1)


def test_a_killed_rank_is_named_with_its_signal():
    assert root_cause(SUMMARY.format(other=-15, root=-9).splitlines())["rank"] == 1
    message, code = _explain(SUMMARY.format(other=-15, root=-9))
    assert message.startswith("rank 1 died (SIGKILL, pid 4212)") and code == 1
    message, _ = _explain(SUMMARY.format(other=-15, root=-9), None, "--nnodes", "2", "--rdzv-endpoint", "h:1")
    assert message.startswith("rank 1 on node-b died")


def test_a_killed_rank_is_the_cause_even_when_torchrun_saw_its_peer_fail_first():
    # The peer fails on the closed connection and exits at once; torchrun may list it as the root cause.
    text = SUMMARY.format(other=-9, root=1).replace("Signal 15 (SIGTERM)", "Signal 9 (SIGKILL)")
    message, code = _explain(text, {1: "RuntimeError: gloo read error: connection closed by peer"})
    assert message.startswith("rank 0 died (SIGKILL, pid 4211)") and code == 1
    # torchrun's own SIGTERM to the other ranks is never the cause.
    message, _ = _explain(SUMMARY.format(other=-15, root=1), {1: "RuntimeError: boom"})
    assert message == "rank 1 failed: RuntimeError: boom"


def test_a_rank_that_raised_is_named_with_its_message_and_bad_input_stays_exit_2():
    message, code = _explain(SUMMARY.format(other=1, root=1), {1: "RuntimeError: boom"})
    assert (message, code) == ("rank 1 failed: RuntimeError: boom", 1)
    assert _explain(SUMMARY.format(other=2, root=2), {1: "no such folder: x"}) == ("no such folder: x", 2)


def test_ranks_stopped_from_another_machine_are_a_stop():
    assert _explain(SUMMARY.format(other=130, root=130))[1] == 130


def test_rendezvous_failures_say_what_to_do():
    endpoint = ("--nnodes", "2", "--rdzv-endpoint", "127.0.0.1:29511", "--rdzv-timeout", "5")
    host, _ = _explain("DistStoreError: Timed out after 6 seconds waiting for clients. 1/2 clients joined.", None,
                       *endpoint)
    assert host.startswith("nobody joined the rendezvous at 127.0.0.1:29511 within 5 s (1 of 2 machines arrived)")
    client, _ = _explain("torch.distributed.DistNetworkError: The client socket has timed out", None,
                         *endpoint, "--node-rank", "1")
    assert client.startswith("could not reach the rendezvous at 127.0.0.1:29511 within 5 s")
    taken, _ = _explain("code: -98, name: EADDRINUSE, message: address already in use", None, *endpoint)
    assert taken.startswith("port 29511 is already in use")


def test_the_training_form_offers_processes_and_turns_them_into_nproc():
    assert validate("nproc", "2") is None and validate("nproc", "") is None
    assert "whole number" in validate("nproc", "two") and "from 1 to 64 (got 0)" in validate("nproc", "0")
    assert "from 1 to 64 (got 1000)" in validate("nproc", "1000")
    assert "nproc" in validate_all({"nproc": "2", "device": "cuda:1"})
    assert trainer_flags({"nproc": "2", "device": "cpu"}) == ["--device", "cpu", "--nproc", "2"]
    assert trainer_flags({"nproc": "1"}) == []  # one process: the plain trainer, no torchrun


def test_a_ddp_run_on_the_cpu_says_why_there_is_no_gpu_once():
    from curriculum.training import rank_report

    class Info:
        rank, world_size, nnodes, leader = 0, 1, 1, True

    reporter = rank_report.RankReporter(Info(), None, lambda event: None)
    assert not reporter.gpu_problem.lower().startswith("no gpu")
