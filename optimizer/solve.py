"""The only module that talks to a solver: Pyomo model -> matrices -> HiGHS (highspy).

The model is compiled once to the arrays Pyomo's LinearStandardFormCompiler gives (mixed
form: rows keep their own <=, >=, ==; flat rows read in bulk, optimizer/standard_form.py)
and passed to highspy as arrays, the fastest measured route from Pyomo to HiGHS
(../shared/design/tech-notes.md). The MILP runs in a child process
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

import contextlib
import dataclasses
import functools
import itertools
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
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from enum import Enum
from operator import attrgetter, is_, itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
from pyomo.common.gc_manager import PauseGC

from models.chain.formulation import VALID_INEQUALITIES
from models.chain.formulation import release_rows as release_formulation_rows
from optimizer import _replan, standby
from optimizer._held_blocks import SMALL_BLOCK, HeldBlocks
from optimizer._highs_child import (
    PREFIX,
    ModelArrays,
    give_back_free_memory,
    load_arrays,
    make_highs,
    quiet_highs,
    save_arrays,
)
from optimizer.standard_form import standard_form

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
    # seconds the solver may run past its limit while it has found no plan yet; it is
    # stopped as soon as it reports one (a plan a little late beats none)
    plan_extension: float = 0.0


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


def _relative_gap(objective: float | None, bound: float | None) -> float | None:
    """How far the plan may be below the best possible, as a share of the larger of the two
    (so a plan worth 0 against a positive bound reads as 100 %, not infinity)."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(bound - objective) / max(abs(objective), abs(bound), 1e-9)


class _Session:
    """The model compiled to arrays; kept on the Pyomo model for re-solves."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        # No garbage collection while the arrays are made: each of its passes walks every
        # object of the Pyomo model, and the per-column tuples set them off (half of the
        # hand-off of a 100k-column model was collections)
        with PauseGC():
            self._compile(model)
        self._highs: highspy.Highs | None = None

    def _compile(self, model: pyo.ConcreteModel) -> None:
        info = standard_form(model)  # Pyomo's compiler's arrays, flat rows read in bulk
        if len(info.objectives) != 1:
            raise ValueError("the model must have exactly one active objective")
        self.columns = info.columns
        self.rows = info.rows
        n = len(info.columns)
        inf = highspy.kHighsInf
        rhs = np.asarray(info.rhs, dtype=float)
        senses = np.fromiter(map(itemgetter(1), info.rows), int, len(info.rows))
        A = info.A.tocsc()
        bounds = _column_bounds(info.columns)
        self.arrays = ModelArrays(
            cost=np.asarray(info.c.toarray()[0] if n else np.zeros(0), dtype=float),
            offset=float(info.c_offset[0]) if len(info.c_offset) else 0.0,
            maximize=info.objectives[0].sense == pyo.maximize,
            col_lower=np.ascontiguousarray(bounds[:, 0]),
            col_upper=np.ascontiguousarray(bounds[:, 1]),
            row_lower=np.where(senses == 1, -inf, rhs),
            row_upper=np.where(senses == -1, inf, rhs),
            a_start=np.asarray(A.indptr, dtype=np.int32),
            a_index=np.asarray(A.indices, dtype=np.int32),
            a_value=np.asarray(A.data, dtype=float),
            integer=_integer_columns(info.columns),
        )
        self.size = {"columns": n, "rows": len(info.rows), "nonzeros": int(A.nnz),
                     "integers": int(self.arrays.integer.sum())}

    @property
    def highs(self) -> highspy.Highs:
        """An in-process Highs with the model, for LP re-solves and exports."""
        if self._highs is None:
            self._highs = make_highs(self.arrays)
            give_back_free_memory()  # the HighsLp it went through (0.05 GB at 2.4 M nonzeros)
        return self._highs

    def release_highs(self) -> None:
        """Let the kept Highs go and give its pages back; ``highs`` passes the model
        anew when it is next asked for. (Only its holder may call this: an instance
        someone else still refers to stays alive.)"""
        if self._highs is not None:
            self._highs = None
            give_back_free_memory()


def _column_bounds(columns: list[Any]) -> np.ndarray:
    """(lower, upper) of every column, ±inf where Pyomo says None: Pyomo's
    ``VarData.bounds`` (the tighter of the domain's and the variable's own bounds), with
    the domains asked once each and the comparisons made on arrays (one ``bounds`` call
    per column was the largest piece of the hand-off after the rows)."""
    n = len(columns)
    lbs = list(map(attrgetter("_lb"), columns))
    ubs = list(map(attrgetter("_ub"), columns))
    if not set(map(type, lbs)) | set(map(type, ubs)) <= _PLAIN_BOUND:
        return _column_bounds_one_by_one(columns)  # a Param or expression bound
    own_lb, own_ub = np.array(lbs, dtype=float), np.array(ubs, dtype=float)  # None: nan
    no_lb = np.fromiter(map(is_, lbs, itertools.repeat(None)), bool, n)
    no_ub = np.fromiter(map(is_, ubs, itertools.repeat(None)), bool, n)
    del lbs, ubs
    if (~np.isfinite(own_lb[~no_lb])).any() or (~np.isfinite(own_ub[~no_ub])).any():
        return _column_bounds_one_by_one(columns)  # ±inf or nan: Pyomo's checks decide
    first, which = _domains(columns)
    domain_bounds = np.array([columns[i].domain.bounds() for i in first.tolist()],
                             dtype=float).reshape(-1, 2)  # None: nan
    dom_lb, dom_ub = domain_bounds[which, 0], domain_bounds[which, 1]
    bounds = np.empty((n, 2))
    # max(own, domain) and min(own, domain) as Python's max and min pick them (the first
    # argument unless the second is strictly beyond it); a domain without a bound is nan
    bounds[:, 0] = np.where(no_lb, dom_lb, np.where(dom_lb > own_lb, dom_lb, own_lb))
    bounds[:, 1] = np.where(no_ub, dom_ub, np.where(dom_ub < own_ub, dom_ub, own_ub))
    return _infinite_where_none(bounds)


_PLAIN_BOUND = {type(None), float, int}


def _column_bounds_one_by_one(columns: list[Any]) -> np.ndarray:
    bounds = np.array(list(map(attrgetter("bounds"), columns)), dtype=float).reshape(-1, 2)
    return _infinite_where_none(bounds)


def _infinite_where_none(bounds: np.ndarray) -> np.ndarray:
    # None became nan; Pyomo refuses a nan bound, so nan here can only mean "none"
    bounds[:, 0][np.isnan(bounds[:, 0])] = -highspy.kHighsInf
    bounds[:, 1][np.isnan(bounds[:, 1])] = highspy.kHighsInf
    return bounds


def _domains(columns: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The first column of each distinct domain (a model has a handful), and the domain of
    every column as an index into them."""
    ids = np.fromiter(map(id, map(attrgetter("_domain"), columns)), np.int64, len(columns))
    _, first, which = np.unique(ids, return_index=True, return_inverse=True)
    return first, which.reshape(-1)


def _integer_columns(columns: list[Any]) -> np.ndarray:
    """Which columns are integer, asking each domain once."""
    if not columns:
        return np.zeros(0, dtype=bool)
    first, which = _domains(columns)
    integer = np.array([columns[i].is_integer() for i in first.tolist()], dtype=bool)
    return integer[which]


def compiled_nonzeros(model: pyo.ConcreteModel) -> int:
    """The nonzeros of the model as last compiled for HiGHS (0: not compiled)."""
    session = getattr(model, _SESSION_ATTR, None)
    return int(session.size["nonzeros"]) if session is not None else 0


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


def _after_handoff(settings: SolveSettings, spent: float) -> SolveSettings:
    """The solver process's time limit: the solve's limit less what the hand-off (compiling
    the model for HiGHS, seconds at national scale) already used, so that the whole solve
    phase keeps to its share of the run's time limit. HiGHS keeps at least half of the
    limit (and a second, or the whole limit if shorter) however long the hand-off took:
    a solve that overshoots a little with a plan serves a user better than none."""
    limit = float(settings.time_limit)
    floor = max(HANDOFF_FLOOR_SHARE * limit, min(1.0, limit))
    return dataclasses.replace(settings, time_limit=max(limit - spent, floor))


HANDOFF_FLOOR_SHARE = 0.5


