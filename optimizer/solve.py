"""The only module that talks to a solver: Pyomo model -> matrices -> HiGHS (highspy).

The model is compiled once with Pyomo's LinearStandardFormCompiler (mixed form: rows keep
their own <=, >=, ==) and passed to highspy as arrays, the fastest measured route from
Pyomo to HiGHS (../shared/design/tech-notes.md). Holding the Highs object ourselves gives:

- a time limit that holds: HiGHS's own limit is soft (a 10 s limit overran to 31-45 s
  inside one root cut round), so a watchdog timer cancels the solve through highspy's
  user-interrupt callbacks at the limit; the best plan found so far is kept;
- progress (incumbent, bound, gap, elapsed) from the MIP callbacks;
- the solver log, captured for the run record;
- warm starts: the values already on the variables (e.g. last night's plan, matched by
  the variables' stable names) are offered with setSolution, and the log says whether
  HiGHS accepted them;
- marginal values: the same Highs object re-solved as an LP with every integer column
  held at its value in the plan.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

log = logging.getLogger(__name__)
SOLVER_NAME = "highs"
_SESSION_ATTR = "_chainopt_highs_session"

Progress = Callable[["SolveProgress"], None]


class SolveStatus(Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible at the time limit"
    NO_SOLUTION = "no plan found in the time allowed"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "solver error"

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class SolveSettings:
    time_limit: float = 600.0
    mip_gap: float = 1e-4
    threads: int = 0  # 0: let HiGHS choose
    tee: bool = False  # echo the solver log to stderr
    warm_start: bool = False  # offer the variables' current values as a starting plan
    # seconds past time_limit before the watchdog cancels; HiGHS's own limit is tried first
    grace: float = 0.0


@dataclass(frozen=True)
class SolveProgress:
    elapsed: float
    incumbent: float | None
    bound: float | None
    gap: float | None


@dataclass
class SolveResult:
    status: SolveStatus
    objective: float | None
    bound: float | None
    gap: float | None  # relative: |bound - objective| / max(|objective|, |bound|)
    seconds: float
    solver: str
    solver_version: str
    termination: str
    log: str = ""
    reasons: list[str] = field(default_factory=list)  # why there is no plan, in words
    interrupted_by_watchdog: bool = False
    warm_start: str = ""  # "", "accepted", "rejected", "not offered (...)"
    duals: dict[str, dict[object, float]] = field(default_factory=dict)
    reduced_costs: dict[str, dict[object, float]] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)  # columns, rows, nonzeros, integers
    seconds_handoff: float = 0.0  # compiling the model and passing it to HiGHS
    seconds_solver: float = 0.0  # HiGHS itself (the time limit and the watchdog apply here)

    def describe(self) -> str:
        """The status in words, as a reader of the results needs it."""
        if self.status is SolveStatus.OPTIMAL:
            return "Optimal: no better plan exists (within the gap tolerance)."
        if self.status is SolveStatus.FEASIBLE and self.gap is not None:
            return (f"Best plan found in the time allowed, at most {100 * self.gap:.2f} % "
                    "below the best possible.")
        text = self.status.value.capitalize() + "."
        if self.reasons:
            text += " " + "; ".join(self.reasons) + "."
        return text


def new_highs() -> highspy.Highs:
    """A Highs object, without the banner HiGHS prints on stdout when it is created.

    The banner is written by C code, so Python's sys.stdout redirection cannot catch it;
    file descriptor 1 is pointed at /dev/null for the moment of construction.
    """
    try:
        saved = os.dup(1)
    except OSError:  # no stdout at all (a detached service): nothing to protect
        return highspy.Highs()
    try:
        sys.stdout.flush()
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            try:
                return highspy.Highs()
            finally:
                os.dup2(saved, 1)
    finally:
        os.close(saved)


@functools.cache
def solver_version() -> str:
    h = new_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def _relative_gap(objective: float | None, bound: float | None) -> float | None:
    """How far the plan may be below the best possible, as a share of the larger of the two
    (so a plan worth 0 against a positive bound reads as 100 %, not infinity)."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(bound - objective) / max(abs(objective), abs(bound), 1e-9)


