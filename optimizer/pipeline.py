"""The whole data flow, each arrow a typed hand-off:

workbook -> raw tables -> ChainData (all issues) -> Pyomo model -> HiGHS -> result tables
-> independent check -> results workbook. This is the only place the arrows are joined.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.chain.data import ChainData, load_data
from models.validation.issues import IssueList
from models.validation.raw import RawWorkbook
from optimizer.errors import ExitCode
from optimizer.excel.read import read_workbook

if TYPE_CHECKING:
    # The solve path (Pyomo, pandas, scipy.sparse, highspy: seconds of imports) is imported
    # where it is used, so that `chainopt validate` pays only for reading and checking.
    import pyomo.core as pyo

    from models.chain.checks import Finding
    from models.chain.results import ChainResults
    from optimizer.solve import Progress as SolveProgressCallback
    from optimizer.solve import SolveResult, SolveSettings, SolveStatus

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
Prepare = Callable[["pyo.ConcreteModel", ChainData], None]


@dataclass
class RunOutcome:
    input_path: Path
    input_sha256: str = ""
    issues: IssueList = field(default_factory=IssueList)
    data: ChainData | None = None
    model: pyo.ConcreteModel | None = None
    solve: SolveResult | None = None
    results: ChainResults | None = None
    check_findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    settings: SolveSettings | None = None
    output_path: Path | None = None
    readable: bool = False  # the file opened as a workbook (else: missing or not .xlsx)
    raw: RawWorkbook | None = None  # the tables as read, for change reports
    changes: Any = None  # a nightly ChangeReport (rows, summary), when there is one

    @property
    def status(self) -> SolveStatus | None:
        return self.solve.status if self.solve else None

    @property
    def objective(self) -> float | None:
        return self.solve.objective if self.solve else None

    @property
    def exit_code(self) -> ExitCode:
        from optimizer.solve import SolveStatus

        if self.data is None:
            return ExitCode.INVALID_INPUT if self.readable else ExitCode.INPUT_UNREADABLE
        status = self.status
        if status is SolveStatus.INFEASIBLE:
            return ExitCode.INFEASIBLE
        if status is SolveStatus.UNBOUNDED:
            return ExitCode.UNBOUNDED
        if status is SolveStatus.NO_SOLUTION:
            return ExitCode.TIME_LIMIT_NO_PLAN
        if status is SolveStatus.ERROR or status is None:
            return ExitCode.SOLVER_ERROR
        if self.check_findings:
            return ExitCode.CHECK_FAILED
        return ExitCode.OK if status is SolveStatus.OPTIMAL else ExitCode.TIME_LIMIT_PLAN


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _phase(outcome: RunOutcome, name: str, progress: Progress | None) -> Iterator[None]:
    if progress:
        progress(name)
    start = time.perf_counter()
    try:
        yield
    finally:
        outcome.timings[name] = time.perf_counter() - start
        log.info("%s: %.2f s", name, outcome.timings[name])


def settings_for(data: ChainData, overrides: dict[str, object] | None) -> SolveSettings:
    """Workbook Settings, overridden by command-line options that were given."""
    from optimizer.solve import SolveSettings

    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    return SolveSettings(
        time_limit=float(given.get("time_limit", data.time_limit)),  # type: ignore[arg-type]
        mip_gap=float(given.get("mip_gap", data.mip_gap)),  # type: ignore[arg-type]
        threads=int(given.get("threads", data.threads)),  # type: ignore[call-overload]
        warm_start=bool(given.get("warm_start", False)),
    )


def validate_workbook(path: Path, progress: Progress | None = None) -> RunOutcome:
    """Read and validate only: ``outcome.data`` is set when the workbook has no error."""
    outcome = RunOutcome(input_path=path, issues=IssueList(path.name))
    with _phase(outcome, "read", progress):
        outcome.raw = read_workbook(path, outcome.issues)
    if outcome.raw is None:
        return outcome
    outcome.readable = True
    outcome.input_sha256 = sha256_of(path)
    with _phase(outcome, "validate", progress):
        outcome.data = load_data(outcome.raw, outcome.issues)
    return outcome


def solve_workbook(path: Path, overrides: dict[str, object] | None = None,
                   progress: Progress | None = None, prepare: Prepare | None = None,
                   solve_progress: SolveProgressCallback | None = None) -> RunOutcome:
    """Read, validate, build, solve, extract and check. Writes nothing.

    ``prepare(model, data)`` runs between build and solve (the nightly run uses it to hold
    approved lines built and to set last night's plan as the warm start);
    ``solve_progress`` receives the solver's incumbent, bound and gap while it runs.
    """
    outcome = validate_workbook(path, progress)
    if outcome.data is None:
        return outcome
    data = outcome.data
    with _phase(outcome, "build", progress):
        # the solve path's imports (Pyomo, pandas, highspy) count as part of the build
        from models.chain.checks import check_solution
        from models.chain.formulation import build_model
        from models.chain.results import extract_results
        from optimizer.explain import explain_plan
        from optimizer.solve import marginal_values, solve_model

        outcome.settings = settings = settings_for(data, overrides)
        outcome.model = model = build_model(data)
        if prepare is not None:
            prepare(model, data)
    with _phase(outcome, "solve", progress):
        outcome.solve = solve_model(model, settings, solve_progress)
    if not outcome.solve.status.has_plan:
        return outcome
    with _phase(outcome, "marginal values", progress):
        lp = marginal_values(model, settings)
    with _phase(outcome, "check", progress):
        outcome.results = extract_results(model, data, lp.duals)
        outcome.check_findings = check_solution(data, outcome.results, outcome.objective)
    with _phase(outcome, "explain", progress):
        # marginal values and what each line would change; up to 3x the solve, 5 s to 60 s
        budget = min(60.0, max(5.0, 3 * outcome.solve.seconds))
        explain_plan(model, data, outcome.results, settings, lp=lp, time_budget=budget)
    for finding in outcome.check_findings:
        log.error("check failed: %s", finding.format())
    return outcome