def solve_model(model: pyo.ConcreteModel, settings: SolveSettings,
                progress: Progress | None = None,
                on_handoff: Callable[[], None] | None = None,
                let_go: bool = False) -> SolveResult:
    """Solve; load the best plan found into the model's variables when there is one.

    ``on_handoff()`` is called once HiGHS has the model: from then on this process mostly
    waits for the solver process, so it is the time for work that needs the GIL (the
    pipeline imports the writer's modules then, not during the hand-off, which they would
    slow down by as long as they take). With ``let_go``, this process holds less while
    HiGHS solves: the rows' expressions are let go for good (``_release_rows_meanwhile``:
    for a caller that does not compile the same model again, as a run does not), and the
    compiled arrays are set aside until the solve ends (``_set_aside``)."""
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
    # The compile's temporaries are freed by now, but the C library keeps their pages for
    # reuse: at 5,000 lines x 12 periods RSS stays at 1.0 GB and malloc_trim gives 0.14 GB
    # back. This process waits at its size while the solver process holds the model in
    # HiGHS, and the two together are the run's peak memory (bench/run.py).
    give_back_free_memory()
    handoff = time.perf_counter() - start
    warnings = scaling_warnings(session.arrays)
    for text in warnings:
        log.warning("%s", text)
    warm, warm_note = _warm_values(session) if settings.warm_start else (None, "")
    if on_handoff is not None:
        on_handoff()
    releasing: list[threading.Thread] = []

    def started() -> None:  # the solver process has the model's file: it needs no GIL
        releasing.append(_release_rows_meanwhile(model, session))

    run_start = time.perf_counter()
    child = _run_child(session, _after_handoff(settings, run_start - start), progress, warm,
                       started=started if let_go else None, arrays_aside=let_go)
    for thread in releasing:  # before anything below reads a row
        thread.join()
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


def _release_rows_meanwhile(model: pyo.ConcreteModel, session: _Session) -> threading.Thread:
    """Let go of the rows' expressions (models/chain/formulation.py ``release_rows``) in a
    thread, while the solver process loads the model and solves (issue 12, goal 4): once
    it has been given the model's file, so that writing that file does not share the GIL.

    This process would otherwise hold them beside HiGHS for the rest of the run: 290 MB
    of its 1 GB at 5,000 lines x 12 periods. The compiled model's row list is pointed at
    the new row objects, so that a row looked up in the model is the compiled row. Nothing
    reads a row meanwhile (the caller joins the thread first), and a row read later is
    made again by its rule."""

    def release() -> None:
        try:
            log.debug("let go of %d rows' expressions", release_formulation_rows(model))
        except Exception as exc:  # only memory is at stake: the run goes on, and says why
            log.warning("could not let go of the model's rows while HiGHS solves (%s); "
                        "the run holds them to its end", exc)
        finally:  # the row list follows the model even if the release stopped half-way
            session.rows = [(_row_in_model(con), sense) for con, sense in session.rows]
            give_back_free_memory()

    thread = threading.Thread(target=release, name="chainopt-release-rows", daemon=True)
    thread.start()
    return thread


def _row_in_model(con: Any) -> Any:
    """The model's current object for a row (a scalar constraint is its own row). The
    row's own ``_index``: Pyomo's ``index()`` refuses a row its component no longer holds."""
    return con.parent_component()._data.get(con._index, con)


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
               warm: np.ndarray | None, zero_cost: bool = False,
               started: Callable[[], None] | None = None,
               arrays_aside: bool = False) -> _ChildResult:
    """Run HiGHS in a solver process under the watchdog; ``started()`` is called once
    the process has been given the model. With ``arrays_aside`` this process holds no
    copy of the model's arrays while the solver process has them (``_set_aside``).

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
        # HiGHS's own limit covers the plan extension too: the watchdog (_watch) is what
        # stops it at its share once it has a plan
        options["time_limit"] += max(float(settings.plan_extension), 0.0)
        if warm is not None:
            np.save(folder / "warm.npy", warm)
        options["_deadline"] = time.time() + float(options["time_limit"])  # same clock
        (folder / "options.json").write_text(json.dumps(options))
        proc = standby.take(folder)  # started while the model was built, if it was
        if started is not None:
            started()
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
        reader.start()
        try:
            with _set_aside(session, folder / "model.npz") if arrays_aside else \
                    contextlib.nullcontext():
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


@contextlib.contextmanager
def _set_aside(session: _Session, saved: Path) -> Iterator[None]:
    """The session's arrays let go inside, and read back from ``saved`` (the solver
    process's own file of them: the same bytes) when it is left, however it is left.

    While HiGHS solves, this process only waits: its copy of the arrays (50 MB at 5,000
    lines x 12 periods) would add to the run's peak memory, which is the two processes
    together (issue 12, goal 4). Nothing reads them meanwhile (the release of the rows
    reads only rows); one that did would fail loudly, not read stale arrays."""
    del session.arrays
    give_back_free_memory()
    try:
        yield
    finally:
        session.arrays = load_arrays(saved)


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
    extension = max(float(settings.plan_extension), 0.0)
    grace = settings.grace if settings.grace > 0 else min(max(0.1 * limit, 2.0), 30.0)
    cancelled_at = math.inf
    while True:
        elapsed = time.perf_counter() - started
        if not result.cancelled and elapsed >= limit and (
                result.has_plan or elapsed >= limit + extension):
            (folder / "cancel").touch()
            result.cancelled, cancelled_at = True, elapsed
        if elapsed >= cancelled_at + grace:
            proc.kill()
            result.killed = True
            log.warning("HiGHS did not stop within %.1f s of the time limit; stopped it", grace)
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


def marginal_values(model: pyo.ConcreteModel, settings: SolveSettings,
                    reduced_costs_of: Collection[str] | None = None) -> SolveResult:
    """Duals and reduced costs of the LP with every integer column held at its plan value.

    Uses the Highs object of the last solve (compiling anew only if there is none): the
    integer columns become continuous with lower = upper = the rounded plan value, the
    LP is solved, and the duals are mapped back to constraint names and indices; then the
    columns are restored. Returns ``duals`` by constraint name and ``reduced_costs`` by
    variable name (only of the variables named in ``reduced_costs_of``, when given: a
    dict entry per column costs about 75 bytes, 40 MB at 5,000 lines x 12 periods, held
    through the explanations); the Pyomo variables keep the plan's values.
    """
    session = _session(model)
    h = session.highs
    h.clearSolver()
    ints = session.arrays.integer_indices()
    plan = np.array([round(session.columns[i].value or 0.0) for i in ints], dtype=float)
    start = time.perf_counter()
    cont = highspy.HighsVarType.kContinuous
    if len(ints):
        h.changeColsIntegrality(len(ints), ints, np.array([cont] * len(ints)))
        h.changeColsBounds(len(ints), ints, plan, plan)
    # Valid inequalities only cut fractional builds: with the plan held they would share
    # a limit's dual where both bind, so they are lifted for this LP (and put back).
    cuts = _rows_named(session, VALID_INEQUALITIES)
    if len(cuts):
        h.changeRowsBounds(len(cuts), cuts, np.full(len(cuts), -highspy.kHighsInf),  # type: ignore[attr-defined]
                           np.full(len(cuts), highspy.kHighsInf))
    try:
        apply_options(h, settings)
        h.run()
        ms = h.getModelStatus()
        status = SolveStatus.OPTIMAL if ms == highspy.HighsModelStatus.kOptimal else \
            SolveStatus.ERROR
        duals: dict[str, dict[object, float]] = {}
        reduced: dict[str, dict[object, float]] = {}
        objective = None
        if status is SolveStatus.OPTIMAL:
            sol = h.getSolution()
            # read as arrays; names and indices come from _names (computed once per model)
            row_names, col_names = _names(session)
            for (name, index), value in zip(row_names, np.asarray(sol.row_dual).tolist(),
                                            strict=True):
                by_index = duals.setdefault(name, {})
                by_index[index] = by_index.get(index, 0.0) + value
            for (name, index), value in zip(col_names, np.asarray(sol.col_dual).tolist(),
                                            strict=True):
                if reduced_costs_of is None or name in reduced_costs_of:
                    reduced.setdefault(name, {})[index] = value
            objective = float(h.getInfo().objective_function_value)
            # kept for the explanations' held LP (HeldLP), which then starts warm
            session._held_basis = h.getBasis()  # type: ignore[attr-defined]
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
    # True: a row that cannot bind while the limit's other bound binds and moves (the
    # utilisation floor beside capacity: the same throughput, u <= 1); where it is not
    # binding at the plan, the ranging of the other bound alone settles the limit
    follows: bool = False


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
                      relax: tuple[str, ...] = (), held: HeldLP | None = None,
                      unrelaxed: Collection[Any] = (),
                      ) -> tuple[float | None, dict[Any, OneSided]]:
    """The change in the LP with every integer column held at its plan value when each
    limit moves one step up and one step down, and how far each rate holds.

    A limit that is one bound, and that HiGHS's ranging of the held LP's optimal basis
    says can move more than a step both ways with that basis, is read from the ranging
    alone: while the basis stays optimal the objective is linear in the bound (LP
    sensitivity analysis), so both one-step changes and both reaches follow from the
    objective at the ends of the range. Every other limit is re-solved (one warm Highs
    instance, bounds restored after each solve), and where a side's rate holds the move
    is doubled (up to ``ranges`` times) while the average rate stays the same: the
    objective is concave piecewise linear in a bound, so an unchanged average rate means
    an unchanged rate all the way.

    ``relax``: names of constraints whose rows are lifted during these solves because
    they are implied by others once the integer columns are fixed (their bounds would
    otherwise have to move too); the valid inequalities always are. ``unrelaxed``: the
    limits whose moves leave those rows implied, so that lifting them changes nothing:
    these are first read from the ranging of the LP as held, whose optimal basis is the
    marginal values' (no simplex iteration), since the first solve with lifted rows can
    start nearly cold (0.14 s at 50 lines x 12 periods, over the explanations' aim at
    500). Returns the held LP's objective and the changes. ``held``: an open HeldLP to
    use (its lifted rows are set to ``relax`` for these solves and put back after),
    else one is opened and closed.
    """
    own = held is None
    held = HeldLP(model, settings) if held is None else held
    try:
        settled: dict[Any, OneSided] = {}
        first_base = None
        first = {k: v for k, v in limits.items() if k in unrelaxed} if relax else {}
        if first:
            first_base = held.solve({}, {}, None if deadline is None
                                    else deadline - time.perf_counter())
            if first_base is not None:
                settled, _ = _ranging_pass(held, held.ranging(), first, step, first_base)
        rest = {k: v for k, v in limits.items() if k not in settled}
        base: float | None = None
        out: dict[Any, OneSided] = {}
        if rest:
            held.lift(relax)
            try:
                base, out = _one_sided(held, rest, step, ranges, deadline)
            finally:
                held.lift(())
        out.update(settled)
        return (first_base if base is None else base), out
    finally:
        if own:
            held.close()


def _ranging_pass(held: HeldLP, ranging: Any, limits: dict[Any, list[Shift]], step: float,
                  base: float) -> tuple[dict[Any, OneSided],
                                        dict[Any, list[tuple[str, int, float, str]]]]:
    """The limits settled by the ranging of the base basis (one bound that moves more
    than a step both ways with that basis, beside rows that follow it and are not binding
    at the base), and the bound moves of the others."""
    settled: dict[Any, OneSided] = {}
    rest: dict[Any, list[tuple[str, int, float, str]]] = {}
    basic_rows: np.ndarray | None = None
    for key, shifts in limits.items():
        moves: list[tuple[str, int, float, str]] = []
        followers: list[int] = []
        for s in shifts:
            col = held.column(s.target)
            if col is not None:
                moves.append(("col", col, s.factor, s.side))
            for i in held.rows(s.target):
                moves.append(("row", i, s.factor, s.side))
                if s.follows:
                    followers.append(i)
        if not moves:
            continue
        lead = [mv for mv in moves if not (mv[0] == "row" and mv[1] in followers)]
        if followers and len(lead) == 1:
            if basic_rows is None:
                basic_rows = _basic_rows(held)
            if not all(basic_rows[i] for i in followers):
                lead = moves  # a follower binds at the base: re-solved
        ranged = [_ranged_change(held, ranging, lead, direction, step, base)
                  for direction in (1.0, -1.0)]
        if ranged[0] is not None and ranged[1] is not None:
            settled[key] = OneSided(ranged[0][0], ranged[1][0], ranged[0][1], ranged[1][1])
        else:
            rest[key] = moves
    return settled, rest


def _basic_rows(held: HeldLP) -> np.ndarray:
    """Which rows are basic (not binding) in the held LP's current basis."""
    status = held.h.getBasis().row_status
    basic = highspy.HighsBasisStatus.kBasic
    return np.fromiter((st == basic for st in status), dtype=bool, count=len(status))


