"""`chainopt alternatives`: other build sets close to the best plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app, fail
from optimizer.commands.validate import ReportFormat
from optimizer.errors import ExitCode


def _share(text: str) -> float:
    text = text.strip()
    value = float(text.rstrip("%")) / 100 if text.endswith("%") else float(text)
    if not 0 <= value <= 1:
        raise typer.BadParameter("give a share such as 2% or 0.02")
    return value


@app.command()
def alternatives(
    workbook: Annotated[Path, typer.Argument(help="Input workbook (.xlsx).")],
    n: Annotated[int, typer.Option("-n", min=1, max=50, help="Most alternatives to list.")]
    = 5,
    within: Annotated[str, typer.Option(
        "--within", help="How far below the best net value, e.g. 2% or 0.02.")] = "2%",
    fmt: Annotated[ReportFormat, typer.Option("--format", case_sensitive=False,
                                              help="text or json.")] = ReportFormat.TEXT,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=1, help="Seconds for the whole command [default: Settings].")] = None,
) -> None:
    """List distinct build sets whose net value is within --within of the best, best
    first, each with what it gains and gives up: net value, jobs, recovered waste, local
    share, and the lines added and dropped against the best plan. Found by no-good cuts:
    each listed plan is the best one that differs in at least one line from all before.
    """
    from optimizer.alternatives import alternatives as find
    from optimizer.pipeline import validate_workbook

    share = _share(within)
    outcome = validate_workbook(workbook)
    if outcome.data is None:
        typer.echo(outcome.issues.report(), err=True)
        fail(outcome.exit_code, f"{workbook.name}: fix the problems listed above.")
    data = outcome.data
    best, plans, note = find(data, n, share, time_limit)
    if best is None:
        fail(ExitCode.INFEASIBLE, f"no plan to compare with: {note}")
    if fmt is ReportFormat.JSON:
        typer.echo(json.dumps({"best": best.as_json(), "within": share,
                               "alternatives": [p.as_json() for p in plans], "note": note},
                              indent=2))
        raise typer.Exit(0)
    cur = data.currency
    typer.echo(f"Best plan: net value {best.net_value:,.0f} {cur}, {best.jobs:,.0f} jobs, "
               f"{best.recovered:,.0f} t recovered waste, local share "
               f"{100 * best.local_share:.1f} %; {len(best.built)} lines.")
    if not plans:
        typer.echo(f"No other build set is within {100 * share:g} % of it.")
    for i, p in enumerate(plans, start=1):
        typer.echo(f"{i}. net value {p.net_value:,.0f} {cur} ({p.net_value - best.net_value:+,.0f}"
                   f"), jobs {p.jobs - best.jobs:+,.0f}, recovered waste "
                   f"{p.recovered - best.recovered:+,.0f} t, local share "
                   f"{100 * (p.local_share - best.local_share):+.1f} pts; adds "
                   f"{', '.join(p.added) or 'nothing'}; drops {', '.join(p.dropped) or 'nothing'}.")
    if note:
        typer.echo(f"Note: {note}")
    raise typer.Exit(0)
