"""One nightly run: lock, then for every workbook validate, solve, publish and record.

What it guarantees (see README, "Nightly runs"):
1. one run at a time: a second run exits BUSY at once and touches nothing;
2. an invalid workbook is never solved; the report goes to the log and the run record;
3. the time limit holds (the solver's watchdog, optimizer/solve.py);
4. results land in a dated file in the run's archive folder, then replace
   ``<case>-latest.xlsx`` atomically; if that fails the dated copy stands and the exit
   code says so; a run killed at any point leaves the previous latest and archive intact;
5. a run record (run.json) is written for every run, failed ones included;
6. a change report against last night's inputs and plan;
7. last night's plan is offered as a warm start;
8. human lines on stderr, JSON lines with the run id in the log folder.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyomo.core as pyo
from filelock import FileLock, Timeout

from models.chain.data import ChainData
from models.chain.formulation import hold_built
from optimizer.alternatives import RUN_COUNT
from optimizer.errors import EXIT_CODE_HELP, ExitCode
from optimizer.excel.write import write_results
from optimizer.fileio import describe_os_error, sweep_temp_files
from optimizer.nightly.changes import (
    compare,
    input_snapshot,
    load_json,
    plan_snapshot,
    save_json,
)
from optimizer.nightly.config import NightlyConfig
from optimizer.pipeline import RunOutcome, sha256_of, solve_workbook
from optimizer.signals import Stopped, stop_on_signals
from optimizer.solve import sweep_solver_folders
from optimizer.versions import package_versions

log = logging.getLogger("chainopt.nightly")
RUN_ID = re.compile(r"^(\d{8}-\d{6})-[0-9a-f]{6}$")
# Worst first: the exit code of a run over several workbooks is the worst of them.
SEVERITY = [ExitCode.STOPPED_TERM, ExitCode.STOPPED_INT,
            ExitCode.INTERNAL_ERROR, ExitCode.INPUT_UNREADABLE, ExitCode.INVALID_INPUT,
            ExitCode.INFEASIBLE, ExitCode.UNBOUNDED, ExitCode.SOLVER_ERROR,
            ExitCode.TIME_LIMIT_NO_PLAN, ExitCode.CHECK_FAILED, ExitCode.PUBLISH_FAILED,
            ExitCode.TIME_LIMIT_PLAN, ExitCode.OK]


def new_run_id(now: dt.datetime) -> str:
    return f"{now.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


class _RunIdFilter(logging.Filter):
    def __init__(self, run_id: str) -> None:
        super().__init__()
        self.run_id = run_id

    def filter(self, record: logging.LogRecord) -> bool:
        record.run_id = self.run_id
        return True


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps({
            "time": dt.datetime.fromtimestamp(record.created).astimezone().isoformat(),
            "run_id": getattr(record, "run_id", ""), "level": record.levelname,
            "logger": record.name, "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }, ensure_ascii=False, default=str)


def _attach_json_log(config: NightlyConfig, run_id: str) -> logging.Handler:
    config.log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(config.log_dir / "chainopt-nightly.jsonl", encoding="utf-8")
    handler.setFormatter(_JsonLines())
    handler.addFilter(_RunIdFilter(run_id))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return handler


def run_nightly(config: NightlyConfig, argv: list[str] | None = None) -> ExitCode:
    """The whole nightly run; returns the exit code. Never raises for expected failures.

    SIGTERM and SIGINT stop it in order (optimizer/signals.py): the solver process is
    killed, temporary files removed, the run record and the closing log line written and
    the lock released; the exit code is 143 or 130.
    """
    with stop_on_signals():
        try:
            return _run_with_lock(config, argv or sys.argv)
        except Stopped as stop:  # before the lock was taken, or while releasing it
            print(f"chainopt nightly: stopped by {stop.name}", file=sys.stderr)
            return stop.code


def _run_with_lock(config: NightlyConfig, argv: list[str]) -> ExitCode:
    try:
        config.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(config.lock_path), timeout=0)
        lock.acquire()
    except Timeout:
        print(f"chainopt nightly: busy: another run holds {config.lock_path}; retry later",
              file=sys.stderr)
        return ExitCode.BUSY
    except OSError as exc:
        print(f"chainopt nightly: cannot create the lock file: "
              f"{describe_os_error(exc, config.lock_path)}", file=sys.stderr)
        return ExitCode.PUBLISH_FAILED
    try:
        return _locked_run(config, argv)
    finally:
        lock.release()


def _locked_run(config: NightlyConfig, argv: list[str]) -> ExitCode:
    started = dt.datetime.now().astimezone()
    run_id = new_run_id(started)
    try:
        handler: logging.Handler | None = _attach_json_log(config, run_id)
    except OSError as exc:  # the log folder is not writable: say so, carry on on stderr
        log.error("cannot write the JSON log: %s", describe_os_error(exc, config.log_dir))
        handler = None
    run_dir = config.archive_dir / run_id
    record: dict[str, Any] = {
        "run_id": run_id, "start": started.isoformat(), "argv": argv,
        "settings": {k: str(v) if isinstance(v, Path) else v
                     for k, v in asdict(config).items()},
        "versions": package_versions(), "workbooks": [],
    }
    code = ExitCode.INTERNAL_ERROR
    codes: list[ExitCode] = []
    try:
        log.info("nightly run %s started (lock %s)", run_id, config.lock_path)
        _sweep_leftovers(config)
        run_dir.mkdir(parents=True, exist_ok=True)
        workbooks = config.workbooks()
        if not workbooks:
            log.error("no input workbook found in %s", [str(p) for p in config.inputs])
            codes.append(ExitCode.INPUT_UNREADABLE)
        for path in workbooks:
            entry, wb_code = _guarded_workbook(config, path, run_id, run_dir, started)
            entry["exit_code"] = int(wb_code)
            entry["exit_meaning"] = EXIT_CODE_HELP[wb_code]
            record["workbooks"].append(entry)
            codes.append(wb_code)
        code = worst(codes)
        _prune_archive(config, run_id)
    except Stopped as stop:  # SIGTERM or SIGINT: the record and closing line still follow
        log.error("nightly run %s stopped by %s; the solver was stopped and nothing half-"
                  "written was published", run_id, stop.name)
        record["stopped_by"] = stop.name
        code = worst([*codes, stop.code])
    except OSError as exc:  # the archive folder itself cannot be written
        log.error("cannot write %s", describe_os_error(exc, run_dir))
        record["error"] = describe_os_error(exc, run_dir)
        code = worst([*codes, ExitCode.PUBLISH_FAILED])
    except Exception as exc:  # a bug: still leave a record and a clear line
        log.exception("internal error: %s", exc)
        record["error"] = f"{type(exc).__name__}: {exc}"
        code = ExitCode.INTERNAL_ERROR
    finally:
        code = _finish(record, run_dir, run_id, code, handler)
    return code


def worst(codes: list[ExitCode]) -> ExitCode:
    """The exit code of a run over several workbooks: the worst of theirs (SEVERITY)."""
    return min(codes, key=SEVERITY.index) if codes else ExitCode.INTERNAL_ERROR


def _finish(record: dict[str, Any], run_dir: Path, run_id: str, code: ExitCode,
            handler: logging.Handler | None) -> ExitCode:
    """The run record and the closing log line, on every ending (signals ignored while
    they are written, so a second SIGTERM cannot cut them short)."""
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGTERM,
                                                                   signal.SIGINT)} \
        if threading.current_thread() is threading.main_thread() else {}
    try:
        record["end"] = dt.datetime.now().astimezone().isoformat()
        record["outcomes"] = [
            {"input": e.get("input"), "exit_code": e.get("exit_code"),
             "meaning": e.get("exit_meaning"), "status": e.get("status")}
            for e in record["workbooks"]]
        record["exit_code_table"] = {str(int(c)): text for c, text in EXIT_CODE_HELP.items()}
        record["exit_code"] = int(code)
        record["exit_meaning"] = EXIT_CODE_HELP[code]
        try:
            run_dir.mkdir(parents=True, exist_ok=True)
            save_json(run_dir / "run.json", record)
        except OSError as exc:
            log.error("could not write the run record: %s",
                      describe_os_error(exc, run_dir / "run.json"))
            code = worst([code, ExitCode.PUBLISH_FAILED])
        log.info("nightly run %s finished: exit %d (%s)", run_id, int(code),
                 EXIT_CODE_HELP[code])
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
    return code


def _sweep_leftovers(config: NightlyConfig) -> None:
    """Temporary files of killed runs (kill -9 runs no cleanup): ours only, under the lock."""
    folders = [config.output_dir]
    if config.archive_dir.is_dir():
        folders += [p for p in config.archive_dir.iterdir() if RUN_ID.match(p.name)]
    removed = [p for folder in folders for p in sweep_temp_files(folder)]
    removed += sweep_solver_folders()
    for path in removed:
        log.info("removed a temporary file left by an earlier run: %s", path)


def _guarded_workbook(config: NightlyConfig, path: Path, run_id: str, run_dir: Path,
                      started: dt.datetime) -> tuple[dict[str, Any], ExitCode]:
    """One workbook inside its own guard: its failure never stops the others."""
    entry: dict[str, Any] = {"input": str(path)}
    try:
        return _one_workbook(config, path, run_id, run_dir, started, entry)
    except OSError as exc:
        reason = describe_os_error(exc)
        log.error("%s: cannot write %s; latest for it is unchanged", path.name, reason)
        entry.update(published=False, error=reason)
        return entry, ExitCode.PUBLISH_FAILED
    except Exception as exc:  # a bug in one workbook's run: the next workbook still runs
        log.exception("%s: internal error: %s", path.name, exc)
        entry.setdefault("status", "internal error")
        entry["error"] = f"{type(exc).__name__}: {exc}"
        return entry, ExitCode.INTERNAL_ERROR


def _prepare(config: NightlyConfig, previous: dict[str, Any] | None, entry: dict[str, Any]):  # type: ignore[no-untyped-def]
    def prepare(model: pyo.ConcreteModel, data: ChainData) -> None:
        unknown = hold_built(model, config.fixed_lines)
        if unknown:
            log.warning("fixed_lines not among this case's candidate lines (ignored): %s",
                        ", ".join(unknown))
        entry["fixed_lines_unknown"] = unknown
        if config.warm_start and previous and previous.get("variables"):
            values = previous["variables"]
            for var in model.component_data_objects(pyo.Var):
                var.set_value(values.get(var.name, 0.0), skip_validation=True)
            entry["warm_start_offered"] = True
    return prepare


def _one_workbook(config: NightlyConfig, path: Path, run_id: str, run_dir: Path,
                  started: dt.datetime, entry: dict[str, Any]
                  ) -> tuple[dict[str, Any], ExitCode]:
    stem = path.stem
    latest = config.output_dir / f"{stem}-latest.xlsx"
    plan_file = config.output_dir / f".{stem}-latest.plan.json"
    inputs_file = config.output_dir / f".{stem}-latest.inputs.json"
    previous_plan = load_json(plan_file)
    log.info("%s: reading and validating", path.name)
    outcome = solve_workbook(
        path, {"time_limit": config.time_limit, "mip_gap": config.gap,
               "threads": config.threads,
               "warm_start": bool(config.warm_start and previous_plan)},
        progress=lambda phase: log.info("%s: %s", path.name, phase),
        prepare=_prepare(config, previous_plan, entry),
        alternatives=RUN_COUNT, figures="en")  # the same results workbook as `chainopt run`
    entry.update(_describe(outcome))
    for issue in outcome.issues:
        log.log(logging.ERROR if issue.severity.value == "error" else logging.INFO,
                issue.format())
    if outcome.solve is not None:
        (run_dir / f"{stem}.solver.log").write_text(outcome.solve.log, encoding="utf-8")
        log.info("%s: %s (warm start: %s)", path.name, outcome.solve.describe(),
                 outcome.solve.warm_start or "not offered")
    code = outcome.exit_code
    if outcome.results is None or outcome.model is None or outcome.raw is None:
        log.error("%s: nothing new published: %s", path.name, EXIT_CODE_HELP[code])
        return entry, code
    new_inputs = input_snapshot(outcome.raw)
    new_plan = plan_snapshot(outcome.model, outcome.results)
    outcome.changes = compare(load_json(inputs_file), new_inputs, previous_plan, new_plan,
                              config.change_threshold)
    for line in outcome.changes.summary:
        log.info("%s: %s", path.name, line)
    for row in outcome.changes.rows[:200]:
        log.info("%s: change: %s %s[%s].%s %r -> %r", path.name, row["kind"], row["sheet"],
                 row["row_id"], row["column"], row["old"], row["new"])
    entry["changes"] = {"summary": outcome.changes.summary, "count": len(outcome.changes.rows)}
    dated = run_dir / f"{stem}-{started.strftime('%Y%m%d-%H%M%S')}.xlsx"
    written = write_results(dated, outcome, started)
    entry["outputs"] = {"dated": str(written), "dated_sha256": sha256_of(written)}
    log.info("%s: results written to %s", path.name, written)
    if publish_latest(written, latest):
        entry["outputs"]["latest"] = str(latest)
        entry["outputs"]["latest_sha256"] = sha256_of(latest)
        log.info("%s: published %s", path.name, latest)
        save_json(plan_file, new_plan)
        save_json(inputs_file, new_inputs)
    else:
        log.error("%s: could not replace %s (open in another program?); the dated copy %s "
                  "stands", path.name, latest, written)
        code = min(code, ExitCode.PUBLISH_FAILED, key=SEVERITY.index)
    return entry, code


def _describe(outcome: RunOutcome) -> dict[str, Any]:
    solve = outcome.solve
    return {
        "input_sha256": outcome.input_sha256,
        "issues": [i.to_dict() for i in outcome.issues],
        "status": solve.status.value if solve else "not solved",
        "objective": solve.objective if solve else None,
        "bound": solve.bound if solve else None,
        "gap": solve.gap if solve else None,
        "solver": f"{solve.solver} {solve.solver_version}" if solve else None,
        "warm_start": solve.warm_start if solve else None,
        "watchdog_stopped_solver": solve.interrupted_by_watchdog if solve else None,
        "timings": outcome.timings,
        "check_findings": [f.format() for f in outcome.check_findings],
        # the night's key figures, for the run history (chainopt serve)
        "kpis": ({k: v for k, v in outcome.results.kpis.items() if isinstance(v, int | float)}
                 if outcome.results is not None else {}),
    }


def publish_latest(source: Path, latest: Path, retries: int = 3, delay: float = 1.0) -> bool:
    """Copy ``source`` beside ``latest`` and rename it over ``latest``; False if it stays locked.

    The copy is complete and fsynced before the rename, so ``latest`` is always either the
    previous file or the new one, whole.
    """
    latest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{latest.stem}-", suffix=".tmp", dir=latest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(source, tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        for attempt in range(retries):
            try:
                os.replace(tmp, latest)
                return True
            except OSError as exc:
                log.warning("cannot replace %s (%s); retry %d of %d", latest, exc, attempt + 1,
                            retries)
                time.sleep(delay)
        return False
    finally:
        if tmp.exists():
            tmp.unlink()


def _prune_archive(config: NightlyConfig, current: str) -> None:
    """Remove run folders older than archive_days; folders not named like runs are kept."""
    if not config.archive_dir.is_dir():
        return
    cutoff = dt.datetime.now() - dt.timedelta(days=config.archive_days)
    for folder in config.archive_dir.iterdir():
        match = RUN_ID.match(folder.name)
        if not folder.is_dir() or not match or folder.name == current:
            continue
        when = dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
        if when < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            log.info("archive: removed %s (older than %d days)", folder.name,
                     config.archive_days)
