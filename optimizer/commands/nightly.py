"""`chainopt nightly`: the scheduled re-optimisation (see optimizer/nightly/)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app, setup_logging


@app.command()
def nightly(
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="TOML file (see nightly.example.toml); flags override it.")]
    = None,
    inputs: Annotated[list[Path] | None, typer.Option(
        "--input", help="Workbook or folder of workbooks (repeatable).")] = None,
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", help="Folder of the <case>-latest.xlsx files.")] = None,
    archive_dir: Annotated[Path | None, typer.Option(
        "--archive-dir", help="Folder of the per-run archive (dated results, run.json).")]
    = None,
    log_dir: Annotated[Path | None, typer.Option(
        "--log-dir", help="Folder of the JSON-lines log (and, by default, the lock file).")]
    = None,
    time_limit: Annotated[float | None, typer.Option(
        "--time-limit", min=0, help="Seconds for each workbook's whole run (solve, explanations, "
        "writing); the solver gets 80 % of what is left after reading.")] = None,
    gap: Annotated[float | None, typer.Option("--gap", min=0, max=1)] = None,
    threads: Annotated[int | None, typer.Option("--threads", min=0)] = None,
    archive_days: Annotated[int | None, typer.Option(
        "--archive-days", min=0, help="Keep this many days of runs in the archive.")] = None,
    warm_start: Annotated[bool | None, typer.Option(
        "--warm-start/--no-warm-start", help="Offer last night's plan to the solver.")]
    = None,
    fixed_lines: Annotated[list[str] | None, typer.Option(
        "--fixed-line", help="A line already approved: held built (repeatable).")] = None,
    lock_file: Annotated[Path | None, typer.Option(
        "--lock-file", help="Lock file on a local disk [default: LOG_DIR/chainopt-nightly.lock]"
    )] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings on stderr.")]
    = False,
) -> None:
    """Re-optimise every input workbook, publish <case>-latest.xlsx atomically, keep an archive.

    One run at a time (a lock file); invalid workbooks are never solved; the time limit
    holds; a run record (run.json) is written for every run; the change since last night
    goes to the log and to the results' Changes sheet. Exit codes: see `chainopt --help`.
    """
    from optimizer.nightly import load_config, run_nightly

    setup_logging(quiet)
    overrides = {
        "inputs": tuple(inputs or ()), "output_dir": output_dir, "archive_dir": archive_dir,
        "log_dir": log_dir, "time_limit": time_limit, "gap": gap, "threads": threads,
        "archive_days": archive_days, "warm_start": warm_start,
        "fixed_lines": tuple(fixed_lines or ()), "lock_file": lock_file,
    }
    settings = load_config(config, overrides)
    raise typer.Exit(int(run_nightly(settings, sys.argv)))
