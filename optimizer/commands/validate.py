"""`chainopt validate`: every problem of a workbook at once, without solving."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from optimizer.commands._app import app
from optimizer.errors import ExitCode

if TYPE_CHECKING:
    from optimizer.pipeline import RunOutcome


class ReportFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


@app.command()
def validate(
    workbook: Annotated[Path, typer.Argument(help="Input workbook (.xlsx) to check.")],
    fmt: Annotated[ReportFormat, typer.Option(
        "--format", help="text (grouped by sheet, for people) or json (a list of issues, "
        "for scripts).", case_sensitive=False)] = ReportFormat.TEXT,
) -> None:
    """Check a workbook and print every problem at once, without solving.

    Each issue has a severity (error, warning, info), the sheet, the cell (A1), the value
    found, what was expected and a hint. Exit code 0 when there is no error (warnings and
    notes allowed), 20 when the workbook has errors, 21 when it cannot be read at all.
    The workbook is only read, never changed.
    """
    from optimizer.pipeline import validate_workbook

    outcome = validate_workbook(workbook)
    if outcome.data is not None and outcome.raw is not None:
        _check_what_if(outcome)
    code = ExitCode.OK if outcome.data is not None else outcome.exit_code
    if fmt is ReportFormat.JSON:
        typer.echo(outcome.issues.to_json())
    elif len(outcome.issues):
        typer.echo(outcome.issues.report())
        if code is ExitCode.OK:
            typer.echo(f"{workbook.name}: no errors; chainopt can run it.")
        else:
            typer.echo(f"{workbook.name}: fix the errors above, then validate again.")
    else:
        typer.echo(f"{workbook.name}: no problems found.")
    raise typer.Exit(int(code))


def _check_what_if(outcome: RunOutcome) -> None:
    """The Scenarios and Sweeps sheets, every override applied and validated; a problem
    makes the workbook invalid (its cells were checked with the others already)."""
    from models.validation.issues import IssueList
    from optimizer.scenarios.overrides import check_what_if

    assert outcome.raw is not None
    found = IssueList(outcome.issues.file)
    check_what_if(outcome.raw, found)
    seen = {(i.sheet, i.row, i.column, i.message) for i in outcome.issues}
    outcome.issues.extend(i for i in found if (i.sheet, i.row, i.column, i.message) not in seen)
    if outcome.issues.has_errors:
        outcome.data = None
