"""`chainopt scenarios` and `chainopt sweep`: many solves of one workbook, compared.

A thin layer over optimizer/api.py: load (validate the base case and every scenario),
run on a process pool or a Dask cluster with a progress bar, write the comparison
workbook and each scenario's results workbook, and exit with the code `run` would give
(0 when every scenario has an optimal plan). Ctrl-C stops the pool and writes what
finished (exit code 130).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from optimizer.commands._app import app, fail, log, setup_logging
from optimizer.errors import ExitCode
from optimizer.paths import bundled_case, default_results_dir
from optimizer.progress import BatchProgress, interactive

if TYPE_CHECKING:
    from optimizer.api import Case
    from optimizer.scenarios.runner import ScenarioResult

INTERRUPTED = 130

WorkbookArg = Annotated[Path | None, typer.Argument(
    help="Input workbook (.xlsx). Without it, the bundled Absheron case.")]
OutputOpt = Annotated[Path | None, typer.Option(
    "-o", "--output", help="Folder for the comparison workbook [default: ./results].")]
WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", min=1, help="Solver processes [default: the number of cores]; 1 solves "
    "one after the other in this process.")]
DaskOpt = Annotated[bool, typer.Option(
    "--dask", help="Run on Dask: a local cluster of --workers processes, or the scheduler "
    "of --scheduler. Needs pip install 'chainopt[dask]'.")]
SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", metavar="ADDRESS", help="Run on the Dask scheduler at this address "
    "(tcp://host:8786); implies --dask.")]
TimeOpt = Annotated[float | None, typer.Option(
    "--time-limit", min=0, help="Time limit per scenario, seconds, for validating, "
    "building and solving it together: a scenario over it is recorded as time-out and the "
    "others go on.")]
GapOpt = Annotated[float | None, typer.Option("--gap", min=0, max=1, help="Relative MIP gap.")]
LangOpt = Annotated[str, typer.Option("--lang", help="Language of the workbooks: en, az, ru.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")]

_STATUS_CODE = {
    "optimal": ExitCode.OK,
    "feasible at the time limit": ExitCode.TIME_LIMIT_PLAN,
    "no plan found in the time allowed": ExitCode.TIME_LIMIT_NO_PLAN,
    "time-out": ExitCode.TIME_LIMIT_NO_PLAN,  # over the scenario's whole limit (runner.py)
    "infeasible": ExitCode.INFEASIBLE,
    "unbounded": ExitCode.UNBOUNDED,
    "invalid": ExitCode.INVALID_INPUT,
    "solver error": ExitCode.SOLVER_ERROR,
    "error": ExitCode.INTERNAL_ERROR,
}


def exit_code(results: list[ScenarioResult]) -> ExitCode:
    """The worst of the scenarios' codes, as `run` would give each: no plan first, then a
    failed check, then a plan at the time limit."""
    codes = [_STATUS_CODE.get(r.status, ExitCode.INTERNAL_ERROR) for r in results]
    codes += [ExitCode.CHECK_FAILED for r in results if r.findings and r.has_plan]
    no_plan = [c for c in codes if c not in (ExitCode.OK, ExitCode.TIME_LIMIT_PLAN,
                                             ExitCode.CHECK_FAILED)]
    for group in (no_plan, [c for c in codes if c is ExitCode.CHECK_FAILED], codes):
        worst = [c for c in group if c is not ExitCode.OK]
        if worst:
            return worst[0]
    return ExitCode.OK


def _load(workbook: Path | None) -> Case:
    from optimizer.api import CaseError, load

    path = workbook or bundled_case()
    try:
        return load(path)
    except FileNotFoundError:
        fail(ExitCode.INPUT_UNREADABLE, f"{path} does not exist.")
    except CaseError as exc:
        typer.echo(exc.report(), err=True)
        code = ExitCode.INVALID_INPUT if any(i.sheet for i in exc.issues.errors) \
            else ExitCode.INPUT_UNREADABLE
        fail(code, f"{path.name} cannot be solved: fix the problems listed above.")


def _line(r: ScenarioResult, currency: str) -> str:
    if not r.has_plan:
        return f"{r.status}: {r.reason}"
    return (f"{r.status}, net value {r.net_value:,.0f} {currency}, "
            f"{r.kpis.get('lines_built')} lines, {r.kpis.get('jobs', 0):,.0f} jobs")


# the web pages (optimizer/web/archive.py) find comparison workbooks by this ending
COMPARISON_SUFFIX = "-comparison.xlsx"


def _folder(output: Path | None, case: Case, kind: str) -> tuple[Path, str]:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return (output or default_results_dir()), f"{case.data.case_name}-{kind}-{stamp}"


@app.command()
def scenarios(
    workbook: WorkbookArg = None,
    output: OutputOpt = None,
    only: Annotated[str | None, typer.Option(
        "--only", help="Comma-separated scenario names [default: every scenario].")] = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    time_limit: TimeOpt = None,
    gap: GapOpt = None,
    lang: LangOpt = "en",
    full: Annotated[bool, typer.Option(
        "--full/--no-full", help="Also write each scenario's full results workbook into "
        "a sub-folder.")] = True,
    quiet: QuietOpt = False,
) -> None:
    """Solve the base case and every scenario of the Scenarios sheet; compare them.

    Writes <case>-scenarios-<time>-comparison.xlsx (no-regret lines, KPIs side by side with the
    difference from the base, the build matrix, the flows and sales that differ most,
    charts, each scenario's overrides) and, in the folder of the same name, each
    scenario's results workbook. Exit code as `run`: 0 when every scenario has an optimal
    plan; otherwise the code of the worst one. Ctrl-C writes what finished (code 130).
    """
    live = interactive(quiet)
    setup_logging(quiet or live)
    if lang not in ("en", "az", "ru"):
        fail(ExitCode.USAGE, f"--lang {lang}: choose en, az or ru.")
    from optimizer.scenarios.spec import BASE

    _check_workbook(workbook)
    case = _load(workbook)
    names = [n.strip() for n in only.split(",") if n.strip()] if only else case.scenarios
    unknown = [n for n in names if n != BASE and n not in case.what_if.scenarios]
    if unknown:
        fail(ExitCode.USAGE, f"--only: no scenario {', '.join(unknown)}; the workbook has "
             f"{', '.join(case.scenarios) or 'none'}.")
    if not case.scenarios:
        log.warning("%s has no scenarios: only the base case is solved",
                    case.path.name if case.path else case.name)
    folder, stem = _folder(output, case, "scenarios")
    target = folder / f"{stem}{COMPARISON_SUFFIX}"
    results, interrupted = _run_scenarios(case, names, workers, _dask(dask, scheduler),
                                          time_limit, gap,
                                          folder / stem if full else None, lang, live)
    _write(case, results, target, lang)
    _finish(results, case.currency, interrupted)


def _run_scenarios(case: Case, names: list[str], workers: int | None,
                   dask: str | bool | None,
                   time_limit: float | None, gap: float | None, subfolder: Path | None,
                   lang: str, live: bool) -> tuple[list[ScenarioResult], bool]:
    from optimizer import api
    from optimizer.scenarios.runner import Interrupted
    from optimizer.scenarios.spec import BASE

    total = len(names) + (0 if BASE in names else 1)
    with BatchProgress(total, live) as bar:
        def done(r: ScenarioResult) -> None:
            bar.finished(r.name, r.has_plan, _line(r, case.currency))

        try:
            plans = api.run_scenarios(case, names, workers=workers, dask=dask,
                                      time_limit=time_limit, gap=gap, write_dir=subfolder,
                                      lang=lang, on_result=done)
        except Interrupted as stop:
            return stop.results, True
    return [p.result for p in plans.values()], False


def _dask(dask: bool, scheduler: str | None) -> str | bool | None:
    """What api.run_scenarios and api.sweep take: None (no Dask), True (a local cluster)
    or the scheduler's address."""
    if scheduler:
        return scheduler
    return True if dask else None


def _check_workbook(workbook: Path | None) -> None:
    """`--dask ADDRESS` took an address once; now the address would arrive as the
    workbook, so say where it goes instead of "no such file"."""
    # a Path has already folded the address's "//" into "/"
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]+):/+(.*)", str(workbook or ""))
    if scheme and workbook is not None and not workbook.exists():
        address = f"{scheme[1]}://{scheme[2]}"
        fail(ExitCode.USAGE, f"{address} looks like a Dask scheduler's address: give it "
             f"as --scheduler {address}.")


