"""SIGTERM and SIGINT as an orderly stop, for the CLI and the nightly run.

systemd, cron wrappers and most schedulers stop a job with SIGTERM; a person presses
Ctrl+C (SIGINT). Either one raises ``Stopped`` in the main thread, so the ordinary
``finally`` blocks do the cleaning: the solver process is killed (optimizer/solve.py),
temporary files are removed (optimizer/fileio.py), the lock is released, and the nightly
run writes its run record and closing log line. ``Stopped`` derives from BaseException so
that no ``except Exception`` on the way swallows it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from optimizer.errors import ExitCode


class Stopped(BaseException):
    """The process was asked to stop by a signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def code(self) -> ExitCode:
        return ExitCode.STOPPED_INT if self.signum == signal.SIGINT else ExitCode.STOPPED_TERM


def _raise(signum: int, _frame: FrameType | None) -> None:
    # Ignore further signals while stopping, so that cleaning up is not cut short by a
    # second Ctrl+C or a scheduler that repeats its SIGTERM.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGINT raise Stopped (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, _raise)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