class _Session:
    """A compiled model in a Highs object, kept on the Pyomo model for re-solves."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        with PauseGC():
            info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
        if len(info.objectives) != 1:
            raise ValueError("the model must have exactly one active objective")
        self.columns = info.columns
        self.rows = info.rows
        self.maximize = info.objectives[0].sense == pyo.maximize
        n, m = len(info.columns), len(info.rows)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = np.asarray(info.c.toarray()[0] if n else np.zeros(0), dtype=float)
        lp.offset_ = float(info.c_offset[0]) if len(info.c_offset) else 0.0
        lp.sense_ = highspy.ObjSense.kMaximize if self.maximize else highspy.ObjSense.kMinimize
        inf = highspy.kHighsInf
        self.col_lower = np.array([-inf if v.lb is None else v.lb for v in info.columns], float)
        self.col_upper = np.array([inf if v.ub is None else v.ub for v in info.columns], float)
        lp.col_lower_, lp.col_upper_ = self.col_lower, self.col_upper
        rhs = np.asarray(info.rhs, dtype=float)
        senses = np.array([s for _, s in info.rows], dtype=int)
        lp.row_lower_ = np.where(senses == 1, -inf, rhs)
        lp.row_upper_ = np.where(senses == -1, inf, rhs)
        A = info.A.tocsc()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr
        lp.a_matrix_.index_ = A.indices
        lp.a_matrix_.value_ = A.data
        self.integer = np.array([v.is_integer() for v in info.columns], dtype=bool)
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else
                           highspy.HighsVarType.kContinuous for i in self.integer]
        self.size = {"columns": n, "rows": m, "nonzeros": int(A.nnz),
                     "integers": int(self.integer.sum())}
        self.highs = new_highs()
        self.highs.setOptionValue("output_flag", True)
        self.highs.setOptionValue("log_to_console", False)
        self.lines: list[str] = []
        self.highs.cbLogging += lambda e: self.lines.append(e.message)
        self.highs.passModel(lp)
        self.lp = lp

    def objective_value(self) -> float:
        return float(self.highs.getInfo().objective_function_value)


def _session(model: pyo.ConcreteModel, fresh: bool = False) -> _Session:
    existing = getattr(model, _SESSION_ATTR, None)
    if existing is None or fresh:
        existing = _Session(model)
        object.__setattr__(model, _SESSION_ATTR, existing)
    return existing  # type: ignore[no-any-return]


def solve_model(model: pyo.ConcreteModel, settings: SolveSettings,
                progress: Progress | None = None) -> SolveResult:
    """Solve; load the best plan found into the model's variables when there is one."""
    violated = list(getattr(model, "constant_violations", []))
    if violated:  # limits that no plan can meet, found while building: no solve needed
        return SolveResult(SolveStatus.INFEASIBLE, None, None, None, 0.0, SOLVER_NAME,
                           solver_version(), "infeasible limits found while building",
                           reasons=violated)
    start = time.perf_counter()
    try:
        session = _session(model, fresh=True)
    except Exception as exc:  # a model the compiler cannot take is a bug, reported as such
        log.exception("could not pass the model to HiGHS")
        return SolveResult(SolveStatus.ERROR, None, None, None, time.perf_counter() - start,
                           SOLVER_NAME, solver_version(), f"compile failed: {exc}")
    h = session.highs
    handoff = time.perf_counter() - start
    _apply_settings(h, settings)
    warm = _offer_warm_start(session) if settings.warm_start else ""
    run_start = time.perf_counter()
    status, watchdog = _run(session, settings, progress)
    solver_seconds = time.perf_counter() - run_start
    if status is SolveStatus.INFEASIBLE and h.getModelStatus() == \
            highspy.HighsModelStatus.kUnboundedOrInfeasible:
        status = _infeasible_or_unbounded(session, settings)
    objective = bound = None
    if status.has_plan:
        _load(session)
        objective = float(pyo.value(_objective(model)))
        bound = _bound(session, status, objective)
    log_text = "\n".join(session.lines)
    if warm:
        warm = _warm_start_verdict(log_text, warm)
    return SolveResult(
        status, objective, bound, _relative_gap(objective, bound),
        time.perf_counter() - start, SOLVER_NAME, solver_version(),
        h.modelStatusToString(h.getModelStatus()), log_text,
        interrupted_by_watchdog=watchdog, warm_start=warm, size=session.size,
        seconds_handoff=handoff, seconds_solver=solver_seconds)


