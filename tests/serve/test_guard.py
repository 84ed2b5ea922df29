"""The token, Host and Origin rules, checked against textual-serve's real routes behind the guard."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from tui.serve.guard import Guard, host_name, is_loopback
from tui.serve.server import GuardedServer

TOKEN = "s3cret-token"


async def client_for(guard: Guard, command: str = "true") -> TestClient:
    # `true` stands in for the app: a websocket that gets through starts it, and it exits at once.
    app = await GuardedServer(command, guard)._make_app()
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def client():
    client = await client_for(Guard(token=TOKEN, port=8000))
    yield client
    await client.close()


async def test_no_token_gets_403_on_every_route(client):
    for path in ("/", "/ws", "/static/js/textual.js", "/download/x"):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 403, path


async def test_a_wrong_token_gets_403(client):
    response = await client.get("/?token=nope", allow_redirects=False)
    assert response.status == 403
    response = await client.get("/", cookies={"blitz-tui-token-8000": "nope"})
    assert response.status == 403


async def test_the_token_in_the_url_sets_an_httponly_cookie_then_the_cookie_is_enough(client):
    response = await client.get(f"/?token={TOKEN}&fontsize=14", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/?fontsize=14"  # the token leaves the address bar
    cookie = response.cookies["blitz-tui-token-8000"]
    assert cookie.value == TOKEN and cookie["httponly"] and cookie["samesite"] == "Strict"

    page = await client.get("/?fontsize=14")  # the client's cookie jar now carries the token
    assert page.status == 200
    body = await page.text()
    assert f"ws://{client.server.host}:{client.server.port}/ws" in body  # built from the Host the browser used


async def test_an_authorization_header_works_for_scripts(client):
    response = await client.get("/", headers={"Authorization": f"token {TOKEN}"})
    assert response.status == 200


async def test_a_foreign_host_header_is_refused_even_with_the_token(client):
    for host in ("evil.example", "evil.example:8000", "10.1.2.3:8000"):
        response = await client.get(f"/?token={TOKEN}", headers={"Host": host}, allow_redirects=False)
        assert response.status == 403, host
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000"):
        response = await client.get(f"/?token={TOKEN}", headers={"Host": host}, allow_redirects=False)
        assert response.status == 302, host


async def test_a_websocket_from_another_origin_is_refused():
    client = await client_for(Guard(token=TOKEN, port=8000))
    try:
        origin = f"http://{client.server.host}:{client.server.port}"
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(f"/ws?token={TOKEN}", headers={"Origin": "http://evil.example"})
        assert refused.value.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError) as no_token:
            await client.ws_connect("/ws", headers={"Origin": origin})
        assert no_token.value.status == 403
        ws = await client.ws_connect(f"/ws?token={TOKEN}", headers={"Origin": origin})  # its own page: let in
        await ws.close()
    finally:
        await client.close()


async def test_a_named_host_is_allowed_besides_loopback_and_a_wildcard_allows_any():
    named = Guard(token=TOKEN, port=1, bind_host="gpu-box.lan")
    assert named.host_allowed("gpu-box.lan:1") and named.host_allowed("localhost:1")
    assert not named.host_allowed("evil.example:1") and not named.host_allowed(None)
    assert Guard(token=TOKEN, port=1, bind_host="0.0.0.0").host_allowed("anything.example")


def test_loopback_names():
    assert all(map(is_loopback, ["localhost", "127.0.0.1", "127.3.4.5", "::1", "[::1]", "app.localhost"]))
    assert not any(map(is_loopback, ["10.0.0.1", "localhost.evil.example", "0.0.0.0", "example.com"]))
    assert host_name("[::1]:8000") == "::1" and host_name("Example.COM:80") == "example.com"
