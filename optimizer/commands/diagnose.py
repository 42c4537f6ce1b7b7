"""`chainopt diagnose`: why no plan exists, as the cells to change (text or JSON)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app, fail
from optimizer.commands.validate import ReportFormat
from optimizer.errors import ExitCode


@app.command()
def diagnose(
    workbook: Annotated[Path, typer.Argument(help="Input workbook (.xlsx) to diagnose.")],
    fmt: Annotated[ReportFormat, typer.Option(
        "--format", help="text (sentences) or json ({status, relaxations: [{sheet, row, "
        "column, found, suggested, message}], alternatives: [{sheet, row, column, found, "
        "suggested, line, option}], conflict: [...]}, for scripts).", case_sensitive=False)]
    = ReportFormat.TEXT,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=1, help="Seconds for the elastic diagnosis solve [default: "
        "Settings, at most 120]; the search for kept-out lines and the IIS get at most as "
        "long again.")] = None,
) -> None:
    """Find the smallest change to the limits you set (minimum sales and offtake, policy
    floors, budgets, lane and resource capacities, existing lines' minimum use) that lets
    a plan exist, and name each cell: sheet, Excel row, column, value found, value
    suggested. Also names a line the workbook keeps out (excluded, or a later earliest
    period) whose allowance alone would do, and the limits in HiGHS's IIS of the linear
    relaxation. Exit 0 when a plan exists already, 30 when changes are suggested, 20/21
    when the workbook has errors or cannot be read. The workbook is never changed.
    """
    from optimizer.diagnose import diagnose as run_diagnosis
    from optimizer.pipeline import validate_workbook
    from optimizer.solve import SolveSettings

    outcome = validate_workbook(workbook)
    if outcome.data is None:
        typer.echo(outcome.issues.report(), err=True)
        fail(outcome.exit_code, f"{workbook.name} cannot be diagnosed: fix the problems "
             "listed above.")
    data = outcome.data
    settings = SolveSettings(time_limit=time_limit or min(data.time_limit, 120.0),
                             mip_gap=1e-6, grace=0.5)
    result = run_diagnosis(data, settings, outcome.raw)
    if fmt is ReportFormat.JSON:
        typer.echo(json.dumps(result.as_json(), indent=2))
    else:
        typer.echo(result.report())
    raise typer.Exit(int(ExitCode.OK if result.status == "feasible" else ExitCode.INFEASIBLE))
