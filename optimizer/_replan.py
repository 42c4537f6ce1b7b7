"""One explanation re-plan on any HiGHS instance that holds the model (part of
optimizer/solve.py, the only module that talks to the solver).

The explanations re-solve the MILP once per line: without a built line, or with a line
not built forced in (optimizer/explain.py ``_replanned``). Each re-plan starts from the
model's own bounds, so it is independent of the others and may run in this process (on
the run's kept Highs) or in a worker process holding a copy of the MILP
(optimizer/_held_worker.py). Both call ``replan_line`` here, so the steps and the answer
are the same wherever it runs. The module imports only numpy and highspy: the worker
process stays small.

Statuses are plain strings (solve.py maps them to ``SolveStatus``): they cross a pipe.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

OPTIMAL, FEASIBLE, NO_SOLUTION = "optimal", "feasible", "no_solution"
INFEASIBLE, UNBOUNDED = "infeasible", "unbounded"
SKIPPED = "skipped"  # not started: too little time left for it

# a MILP re-plan (or its LP-relaxation bound) is not started with less time than this left
MIN_SECONDS = 0.05
# ... nor a MILP re-plan with less than this many times its LP relaxation's seconds left
# (solved from scratch, as the re-plan's root LP is): HiGHS's limit is soft, and a
# re-plan's root LP (no presolve) and the completion of its partial start do not look at
# it. At 50 lines x 12 periods one given 0.3 s took 9.4 s after a 0.18 s relaxation,
# which made 5 s of explanations 14 s.
PER_RELAXATION = 5.0
# HiGHS options of a MILP re-plan that starts from a plan. Feasibility jump is a root
# heuristic that looks for a first plan, and a re-plan has one; RENS and RINS solve
# sub-MIPs around it, which took most of the slow re-plans' time and did not look at
# HiGHS's time limit (50 lines x 1 period: one given 0.5 s took 1.4 s, 0.9 s of it in
# 6 sub-MIPs). Measured over the same re-plans, with the same optima: bundled case
# 1.75 -> 1.25 s (36 lines), 50 x 1: 17.2 -> 10.8 s (20 lines), 50 x 12: 39.9 -> 32.3 s
# (8 lines), the last two with whole starts (``RelaxedLP.complete``).
REPLAN_FROM_PLAN = {"mip_heuristic_run_feasibility_jump": False,
                    "mip_heuristic_run_rens": False, "mip_heuristic_run_rins": False}


@dataclass
class Changed:
    """One run of the model with some bounds changed."""

    status: str
    objective: float | None  # the best plan found (None: none)
    bound: float | None  # the best possible (dual bound); = objective when proven
    seconds: float
    values: np.ndarray | None = None  # the plan's values of the columns asked for
    iterations: int = 0  # simplex iterations of the run (HiGHS's info, read before the
    # bounds are put back, which resets it)


@dataclass
class LineJob:
    """One line's re-plan: column bounds to set (column -> (lower, upper)), optionally a
    row sum(``force[0]`` columns) >= ``force[1]``, a partial plan to start from (column
    indices, values; HiGHS completes it), the columns whose values are returned, and the
    value of a plan known to exist with the change (the held-plan figure), if any."""

    cols: dict[int, tuple[float, float]]
    force: tuple[np.ndarray, float] | None
    start: tuple[np.ndarray, np.ndarray] | None
    read: np.ndarray
    feasible: float | None

    def to_json(self) -> dict[str, Any]:
        return {"cols": [[c, lo, up] for c, (lo, up) in self.cols.items()],
                "force": None if self.force is None else [self.force[0].tolist(),
                                                          self.force[1]],
                "start": None if self.start is None else [self.start[0].tolist(),
                                                          self.start[1].tolist()],
                "read": self.read.tolist(), "feasible": self.feasible}

    @staticmethod
    def from_json(job: dict[str, Any]) -> LineJob:
        force, start = job.get("force"), job.get("start")
        return LineJob(
            cols={int(c): (float(lo), float(up)) for c, lo, up in job["cols"]},
            force=None if force is None else (np.asarray(force[0], dtype=np.int32),
                                              float(force[1])),
            start=None if start is None else (np.asarray(start[0], dtype=np.int32),
                                              np.asarray(start[1], dtype=float)),
            read=np.asarray(job.get("read") or [], dtype=np.int64),
            feasible=None if job.get("feasible") is None else float(job["feasible"]))


@dataclass
class LineAnswer:
    """What a line's re-plan found: ``status`` (OPTIMAL also when the relaxation met the
    known plan, ``settled``), the objective of the best plan, the values of the columns
    asked for, and the MILP run's status and seconds when one ran (the caller learns
    from them how long the next may take)."""

    status: str
    objective: float | None = None
    values: np.ndarray | None = None
    settled: bool = False
    milp_status: str | None = None
    milp_seconds: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "objective": self.objective,
                "values": None if self.values is None else self.values.tolist(),
                "settled": self.settled, "milp_status": self.milp_status,
                "milp_seconds": self.milp_seconds}

    @staticmethod
    def from_json(answer: dict[str, Any]) -> LineAnswer:
        values = answer.get("values")
        objective = answer.get("objective")
        seconds = answer.get("milp_seconds")
        return LineAnswer(status=str(answer["status"]),
                          objective=None if objective is None else float(objective),
                          values=None if values is None else np.asarray(values, dtype=float),
                          settled=bool(answer.get("settled")),
                          milp_status=answer.get("milp_status"),
                          milp_seconds=None if seconds is None else float(seconds))


def run_time_limit(h: highspy.Highs, seconds: float) -> float:
    """HiGHS's ``time_limit`` for a run that may take ``seconds`` more: HiGHS compares it
    with the instance's run time summed over all its runs, so a kept instance that has
    already run a while would stop at once (measured: kTimeLimit with no iteration)."""
    return float(h.getRunTime()) + max(seconds, 0.01)


def option_value(h: highspy.Highs, key: str) -> Any:
    """An option's value (highspy returns it with a status)."""
    got = h.getOptionValue(key)
    return got[1] if isinstance(got, tuple) else got


