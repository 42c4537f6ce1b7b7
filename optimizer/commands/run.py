"""`chainopt run`: validate, solve, check and write the results workbook."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from optimizer.commands._app import app, fail, log, setup_logging, state
from optimizer.errors import EXIT_CODE_HELP, ExitCode
from optimizer.fileio import describe_os_error
from optimizer.paths import bundled_case, default_results_dir
from optimizer.progress import RunProgress, interactive

if TYPE_CHECKING:
    from optimizer.pipeline import RunOutcome


@app.command()
def run(
    workbook: Annotated[Path | None, typer.Argument(
        help="Input workbook (.xlsx). Without it, the bundled Absheron case is solved.")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Folder for the results workbook [default: ./results].")] = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0, help="Time limit in seconds for the whole run (overrides "
        "Settings): the solver gets 80 % of what is left after reading and building (less a "
        "reserve for checking the plan), the "
        "explanations the rest.")] = None,
    gap: Annotated[float | None, typer.Option(
        "--gap", min=0, max=1, help="Relative MIP gap, e.g. 0.001 (overrides Settings).")]
    = None,
    threads: Annotated[int | None, typer.Option(
        "--threads", min=0, help="Solver threads, and the cores the explanations may use "
        "(1: one process); 0 lets HiGHS choose.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")]
    = False,
    lang: Annotated[str, typer.Option(
        "--lang", help="Language of the results workbook: en, az or ru.")] = "en",
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Also write a PDF of the results (needs LibreOffice).")] = False,
    html: Annotated[bool, typer.Option(
        "--html", help="Also write one self-contained HTML page of the plan beside the "
        "workbook (for e-mail: charts work offline).")] = False,
) -> None:
    """Validate the workbook, solve it, check the plan and write results/<case>-<time>.xlsx.

    In a terminal it shows the phases and, during the solve, the elapsed time, the best
    plan so far, the bound and the gap; --quiet, a pipe or a log file show none of that.
    """
    live = interactive(quiet)
    setup_logging(quiet or live)  # in a terminal the progress display replaces INFO lines
    if lang not in ("en", "az", "ru"):
        fail(ExitCode.USAGE, f"--lang {lang}: choose en, az or ru.")
    from optimizer.alternatives import RUN_COUNT
    from optimizer.pipeline import solve_workbook
    from optimizer.signals import Stopped, stop_on_signals
    from optimizer.solve import sweep_solver_folders

    path = workbook or bundled_case()
    started = dt.datetime.now().astimezone()
    sweep_solver_folders()  # left by runs killed with kill -9
    try:
        with stop_on_signals(), RunProgress(live) as display:
            outcome = solve_workbook(
                path, {"time_limit": time_limit, "mip_gap": gap, "threads": threads},
                progress=display.phase if live else
                None if quiet else lambda phase: log.info("%s ...", phase),
                solve_progress=display.solver if live else None,
                prepare=_frozen_for_the_run, alternatives=RUN_COUNT, figures=lang)
            written = _write(outcome, path, output, started, lang, pdf, display)
            page = _write_html(written, lang) if html else None
    except Stopped as stop:  # SIGTERM / Ctrl+C: solver stopped, temporary files removed
        fail(stop.code, f"stopped by {stop.name}: the solver was stopped and no results "
             "file was written (an earlier one is untouched).")
    _report(outcome, written, pdf, page, lang)


def _frozen_for_the_run(_model: object, _data: object) -> None:
    """Once the model is built, move it and every imported module out of the garbage
    collector's sight (``gc.freeze``) for the rest of the process.

    The run keeps them to its end, yet each full collection walks them all: at the
    bundled case 0.3 s of collections (0.18 s of it three full ones), at 50 lines x 12
    periods 0.74 s, against 0.16 s and 0.39 s frozen. Frozen objects are never freed,
    which is right only when the process ends with the run: the ``chainopt`` script and
    ``python -m optimizer`` (``cli.console_main``), not a caller of ``cli.main()`` in its
    own process, nor the nightly run and the API, which run many workbooks."""
    if state["process_ends"]:
        gc.freeze()


def _write(outcome: RunOutcome, path: Path, output: Path | None, started: dt.datetime,
           lang: str, pdf: bool, display: RunProgress) -> Path:
    if outcome.data is None:  # before importing the writer (matplotlib: seconds)
        typer.echo(outcome.issues.report(), err=True)
        fail(outcome.exit_code, f"{path.name} cannot be solved: fix the problems listed above.")
    from optimizer.excel.write import write_results

    for issue in outcome.issues:  # warnings stay visible under --quiet
        log.log(logging.WARNING if issue.severity.value != "info" else logging.INFO,
                issue.format())
    assert outcome.solve is not None and outcome.data is not None
    solve = outcome.solve
    folder = output or default_results_dir()
    stamp = started.strftime("%Y%m%d-%H%M%S")
    if not solve.status.has_plan:
        warned = any(i.severity.value == "warning" for i in outcome.issues)
        see = " See the warnings above." if warned else ""
        if outcome.exit_code is ExitCode.INFEASIBLE:
            see += _diagnose(outcome, folder / f"{outcome.data.case_name}-{stamp}-diagnosis",
                             display)
        fail(outcome.exit_code, f"{solve.describe()} {EXIT_CODE_HELP[outcome.exit_code]}.{see}")
    target = folder / f"{outcome.data.case_name}-{stamp}.xlsx"
    display.phase("write")
    try:
        begun = time.perf_counter()
        written = write_results(target, outcome, started, lang=lang, pdf=pdf)
        log.info("write: %.2f s", time.perf_counter() - begun)
        return written
    except OSError as exc:
        fail(ExitCode.PUBLISH_FAILED, f"cannot write {describe_os_error(exc, target)}")


def _diagnose(outcome: RunOutcome, stem: Path, display: RunProgress) -> str:
    """On exit 30: the elastic diagnosis, on the terminal and as .xlsx and .json files."""
    import json

    from optimizer.diagnose import diagnose, write_diagnosis
    from optimizer.fileio import atomic_write

    assert outcome.data is not None
    from optimizer.solve import SolveSettings

    display.phase("diagnose")
    # the diagnosis solve gets the run's time limit (at most 120 s) and no long grace
    limit = min(outcome.settings.time_limit if outcome.settings else 120.0, 120.0)
    result = diagnose(outcome.data, SolveSettings(time_limit=limit, mip_gap=1e-6, grace=0.5),
                      outcome.raw)
    typer.echo(result.report(), err=True)
    try:
        book = write_diagnosis(stem.with_suffix(".xlsx"), result, outcome.data.case_name)
        text = json.dumps(result.as_json(), indent=2)

        def write_json(p: Path) -> None:
            p.write_text(text, encoding="utf-8")

        atomic_write(stem.with_suffix(".json"), write_json)
    except OSError as exc:
        return f" (the diagnosis could not be written: {exc})"
    return f" Diagnosis: {book} (and .json)."


def _write_html(written: Path, lang: str) -> Path | None:
    from optimizer.web.export import write_html

    try:
        return write_html(written, lang)
    except (OSError, ValueError, KeyError) as exc:
        log.warning("HTML page not written: %s", exc)
        return None


def _report(outcome: RunOutcome, written: Path, pdf: bool, page: Path | None = None,
            lang: str = "en") -> None:
    assert outcome.solve is not None and outcome.data is not None
    solve = outcome.solve
    k = outcome.results.kpis if outcome.results else {}
    if lang == "en":
        typer.echo(f"{solve.describe()} Net value {k.get('net_value', 0):,.0f} "
                   f"{outcome.data.currency}; {k.get('lines_built')} of "
                   f"{k.get('lines_candidates')} lines built; {k.get('jobs', 0):,.0f} jobs.")
        typer.echo(f"Results: {written}")
    else:  # the status line in the language of the workbook
        from optimizer.report import numbers as fmt
        from optimizer.report.i18n import tr
        from optimizer.report.story import status_words

        words = status_words(solve, outcome.settings, lang)
        typer.echo(words + " " + tr(
            "terminal.status", lang, net=fmt.integer(float(k.get("net_value", 0)), lang),
            cur=outcome.data.currency, built=k.get("lines_built"),
            cand=k.get("lines_candidates"), jobs=fmt.integer(float(k.get("jobs", 0)), lang)))
        typer.echo(tr("terminal.results", lang, path=written))
    if pdf:
        made = written.with_suffix(".pdf")
        typer.echo(f"PDF: {made}" if made.exists() else
                   "PDF: not written (LibreOffice is not installed or failed; see above).")
    if page is not None:
        typer.echo(f"HTML: {page}")
    if outcome.check_findings:
        for finding in outcome.check_findings:
            typer.echo(f"CHECK FAILED: {finding.format()}", err=True)
    raise typer.Exit(int(outcome.exit_code))
