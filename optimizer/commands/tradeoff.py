"""`chainopt tradeoff`: the Pareto front of net value against a second measure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app, fail
from optimizer.commands.validate import ReportFormat
from optimizer.errors import ExitCode


@app.command()
def tradeoff(
    workbook: Annotated[Path, typer.Argument(help="Input workbook (.xlsx).")],
    between: Annotated[tuple[str, str], typer.Option(
        "--between", help="net_value and one of jobs, recovered, local_share.")]
    = ("net_value", "jobs"),
    k: Annotated[int, typer.Option("-k", "--points", min=2, max=50,
                                   help="Number of epsilon targets.")] = 5,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Folder for the table and chart [default: ./results].")]
    = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", case_sensitive=False,
                                              help="text or json.")] = ReportFormat.TEXT,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=1, help="Seconds for the whole command [default: Settings].")] = None,
) -> None:
    """Plans that trade net value against jobs, recovered waste or local share, by the
    epsilon-constraint method at k targets: each point is the best net value with the
    second measure at least the target (then the most of the measure at that net value).
    Writes <case>-tradeoff-<measure>.xlsx (a table with the lines built at each point and
    a chart) and prints the table.
    """
    from optimizer.alternatives import MEASURES
    from optimizer.alternatives import tradeoff as front
    from optimizer.paths import default_results_dir
    from optimizer.pipeline import validate_workbook
    from optimizer.report.tradeoff import write_tradeoff

    first, second = between
    if first != "net_value" or second not in MEASURES[1:]:
        fail(ExitCode.USAGE, "--between: give net_value and one of jobs, recovered, "
             "local_share.")
    outcome = validate_workbook(workbook)
    if outcome.data is None:
        typer.echo(outcome.issues.report(), err=True)
        fail(outcome.exit_code, f"{workbook.name}: fix the problems listed above.")
    data = outcome.data
    points, note = front(data, second, k, time_limit)
    if not points:
        fail(ExitCode.INFEASIBLE, f"no plan: {note}")
    folder = output or default_results_dir()
    written = write_tradeoff(folder / f"{data.case_name}-tradeoff-{second}.xlsx", points,
                             second, data.currency)
    if fmt is ReportFormat.JSON:
        typer.echo(json.dumps({"measure": second, "points": [
            {"target": p.target, **p.plan.as_json()} for p in points], "note": note,
            "file": str(written)}, indent=2))
        raise typer.Exit(0)
    for p in points:
        typer.echo(f"{second} {getattr(p.plan, second):,.3g}: net value "
                   f"{p.plan.net_value:,.0f} {data.currency}; lines {', '.join(p.plan.built)}")
    if note:
        typer.echo(f"Note: {note}")
    typer.echo(f"Table and chart: {written}")
    raise typer.Exit(0)
