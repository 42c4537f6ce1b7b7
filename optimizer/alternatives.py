"""Alternative plans and trade-offs: re-solves of the MILP with extra constraints.

- ``alternatives``: distinct build sets within a tolerance of the best net value, found in
  order of net value by no-good cuts: after each plan with build set S,

  .. math:: \\sum_{l \\in S} (1 - y_l) + \\sum_{l \\notin S} y_l \\ge 1, \\qquad
      y_l = \\sum_p b_{l,p}

  is added (some line must change), with net value >= best - tolerance x |best|.
- ``tradeoff``: the Pareto front of net value against a second measure (jobs, recovered
  waste or local share) by the epsilon-constraint method: for k targets e between the
  second measure at the best-net-value plan and its largest possible value, maximise net
  value subject to measure >= e, then (lexicographically) the measure at that net value,
  so each point is not dominated. Dominated or repeated points are dropped.

Both go through optimizer/solve.py (solve_model), like every solve.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyomo.core as pyo

from models.chain import constraints as c
from models.chain.data import ChainData
from models.chain.formulation import build_model
from optimizer.solve import CutSearch, SolveResult, SolveSettings, SolveStatus, solve_model

MEASURES = ("net_value", "jobs", "recovered", "local_share")


@dataclass
class Plan:
    net_value: float
    jobs: float
    recovered: float
    local_share: float
    built: list[str]
    added: list[str] = field(default_factory=list)  # against the best plan
    dropped: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _built(m: pyo.ConcreteModel, d: ChainData) -> set[str]:
    out = {line for (line, _p), v in m.build.items() if (v.value or 0) > 0.5}
    return out | set(d.lines_existing)


def _measure(m: pyo.ConcreteModel, d: ChainData, name: str) -> Any:
    """A measure of a plan as a Pyomo expression (local share: its numerator and
    denominator are handled by ``_share_at_least``)."""
    last = d.last_period
    if name == "net_value":
        return m.net_value.expr
    if name == "jobs":
        return sum(d.jobs[line] * c.is_open(m, line, last) for line in d.lines)
    if name == "recovered":
        return sum(m.recipe_input[line, k, mat, last] for line, k, mat in m.ix.recovered_inputs)
    raise ValueError(name)


def _local(m: pyo.ConcreteModel, d: ChainData) -> tuple[Any, Any]:
    last = d.last_period
    local = sum(d.source_price[o, last] * m.purchase[o, last] for o in m.ix.sources_in[last]
                if d.source_local[o])
    total = sum(d.source_price[o, last] * m.purchase[o, last] for o in m.ix.sources_in[last])
    return local, total


def _plan(m: pyo.ConcreteModel, d: ChainData, best: set[str] | None = None,
          net_value: float | None = None) -> Plan:
    """The plan loaded in ``m``'s variables; ``net_value``: its net value when the
    solver already gave it (else the objective is evaluated)."""
    built = _built(m, d)
    local, total = (pyo.value(e) for e in _local(m, d))
    rec = pyo.value(_measure(m, d, "recovered"))
    plan = Plan(float(pyo.value(m.net_value)) if net_value is None else float(net_value),
                float(pyo.value(_measure(m, d, "jobs"))),
                float(rec),
                float(local / total) if total > 1e-9 else 1.0, sorted(built))
    if best is not None:
        plan.added, plan.dropped = sorted(built - best), sorted(best - built)
    return plan


class _PlanReader:
    """A plan's ``Plan`` figures read from HiGHS's column values, without loading them
    into the model: the closest alternatives' search runs beside the results writer
    (``AlternativesJob``), so it must not change the model's variables under it.

    Each measure is linear in the columns: compiled once (Pyomo's standard form of the
    expressions ``_plan`` evaluates) to columns, coefficients and a constant; a variable
    without a column (held out of the solver's model) counts at its current value."""

    def __init__(self, m: pyo.ConcreteModel, d: ChainData, columns: Callable[[list[Any]],
                 list[int | None]]) -> None:
        keys = list(m.build)
        found = columns([m.build[k] for k in keys])
        self.build: dict[str, list[int]] = {}
        self.fixed_built = set(d.lines_existing)
        for (line, p), col in zip(keys, found, strict=True):
            if col is not None:
                self.build.setdefault(line, []).append(col)
            elif (m.build[line, p].value or 0.0) > 0.5:
                self.fixed_built.add(line)
        local, total = _local(m, d)
        self.linear = {name: self._compile(expr, columns) for name, expr in (
            ("jobs", _measure(m, d, "jobs")), ("recovered", _measure(m, d, "recovered")),
            ("local", local), ("total", total))}

    @staticmethod
    def _compile(expr: Any, columns: Callable[[list[Any]], list[int | None]]
                 ) -> tuple[np.ndarray, np.ndarray, float]:
        from pyomo.repn import generate_standard_repn

        if isinstance(expr, int | float):
            return np.zeros(0, dtype=np.int64), np.zeros(0), float(expr)
        repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
        constant = float(repn.constant or 0.0)
        cols: list[int] = []
        coefs: list[float] = []
        for var, coef, col in zip(repn.linear_vars, repn.linear_coefs,
                                  columns(list(repn.linear_vars)), strict=True):
            if col is None:
                constant += float(coef) * float(var.value or 0.0)
            else:
                cols.append(col)
                coefs.append(float(coef))
        return np.asarray(cols, dtype=np.int64), np.asarray(coefs, dtype=float), constant

    def value(self, name: str, x: np.ndarray) -> float:
        cols, coefs, constant = self.linear[name]
        return constant + float(coefs @ x[cols]) if len(cols) else constant

    def plan(self, x: np.ndarray, net_value: float, best: set[str]) -> Plan:
        built = self.fixed_built | {line for line, cols in self.build.items()
                                    if any(x[c] > 0.5 for c in cols)}
        local, total = self.value("local", x), self.value("total", x)
        return Plan(float(net_value), self.value("jobs", x), self.value("recovered", x),
                    local / total if total > 1e-9 else 1.0, sorted(built),
                    sorted(built - best), sorted(best - built))


class _Clock:
    """The whole command's time limit: each solve gets what is left (less ``reserve``: the
    solver process's start-up), and none starts when less than ``least`` is left."""

    def __init__(self, d: ChainData, time_limit: float | None, reserve: float = 1.0,
                 least: float = 1.0) -> None:
        self.deadline = time.perf_counter() + float(
            d.time_limit if time_limit is None else time_limit)
        self.reserve, self.least = reserve, least

    def settings(self) -> SolveSettings | None:
        left = self.deadline - time.perf_counter() - self.reserve
        if left < self.least:
            return None
        return SolveSettings(time_limit=left, mip_gap=1e-6, grace=0.5)


OUT_OF_TIME = "the time limit ran out: the list may be incomplete"


def alternatives(d: ChainData, n: int = 5, within: float = 0.02,
                 time_limit: float | None = None) -> tuple[Plan | None, list[Plan], str]:
    """The best plan and up to n distinct build sets within ``within`` (relative) of its
    net value, best first. Returns (best, alternatives, note)."""
    clock = _Clock(d, time_limit)
    settings = clock.settings()
    assert settings is not None
    m = build_model(d)
    solved = solve_model(m, settings)
    if not solved.status.has_plan:
        return None, [], solved.describe()
    best_set = _built(m, d)
    best = _plan(m, d)
    floor = best.net_value - within * abs(best.net_value)
    m.alt_floor = pyo.Constraint(expr=m.net_value.expr >= floor - 1e-6 * (1 + abs(floor)))
    found, note = _next_plans(m, d, best_set, n, clock)
    return best, found, note


def _next_plans(m: pyo.ConcreteModel, d: ChainData, best_set: set[str], n: int,
                clock: _Clock, solve: Callable[[pyo.ConcreteModel, SolveSettings],
                                                SolveResult] = solve_model,
                ) -> tuple[list[Plan], str]:
    """Up to n build sets after ``best_set``, best first, by no-good cuts on ``m``;
    ``solve``: solve_model (a solver process under the watchdog) for the commands. (A
    normal run's short look, ``closest_alternatives``, adds the same cuts as rows.)"""
    m.no_good = pyo.ConstraintList()
    found: list[Plan] = []
    current = best_set
    candidates = [line for line in d.lines if line not in d.lines_existing
                  and m.ix.build_periods.get(line)]
    note = ""
    while candidates and len(found) < n:  # without candidates there is one build set
        y = {line: sum(m.build[line, p] for p in m.ix.build_periods[line])
             for line in candidates}
        m.no_good.add(sum(1 - y[ln] for ln in candidates if ln in current)
                      + sum(y[ln] for ln in candidates if ln not in current) >= 1)
        step = clock.settings()
        if step is None:
            note = OUT_OF_TIME
            break
        solved = solve(m, step)
        if solved.status is SolveStatus.INFEASIBLE:
            break
        if not solved.status.has_plan:
            note = f"stopped early: {solved.describe()}"
            break
        if solved.status is not SolveStatus.OPTIMAL:
            note = "a solve stopped at its time limit: later plans may be out of order"
        plan = _plan(m, d, best_set)
        found.append(plan)
        current = set(plan.built)
    return found, note


@dataclass
class RunAlternatives:
    """The closest alternatives of a normal run (optimizer/pipeline.py), for the
    Alternatives sheet. ``note``: "" (complete), "time" (the budget ran out after
    ``plans``), "skipped" (no time was left to look), "none" (no other build set has a
    plan) or "held" (too little time for the search's MILPs: ``plans`` are the best plans
    of the build sets the explanations found with one or two lines changed, see
    ``closest_alternatives``)."""

    best: Plan | None
    plans: list[Plan]
    note: str
    seconds: float = 0.0


RUN_COUNT = 3  # alternatives a normal run looks for
RUN_SECONDS = 30.0  # at most this long, and never past the run's time limit
RUN_MIN_SECONDS = 3.0  # with less left of the run's time limit, the run does not look
# Each alternative is an exact MILP solve (gap 1e-6, so that the list is in order), far
# harder than the run's own solve at its gap: at 50 lines x 12 periods three took 22 s
# after a 3.8 s solve. Like the explanations (optimizer/explain.py EXPLAIN_SHARE and
# EXPLAIN_FLOOR, issue 12), a run's search aims at a quarter of the solve's time or 2 s,
# whichever is larger (``run_aim``); `chainopt alternatives` has the whole time limit.
RUN_SHARE = 0.25
RUN_FLOOR = 2.0
# A search solve runs in this process (CutSearch): none is started with less than this
# left of the aim (HiGHS's limit is soft, so a shorter one rarely finishes).
RUN_LEAST = 0.1


# The search's MILPs (each with a cut the root LP must respect, without presolve, which
# costs them more than it saves) need about as long as the run's own solve, and HiGHS
# sets each up (and completes its partial start with an LP) before it first looks at its
# clock: at 50 lines x 12 periods a search solve given 1.5-2 s ran 2.1-3.6 s and ended at
# its root, with no node. So a run searches by MILPs only when its aim is at least
# MILP_SHARE x the solve's seconds; below, it lists the best plans of the build sets the
# explanations found with a line or two changed (one warm LP each: 0.3 s at 50 x 12).
MILP_SHARE = 1.0


def run_aim(solve_seconds: float | None) -> float:
    """Seconds a run's search for alternatives aims at, given the solve's seconds."""
    return max(RUN_FLOOR, RUN_SHARE * float(solve_seconds or 0.0))


def closest_alternatives(model: pyo.ConcreteModel, d: ChainData, seconds: float,
                         n: int = RUN_COUNT, aim: float | None = None,
                         solve_seconds: float | None = None) -> RunAlternatives:
    """The next ``n`` build sets after the plan loaded in ``model`` (the run's best), best
    first, by the same no-good cuts as ``alternatives``, at most ``seconds`` (what is left
    of the run's time limit) and, with ``aim``, no solve started after that many seconds.
    A search cut short keeps the plans found (each is still the best with its set, and
    they are in order): its note is "time".

    Cheap: no re-solve of the best plan, no second model: the run's compiled model is
    passed to a HiGHS instance of its own (solve.py's ``CutSearch``) and each cut is one
    row added to it, so nothing is built or compiled again (before: a fresh Pyomo model,
    compiled anew for every plan). The run's model, its variables' values and its solver
    instance are left as they were: each plan's figures are read from HiGHS's values
    (``_PlanReader``), never loaded into the model. Each search starts from the best plan
    the explanations found with one line changed (``held_starts``), when there is one
    that no cut excludes.

    With ``solve_seconds`` (the run's solve) and an aim shorter than MILP_SHARE x that,
    there is no time for the MILPs: the list is then the best plan of each build set the
    explanations found with one or two lines changed (``held_starts``, best first), each
    exact for its set (the LP with its build decisions held), note "held". Sets the
    explanations did not try may lie between them."""
    prepared = _prepare_search(model, d, seconds, aim, solve_seconds)
    if isinstance(prepared, RunAlternatives):
        return prepared
    return _search(prepared, n=n)


@dataclass
class _Prepared:
    """What a search reads from the model, read before it starts (``_prepare_search``)."""

    search: CutSearch  # its own HiGHS instance (a MILP, or the held LP when not ``milp``)
    reader: _PlanReader
    cols: dict[str, list[tuple[str, int]]]  # (period, column) of each line's build decisions
    starts: list[tuple[float, dict[str, str]]]  # held_starts: the explanations' build sets
    at_best: dict[str, str]  # the period each line is built in at the best plan ("": not)
    best: Plan
    clock: _Clock
    began: float
    milp: bool  # MILPs with no-good cuts; else the held starts' plans (note "held")


def _prepare_search(model: pyo.ConcreteModel, d: ChainData, seconds: float,
                    aim: float | None, solve_seconds: float | None = None,
                    ) -> _Prepared | RunAlternatives:
    """Everything the search reads from the model, read now (the model holds the run's
    plan): its own HiGHS instance, the columns, the starts, the best plan's figures."""
    began = time.perf_counter()
    if seconds < RUN_MIN_SECONDS:
        return RunAlternatives(None, [], "skipped")
    best = _plan(model, d)
    limit = seconds if aim is None else min(seconds, aim)
    # in this process: no solver process to start, so no reserve
    clock = _Clock(d, limit, reserve=0.0, least=RUN_LEAST)
    starts = held_starts(model)
    milp = solve_seconds is None or not starts or limit >= MILP_SHARE * solve_seconds
    candidates = [line for line in d.lines if line not in d.lines_existing
                  and model.ix.build_periods.get(line)]
    search = CutSearch(model, held=not milp)
    cols = {line: [(p, c) for p in model.ix.build_periods[line]
                   if (c := search.column(model.build[line, p])) is not None]
            for line in candidates}
    at_best = {line: next((p for p in model.ix.build_periods[line]
                           if (model.build[line, p].value or 0.0) > 0.5), "")
               for line in candidates}
    reader = _PlanReader(model, d, search.columns)
    return _Prepared(search, reader, cols, starts, at_best, best, clock, began, milp)


def _search(p: _Prepared, n: int = RUN_COUNT,
            cancel: threading.Event | None = None) -> RunAlternatives:
    """The no-good-cut loop of ``closest_alternatives`` (or, without time for it, the
    held starts' plans: ``_held_plans``): reads nothing from the model (``p`` has what it
    needs), so it may run in a thread beside other work."""
    if not p.milp:
        return _held_plans(p, n, cancel)
    search, cols, best, clock = p.search, p.cols, p.best, p.clock
    best_set = set(best.built)
    found: list[Plan] = []
    seen: list[frozenset[str]] = [frozenset(best_set)]
    current, why = best_set, ""
    while cols and len(found) < n:  # without candidates there is one build set
        _add_no_good(search, cols, current)
        step = clock.settings()
        if step is None or (cancel is not None and cancel.is_set()):
            why = OUT_OF_TIME
            break
        solved = search.solve(step, start=_start(p.starts, seen, cols, p.at_best))
        if solved.status is SolveStatus.INFEASIBLE:
            break
        if not solved.status.has_plan or solved.values is None or solved.objective is None:
            why = "stopped early"
            break
        if solved.status is not SolveStatus.OPTIMAL:
            why = "a solve stopped at its time limit: later plans may be out of order"
        # HiGHS's objective is the net value (evaluating Pyomo's expression for it took
        # longer than the search's re-solve on the bundled case)
        plan = p.reader.plan(solved.values, solved.objective, best_set)
        found.append(plan)
        current = set(plan.built)
        seen.append(frozenset(current))
    note = "time" if why else ("none" if not found else "")
    return RunAlternatives(best, found, note, time.perf_counter() - p.began)


def _held_plans(p: _Prepared, n: int, cancel: threading.Event | None) -> RunAlternatives:
    """The best plan of each build set in ``p.starts`` (the explanations' plans with one
    or two lines changed, best first) until ``n`` distinct sets are found or the clock
    runs out: one warm LP each, with every build decision held (``CutSearch.complete``).
    Listed best first; note "held"."""
    best_set = set(p.best.built)
    seen = {frozenset(best_set)}
    found: list[Plan] = []
    search = p.search
    column_of = {int(c): i for i, c in enumerate(search.ints)}
    for _delta, changes in p.starts:
        if len(found) >= n:
            break
        if _with_changes(best_set, changes) in seen:
            continue
        step = p.clock.settings()
        if step is None or (cancel is not None and cancel.is_set()):
            break
        integers = search.plan_integers.copy()
        for line, k in changes.items():
            for period, col in p.cols.get(line, []):
                if col in column_of:
                    integers[column_of[col]] = 1.0 if period == k else 0.0
        done = search.complete(integers, step.time_limit)
        if done is None:  # no plan with this set (or out of time): the next one
            continue
        objective, values = done
        plan = p.reader.plan(values, objective, best_set)
        seen.add(frozenset(plan.built))
        found.append(plan)
    found.sort(key=lambda plan: -plan.net_value)
    return RunAlternatives(p.best, found, "held", time.perf_counter() - p.began)


def better_than_best(found: Any) -> tuple[int, float] | None:
    """(rank, how much more net value) of the best alternative when it beats the
    workbook's own plan, else None.

    The run's plan is only proven within its MIP gap, while each alternative is solved
    exactly: with the default 1 % gap an alternative can be the better plan (50 synthetic
    lines x 12 periods: rank 2 gave 536 k USD more). Differences within the solver's own
    tolerance (a millionth, and half a unit of currency) are not reported."""
    best = found.best
    if best is None or not found.plans:
        return None
    rank, plan = max(enumerate(found.plans, start=2), key=lambda rp: rp[1].net_value)
    more = plan.net_value - best.net_value
    if more <= 1e-6 * (1 + abs(best.net_value)) + 0.5:
        return None
    return rank, more


class AlternativesJob:
    """A run's search for the closest alternatives in a thread of its own, beside the
    shared limits and the results writer (optimizer/pipeline.py starts it).

    The search spends its time inside HiGHS, which releases the GIL, while the writer is
    Python: on two cores the search costs the run little wall time (50 lines x 12
    periods: 3 s of search beside a 4.4 s write). What it reads from the model is read
    before the thread starts (``_prepare_search``), and it never writes into the model,
    so the model's values stay the run's plan for everyone else. ``result()`` waits for
    it and re-raises what it raised. The thread is a daemon, so a run stopped by a signal
    exits without waiting for it (a re-solve under way cannot be stopped from outside:
    highspy's ``cancelSolve`` needs a Python callback in every simplex iteration).
    """

    def __init__(self, model: pyo.ConcreteModel, d: ChainData, seconds: float, n: int,
                 aim: float | None, done: Callable[[RunAlternatives], None] | None = None,
                 solve_seconds: float | None = None) -> None:
        self._found: RunAlternatives | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        prepared = _prepare_search(model, d, seconds, aim, solve_seconds)
        if isinstance(prepared, RunAlternatives):  # not looked for: no time left
            self._found = prepared
            if done is not None:
                done(prepared)
            return

        def run() -> None:
            try:
                self._found = _search(prepared, n=n)
                if done is not None:
                    done(self._found)
            except BaseException as exc:  # re-raised by result(), in the caller's thread
                self._error = exc

        # a daemon, so that a run stopped by a signal does not wait for it
        thread = threading.Thread(target=run, name="chainopt-alternatives", daemon=True)
        self._thread = thread
        thread.start()

    def result(self) -> RunAlternatives:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        assert self._found is not None
        return self._found


def _add_no_good(search: Any, cols: dict[str, list[tuple[str, int]]],
                 current: set[str]) -> None:
    """The no-good cut of ``_next_plans`` as a row on the build columns:
    sum_{l in S} (1 - y_l) + sum_{l not in S} y_l >= 1, i.e.
    -sum_{l in S} y_l + sum_{l not in S} y_l >= 1 - |S| (candidate lines only)."""
    idx: list[int] = []
    val: list[float] = []
    inside = 0
    for line, columns in cols.items():
        sign = -1.0 if line in current else 1.0
        inside += line in current
        idx += [c for _k, c in columns]
        val += [sign] * len(columns)
    search.add_row(1.0 - inside, np.asarray(idx, dtype=np.int32), np.asarray(val))


HELD_STARTS = "_chainopt_held_starts"  # set on the model by optimizer.explain
HELD_STARTS_KEPT = 20  # the best this many are kept


def held_starts(model: pyo.ConcreteModel) -> list[tuple[float, dict[str, str]]]:
    """Build sets the explanations found feasible with one or two lines changed (closed,
    added or swapped; other lines held), best first: (change in net value, {line: period
    it is built in, or "" for not built}) for the lines that differ from the plan. Empty
    when the explanations did not run."""
    return list(getattr(model, HELD_STARTS, []))


def _with_changes(built: set[str] | frozenset[str], changes: dict[str, str]
                  ) -> frozenset[str]:
    """The build set ``built`` with a held start's changes ({line: period, or "" for not
    built}) applied."""
    out = set(built)
    for line, k in changes.items():
        (out.add if k else out.discard)(line)
    return frozenset(out)


def _start(starts: list[tuple[float, dict[str, str]]], seen: list[frozenset[str]],
           cols: dict[str, list[tuple[str, int]]], plan: dict[str, str],
           ) -> tuple[np.ndarray, np.ndarray] | None:
    """The build columns of the best held build set that no cut excludes (one not found
    already), as a partial plan for HiGHS to complete; None without one. ``plan``: the
    period each line is built in at the best plan ("": not built)."""
    for _delta, changes in starts:
        if _with_changes(seen[0], changes) in seen:
            continue
        idx: list[int] = []
        val: list[float] = []
        for line, columns in cols.items():
            k = changes.get(line, plan.get(line, ""))
            idx += [c for _p, c in columns]
            val += [1.0 if p == k else 0.0 for p, _c in columns]
        return np.asarray(idx, dtype=np.int32), np.asarray(val)
    return None


@dataclass
class FrontPoint:
    target: float
    plan: Plan


def tradeoff(d: ChainData, measure: str, k: int = 5,
             time_limit: float | None = None) -> tuple[list[FrontPoint], str]:
    """Pareto front of net value against ``measure`` (jobs, recovered, local_share)."""
    if measure not in MEASURES[1:]:
        raise ValueError(f"measure must be one of {', '.join(MEASURES[1:])}")
    clock = _Clock(d, time_limit)
    settings = clock.settings()
    assert settings is not None
    m = build_model(d)
    solved = solve_model(m, settings)
    if not solved.status.has_plan:
        return [], solved.describe()
    start = getattr(_plan(m, d), measure)
    if measure == "local_share":
        top = 1.0
    else:
        m.net_value.deactivate()
        m.measure_obj = pyo.Objective(expr=_measure(m, d, measure), sense=pyo.maximize)
        solved = solve_model(m, clock.settings() or settings)
        top = float(pyo.value(_measure(m, d, measure))) if solved.status.has_plan else start
        m.measure_obj.deactivate()
        m.net_value.activate()
    targets = [start + (top - start) * i / (k - 1) for i in range(k)] if k > 1 else [start]
    points: list[FrontPoint] = []
    note = ""
    for e in targets:
        if clock.settings() is None:
            note = OUT_OF_TIME
            break
        plan = _point(m, d, measure, e, clock)
        if plan is None:
            continue
        if plan == "timeout":
            note = "a solve stopped at its time limit: points may be below the front"
            continue
        points.append(FrontPoint(e, plan))  # type: ignore[arg-type]
    return _pareto(points, measure), note


def _point(m: pyo.ConcreteModel, d: ChainData, measure: str, e: float,
           clock: _Clock) -> Plan | str | None:
    """max net value s.t. measure >= e, then max measure s.t. net value >= that optimum."""
    slack = 1e-7 * (1 + abs(e))
    if measure == "local_share":
        local, total = _local(m, d)
        m.eps = pyo.Constraint(expr=local - (e - slack) * total >= 0)
    else:
        m.eps = pyo.Constraint(expr=_measure(m, d, measure) >= e - slack)
    try:
        settings = clock.settings()
        if settings is None:
            return "timeout"
        solved = solve_model(m, settings)
        if solved.status is SolveStatus.INFEASIBLE:
            return None
        if not solved.status.has_plan:
            return "timeout"
        value = float(pyo.value(m.net_value))
        if measure == "local_share":
            return _plan(m, d)
        m.lex = pyo.Constraint(expr=m.net_value.expr >= value - 1e-7 * (1 + abs(value)))
        m.net_value.deactivate()
        m.lex_obj = pyo.Objective(expr=_measure(m, d, measure), sense=pyo.maximize)
        try:
            again = solve_model(m, clock.settings() or settings)
            return _plan(m, d) if again.status.has_plan else "timeout"
        finally:
            m.del_component(m.lex_obj)
            m.del_component(m.lex)
            m.net_value.activate()
    finally:
        m.del_component(m.eps)


def _pareto(points: list[FrontPoint], measure: str) -> list[FrontPoint]:
    out: list[FrontPoint] = []
    for p in points:
        a = (p.plan.net_value, getattr(p.plan, measure))
        dominated = any(
            q is not p and (q.plan.net_value >= a[0] - 1e-6 * (1 + abs(a[0])))
            and getattr(q.plan, measure) >= a[1] - 1e-9
            and (q.plan.net_value > a[0] + 1e-6 * (1 + abs(a[0]))
                 or getattr(q.plan, measure) > a[1] + 1e-6) for q in points)
        repeated = any(math.isclose(q.plan.net_value, a[0], rel_tol=1e-9, abs_tol=1e-6)
                       and math.isclose(getattr(q.plan, measure), a[1], abs_tol=1e-6)
                       for q in out)
        if not dominated and not repeated:
            out.append(p)
    return sorted(out, key=lambda p: getattr(p.plan, measure))
