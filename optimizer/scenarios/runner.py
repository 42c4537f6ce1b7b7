"""Solving many scenarios: one pure function per scenario, run serially, on a local process
pool, or on a Dask cluster, unchanged.

``solve_one(job)`` takes a small picklable ``Job`` (where the base case is, its SHA-256,
the overrides) and returns a small ``ScenarioResult`` (status, KPIs, tidy tables); the
model is built inside the worker, never pickled. A failing scenario (invalid after its
changes, infeasible, timed out, a bug) comes back with its reason; it never stops the
others.

Workers pay the imports once: the pool starts its processes from a fork server that has
already imported this module, and each worker warms up the model compiler once in its
initializer. HiGHS runs in the worker with one thread (concurrent HiGHS instances should
share a thread setting, and the parallelism is across scenarios).
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from models.validation.issues import IssueList
from models.validation.raw import RawWorkbook
from optimizer.scenarios.overrides import load_scenario
from optimizer.scenarios.spec import Override

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseRef:
    """Where a worker finds the base tables: the workbook (checked by SHA-256), or the
    tables themselves (for Dask workers on other machines, and cases built in code)."""

    path: str | None
    sha256: str
    raw: RawWorkbook | None = None


@dataclass(frozen=True)
class Job:
    case: CaseRef
    name: str
    overrides: tuple[Override, ...] = ()
    time_limit: float | None = None
    mip_gap: float | None = None
    write_to: str | None = None  # the scenario's full results workbook, when wanted
    lang: str = "en"
    point: tuple[float, ...] = ()  # swept values, for sweeps


@dataclass
class ScenarioResult:
    """What one scenario's solve gives back: small, picklable, no model."""

    name: str
    status: str  # optimal | feasible at the time limit | infeasible | ... | invalid | error
    has_plan: bool = False
    reason: str = ""
    net_value: float | None = None
    kpis: dict[str, Any] = field(default_factory=dict)
    lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    purchases: pd.DataFrame = field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = field(default_factory=pd.DataFrame)
    sales: pd.DataFrame = field(default_factory=pd.DataFrame)
    overrides: tuple[str, ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)
    output: str | None = None
    findings: tuple[str, ...] = ()
    point: tuple[float, ...] = ()
    worker: int = 0

    @property
    def built(self) -> frozenset[str]:
        if self.lines.empty:
            return frozenset()
        return frozenset(self.lines.loc[self.lines.built, "line"])


_CASES: dict[str, RawWorkbook] = {}  # per worker: base tables by SHA-256, read once


def _base_tables(case: CaseRef) -> RawWorkbook:
    if case.raw is not None:
        return case.raw
    cached = _CASES.get(case.sha256)
    if cached is not None:
        return cached
    from optimizer.excel.read import read_workbook
    from optimizer.pipeline import sha256_of

    path = Path(str(case.path))
    if sha256_of(path) != case.sha256:
        raise RuntimeError(f"{path.name} changed while the scenarios ran (SHA-256 differs)")
    raw = read_workbook(path, IssueList(path.name))
    if raw is None:
        raise RuntimeError(f"{path.name} can no longer be read")
    _CASES[case.sha256] = raw
    return raw


TIME_OUT = "time-out"  # the status of a scenario over its whole time limit


class ScenarioTimeout(BaseException):
    """Raised by the watchdog when a scenario's build and solve overrun its time limit.
    Not an Exception: code that catches every Exception (a reader turning any failure into
    "unreadable") must not swallow it."""


def _grace(limit: float) -> float:
    """How long past its limit a scenario may run before the watchdog stops it: HiGHS gets
    only what is left after the build, and may overshoot its own limit a little."""
    return max(0.5, 0.1 * limit)


