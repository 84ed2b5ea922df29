"""`train --nproc N [--nnodes M --node-rank R --rdzv-endpoint HOST:PORT]`: the same trainer under torchrun.

This process checks the arguments and the data (exit 2, one line, before anything starts), then
runs `python -m torch.distributed.run` with one rank per process (`torchrun_job.py` watches it).
One machine uses torchrun's `--standalone` rendezvous (a free port picked by torchrun); several
machines meet at `--rdzv-endpoint` with torchrun's static rendezvous, where `--node-rank 0` hosts it.
`--data-parallel` is the legacy single-process `nn.DataParallel` (legacy_dp.py), not torchrun.

Imported by `cli.configure` on every `blitz-tui` start: nothing heavy at module top.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from pathlib import Path

from curriculum.cli_args import at_least, seconds
from curriculum.training.options import BY_NAME

DEFAULT_RDZV_TIMEOUT_S = 60.0
DEFAULT_COLLECTIVE_TIMEOUT_S = 60.0
LAUNCHER_ONLY = {"nproc", "nnodes", "node_rank", "rdzv_endpoint", "rdzv_timeout", "ddp_worker", "json",
                 "headless", "train_parser", "data_parallel", "help"}


def parse_endpoint(text: str) -> tuple[str, int]:
    """HOST:PORT or [IPv6]:PORT."""
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT (e.g. 10.0.0.1:29500), got {text!r}")
    return host, int(port)


def _endpoint(text: str) -> str:
    parse_endpoint(text)
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("data parallelism (see docs/data-parallelism.md)")
    BY_NAME["nproc"].add_to(group, help="train with DistributedDataParallel in N processes on this machine, "
                                        "under torchrun (one per GPU; gloo on the CPU)")
    group.add_argument("--nnodes", type=at_least(1), default=1, metavar="M", help="machines in the run (default 1)")
    group.add_argument("--node-rank", type=at_least(0), default=0, metavar="R",
                       help="this machine's number, 0..M-1; machine 0 hosts the rendezvous")
    group.add_argument("--rdzv-endpoint", type=_endpoint, metavar="HOST:PORT",
                       help="where the machines meet: machine 0's address and a free port")
    group.add_argument("--rdzv-timeout", type=seconds, default=DEFAULT_RDZV_TIMEOUT_S, metavar="S",
                       help=f"give up when the machines have not all met after S seconds (default {DEFAULT_RDZV_TIMEOUT_S:g})")
    group.add_argument("--collective-timeout", type=seconds, default=DEFAULT_COLLECTIVE_TIMEOUT_S, metavar="S",
                       help="fail when a rank waits longer than S seconds for the others in one "
                            f"communication (default {DEFAULT_COLLECTIVE_TIMEOUT_S:g})")
    group.add_argument("--data-parallel", action="store_true",
                       help="LEGACY: nn.DataParallel in one process over this machine's GPUs (slower than --nproc)")
    group.add_argument("--ddp-worker", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(train_parser=parser)  # the launcher rebuilds the ranks' flags from it


def wants_torchrun(args: argparse.Namespace) -> bool:
    return getattr(args, "nproc", None) is not None or getattr(args, "nnodes", 1) > 1 \
        or getattr(args, "rdzv_endpoint", None) is not None


def check_arguments(args: argparse.Namespace) -> str | None:
    """One line saying what is wrong with the distributed flags, or None."""
    if args.data_parallel and wants_torchrun(args):
        return "--data-parallel (legacy, one process) cannot be combined with --nproc/--nnodes (torchrun)"
    if not wants_torchrun(args):
        return None
    if args.node_rank >= args.nnodes:
        return f"--node-rank must be below --nnodes ({args.nnodes}), got {args.node_rank}"
    if args.nnodes > 1 and args.rdzv_endpoint is None:
        return "--nnodes above 1 needs --rdzv-endpoint HOST:PORT (machine 0's address and a free port)"
    nproc = args.nproc or 1
    if nproc > 1 and args.device and args.device.startswith("cuda:"):
        return f"--device {args.device} picks one GPU, but with --nproc {nproc} each rank uses its own: use cuda or auto"
    return None


def port_in_use(port: int) -> bool:
    """Whether a listening socket already holds `port` here (as torchrun's store would bind it)."""
    for family, host in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        try:
            probe = socket.socket(family, socket.SOCK_STREAM)
        except OSError:
            continue  # no IPv6 here
        with probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a port in TIME_WAIT is free
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind((host, port))
            except OSError as error:
                if error.errno == errno.EADDRINUSE:
                    return True
    return False


def worker_flags(args: argparse.Namespace) -> list[str]:
    """The train flags the learner gave, for each rank (launcher-only flags left out)."""
    flags: list[str] = []
    for action in args.train_parser._actions:
        if not action.option_strings or action.dest in LAUNCHER_ONLY:
            continue
        value = getattr(args, action.dest, None)
        if value is None or value == action.default:
            continue
        option = next((o for o in action.option_strings if o.startswith("--")), action.option_strings[0])
        flags += [option] if action.nargs == 0 else [option, str(value)]
    return flags


def torchrun_command(args: argparse.Namespace) -> list[str]:
    from curriculum.training.torchrun_job import SHUTDOWN_TIMEOUT_S

    nproc = args.nproc or 1
    command = [sys.executable, "-m", "torch.distributed.run", f"--nproc-per-node={nproc}",
               f"--nnodes={args.nnodes}", "--max-restarts=0", "--monitor-interval=0.5",
               f"--shutdown-timeout={SHUTDOWN_TIMEOUT_S}"]
    if args.rdzv_endpoint is None:
        command.append("--standalone")  # one machine: torchrun picks a free local port
    else:
        command += ["--rdzv-backend=static", f"--rdzv-endpoint={args.rdzv_endpoint}",
                    f"--node-rank={args.node_rank}", f"--rdzv-conf=timeout={int(max(1, args.rdzv_timeout))}",
                    "--rdzv-id=blitz-tui"]
    return command + ["-m", "curriculum.training", "--headless", "--json", "--ddp-worker", *worker_flags(args)]


def preflight(args: argparse.Namespace, world_size: int) -> None:
    """Bad settings or data fail here, once, before any rank starts; it also fills the data cache."""
    from curriculum.training.data import load_dataset
    from curriculum.training.presets import OVERRIDABLE, ConfigError, make_config

    if args.resume:
        from curriculum.training.checkpoint import load_last

        saved = load_last(Path(args.resume))["config"]
        data, batch, device = args.data or saved.get("data"), saved["batch_size"], args.device or saved["device"]
    else:
        config = make_config(args.preset or "faithful", **{k: getattr(args, k, None) for k in OVERRIDABLE})
        data, batch, device = config.data, config.batch_size, config.device
    dataset = load_dataset(data)
    share = len(dataset.train_labels) // world_size
    if batch > share:
        raise ConfigError(f"--batch-size {batch} is larger than each rank's share of the training set "
                          f"({share} images over {world_size} ranks)")
    if device.startswith("cuda"):
        import torch

        count = torch.cuda.device_count()
        if count == 0:
            raise ConfigError("CUDA is not available here (no GPU or no driver); use --device cpu or auto")
        if (args.nproc or 1) > count:
            raise ConfigError(f"--nproc {args.nproc} needs {args.nproc} GPUs on this machine, {count} visible "
                              "(or train the ranks on the CPU with --device cpu)")


def distributed_entry(args: argparse.Namespace) -> int | None:
    """`train`'s exit status when torchrun (or a rank of it) handles this run; None: a plain run."""
    if getattr(args, "ddp_worker", False):
        from curriculum.training.distributed import run_worker

        return run_worker(args)
    problem = check_arguments(args) if hasattr(args, "nnodes") else None
    if problem is None and not wants_torchrun(args):
        return None
    from curriculum.training.torchrun_job import TorchrunJob, fail

    if problem is not None:
        return fail(args, problem, 2)
    world_size = (args.nproc or 1) * args.nnodes
    try:
        preflight(args, world_size)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from curriculum.training.session import is_bad_input

        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        if not is_bad_input(error):
            return fail(args, f"{type(error).__name__}: {message}", 1)
        return fail(args, message, 2)
    if args.rdzv_endpoint is not None and args.node_rank == 0:
        host, port = parse_endpoint(args.rdzv_endpoint)
        if port_in_use(port):
            return fail(args, f"port {port} is already in use on this machine, so the rendezvous cannot be hosted "
                              f"here; pick another port in --rdzv-endpoint {host}:PORT on every machine", 2)
    return TorchrunJob(args, torchrun_command(args)).run()
