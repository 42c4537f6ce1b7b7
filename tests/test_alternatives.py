"""Alternative plans and the trade-off front match brute force on a tiny case.

Four lines at S on the base recipe (F at 10/t, X sold at M for 50/t, lane 5/t: margin
35/t), capacity 100 each, but the market takes at most 250 t. A build set S of lines is
worth 35 * min(100 |S|, 250) - sum of their fixed costs (1000, 1200, 1500, 3200), with
jobs 10, 10, 10, 40. The best is {L1, L2, L3}: 8750 - 3700 = 5050. Every subset is
enumerated below (the brute force), and the commands must find exactly the plans it
ranks.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from optimizer.alternatives import alternatives, tradeoff
from optimizer.pipeline import validate_workbook
from tests.tiny_cases import add_line, base_case, update_rows
from tests.workbook_edits import write_tables

pytestmark = [pytest.mark.solver, pytest.mark.slow]

FIXED = {"L1": 1000.0, "L2": 1200.0, "L3": 1500.0, "L4": 3200.0}
JOBS = {"L1": 10.0, "L2": 10.0, "L3": 10.0, "L4": 40.0}


def _data(tmp_path: Path):  # type: ignore[no-untyped-def]
    t = base_case()
    update_rows(t, "Lines", {"line": "L1"}, jobs=10)
    for line in ("L2", "L3", "L4"):
        add_line(t, line, cost_fixed=FIXED[line], jobs=JOBS[line])
    update_rows(t, "Markets", {"market": "M"}, sales_max=250)
    data = validate_workbook(write_tables(t, tmp_path / "four.xlsx")).data
    assert data is not None
    return data


def _brute() -> list[tuple[float, float, frozenset[str]]]:
    out = []
    for k in range(5):
        for s in itertools.combinations(FIXED, k):
            value = 35 * min(100 * len(s), 250) - sum(FIXED[x] for x in s)
            out.append((value, sum(JOBS[x] for x in s), frozenset(s)))
    return sorted(out, key=lambda v: -v[0])


def test_alternatives_are_the_next_best_build_sets(tmp_path: Path) -> None:
    brute = _brute()
    assert brute[0] == (5050.0, 30.0, frozenset({"L1", "L2", "L3"}))
    within = 0.4  # everything worth at least 5050 - 2020 = 3030
    expected = [b for b in brute[1:] if b[0] >= 5050 - within * 5050 - 1e-6]
    best, plans, note = alternatives(_data(tmp_path), n=20, within=within)
    assert best is not None and best.net_value == pytest.approx(5050.0) and not note
    assert [p.net_value for p in plans] == pytest.approx([b[0] for b in expected])
    # ties in value may come in either order: compare the sets of build sets per value
    assert {frozenset(p.built) for p in plans} == {b[2] for b in expected}
    for p in plans:
        assert set(p.added) == set(p.built) - {"L1", "L2", "L3"}
        assert set(p.dropped) == {"L1", "L2", "L3"} - set(p.built)
    best, few, _ = alternatives(_data(tmp_path), n=2, within=within)
    assert [p.net_value for p in few] == pytest.approx([b[0] for b in expected[:2]])


def test_tradeoff_front_of_net_value_and_jobs(tmp_path: Path) -> None:
    """Jobs run from 30 (best plan) to 70 (every line); with 9 targets 5 jobs apart each
    point of the brute-force front with at least 30 jobs is a target."""
    brute = _brute()
    front = {(v, j) for v, j, _s in brute if j >= 30 and not any(
        (v2 >= v and j2 >= j and (v2 > v or j2 > j)) for v2, j2, _ in brute)}
    points, note = tradeoff(_data(tmp_path), "jobs", k=9)
    assert not note
    got = {(round(p.plan.net_value, 2), p.plan.jobs) for p in points}
    assert got == front
