"""The whole data flow, each arrow a typed hand-off:

workbook -> raw tables -> ChainData (all issues) -> Pyomo model -> HiGHS -> result tables
-> independent check -> results workbook. This is the only place the arrows are joined.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import logging
import sys
import threading
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
    from optimizer.solve import ReplanPool, SolveResult, SolveSettings, SolveStatus

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
    import_seconds: float = 0.0  # of the build phase: importing the solve path
    settings: SolveSettings | None = None
    output_path: Path | None = None
    readable: bool = False  # the file opened as a workbook (else: missing or not .xlsx)
    raw: RawWorkbook | None = None  # the tables as read, for change reports
    changes: Any = None  # a nightly ChangeReport (rows, summary), when there is one
    deadline: float | None = None  # time.monotonic() by which the whole run should end
    figure_job: Any = None  # optimizer.excel.write.FigureJob: figures drawn beside the explanations
    # optimizer.alternatives.AlternativesJob: the closest alternatives, searched beside the
    # shared limits and the write (``alternatives`` waits for it)
    alternatives_job: Any = None
    found_alternatives: Any = None

    @property
    def alternatives(self) -> Any:
        """optimizer.alternatives.RunAlternatives when the run looked for them (waiting
        for the search when it still runs), else None."""
        if self.alternatives_job is not None:
            job, self.alternatives_job = self.alternatives_job, None
            self.found_alternatives = job.result()
        return self.found_alternatives

    @alternatives.setter
    def alternatives(self, found: Any) -> None:
        self.alternatives_job, self.found_alternatives = None, found

    def seconds_left(self) -> float | None:
        """What is left of the run's time limit (None: no limit); never negative."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    @property
    def status(self) -> SolveStatus | None:
        return self.solve.status if self.solve else None

    @property
    def objective(self) -> float | None:
        return self.solve.objective if self.solve else None

    @property
    def exit_code(self) -> ExitCode:
        if self.data is None:
            return ExitCode.INVALID_INPUT if self.readable else ExitCode.INPUT_UNREADABLE
        # Only a solved outcome needs the solver's statuses: `validate` on a bad workbook
        # must not pay the solve path's imports (several seconds).
        from optimizer.solve import SolveStatus

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


# The time limit covers the whole run (README, "The time limit"). Reading, validating and
# building use what they need. The phases after the solve that must finish before the
# deadline (marginal values, the independent check, the explanations' fixed part, shared
# limits) touch the same rows as reading, validating and building did, so they are
# reserved POST_SOLVE_FACTOR times what those took on this machine at this load (less
# importing the solve path, which is done once). The solver gets SOLVE_SHARE of what is
# left after that reserve: the hand-off to HiGHS and
# the watchdog's grace (watchdog_grace) come out of it, so a solver that does not look at
# the clock (a long root LP) still ends within its share. Explanations stop at the
# deadline and the workbook says so; writing always finishes (a results file is never
# left half-done), which with start-up and exit is what the allowance of 0.2 x limit +
# 5 s over the limit is for (bench/bench_whole_run.py measures the promise).
SOLVE_SHARE = 0.8
POST_SOLVE_FACTOR = 1.0
# Even when reading and building used up most of the limit (a slow or busy machine), the
# solver gets a quarter of the limit (at least 1 s) to find some plan: a run that
# overshoots a little with a plan serves a scheduler better than one without.
MIN_SOLVE_SHARE = 0.25


def solver_time_limit(seconds_left: float, limit: float, reserve: float = 0.0) -> float:
    """The solve phase's share of what is left of the run's time limit, ``reserve``
    seconds being kept for the phases after it."""
    return max(SOLVE_SHARE * (seconds_left - reserve), MIN_SOLVE_SHARE * limit,
               min(1.0, limit))


def watchdog_grace(solve_seconds: float) -> float:
    """How long past its own limit HiGHS may take before the watchdog stops it: 5 % of the
    solve's share, at least 1 s and at most 5 s. HiGHS stops within milliseconds when it
    looks at the clock; when it does not (a root LP of 10^5 rows), waiting longer only
    delays the same plan, the last incumbent the solver process saved."""
    return min(max(0.05 * solve_seconds, 1.0), 5.0)


