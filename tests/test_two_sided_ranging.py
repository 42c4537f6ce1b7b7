"""Two-sided values from HiGHS's ranging (optimizer/solve.py ``one_sided_changes``).

A limit that is one bound, and that the ranging of the held LP's optimal basis says can
move more than a step both ways, is read from the ranging alone: both one-step changes
and how far each holds. Limits other than capacity are first read from the LP as held
(input links in place), then the rest from the LP with the input links lifted. Every
such figure of the bundled case is re-solved here (links lifted), one step each way and
at each end of its range, and must be what the re-solve gives; and the limits that the
ranging settles need no re-solve of their own.
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


def _changes(outcome: RunOutcome, limits: dict[Any, list[solve.Shift]],
             ) -> tuple[float | None, dict[Any, solve.OneSided]]:
    """``one_sided_changes`` as explain._two_sided calls it: the input links lifted, and
    every limit but capacity read first from the LP as held."""
    assert outcome.model is not None and outcome.results is not None
    kind = outcome.results.marginal.kind
    return solve.one_sided_changes(outcome.model, outcome.settings, limits,
                                   relax=("input_link",),
                                   unrelaxed=[k for k in limits if kind[k] != "line_capacity"])


def _bounds(held: solve.HeldLP, shifts: list[solve.Shift],
            ) -> list[tuple[str, int, float, str]]:
    out: list[tuple[str, int, float, str]] = []
    for s in shifts:
        col = held.column(s.target)
        if col is not None:
            out.append(("col", col, s.factor, s.side))
        out += [("row", row, s.factor, s.side) for row in held.rows(s.target)]
    return out


def _moved(held: solve.HeldLP, bounds: list[tuple[str, int, float, str]], by: float,
           ) -> float:
    """The held LP's optimum with every bound of a limit moved by ``by`` steps (re-solved;
    capacity moves its utilisation floor too)."""
    cols: dict[int, tuple[float, float]] = {}
    rows: dict[int, tuple[float, float]] = {}
    for kind, i, factor, side in bounds:
        lo, up = held.held_bounds(kind, i)
        new = (lo + by * factor, up) if side == "lower" else (lo, up + by * factor)
        (cols if kind == "col" else rows)[i] = new
    found = held.solve(cols, rows, 60.0)
    assert found is not None
    return found


def _one_lead(shifts: list[solve.Shift]) -> bool:
    """A limit the ranging can settle: one bound, beside rows that follow it."""
    return sum(not s.follows for s in shifts) == 1


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

    ranged = {k for k, s in limits.items() if _one_lead(s)}
    # the bundled case: 40 single bounds, 22 capacities with their utilisation floors
    assert sum(len(limits[k]) == 1 for k in ranged) >= 30
    assert sum(len(limits[k]) == 2 for k in ranged) >= 15
    with mock.patch.object(solve.HeldLP, "solve", counted):
        _changes(unexplained, {k: s for k, s in limits.items() if k not in ranged})
        without_ranged, calls = calls, 0
        base, changes = _changes(unexplained, limits)
    assert base is not None and set(changes) == set(limits)
    # every one of them is settled by a ranging, with no re-solve of its own (at most
    # the base solves of the LP as held and with the input links lifted)
    assert calls <= without_ranged + 2
    checked = 0
    with solve.HeldLP(unexplained.model, unexplained.settings, lift=("input_link",)) as held:
        assert held.solve({}, {}, 60.0) == pytest.approx(base)
        for key in ranged:
            ch = changes[key]
            bounds = _bounds(held, limits[key])
            assert ch.plus is not None and ch.minus is not None
            for steps, rate in ((1.0, ch.plus), (-1.0, ch.minus),
                                (ch.plus_range, ch.plus), (-ch.minus_range, ch.minus)):
                want = base + rate * abs(steps)
                assert _moved(held, bounds, steps) == pytest.approx(want, rel=1e-7, abs=1e-4)
            checked += 1
    assert checked == len(ranged)


def test_without_ranging_the_same_values_come_from_re_solves(unexplained: RunOutcome) -> None:
    """The rangings give the one-step values that re-solving with the input links lifted
    gives (the path every limit took before, and the one a limit takes when no ranging
    settles it): lifting the input links changes no value but capacity's."""
    assert unexplained.model is not None and unexplained.settings is not None
    limits = _limits(unexplained)
    _, ranged = _changes(unexplained, limits)
    with mock.patch.object(solve.HeldLP, "ranging", lambda self: None):
        _, resolved = _changes(unexplained, limits)
    assert set(ranged) == set(resolved)
    for key in limits:
        a, b = ranged[key], resolved[key]
        assert (a.plus is None) == (b.plus is None) and (a.minus is None) == (b.minus is None)
        if a.plus is not None:
            assert a.plus == pytest.approx(b.plus, rel=1e-7, abs=1e-4)
        if a.minus is not None:
            assert a.minus == pytest.approx(b.minus, rel=1e-7, abs=1e-4)
