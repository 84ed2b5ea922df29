"""A rank that dies, a rendezvous nobody joins, a port in use: each ends in bounded time, in one line."""

from __future__ import annotations

import signal
import socket
import time

from .helpers import SMALL_RUN, Launcher, free_port, rank_process, run_processes


def test_a_killed_rank_fails_the_run_in_bounded_time_naming_it_and_leaves_no_process(private_home):
    launcher = Launcher("--nproc", "2", "--epochs", "200", *SMALL_RUN)
    launcher.wait_for(lambda e: e["type"] == "progress" and e["step"] >= 30)
    victim = rank_process(launcher, 1)
    victim.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    code = launcher.finish(timeout=60)
    assert code not in (0, 130)
    errors = launcher.of_type("error")
    assert len(errors) == 1 and errors[0]["message"].startswith("rank 1 died (SIGKILL")
    assert launcher.stderr.strip().count("\n") == 0 and "rank 1 died" in launcher.stderr
    print(f"the run ended {time.monotonic() - killed:.1f} s after rank 1 was killed")
    time.sleep(0.5)
    assert not run_processes(private_home)


def test_a_rendezvous_nobody_joins_fails_after_its_timeout_with_one_line(private_home):
    endpoint = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    launcher = Launcher("--nproc", "1", "--nnodes", "2", "--node-rank", "0", "--rdzv-endpoint", endpoint,
                        "--rdzv-timeout", "3", "--epochs", "1", *SMALL_RUN)
    assert launcher.finish(timeout=90) == 1
    print(f"gave up after {time.monotonic() - started:.1f} s (rendezvous timeout 3 s, plus start-up)")
    [error] = launcher.of_type("error")
    assert error["message"].startswith(f"nobody joined the rendezvous at {endpoint} within 3 s (1 of 2 machines")
    assert launcher.stderr.count("\n") == 1
    assert not run_processes(private_home)


def test_a_port_in_use_is_named_before_anything_starts(private_home):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        launcher = Launcher("--nproc", "1", "--nnodes", "2", "--node-rank", "0", "--rdzv-endpoint",
                            f"127.0.0.1:{port}", "--epochs", "1", *SMALL_RUN)
        assert launcher.finish(timeout=60) == 2
    [error] = launcher.of_type("error")
    assert error["message"].startswith(f"port {port} is already in use on this machine")
    assert launcher.stderr.count("\n") == 1
    assert not run_processes(private_home)