def _apply_settings(h: highspy.Highs, settings: SolveSettings) -> None:
    h.setOptionValue("time_limit", float(settings.time_limit))
    h.setOptionValue("mip_rel_gap", float(settings.mip_gap))
    if settings.threads:
        h.setOptionValue("threads", int(settings.threads))
    h.setOptionValue("log_to_console", bool(settings.tee))


def _run(session: _Session, settings: SolveSettings,
         progress: Progress | None) -> tuple[SolveStatus, bool]:
    """Run HiGHS under a watchdog that cancels it at the time limit (plus grace)."""
    h = session.highs
    h.HandleUserInterrupt = True
    fired = threading.Event()

    def cancel() -> None:
        fired.set()
        h.cancelSolve()

    timer = threading.Timer(max(settings.time_limit + settings.grace, 0.0), cancel)
    timer.daemon = True
    last = [0.0]
    started = time.perf_counter()

    def report(e: Any) -> None:
        now = time.perf_counter()
        if progress is None or now - last[0] < 0.5:
            return
        last[0] = now
        out = e.data_out
        inc = out.mip_primal_bound if math.isfinite(out.mip_primal_bound) else None
        bnd = out.mip_dual_bound if math.isfinite(out.mip_dual_bound) else None
        progress(SolveProgress(now - started, inc, bnd, _relative_gap(inc, bnd)))

    if progress is not None:
        h.cbMipInterrupt += report
        h.cbMipImprovingSolution += report
    timer.start()
    try:
        h.run()
    finally:
        timer.cancel()
        if progress is not None:
            h.cbMipInterrupt -= report
            h.cbMipImprovingSolution -= report
        h.HandleUserInterrupt = False
    return _status(h), fired.is_set()


def _status(h: highspy.Highs) -> SolveStatus:
    ms = h.getModelStatus()
    S = highspy.HighsModelStatus
    has_plan = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if ms == S.kOptimal:
        return SolveStatus.OPTIMAL
    if ms in (S.kTimeLimit, S.kInterrupt, S.kIterationLimit,
              S.kSolutionLimit, S.kObjectiveBound, S.kObjectiveTarget, S.kMemoryLimit):
        return SolveStatus.FEASIBLE if has_plan else SolveStatus.NO_SOLUTION
    if ms in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return SolveStatus.INFEASIBLE
    if ms == S.kUnbounded:
        return SolveStatus.UNBOUNDED
    if ms == S.kModelEmpty:
        return SolveStatus.OPTIMAL
    return SolveStatus.ERROR


def _infeasible_or_unbounded(session: _Session, settings: SolveSettings) -> SolveStatus:
    """HiGHS's presolve may not tell which; a zero objective does: feasible means unbounded."""
    h = session.highs
    n = session.size["columns"]
    idx = np.arange(n, dtype=np.int32)
    h.changeColsCost(n, idx, np.zeros(n))
    try:
        _run(session, settings, None)
        feasible = h.getInfo().primal_solution_status == 2
        return SolveStatus.UNBOUNDED if feasible else SolveStatus.INFEASIBLE
    finally:
        h.changeColsCost(n, idx, np.asarray(session.lp.col_cost_, dtype=float))


