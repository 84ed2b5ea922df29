"""The `blitz-tui` command: the app by default, headless subcommands otherwise.

Each subcommand lives in `curriculum` as a module with `add_parser(subparsers)` and
`run(args) -> int`. Those modules import nothing heavy at the top, so `blitz-tui exec`
never pays for Textual and the app never pays for torch.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from curriculum.cli_args import OneLineParser
from tui.app_flags import add_app_options

# name -> module that defines it; order is the order `--help` lists them in.
SUBCOMMANDS = {
    "exec": "curriculum.kernel.exec_cli",
    "doctor": "curriculum.doctor",
    "train": "curriculum.training.cli",
    "verify": "curriculum.verify",
    "progress": "curriculum.progress_cli",
    "export": "curriculum.export",
    "serve": "tui.serve.cli",
    "runs": "curriculum.training.runs_cli",
}


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="blitz-tui",
        description="Learn PyTorch's 60-minute blitz in the terminal.",
    )
    app = parser.add_argument_group("app options (when no subcommand is given)")
    add_app_options(app)
    app.add_argument("--attach-run", metavar="FOLDER", help=argparse.SUPPRESS)  # `blitz-tui runs attach ID`
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, module_name in SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if not (error.name and (module_name + ".").startswith(error.name + ".")):
                raise
            continue  # not built yet in this checkout
        module.add_parser(subparsers)
    for app_parser in (parser, subparsers.choices.get("serve")):
        _share_types_with_train(app_parser, subparsers.choices.get("train"))
    return parser


def _share_types_with_train(parser: argparse.ArgumentParser, train: argparse.ArgumentParser | None) -> None:
    """The app's training defaults (`--device`, `--data`, ...) accept exactly what `train` accepts."""
    if train is None:
        return
    checks = {action.dest: action.type for action in train._actions if action.type is not None}
    for action in parser._actions:
        if action.dest in checks and action.type is None:
            action.type = checks[action.dest]


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # a pipe closed after the last write fails here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _reader_went_away()


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None or _wants_training_screen(args):
        from tui.run import run_app  # Textual is imported only here

        return run_app(args)
    module = importlib.import_module(SUBCOMMANDS[args.command])
    try:
        return module.run(args)
    except KeyboardInterrupt:
        return 130


def _reader_went_away() -> int:
    """`blitz-tui progress | head`: the reader closed the pipe. Stop quietly, as `yes` and `cat` do.

    The subcommand's `finally` blocks have run (kernels and trainers are stopped); what is left in
    Python's stdout buffer would fail again at exit, so stdout is pointed at /dev/null first.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 128 + 13  # as if killed by SIGPIPE, which is what a shell pipeline expects


def _wants_training_screen(args: argparse.Namespace) -> bool:
    """`blitz-tui train` typed at a terminal opens the training screen with its flags as the form's defaults.

    Options only a headless run can honour (files, resuming, JSON, several machines) keep it in the terminal.
    """
    if args.command != "train":
        return False
    headless = (args.headless or args.json or args.out or args.resume or args.detach or args.data_parallel
                or args.nnodes > 1)
    return not headless and sys.stdin.isatty() and sys.stdout.isatty()


if __name__ == "__main__":
    sys.exit(main())