def _one_sided(held: HeldLP, limits: dict[Any, list[Shift]], step: float, ranges: int,
               deadline: float | None) -> tuple[float | None, dict[Any, OneSided]]:
    def solve_with(moves: list[tuple[str, int, str, float]]) -> float | None:
        changed: dict[tuple[str, int], tuple[float, float]] = {}
        for kind, i, side, delta in moves:
            lo, up = changed.get((kind, i), held.held_bounds(kind, i))
            changed[kind, i] = (lo + delta, up) if side == "lower" else (lo, up + delta)
        # never past the deadline: the first solve with lifted rows can start cold
        return held.solve({i: b for (k, i), b in changed.items() if k == "col"},
                          {i: b for (k, i), b in changed.items() if k == "row"},
                          None if deadline is None else deadline - time.perf_counter())

    out: dict[Any, OneSided] = {}
    found = solve_with([])
    if found is None:  # no held plan, or out of time already
        return None, out
    base: float = found

    def holds(size: float, rate: float, moved: float | None) -> bool:
        return moved is not None and abs((moved - base) - rate * size / step) \
            <= 1e-6 * (1 + abs(rate * size / step))

    def by(mv: list[tuple[str, int, float, str]], size: float, d: float,
           ) -> list[tuple[str, int, str, float]]:
        return [(k, i, sd, d * size * f) for k, i, f, sd in mv]

    # The base basis's ranging, read once: it settles most limits without a re-solve
    # (at 50 lines x 12 periods 1,591 of 1,636, against 9 re-solved in the same time).
    ranging = held.ranging()
    out, all_moves = _ranging_pass(held, ranging, limits, step, base)

    # First pass, for the limits the ranging does not settle: one step each way (what
    # the sentences state, ties included); the range stays one step (true, if short)
    # until the second pass.
    moved: dict[Any, list[tuple[str, int, float, str]]] = {}
    rates: dict[Any, list[float | None]] = {}
    for key, moves in all_moves.items():
        if deadline is not None and time.perf_counter() > deadline:
            break
        found_rates: list[float | None] = []
        for direction in (1.0, -1.0):
            first = solve_with(by(moves, step, direction))
            if held.timed_out:
                break
            found_rates.append(None if first is None else first - base)
        if held.timed_out:  # not "no plan": out of time, this limit is left undone
            break
        moved[key], rates[key] = moves, found_rates
        out[key] = OneSided(found_rates[0], found_rates[1], 0.0 if found_rates[0] is None
                            else step, 0.0 if found_rates[1] is None else step)
    # Second pass, in the time left: how far each rate holds. The base's ranging
    # proposes where the basis changes on a side it covers (the other side was short);
    # one re-solve there checks that the rate holds all the way (the objective is
    # concave in a bound), else the move is doubled while it holds.
    for key, moves in moved.items():
        reaches = [0.0, 0.0]
        for side, direction in enumerate((1.0, -1.0)):
            rate = rates[key][side]
            if rate is None:
                continue
            reach = step
            if deadline is not None and time.perf_counter() > deadline:
                reaches[side] = reach
                continue
            end = _range_end(held, ranging, moves, direction, step)
            if end is not None and holds(end, rate, solve_with(by(moves, end, direction))):
                reaches[side] = end
                continue
            # The largest doubling 2^k x step (k <= ranges) over which the rate holds. The
            # objective is concave in the bound, so "holds" is monotone in the move: a
            # bisection over k (the far end first, where most rates hold all the way)
            # finds the same k as doubling one step at a time, in about log2(ranges)
            # re-solves instead of up to ``ranges``.
            low, high = 0, ranges  # holds at 2^low; not yet known above
            while low < high:
                if deadline is not None and time.perf_counter() > deadline:
                    break
                k = high if high == ranges and low == 0 else (low + high + 1) // 2
                size = step * 2.0 ** k
                if holds(size, rate, solve_with(by(moves, size, direction))):
                    low = k
                else:
                    high = k - 1
            reaches[side] = step * 2.0 ** low
        out[key] = OneSided(rates[key][0], rates[key][1], reaches[0], reaches[1])
    return base, out


def _ranged_change(held: HeldLP, ranging: Any, moves: list[tuple[str, int, float, str]],
                   direction: float, step: float, base: float,
                   ) -> tuple[float, float] | None:
    """The change for one step of a single bound in ``direction`` and how far that rate
    holds, from HiGHS's ranging of the base basis: (objective at the range's end - base)
    per step, and the range itself. None where the ranging cannot say (see
    ``_range_end``) or its end has no finite objective."""
    size = _range_end(held, ranging, moves, direction, step)
    if size is None:
        return None
    kind, i, factor, _side = moves[0]
    rec = getattr(ranging, f"{kind}_bound_{'up' if direction * factor > 0 else 'dn'}")
    try:
        end_objective = float(rec.objective_[i])
    except (IndexError, TypeError):
        return None
    if not math.isfinite(end_objective):
        return None
    return (end_objective - base) * step / size, size


def _range_end(held: HeldLP, ranging: Any, moves: list[tuple[str, int, float, str]],
               direction: float, step: float) -> float | None:
    """How far a single bound can move (in steps of its limit) before the base basis
    changes, by HiGHS's ranging; None when ranging cannot say (several bounds move, no
    ranging, infinite or shorter than one step)."""
    if ranging is None or len(moves) != 1:
        return None
    kind, i, factor, side = moves[0]
    up = direction * factor > 0
    rec = getattr(ranging, f"{kind}_bound_{'up' if up else 'dn'}")
    try:
        end = float(rec.value_[i])
    except (IndexError, TypeError):
        return None
    lower, upper = held.held_bounds(kind, i)
    current = lower if side == "lower" else upper
    size = abs(end - current) / abs(factor) if factor else math.inf
    if not math.isfinite(size) or size <= step or (end - current) * (1 if up else -1) <= 0:
        return None
    return size


