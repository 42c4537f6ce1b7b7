"""The only module that talks to a solver: Pyomo model -> matrices -> HiGHS (highspy).

The model is compiled once with Pyomo's LinearStandardFormCompiler (mixed form: rows keep
their own <=, >=, ==) and passed to highspy as arrays, the fastest measured route from
Pyomo to HiGHS (../shared/design/tech-notes.md). The MILP runs in a child process
(optimizer/_highs_child.py) that streams back its log, progress and improving plans:

- a time limit that holds: HiGHS's own limit is soft (measured here: 10 s became 23 s on
  5,000 lines x 12 periods; the cooperative interrupt callback did not help, HiGHS was in
  a phase that does not check it), so at the limit the child is asked to stop, and after
  a grace period it is killed; the last plan it reported is kept, flagged with its gap;
- progress (incumbent, bound, gap, elapsed) from the MIP callbacks;
- the solver log, captured for the run record;
- warm starts: the values already on the variables (e.g. last night's plan, matched by
  the variables' stable names) are offered with setSolution, and the log says whether
  HiGHS accepted them;
- marginal values: an in-process Highs re-solves the LP with every integer column held
  at its value in the plan.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.plugins import standard_form
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

from models.chain.formulation import VALID_INEQUALITIES
from optimizer._highs_child import PREFIX, ModelArrays, make_highs, quiet_highs, save_arrays
from optimizer.lean_imports import unhook_pyomo_import_finalizers

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
    # seconds after the time limit before the watchdog kills a solver that has not stopped;
    # 0: 10 % of the limit, at least 2 s and at most 30 s
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
    warnings: list[str] = field(default_factory=list)  # badly scaled numbers, in words

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
    """A Highs object without the banner HiGHS prints on stdout (see _highs_child)."""
    sys.stdout.flush()
    return quiet_highs()


@functools.cache
def _reference_highs() -> highspy.Highs:
    return new_highs()


def solver_version() -> str:
    h = _reference_highs()
    return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"


def _status_text(model_status: int) -> str:
    return str(_reference_highs().modelStatusToString(highspy.HighsModelStatus(model_status)))


def _compile_with_scipy_sparse_only() -> None:
    """Give Pyomo's standard-form compiler the scipy.sparse array types directly.

    Left alone, the compiler reaches scipy through Pyomo's deferred import, whose finalizer
    imports scipy.stats, scipy.integrate and scipy.spatial as well (see
    optimizer/lean_imports.py): 1.5-2.5 s on the first solve of every process, for modules
    nothing here uses. The compiler exposes these three hooks as class attributes for
    exactly this purpose.
    """
    impl = getattr(standard_form, "_LinearStandardFormCompiler_impl", None)
    if impl is None or getattr(impl, "_to_vector", "missing") is not None:
        return  # already set (by us or by Pyomo itself), or not the compiler we know
    unhook_pyomo_import_finalizers()
    import scipy.sparse

    impl._to_vector = np.fromiter
    impl._csc_matrix = scipy.sparse.csc_array
    impl._csr_matrix = scipy.sparse.csr_array


_compile_with_scipy_sparse_only()


def _relative_gap(objective: float | None, bound: float | None) -> float | None:
    """How far the plan may be below the best possible, as a share of the larger of the two
    (so a plan worth 0 against a positive bound reads as 100 %, not infinity)."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(bound - objective) / max(abs(objective), abs(bound), 1e-9)