# The explanations' per-line held-LP re-solves (solve.py ``HeldPool``: closing a built
# line, adding or swapping one not built) each start from the plan's basis and price
# with Devex instead of HiGHS's default dual steepest edge. Carried on from the last
# line's basis, a re-solve first undoes that line's change (at 500 synthetic lines x 12
# periods, 718 dual simplex iterations per closing against 447 from the plan); Devex
# iterations cost less on these short warm re-solves. Over all 500 lines there: 111 s
# -> 76 s in one process, at 50 x 12 3.1 s -> 2.7 s, the same objectives to 4e-15
# (bench/bench_explain.py measures the explanations as a run has them).
PLAN_START_OPTIONS: dict[str, Any] = {"simplex_dual_edge_weight_strategy": 1}


def lp_optimum(h: highspy.Highs) -> tuple[float | None, bool]:
    """Run the LP on ``h``: its optimum (None: none found) and whether the run was
    stopped short (a limit) rather than finding the LP infeasible, for "no plan" is only
    said of the latter."""
    h.run()
    status = h.getModelStatus()
    stopped = status not in (highspy.HighsModelStatus.kOptimal,
                             highspy.HighsModelStatus.kInfeasible)
    if status != highspy.HighsModelStatus.kOptimal:
        return None, stopped
    return float(h.getInfo().objective_function_value), stopped


def basis_of(col_status: np.ndarray, row_status: np.ndarray) -> highspy.HighsBasis:
    """A HiGHS basis from status numbers per column and row. One enum object per status
    value, looked up: making one per column took 0.1 s of a worker's start at 50 lines x
    12 periods (98,000 columns), this 0.01 s."""
    status = [highspy.HighsBasisStatus(v) for v in range(int(max(
        col_status.max(initial=0), row_status.max(initial=0))) + 1)]
    basis = highspy.HighsBasis()
    basis.col_status = list(map(status.__getitem__, col_status.tolist()))
    basis.row_status = list(map(status.__getitem__, row_status.tolist()))
    basis.valid = True
    return basis


@contextlib.contextmanager
def from_plan(h: highspy.Highs, basis: Any) -> Iterator[None]:
    """Run the re-solves inside from the plan's ``basis`` (skipped when it is None or not
    valid) with ``PLAN_START_OPTIONS``; the options are put back afterwards."""
    saved = {key: option_value(h, key) for key in PLAN_START_OPTIONS}
    if basis is not None and basis.valid:
        h.setBasis(basis)
    for key, value in PLAN_START_OPTIONS.items():
        h.setOptionValue(key, value)
    try:
        yield
    finally:
        for key, value in saved.items():
            h.setOptionValue(key, value)


def run_status(h: highspy.Highs, unbounded: str | None) -> tuple[str, float | None, Any]:
    """A run's status, its objective when it has a plan, and HiGHS's info. ``unbounded``:
    the status an unbounded model gets (None: it counts as having no plan, or as feasible
    when HiGHS holds one)."""
    ms = h.getModelStatus()
    S = highspy.HighsModelStatus
    info = h.getInfo()
    has_plan = info.primal_solution_status == 2
    objective = float(info.objective_function_value) if has_plan else None
    if ms == S.kOptimal:
        status = OPTIMAL
    elif ms in (S.kInfeasible, S.kUnboundedOrInfeasible):
        status = INFEASIBLE
    elif ms == S.kUnbounded and unbounded is not None:
        status = unbounded
    else:
        status = FEASIBLE if has_plan else NO_SOLUTION
    return status, objective, info


