"""The trainer subprocess: events arrive in order, stop is SIGINT then escalation, crashes explain."""

from __future__ import annotations

import sys
import threading

from curriculum.training.client.run_process import TrainerProcess
from curriculum.training.events import EndEvent, StartEvent, TrainingEvent

from training_helpers import fake_trainer


class Collector:
    def __init__(self) -> None:
        self.events: list[TrainingEvent] = []
        self.exit: tuple[int, str] | None = None
        self.done = threading.Event()

    def on_event(self, event: TrainingEvent) -> None:
        self.events.append(event)

    def on_exit(self, code: int, tail: str) -> None:
        self.exit = (code, tail)
        self.done.set()


def run(argv: list[str]) -> tuple[TrainerProcess, Collector]:
    collector = Collector()
    process = TrainerProcess(argv, collector.on_event, collector.on_exit)
    process.start()
    return process, collector


def test_events_stream_in_order_and_the_exit_is_reported():
    process, got = run(fake_trainer("two_gpus_ddp.jsonl")([]))
    assert got.done.wait(20)
    assert got.exit == (0, "")
    assert isinstance(got.events[0], StartEvent) and isinstance(got.events[-1], EndEvent)
    assert not process.running


def test_stop_sends_sigint_and_the_trainer_ends_stopped_with_130():
    process, got = run(fake_trainer("cpu_synthetic.jsonl", delay=0.05)([]))
    while len(got.events) < 3:
        got.done.wait(0.05)
    assert process.stop(grace_s=10) == 130
    assert got.done.wait(10)
    assert isinstance(got.events[-1], EndEvent) and got.events[-1].status == "stopped"
    assert process.stop_requested


def test_a_trainer_that_ignores_sigint_is_terminated():
    code = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('{\"type\": \"start\", \"t\": 0}', flush=True)\ntime.sleep(60)"
    process, got = run([sys.executable, "-c", code])
    while not got.events:
        got.done.wait(0.05)
    assert process.stop(grace_s=0.5, term_s=3) == -15
    assert got.done.wait(10)


def test_a_crash_reports_stderrs_last_line():
    argv = fake_trainer("cpu_synthetic.jsonl", stop_after=5, exit_code=3, stderr="RuntimeError: the disk is full")([])
    _, got = run(argv)
    assert got.done.wait(20)
    assert got.exit == (3, "RuntimeError: the disk is full")
    assert len(got.events) == 5


def test_trainer_texts_reach_the_screen_without_escape_sequences():
    """Stray prints, stderr and event texts lose OSC/clear sequences (a folder name can carry them)."""
    code = ("import sys, json\n"
            "print(json.dumps({'type': 'error', 't': 0, 'message': 'no data in /tmp/x\\x1b]0;title\\x07y'}), flush=True)\n"
            "print('stray\\x1b[2J print', flush=True)\n"
            "sys.stderr.write('Boom\\x1b]52;c;eA==\\x07 \\x1b[31mred\\x1b[0m\\n')\n"
            "sys.exit(1)")
    _, got = run([sys.executable, "-c", code])
    assert got.done.wait(20)
    assert got.events[0].message == "no data in /tmp/xy"
    # stdout and stderr are read by two threads: either line may be the last one seen.
    assert got.exit in ((1, "Boom \x1b[31mred\x1b[0m"), (1, "stray print"))
