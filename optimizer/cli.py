"""chainopt command line: a thin layer over optimizer.pipeline.

Non-interactive by default; one clear line per failure; --debug shows the traceback.
The commands are in optimizer/commands/, one module each.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

import typer

from optimizer.commands import app
from optimizer.commands._app import state
from optimizer.errors import ChainoptError, ExitCode

__all__ = ["app", "console_main", "main"]


def main() -> None:
    """Console-script entry: map every failure to a documented exit code, never a traceback.

    Typer itself exits with our codes (typer.Exit) and with 2 for usage errors.
    """
    try:
        app()
    except ChainoptError as exc:
        typer.echo(f"chainopt: {exc}", err=True)
        sys.exit(int(exc.code))
    except KeyboardInterrupt:
        typer.echo("chainopt: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if state["debug"]:
            raise
        typer.echo(f"chainopt: internal error: {type(exc).__name__}: {exc}. "
                   "Rerun with --debug for details and report it.", err=True)
        sys.exit(int(ExitCode.INTERNAL_ERROR))


def console_main() -> None:
    """The ``chainopt`` console script and ``python -m optimizer``: ``main()``, then exit
    without tearing the interpreter down.

    By then every result is written and closed (optimizer/fileio.py), the lock released
    and the solver's folder removed. What is left is freeing the model's Python objects,
    which at national scale takes longer than any phase a user waits for (1.0 s of a
    5,000-line run, bench/bench_whole_run.py) and counts against the run's time limit.
    The atexit handlers still run (logging, temporary folders, process pools); only the
    object-by-object teardown is skipped. In-process callers (the API, tests) use
    ``main()``, which exits the normal way.
    """
    code: int | str | None = 0
    state["process_ends"] = True
    try:
        main()
    except SystemExit as stop:
        code = stop.code
    if isinstance(code, str):  # sys.exit("message"): printed, exit status 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to say
            stream.flush()
    os._exit(int(code or 0))
