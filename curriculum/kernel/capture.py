"""Inside the kernel: capture what a cell prints and stream it to the app in coalesced chunks.

Python-level writes (print) keep their exact stdout/stderr order; writes to fds 1 and 2 from C
code or subprocesses are read by a thread and merged in as they arrive.
"""

from __future__ import annotations

import codecs
import collections
import io
import os
import select
import threading
import time

from curriculum.kernel.protocol import MAX_CHUNK_CHARS, clean_text, encode, write_all

COALESCE_S = 0.02  # one message per ~20 ms, however many prints happened in between
HIGH_WATER = 4 << 20  # a cell that prints faster than the app reads waits here instead of eating memory


class Channel:
    """The kernel's side of the message pipe: control messages plus buffered cell output.

    Writers only append to a deque (thread-safe, no lock), so two million prints stay cheap;
    a flusher thread sends what piled up every COALESCE_S.
    """

    def __init__(self, fd: int):
        self.fd = fd
        self.enabled = True  # False in a process forked by a cell
        self.sink: list[str] | None = None  # set while a check runs: output is kept, not streamed
        self._send_lock = threading.Lock()
        self._queue: collections.deque = collections.deque()
        self._pending = 0  # characters queued; approximate under races, which only shifts backpressure a little
        self._has_data = threading.Event()
        self._drained = threading.Event()
        threading.Thread(target=self._flush_loop, name="output-flusher", daemon=True).start()

    def output(self, stream: str, text: str) -> None:
        if not text:
            return
        if self.sink is not None:
            self.sink.append(text)
            return
        if not self._queue:
            self._has_data.set()
        self._queue.append((stream, text))
        self._pending += len(text)
        if self._pending >= HIGH_WATER and self.enabled:
            self._wait_for_room()

    def _wait_for_room(self) -> None:
        self._has_data.set()
        while self._pending >= HIGH_WATER and self.enabled:
            self._drained.clear()
            self._has_data.set()
            self._drained.wait(0.5)

    def send(self, message: dict) -> None:
        """Send a control message after every bit of output written before it."""
        if not self.enabled:
            return
        with self._send_lock:
            self._send_pending()
            write_all(self.fd, encode(message))

    def flush(self) -> None:
        if self.enabled:
            with self._send_lock:
                self._send_pending()

    def _flush_loop(self) -> None:
        while True:
            self._has_data.wait(0.25)  # the timeout covers a wake-up lost to a race
            self._has_data.clear()
            if not self._queue:
                continue
            if self._pending < HIGH_WATER:
                time.sleep(COALESCE_S)  # let more output pile up: one message, not thousands
            try:
                self.flush()
            except OSError:
                return  # the app is gone; the kernel will notice on its command pipe

    def _take(self) -> list[list]:
        parts: list[list] = []
        queue = self._queue
        taken = 0
        while True:
            try:
                stream, text = queue.popleft()
            except IndexError:
                break
            taken += len(text)
            if parts and parts[-1][0] == stream:
                parts[-1][1].append(text)
            else:
                parts.append([stream, [text]])
        self._pending -= taken
        if self._pending < 0:
            self._pending = 0
        self._drained.set()
        return parts

    def _send_pending(self) -> None:
        batch: list[list[str]] = []
        batch_size = 0
        for stream, pieces in self._take():
            text = clean_text("".join(pieces))
            for start in range(0, len(text), MAX_CHUNK_CHARS):
                chunk = text[start : start + MAX_CHUNK_CHARS]
                if batch and batch_size + len(chunk) > MAX_CHUNK_CHARS:
                    write_all(self.fd, encode({"t": "out", "parts": batch}))
                    batch, batch_size = [], 0
                batch.append([stream, chunk])
                batch_size += len(chunk)
        if batch:
            write_all(self.fd, encode({"t": "out", "parts": batch}))


