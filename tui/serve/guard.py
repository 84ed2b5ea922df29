"""Who may talk to `blitz-tui serve`: the holder of the token, through a loopback Host, from the same origin.

The rules follow Jupyter Server's: a random token in the first URL, then an httponly cookie; a Host header
that is not loopback is refused while the server listens on loopback (a DNS-rebinding page would otherwise
reach it through the browser); a websocket whose Origin is another site is refused. textual-serve has no
authentication of its own, so this wraps its aiohttp application as middleware, in front of every route
(the page, the static files, downloads and the websocket that drives the app).
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from aiohttp import web

TOKEN_PARAM = "token"
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


def new_token() -> str:
    return secrets.token_urlsafe(32)


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1), with or without brackets."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name part of a Host header: `127.0.0.1:8000` -> `127.0.0.1`, `[::1]:80` -> `::1`."""
    return (urlsplit("//" + host_header).hostname or "").lower()


@dataclass(frozen=True)
class Guard:
    """The access rules of one server: its token, the port (cookies are shared across ports) and its --host."""

    token: str
    port: int
    bind_host: str = "127.0.0.1"
    extra_hosts: frozenset[str] = field(default_factory=frozenset)

    @property
    def cookie_name(self) -> str:
        return f"blitz-tui-token-{self.port}"

    def host_allowed(self, host_header: str | None) -> bool:
        """Loopback names always; any name when listening on every interface; else also the name --host gave."""
        if self.bind_host in WILDCARD_HOSTS:
            return True
        name = host_name(host_header or "")
        if not name:
            return False
        return is_loopback(name) or name == self.bind_host.strip("[]").lower() or name in self.extra_hosts

    def token_matches(self, candidate: str | None) -> bool:
        return bool(candidate) and hmac.compare_digest(candidate.encode(), self.token.encode())

    def request_token(self, request: web.Request) -> tuple[str | None, bool]:
        """The token a request carries, and whether it came in the URL (which then sets the cookie)."""
        from_url = request.query.get(TOKEN_PARAM)
        if from_url is not None:
            return from_url, True
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("token "):
            return header[6:].strip(), False
        return request.cookies.get(self.cookie_name), False

    def origin_allowed(self, request: web.Request) -> bool:
        """A websocket may come from this server's own pages only; no Origin at all is a non-browser client."""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc.lower() == (request.host or "").lower()

    def middleware(self):
        @web.middleware
        async def guard(request: web.Request, handler):
            if not self.host_allowed(request.headers.get("Host")):
                raise web.HTTPForbidden(text="blitz-tui serve: this Host is not allowed (use the URL it printed)\n")
            token, in_url = self.request_token(request)
            if not self.token_matches(token):
                raise web.HTTPForbidden(text="blitz-tui serve: open the URL with the token that it printed\n")
            if _is_websocket(request) and not self.origin_allowed(request):
                raise web.HTTPForbidden(text="blitz-tui serve: websocket from another origin refused\n")
            if in_url and request.method == "GET" and not _is_websocket(request):
                # Drop the token from the address bar (and so from history and Referer); the cookie carries it now.
                query = request.query.copy()
                del query[TOKEN_PARAM]
                response = web.HTTPFound(request.rel_url.with_query(query))
                self.set_cookie(response)
                raise response
            return await handler(request)

        return guard

    def set_cookie(self, response: web.StreamResponse) -> None:
        response.set_cookie(self.cookie_name, self.token, httponly=True, samesite="Strict", path="/")


def _is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"
