"""The explanations' per-line held-LP figures, shared with worker processes
(optimizer/solve.py ``HeldPool``, optimizer/_held_worker.py): the same figures as one
process computes alone, and a worker that fails costs nothing but time."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pytest

import optimizer.explain as explain
import optimizer.solve as solve
from models.chain.results import extract_results
from optimizer._held_worker import held_highs
from optimizer.pipeline import RunOutcome, solve_workbook
from tests.conftest import ABSHERON

ENTRY = ["line", "entry_status", "value_to_plan", "change_if_built", "swap_with", "blocked_by"]


@pytest.fixture(scope="module")
def unexplained() -> RunOutcome:
    """The bundled case solved, its explanations left to each test."""
    with mock.patch("optimizer.explain.explain_plan", lambda *a, **_k: a[2]):
        return solve_workbook(ABSHERON)


def _held_figures(outcome: RunOutcome, workers: int,
                  monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, int]:
    """The held-plan figures of every line with this many workers, and how many held
    re-solves this process did itself."""
    model, data, settings = outcome.model, outcome.data, outcome.settings
    assert model is not None and data is not None and settings is not None
    lp = solve.marginal_values(model, settings)
    res = extract_results(model, data, lp.duals)
    monkeypatch.setattr(explain, "held_workers", lambda *_a: workers)
    here = [0]
    held_solve = solve.HeldLP.solve

    def counted(self: solve.HeldLP, *a: Any, **k: Any) -> float | None:
        here[0] += 1
        return held_solve(self, *a, **k)

    monkeypatch.setattr(solve.HeldLP, "solve", counted)
    explain.explain_plan(model, data, res, settings, lp=lp, time_budget=120,
                         replan_only=())  # no MILP re-plans: the held figures only
    monkeypatch.undo()
    return res.lines[ENTRY].copy(), here[0]


def test_a_worker_process_gives_the_figures_this_process_gives(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, solved_alone = _held_figures(unexplained, 0, monkeypatch)
    shared, solved_here = _held_figures(unexplained, 1, monkeypatch)
    assert set(alone.entry_status) >= {"added", "closed"}  # both kinds of figure
    assert solved_here < solved_alone  # the worker did some of them
    pd.testing.assert_frame_equal(alone, shared, rtol=1e-7)


def test_a_failing_worker_leaves_its_jobs_to_this_process(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, solved_alone = _held_figures(unexplained, 0, monkeypatch)
    monkeypatch.setattr(solve, "held_worker_command",
                        lambda _folder: [sys.executable, "-c", "import sys; sys.exit(3)"])
    failed, solved_here = _held_figures(unexplained, 1, monkeypatch)
    assert solved_here == solved_alone  # every job came back here
    pd.testing.assert_frame_equal(alone, failed, rtol=1e-7)


def test_the_workers_and_their_folder_are_gone_after_the_explanations(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[Any] = []
    pool_init = solve.HeldPool.__init__

    def recorded(self: solve.HeldPool, held: solve.HeldLP, workers: int) -> None:
        pool_init(self, held, workers)
        started.append((list(self._procs), Path(self._folder.name) if self._folder else None))

    monkeypatch.setattr(solve.HeldPool, "__init__", recorded)
    _held_figures(unexplained, 1, monkeypatch)
    assert started and started[0][0] and started[0][1] is not None
    procs, folder = started[0]
    assert all(p.poll() is not None for p in procs)  # stopped (killed: nothing to keep)
    assert not folder.exists()


def test_a_worker_starts_at_the_plans_basis(unexplained: RunOutcome, tmp_path: Path) -> None:
    """The worker's copy of the held LP gets the plan's optimal basis from held.npz, so
    its re-solves start warm as this process's do: status for status, and solving it as
    given takes no simplex iteration."""
    model, settings = unexplained.model, unexplained.settings
    assert model is not None and settings is not None
    with solve.HeldLP(model, settings) as held:
        objective = held.solve()
        want = held.h.getBasis()
        solve.HeldPool(held, 0)._held_file(tmp_path)
        (tmp_path / "options.json").write_text(json.dumps(solve._options(settings)))
        copy, _lower, _upper = held_highs(tmp_path, held.session.arrays)
    got = copy.getBasis()
    assert got.valid
    assert [s.value for s in got.col_status] == [s.value for s in want.col_status]
    assert [s.value for s in got.row_status] == [s.value for s in want.row_status]
    assert {s.value for s in want.col_status} >= {0, 1}  # nonbasic and basic columns
    copy.run()
    assert copy.getInfo().simplex_iteration_count == 0
    assert copy.getInfo().objective_function_value == pytest.approx(objective, rel=1e-9)


def test_small_models_and_short_batches_get_no_worker(unexplained: RunOutcome) -> None:
    """Starting a worker costs about 0.3 s: the bundled case (3,677 nonzeros), a batch of
    a few lines and a second or so of time left are better served in one process."""
    model = unexplained.model
    assert solve.held_workers(model, 1000, 60) == 0  # below HELD_WORKER_MIN_NONZEROS
    with mock.patch.object(solve, "HELD_WORKER_MIN_NONZEROS", 0):
        assert solve.held_workers(model, solve.HELD_WORKER_MIN_JOBS - 1, 60) == 0
        assert solve.held_workers(model, 1000, solve.HELD_WORKER_MIN_SECONDS / 2) == 0
        cores = len(solve.os.sched_getaffinity(0))
        assert solve.held_workers(model, 1000, 60) == min(max(cores - 1, 0), 3)
        assert solve.held_workers(model, 1000, 60, threads=1) == 0  # --threads 1: one core
        assert solve.held_workers(model, 1000, 60, threads=2) == min(max(cores - 1, 0), 1)


class _Counting:
    """A Highs whose runs record their simplex iterations (HiGHS clears its info when the
    job's bounds are put back after each re-solve)."""

    def __init__(self, h: Any) -> None:
        self.h, self.iterations = h, list[int]()

    def run(self) -> Any:
        status = self.h.run()
        self.iterations.append(self.h.getInfo().simplex_iteration_count)
        return status

    def __getattr__(self, name: str) -> Any:
        return getattr(self.h, name)


def _two_closings(outcome: RunOutcome, held: solve.HeldLP) -> list[dict[int, tuple[float, float]]]:
    """Jobs closing two built lines (the build column of each set to 0): the kind of job
    the explanations give the pool."""
    model = outcome.model
    assert model is not None
    built = [key for key in model.build if (model.build[key].value or 0) > 0.5]
    jobs = []
    for key in built:
        col = held.column(model.build[key])
        if col is not None and held.col_lower[col] > 0.5:
            jobs.append({col: (0.0, 0.0)})
    return jobs[:2]


def test_each_line_is_solved_from_the_plans_basis(unexplained: RunOutcome) -> None:
    """A per-line re-solve starts from the plan's basis, not where the last line's left
    it: after another line, the same line takes the same iterations to the same figure,
    here and in a worker's copy; the Devex option it runs with is put back afterwards."""
    from optimizer._held_worker import answer
    from optimizer._replan import option_value

    model, settings = unexplained.model, unexplained.settings
    assert model is not None and settings is not None
    key = "simplex_dual_edge_weight_strategy"
    with solve.HeldLP(model, settings) as held:
        first, second = _two_closings(unexplained, held)
        before = option_value(held.h, key)
        held._h = counting = _Counting(held.h)  # type: ignore[assignment]

        def here(job: dict[int, tuple[float, float]]) -> tuple[int, float | None]:
            value = held.solve(job, from_plan=True)
            return counting.iterations[-1], value

        alone = here(second)
        assert alone[0] > 0 and alone[1] is not None
        here(first)
        assert here(second) == alone
        assert option_value(counting, key) == before
        # the pool's jobs, in this process
        solve.HeldPool(held, 0).solve_all([first, second], time.perf_counter() + 60,
                                          lambda: 60.0)
        assert counting.iterations[-1] == alone[0]
        # and in a worker's copy of the held LP
        held.solve()
        held._h = counting.h
        folder = Path(tempfile.mkdtemp())
        solve.HeldPool(held, 0)._held_file(folder)
        (folder / "options.json").write_text(json.dumps(solve._options(settings)))
        copy, lower, upper = held_highs(folder, held.session.arrays)
    worker = _Counting(copy)
    plan = copy.getBasis()

    def in_worker(job: dict[int, tuple[float, float]]) -> tuple[int, float | None]:
        got = answer(worker, {"cols": [[c, lo, up] for c, (lo, up) in job.items()],  # type: ignore[arg-type]
                              "limit": 60, "from_plan": True}, lower, upper, plan)
        return worker.iterations[-1], got["objective"]  # type: ignore[return-value]

    worker_alone = in_worker(second)
    in_worker(first)
    assert in_worker(second) == worker_alone
    assert worker_alone[1] == pytest.approx(alone[1], rel=1e-9)
    assert option_value(copy, key) == before
