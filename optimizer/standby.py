"""A solver process started before its model is ready (part of optimizer/solve.py).

Starting the solver process (optimizer/_highs_child.py) means starting Python and
importing numpy and highspy: about 0.2 s on the 2-core reference machine, a third of the
bundled case's solve phase. A run knows it will solve as soon as its workbook is valid,
so it starts that process then (``start``), and the process imports while the model is
built and handed off; ``take`` hands it the folder of the model when the solve begins.

The process waits on its standard input. If no solve comes (the build failed, the run
stopped, a time limit of 0), ``discard`` stops it; if the run's own process ends first, the
waiting process reads end-of-file and exits without doing anything. At most one waits
per process.

Kept free of heavy imports: the pipeline calls ``start`` before importing the solve path.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from pathlib import Path

STANDBY = "--standby"  # the solver process's argument: wait for the folder on stdin
_lock = threading.Lock()
_waiting: subprocess.Popen[str] | None = None


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "optimizer._highs_child", *args]


def _popen(args: list[str], stdin: int) -> subprocess.Popen[str]:
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin,
                            text=True, encoding="utf-8", errors="replace")


def start() -> None:
    """Start a solver process that waits for its model (none when one already waits)."""
    global _waiting
    with _lock:
        if _waiting is not None and _waiting.poll() is None:
            return
        try:
            _waiting = _popen(command(STANDBY), subprocess.PIPE)
        except OSError:  # the solve starts its own process, as without a standby
            _waiting = None


def take(folder: Path) -> subprocess.Popen[str]:
    """The solver process for the model in ``folder``: the one waiting, told where the
    model is, or a new one when none waits (or it has gone)."""
    global _waiting
    with _lock:
        proc, _waiting = _waiting, None
    if proc is not None and proc.poll() is None and proc.stdin is not None:
        try:
            proc.stdin.write(f"{folder}\n")
            proc.stdin.close()
            return proc
        except OSError:  # it died meanwhile: a new one below
            _stop(proc)
    return _popen(command(str(folder)), subprocess.DEVNULL)


def discard() -> None:
    """Let a waiting solver process exit (the run will not solve)."""
    global _waiting
    with _lock:
        proc, _waiting = _waiting, None
    if proc is not None:
        _stop(proc)


def _stop(proc: subprocess.Popen[str]) -> None:
    """It holds nothing yet (no model, no file): stopped at once rather than waited for."""
    proc.kill()
    proc.wait(timeout=30)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