def _solver_settings(outcome: RunOutcome, settings: SolveSettings) -> SolveSettings:
    """The solver's settings within the whole run's time limit (see above)."""
    before = sum(outcome.timings.get(p, 0.0) for p in ("read", "validate", "build"))
    yardstick = max(before - outcome.import_seconds, 0.0)  # seconds the rows took here
    reserve = POST_SOLVE_FACTOR * yardstick
    budget = solver_time_limit(outcome.seconds_left() or 0.0, settings.time_limit, reserve)
    grace = watchdog_grace(budget)
    log.info("time limit %.1f s for the whole run; %.1f s of it for the solve, %.1f s "
             "kept for checking and explaining the plan", settings.time_limit, budget,
             min(reserve, outcome.seconds_left() or 0.0))
    # HiGHS stops on its own before the grace; with a share at its floor it keeps a
    # second (or the whole limit if shorter), the grace then coming on top
    highs = max(budget - grace, min(1.0, settings.time_limit))
    extension = _plan_extension(outcome, settings, highs + grace, yardstick)
    if extension > 0:
        log.info("if HiGHS has no plan by then, it may go on for up to %.1f s more, until "
                 "its first plan", extension)
    return dataclasses.replace(settings, time_limit=highs, grace=grace,
                               plan_extension=extension)


def _plan_extension(outcome: RunOutcome, settings: SolveSettings, solve_seconds: float,
                    yardstick: float) -> float:
    """How long the solver may go on past its share while it has no plan at all: what the
    promise (wall time <= 1.2 x limit + 5 s) leaves after this solve, the reserve for
    checking and an estimate of writing (POST_SOLVE_FACTOR and WRITE_FACTOR times
    ``yardstick``, what reading, validating and building took) and PROCESS_SECONDS for
    starting and ending the process. It stops at its first plan: a plan a little past
    the limit serves a scheduler better than none, and the promise still holds."""
    limit = float(settings.time_limit)
    if outcome.deadline is None or limit <= 0:  # a limit of 0 asks for no solving at all
        return 0.0
    promise_end = outcome.deadline + 0.2 * limit + 5.0 - PROCESS_SECONDS
    after = (POST_SOLVE_FACTOR + WRITE_FACTOR) * yardstick
    return max(promise_end - time.monotonic() - solve_seconds - after, 0.0)


# Writing a 5,000-line workbook takes about 1.5 times as long as reading, validating and
# building it (bench/bench_whole_run.py); the interpreter's start-up before the run's
# clock starts and its ending take about a second together.
WRITE_FACTOR = 1.5
PROCESS_SECONDS = 1.0


# What writing the results imports that solving does not (matplotlib, PIL, xlsxwriter:
# about a second, the largest part of the write phase of a small case). HiGHS runs in its
# own process and this one mostly waits for it, so they are imported meanwhile, in a
# thread started once the hand-off is done (during it they would compete for the GIL);
# the write phase then finds them loaded. A failure here changes nothing: the
# writer imports them again and reports any error itself. The shared limits' module is
# one of them: it imports scipy's graph and linear-algebra modules (0.08-0.10 s), which
# otherwise came between the explanations and the write (a run's closest alternatives
# are searched beside that, so only a solve without them is faster for it). Not for a
# model of more than PREFETCH_MAX_NONZEROS: that second is nothing beside its solve, and
# the modules' 40 MB would add to the run's peak memory, which is the solve's there (this
# process beside HiGHS's; issue 12, goal 4). They are then imported when first used.
REPORT_MODULES = ("optimizer.excel.write", "matplotlib.backends.backend_agg",
                  "optimizer.shared_limits")
PREFETCH_MAX_NONZEROS = 1_000_000