def _write(case: Case, results: list[ScenarioResult], target: Path, lang: str,
           sweep: object = None) -> None:
    from optimizer.scenarios.compare import write_comparison

    if not results:
        return
    descriptions = {n: s.description for n, s in case.what_if.scenarios.items()}
    try:
        written = write_comparison(target, {r.name: r for r in results}, case.data.case_name,
                                   case.currency, lang, sweep=sweep,  # type: ignore[arg-type]
                                   descriptions=descriptions)
    except OSError as exc:
        fail(ExitCode.PUBLISH_FAILED, f"cannot write {target}: {exc}")
    typer.echo(f"Comparison: {written}")


def _finish(results: list[ScenarioResult], currency: str, interrupted: bool) -> None:
    from optimizer.scenarios.compare import no_regret_table

    for r in results:
        typer.echo(f"  {r.name}: {_line(r, currency)}")
    table = no_regret_table({r.name: r for r in results})
    if len(table):
        always = ", ".join(table[table.built_in == "all"].line) or "none"
        typer.echo(f"Built in every scenario with a plan: {always}.")
    if interrupted:
        typer.echo(f"chainopt: interrupted; {len(results)} finished and were written.",
                   err=True)
        raise typer.Exit(INTERRUPTED)
    raise typer.Exit(int(exit_code(results)))