def apply_options(h: highspy.Highs, settings: SolveSettings) -> None:
    """Set the solve's options on a HiGHS instance that runs in this process, and size the
    process's thread scheduler for them (every in-process run goes through here)."""
    for key, value in _options(settings).items():
        h.setOptionValue(key, value)
    _fit_thread_scheduler(int(settings.threads))


_scheduler_threads: int | None = None  # the thread count this process's scheduler was sized for


def _fit_thread_scheduler(threads: int) -> None:
    """Let this process's next HiGHS run use the thread count its options ask for.

    HiGHS keeps one thread scheduler per process, sized by the first run in it. A run that
    then asks for another count (a scenario worker's ``threads=1`` after an explanation
    re-solve in the same process ran with HiGHS's default) is refused with "the scheduler
    has already been initialized" and ends with status "Not Set". Resetting the scheduler
    (blocking: waits for idle workers) lets the next run size it again; in-process solves
    here never run two HiGHS instances at once, so no other run is disturbed. It is reset
    only when the count changes, not before every re-solve.
    """
    global _scheduler_threads
    if threads == _scheduler_threads:
        return
    highspy.Highs.resetGlobalScheduler(True)
    _scheduler_threads = threads


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
    apply_options(h, settings)
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


# ---- Re-solves for the explanations on the kept Highs (optimizer/explain.py) -----------------
#
# One Highs instance (the session's) serves every explanation re-solve: integrality is
# switched off once for all held-plan LPs and back on once after them, each re-solve
# changes a few bounds by column or row index and runs warm from the last basis (no
# clearSolver), and objectives, duals and ranges are read as arrays. Names are mapped to
# indices once per model (``_row_groups``), never per re-solve.


def _names(session: _Session) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """(constraint name, index) of every row and (variable name, index) of every column,
    computed once per session: Pyomo's ``name`` builds a string per call, so each
    component's name is taken once."""
    found: tuple[list[tuple[str, Any]], list[tuple[str, Any]]] | None = getattr(
        session, "_names", None)
    if found is None:
        named: dict[int, str] = {}

        def keyed(items: Any) -> list[tuple[str, Any]]:
            out = []
            for item in items:
                comp = item.parent_component()
                name = named.get(id(comp))
                if name is None:
                    name = named[id(comp)] = comp.name
                out.append((name, item.index()))
            return out

        found = (keyed(con for con, _s in session.rows), keyed(session.columns))
        session._names = found  # type: ignore[attr-defined]
    return found


def _row_groups(session: _Session) -> dict[str, np.ndarray]:
    """Row indices by constraint name (the Pyomo component), computed once per session."""
    groups: dict[str, np.ndarray] | None = getattr(session, "_row_groups", None)
    if groups is None:
        by_component: dict[int, tuple[Any, list[int]]] = {}
        for i, (con, _sense) in enumerate(session.rows):
            comp = con.parent_component()
            by_component.setdefault(id(comp), (comp, []))[1].append(i)
        groups = {comp.name: np.asarray(rows, dtype=np.int32)
                  for comp, rows in by_component.values()}
        session._row_groups = groups  # type: ignore[attr-defined]
    return groups


def _rows_named(session: _Session, names: tuple[str, ...]) -> np.ndarray:
    """The row indices of the constraints with these names (e.g. the valid inequalities,
    lifted whenever every build decision is held)."""
    groups = _row_groups(session)
    return np.concatenate([groups.get(name, np.zeros(0, np.int32)) for name in names]
                          or [np.zeros(0, np.int32)]).astype(np.int32)