def _prefetch_report_imports(nonzeros: int) -> None:
    if nonzeros > PREFETCH_MAX_NONZEROS or all(name in sys.modules for name in REPORT_MODULES):
        return

    def load() -> None:
        try:
            for name in REPORT_MODULES:
                importlib.import_module(name)
            from optimizer.versions import package_versions

            package_versions()  # for Run info: cached after the first lookup
        except Exception as exc:  # the write phase does it again, and says why
            log.debug("prefetching the writer's imports failed: %s", exc)

    threading.Thread(target=load, name="chainopt-prefetch", daemon=True).start()


def _start_figures(outcome: RunOutcome, lang: str) -> None:
    from optimizer.excel.write import start_figures

    start_figures(outcome, lang)


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
                   solve_progress: SolveProgressCallback | None = None,
                   alternatives: int = 0, figures: str | None = None) -> RunOutcome:
    """Read, validate, build, solve, extract and check. Writes nothing.

    With ``alternatives`` > 0 it also looks for that many closest other build sets (no-good
    cuts, optimizer/alternatives.py ``closest_alternatives``) within what is left of the
    time limit (at most ``RUN_SECONDS``, aiming at ``run_aim`` of the solve's seconds),
    for the Alternatives sheet.

    ``prepare(model, data)`` runs between build and solve (the nightly run uses it to hold
    approved lines built and to set last night's plan as the warm start);
    ``solve_progress`` receives the solver's incumbent, bound and gap while it runs.
    ``figures``: the language of the results' figures, to draw them in a background
    thread while the explanations' MILP re-plans run in HiGHS (the write phase then only
    waits for what is left of them; ``optimizer.excel.write.start_figures``).
    """
    run_started = time.monotonic()
    outcome = validate_workbook(path, progress)
    if outcome.data is None:
        return outcome
    data = outcome.data
    from optimizer import standby

    standby.start()  # the solver process starts and imports while the model is built
    replan_pool: list[ReplanPool] = []  # started at the hand-off, closed at the end
    try:
        try:
            with _phase(outcome, "build", progress):
                # the solve path's imports (Pyomo, pandas, highspy) count as part of the build,
                # but not in the reserve for the phases after the solve (they are done by then)
                imports_started = time.perf_counter()
                # (the phases after the solve import these again, from the module cache)
                import models.chain.checks
                import models.chain.results  # noqa: F401
                import optimizer.explain  # noqa: F401
                from models.chain.formulation import build_model
                from optimizer.solve import compiled_nonzeros, solve_model

                outcome.import_seconds = time.perf_counter() - imports_started

                outcome.settings = settings = settings_for(data, overrides)
                outcome.deadline = run_started + settings.time_limit
                outcome.model = model = build_model(data)
                if prepare is not None:
                    prepare(model, data)

            def handed_off() -> None:
                _prefetch_report_imports(compiled_nonzeros(model))
                replan_pool.append(_start_replan_workers(model, data, settings))

            with _phase(outcome, "solve", progress):
                outcome.solve = solve_model(model, _solver_settings(outcome, settings),
                                            solve_progress, on_handoff=handed_off,
                                            let_go=True)
        finally:
            standby.discard()  # still waiting: the run did not get to its solve
        return _after_solve(outcome, settings, progress, alternatives, figures,
                            replan_pool[0] if replan_pool else None)
    finally:
        for pool in replan_pool:  # explain_plan closes it; not reached: closed here
            pool.close()


def _start_alternatives(outcome: RunOutcome, model: Any, data: ChainData,
                        settings: SolveSettings, n: int, progress: Progress | None) -> None:
    """Start the search for the closest alternatives (optimizer/alternatives.py
    ``AlternativesJob``): at most RUN_SECONDS and what is left of the time limit, aiming
    at a quarter of the solve's time or 2 s (as the explanations do); with less time than
    the solve took, from the explanations' held plans (``MILP_SHARE``). It runs in a thread
    beside the shared limits and the write; the Alternatives sheet waits for it."""
    from optimizer.alternatives import RUN_SECONDS, AlternativesJob, better_than_best, run_aim

    if progress:
        progress("alternatives")
    began = time.perf_counter()

    def done(found: Any) -> None:
        outcome.timings["alternatives"] = time.perf_counter() - began
        log.info("alternatives: %.2f s (beside the shared limits and the write)",
                 outcome.timings["alternatives"])
        better = better_than_best(found)
        if better is not None:
            log.warning("alternative %d gives %.0f more net value than the plan: the solve "
                        "stopped within its MIP gap (%g); with a smaller mip_gap (Settings) "
                        "a re-run finds a plan at least as good",
                        better[0], better[1], settings.mip_gap)

    outcome.alternatives_job = AlternativesJob(
        model, data, min(RUN_SECONDS, outcome.seconds_left() or 0.0), n,
        aim=run_aim(outcome.timings.get("solve")), done=done,
        solve_seconds=outcome.timings.get("solve"))


