"""`blitz-tui exec [--timeout S] [--memory-mb MB] [--isolation LEVEL] [--allow-network] FILE|-`

Runs a file through the same sandboxed kernel as the app, cell by cell (cells are split by `# %%`
lines), printing what each prints. Stops at the first cell that fails.
Exit codes: 0 every cell ran, 1 a cell raised, 124 timeout, 137 killed for memory,
3 the kernel died, 130 interrupted (Ctrl-C), 2 bad arguments.
"""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

from curriculum.cli_args import memory_mb, seconds
from curriculum.kernel.backends import CHOICES as ISOLATION_CHOICES

EXIT_CODES = {"ok": 0, "error": 1, "timeout": 124, "memory": 137, "died": 3, "interrupted": 130}
_CELL_MARK = re.compile(r"^#\s*%%")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "exec", help="run a Python file's cells in the sandboxed kernel, without the app",
        description="Run FILE (or - for stdin) in the lesson kernel; cells are split by '# %%' lines.",
    )
    parser.add_argument("file", metavar="FILE|-", help="the file to run, or - to read it from stdin")
    parser.add_argument("--timeout", type=seconds, metavar="S", help="seconds each cell may run (default 60)")
    parser.add_argument("--memory-mb", type=memory_mb, metavar="MB",
                        help="memory cap for the kernel and what it starts (default: half the RAM, at most 8 GiB)")
    parser.add_argument("--isolation", choices=ISOLATION_CHOICES,
                        help="sandbox level (default: strongest available; env BLITZ_TUI_ISOLATION)")
    parser.add_argument("--allow-network", action="store_true", help="let cells open network connections")
    parser.add_argument("--workspace", metavar="DIR",
                        help="folder the cells run in (default: the 'exec' workspace); it must exist unless it is "
                             "inside blitz-tui's data folder or --create-workspace is given")
    parser.add_argument("--create-workspace", action="store_true", help="create the --workspace folder if missing")
    parser.set_defaults(command="exec")


def split_cells(source: str) -> list[str]:
    """Cells in order; text before the first `# %%` is a cell too; blank cells are skipped."""
    cells: list[list[str]] = [[]]
    for line in source.splitlines(keepends=True):
        if _CELL_MARK.match(line):
            cells.append([])
        else:
            cells[-1].append(line)
    return ["".join(lines) for lines in cells if "".join(lines).strip()]


def _read_source(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    if not path.is_file():
        raise ValueError(f"no such file: {name}" if not path.exists() else f"not a file: {name}")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {name}: {error}") from None


def _write(stream: str, text: str) -> None:
    target = sys.stdout if stream == "stdout" else sys.stderr
    try:
        target.write(text)
        target.flush()
    except UnicodeEncodeError:
        target.buffer.write(text.encode("utf-8", "replace"))
        target.flush()


class _Printer:
    """Prints a cell's output; when the reader has gone (`exec FILE | head`) it stops the cell instead."""

    def __init__(self, kernel) -> None:
        self.kernel = kernel
        self.reader_gone = False

    def __call__(self, stream: str, text: str) -> None:
        if self.reader_gone:
            return
        try:
            _write(stream, text)
        except BrokenPipeError:  # raised in the kernel's reader thread: tell the main thread
            self.reader_gone = True
            self.kernel.interrupt()


def _workspace(args) -> Path:
    """The folder to run in. A missing one is made only inside the data folder, or when asked to:
    a typo must not leave new folders around the disk."""
    from curriculum.paths import data_dir, workspace_dir

    if not getattr(args, "workspace", None):
        return workspace_dir("exec")
    path = Path(args.workspace).expanduser().resolve()
    if path.exists():
        if not path.is_dir():
            raise ValueError(f"--workspace is not a folder: {args.workspace}")
        return path
    if not (getattr(args, "create_workspace", False) or path.is_relative_to(data_dir().resolve())):
        raise ValueError(f"--workspace does not exist: {args.workspace} (create it, or add --create-workspace)")
    try:
        path.mkdir(parents=True)
    except OSError as error:
        raise ValueError(f"cannot create --workspace {args.workspace}: {error.strerror or error}") from None
    return path


def run(args) -> int:
    from curriculum.kernel import IsolationUnavailable, Kernel, KernelConfig, KernelStartError
    from curriculum.kernel import backends

    try:
        source = _read_source(args.file)
    except ValueError as error:
        print(f"blitz-tui exec: {error}", file=sys.stderr)
        return 2
    try:
        workspace = _workspace(args)
    except ValueError as error:
        print(f"blitz-tui exec: {error}", file=sys.stderr)
        return 2
    config = KernelConfig(
        workspace=workspace, timeout=args.timeout or 60.0, isolation=args.isolation or "auto",
        memory_mb=args.memory_mb, allow_network=bool(args.allow_network), preload_torch=False,
    )
    kernel = Kernel(config)
    try:
        level = kernel.isolation
        if backends.is_weak(level):
            print(f"blitz-tui exec: isolation {level}: {backends.get(level).not_protected}", file=sys.stderr)
        kernel.start()
    except IsolationUnavailable as error:
        print(f"blitz-tui exec: {error}", file=sys.stderr)
        return 2
    except KernelStartError as error:
        print(f"blitz-tui exec: {error}", file=sys.stderr)
        return 3
    previous = signal.signal(signal.SIGINT, lambda *_: kernel.interrupt())  # Ctrl-C stops the cell, not us
    try:
        printer = _Printer(kernel)
        for number, cell in enumerate(split_cells(source), start=1):
            result = kernel.execute(cell, on_output=printer)
            if printer.reader_gone:
                raise BrokenPipeError("the reader closed the pipe")  # tui/cli.py ends quietly
            if result.images:
                print(f"[cell {number} made {len(result.images)} image(s); open the lesson in the app to see them]",
                      file=sys.stderr)
            if result.status != "ok":
                if result.error is not None and result.status == "error":
                    _write("stderr", result.error.traceback)
                print(f"blitz-tui exec: cell {number}: {result.message or result.status}", file=sys.stderr)
                return EXIT_CODES.get(result.status, 1)
        return 0
    finally:
        signal.signal(signal.SIGINT, previous)
        kernel.shutdown()
