"""The explanations' re-plans keep the MILP's LP relaxation warm on a Highs of its own
(optimizer/_replan.py ``RelaxedLP``): the same bounds as the relaxation solved from
scratch, for far fewer simplex iterations; whole plans as starts; and the same re-planned
figures as without it. Re-plans from a plan run without the heuristics that look for a
first plan or search around it (feasibility jump, RENS, RINS), and the options are put
back."""

from __future__ import annotations

from typing import Any
from unittest import mock

import highspy
import numpy as np
import pandas as pd
import pytest

import optimizer._replan as _replan
import optimizer.explain as explain
import optimizer.solve as solve
from models.chain.results import extract_results
from optimizer.pipeline import RunOutcome, solve_workbook
from tests.conftest import ABSHERON


@pytest.fixture(scope="module")
def unexplained() -> RunOutcome:
    with mock.patch("optimizer.explain.explain_plan", lambda *a, **_k: a[2]):
        return solve_workbook(ABSHERON)


def _kept(outcome: RunOutcome) -> tuple[highspy.Highs, Any, np.ndarray]:
    assert outcome.model is not None and outcome.settings is not None
    session = solve._session(outcome.model)
    solve.apply_options(session.highs, outcome.settings)
    return session.highs, session.arrays, session.arrays.integer_indices()


def _plan(outcome: RunOutcome) -> tuple[np.ndarray, np.ndarray]:
    """The solved plan's build decisions: their columns and values."""
    assert outcome.model is not None and outcome.data is not None
    col_of = explain._build_columns(outcome.model, outcome.data)
    cols = np.array(list(col_of.values()), dtype=np.int32)
    values = np.array([round(outcome.model.build[k].value or 0.0) for k in col_of],
                      dtype=float)
    return cols, values


def test_the_warm_relaxation_bounds_each_line_as_the_cold_one_does(
        unexplained: RunOutcome) -> None:
    h, arrays, ints = _kept(unexplained)
    assert unexplained.settings is not None
    warm = solve._relaxed_lp(arrays, unexplained.settings)
    warm_iterations = cold_iterations = 0
    for c in ints:  # each build decision closed, then forced open
        for lo_up in ((0.0, 0.0), (1.0, 1.0)):
            cols = {int(c): lo_up}
            h.clearSolver()  # as after the MILP re-plan that comes between two bounds
            cold = _replan.run_changed(h, arrays.col_lower, arrays.col_upper, ints, cols,
                                       None, relax=True, start=None, read=None,
                                       seconds=30)
            got = warm.bound(cols, None, 30)
            cold_iterations += cold.iterations
            warm_iterations += got.iterations
            assert got.status == cold.status
            if cold.objective is not None:
                assert got.objective == pytest.approx(cold.objective, rel=1e-9, abs=1e-3)
    assert warm.cold_seconds is not None and warm.cold_seconds > 0
    # from the last basis, a few dozen iterations where the cold solve takes hundreds
    assert warm_iterations < cold_iterations / 4, (warm_iterations, cold_iterations)


def test_a_completed_start_is_a_whole_plan_with_the_starts_decisions(
        unexplained: RunOutcome) -> None:
    _h, arrays, ints = _kept(unexplained)
    assert unexplained.settings is not None
    warm = solve._relaxed_lp(arrays, unexplained.settings)
    cols, plan = _plan(unexplained)
    assert len(cols) == len(ints)
    whole = 0
    for built in np.flatnonzero(plan > 0.5):  # the plan with one built line closed
        closed = plan.copy()
        closed[built] = 0.0
        full = warm.complete((cols, closed), 30)
        if full is None:  # no plan with these decisions (a line others depend on)
            continue
        whole += 1
        assert len(full) == len(arrays.cost)
        assert np.array_equal(full[cols], closed)
        assert np.all(full >= arrays.col_lower - 1e-6)
        assert np.all(full <= arrays.col_upper + 1e-6)
        rows = _row_activities(arrays, full)
        scale = 1.0 + np.abs(rows)
        assert np.all(rows >= arrays.row_lower - 1e-6 * scale)
        assert np.all(rows <= arrays.row_upper + 1e-6 * scale)
    assert whole >= (plan > 0.5).sum() / 2, whole


def _row_activities(arrays: Any, x: np.ndarray) -> np.ndarray:
    """A x for the column-wise matrix of ``arrays``."""
    columns = np.repeat(np.arange(len(x)), np.diff(arrays.a_start))
    rows = np.zeros(len(arrays.row_lower))
    np.add.at(rows, arrays.a_index, arrays.a_value * x[columns])
    return rows


def test_a_re_plan_from_a_plan_runs_without_its_search_heuristics_and_puts_them_back(
        unexplained: RunOutcome) -> None:
    h, arrays, ints = _kept(unexplained)
    seen: list[Any] = []
    run = h.run

    def spy() -> Any:
        seen.append(tuple(_replan.option_value(h, k) for k in _replan.REPLAN_FROM_PLAN))
        return run()

    start = (ints.astype(np.int32), np.zeros(len(ints)))
    with mock.patch.object(h, "run", spy):
        _replan.run_changed(h, arrays.col_lower, arrays.col_upper, ints, {}, None,
                            relax=False, start=start, read=None, seconds=30)
        _replan.run_changed(h, arrays.col_lower, arrays.col_upper, ints, {}, None,
                            relax=False, start=None, read=None, seconds=30)
    keys = ("mip_heuristic_run_feasibility_jump", "mip_heuristic_run_rens",
            "mip_heuristic_run_rins")
    assert tuple(_replan.REPLAN_FROM_PLAN) == keys
    assert seen == [(False, False, False), (True, True, True)]
    assert all(_replan.option_value(h, k) is True for k in keys)


def _figures(outcome: RunOutcome, monkeypatch: pytest.MonkeyPatch,
             warm: bool) -> pd.DataFrame:
    model, data, settings = outcome.model, outcome.data, outcome.settings
    assert model is not None and data is not None and settings is not None
    lp = solve.marginal_values(model, settings)
    res = extract_results(model, data, lp.duals)
    monkeypatch.setattr(explain, "replan_workers", lambda *_a: 0)  # this process
    if not warm:  # as for a model too large for a second copy
        monkeypatch.setattr(solve, "REPLAN_WORKER_MAX_NONZEROS", 0)
    made: list[int] = []
    relaxed_lp = solve._relaxed_lp

    def counted(*a: Any) -> _replan.RelaxedLP:
        made.append(1)
        return relaxed_lp(*a)

    monkeypatch.setattr(solve, "_relaxed_lp", counted)
    explain.explain_plan(model, data, res, settings, lp=lp, time_budget=300,
                         replan_budget=240)
    monkeypatch.undo()
    assert len(made) == (1 if warm else 0)
    lines = res.lines[res.lines.status == "candidate"]
    return lines[["line", "entry_status", "replan_exact", "replan_change"]] \
        .reset_index(drop=True)


def test_the_re_planned_figures_do_not_depend_on_the_warm_relaxation(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    warm = _figures(unexplained, monkeypatch, warm=True)
    cold = _figures(unexplained, monkeypatch, warm=False)
    assert warm.replan_exact.all() and cold.replan_exact.all()
    pd.testing.assert_frame_equal(warm.drop(columns="replan_change"),
                                  cold.drop(columns="replan_change"))
    # both proven optimal within the run's gap of the same MILP
    assert unexplained.settings is not None and unexplained.objective is not None
    slack = unexplained.settings.mip_gap * abs(unexplained.objective) + 1.0
    assert np.allclose(warm.replan_change.astype(float), cold.replan_change.astype(float),
                       atol=slack, rtol=0)
