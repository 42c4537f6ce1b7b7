"""`chainopt validate`: every problem of a workbook at once, without solving."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app
from optimizer.errors import ExitCode


@app.command()
def validate(
    workbook: Annotated[Path, typer.Argument(help="Input workbook (.xlsx) to check.")],
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Check a workbook and print every problem at once, without solving."""
    from optimizer.pipeline import validate_workbook

    outcome = validate_workbook(workbook)
    if fmt == "json":
        typer.echo(outcome.issues.to_json())
    else:
        typer.echo(outcome.issues.report() if len(outcome.issues) else
                   f"{workbook.name}: no problems found.")
    raise typer.Exit(int(ExitCode.OK if outcome.data is not None else outcome.exit_code))
