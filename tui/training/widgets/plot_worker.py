"""A long-lived process that builds plotext figures, so a build never holds the TUI process's GIL.

The TUI sends a figure's drawing function (picklable: a module-level function with its data), its size
and its plotext theme; the worker answers with the figure's lines as (text, colour state) runs. It is
started as a fresh interpreter (never a fork of a threaded app; not multiprocessing's spawn either,
which needs real stdio file descriptors that Textual replaces), stops when told to, and exits by itself
as soon as the TUI's end of the socket closes, so it never outlives the app.
"""

from __future__ import annotations

import json
import pickle
import re
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any, Callable

Row = list[tuple[str, tuple[str, ...]]]  # runs of text, each with the SGR parameters in force
MAX_FIGURES = 32  # widgets come and go with screens; a few are alive at once
REPLY_LIMIT_S = 30.0  # a worker silent this long on one figure is stuck: it is replaced
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def ansi_rows(ansi: str, height: int) -> list[Row]:
    """plotext's ANSI output as runs of text with the colour parameters that apply to each."""
    rows = []
    for line in ansi.split("\n")[:height]:
        state: tuple[str, ...] = ()
        row: Row = []
        for i, part in enumerate(SGR.split(line)):  # text, parameters, text, parameters, ..., text
            if i % 2:
                state = () if part in ("", "0") else state + (part,)
            elif part:
                row.append((part, state))
        rows.append(row)
    return rows


def build_rows(plt: Any, draw: Callable[[Any], None], width: int, height: int, theme: str) -> list[Row]:
    plt.clear_data()
    draw(plt)
    plt.plotsize(width, height)
    plt._set_size(width, height)  # textual-plotext does the same before each build (its issue 5)
    plt.theme(theme)
    return ansi_rows(plt.build(), height)


def serve(conn: Any) -> None:
    """The worker's loop: one figure at a time, until told to stop or the TUI is gone."""
    from plotext._dict import themes
    from textual_plotext.plot import Plot

    figures: dict[int, Plot] = {}  # one per widget, as before: plotext keeps limits between builds
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            job = pickle.loads(message)  # inside the try: a function it cannot import is one bad figure
            if job is None:
                return
            owner, draw, width, height, theme, theme_spec = job
            plt = figures.pop(owner, None) or Plot()
            figures[owner] = plt  # newest last, so the oldest is the one to forget
            while len(figures) > MAX_FIGURES:
                figures.pop(next(iter(figures)))
            if theme_spec is not None and theme not in themes:
                themes[theme] = theme_spec  # textual-plotext's theme made from the app's colours
            reply: tuple[bool, Any] = (True, build_rows(plt, draw, width, height, theme))
        except Exception as error:  # one bad figure must not stop the worker
            reply = (False, f"{type(error).__name__}: {error}")
        try:
            conn.send(reply)
        except (OSError, BrokenPipeError):
            return


# The worker's whole program: our import path first, then the loop (no `-m`, whose lookup needs that path).
WORKER_MAIN = ("import json, sys; sys.path[:0] = json.loads(sys.argv[2]); "
               "from multiprocessing.connection import Connection; "
               f"from {__name__} import serve; serve(Connection(int(sys.argv[1])))")


class PlotWorker:
    """The TUI's handle on the worker: started on first use, restarted if it ever dies. Its owner
    (the app's `PlotBuilder`) closes it; should the app die instead, the worker sees EOF and exits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        # Our sys.path, so the worker can unpickle every drawing function we can name.
        argv = [sys.executable, "-c", WORKER_MAIN, str(theirs.fileno()), json.dumps(sys.path)]
        # Its own session: a ctrl+c meant for the app never reaches it; it ends when our socket closes.
        self._process = subprocess.Popen(argv, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True)
        theirs.close()  # only the worker holds its end, so it sees EOF when we go
        self._conn = Connection(ours.detach())

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def build(self, owner: int, draw: Callable[[Any], None], width: int, height: int, theme: str) -> list[Row]:
        """`owner`: which widget the figure is for; each keeps its own plotext figure in the worker."""
        from plotext._dict import themes

        with self._lock:
            if not self._alive():
                self._drop()
                self._start()
            try:
                self._conn.send((owner, draw, width, height, theme, themes.get(theme)))
                if not self._conn.poll(REPLY_LIMIT_S):  # waits with the GIL released
                    raise OSError("no reply")
                ok, result = self._conn.recv()
            except (EOFError, OSError):
                self._drop()
                raise RuntimeError("the plot worker stopped") from None
        if not ok:
            raise RuntimeError(result)
        return result

    def close(self) -> None:
        """Ask the worker to stop and wait for it; kill it if it does not."""
        if not self._lock.acquire(timeout=5):  # a build is stuck: end the worker without its lock
            process = self._process
            if process is not None and process.poll() is None:
                process.kill()
            return
        try:
            process, conn = self._process, self._conn
            if process is None or conn is None:
                return
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=2)
            self._drop()
        finally:
            self._lock.release()

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None and self._process.poll() is None:
            self._process.kill()  # a worker we can no longer talk to
            self._process.wait(timeout=2)
        self._process, self._conn = None, None

