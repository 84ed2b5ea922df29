"""`blitz-tui serve` takes the app's own options and gives them to the app each browser starts."""

from __future__ import annotations

import shlex
import subprocess
import sys

from tui.cli import build_parser
from tui.serve.cli import app_command


def test_the_served_app_gets_the_options_serve_was_given():
    args = build_parser().parse_args(["serve", "--port", "0", "--isolation", "namespaces", "--allow-network",
                                      "--data", "synthetic:100", "--lesson", "2", "--memory-mb", "900"])
    argv = shlex.split(app_command(args))
    assert argv[:3] == [sys.executable, "-m", "tui"]
    flags = argv[3:]
    assert flags[flags.index("--isolation") + 1] == "namespaces"
    assert flags[flags.index("--data") + 1] == "synthetic:100"
    assert flags[flags.index("--lesson") + 1] == "2"
    assert flags[flags.index("--memory-mb") + 1] == "900"
    assert "--allow-network" in flags
    # and what it hands on, the app itself accepts
    again = build_parser().parse_args(flags)
    assert again.isolation == "namespaces" and again.lesson == 2 and again.allow_network


def test_options_left_out_are_not_passed():
    args = build_parser().parse_args(["serve", "--port", "0"])
    assert shlex.split(app_command(args))[3:] == []


def test_a_bad_app_option_to_serve_is_one_line_and_exit_2():
    done = subprocess.run([sys.executable, "-m", "tui", "serve", "--isolation", "nope"], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "--isolation" in done.stderr
