"""textual-serve's server with the token guard in front, listening on a socket bound before anything starts.

Binding first means a busy port or a bad host fails with one line before the URL is printed, and `--port 0`
prints the port the system chose.
"""

from __future__ import annotations

import asyncio
import signal
import socket
from typing import Callable

from aiohttp import web
from textual_serve.server import Server

from tui.serve.guard import Guard


class GuardedServer(Server):
    """One app process per browser connection (textual-serve's model), every route behind `guard`."""

    def __init__(self, command: str, guard: Guard, title: str = "blitz-tui") -> None:
        super().__init__(command, title=title)
        self.guard = guard

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.insert(0, self.guard.middleware())
        return app

    async def handle_index(self, request: web.Request):
        # The page's script and websocket URLs are absolute; build them from the address the browser used,
        # so an `ssh -L` tunnel on another local port still works. The guard has checked this Host already.
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner here; `blitz-tui serve` prints its own URL instead."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (OSError when the host is unknown or the port is taken)."""
    family, _, _, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


async def serve_forever(server: GuardedServer, sock: socket.socket, on_ready: Callable[[], None]) -> None:
    """Serve until SIGINT, SIGTERM or SIGHUP; closing the runner stops every app process it started."""
    runner = web.AppRunner(await server._make_app(), handle_signals=False)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        on_ready()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
