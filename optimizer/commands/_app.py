"""The Typer app and what every command shares: logging set-up and one-line failures.

Each command lives in its own module in optimizer/commands/ and registers itself on
``app``; optimizer/cli.py imports them all and holds the console-script entry.
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated, Any, NoReturn

import typer

from optimizer.errors import ExitCode, exit_code_table

HELP = f"""chainopt: which processing lines to build where, and how feedstock flows through
the production chain, for the most value from end products.

\b
Exit codes (the same for every command):
{exit_code_table()}
"""

app = typer.Typer(help=HELP, add_completion=False, no_args_is_help=True,
                  rich_markup_mode=None, pretty_exceptions_enable=False)
# "process_ends": the process ends with this command (set by cli.console_main, the
# chainopt script and python -m optimizer; not by in-process callers of main())
state = {"debug": False, "process_ends": False}
log = logging.getLogger("chainopt")


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is logged, not the stream of the
    moment it was made: commands run in-process (the API, notebooks, tests) may swap
    ``sys.stderr`` and close the old one, which would make later records fail."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def setup_logging(quiet: bool, debug: bool | None = None) -> None:
    """Human-readable lines on stderr (plain text: no colour, no progress bars).

    The level is set on the stderr handler, not on the root logger, so that other
    handlers (the nightly JSON-lines log) still receive every INFO record under --quiet.
    """
    debug = state["debug"] if debug is None else debug
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)  # one per process, however often a command runs in it
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in ("pyomo", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(code: ExitCode, message: str) -> NoReturn:
    """One clear line on stderr, then the documented exit code."""
    typer.echo(f"chainopt: {message}", err=True)
    raise typer.Exit(int(code))


@app.callback()
def main_callback(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
    = False,
) -> None:
    state["debug"] = debug