def _start_replan_workers(model: Any, data: ChainData, settings: SolveSettings,
                          ) -> ReplanPool:
    """The explanations' re-plan workers, started as HiGHS gets the model: they load
    (Python, highspy, the model's arrays: about 0.25 s of CPU each) while HiGHS solves,
    instead of beside the re-plans, where every core is busy (the re-plans and the
    figures). How many as ``replan_workers`` decides, for the explanations' floor."""
    from optimizer.explain import EXPLAIN_FLOOR
    from optimizer.solve import ReplanPool, replan_workers

    lines = len({line for line, _p in data.build_options})
    return ReplanPool(model, settings, replan_workers(
        model, lines, EXPLAIN_FLOOR, int(getattr(settings, "threads", 0) or 0)))


def _after_solve(outcome: RunOutcome, settings: SolveSettings, progress: Progress | None,
                 alternatives: int, figures: str | None,
                 replan_pool: ReplanPool | None) -> RunOutcome:
    """Marginal values, check, explanations, alternatives and shared limits."""
    from models.chain.checks import check_finite, check_solution
    from models.chain.results import extract_results
    from optimizer.explain import REDUCED_COSTS_READ, explain_plan
    from optimizer.solve import marginal_values

    model, data = outcome.model, outcome.data
    assert outcome.solve is not None and model is not None and data is not None
    for text in outcome.solve.warnings:  # badly scaled numbers: in the report and the log
        outcome.issues.warning(text, hint="See 'Numbers chainopt accepts' in the user guide.")
    if not outcome.solve.status.has_plan:
        return outcome
    with _phase(outcome, "marginal values", progress):
        # one LP with the plan held fixed: far easier than the MILP, so it gets at least a
        # minute even when the run's time is up (without it nothing can be explained)
        lp = marginal_values(model, dataclasses.replace(
            settings, time_limit=max(outcome.seconds_left() or 0.0, 60.0)),
            REDUCED_COSTS_READ)
    with _phase(outcome, "check", progress):
        outcome.results = extract_results(model, data, lp.duals)
        outcome.check_findings = check_finite(outcome.results, outcome.objective)
        outcome.check_findings += check_solution(data, outcome.results, outcome.objective)
    with _phase(outcome, "explain", progress):
        # what each line would change: whatever is left of the run's time limit
        budget = outcome.seconds_left() or 0.0
        # ... and aiming at a quarter of the solve's time (explain.EXPLAIN_SHARE)
        draw = None if figures is None else functools.partial(_start_figures, outcome, figures)
        explain_plan(model, data, outcome.results, settings, lp=lp, time_budget=budget,
                     solve_seconds=outcome.timings.get("solve"), beside_replans=draw,
                     replan_pool=replan_pool)
        if draw is not None:  # the re-plans were not reached: start them now
            draw()
        if budget <= 0.0 or any(n.startswith("entry_skipped") for n in
                                outcome.results.explain_notes):
            log.warning("explanations cut short by the time limit (%.1f s were left for "
                        "them); the results workbook says which lines were not analysed",
                        budget)
    if alternatives > 0:
        _start_alternatives(outcome, model, data, settings, alternatives, progress)
    with _phase(outcome, "shared limits", progress):
        from optimizer.shared_limits import explain_shared_limits

        explain_shared_limits(model, data, outcome.results, settings,
                              time_budget=outcome.seconds_left() or 0.0)
    for finding in outcome.check_findings:
        log.error("check failed: %s", finding.format())
    return outcome
