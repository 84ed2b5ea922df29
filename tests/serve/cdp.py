"""A headless Chromium driven over the Chrome DevTools Protocol, with aiohttp's websocket client.

Just what the end-to-end test needs: open a page, run JavaScript in it, press keys. The terminal in
textual-serve's page draws on a canvas, so the test reads the screen from xterm.js's own buffer: a
script installed before the page loads catches textual-serve's terminal object as it is built.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import aiohttp

# Root (as in CI containers) needs --no-sandbox; the rest keeps a test browser from reaching the network.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-quic", "--disable-extensions", "--mute-audio",
    "--window-size=1280,900", "--remote-debugging-port=0",
]

# textual-serve's page keeps its terminal wrapper private; its constructor assigns `this.webglAddon`, which
# a setter on Object.prototype sees first. The setter then gets out of the way.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, 'webglAddon', {
  configurable: true,
  set(value) {
    window.__blitzTerminal = this;
    Object.defineProperty(this, 'webglAddon', {value, writable: true, configurable: true, enumerable: true});
  },
});
"""

SCREEN_TEXT = """(() => {
  const holder = window.__blitzTerminal;
  if (!holder || !holder.terminal) return null;
  const buffer = holder.terminal.buffer.active;
  const lines = [];
  for (let y = 0; y < holder.terminal.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    lines.push(line ? line.translateToString(true) : '');
  }
  return lines.join('\\n');
})()"""


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


class Browser:
    """One Chromium process with one page; use `async with Browser(path) as page`."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.profile = tempfile.TemporaryDirectory(prefix="blitz-chromium-")
        self.process: subprocess.Popen | None = None
        self.http: aiohttp.ClientSession | None = None
        self.ws = None
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future] = {}
        self.reader: asyncio.Task | None = None

    async def __aenter__(self) -> "Browser":
        self.process = subprocess.Popen(
            [self.executable, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        port = await asyncio.to_thread(self._devtools_port)
        self.http = aiohttp.ClientSession()
        async with self.http.get(f"http://127.0.0.1:{port}/json/list") as response:
            pages = [t for t in await response.json() if t["type"] == "page"]
        self.ws = await self.http.ws_connect(pages[0]["webSocketDebuggerUrl"], max_msg_size=0)
        self.reader = asyncio.create_task(self._read())
        await self.send("Page.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
        return self

    def _devtools_port(self) -> int:
        # Chromium announces "DevTools listening on ws://127.0.0.1:PORT/..." on stderr once it is ready.
        assert self.process and self.process.stderr
        seen = []
        for raw in self.process.stderr:
            line = raw.decode(errors="replace")
            seen.append(line)
            if match := re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line):
                return int(match.group(1))
        raise RuntimeError("chromium exited before DevTools listened:\n" + "".join(seen[-20:]))

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            future = self.pending.pop(data.get("id"), None)
            if future is not None and not future.done():
                future.set_result(data)

    async def send(self, method: str, **params):
        call_id = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        await self.ws.send_str(json.dumps({"id": call_id, "method": method, "params": params}))
        reply = await asyncio.wait_for(future, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def evaluate(self, expression: str):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def screen(self) -> str | None:
        return await self.evaluate(SCREEN_TEXT)

    async def wait_for_screen(self, pattern: str, timeout: float = 90.0) -> str:
        """The terminal's text once `pattern` (a regex) appears in it; TimeoutError with the last screen if not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        text = None
        while loop.time() < deadline:
            text = await self.screen()
            if text and re.search(pattern, text):
                return text
            await asyncio.sleep(0.25)
        raise TimeoutError(f"{pattern!r} never appeared; last screen:\n{text}")

    async def press(self, key: str, code: str, key_code: int, text: str = "", modifiers: int = 0) -> None:
        """A real key press as the focused element sees it (keydown with text, then keyup)."""
        down = dict(type="keyDown", key=key, code=code, windowsVirtualKeyCode=key_code, modifiers=modifiers)
        if text:
            down.update(text=text, unmodifiedText=text)
        await self.send("Input.dispatchKeyEvent", **down)
        await self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code,
                        windowsVirtualKeyCode=key_code, modifiers=modifiers)

    async def __aexit__(self, *exc) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws is not None:
            await self.ws.close()
        if self.http is not None:
            await self.http.close()
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.profile.cleanup()