class HeldLP:
    """The LP with every integer column held at its value in the plan, on the kept Highs.

    Entering switches integrality off and holds the integer columns (once); ``solve``
    moves some column and row bounds, re-solves warm and puts them back; ``close`` (or
    leaving the ``with`` block) restores the MILP. Rows of the constraints named in
    ``lift`` and the valid inequalities are lifted (free) while held: with the build
    decisions fixed they are implied by other rows (see ``marginal_values``).
    """

    def __init__(self, model: pyo.ConcreteModel, settings: SolveSettings,
                 lift: tuple[str, ...] = ()) -> None:
        self.session_model = model
        self.session = session = _session(model)
        arr = session.arrays
        self.ints = arr.integer_indices()
        self.plan = np.array([round(session.columns[i].value or 0.0) for i in self.ints],
                             dtype=float)
        self.col_lower = arr.col_lower.copy()
        self.col_upper = arr.col_upper.copy()
        self.col_lower[self.ints] = self.col_upper[self.ints] = self.plan
        self.row_lower = arr.row_lower.copy()
        self.row_upper = arr.row_upper.copy()
        self.lifted = _rows_named(session, VALID_INEQUALITIES)
        self.row_lower[self.lifted] = -highspy.kHighsInf
        self.row_upper[self.lifted] = highspy.kHighsInf
        self.extra = np.zeros(0, np.int32)  # rows lifted by lift(), on top of those
        self._rows_of: dict[int, list[int]] | None = None
        basis = getattr(session, "_held_basis", None)
        self._basis = basis if basis is not None and basis.valid else None
        self._plan_basis = self._basis  # the start of every re-solve from the plan
        self.settings = settings
        self._h: highspy.Highs | None = self._hold(session.highs)
        self.time_limit = float(settings.time_limit)
        self.timed_out = False  # the last solve stopped without an answer (time limit)
        self.closed = False
        # the held LP in independent blocks, for the per-line jobs (made at the first;
        # False: it does not split, or the blocks did not add up to it)
        self._blocks: HeldBlocks | bool | None = None
        if lift:
            self.lift(lift)

    @property
    def h(self) -> highspy.Highs:
        """The held LP's Highs: the session's kept instance, held at the plan. Let go
        while the blocks answer the per-line jobs (``blocks``); passed the model and
        held again if the whole LP is asked for after that."""
        if self._h is None:
            self._h = self._hold(self.session.highs)
        return self._h

    def _hold(self, h: highspy.Highs) -> highspy.Highs:
        """``h`` (the MILP) made the held LP: integrality off, the integer columns at the
        plan, the lifted rows free, the run's options, and a warm basis."""
        if len(self.ints):
            cont = highspy.HighsVarType.kContinuous
            h.changeColsIntegrality(len(self.ints), self.ints,
                                    np.array([cont] * len(self.ints)))
            h.changeColsBounds(len(self.ints), self.ints, self.plan, self.plan)
        free = np.union1d(self.lifted, self.extra).astype(np.int32)
        if len(free):
            h.changeRowsBounds(len(free), free,  # type: ignore[attr-defined]
                               self.row_lower[free], self.row_upper[free])
        apply_options(h, self.settings)
        basis = self._plan_basis  # the held LP's own (marginal_values kept it), if found
        if basis is not None and basis.valid:
            # switching integrality drops HiGHS's basis: the held LP's own, kept by
            # marginal_values, saves a cold start (seconds on large models)
            h.setBasis(basis)
        return h

    def _let_go(self) -> None:
        """Give back the whole held LP's Highs while the blocks hold the same LP in parts
        (5,000 lines x 12 periods: 0.77 GB, beside the blocks and the held-LP worker)."""
        self._h = None
        self.session.release_highs()

    def lift(self, names: tuple[str, ...]) -> None:
        """Lift (free) the rows of these constraints from now on, and put back those
        lifted by an earlier call (the valid inequalities stay lifted)."""
        arr, h = self.session.arrays, self.h
        if len(self.extra):
            self.row_lower[self.extra] = arr.row_lower[self.extra]
            self.row_upper[self.extra] = arr.row_upper[self.extra]
            h.changeRowsBounds(len(self.extra), self.extra,  # type: ignore[attr-defined]
                               self.row_lower[self.extra], self.row_upper[self.extra])
        if not names and len(self.extra) and self._basis is not None:
            # back to the held LP itself: its own basis again (the lifted solves may have
            # stopped at their deadline, leaving a basis far from it)
            h.setBasis(self._basis)
        self.extra = np.setdiff1d(_rows_named(self.session, names), self.lifted).astype(np.int32)
        if len(self.extra):
            self.row_lower[self.extra] = -highspy.kHighsInf
            self.row_upper[self.extra] = highspy.kHighsInf
            h.changeRowsBounds(len(self.extra), self.extra,  # type: ignore[attr-defined]
                               self.row_lower[self.extra], self.row_upper[self.extra])

    def __enter__(self) -> HeldLP:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Put the MILP back as it was (integrality, bounds, lifted rows)."""
        if self.closed:
            return
        self.closed = True
        if isinstance(self._blocks, HeldBlocks):
            # their Highs copies go now, not with this object, and the C library gives
            # their pages back (97 MB kept after the explanations at 500 x 12 without it)
            self._blocks = False
            give_back_free_memory()
        if self._h is None:  # let go for the blocks: the session's next Highs is the MILP
            return
        self.lift(())
        h, arr = self.h, self.session.arrays
        if len(self.lifted):
            h.changeRowsBounds(len(self.lifted), self.lifted,  # type: ignore[attr-defined]
                               arr.row_lower[self.lifted], arr.row_upper[self.lifted])
        if len(self.ints):
            integer = highspy.HighsVarType.kInteger
            h.changeColsIntegrality(len(self.ints), self.ints,
                                    np.array([integer] * len(self.ints)))
            h.changeColsBounds(len(self.ints), self.ints, arr.col_lower[self.ints],
                               arr.col_upper[self.ints])

    def column(self, var: Any) -> int | None:
        """The column index of a Pyomo variable (None: not in the model)."""
        return column_indices(self.session_model, [var])[0]

    def rows(self, con: Any) -> list[int]:
        """The row indices of a Pyomo constraint (a ranged one may have two)."""
        if self._rows_of is None:
            self._rows_of = {}
            for i, (c, _s) in enumerate(self.session.rows):
                self._rows_of.setdefault(id(c), []).append(i)
        return self._rows_of.get(id(con), [])

    def plan_objective(self) -> float | None:
        """The held LP's optimum at the plan (one re-solve from the plan's basis, made
        once: the blocks and the worker's held.npz both check against it)."""
        if not hasattr(self, "_plan_objective"):
            self._plan_objective = self.solve(from_plan=True)
        return self._plan_objective

    def plan_basis(self) -> Any:
        """The held LP's optimal basis at the plan: the one marginal_values kept, else
        found by one re-solve without changes (from wherever the last one left it)."""
        if self._plan_basis is None:
            self.solve()
            self._plan_basis = self.h.getBasis()
        return self._plan_basis

    def solve(self, cols: dict[int, tuple[float, float]] | None = None,
              rows: dict[int, tuple[float, float]] | None = None,
              time_limit: float | None = None, from_plan: bool = False) -> float | None:
        """The held LP's objective with these column and row bounds (None: no optimum),
        warm from the last basis, or with ``from_plan`` from the plan's basis
        (``_replan.from_plan``: the explanations' per-line jobs); the bounds are put back
        afterwards."""
        if from_plan and cols and not rows and not len(self.extra):
            limit = self.time_limit if time_limit is None else float(time_limit)
            blocks = self.blocks(limit)
            if blocks is not None:
                try:
                    found = blocks.solve(cols, limit)
                except ValueError:  # a held column given a range: the whole LP below
                    pass
                else:
                    self.timed_out = blocks.timed_out
                    return found
        start = _replan.from_plan(self.h, self.plan_basis()) if from_plan \
            else contextlib.nullcontext()
        with start:
            h = self.h
            limit = self.time_limit if time_limit is None else float(time_limit)
            h.setOptionValue("time_limit", _replan.run_time_limit(h, limit))
            cols, rows = cols or {}, rows or {}
            for i, (lo, up) in cols.items():
                h.changeColBounds(i, lo, up)
            for i, (lo, up) in rows.items():
                h.changeRowBounds(i, lo, up)
            try:
                # None means "no plan" only when the solve was not stopped short
                found, self.timed_out = _replan.lp_optimum(h)
                return found
            finally:
                for i in cols:
                    h.changeColBounds(i, self.col_lower[i], self.col_upper[i])
                for i in rows:
                    h.changeRowBounds(i, self.row_lower[i], self.row_upper[i])

    def held_arrays(self) -> ModelArrays:
        """The held LP as arrays: the model's, with the held column and row bounds."""
        return dataclasses.replace(self.session.arrays, col_lower=self.col_lower,
                                   col_upper=self.col_upper, row_lower=self.row_lower,
                                   row_upper=self.row_upper,
                                   integer=np.zeros(len(self.col_lower), dtype=bool))

    def block_labels(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The block of each row and column of the held LP (``block_labels``), or None
        when it does not split into blocks worth re-solving apart."""
        if not hasattr(self, "_labels"):
            self._labels = block_labels(self.held_arrays())
        return self._labels

    def blocks(self, seconds: float = math.inf) -> HeldBlocks | None:
        """The held LP in blocks at the plan (optimizer/_held_blocks.py), made once; None
        when it does not split, the blocks did not add up to its optimum, or making them
        would take more than the ``seconds`` left (``BLOCKS_SECONDS_PER_NONZERO``: the
        jobs then re-solve the whole LP, as they did without blocks)."""
        if self._blocks is None:
            self._blocks = False
            if seconds < BLOCKS_MIN_SECONDS + BLOCKS_SECONDS_PER_NONZERO * \
                    self.session.size["nonzeros"]:
                return None
            labels = self.block_labels()
            objective = self.plan_objective() if labels is not None else None
            if labels is not None and objective is not None:
                col_status, row_status = _status_numbers(self.plan_basis())
                # the whole LP goes before the blocks come: never both at once (held
                # again, from the plan's basis, only if the blocks cannot be used)
                self._let_go()
                made = HeldBlocks(self.held_arrays(), *labels, col_status, row_status,
                                  _options(self.settings), objective)
                if made.usable:
                    self._blocks = made
                else:
                    log.debug("the held LP's blocks do not add up to it: not used")
        return self._blocks if isinstance(self._blocks, HeldBlocks) else None

    def ranging(self) -> Any:
        """HiGHS's ranging of the last solve (None: not available): the bound ranges
        ``{col,row}_bound_{up,dn}``, each with ``value_`` and ``objective_`` as numpy
        arrays. (Read once: each read of a field of HiGHS's own record copies the whole
        list, which made a read per limit quadratic: 10 s at 50 lines x 12 periods.)"""
        try:
            status, found = self.h.getRanging()
        except Exception:  # ranging needs a simplex basis; without it, re-solves decide
            return None
        if status != highspy.HighsStatus.kOk:
            return None
        return SimpleNamespace(**{
            f"{kind}_bound_{way}": SimpleNamespace(
                value_=np.asarray(getattr(found, f"{kind}_bound_{way}").value_),
                objective_=np.asarray(getattr(found, f"{kind}_bound_{way}").objective_))
            for kind in ("col", "row") for way in ("up", "dn")})

    def held_bounds(self, kind: str, i: int) -> tuple[float, float]:
        if kind == "col":
            return float(self.col_lower[i]), float(self.col_upper[i])
        return float(self.row_lower[i]), float(self.row_upper[i])


# The held LP is re-solved in blocks only when its largest block has at most this share of
# its free columns: one block (a one-period case) would only add a second copy to solve.
BLOCK_MAX_SHARE = 0.5
# ... and only with this much time left for its jobs: making the blocks (each solved once at
# the plan) took 0.6 s at 500 x 12 (487,402 nonzeros), twice that is allowed for
BLOCKS_MIN_SECONDS = 0.2
BLOCKS_SECONDS_PER_NONZERO = 2.5e-6


def block_labels(held: ModelArrays) -> tuple[np.ndarray, np.ndarray] | None:
    """The independent blocks of a held LP: for each row and column, its block (-1: a
    held column, a free row, or a row whose columns are all held), or None when the LP
    does not split (its largest block has more than BLOCK_MAX_SHARE of the free columns).

    Blocks are the connected components of the free columns and the rows they share;
    those smaller than ``_held_blocks.SMALL_BLOCK`` rows and columns share one block."""
    from scipy.sparse import coo_matrix, csc_matrix
    from scipy.sparse.csgraph import connected_components

    free = np.flatnonzero(held.col_lower != held.col_upper)
    live = np.flatnonzero(~(np.isinf(held.row_lower) & np.isinf(held.row_upper)))
    if not len(free):
        return None
    matrix = csc_matrix((held.a_value, held.a_index, held.a_start),
                        shape=(len(held.row_lower), len(held.col_lower)))
    sub = matrix[:, free][live, :].tocoo()
    nr, nf = len(live), len(free)
    graph = coo_matrix((np.ones(sub.nnz), (sub.row, nr + sub.col)), shape=(nr + nf, nr + nf))
    count, label = connected_components(graph, directed=False)
    size = np.bincount(label, minlength=count)
    has_col = np.zeros(count, dtype=bool)
    has_col[label[nr:]] = True
    merged = np.where(has_col & (size < SMALL_BLOCK), count, np.arange(count))[label]
    merged = np.where(has_col[label], merged, -1)  # rows with only held columns: none
    kept, compact = np.unique(merged, return_inverse=True)
    compact = np.where(merged >= 0, compact - int((kept < 0).any()), -1)
    per_block = np.bincount(compact[nr:])
    if per_block.max() > BLOCK_MAX_SHARE * nf:
        return None
    row_block = np.full(len(held.row_lower), -1, dtype=np.int64)
    col_block = np.full(len(held.col_lower), -1, dtype=np.int64)
    row_block[live] = compact[:nr]
    col_block[free] = compact[nr:]
    return row_block, col_block


def _status_numbers(basis: Any) -> tuple[np.ndarray | None, np.ndarray | None]:
    """A HiGHS basis as status numbers per column and row (None, None: no valid one)."""
    if basis is None or not basis.valid:
        return None, None
    return (np.fromiter((s.value for s in basis.col_status), np.int8),
            np.fromiter((s.value for s in basis.row_status), np.int8))


# Held-LP re-solves are shared with worker processes (``HeldPool``) only for models this
# large and batches this long: below, starting a worker (Python, numpy, highspy, the
# model) costs more than the re-solves it would take over.
HELD_WORKER_MIN_NONZEROS = 20_000
HELD_WORKER_MIN_JOBS = 8
# A worker is ready after ~0.3 s on small models; the basis and the model it copies add
# about a second per million nonzeros, and making the held LP's blocks 1.2 s more (0.6 s
# at 500 x 12): it is not started with less time left than this.
HELD_WORKER_MIN_SECONDS = 2.0
HELD_WORKER_SECONDS_PER_NONZERO = 2.5e-6
HeldJob = dict[int, tuple[float, float]]  # column -> (lower, upper) for one re-solve


def _cores(threads: int) -> int:
    """The cores this process may use, at most ``threads`` when that is set (> 0)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    return min(cores, threads) if threads > 0 else cores


def held_workers(model: pyo.ConcreteModel, jobs: int, seconds: float,
                 threads: int = 0) -> int:
    """How many worker processes ``jobs`` held-LP re-solves within ``seconds`` get: one
    core is this process's, the others (at most three) each get a worker; none for a
    small model, a few jobs or a short time. ``threads``: the run's solver threads; a
    run held to one (``--threads 1``, each worker of a scenario pool) gets none, one held
    to N gets at most N - 1."""
    cores = _cores(threads)
    nonzeros = _session(model).size["nonzeros"]
    if cores < 2 or jobs < HELD_WORKER_MIN_JOBS or nonzeros < HELD_WORKER_MIN_NONZEROS \
            or seconds < HELD_WORKER_MIN_SECONDS + HELD_WORKER_SECONDS_PER_NONZERO * nonzeros:
        return 0
    return min(cores - 1, 3)


class _Workers:
    """Worker processes (optimizer/_held_worker.py) sharing one folder with the model's
    arrays and the run's HiGHS options: started, dropped when one fails, killed at
    ``close``. ``HeldPool`` and ``ReplanPool`` add what their jobs are."""

    what = "worker"  # in the log lines

    def __init__(self) -> None:
        self._procs: list[subprocess.Popen[str]] = []
        self._ready: set[int] = set()  # workers that said "ready"
        self._dropped: list[subprocess.Popen[str]] = []  # failed: killed, waited for at close
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    @property
    def workers(self) -> int:
        return len(self._procs)

    def _start_in_folder(self, workers: int, arrays: ModelArrays, options: dict[str, Any],
                         fill: Callable[[Path], None] | None = None,
                         nice: int = 0) -> None:
        """Write the folder (``fill`` adds files of its own) and start the workers, at
        ``nice`` lower priority. An OSError leaves no worker (this process does the jobs)."""
        try:
            self._folder = tempfile.TemporaryDirectory(prefix=SOLVER_TEMP_PREFIX)
            folder = Path(self._folder.name)
            (folder / "owner").write_text(str(os.getpid()))  # for sweep_solver_folders
            save_arrays(arrays, folder / "model.npz")
            if fill is not None:
                fill(folder)
            (folder / "options.json").write_text(json.dumps(
                {k: v for k, v in options.items() if k != "time_limit"}))
            for k in range(workers):
                with open(folder / f"stderr-{k}.txt", "w") as err:
                    proc = subprocess.Popen(
                        held_worker_command(folder),
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True,
                        encoding="utf-8", errors="replace")
                self._procs.append(proc)
                if nice:
                    with contextlib.suppress(OSError, AttributeError):
                        os.setpriority(os.PRIO_PROCESS, proc.pid, nice)
        except OSError as exc:
            log.debug("no %ss: %s", self.what, exc)
            self.close()

    def _ready_or_drop(self, proc: subprocess.Popen[str], wait: float | None = None) -> bool:
        """Whether ``proc`` has said "ready" (read once per worker, not once per batch);
        one that ends instead, or says nothing within ``wait`` seconds (then it is
        killed), is dropped."""
        if proc.pid in self._ready:
            return True
        with _kill_after(proc, wait) if wait is not None else contextlib.nullcontext():
            ready = _protocol_line(proc) == "ready"
        if not ready:
            self._drop(proc)
            return False
        self._ready.add(proc.pid)
        return True

    def _drop(self, proc: subprocess.Popen[str]) -> None:
        log.debug("a %s stopped (exit %s); its jobs go to the others", self.what, proc.poll())
        proc.kill()
        self._procs = [p for p in self._procs if p is not proc]
        self._dropped.append(proc)

    def close(self) -> None:
        """Stop the workers and remove their folder. A worker holds nothing to keep, so
        it is killed rather than asked to end: its interpreter's and HiGHS's teardown
        took 15 ms each, all of it on the explanations' clock."""
        for proc in self._procs + self._dropped:
            with contextlib.suppress(OSError):
                proc.kill()
        for proc in self._procs + self._dropped:
            proc.wait(timeout=30)
            for pipe in (proc.stdin, proc.stdout):
                with contextlib.suppress(OSError):
                    if pipe is not None:
                        pipe.close()
        self._procs, self._dropped = [], []
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class HeldPool(_Workers):
    """The held LP re-solved for a batch of independent bound changes, by this process's
    ``HeldLP`` and by worker processes holding a copy of it (optimizer/_held_worker.py).

    Each job starts from the plan (its bounds, and the plan's basis: ``_replan.from_plan``),
    so the answer is the same whichever copy solves it (the LP's optimum; only which jobs
    finish before the deadline depends on timing, as it does in one process). On two
    cores the explanations' per-line figures come about twice as fast at 500 lines and
    more, where each is a warm re-solve of hundreds of simplex iterations. A worker that
    fails is dropped and its job solved here.
    """

    what = "held-LP worker"

    def __init__(self, held: HeldLP, workers: int) -> None:
        super().__init__()
        self.held = held
        if workers > 0:
            self._start_in_folder(workers, held.session.arrays, _options(held.settings),
                                  fill=self._held_file)

    def _held_file(self, folder: Path) -> None:
        """held.npz: the held LP's bounds, and its basis (the worker starts warm, as
        HeldLP does)."""
        held = self.held
        basis = held.h.getBasis() if not len(held.extra) else None
        saved: dict[str, Any] = {"col_lower": held.col_lower, "col_upper": held.col_upper,
                                 "row_lower": held.row_lower, "row_upper": held.row_upper}
        if basis is not None and basis.valid:
            saved["col_status"], saved["row_status"] = _status_numbers(basis)
            # the blocks the worker re-solves per-line jobs in, and the optimum they must
            # add up to (HeldLP.blocks)
            labels = held.block_labels()
            objective = held.plan_objective() if labels is not None else None
            if labels is not None and objective is not None:
                saved.update(row_block=labels[0], col_block=labels[1],
                             objective=np.array([objective]))
        np.savez(folder / "held.npz", **saved)

    def solve_all(self, jobs: list[HeldJob], deadline: float,
                  limit: Callable[[], float]) -> list[tuple[float | None, bool] | None]:
        """Per job: the held LP's objective with those column bounds (None: no optimum)
        and whether its re-solve was stopped by the time limit; None for a job not
        started by ``deadline`` (``time.perf_counter()``). Jobs start in order; each gets
        ``limit()`` seconds."""
        results: list[tuple[float | None, bool] | None] = [None] * len(jobs)
        lock = threading.Lock()
        queue_ = list(range(len(jobs)))[::-1]  # popped from the end: in order

        def take() -> int | None:
            with lock:
                return queue_.pop() if queue_ and time.perf_counter() <= deadline else None

        def give_back(i: int) -> None:
            with lock:
                queue_.append(i)

        threads = [threading.Thread(target=self._serve, args=(p, jobs, results, take,
                                                              give_back, limit),
                                    name="chainopt-held", daemon=True)
                   for p in self._procs]
        def here() -> None:
            while (i := take()) is not None:
                objective = self.held.solve(jobs[i], time_limit=limit(), from_plan=True)
                results[i] = (objective, self.held.timed_out)

        for t in threads:
            t.start()
        here()
        for t in threads:
            t.join()
        here()  # jobs given back by a worker that failed
        return results

    def _serve(self, proc: subprocess.Popen[str], jobs: list[HeldJob],
               results: list[tuple[float | None, bool] | None],
               take: Callable[[], int | None], give_back: Callable[[int], None],
               limit: Callable[[], float]) -> None:
        """One worker's share: jobs taken one at a time until none is left."""
        assert proc.stdin is not None and proc.stdout is not None
        if not self._ready_or_drop(proc):
            return
        while (i := take()) is not None:
            try:
                proc.stdin.write(json.dumps({"cols": [[c, lo, up] for c, (lo, up)
                                                      in jobs[i].items()],
                                             "limit": limit(), "from_plan": True}) + "\n")
                proc.stdin.flush()
                answer = json.loads(_protocol_line(proc) or "null")
            except (OSError, ValueError):
                answer = None
            if not isinstance(answer, dict):  # the worker failed: this process does it
                give_back(i)
                self._drop(proc)
                return
            objective = answer.get("objective")
            results[i] = (None if objective is None else float(objective),
                          bool(answer.get("timed_out")))


# MILP re-plans are shared with a worker process (``ReplanPool``) only for models up to
# this size (each worker holds a copy of the MILP in HiGHS; from 500 synthetic lines x 12
# periods, 487,402 nonzeros, the held figures of every line use up the explanations' time
# before any re-plan starts: bench/bench_explain.py), with at least this many candidate
# lines and this much time for the explanations (a worker is ready after ~0.2-0.3 s:
# numpy, highspy and the model).
REPLAN_WORKER_MAX_NONZEROS = 250_000
REPLAN_WORKER_MIN_LINES = 4
REPLAN_WORKER_MIN_SECONDS = 1.0
# A re-plan in a worker that has not answered this long after the seconds it was given
# is stopped by killing the worker: HiGHS's own limit is soft. The seconds given end
# this long before the explanations' deadline (HiGHS itself gets nine tenths of them), so
# the kill lands by the deadline and costs no line that could still have started, only
# one that would answer late.
# (It was 1 s plus a fifth of the seconds: at 50 lines x 1 period a re-plan given 0.26 s
# then answered after 0.93 s, a sub-MIP of HiGHS's root reduced-cost heuristic not
# looking at the clock, and the explanations ended 0.7 s past their aim in one run of
# three.)
REPLAN_WORKER_GRACE = 0.1
# Re-plan workers run at this much lower priority (``os.setpriority``), see ReplanPool.
REPLAN_WORKER_NICE = 10


def replan_workers(model: pyo.ConcreteModel, lines: int, seconds: float,
                   threads: int = 0) -> int:
    """How many worker processes the explanations' MILP re-plans of ``lines`` candidate
    lines within ``seconds`` get: one per core (at most four; this process only waits for
    them, ``ReplanPool``), none on one core, for a large model, a few lines or a short
    time. ``threads`` as in ``held_workers``."""
    cores = _cores(threads)
    if cores < 2 or lines < REPLAN_WORKER_MIN_LINES or seconds < REPLAN_WORKER_MIN_SECONDS \
            or not _replan_copies_pay(model):
        return 0
    return min(cores, 4)


def _replan_copies_pay(model: pyo.ConcreteModel) -> bool:
    """Whether another copy of the model is worth its memory for the re-plans (a worker's
    MILP, the warm relaxation): up to REPLAN_WORKER_MAX_NONZEROS."""
    return _session(model).size["nonzeros"] <= REPLAN_WORKER_MAX_NONZEROS


class ReplanPool(_Workers):
    """The explanations' MILP re-plans, one per line, run by worker processes holding a
    copy of the MILP (optimizer/_held_worker.py), or by this process on its kept Highs
    when there is no worker (one core, ``--threads 1``, a large model) or none is left.

    Each re-plan starts from the model's own bounds and its own partial plan, so it is the
    same whichever process runs it (optimizer/_replan.py ``replan_line`` in both); only
    which lines finish before the deadline depends on timing. The workers are started
    when the pool is made, so that they load while the explanations' LP steps run. A
    worker that fails is dropped and its line re-planned by another, or here; one whose
    re-plan overruns its seconds by more than REPLAN_WORKER_GRACE is killed
    and that line keeps its held-plan bound. So with workers every re-plan is bounded in
    time (HiGHS's own limit is soft), which a re-plan in this process cannot be: here it
    is only guarded (optimizer/_replan.py ``PER_RELAXATION``). That is why this process
    takes no line while a worker is alive, unless ``share`` (it then takes lines too).
    """

    what = "re-plan worker"

    def __init__(self, model: pyo.ConcreteModel, settings: SolveSettings,
                 workers: int, share: bool = False) -> None:
        super().__init__()
        self.model, self.settings, self.share = model, settings, share
        self.killed = 0  # re-plans stopped by a kill (tests, bench)
        if workers > 0:
            # One HiGHS thread per worker: the processes are the parallelism, and HiGHS's
            # own threads would compete with them for the cores. (This process keeps the
            # run's count: changing it resets HiGHS's scheduler.) They start while this
            # process computes the two-sided values and the held figures, which need both
            # cores as much: at a lower priority their loading (0.2-0.3 s of CPU each)
            # waits for idle time instead of slowing those down (bundled case: two-sided
            # values 0.33 s alone, 0.46 s beside two workers at normal priority).
            self._start_in_folder(workers, _session(model).arrays,
                                  {**_options(settings), "threads": 1},
                                  nice=REPLAN_WORKER_NICE)

    def run(self, count: int, job: Callable[[int], _replan.LineJob], deadline: float,
            learn: bool = False) -> list[_replan.LineAnswer | None]:
        """The answer of each of ``count`` jobs (``job(k)`` makes job k when it starts);
        None for one not started by ``deadline`` (``time.perf_counter()``). Jobs start in
        order, each with the seconds left. ``learn``: once a MILP re-plan has been timed,
        none starts with less time left than it took (half as much again when it was
        cut short)."""
        results: list[_replan.LineAnswer | None] = [None] * count
        lock = threading.Lock()
        queue_ = list(range(count))[::-1]  # popped from the end: in order
        expected = [0.0]

        def take(margin: float = 0.0) -> tuple[int, float, float] | None:
            """The next job, the seconds left for it (until ``margin`` before the
            deadline) and the seconds the last MILP re-plan took; None: no job or time
            left."""
            with lock:
                left = deadline - margin - time.perf_counter()
                if not queue_ or left < _replan.MIN_SECONDS:
                    return None
                return queue_.pop(), left, expected[0]

        def record(i: int, answer: _replan.LineAnswer) -> None:
            results[i] = answer
            if learn and answer.milp_seconds is not None:
                with lock:
                    expected[0] = answer.milp_seconds * (
                        1.5 if answer.milp_status == _replan.FEASIBLE else 1.0)

        def give_back(i: int) -> None:
            with lock:
                queue_.append(i)

        replan_here: list[Callable[[_replan.LineJob, float, float], _replan.LineAnswer]] = []

        def here() -> None:
            while (got := take()) is not None:
                if not replan_here:  # the kept Highs gets the run's options once
                    replan_here.append(replan_lines_here(self.model, self.settings))
                i, left, expect = got
                record(i, replan_here[0](job(i), left, expect))

        threads = [threading.Thread(target=self._serve, args=(p, job, take, record,
                                                              give_back, deadline),
                                    name="chainopt-replan", daemon=True)
                   for p in self._procs]
        for t in threads:
            t.start()
        if self.share or not threads:
            here()
        for t in threads:
            t.join()
        if self.share or not self._procs:
            # lines given back by workers that failed, when none is left (a live worker
            # that stopped taking lines left the last tenth of a second unused on
            # purpose: a re-plan here started then overran it, 0.2-0.3 s at 50 x 12)
            here()
        return results

    def _serve(self, proc: subprocess.Popen[str], job: Callable[[int], _replan.LineJob],
               take: Callable[[float], tuple[int, float, float] | None],
               record: Callable[[int, _replan.LineAnswer], None],
               give_back: Callable[[int], None], deadline: float) -> None:
        """One worker's share: lines taken one at a time until none is left."""
        assert proc.stdin is not None and proc.stdout is not None
        # a worker that is not ready by the deadline is of no use: stopped
        if not self._ready_or_drop(
                proc, max(deadline - time.perf_counter(), 0.0) + REPLAN_WORKER_GRACE):
            return
        # each line's seconds end REPLAN_WORKER_GRACE before the deadline, so that a
        # worker killed for overrunning them is killed by the deadline
        while (got := take(REPLAN_WORKER_GRACE)) is not None:
            i, left, expect = got
            limit = left + REPLAN_WORKER_GRACE
            answer: Any = None
            try:
                with _kill_after(proc, limit) as fired:
                    proc.stdin.write(json.dumps({"kind": "replan", "job": job(i).to_json(),
                                                 "seconds": left, "expected": expect}) + "\n")
                    proc.stdin.flush()
                    answer = json.loads(_protocol_line(proc) or "null")
            except (OSError, ValueError):
                answer = None
            if not isinstance(answer, dict):
                if fired.is_set():  # overran: killed, and the line keeps its bound
                    self.killed += 1
                    record(i, _replan.LineAnswer(_replan.SKIPPED))
                else:  # the worker failed: this process re-plans the line
                    give_back(i)
                self._drop(proc)
                return
            record(i, _replan.LineAnswer.from_json(answer))


@contextlib.contextmanager
def _kill_after(proc: subprocess.Popen[str], seconds: float) -> Any:
    """Kill ``proc`` if the block has not ended within ``seconds``; yields an Event that
    is set when it was killed."""
    fired = threading.Event()

    def kill() -> None:
        fired.set()
        with contextlib.suppress(OSError):
            proc.kill()

    timer = threading.Timer(max(seconds, 0.0), kill)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


def held_worker_command(folder: Path) -> list[str]:
    return [sys.executable, "-m", "optimizer._held_worker", str(folder)]


def _protocol_line(proc: subprocess.Popen[str]) -> str | None:
    """The next protocol line of a worker (None: it ended)."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(PREFIX):
            return line[len(PREFIX):].rstrip("\n")
    return None


@dataclass
class Replan:
    """A MILP solve of ``CutSearch`` (the explanations' re-plans are optimizer/_replan.py's
    ``Changed``: their statuses cross a pipe as strings)."""

    status: SolveStatus
    objective: float | None  # the best plan found (None: none)
    bound: float | None  # the best possible (dual bound); = objective when proven
    seconds: float
    values: np.ndarray | None = None  # the plan's values of the columns asked for


def column_indices(model: pyo.ConcreteModel, variables: list[Any]) -> list[int | None]:
    """The HiGHS column of each Pyomo variable (None: not in the model)."""
    session = _session(model)
    col_of: dict[int, int] | None = getattr(session, "_col_of", None)
    if col_of is None:
        col_of = {id(v): i for i, v in enumerate(session.columns)}
        session._col_of = col_of  # type: ignore[attr-defined]
    return [col_of.get(id(v)) for v in variables]


_STATUS = {_replan.OPTIMAL: SolveStatus.OPTIMAL, _replan.FEASIBLE: SolveStatus.FEASIBLE,
           _replan.NO_SOLUTION: SolveStatus.NO_SOLUTION,
           _replan.INFEASIBLE: SolveStatus.INFEASIBLE,
           _replan.UNBOUNDED: SolveStatus.UNBOUNDED}


def solve_status(code: str) -> SolveStatus:
    """The ``SolveStatus`` of a status string of optimizer/_replan.py."""
    return _STATUS[code]


def _after_run(h: highspy.Highs, unbounded: SolveStatus | None,
               ) -> tuple[SolveStatus, float | None, Any]:
    """An in-process re-solve's status, its objective when it has a plan, and HiGHS's
    info. ``unbounded``: the status an unbounded model gets (None: it counts as having
    no plan, or as feasible when HiGHS holds one)."""
    code, objective, info = _replan.run_status(
        h, None if unbounded is None else _replan.UNBOUNDED)
    status = unbounded if code == _replan.UNBOUNDED and unbounded is not None \
        else _STATUS[code]
    return status, objective, info


def _relaxed_lp(arrays: ModelArrays, settings: SolveSettings) -> _replan.RelaxedLP:
    lp = make_highs(arrays, relax_integers=True)
    apply_options(lp, settings)
    return _replan.RelaxedLP(lp, arrays.col_lower, arrays.col_upper)


def replan_lines_here(model: pyo.ConcreteModel, settings: SolveSettings
                      ) -> Callable[[_replan.LineJob, float, float], _replan.LineAnswer]:
    """A function that runs one line's re-plan (optimizer/_replan.py ``replan_line``) on
    this process's kept Highs: (job, seconds, expected) -> answer.

    Up to REPLAN_WORKER_MAX_NONZEROS, as in a worker, the relaxation is kept warm on a
    Highs of its own (``RelaxedLP``, made at the first re-plan), so that a run with
    ``--threads 1`` states the figures a run with workers does. Above it, a second copy
    of a large model is not worth its memory (the re-plans rarely start there): the
    relaxation is solved on the kept Highs."""
    session = _session(model)
    h, arr = session.highs, session.arrays
    ints = arr.integer_indices()
    apply_options(h, settings)
    relaxation: list[_replan.RelaxedLP | None] = []

    def run(job: _replan.LineJob, seconds: float, expected: float) -> _replan.LineAnswer:
        if not relaxation:
            relaxation.append(_relaxed_lp(arr, settings) if _replan_copies_pay(model)
                              else None)
        return _replan.replan_line(h, arr.col_lower, arr.col_upper, ints, job, seconds,
                                   expected, relaxation[0])

    return run


class CutSearch:
    """The solved MILP on a HiGHS instance of its own, for searches that add rows to it
    (the closest alternatives' no-good cuts, optimizer/alternatives.py).

    The instance is passed the session's arrays once: nothing is built or compiled again,
    and the run's own instance (its basis, the explanations' state) is left alone. Rows
    added stay for later solves. Bounds are the run's model's, so lines a caller held
    built (the nightly's approved lines, ``hold_built``) stay held.
    """

    def __init__(self, model: pyo.ConcreteModel, held: bool = False) -> None:
        self.model = model
        self.session = _session(model)
        self._h: highspy.Highs | None = None
        # held: an LP only (``complete``), never a MILP: integrality dropped once, the
        # valid inequalities lifted (implied with every build decision held, as in the
        # explanations' HeldLP), warm from the held LP's basis that marginal_values kept
        self.held = held
        self.ints = self.session.arrays.integer_indices()
        # read here, in the thread that prepares the search, while the model holds the
        # run's plan (the search runs in a thread beside the writer, which reads the
        # model): every integer column's value in that plan, and the rows to lift
        self.plan_integers = np.array(
            [round(self.session.columns[i].value or 0.0) for i in self.ints],
            dtype=float) if held else np.zeros(0)
        self._lifted = _rows_named(self.session, VALID_INEQUALITIES) if held \
            else np.zeros(0, np.int32)
        self._basis = getattr(self.session, "_held_basis", None) if held else None

    @property
    def h(self) -> highspy.Highs:
        """The instance, passed the model on first use: in the thread that searches
        (optimizer/alternatives.py ``AlternativesJob``), not in the one that prepared it."""
        if self._h is None:
            arr = self.session.arrays
            h = make_highs(arr, relax_integers=self.held)
            h.setOptionValue("output_flag", False)
            if self.held:
                lifted = self._lifted
                if len(lifted):
                    h.changeRowsBounds(len(lifted), lifted,  # type: ignore[attr-defined]
                                       np.full(len(lifted), -highspy.kHighsInf),
                                       np.full(len(lifted), highspy.kHighsInf))
                h.setOptionValue("presolve", "off")
                if self._basis is not None and self._basis.valid:
                    h.setBasis(self._basis)
            self._h = h
        return self._h

    def complete(self, integers: np.ndarray, seconds: float
                 ) -> tuple[float, np.ndarray] | None:
        """The best plan with every integer column at ``integers`` (in the order of
        ``ints``): the LP with them held, warm from the last one (the first from the
        explanations' held LP, which differs from it in a line or two). Returns its net
        value and every column's value; None when no plan has those build decisions, one
        of them lies outside the model's own bounds (a line the run holds built: the
        explanations close it all the same, to say what it costs) or none was found
        within ``seconds``. Only on a ``held`` search."""
        assert self.held, "complete() needs CutSearch(model, held=True)"
        arr = self.session.arrays
        if np.any(integers < arr.col_lower[self.ints] - 1e-9) or \
                np.any(integers > arr.col_upper[self.ints] + 1e-9):
            return None
        h = self.h
        h.setOptionValue("time_limit", _replan.run_time_limit(h, float(seconds)))
        if len(self.ints):
            h.changeColsBounds(len(self.ints), self.ints, integers, integers)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return (float(h.getInfo().objective_function_value),
                np.asarray(h.getSolution().col_value, dtype=float))

    def column(self, var: Any) -> int | None:
        return column_indices(self.model, [var])[0]

    def columns(self, variables: list[Any]) -> list[int | None]:
        return column_indices(self.model, variables)

    def add_row(self, lower: float, columns: np.ndarray, values: np.ndarray) -> None:
        """Add the row ``lower <= sum(values x columns)`` (no upper side)."""
        idx = np.asarray(columns, dtype=np.int32)
        self.h.addRow(float(lower), highspy.kHighsInf, len(idx), idx,
                      np.asarray(values, dtype=float))

    def solve(self, settings: SolveSettings, presolve: bool = False,
              start: tuple[np.ndarray, np.ndarray] | None = None) -> Replan:
        """Solve the MILP with the rows added so far, within ``settings.time_limit``;
        ``values`` of the result are every column's (None: no plan). ``start``: a partial
        plan (column indices, values) HiGHS completes and starts from when it can."""
        h = self.h
        began = time.perf_counter()
        apply_options(h, settings)
        h.setOptionValue("time_limit", _replan.run_time_limit(h, float(settings.time_limit)))
        # as for the re-plans (_replan.run_changed): presolve costs more than it saves
        h.setOptionValue("presolve", "choose" if presolve else "off")
        if start is not None:
            h.setSolution(len(start[0]), np.asarray(start[0], dtype=np.int32),
                          np.asarray(start[1], dtype=float))
        h.run()
        # rows were added to a MILP with a bounded optimum: never unbounded, only no plan
        status, objective, _info = _after_run(h, None)
        has_plan = objective is not None
        values = np.asarray(h.getSolution().col_value, dtype=float) if has_plan else None
        bound = objective if status is SolveStatus.OPTIMAL else None
        return Replan(status, objective, bound, time.perf_counter() - began, values)

    def load(self, values: np.ndarray, save: bool = True) -> list[tuple[Any, Any]]:
        """Put a plan's values into the model's variables (integers rounded); returns the
        values they had (with ``save``; else nothing), for ``restore``."""
        saved = [(v, v.value) for v in self.session.columns] if save else []
        _load(self.session, values)
        return saved

    @staticmethod
    def restore(saved: list[tuple[Any, Any]]) -> None:
        for var, value in saved:
            var.set_value(value, skip_validation=True)
