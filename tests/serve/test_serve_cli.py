"""`blitz-tui serve` as a learner starts it: the printed URL, loopback binding, 403 without the token."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request

import psutil

from tests.serve.serving import start_serve, stop


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_it_binds_loopback_and_requires_the_token(served):
    listening = {c.laddr for c in psutil.Process(served.process.pid).net_connections("inet") if c.status == "LISTEN"}
    assert listening == {("127.0.0.1", served.port)}
    assert served.url.startswith(f"http://127.0.0.1:{served.port}/?token=") and len(served.token) >= 32

    status, _, body = fetch(served.base + "/")
    assert status == 403 and "token" in body

    status, headers, _ = fetch(served.url)
    assert status == 302
    cookie = headers["Set-Cookie"]
    assert f"blitz-tui-token-{served.port}={served.token}" in cookie and "HttpOnly" in cookie

    status, _, body = fetch(served.base + "/", {"Cookie": cookie.split(";")[0]})
    assert status == 200 and "data-session-websocket-url" in body


def test_each_start_has_its_own_token():
    first, url_a = start_serve()
    second, url_b = start_serve()
    try:
        assert url_a.rsplit("=", 1)[1] != url_b.rsplit("=", 1)[1]
    finally:
        stop(first)
        stop(second)


def test_every_interface_prints_a_warning():
    process, url = start_serve("--host", "0.0.0.0")
    try:
        assert url.startswith("http://127.0.0.1:")
    finally:
        stop(process)
    warning = process.stderr.read()
    assert "warning" in warning and "every network interface" in warning


def run_serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tui", "serve", *args], capture_output=True, text=True, timeout=60)


def test_bad_arguments_exit_2_without_a_traceback():
    for args in (["--port", "70000"], ["--port", "http"], ["--host", ""], ["--bogus"]):
        result = run_serve(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, (args, result.stderr)


def test_a_busy_port_or_unknown_host_is_one_line_and_exit_2():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        result = run_serve("--port", str(busy.getsockname()[1]))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "cannot listen on" in result.stderr

    result = run_serve("--host", "no-such-host.invalid", "--port", "0")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