def _bound(session: _Session, status: SolveStatus, objective: float) -> float | None:
    if not session.size["integers"]:
        return objective if status is SolveStatus.OPTIMAL else None
    bound = float(session.highs.getInfo().mip_dual_bound)
    if status is SolveStatus.OPTIMAL and not math.isfinite(bound):
        return objective
    return bound if math.isfinite(bound) else None


def _load(session: _Session) -> None:
    values = session.highs.getSolution().col_value
    for var, value in zip(session.columns, values, strict=True):
        if var.is_integer():
            value = round(value)
        var.set_value(value, skip_validation=True)


def _offer_warm_start(session: _Session) -> str:
    values = [v.value for v in session.columns]
    if not session.columns or any(v is None for v in values):
        missing = sum(v is None for v in values)
        return f"not offered ({missing} of {len(values)} variables have no previous value)"
    sol = highspy.HighsSolution()
    sol.col_value = np.asarray(values, dtype=float)
    sol.value_valid = True
    session.highs.setSolution(sol)
    return "offered"


def _warm_start_verdict(log_text: str, offered: str) -> str:
    if offered != "offered":
        return offered
    text = log_text.lower()
    if "start solution is feasible" in text or "mip start solution is feasible" in text:
        return "accepted"
    if "infeasible" in text and "start" in text:
        return "rejected (not feasible for tonight's data)"
    return "offered (the log does not say whether HiGHS used it)"


def _objective(model: pyo.ConcreteModel) -> pyo.Objective:
    return next(model.component_data_objects(pyo.Objective, active=True))


def marginal_values(model: pyo.ConcreteModel, settings: SolveSettings) -> SolveResult:
    """Duals and reduced costs of the LP with every integer column held at its plan value.

    Uses the Highs object of the last solve (compiling anew only if there is none): the
    integer columns become continuous with lower = upper = the rounded plan value, the
    LP is solved, and the duals are mapped back to constraint names and indices; then the
    columns are restored. Returns ``duals`` by constraint name and ``reduced_costs`` by
    variable name; the Pyomo variables keep the plan's values.
    """
    session = _session(model)
    h = session.highs
    ints = np.flatnonzero(session.integer).astype(np.int32)
    plan = np.array([round(session.columns[i].value or 0.0) for i in ints], dtype=float)
    start = time.perf_counter()
    cont = highspy.HighsVarType.kContinuous
    if len(ints):
        h.changeColsIntegrality(len(ints), ints, np.array([cont] * len(ints)))
        h.changeColsBounds(len(ints), ints, plan, plan)
    try:
        _apply_settings(h, settings)
        status, _ = _run(session, settings, None)
        duals: dict[str, dict[object, float]] = {}
        reduced: dict[str, dict[object, float]] = {}
        objective = None
        if status is SolveStatus.OPTIMAL:
            sol = h.getSolution()
            for (con, _sense), value in zip(session.rows, sol.row_dual, strict=True):
                by_index = duals.setdefault(con.parent_component().name, {})
                by_index[con.index()] = by_index.get(con.index(), 0.0) + float(value)
            for var, value in zip(session.columns, sol.col_dual, strict=True):
                reduced.setdefault(var.parent_component().name, {})[var.index()] = float(value)
            objective = session.objective_value()
        return SolveResult(status, objective, objective, 0.0, time.perf_counter() - start,
                           SOLVER_NAME, solver_version(), h.modelStatusToString(
                               h.getModelStatus()), duals=duals, reduced_costs=reduced)
    finally:
        if len(ints):
            integer = highspy.HighsVarType.kInteger
            h.changeColsIntegrality(len(ints), ints, np.array([integer] * len(ints)))
            h.changeColsBounds(len(ints), ints, session.col_lower[ints],
                               session.col_upper[ints])


def write_model_file(model: pyo.ConcreteModel, path: Path) -> Path:
    """Write exactly the model HiGHS solves (MPS or LP, by suffix), for HiGHS-alone benchmarks."""
    _session(model).highs.writeModel(str(path))
    return path