class _Session:
    """The model compiled to arrays; kept on the Pyomo model for re-solves."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        with PauseGC():
            info = LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)
        if len(info.objectives) != 1:
            raise ValueError("the model must have exactly one active objective")
        self.columns = info.columns
        self.rows = info.rows
        n = len(info.columns)
        inf = highspy.kHighsInf
        rhs = np.asarray(info.rhs, dtype=float)
        senses = np.array([s for _, s in info.rows], dtype=int)
        A = info.A.tocsc()
        self.arrays = ModelArrays(
            cost=np.asarray(info.c.toarray()[0] if n else np.zeros(0), dtype=float),
            offset=float(info.c_offset[0]) if len(info.c_offset) else 0.0,
            maximize=info.objectives[0].sense == pyo.maximize,
            col_lower=np.array([-inf if v.lb is None else v.lb for v in info.columns], float),
            col_upper=np.array([inf if v.ub is None else v.ub for v in info.columns], float),
            row_lower=np.where(senses == 1, -inf, rhs),
            row_upper=np.where(senses == -1, inf, rhs),
            a_start=np.asarray(A.indptr, dtype=np.int32),
            a_index=np.asarray(A.indices, dtype=np.int32),
            a_value=np.asarray(A.data, dtype=float),
            integer=np.array([v.is_integer() for v in info.columns], dtype=bool),
        )
        self.size = {"columns": n, "rows": len(info.rows), "nonzeros": int(A.nnz),
                     "integers": int(self.arrays.integer.sum())}
        self._highs: highspy.Highs | None = None

    @property
    def highs(self) -> highspy.Highs:
        """An in-process Highs with the model, for LP re-solves and exports."""
        if self._highs is None:
            self._highs = make_highs(self.arrays)
        return self._highs


def _session(model: pyo.ConcreteModel, fresh: bool = False) -> _Session:
    existing = getattr(model, _SESSION_ATTR, None)
    if existing is None or fresh:
        existing = _Session(model)
        object.__setattr__(model, _SESSION_ATTR, existing)
    return existing  # type: ignore[no-any-return]


@dataclass
class _ChildResult:
    model_status: int | None = None  # None: the child was killed or died
    has_plan: bool = False
    objective: float | None = None
    bound: float | None = None
    values: np.ndarray | None = None
    log: list[str] = field(default_factory=list)
    cancelled: bool = False
    killed: bool = False
    final: bool = False  # the process ended normally with a plan


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
    handoff = time.perf_counter() - start
    warnings = scaling_warnings(session.arrays)
    for text in warnings:
        log.warning("%s", text)
    warm, warm_note = _warm_values(session) if settings.warm_start else (None, "")
    run_start = time.perf_counter()
    child = _run_child(session, settings, progress, warm)
    solver_seconds = time.perf_counter() - run_start
    status = _status(child)
    if child.model_status == int(highspy.HighsModelStatus.kUnboundedOrInfeasible):
        probe = _run_child(session, settings, None, None, zero_cost=True)
        status = SolveStatus.UNBOUNDED if probe.has_plan else SolveStatus.INFEASIBLE
    reasons: list[str] = []
    objective = bound = None
    if status.has_plan and child.values is not None:
        if not np.all(np.isfinite(child.values)) or (
                child.objective is not None and not math.isfinite(child.objective)):
            status, reasons = SolveStatus.ERROR, [NON_FINITE]
        else:
            _load(session, child.values)
            objective = float(pyo.value(_objective(model)))
            if not math.isfinite(objective):
                status, reasons, objective = SolveStatus.ERROR, [NON_FINITE], None
            else:
                bound = _bound(session, status, objective, child.bound)
    if status is SolveStatus.UNBOUNDED:
        reasons = unbounded_directions(session)
    log_text = "\n".join(child.log)
    termination = ("killed by the watchdog after the time limit" if child.killed else
                   _status_text(child.model_status) if child.model_status is not None else
                   "solver process ended without a result")
    return SolveResult(
        status, objective, bound, _relative_gap(objective, bound),
        time.perf_counter() - start, SOLVER_NAME, solver_version(), termination, log_text,
        reasons=reasons, interrupted_by_watchdog=child.cancelled, warnings=warnings,
        warm_start=_warm_start_verdict(log_text, warm_note) if warm_note else "",
        size=session.size, seconds_handoff=handoff, seconds_solver=solver_seconds)


NON_FINITE = ("The solver returned a plan with an infinite or undefined value; it is not "
              "reported as a plan (check the input for absurd magnitudes)")
# Badly scaled models: HiGHS reports the ranges of its matrix, costs, bounds and
# right-hand sides in its log and struggles when they are huge or span many orders of
# magnitude. Past these, a warning names the range (README, "Numbers chainopt accepts").
LARGE_VALUE = 1e9
LARGE_COST = 1e10
WIDE_SPAN = 1e9


def _range(values: np.ndarray) -> tuple[float, float] | None:
    finite = np.abs(values[np.isfinite(values)])
    finite = finite[finite > 0]
    return (float(finite.min()), float(finite.max())) if len(finite) else None


def scaling_warnings(a: ModelArrays) -> list[str]:
    """Ranges of the model's numbers that make HiGHS's work unreliable, in words."""
    out: list[str] = []
    parts = (("matrix coefficients", a.a_value, LARGE_VALUE),
             ("objective coefficients (costs and prices over the periods)", a.cost,
              LARGE_COST),
             ("variable bounds", np.concatenate([a.col_lower, a.col_upper]), LARGE_VALUE),
             ("limits (right-hand sides)", np.concatenate([a.row_lower, a.row_upper]),
              LARGE_VALUE))
    for what, values, large in parts:
        found = _range(values)
        if found is None:
            continue
        low, high = found
        if high >= large:
            out.append(f"The model is badly scaled: {what} reach {high:.3g} (above "
                       f"{large:.0e}); the solver may be slow or inaccurate. Check the units "
                       "of the largest numbers in the workbook.")
        elif what == "matrix coefficients" and high / low >= WIDE_SPAN:
            out.append(f"The model is badly scaled: {what} range from {low:.3g} to "
                       f"{high:.3g} (a span above {WIDE_SPAN:.0e}); the solver may be "
                       "inaccurate. Check yields, shares and volume factors for typos.")
    return out


def unbounded_directions(session: _Session, most: int = 4) -> list[str]:
    """What lets net value grow without limit, named by offer, market, lane or line.

    The LP relaxation is solved without presolve so that HiGHS can return a primal ray:
    a direction in which every limit keeps holding and net value keeps growing. Its
    largest components are the purchases, sales, flows or lines that need a limit.
    """
    h = make_highs(session.arrays, relax_integers=True)
    h.setOptionValue("presolve", "off")
    h.setOptionValue("allow_unbounded_or_infeasible", False)
    try:
        h.run()
        _status_code, has_ray, ray = h.getPrimalRay()  # type: ignore[attr-defined]
    except Exception:  # no ray to show: the exit code and its meaning still stand
        log.debug("no primal ray", exc_info=True)
        return []
    if not has_ray:
        return []
    ray = np.abs(np.asarray(ray, dtype=float))
    order = np.argsort(-ray)
    named: list[str] = []
    for i in order:
        if ray[i] <= 1e-9 or len(named) >= most:
            break
        text = _describe_column(session.columns[i])
        if text not in named:
            named.append(text)
    if not named:
        return []
    return ["Net value can grow without limit through " + ", ".join(named)
            + ": give one of them a limit (availability, sales_max or capacity)"]


def _describe_column(var: Any) -> str:
    """A variable in the words of the workbook: offer, market, lane, line."""
    name = var.parent_component().name
    index = var.index()
    key = index if isinstance(index, tuple) else (index,)
    if name == "purchase":
        return f"buying offer {key[0]} (Sources) in period {key[-1]}"
    if name == "sales":
        return f"selling {key[1]} at market {key[0]} (Markets) in period {key[-1]}"
    if name == "flow":
        return f"shipping {key[1]} on lane {key[0]} (Lanes) in period {key[-1]}"
    if name == "recipe_input":
        return f"line {key[0]} (Lines) in period {key[-1]}"
    return var.name  # type: ignore[no-any-return]


def _options(settings: SolveSettings) -> dict[str, Any]:
    options: dict[str, Any] = {"time_limit": float(settings.time_limit),
                               "mip_rel_gap": float(settings.mip_gap),
                               "log_to_console": bool(settings.tee)}
    if settings.threads:
        options["threads"] = int(settings.threads)
    return options


def _run_child(session: _Session, settings: SolveSettings, progress: Progress | None,
               warm: np.ndarray | None, zero_cost: bool = False) -> _ChildResult:
    """Run HiGHS in a solver process under the watchdog.

    At the time limit the process is asked to stop (HiGHS checks the request in its
    interrupt callbacks, and also has the limit as its own option); if it has not
    stopped ``grace`` seconds later (a long presolve or root cut round does not look),
    it is killed and the last incumbent it reported is the plan.
    """
    with tempfile.TemporaryDirectory(prefix=SOLVER_TEMP_PREFIX) as tmp:
        folder = Path(tmp)
        (folder / "owner").write_text(str(os.getpid()))  # for sweep_solver_folders
        save_arrays(session.arrays, folder / "model.npz")
        options: dict[str, Any] = {**_options(settings), "_zero_cost": zero_cost}
        (folder / "options.json").write_text(json.dumps(options))
        if warm is not None:
            np.save(folder / "warm.npy", warm)
        proc = subprocess.Popen(
            [sys.executable, "-m", "optimizer._highs_child", str(folder)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            text=True, encoding="utf-8", errors="replace")
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
        reader.start()
        try:
            result = _watch(proc, lines, folder, settings, progress)
        except BaseException:  # a signal (optimizer/signals.py) or an error: stop the solver
            proc.kill()
            proc.wait(timeout=30)
            raise
        proc.wait(timeout=30)
        reader.join(timeout=5)
        if result.model_status is None and not result.killed:
            err = proc.stderr.read() if proc.stderr else ""
            log.error("the solver process ended without a result (exit %s): %s",
                      proc.returncode, err[-2000:])
        elif proc.stderr:
            proc.stderr.read()
        _collect_values(result, folder)
    return result


SOLVER_TEMP_PREFIX = "chainopt-highs-"


def sweep_solver_folders(older_than: float = 3600.0) -> list[Path]:
    """Remove solver folders that a killed run left in the temporary directory.

    A folder is left alone while the process named in its ``owner`` file lives (another
    run may be solving right now); a folder without that file is removed only once it is
    older than ``older_than`` seconds.
    """
    removed: list[Path] = []
    base = Path(tempfile.gettempdir())
    try:
        folders = [p for p in base.glob(SOLVER_TEMP_PREFIX + "*") if p.is_dir()]
    except OSError:
        return removed
    for folder in folders:
        try:
            owner = int((folder / "owner").read_text().strip())
        except (OSError, ValueError):
            owner = None
        try:
            if owner is not None:
                if _alive(owner):
                    continue
            elif time.time() - folder.stat().st_mtime < older_than:
                continue
            shutil.rmtree(folder)
            removed.append(folder)
        except OSError as exc:
            log.warning("could not remove the leftover solver folder %s: %s", folder, exc)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _watch(proc: subprocess.Popen[str], lines: queue.Queue[str | None], folder: Path,
           settings: SolveSettings, progress: Progress | None) -> _ChildResult:
    result = _ChildResult()
    started = time.perf_counter()
    limit = max(float(settings.time_limit), 0.0)
    grace = settings.grace if settings.grace > 0 else min(max(0.1 * limit, 2.0), 30.0)
    while True:
        elapsed = time.perf_counter() - started
        if elapsed >= limit and not result.cancelled:
            (folder / "cancel").touch()
            result.cancelled = True
        if elapsed >= limit + grace:
            proc.kill()
            result.killed = True
            log.warning("HiGHS did not stop within %.0f s of the time limit; stopped it", grace)
            return result
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        if line is None:  # the process closed its output: it has ended
            return result
        if not line.startswith(PREFIX):
            continue  # HiGHS's banner and anything else that is not ours
        kind, *fields = line[len(PREFIX):].rstrip("\n").split("\t")
        if kind == "log":
            result.log.append(fields[0] if fields else "")
        elif kind == "progress":
            seconds, primal, dual = (float(f) for f in fields)
            inc = primal if math.isfinite(primal) else None
            bnd = dual if math.isfinite(dual) else None
            if bnd is not None:  # kept: if the watchdog must kill, the gap is still known
                result.bound = bnd
            if progress is not None:
                progress(SolveProgress(seconds, inc, bnd, _relative_gap(inc, bnd)))
        elif kind == "incumbent":
            result.has_plan, result.objective = True, float(fields[0])
        elif kind == "done":
            status, has_plan, objective, bound = fields
            result.model_status = int(status)
            result.has_plan = result.has_plan or has_plan == "1"
            if has_plan == "1":
                result.objective = float(objective)
            result.bound = float(bound) if math.isfinite(float(bound)) else result.bound
            result.final = has_plan == "1"


def _collect_values(result: _ChildResult, folder: Path) -> None:
    """The final solution, or else the last incumbent the process saved."""
    for name in (("solution", "incumbent") if result.final else ("incumbent",)):
        path = folder / f"{name}.npy"
        if path.exists():
            result.values = np.load(path)
            result.has_plan = True
            return
    if result.model_status is None:
        result.has_plan = False


def _status(child: _ChildResult) -> SolveStatus:
    if child.model_status is None:  # killed by the watchdog, or died
        if child.killed:
            return SolveStatus.FEASIBLE if child.has_plan else SolveStatus.NO_SOLUTION
        return SolveStatus.ERROR
    S = highspy.HighsModelStatus
    ms = S(child.model_status)
    if ms == S.kOptimal or ms == S.kModelEmpty:
        return SolveStatus.OPTIMAL
    if ms in (S.kTimeLimit, S.kInterrupt, S.kIterationLimit, S.kSolutionLimit,
              S.kObjectiveBound, S.kObjectiveTarget, S.kMemoryLimit):
        return SolveStatus.FEASIBLE if child.has_plan else SolveStatus.NO_SOLUTION
    if ms in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return SolveStatus.INFEASIBLE
    if ms == S.kUnbounded:
        return SolveStatus.UNBOUNDED
    return SolveStatus.ERROR


def _bound(session: _Session, status: SolveStatus, objective: float,
           bound: float | None) -> float | None:
    if not session.size["integers"] or (status is SolveStatus.OPTIMAL and bound is None):
        return objective if status is SolveStatus.OPTIMAL else bound
    return bound


def _load(session: _Session, values: np.ndarray) -> None:
    for var, value in zip(session.columns, values, strict=True):
        if var.is_integer():
            value = round(value)
        var.set_value(float(value), skip_validation=True)


def _warm_values(session: _Session) -> tuple[np.ndarray | None, str]:
    values = [v.value for v in session.columns]
    if not session.columns or any(v is None for v in values):
        missing = sum(v is None for v in values)
        return None, f"not offered ({missing} of {len(values)} variables have no value)"
    return np.asarray(values, dtype=float), "offered"


def _warm_start_verdict(log_text: str, offered: str) -> str:
    if offered != "offered":
        return offered
    text = log_text.lower()
    if "start solution is feasible" in text:
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
    h.clearSolver()
    ints = np.flatnonzero(session.arrays.integer).astype(np.int32)
    plan = np.array([round(session.columns[i].value or 0.0) for i in ints], dtype=float)
    start = time.perf_counter()
    cont = highspy.HighsVarType.kContinuous
    if len(ints):
        h.changeColsIntegrality(len(ints), ints, np.array([cont] * len(ints)))
        h.changeColsBounds(len(ints), ints, plan, plan)
    # Valid inequalities only cut fractional builds: with the plan held they would share
    # a limit's dual where both bind, so they are lifted for this LP (and put back).
    cuts = np.array([i for i, (con, _sense) in enumerate(session.rows)
                     if con.parent_component().name in VALID_INEQUALITIES], dtype=np.int32)
    if len(cuts):
        h.changeRowsBounds(len(cuts), cuts, np.full(len(cuts), -highspy.kHighsInf),  # type: ignore[attr-defined]
                           np.full(len(cuts), highspy.kHighsInf))
    try:
        for key, value in _options(settings).items():
            h.setOptionValue(key, value)
        h.run()
        ms = h.getModelStatus()
        status = SolveStatus.OPTIMAL if ms == highspy.HighsModelStatus.kOptimal else \
            SolveStatus.ERROR
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
            objective = float(h.getInfo().objective_function_value)
        return SolveResult(status, objective, objective, 0.0, time.perf_counter() - start,
                           SOLVER_NAME, solver_version(), h.modelStatusToString(
                               h.getModelStatus()), duals=duals, reduced_costs=reduced)
    finally:
        if len(cuts):
            h.changeRowsBounds(len(cuts), cuts, session.arrays.row_lower[cuts],  # type: ignore[attr-defined]
                               session.arrays.row_upper[cuts])
        if len(ints):
            integer = highspy.HighsVarType.kInteger
            h.changeColsIntegrality(len(ints), ints, np.array([integer] * len(ints)))
            h.changeColsBounds(len(ints), ints, session.arrays.col_lower[ints],
                               session.arrays.col_upper[ints])


def write_model_file(model: pyo.ConcreteModel, path: Path) -> Path:
    """Write exactly the model HiGHS solves (MPS or LP, by suffix), for HiGHS-alone benchmarks."""
    _session(model).highs.writeModel(str(path))
    return path


def refresh_session(model: pyo.ConcreteModel) -> None:
    """Compile the model anew for later LP re-solves (after bounds or constraints changed)."""
    _session(model, fresh=True)


def relaxation_iis(model: pyo.ConcreteModel, time_limit: float) -> tuple[
        list[tuple[Any, str]], list[tuple[Any, str]]] | None:
    """HiGHS's irreducible infeasible subset (``Highs.getIis``) of the model's linear
    relaxation: the constraints and variable bounds that together cannot hold, each with
    the side in conflict ("lower", "upper" or "both"). None when the relaxation has a
    solution (then no IIS exists: only the integer build decisions make the model
    infeasible) or when HiGHS finds none in ``time_limit``."""
    session = _Session(model)
    h = make_highs(session.arrays, relax_integers=True)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 0.1))
    # from the LP, then made irreducible (HiGHS's IisStrategy 2 | 4)
    h.setOptionValue("iis_strategy", 6)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kInfeasible:
        return None
    status, iis = h.getIis()
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return None
    side = {2: "lower", 3: "upper", 4: "both"}
    rows = [(session.rows[i][0], side.get(int(b), "both"))
            for i, b in zip(iis.row_index_, iis.row_bound_, strict=True)]
    cols = [(session.columns[j], side.get(int(b), "both"))
            for j, b in zip(iis.col_index_, iis.col_bound_, strict=True)]
    return rows, cols


@dataclass(frozen=True)
class Shift:
    """One bound of a row (a Pyomo constraint) or column (a variable) moved by
    ``factor`` x the step; a limit may move several bounds at once."""

    target: Any  # a ConstraintData or VarData of the model
    side: str  # "lower" or "upper"
    factor: float = 1.0


@dataclass
class OneSided:
    """Change in the objective of the held LP when a limit moves by +step and -step."""

    plus: float | None  # objective(+step) - objective; None: no plan
    minus: float | None  # objective(-step) - objective; None: no plan
    plus_range: float = 0.0  # largest tested move up over which the rate stays plus/step
    minus_range: float = 0.0


def one_sided_changes(model: pyo.ConcreteModel, settings: SolveSettings,
                      limits: dict[Any, list[Shift]], step: float = 1.0,
                      ranges: int = 12, deadline: float | None = None,
                      relax: tuple[str, ...] = ()) -> tuple[float | None, dict[Any, OneSided]]:
    """Re-solve the LP with every integer column held at its plan value, moving each
    limit one step up and one step down (one warm Highs instance, bounds restored after
    each solve). Where a side's rate holds, the move is doubled (up to ``ranges`` times)
    while the average rate stays the same: the objective is concave piecewise linear in
    a bound, so an unchanged average rate means an unchanged rate all the way.

    ``relax``: names of constraints whose rows are lifted during these solves because
    they are implied by others once the integer columns are fixed (their bounds would
    otherwise have to move too); the valid inequalities always are. Returns the held LP's
    objective and the changes.
    """
    session = _session(model)
    h = session.highs
    h.clearSolver()
    ints = np.flatnonzero(session.arrays.integer).astype(np.int32)
    plan = np.array([round(session.columns[i].value or 0.0) for i in ints], dtype=float)
    col_of = {id(v): i for i, v in enumerate(session.columns)}
    rows_of: dict[int, list[int]] = {}
    for i, (con, _sense) in enumerate(session.rows):
        rows_of.setdefault(id(con), []).append(i)
    # valid inequalities (cuts on fractional builds) are lifted as in marginal_values:
    # they are derived from the very limits being moved and would hold them in place
    lifted = [i for i, (con, _s) in enumerate(session.rows)
              if con.parent_component().name in (*relax, *VALID_INEQUALITIES)]
    arr = session.arrays
    inf = highspy.kHighsInf
    cont = highspy.HighsVarType.kContinuous
    if len(ints):
        h.changeColsIntegrality(len(ints), ints, np.array([cont] * len(ints)))
        h.changeColsBounds(len(ints), ints, plan, plan)
    for i in lifted:
        h.changeRowBounds(i, -inf, inf)
    for key, value in _options(settings).items():
        h.setOptionValue(key, value)
    def original(kind: str, i: int) -> tuple[float, float]:
        if kind == "col":
            return float(arr.col_lower[i]), float(arr.col_upper[i])
        return float(arr.row_lower[i]), float(arr.row_upper[i])

    def solve_with(moves: list[tuple[str, int, str, float]]) -> float | None:
        changed: dict[tuple[str, int], tuple[float, float]] = {}
        for kind, i, side, delta in moves:
            lo, up = changed.get((kind, i), original(kind, i))
            changed[kind, i] = (lo + delta, up) if side == "lower" else (lo, up + delta)
        for (kind, i), (lo, up) in changed.items():
            (h.changeColBounds if kind == "col" else h.changeRowBounds)(i, lo, up)
        try:
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
            return float(h.getInfo().objective_function_value)
        finally:
            for kind, i in changed:
                (h.changeColBounds if kind == "col" else h.changeRowBounds)(
                    i, *original(kind, i))

    out: dict[Any, OneSided] = {}
    try:
        base = solve_with([])
        if base is None:
            return None, out
        for key, shifts in limits.items():
            if deadline is not None and time.perf_counter() > deadline:
                break
            moves: list[tuple[str, int, float, str]] = []
            for s in shifts:
                if id(s.target) in col_of:
                    moves.append(("col", col_of[id(s.target)], s.factor, s.side))
                for i in rows_of.get(id(s.target), []):
                    moves.append(("row", i, s.factor, s.side))
            if not moves:
                continue
            sides: list[tuple[float | None, float]] = []
            for direction in (1.0, -1.0):
                def by(size: float, d: float = direction, mv: list[tuple[str, int, float, str]]
                       = moves) -> list[tuple[str, int, str, float]]:
                    return [(k, i, sd, d * size * f) for k, i, f, sd in mv]

                first = solve_with(by(step))
                if first is None:
                    sides.append((None, 0.0))
                    continue
                rate = first - base
                reach = step
                for _ in range(ranges):
                    further = solve_with(by(2 * reach))
                    if further is None or abs((further - base) - rate * 2 * reach / step) \
                            > 1e-6 * (1 + abs(rate * 2 * reach / step)):
                        break
                    reach *= 2
                sides.append((rate, reach))
            out[key] = OneSided(sides[0][0], sides[1][0], sides[0][1], sides[1][1])
        return base, out
    finally:
        for i in lifted:
            h.changeRowBounds(i, arr.row_lower[i], arr.row_upper[i])
        if len(ints):
            integer = highspy.HighsVarType.kInteger
            h.changeColsIntegrality(len(ints), ints, np.array([integer] * len(ints)))
            h.changeColsBounds(len(ints), ints, arr.col_lower[ints], arr.col_upper[ints])


def _fit_thread_scheduler() -> None:
    """Let this process's next HiGHS run use the thread count its options ask for.

    HiGHS keeps one thread scheduler per process, sized by the first run in it. A run that
    then asks for another count (a scenario worker's ``threads=1`` after an explanation
    re-solve in the same process ran with HiGHS's default) is refused with "the scheduler
    has already been initialized" and ends with status "Not Set". Resetting the scheduler
    (blocking: waits for idle workers) lets the next run size it again; in-process solves
    here never run two HiGHS instances at once, so no other run is disturbed.
    """
    highspy.Highs.resetGlobalScheduler(True)


def solve_in_process(model: pyo.ConcreteModel, settings: SolveSettings) -> SolveResult:
    """Solve in this process, with HiGHS's own (soft) time limit: no solver process.

    For scenario workers (optimizer/scenarios/runner.py), which are already processes of
    their own: starting a solver process per scenario would pay Python's start-up and the
    imports again every time. Statuses, objective and bound mean what they mean in
    solve_model; the watchdog's hard limit is not applied here.
    """
    violated = list(getattr(model, "constant_violations", []))
    if violated:
        return SolveResult(SolveStatus.INFEASIBLE, None, None, None, 0.0, SOLVER_NAME,
                           solver_version(), "infeasible limits found while building",
                           reasons=violated)
    start = time.perf_counter()
    session = _session(model, fresh=True)
    h = make_highs(session.arrays)
    handoff = time.perf_counter() - start
    for key, value in _options(settings).items():
        h.setOptionValue(key, value)
    if settings.threads:
        _fit_thread_scheduler()
    run_start = time.perf_counter()
    h.run()
    solver_seconds = time.perf_counter() - run_start
    info = h.getInfo()
    child = _ChildResult(model_status=int(h.getModelStatus()),
                         has_plan=info.primal_solution_status == 2,
                         bound=float(info.mip_dual_bound)
                         if math.isfinite(float(info.mip_dual_bound)) else None)
    status = _status(child)
    if child.model_status == int(highspy.HighsModelStatus.kUnboundedOrInfeasible):
        n = len(session.arrays.cost)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), np.zeros(n))
        h.clearSolver()
        h.run()
        feasible = h.getInfo().primal_solution_status == 2
        status = SolveStatus.UNBOUNDED if feasible else SolveStatus.INFEASIBLE
    objective = bound = None
    if status.has_plan:
        _load(session, np.asarray(h.getSolution().col_value))
        objective = float(pyo.value(_objective(model)))
        bound = _bound(session, status, objective, child.bound)
    session._highs = h if status.has_plan else None  # reused for marginal values
    return SolveResult(
        status, objective, bound, _relative_gap(objective, bound),
        time.perf_counter() - start, SOLVER_NAME, solver_version(),
        str(h.modelStatusToString(h.getModelStatus())), size=session.size,
        seconds_handoff=handoff, seconds_solver=solver_seconds)
