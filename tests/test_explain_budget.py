"""The explanations' MILP re-plans keep to their time: HiGHS's limit is soft, so none is
started without room for several times its LP relaxation's seconds (from scratch, as the
MILP's root LP is solved)."""

from __future__ import annotations

import dataclasses
from typing import Any
from unittest import mock

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


def _milp_replans(outcome: RunOutcome, relaxation_seconds: float,
                  monkeypatch: pytest.MonkeyPatch) -> int:
    """MILP re-plans started in 1 s of re-plans when each LP relaxation is reported to
    have taken ``relaxation_seconds`` (in this process: no re-plan workers)."""
    model, data, settings = outcome.model, outcome.data, outcome.settings
    assert model is not None and data is not None and settings is not None
    lp = solve.marginal_values(model, settings)
    res = extract_results(model, data, lp.duals)
    run_changed, bound = _replan.run_changed, _replan.RelaxedLP.bound
    started: list[int] = []

    def timed(*a: Any, **k: Any) -> _replan.Changed:
        out = run_changed(*a, **k)
        if k["relax"]:
            return dataclasses.replace(out, seconds=relaxation_seconds)
        started.append(1)
        return out

    def timed_bound(self: _replan.RelaxedLP, *a: Any, **k: Any) -> _replan.Changed:
        out = bound(self, *a, **k)
        self.cold_seconds = relaxation_seconds  # as if its first solve had taken so long
        return out

    monkeypatch.setattr(_replan, "run_changed", timed)
    monkeypatch.setattr(_replan.RelaxedLP, "bound", timed_bound)
    monkeypatch.setattr(explain, "replan_workers", lambda *_a: 0)
    explain.explain_plan(model, data, res, settings, lp=lp, time_budget=60,
                         replan_budget=1.0)
    monkeypatch.undo()
    return len(started)


def test_no_milp_re_plan_starts_without_room_for_five_relaxations(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _milp_replans(unexplained, 0.3, monkeypatch) == 0  # 1.5 s needed, 1 s given
    assert _milp_replans(unexplained, 0.001, monkeypatch) > 0  # the same lines, room


def test_the_re_plans_end_before_the_aim_leaving_time_to_close(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    """The re-plans' deadline is the aim less EXPLAIN_CLOSE_SECONDS: stopping the workers
    and closing the pool come after it and are part of the aim (at 50 lines x 1 period
    the explanations ended 0.02-0.03 s past their 2 s without it)."""
    import time

    model, data, settings = unexplained.model, unexplained.data, unexplained.settings
    assert model is not None and data is not None and settings is not None
    lp = solve.marginal_values(model, settings)
    res = extract_results(model, data, lp.duals)
    seen: list[float] = []
    monkeypatch.setattr(explain, "_replanned",
                        lambda _m, _d, _r, _s, deadline, *a, **k: seen.append(deadline))
    monkeypatch.setattr(explain, "EXPLAIN_FLOOR", 3.0)
    called = time.perf_counter()
    explain.explain_plan(model, data, res, settings, lp=lp, time_budget=60,
                         solve_seconds=0.1)
    (deadline,) = seen
    assert explain.EXPLAIN_CLOSE_SECONDS > 0
    # the aim: max(floor, a quarter of the solve) from the start, a moment after the call
    aim_end = called + 3.0
    assert aim_end - explain.EXPLAIN_CLOSE_SECONDS <= deadline \
        <= aim_end - explain.EXPLAIN_CLOSE_SECONDS + 0.01
