"""Stands in for `python -m curriculum.training --headless --json` in tests and the benchmark.

Replays a recorded event stream (optionally in real time), and behaves like the trainer on
SIGINT: an `end` event with status "stopped", exit 130.
"""

from __future__ import annotations

import argparse
import dataclasses
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script: find `curriculum`

from curriculum.training.events import CheckpointEvent, EndEvent, ProgressEvent, StartEvent, parse_event  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replay", required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between events (0: as recorded t)")
    parser.add_argument("--speed", type=float, default=0.0, help="play at recorded t divided by this")
    parser.add_argument("--loop", action="store_true", help="repeat the progress events forever")
    parser.add_argument("--exit-code", type=int, default=None)
    parser.add_argument("--stderr", default="")
    parser.add_argument("--stop-after", type=int, default=None, help="emit this many events, then exit")
    parser.add_argument("--hold-after", type=int, default=None,
                        help="emit this many events, then keep running (a run still going) until SIGINT")
    parser.add_argument("flags", nargs="*")
    args = parser.parse_args()
    stopped = []
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    with open(args.replay, encoding="utf-8") as handle:
        events = [parse_event(line) for line in handle if line.strip()]
    started = time.monotonic()
    offset = 0.0
    last = None
    sent = 0
    step_offset = 0
    while True:
        for event in events:
            if stopped:
                return _stop(last, started)
            if args.loop and isinstance(event, (EndEvent, CheckpointEvent)):
                continue
            if args.speed:
                due = started + (event.t + offset) / args.speed
                while time.monotonic() < due and not stopped:
                    time.sleep(min(0.02, due - time.monotonic()))
            elif args.delay:
                time.sleep(args.delay)
            event = dataclasses.replace(event, t=event.t + offset)
            if args.loop and isinstance(event, StartEvent) and offset:
                continue
            if args.loop and isinstance(event, ProgressEvent):
                event.step += step_offset
            print(event.to_json(), flush=True)
            last = event
            sent += 1
            while args.hold_after is not None and sent >= args.hold_after and not stopped:
                time.sleep(0.02)
            if args.stop_after is not None and sent >= args.stop_after:
                print(args.stderr, file=sys.stderr, flush=True)
                return args.exit_code if args.exit_code is not None else 1
        if not args.loop:
            break
        offset = last.t if last is not None else 0.0
        step_offset = max((e.step for e in events if isinstance(e, ProgressEvent)), default=0) + step_offset
    if args.stderr:
        print(args.stderr, file=sys.stderr, flush=True)
    if stopped:
        return _stop(last, started)
    return args.exit_code if args.exit_code is not None else (1 if last is not None and last.TYPE == "error" else 0)


def _stop(last, started: float) -> int:
    progress = last if isinstance(last, ProgressEvent) else ProgressEvent()
    end = EndEvent.stopped_early(steps=progress.step, train_s=time.monotonic() - started,
                                 images_per_s=progress.images_per_s)
    end.t = (last.t if last is not None else 0.0) + 0.01
    print(end.to_json(), flush=True)
    return 130


if __name__ == "__main__":
    sys.exit(main())