@contextlib.contextmanager
def changed_bounds(h: highspy.Highs, cols: dict[int, tuple[float, float]],
                   force: tuple[np.ndarray, float] | None, col_lower: np.ndarray,
                   col_upper: np.ndarray) -> Iterator[None]:
    """``h`` with these column bounds and optionally the row sum(``force[0]`` columns)
    >= ``force[1]``; the bounds (to ``col_lower``/``col_upper``) and the row are put
    back afterwards."""
    for i, (lo, up) in cols.items():
        h.changeColBounds(i, lo, up)
    added = False
    try:
        if force is not None:
            idx = np.asarray(force[0], dtype=np.int32)
            h.addRow(float(force[1]), highspy.kHighsInf, len(idx), idx, np.ones(len(idx)))
            added = True
        yield
    finally:
        if added:
            h.deleteRows(1, np.array([h.getNumRow() - 1], dtype=np.int32))
        for i in cols:
            h.changeColBounds(i, col_lower[i], col_upper[i])


def run_changed(h: highspy.Highs, col_lower: np.ndarray, col_upper: np.ndarray,
                ints: np.ndarray, cols: dict[int, tuple[float, float]],
                force: tuple[np.ndarray, float] | None, relax: bool,
                start: tuple[np.ndarray, np.ndarray] | None, read: np.ndarray | None,
                seconds: float) -> Changed:
    """Run the MILP on ``h`` (its options already set) with these column bounds and
    optionally the row sum(``force[0]`` columns) >= ``force[1]``, within ``seconds``;
    ``relax``: its LP relaxation instead. Everything is put back afterwards: the bounds
    to ``col_lower``/``col_upper``, the integrality of ``ints``, the added row, the
    options."""
    began = time.perf_counter()
    h.setOptionValue("time_limit", run_time_limit(h, seconds))
    from_plan = start is not None and not relax
    if not relax:
        # A re-plan differs from the solved MILP by a few bounds and starts from a plan:
        # HiGHS's presolve and the sub-MIP heuristics it enables were most of each
        # re-plan's time (bundled case: 0.25-0.45 s each with presolve, 0.07 s without;
        # 50 synthetic lines: 2.8 s against 1.9 s), for the same optima.
        h.setOptionValue("presolve", "off")
    saved = {key: option_value(h, key) for key in REPLAN_FROM_PLAN} if from_plan else {}
    if from_plan:
        for key, value in REPLAN_FROM_PLAN.items():
            h.setOptionValue(key, value)
    if relax and len(ints):
        cont = highspy.HighsVarType.kContinuous
        h.changeColsIntegrality(len(ints), ints, np.array([cont] * len(ints)))
    try:
        with changed_bounds(h, cols, force, col_lower, col_upper):
            if start is not None and not relax:
                h.setSolution(len(start[0]), np.asarray(start[0], dtype=np.int32),
                              np.asarray(start[1], dtype=float))
            h.run()
            status, objective, info = run_status(h, UNBOUNDED)
            has_plan = objective is not None
            bound = objective if (relax or status == OPTIMAL) else (
                float(info.mip_dual_bound) if math.isfinite(float(info.mip_dual_bound))
                else None)
            values = None
            if has_plan and read is not None and len(read):
                values = np.asarray(h.getSolution().col_value)[
                    np.asarray(read, dtype=np.int64)]
            return Changed(status, objective, bound, time.perf_counter() - began, values,
                           int(info.simplex_iteration_count))
    finally:
        if not relax:
            h.setOptionValue("presolve", "choose")
        for key, value in saved.items():
            h.setOptionValue(key, value)
        if relax and len(ints):
            integer = highspy.HighsVarType.kInteger
            h.changeColsIntegrality(len(ints), ints, np.array([integer] * len(ints)))


