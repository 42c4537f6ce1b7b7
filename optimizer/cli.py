"""chainopt command line: a thin layer over optimizer.pipeline.

Non-interactive by default; one clear line per failure; --debug shows the traceback.
The commands are in optimizer/commands/, one module each.
"""

from __future__ import annotations

import sys

import typer

from optimizer.commands import app
from optimizer.commands._app import state
from optimizer.errors import ChainoptError, ExitCode

__all__ = ["app", "main"]


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
