"""`chainopt robust`: one set of lines to build for every scenario of the Uncertainty sheet.

A thin layer over optimizer/api.py (``api.robust``): load and validate the workbook with
its scenarios and probabilities, solve the extensive form and the single-scenario
problems (optimizer/scenarios/robust.py), write the robust-plan workbook atomically and
print a summary. Exit codes as `run`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app, fail, log, setup_logging
from optimizer.commands.whatif import GapOpt, LangOpt, QuietOpt, WorkbookArg, _load
from optimizer.errors import ExitCode
from optimizer.paths import default_results_dir

ROBUST_SUFFIX = "-robust.xlsx"
OutputOpt = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Folder for the robust-plan workbook [default: ./results].")]

_STATUS_CODE = {
    "optimal": ExitCode.OK,
    "feasible at the time limit": ExitCode.TIME_LIMIT_PLAN,
    "no plan found in the time allowed": ExitCode.TIME_LIMIT_NO_PLAN,
    "infeasible": ExitCode.INFEASIBLE,
    "unbounded": ExitCode.UNBOUNDED,
    "solver error": ExitCode.SOLVER_ERROR,
}


@app.command()
def robust(
    workbook: WorkbookArg = None,
    output: OutputOpt = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0, help="Solver time limit in seconds for the extensive form, "
        "and again for each single-scenario solve [default: Settings].")] = None,
    gap: GapOpt = None,
    lang: LangOpt = "en",
    quiet: QuietOpt = False,
) -> None:
    """Pick one set of lines to build that maximises the expected net value over the
    scenarios of the Uncertainty sheet (flows adapt to each scenario), solved as the
    extensive form with HiGHS.

    Writes <case>-<time>-robust.xlsx: the lines to build, the expected value of the
    robust plan (RP), wait and see (WS), the average-scenario plan's expected value (EEV),
    VSS = RP - EEV and EVPI = WS - RP with a sentence each, the lines the robust plan adds
    or drops against the average-scenario plan, and key figures per scenario. Exit code
    as `run`: 0 optimal, 10 best plan at the time limit, 20 invalid workbook or
    Uncertainty sheet, 30 no plan serves every scenario, 40 the independent check failed
    in a scenario, 41 the workbook could not be written.
    """
    setup_logging(quiet)
    if lang not in ("en", "az", "ru"):
        fail(ExitCode.USAGE, f"--lang {lang}: choose en, az or ru.")
    from optimizer import api
    from optimizer.scenarios.robust_report import summary_lines, write_robust
    from optimizer.signals import Stopped, stop_on_signals
    from optimizer.solve import sweep_solver_folders

    case = _load(workbook)
    sweep_solver_folders()
    try:
        with stop_on_signals():
            try:
                result = api.robust(case, time_limit=time_limit, gap=gap,
                                    progress=lambda phase: log.info("%s ...", phase))
            except api.CaseError as exc:
                typer.echo(exc.report(), err=True)
                fail(ExitCode.INVALID_INPUT, f"{case.name}: the Uncertainty sheet or a "
                     "scenario it names has errors; fix the problems listed above.")
            for text in summary_lines(result):
                typer.echo(text)
            if not result.has_plan:
                fail(_STATUS_CODE.get(result.solve.status.value, ExitCode.SOLVER_ERROR),
                     "no robust plan: nothing written.")
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = (output or default_results_dir()) / \
                f"{case.data.case_name}-{stamp}{ROBUST_SUFFIX}"
            try:
                written = write_robust(target, result, lang)
            except OSError as exc:
                fail(ExitCode.PUBLISH_FAILED, f"cannot write {target}: {exc}")
    except Stopped as stop:
        fail(stop.code, f"stopped by {stop.name}: the solver was stopped and no results file "
             "was written.")
    typer.echo(f"Robust plan: {written}")
    for text in result.findings:
        log.error("check failed: %s", text)
    code = _STATUS_CODE.get(result.solve.status.value, ExitCode.SOLVER_ERROR)
    if result.findings and code is ExitCode.OK:
        code = ExitCode.CHECK_FAILED
    raise typer.Exit(int(code))

