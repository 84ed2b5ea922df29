"""Start and stop a real `blitz-tui serve --port 0` process and read the URL it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Served:
    process: subprocess.Popen
    url: str  # as printed, token included

    @property
    def port(self) -> int:
        return urlsplit(self.url).port

    @property
    def token(self) -> str:
        return self.url.rsplit("token=", 1)[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_serve(*args: str) -> tuple[subprocess.Popen, str]:
    """Start `blitz-tui serve ARGS`; return it with its URL once printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    for line in process.stdout:
        if match := re.search(r"(http://\S+\?token=\S+)", line):
            return process, match.group(1)
    process.wait(timeout=10)
    raise AssertionError(f"serve printed no URL (exit {process.returncode}): {process.stderr.read()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
