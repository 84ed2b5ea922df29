"""`blitz-tui train --headless [--json] ...`: train the blitz classifier from the command line.

Nothing heavy is imported at module top: `add_parser` runs every time `blitz-tui` starts.
Exit status: 0 finished, 130 stopped by SIGINT/SIGTERM (after a checkpoint when --out is given),
2 bad arguments or data, 1 anything else; each failure is one line (and an `error` event with --json).
"""

from __future__ import annotations

import argparse
import signal
import sys

from curriculum.cli_args import OneLineParser, positive_number
from curriculum.training.options import OPTIONS


def configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--headless", action="store_true", help="train in this terminal (no app)")
    parser.add_argument("--json", action="store_true", help="print one JSON event per line instead of a progress bar")
    parser.add_argument("--out", metavar="DIR", help="write checkpoints, model.pt and metrics.jsonl here")
    parser.add_argument("--resume", metavar="DIR", help="continue the run saved in DIR (an earlier --out)")
    parser.add_argument("--detach", action="store_true", help="train in the background in its own session "
                        "(it outlives this terminal); see `blitz-tui runs`")
    for option in OPTIONS:
        if option.name == "data":
            # Resolved when the data loads (same resolver), so a bad source is also an `error` event with --json.
            parser.add_argument(option.flag, metavar=option.metavar, help=option.help)
        elif option.name != "nproc":  # with the other data-parallel flags (launch.add_arguments)
            option.add_to(parser)
    parser.add_argument("--gpu-interval", type=positive_number, default=1.0, metavar="S", help=argparse.SUPPRESS)
    parser.add_argument("--no-telemetry", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-graph", action="store_true", help=argparse.SUPPRESS)
    from curriculum.training.launch import add_arguments  # light: torchrun flags, nothing imported

    add_arguments(parser)
    return parser


def add_parser(subparsers) -> argparse.ArgumentParser:
    return configure(subparsers.add_parser(
        "train", help="train the CIFAR-10 classifier headless (--headless)",
        description="Train the 60-minute blitz CIFAR-10 classifier and stream its progress."))


def main(argv: list[str] | None = None) -> int:
    parser = configure(OneLineParser(prog="python -m curriculum.training"))
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    if getattr(args, "detach", False):
        from curriculum.training.detached import run_from_cli

        return run_from_cli(args, _flags_without_detach(sys.argv))
    from curriculum.training.launch import distributed_entry

    code = distributed_entry(args)  # --nproc/--nnodes: torchrun and its ranks; None: this process trains
    if code is not None:
        return code
    from curriculum.training.events import Emitter, EndEvent, ErrorEvent, JsonLinesSink

    if args.json:
        sink = JsonLinesSink(sys.stdout)
    else:
        from curriculum.training.console import ConsoleSink

        sink = ConsoleSink(sys.stdout)
    emitter = Emitter([sink])
    from curriculum.training.session import StopRequest

    stop = StopRequest()
    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    monitor = metrics = None
    try:
        from curriculum.training.session import prepare

        trainer, notice, resumed_from = prepare(args, emitter)
        stop.trainer = trainer
        if trainer.out_dir is not None:
            from curriculum.training.events import MetricsFile

            metrics = MetricsFile(trainer.out_dir / "metrics.jsonl")
            emitter.sinks.append(metrics)
        trainer.start_event(notice=notice, resumed_from=resumed_from)
        if not args.no_telemetry:
            from curriculum.training.telemetry import GpuMonitor

            monitor = GpuMonitor(emitter.emit, interval=args.gpu_interval).start()
        status = trainer.run()
        return 130 if status == "stopped" else 0
    except KeyboardInterrupt:
        emitter.emit(EndEvent.stopped_early())
        return 130
    except BrokenPipeError:  # the reader went away (`train --headless | head -1`): tui/cli.py ends quietly
        raise
    except Exception as error:
        from curriculum.training.session import failure

        message, status = failure(error)
        emitter.emit(ErrorEvent(message=message))
        print(f"blitz-tui train: error: {message}", file=sys.stderr)
        return status
    finally:
        if monitor is not None:
            monitor.stop()
        if metrics is not None:
            emitter.sinks.remove(metrics)
            metrics.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _flags_without_detach(argv: list[str]) -> list[str]:
    """The train flags as typed (after `train`, or all of them under `python -m curriculum.training`)."""
    flags = argv[argv.index("train") + 1:] if "train" in argv else argv[1:]
    return [flag for flag in flags if flag != "--detach"]
