"""`blitz-tui doctor`: what this machine gives blitz-tui, in one screen of plain lines.

Python, torch and CUDA, the GPUs, NVML, the kernel sandbox level and what it protects, the data
sources found, and where progress and workspaces live. Imports torch only inside `run`.
"""

from __future__ import annotations

import platform
import sys


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="report Python, torch, CUDA, GPUs, sandbox level and data sources",
                                   description="Report what blitz-tui finds on this machine.")
    parser.set_defaults(command="doctor")


def _torch_lines() -> list[str]:
    try:
        import torch
    except Exception as error:  # broken installs raise more than ImportError
        return [f"torch: not importable ({type(error).__name__}: {error})", "cuda: unknown (torch is missing)"]
    lines = [f"torch: {torch.__version__}"]
    built = torch.version.cuda
    if not built:
        lines.append("cuda: not available (this torch build has no CUDA support)")
        return lines
    try:
        available = torch.cuda.is_available()
        count = torch.cuda.device_count() if available else 0
    except Exception as error:
        return lines + [f"cuda: built for {built}, but failed to start: {error}"]
    if not available:
        lines.append(f"cuda: built for {built}, no GPU usable (driver missing or no device visible)")
        return lines
    lines.append(f"cuda: {built}, {count} GPU{'s' if count != 1 else ''} seen")
    for index in range(count):
        try:
            props = torch.cuda.get_device_properties(index)
            lines.append(f"  gpu {index}: {props.name}, {props.total_memory / (1 << 30):.0f} GiB")
        except Exception as error:
            lines.append(f"  gpu {index}: could not read its properties ({error})")
    return lines


def _nvml_line() -> str:
    try:
        from curriculum.training.telemetry import nvml_status
    except Exception as error:
        return f"nvml: unknown (the telemetry module could not load: {error})"
    try:
        return f"nvml: {nvml_status()}"
    except Exception as error:
        return f"nvml: unavailable ({type(error).__name__}: {error})"


def _isolation_lines(requested: str | None) -> list[str]:
    from curriculum.kernel import backends, isolation

    try:
        level = isolation.choose(requested)
    except isolation.IsolationUnavailable as error:
        level = isolation.choose("auto") if not requested or requested == "auto" else None
        lines = [f"isolation: unavailable as asked ({error})"]
        if level is None:
            return lines
    else:
        lines = []
    backend = backends.get(level)
    lines.insert(0, f"isolation: {level}" + (" (weak)" if backend.weak else ""))
    lines.append(f"  capabilities in a cell: {isolation.probe(level).capabilities}")
    lines.append(f"  protects: {backend.protects}")
    lines.append(f"  not protected: {backend.not_protected}")
    for name, why in isolation.reasons().items():
        lines.append(f"  {name}: {why}")
    return lines


def _data_lines() -> list[str]:
    try:
        from curriculum.training.lesson_data import describe_sources
    except Exception as error:
        return [f"data: unknown (the data module could not load: {error})"]
    try:
        return [f"data: {line}" for line in describe_sources()] or ["data: no source found"]
    except Exception as error:
        return [f"data: could not list sources ({type(error).__name__}: {error})"]


def report(requested_isolation: str | None = None) -> list[str]:
    from curriculum import paths
    from curriculum.kernel.watchdog import default_memory_bytes

    lines = [f"python: {platform.python_version()} ({sys.executable})"]
    lines += _torch_lines()
    lines.append(_nvml_line())
    lines += _isolation_lines(requested_isolation)
    lines.append(f"memory cap per kernel: {default_memory_bytes() / (1 << 30):.1f} GiB (change with --memory-mb)")
    lines += _data_lines()
    lines.append(f"progress: {paths.progress_file()}")
    lines.append(f"workspaces: {paths.data_dir() / 'workspaces'}")
    lines.append(f"cache: {paths.cache_dir()}")
    return lines


def run(args) -> int:
    for line in report(getattr(args, "isolation", None)):
        print(line)
    return 0
