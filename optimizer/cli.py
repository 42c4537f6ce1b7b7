"""chainopt command line: a thin layer over optimizer.pipeline.

Non-interactive by default; one clear line per failure; --debug shows the traceback.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from optimizer import __version__
from optimizer.errors import EXIT_CODE_HELP, ChainoptError, ExitCode, exit_code_table
from optimizer.paths import bundled_case, default_results_dir

log = logging.getLogger("chainopt")

HELP = f"""chainopt: which processing lines to build where, and how feedstock flows through
the production chain, for the most value from end products.

\b
Exit codes (the same for every command):
{exit_code_table()}
"""

app = typer.Typer(help=HELP, add_completion=False, no_args_is_help=True,
                  rich_markup_mode=None, pretty_exceptions_enable=False)
_state = {"debug": False}


def _setup_logging(quiet: bool, debug: bool) -> None:
    level = logging.DEBUG if debug else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("pyomo", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _fail(code: ExitCode, message: str) -> None:
    typer.echo(f"chainopt: {message}", err=True)
    raise typer.Exit(int(code))


@app.callback()
def main_callback(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
    = False,
) -> None:
    _state["debug"] = debug


@app.command()
def run(
    workbook: Annotated[Path | None, typer.Argument(
        help="Input workbook (.xlsx). Without it, the bundled Absheron case is solved.")] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", help="Folder for the results workbook [default: ./results].")] = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0, help="Solver time limit in seconds (overrides Settings).")] = None,
    gap: Annotated[float | None, typer.Option(
        "--gap", min=0, max=1, help="Relative MIP gap, e.g. 0.001 (overrides Settings).")]
    = None,
    threads: Annotated[int | None, typer.Option(
        "--threads", min=0, help="Solver threads; 0 lets HiGHS choose.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")]
    = False,
) -> None:
    """Validate the workbook, solve it, check the plan and write results/<case>-<time>.xlsx."""
    _setup_logging(quiet, _state["debug"])
    from optimizer.excel.write import write_results
    from optimizer.pipeline import solve_workbook

    path = workbook or bundled_case()
    started = dt.datetime.now().astimezone()
    outcome = solve_workbook(path, {"time_limit": time_limit, "mip_gap": gap,
                                    "threads": threads},
                             progress=None if quiet else lambda phase: log.info("%s ...", phase))
    if outcome.data is None:
        typer.echo(outcome.issues.report(), err=True)
        _fail(outcome.exit_code, f"{path.name} cannot be solved: fix the problems listed above.")
    for issue in outcome.issues:
        log.info(issue.format())
    assert outcome.solve is not None and outcome.data is not None
    solve = outcome.solve
    if not solve.status.has_plan:
        _fail(outcome.exit_code, f"{solve.describe()} {EXIT_CODE_HELP[outcome.exit_code]}.")
    folder = output or default_results_dir()
    stamp = started.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{outcome.data.case_name}-{stamp}.xlsx"
    try:
        written = write_results(target, outcome, started)
    except OSError as exc:
        _fail(ExitCode.PUBLISH_FAILED, f"cannot write {target}: {exc}")
    k = outcome.results.kpis if outcome.results else {}
    typer.echo(f"{solve.describe()} Net value {k.get('net_value', 0):,.0f} "
               f"{outcome.data.currency}; {k.get('lines_built')} of "
               f"{k.get('lines_candidates')} lines built; {k.get('jobs', 0):,.0f} jobs.")
    typer.echo(f"Results: {written}")
    if outcome.check_findings:
        for finding in outcome.check_findings:
            typer.echo(f"CHECK FAILED: {finding.format()}", err=True)
    raise typer.Exit(int(outcome.exit_code))


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


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the workbook.")]
    = Path("chainopt-template.xlsx"),
    example: Annotated[bool, typer.Option("--example", help="Write the bundled Absheron case "
                                          "instead of a blank template.")] = False,
) -> None:
    """Write a blank input template (or, with --example, the bundled case)."""
    import shutil

    from optimizer.excel.template import write_input_workbook

    if example:
        shutil.copyfile(bundled_case(), output)
    else:
        write_input_workbook(output, None)
    typer.echo(f"Wrote {output}")


@app.command()
def docs(
    output: Annotated[Path, typer.Option("-o", "--output")] = Path("docs/formulation.md"),
) -> None:
    """Regenerate the formulation document from the model code."""
    from models.chain.docs import formulation_markdown

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(formulation_markdown(), encoding="utf-8")
    typer.echo(f"Wrote {output}")


@app.command()
def version() -> None:
    """Print the chainopt version."""
    typer.echo(__version__)


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
        if _state["debug"]:
            raise
        typer.echo(f"chainopt: internal error: {type(exc).__name__}: {exc}. "
                   "Rerun with --debug for details and report it.", err=True)
        sys.exit(int(ExitCode.INTERNAL_ERROR))
