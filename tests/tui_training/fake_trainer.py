"""Stands in for `python -m curriculum.training --headless --json` in tests and the benchmark.

Replays a recorded event stream (optionally in real time), and behaves like the trainer on
SIGINT: an `end` event with status "stopped", exit 130.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replay", required=True)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between events (0: as recorded t)")
    parser.add_argument("--speed", type=float, default=0.0, help="play at recorded t divided by this")
    parser.add_argument("--loop", action="store_true", help="repeat the progress events forever")
    parser.add_argument("--exit-code", type=int, default=None)
    parser.add_argument("--stderr", default="")
    parser.add_argument("--stop-after", type=int, default=None, help="emit this many events, then exit")
    parser.add_argument("flags", nargs="*")
    args = parser.parse_args()
    stopped = []
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    with open(args.replay, encoding="utf-8") as handle:
        events = [json.loads(line) for line in handle if line.strip()]
    started = time.monotonic()
    offset = 0.0
    last = {}
    sent = 0
    step_offset = 0
    while True:
        for event in events:
            if stopped:
                return _stop(last, started)
            if args.loop and event["type"] in ("end", "checkpoint"):
                continue
            if args.speed:
                due = started + (event["t"] + offset) / args.speed
                while time.monotonic() < due and not stopped:
                    time.sleep(min(0.02, due - time.monotonic()))
            elif args.delay:
                time.sleep(args.delay)
            event = dict(event, t=event["t"] + offset)
            if args.loop and event["type"] == "start" and offset:
                continue
            if args.loop and event["type"] == "progress":
                event["step"] += step_offset
            print(json.dumps(event), flush=True)
            last = event
            sent += 1
            if args.stop_after is not None and sent >= args.stop_after:
                print(args.stderr, file=sys.stderr, flush=True)
                return args.exit_code if args.exit_code is not None else 1
        if not args.loop:
            break
        offset = last.get("t", 0.0)
        step_offset = max((e["step"] for e in events if e["type"] == "progress"), default=0) + step_offset
    if args.stderr:
        print(args.stderr, file=sys.stderr, flush=True)
    if stopped:
        return _stop(last, started)
    return args.exit_code if args.exit_code is not None else (1 if last.get("type") == "error" else 0)


def _stop(last: dict, started: float) -> int:
    end = {"type": "end", "t": last.get("t", 0.0) + 0.01, "status": "stopped", "test_acc": None,
           "per_class": {}, "train_s": time.monotonic() - started, "steps": last.get("step", 0),
           "images_per_s": last.get("images_per_s", 0.0), "world_size": 1, "ranks": []}
    print(json.dumps(end), flush=True)
    return 130


if __name__ == "__main__":
    sys.exit(main())
