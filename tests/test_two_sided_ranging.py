"""Two-sided values from HiGHS's ranging (optimizer/solve.py ``one_sided_changes``).

A limit that is one bound, and that the ranging of the held LP's optimal basis says can
move more than a step both ways, is read from the ranging alone: both one-step changes
and how far each holds. Every such figure of the bundled case is re-solved here, one
step each way and at each end of its range, and must be what the re-solve gives; and the
limits that the ranging settles need no re-solve of their own.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest

import optimizer.explain as explain
import optimizer.solve as solve
from optimizer.pipeline import RunOutcome, solve_workbook
from tests.conftest import ABSHERON

pytestmark = pytest.mark.solver


@pytest.fixture(scope="module")
def unexplained() -> RunOutcome:
    with mock.patch("optimizer.explain.explain_plan", lambda *a, **_k: a[2]):
        outcome = solve_workbook(ABSHERON)
    assert outcome.model is not None and outcome.results is not None
    explain._marginal_tables(outcome.data, outcome.results,  # as explain_plan does
                             solve.marginal_values(outcome.model, outcome.settings).duals,
                             {})
    return outcome


def _limits(outcome: RunOutcome) -> dict[Any, list[solve.Shift]]:
    """The binding limits that the explanations state both ways, as explain._two_sided
    picks them."""
    assert outcome.model is not None and outcome.results is not None
    mv = outcome.results.marginal
    found = {i: explain._shifts(outcome.model, outcome.data, r)
             for i, r in zip(mv.index, mv.itertuples(index=False), strict=True)
             if r.kind in explain.LOOSEN and bool(r.binding)}
    return {i: s for i, s in found.items() if s}


def _one_bound(held: solve.HeldLP, shifts: list[solve.Shift]) -> tuple[str, int, float, str]:
    (s,) = shifts
    col = held.column(s.target)
    if col is not None:
        return "col", col, s.factor, s.side
    (row,) = held.rows(s.target)
    return "row", row, s.factor, s.side


def _moved(held: solve.HeldLP, bound: tuple[str, int, float, str], by: float) -> float:
    """The held LP's optimum with the bound moved by ``by`` steps (re-solved)."""
    kind, i, factor, side = bound
    lo, up = held.held_bounds(kind, i)
    new = (lo + by * factor, up) if side == "lower" else (lo, up + by * factor)
    found = held.solve({i: new} if kind == "col" else {},
                       {i: new} if kind == "row" else {}, 60.0)
    assert found is not None
    return found


def test_every_ranged_value_and_reach_is_what_a_re_solve_gives(unexplained: RunOutcome,
                                                               ) -> None:
    assert unexplained.model is not None and unexplained.settings is not None
    limits = _limits(unexplained)
    calls = 0
    real_solve = solve.HeldLP.solve

    def counted(self: solve.HeldLP, *args: Any, **kwargs: Any) -> float | None:
        nonlocal calls
        calls += 1
        return real_solve(self, *args, **kwargs)

    single = {k for k, s in limits.items() if len(s) == 1}
    assert len(single) >= 30  # the bundled case has 40
    with mock.patch.object(solve.HeldLP, "solve", counted):
        solve.one_sided_changes(unexplained.model, unexplained.settings,
                                {k: s for k, s in limits.items() if k not in single},
                                relax=("input_link",))
        without_single, calls = calls, 0
        base, changes = solve.one_sided_changes(unexplained.model, unexplained.settings,
                                                limits, relax=("input_link",))
    assert base is not None and set(changes) == set(limits)
    # every one-bound limit of the bundled case is settled by the ranging: no re-solve
    assert calls == without_single
    checked = 0
    with solve.HeldLP(unexplained.model, unexplained.settings, lift=("input_link",)) as held:
        assert held.solve({}, {}, 60.0) == pytest.approx(base)
        for key in single:
            ch = changes[key]
            bound = _one_bound(held, limits[key])
            assert ch.plus is not None and ch.minus is not None
            for steps, rate in ((1.0, ch.plus), (-1.0, ch.minus),
                                (ch.plus_range, ch.plus), (-ch.minus_range, ch.minus)):
                want = base + rate * abs(steps)
                assert _moved(held, bound, steps) == pytest.approx(want, rel=1e-7, abs=1e-4)
            checked += 1
    assert checked == len(single)


def test_without_ranging_the_same_values_come_from_re_solves(unexplained: RunOutcome) -> None:
    """The ranging gives the one-step values that re-solving gives (the path every limit
    took before, and the one a limit takes when the ranging cannot settle it)."""
    assert unexplained.model is not None and unexplained.settings is not None
    limits = _limits(unexplained)
    _, ranged = solve.one_sided_changes(unexplained.model, unexplained.settings, limits,
                                        relax=("input_link",))
    with mock.patch.object(solve.HeldLP, "ranging", lambda self: None):
        _, resolved = solve.one_sided_changes(unexplained.model, unexplained.settings,
                                              limits, relax=("input_link",))
    assert set(ranged) == set(resolved)
    for key in limits:
        a, b = ranged[key], resolved[key]
        assert (a.plus is None) == (b.plus is None) and (a.minus is None) == (b.minus is None)
        if a.plus is not None:
            assert a.plus == pytest.approx(b.plus, rel=1e-7, abs=1e-4)
        if a.minus is not None:
            assert a.minus == pytest.approx(b.minus, rel=1e-7, abs=1e-4)
