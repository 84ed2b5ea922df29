"""`blitz-tui serve [--host H] [--port N]`: the app in a browser, for use through `ssh -L`.

Imports nothing heavy at the top (see tui/cli.py); aiohttp and textual-serve load only when serving.
"""

from __future__ import annotations

import argparse
import shlex
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be 0-65535 (0: any free port), got {value}")
    return value


def host_name(text: str) -> str:
    if not text.strip() or any(c.isspace() or c in "/?#@" for c in text):
        raise argparse.ArgumentTypeError(f"expected a host name or address, got {text!r}")
    return text.strip()


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="the app in a browser (textual-serve), behind a token; loopback only unless --host says otherwise",
        description="Serve the app to a browser. Open the printed URL (it holds the token); "
        "over SSH, forward the port with `ssh -L PORT:127.0.0.1:PORT HOST` first.",
    )
    parser.add_argument("--host", type=host_name, default=DEFAULT_HOST, metavar="H",
                        help=f"address to listen on (default {DEFAULT_HOST}; 0.0.0.0 exposes it to the network)")
    parser.add_argument("--port", type=port_number, default=DEFAULT_PORT, metavar="N",
                        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)")
    from tui.app_flags import add_app_options

    add_app_options(parser.add_argument_group("app options (the app each browser connection starts)"))


def app_command(args: argparse.Namespace | None = None) -> str:
    """What each browser connection runs: this same interpreter's `blitz-tui`, environment included,
    with the app options `serve` was given (`--isolation`, `--data`, ...)."""
    from tui.app_flags import app_argv

    return shlex.join([sys.executable, "-m", "tui", *(app_argv(args) if args is not None else [])])


def run(args: argparse.Namespace) -> int:
    import asyncio

    from tui.serve.guard import Guard, is_loopback, new_token, WILDCARD_HOSTS
    from tui.serve.server import GuardedServer, bind, serve_forever

    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        print(f"blitz-tui serve: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    guard = Guard(token=new_token(), port=port, bind_host=args.host)
    if not is_loopback(args.host):
        where = "every network interface" if args.host in WILDCARD_HOSTS else args.host
        print(f"blitz-tui serve: warning: listening on {where}; anyone who can reach this port and learns the "
              "token can run code as you. Prefer the default and `ssh -L`.", file=sys.stderr, flush=True)
    url_host = "127.0.0.1" if args.host in WILDCARD_HOSTS else args.host
    if ":" in url_host:
        url_host = f"[{url_host}]"
    url = f"http://{url_host}:{port}/?token={guard.token}"

    def announce() -> None:
        print("blitz-tui is served at:", flush=True)
        print(f"    {url}", flush=True)
        print(f"Over SSH: `ssh -L {port}:127.0.0.1:{port} HOST`, then open the URL above. Ctrl+C stops it.", flush=True)

    server = GuardedServer(app_command(args), guard)
    try:
        asyncio.run(serve_forever(server, sock, announce))
    except KeyboardInterrupt:
        pass
    return 0