class StreamWriter(io.TextIOBase):
    """What a cell sees as sys.stdout / sys.stderr."""

    def __init__(self, channel: Channel, name: str, fd: int):
        self._channel = channel
        self._name = name
        self._fd = fd

    @property
    def encoding(self) -> str:
        return "utf-8"

    @property
    def errors(self) -> str:
        return "replace"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._fd  # fds 1 and 2 are captured too, so subprocess(stdout=sys.stdout) works

    def write(self, text) -> int:
        if text.__class__ is not str and not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        channel = self._channel
        queue = channel._queue
        if queue and channel.sink is None and channel._pending < HIGH_WATER:
            queue.append((self._name, text))  # the common case of Channel.output, inlined: prints are hot
            channel._pending += len(text)
        else:
            channel.output(self._name, text)
        return len(text)

    def flush(self) -> None:
        pass  # the flusher sends within 20 ms; a flush per print would defeat coalescing


class FdCapture:
    """Points fds 1 and 2 at pipes and forwards what arrives there to the channel."""

    STREAMS = {1: "stdout", 2: "stderr"}

    def __init__(self, channel: Channel):
        self._channel = channel
        self._lock = threading.Lock()
        self._readers: dict[int, tuple[str, codecs.IncrementalDecoder]] = {}
        self._targets: dict[int, int] = {}  # fd 1/2 -> inode of our pipe
        self._wake_r, self._wake_w = os.pipe()
        os.set_inheritable(self._wake_r, False)
        os.set_inheritable(self._wake_w, False)
        self._synced = threading.Event()
        for fd in self.STREAMS:
            self._install(fd)
        threading.Thread(target=self._read_loop, name="fd-capture", daemon=True).start()

    def _install(self, fd: int) -> None:
        read_end, write_end = os.pipe()
        os.dup2(write_end, fd)  # dup2 leaves fd inheritable, so subprocesses write here too
        os.close(write_end)
        os.set_blocking(read_end, False)
        os.set_inheritable(read_end, False)
        with self._lock:
            self._readers[read_end] = (self.STREAMS[fd], codecs.getincrementaldecoder("utf-8")("replace"))
            self._targets[fd] = os.fstat(fd).st_ino

    def ensure(self) -> None:
        """Re-capture fd 1 or 2 if a cell closed it."""
        closed = []
        for fd in self.STREAMS:
            try:
                os.fstat(fd)
            except OSError:
                closed.append(fd)
        for _ in closed:  # hold the free low numbers, so the new pipes don't land on fd 1 or 2
            os.open(os.devnull, os.O_WRONLY)
        for fd in closed:
            self._install(fd)
        changed = bool(closed)
        if changed:
            os.write(self._wake_w, b"r")

    def sync(self, timeout: float = 0.5) -> None:
        """Wait until everything already written to fds 1 and 2 has reached the channel."""
        self._synced.clear()
        os.write(self._wake_w, b"s")
        self._synced.wait(timeout)

    def _read_loop(self) -> None:
        while True:
            with self._lock:
                fds = list(self._readers)
            try:
                ready, _, _ = select.select(fds + [self._wake_r], [], [])
            except OSError:  # a cell closed one of our fds: forget the ones that are gone
                self._forget_closed(fds)
                continue
            sync_asked = False
            if self._wake_r in ready:
                sync_asked = b"s" in os.read(self._wake_r, 512)
                ready = fds  # drain every pipe before acknowledging
            for fd in ready:
                self._drain(fd)
            if sync_asked:
                self._synced.set()

    def _forget_closed(self, fds: list[int]) -> None:
        for fd in fds:
            try:
                os.fstat(fd)
            except OSError:
                with self._lock:
                    self._readers.pop(fd, None)
        time.sleep(0.01)

    def _drain(self, fd: int) -> None:
        stream, decoder = self._readers[fd]
        while True:
            try:
                data = os.read(fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:
                self._channel.output(stream, decoder.decode(b"", final=True))
                with self._lock:
                    self._readers.pop(fd, None)
                os.close(fd)
                return
            self._channel.output(stream, decoder.decode(data))


def after_fork_in_child(channel: Channel, protocol_fds: tuple[int, ...]) -> None:
    """A process a cell forked must not speak the protocol; its prints go to the captured fds."""
    import sys

    channel.enabled = False
    for fd in protocol_fds:
        try:
            os.close(fd)
        except OSError:
            pass
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True)
