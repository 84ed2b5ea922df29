"""One app in a private tmux server (its own socket, no user config), at a chosen size and environment."""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid


class TmuxPane:
    def __init__(self) -> None:
        self.socket = f"blitz-term-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        result = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                                capture_output=True, text=True, timeout=20)
        return result.stdout

    def start(self, argv: list[str], env: dict[str, str], unset: tuple[str, ...] = (), size=(80, 24)) -> None:
        # `env` inside the pane: tmux would otherwise set TERM to its own default-terminal.
        command = ["env", *(f"-u{name}" for name in unset), *(f"{k}={v}" for k, v in env.items()), *argv]
        self.tmux("new-session", "-d", "-s", "t", "-x", str(size[0]), "-y", str(size[1]),
                  subprocess.list2cmdline(command) + "; sleep 30")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)
        time.sleep(0.4)  # a person's pace, so escape is not glued to the next key

    def screen(self, colours: bool = False) -> str:
        return self.tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", "t")

    def wait_for(self, *patterns: str, timeout: float = 60.0) -> str:
        """The screen once every regex in `patterns` is on it (a frame may be painted in parts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(re.search(pattern, screen) for pattern in patterns):
                time.sleep(0.5)  # let the frame finish painting before it is judged
                return self.screen()
            time.sleep(0.25)
        missing = [p for p in patterns if not re.search(p, self.screen())]
        raise AssertionError(f"never saw {missing!r} (cut off at this size?); the pane shows:\n{self.screen()}")

    def stop(self) -> None:
        """Kill the tmux server; whatever ran in the pane gets SIGHUP, and anything of the pane's session
        still there 5 s later is killed, so no test leaves an app behind. (Processes in sessions of their
        own, such as a detached trainer, are meant to outlive the pane and are left alone.)"""
        import psutil

        processes = []
        pane_pid = self.tmux("display", "-p", "-t", "t", "#{pane_pid}").strip()
        if pane_pid.isdigit():
            try:
                shell = psutil.Process(int(pane_pid))
                session = os.getsid(shell.pid)
                processes = [p for p in [shell, *shell.children(recursive=True)] if _session_of(p) == session]
            except psutil.Error:
                pass
        self.tmux("kill-server")
        _, alive = psutil.wait_procs(processes, timeout=5)
        for process in alive:
            try:
                process.kill()
            except psutil.Error:
                pass


def _session_of(process) -> int | None:
    try:
        return os.getsid(process.pid)
    except OSError:
        return None