class RelaxedLP:
    """The MILP's LP relaxation on a Highs of its own (``h``: integrality dropped, the
    model's bounds, the run's options), kept warm from one line's re-plan to the next.

    Each line changes a few bounds, so after the first solve (from scratch) HiGHS starts
    from the last basis: the relaxation bound of ``replan_line`` and the completion of its
    partial start (every other column's value, found here instead of by HiGHS's own LP
    from scratch) each cost a few dozen simplex iterations. Measured on the 36 re-plans of
    the bundled case: bounds 0.27 -> 0.04 s, the MILPs from the completed starts 1.73 ->
    1.25 s (feasibility jump off too); 50 lines x 12 periods, 8 lines: 45 -> 33 s.
    """

    def __init__(self, h: highspy.Highs, col_lower: np.ndarray, col_upper: np.ndarray
                 ) -> None:
        self.h, self.col_lower, self.col_upper = h, col_lower, col_upper
        # the first solve's seconds: how long a root LP from scratch takes (the guard of
        # PER_RELAXATION; the warm solves after it say nothing about that)
        self.cold_seconds: float | None = None

    def bound(self, cols: dict[int, tuple[float, float]],
              force: tuple[np.ndarray, float] | None, seconds: float) -> Changed:
        """The relaxation with these bounds and the optional row of ``run_changed``."""
        before = float(self.h.getRunTime())
        out = self._run(cols, force, seconds, values=False)
        if self.cold_seconds is None:
            # HiGHS's own clock: the wall time also counts waiting for the GIL, which
            # the results' pictures hold in turns while they are drawn beside the
            # re-plans (bundled case, one process: 14 of 36 lines were skipped for it)
            self.cold_seconds = float(self.h.getRunTime()) - before
        return out

    def complete(self, start: tuple[np.ndarray, np.ndarray], seconds: float
                 ) -> np.ndarray | None:
        """Every column's value in the best plan with the columns of ``start`` at its
        values (None: no such plan, or not found within ``seconds``)."""
        fixed = {int(c): (float(v), float(v)) for c, v in zip(*start, strict=True)}
        out = self._run(fixed, None, seconds, values=True)
        return out.values if out.status == OPTIMAL else None

    def _run(self, cols: dict[int, tuple[float, float]],
             force: tuple[np.ndarray, float] | None, seconds: float, values: bool
             ) -> Changed:
        began = time.perf_counter()
        h = self.h
        h.setOptionValue("time_limit", run_time_limit(h, seconds))
        with changed_bounds(h, cols, force, self.col_lower, self.col_upper):
            h.run()
            status, objective, info = run_status(h, UNBOUNDED)
            x = np.asarray(h.getSolution().col_value, dtype=float) \
                if values and objective is not None else None
            return Changed(status, objective, objective, time.perf_counter() - began, x,
                           int(info.simplex_iteration_count))


def replan_line(h: highspy.Highs, col_lower: np.ndarray, col_upper: np.ndarray,
                ints: np.ndarray, job: LineJob, seconds: float,
                expected: float = 0.0, relaxation: RelaxedLP | None = None) -> LineAnswer:
    """One line's re-plan within ``seconds``, cheap bound first.

    The LP relaxation of the changed MILP is at most its optimum, and ``job.feasible`` (a
    plan with the change) at least: where the two meet, or the relaxation has no plan at
    all, the figure is settled without the MILP. Otherwise the MILP is re-solved from the
    job's partial plan, if at least MIN_SECONDS, ``expected`` (how long the last MILP
    re-plan took) and PER_RELAXATION x the relaxation's seconds from scratch are left;
    HiGHS gets a tenth less than what is left, to stop and hand back in time.

    ``relaxation``: the relaxation kept warm on a Highs of its own, which also completes
    the partial plan (without it, the relaxation is solved on ``h`` from scratch and HiGHS
    completes the plan itself). The bound is the same either way; the MILP's optimum too,
    within its gap.
    """
    deadline = time.perf_counter() + seconds
    if seconds < MIN_SECONDS:
        return LineAnswer(SKIPPED)
    if relaxation is None:
        relaxed = run_changed(h, col_lower, col_upper, ints, job.cols, job.force,
                              relax=True, start=None, read=None, seconds=seconds)
        from_scratch = relaxed.seconds
    else:
        relaxed = relaxation.bound(job.cols, job.force, seconds)
        from_scratch = relaxation.cold_seconds or relaxed.seconds
    if relaxed.status == INFEASIBLE:
        return LineAnswer(INFEASIBLE, settled=True)
    feasible = job.feasible
    if relaxed.status == OPTIMAL and feasible is not None and relaxed.objective is not None \
            and relaxed.objective - feasible <= 1e-6 * (1 + abs(feasible)) + 0.5:
        # the held plan with the change is as good as any plan can be: settled
        return LineAnswer(OPTIMAL, feasible, settled=True)
    left = deadline - time.perf_counter()
    if left < max(MIN_SECONDS, expected, PER_RELAXATION * from_scratch):
        return LineAnswer(SKIPPED)
    start = job.start
    if relaxation is not None and start is not None and len(start[0]) >= len(ints):
        # (a start that leaves integer columns out stays partial: HiGHS completes it)
        full = relaxation.complete(start, 0.5 * left)
        if full is not None:  # else HiGHS tries the partial plan itself
            start = (np.arange(len(full), dtype=np.int32), full)
        left = deadline - time.perf_counter()
    out = run_changed(h, col_lower, col_upper, ints, job.cols, job.force, relax=False,
                      start=start, read=job.read, seconds=0.9 * left)
    return LineAnswer(out.status, out.objective, out.values, milp_status=out.status,
                      milp_seconds=out.seconds)