@contextmanager
def _watchdog(limit: float | None, phase: list[str]) -> Iterator[None]:
    """Stop the scenario (ScenarioTimeout) when validating, building and solving take
    longer than ``limit`` seconds plus a grace. A SIGALRM timer: it works in this
    process's main thread (serial runs, and each pool worker runs its jobs there); in a
    Dask worker's thread or on Windows only HiGHS's own limit applies. The handler raises
    between Python steps, so a solver deep in its own code is stopped when it returns
    (HiGHS gets the time left as its own limit, so it does)."""
    if limit is None or not hasattr(signal, "SIGALRM") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(_signum: int, _frame: object) -> None:
        raise ScenarioTimeout(phase[0])

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(limit + _grace(limit), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def solve_one(job: Job) -> ScenarioResult:
    """Validate, build, solve, extract and check one scenario; never raises."""
    start = time.perf_counter()
    try:
        result = _solve(job)
    except ScenarioTimeout as exc:  # over its whole time limit: recorded, the others go on
        limit = float(job.time_limit or 0.0)
        log.warning("scenario %s: over its time limit of %g s while %s", job.name, limit, exc)
        result = ScenarioResult(job.name, TIME_OUT, reason=(
            f"stopped while {exc}: building and solving took longer than the scenario's "
            f"time limit of {limit:g} s"))
    except Exception as exc:  # a bug or a vanished file: recorded, the others go on
        log.error("scenario %s failed: %s", job.name, exc)
        result = ScenarioResult(job.name, "error", reason=f"{type(exc).__name__}: {exc}",
                                findings=(traceback.format_exc(limit=5),))
    result.overrides = tuple(o.describe() for o in job.overrides)
    result.point = job.point
    result.seconds["total"] = time.perf_counter() - start
    result.worker = os.getpid()
    return result


def _solve(job: Job) -> ScenarioResult:
    from models.chain.checks import check_solution
    from models.chain.formulation import build_model
    from models.chain.results import extract_results
    from optimizer.solve import SolveSettings, solve_in_process

    seconds: dict[str, float] = {}
    raw = _base_tables(job.case)  # read once per worker: not the scenario's time
    started = t0 = time.perf_counter()
    phase = ["validating"]
    with _watchdog(job.time_limit, phase):
        issues = IssueList(Path(job.case.path).name if job.case.path else "case")
        data = load_scenario(raw, job.overrides, job.name, issues)
        seconds["validate"] = time.perf_counter() - t0
        if data is not None:
            phase[0] = "building the model"
            t0 = time.perf_counter()
            model = build_model(data)
            seconds["build"] = time.perf_counter() - t0
            # the limit covers build and solve: HiGHS gets what the build left of it
            left = None if job.time_limit is None else \
                job.time_limit - (time.perf_counter() - started)
            if left is not None and left <= 0:
                raise ScenarioTimeout(phase[0])
            settings = SolveSettings(
                time_limit=left if left is not None else data.time_limit,
                mip_gap=job.mip_gap if job.mip_gap is not None else data.mip_gap, threads=1)
            phase[0] = "solving"
            solved = solve_in_process(model, settings)
    if data is None:
        first = issues.errors[:3]
        more = len(issues.errors) - len(first)
        reason = "; ".join(i.format() for i in first) + (f"; and {more} more" if more else "")
        return ScenarioResult(job.name, "invalid", reason=reason, seconds=seconds)
    seconds["solve"] = solved.seconds
    seconds["solver"] = solved.seconds_solver
    seconds["handoff"] = solved.seconds_handoff
    if not solved.status.has_plan:
        return ScenarioResult(job.name, solved.status.value, reason=solved.describe(),
                              seconds=seconds)
    t0 = time.perf_counter()
    results = extract_results(model, data)
    findings = check_solution(data, results, solved.objective)
    seconds["extract"] = time.perf_counter() - t0
    out = ScenarioResult(
        job.name, solved.status.value, has_plan=True,
        reason="" if solved.status.value == "optimal" else solved.describe(),
        net_value=solved.objective, kpis=dict(results.kpis),
        lines=results.lines[["line", "site", "technology", "built", "build_period"]]
        .reset_index(drop=True),
        purchases=_last(results.purchases, data, ["source", "material", "tonnes"]),
        flows=_last(results.flows, data, ["lane", "origin", "destination", "material",
                                          "tonnes"]),
        sales=_last(results.sales, data, ["market", "material", "tonnes"]),
        seconds=seconds, findings=tuple(f.format() for f in findings))
    out.kpis["gap"] = solved.gap
    if job.write_to:
        t0 = time.perf_counter()
        out.output = str(_write_full(job, raw, data, model, solved, results, findings,
                                     settings, issues, seconds))
        seconds["write"] = time.perf_counter() - t0
    return out


def _last(df: pd.DataFrame, data: Any, columns: list[str]) -> pd.DataFrame:
    """The last period's rows, only the columns a comparison needs."""
    if df.empty:
        return pd.DataFrame(columns=columns)
    return df.loc[df.period == data.last_period, columns].reset_index(drop=True)


def _write_full(job: Job, raw: RawWorkbook, data: Any, model: Any, solved: Any,
                results: Any, findings: Any, settings: Any, issues: IssueList,
                seconds: dict[str, float]) -> Path:
    """The scenario's own results workbook, as `chainopt run` writes it."""
    import datetime as dt

    from optimizer.excel.write import write_results
    from optimizer.pipeline import RunOutcome
    from optimizer.solve import marginal_values

    outcome = RunOutcome(input_path=Path(job.case.path or f"{job.name}.xlsx"),
                         input_sha256=job.case.sha256, issues=issues, data=data, model=model,
                         solve=solved, results=results, check_findings=list(findings),
                         timings=dict(seconds), settings=settings, readable=True, raw=raw)
    lp = marginal_values(model, settings)
    from optimizer.explain import explain_plan

    budget = min(60.0, max(5.0, 3 * solved.seconds))
    explain_plan(model, data, results, settings, lp=lp, time_budget=budget)
    return write_results(Path(job.write_to or ""), outcome, dt.datetime.now().astimezone(),
                         lang=job.lang)


# ---- runners --------------------------------------------------------------------------

OnResult = Callable[[ScenarioResult], None]


class Interrupted(Exception):
    """Ctrl-C: ``results`` holds what finished before it."""

    def __init__(self, results: list[ScenarioResult]) -> None:
        super().__init__("interrupted")
        self.results = results


def init_worker() -> None:
    """Once per worker: ignore Ctrl-C (the parent decides), pay the imports and warm up
    the model compiler, so that no scenario pays them."""
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("pyomo").setLevel(logging.WARNING)
    _warm_up()
    _freeze()


def _freeze() -> None:
    """Move everything imported so far out of the garbage collector's sight.

    Each scenario's Pyomo model dies as a web of reference cycles, which only a full
    collection frees; such a collection also walks every object the imports made
    (~140,000), which took 0.28 s of the ~0.3 s it cost per scenario. Frozen, the walk
    covers the new objects only (0.01 s). Only in worker processes: objects frozen here
    are never freed, which is right for modules and wrong for a user's notebook.
    """
    gc.collect()
    gc.freeze()


def _warm_dask_worker() -> None:
    _warm_up()
    _freeze()


def _warm_up() -> None:
    import pyomo.core as pyo

    from models.chain import checks, formulation, results  # noqa: F401
    from optimizer.solve import SolveSettings, solve_in_process

    m = pyo.ConcreteModel()
    m.x = pyo.Var(domain=pyo.Binary)
    m.y = pyo.Var(bounds=(0, 1))
    m.c = pyo.Constraint(expr=m.y <= m.x)
    m.o = pyo.Objective(expr=m.y - 0.5 * m.x, sense=pyo.maximize)
    solve_in_process(m, SolveSettings(threads=1, time_limit=10))


def _pool_context() -> multiprocessing.context.BaseContext:
    """A fork server that has imported the solver code (fast, safe with threads) where the
    platform has one; else spawn (Windows, macOS defaults)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # pyomo defers scipy.sparse to the compiler's first use: import it here, once
        ctx.set_forkserver_preload(["optimizer.scenarios.runner", "pyomo.core",
                                    "scipy.sparse", "optimizer.solve",
                                    "models.chain.formulation", "models.chain.results",
                                    "models.chain.checks"])
        return ctx
    return multiprocessing.get_context("spawn")


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Runner:
    """A pool of workers (or a Dask client) kept open across several batches of jobs, so
    that a sweep's bisection rounds reuse warm workers. Use as a context manager."""

    def __init__(self, workers: int | None = None, dask: str | bool | None = None) -> None:
        self.workers = workers or default_workers()
        self.dask = dask
        self._executor: cf.ProcessPoolExecutor | None = None
        self._client: Any = None
        self._cluster: Any = None
        self._tables: dict[str, RawWorkbook] = {}

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def run(self, jobs: Iterable[Job], on_result: OnResult | None = None
            ) -> list[ScenarioResult]:
        """Every job's result, in the order given. Raises Interrupted on Ctrl-C with the
        results that finished (the pool is stopped then)."""
        jobs = list(jobs)
        done: dict[int, ScenarioResult] = {}
        try:
            if self.dask:
                iterator = self._dask(self._with_tables(jobs))
            elif self.workers <= 1 or (len(jobs) <= 1 and self._executor is None):
                iterator = _serial(jobs)
            else:
                iterator = self._pool(jobs)
            for index, result in iterator:
                done[index] = result
                if on_result is not None:
                    on_result(result)
        except KeyboardInterrupt:
            self._abort()
            raise Interrupted([done[i] for i in sorted(done)]) from None
        return [done[i] for i in range(len(jobs))]

    def _with_tables(self, jobs: list[Job]) -> list[Job]:
        """Dask workers may be on other machines: send the tables, not the file's path."""
        out = []
        for job in jobs:
            if job.case.raw is None:
                if job.case.sha256 not in self._tables:
                    self._tables[job.case.sha256] = _base_tables(job.case)
                job = replace(job, case=replace(job.case, raw=self._tables[job.case.sha256]))
            out.append(job)
        return out

    def _pool(self, jobs: list[Job]) -> Iterator[tuple[int, ScenarioResult]]:
        if self._executor is None:
            self._executor = cf.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=_pool_context(), initializer=init_worker)
        futures = {self._executor.submit(solve_one, job): i for i, job in enumerate(jobs)}
        for future in cf.as_completed(futures):
            index = futures[future]
            try:
                yield index, future.result()
            except Exception as exc:  # the worker died (killed, out of memory)
                yield index, _failed(jobs[index], f"the worker process failed: {exc}")

    def _dask(self, jobs: list[Job]) -> Iterator[tuple[int, ScenarioResult]]:
        try:
            from dask.distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise RuntimeError("Dask is not installed: pip install 'chainopt[dask]'") from exc
        if self._client is None:
            if self.dask is True:
                self._cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                             processes=True, dashboard_address=None)
                self._client = Client(self._cluster)
            else:
                self._client = Client(str(self.dask))
            self._client.run(_warm_dask_worker)
        futures = self._client.map(solve_one, jobs, pure=False, retries=1)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            i = index[future.key]
            try:
                yield i, future.result()
            except Exception as exc:
                yield i, _failed(jobs[i], f"the Dask task failed: {exc}")

    def _abort(self) -> None:
        """Cancel what has not started and end the workers now (their scenarios are lost)."""
        if self._executor is not None:
            executor, self._executor = self._executor, None
            executor.shutdown(wait=False, cancel_futures=True)
            processes = getattr(executor, "_processes", None) or {}  # no public handle
            for process in list(processes.values()):
                if process.is_alive():
                    process.terminate()
            for process in list(processes.values()):
                process.join(timeout=5)
        self.close()


def run_jobs(jobs: Iterable[Job], workers: int | None = None, dask: str | bool | None = None,
             on_result: OnResult | None = None) -> list[ScenarioResult]:
    """Every job's result, in the order given, on a pool started for them (see Runner).

    ``workers``: processes (default: the number of cores; 1 solves in this process).
    ``dask``: True for a LocalCluster of ``workers`` processes, or a scheduler address.
    """
    with Runner(workers, dask) as runner:
        return runner.run(jobs, on_result)


def _failed(job: Job, reason: str) -> ScenarioResult:
    return ScenarioResult(job.name, "error", reason=reason, point=job.point,
                          overrides=tuple(o.describe() for o in job.overrides))


def _serial(jobs: list[Job]) -> Iterator[tuple[int, ScenarioResult]]:
    for index, job in enumerate(jobs):
        yield index, solve_one(job)