@app.command()
def sweep(
    workbook: WorkbookArg = None,
    output: OutputOpt = None,
    name: Annotated[str | None, typer.Option(
        "--name", help="A sweep of the Sweeps sheet [default: the first one].")] = None,
    parameter: Annotated[list[str] | None, typer.Option(
        "--sweep", help="Instead of the Sweeps sheet: Sheet[row].column*from:to:step, e.g. "
        "'Markets[material=MAT_02].price*0.80:1.20:0.05' (* multiplies, + adds, = sets; "
        "a list a,b,c instead of a range). Twice for a grid.")] = None,
    scenario: Annotated[str | None, typer.Option(
        "--scenario", help="Sweep from this scenario instead of the base case.")] = None,
    tolerance: Annotated[float | None, typer.Option(
        "--tolerance", min=0, help="Locate switching points to within this much of the "
        "swept value [default: a twentieth of the step].")] = None,
    workers: WorkersOpt = None,
    dask: DaskOpt = False,
    scheduler: SchedulerOpt = None,
    time_limit: TimeOpt = None,
    gap: GapOpt = None,
    lang: LangOpt = "en",
    quiet: QuietOpt = False,
) -> None:
    """Solve the case over a range of one parameter (or a grid of two) and locate, by
    bisection, where the set of lines built changes (the switching points).

    Writes <case>-sweep-<time>-comparison.xlsx: KPIs at every point, the switching points in words
    with a chart of net value against the swept value, and the usual comparison sheets.
    """
    live = interactive(quiet)
    setup_logging(quiet or live)
    from optimizer import api
    from optimizer.scenarios.runner import Interrupted
    from optimizer.scenarios.spec import Axis, parse_sweep_text

    _check_workbook(workbook)
    case = _load(workbook)
    axes: list[str | Axis]
    base_scenario = scenario
    if parameter:
        try:
            axes = [parse_sweep_text(p) for p in parameter]
        except ValueError as exc:
            fail(ExitCode.USAGE, f"--sweep: {exc}")
        if any(not a.values for a in axes):  # type: ignore[union-attr]
            fail(ExitCode.USAGE, "--sweep needs values: *from:to:step or =a,b,c")
    else:
        if not case.sweeps:
            fail(ExitCode.USAGE, "the workbook has no Sweeps sheet rows: give --sweep.")
        chosen = name or case.sweeps[0]
        if chosen not in case.what_if.sweeps:
            fail(ExitCode.USAGE, f"--name: no sweep {chosen}; the workbook has "
                 f"{', '.join(case.sweeps)}.")
        sw = case.what_if.sweeps[chosen]
        axes = list(sw.axes)
        base_scenario = scenario or sw.scenario
    if base_scenario and base_scenario not in case.what_if.scenarios:
        fail(ExitCode.USAGE, f"--scenario: no scenario {base_scenario}.")
    folder, stem = _folder(output, case, "sweep")
    points = 1
    for axis in axes:
        points *= len(axis.values)  # type: ignore[union-attr]
    with BatchProgress(points, live, label="sweep") as bar:
        try:
            frame = api.sweep(case, axes, scenario=base_scenario, tolerance=tolerance,
                              workers=workers, dask=_dask(dask, scheduler),
                              time_limit=time_limit,
                              gap=gap, on_result=lambda r: bar.finished(
                                  r.name, r.has_plan, _line(r, case.currency)))
        except Interrupted as stop:
            _write(case, stop.results, folder / f"{stem}{COMPARISON_SUFFIX}", lang)
            _finish(stop.results, case.currency, True)
        except api.CaseError as exc:
            typer.echo(exc.report(), err=True)
            fail(ExitCode.INVALID_INPUT, "the sweep's changes make the case invalid.")
    results = frame.attrs["results"]
    _write(case, results, folder / f"{stem}{COMPARISON_SUFFIX}", lang, sweep=frame)
    sentences = list(frame.attrs["switching_points"].get("sentence", []))
    for text in sentences:
        typer.echo(f"  {text}")
    if not sentences:
        typer.echo("  No switching point: the same lines are built at every point.")
    raise typer.Exit(int(exit_code(results)))
