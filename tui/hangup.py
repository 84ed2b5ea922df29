"""Notice a terminal that went away without a SIGHUP reaching us.

When a pane or an SSH link closes, the kernel hangs up the terminal and signals only its session
leader. If that is a shell wrapping `blitz-tui` (tmux's `sh -c`, a script), the app never hears of
it: reads of the dead terminal return end-of-file at once and Textual's input thread spins on them
at full CPU, with the lesson kernels still alive. A hung-up terminal reports POLLHUP, so a cheap
poll once a second tells, and the app then ends the way a SIGHUP would end it: edits saved first.
"""

from __future__ import annotations

import os
import select

_GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL


class TerminalWatch:
    """Watches the terminal the app was started on (standard input); a pipe or file is never "gone"."""

    def __init__(self, fd: int = 0) -> None:
        self.fd = fd
        try:
            self.watching = os.isatty(fd)
        except OSError:
            self.watching = False

    def gone(self) -> bool:
        if not self.watching:
            return False
        poller = select.poll()
        poller.register(self.fd, select.POLLIN)
        try:
            events = poller.poll(0)
        except OSError:
            return True
        return any(mask & _GONE for _fd, mask in events)
