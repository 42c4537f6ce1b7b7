"""The only module that talks to a solver. HiGHS through Pyomo's in-process interface.

Maps the solver's answer to our own status, loads the best plan found even when a time
limit stopped the search, and computes marginal values from the LP with the build
decisions held at the chosen plan (the MILP itself has no duals).
"""

from __future__ import annotations

import io
import logging
import math
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import pyomo.environ as pyo
from pyomo.contrib.solver.common.factory import SolverFactory
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

log = logging.getLogger(__name__)
SOLVER_NAME = "highs"


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
    tee: bool = False


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
    duals: dict[str, dict[object, float]] = field(default_factory=dict)
    reduced_costs: dict[str, dict[object, float]] = field(default_factory=dict)

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


def solver_version() -> str:
    solver = SolverFactory(SOLVER_NAME)
    version = solver.version()
    return ".".join(str(v) for v in version) if version else "unknown"


def _relative_gap(objective: float | None, bound: float | None) -> float | None:
    """How far the plan may be below the best possible, as a share of the larger of the two
    (so a plan worth 0 against a positive bound reads as 100 %, not infinity)."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(bound - objective) / max(abs(objective), abs(bound), 1e-9)


def _status(term: TerminationCondition, sol: SolutionStatus) -> SolveStatus:
    has_plan = sol in (SolutionStatus.feasible, SolutionStatus.optimal)
    if term == TerminationCondition.convergenceCriteriaSatisfied and has_plan:
        return SolveStatus.OPTIMAL
    if term in (TerminationCondition.maxTimeLimit, TerminationCondition.iterationLimit,
                TerminationCondition.interrupted, TerminationCondition.objectiveLimit):
        return SolveStatus.FEASIBLE if has_plan else SolveStatus.NO_SOLUTION
    if term in (TerminationCondition.provenInfeasible, TerminationCondition.locallyInfeasible,
                TerminationCondition.infeasibleOrUnbounded):
        return SolveStatus.INFEASIBLE
    if term == TerminationCondition.unbounded:
        return SolveStatus.UNBOUNDED
    return SolveStatus.ERROR


def solve_model(model: pyo.ConcreteModel, settings: SolveSettings) -> SolveResult:
    """Solve; load the best plan found into the model's variables when there is one."""
    violated = list(getattr(model, "constant_violations", []))
    if violated:  # limits that no plan can meet, found while building: no solve needed
        return SolveResult(SolveStatus.INFEASIBLE, None, None, None, 0.0, SOLVER_NAME,
                           solver_version(), "infeasible limits found while building",
                           reasons=violated)
    solver = SolverFactory(SOLVER_NAME)
    stream = io.StringIO()
    options: dict[str, object] = {}
    if settings.threads:
        options["threads"] = settings.threads
    start = time.perf_counter()
    try:
        results = solver.solve(
            model,
            tee=[stream] if not settings.tee else True,
            time_limit=settings.time_limit,
            rel_gap=settings.mip_gap,
            load_solutions=False,
            raise_exception_on_nonoptimal_result=False,
            solver_options=options,
        )
    except Exception as exc:  # the interface raises plain exceptions for solver failures
        log.exception("solver failed")
        return SolveResult(SolveStatus.ERROR, None, None, None, time.perf_counter() - start,
                           SOLVER_NAME, solver_version(), f"exception: {exc}",
                           stream.getvalue())
    seconds = time.perf_counter() - start
    status = _status(results.termination_condition, results.solution_status)
    if results.termination_condition == TerminationCondition.infeasibleOrUnbounded:
        status = _infeasible_or_unbounded(model, settings)
    objective = bound = None
    if status.has_plan:
        results.solution_loader.load_vars()
        objective = float(pyo.value(_objective(model)))
        bound = results.objective_bound
        bound = float(bound) if bound is not None else None
        if status is SolveStatus.OPTIMAL and (bound is None or not math.isfinite(bound)):
            bound = objective  # a pure LP: the optimum is its own bound
    return SolveResult(
        status, objective, bound, _relative_gap(objective, bound), seconds, SOLVER_NAME,
        solver_version(), str(results.termination_condition.name), stream.getvalue())


def _infeasible_or_unbounded(model: pyo.ConcreteModel, settings: SolveSettings) -> SolveStatus:
    """HiGHS's presolve may not tell which; a zero objective does: feasible means unbounded."""
    objective = _objective(model)
    objective.deactivate()
    model._feasibility_probe = pyo.Objective(expr=0.0)
    try:
        results = SolverFactory(SOLVER_NAME).solve(
            model, load_solutions=False, raise_exception_on_nonoptimal_result=False,
            time_limit=settings.time_limit)
        feasible = results.solution_status in (SolutionStatus.feasible, SolutionStatus.optimal)
        return SolveStatus.UNBOUNDED if feasible else SolveStatus.INFEASIBLE
    finally:
        model.del_component("_feasibility_probe")
        objective.activate()


def _objective(model: pyo.ConcreteModel) -> pyo.Objective:
    return next(model.component_data_objects(pyo.Objective, active=True))


def marginal_values(model: pyo.ConcreteModel, settings: SolveSettings) -> SolveResult:
    """Duals and reduced costs of the LP with every binary held at its value in the plan.

    Binaries are relaxed to continuous with lb = ub = the rounded value (bounds, not
    fix(): the solver interface treats fixed variables as constants and would report no
    reduced cost for them). Returns the LP's result with ``duals`` by constraint name
    and ``reduced_costs`` by variable name; the model's values are those of the LP,
    which equal the plan's up to LP tolerance.
    """
    held: list[tuple[pyo.Var, object, tuple[float | None, float | None]]] = []
    for var in model.component_data_objects(pyo.Var, active=True):
        if var.is_binary() or var.is_integer():
            value = round(var.value or 0.0)
            held.append((var, var.domain, (var.lb, var.ub)))
            var.domain = pyo.Reals
            var.setlb(value)
            var.setub(value)
    solver = SolverFactory(SOLVER_NAME)
    start = time.perf_counter()
    try:
        results = solver.solve(model, load_solutions=False,
                               raise_exception_on_nonoptimal_result=False,
                               time_limit=settings.time_limit)
        status = _status(results.termination_condition, results.solution_status)
        duals: dict[str, dict[object, float]] = {}
        reduced: dict[str, dict[object, float]] = {}
        if status is SolveStatus.OPTIMAL:
            results.solution_loader.load_vars()
            for con, value in results.solution_loader.get_duals().items():
                duals.setdefault(con.parent_component().name, {})[con.index()] = value
            for var, value in results.solution_loader.get_reduced_costs().items():
                reduced.setdefault(var.parent_component().name, {})[var.index()] = value
        objective = float(pyo.value(_objective(model))) if status.has_plan else None
        return SolveResult(status, objective, objective, 0.0, time.perf_counter() - start,
                           SOLVER_NAME, solver_version(),
                           results.termination_condition.name, duals=duals,
                           reduced_costs=reduced)
    finally:
        for var, domain, (lb, ub) in held:
            var.domain = domain
            var.setlb(lb)
            var.setub(ub)


def write_model_file(model: pyo.ConcreteModel, path: Path) -> Path:
    """Export the model (MPS or LP, by suffix) for solving with HiGHS alone in benchmarks."""
    model.write(str(path), io_options={"symbolic_solver_labels": False})
    return path
