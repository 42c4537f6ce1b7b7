"""The range over which a marginal value holds (HiGHS ranging, checked by re-solving), and
the explanation budget (held-plan figures for every line, MILP re-plans only in the time
aimed at).

The case is tests/tiny_cases.base_case with SRC_F offering 80 t: F at 10/t, L1 (capacity
100, fixed cost 1000), X sold at M for 50/t, lane 5/t, so each tonne is worth the margin
35 and the plan is 35 x 80 - 1000 = 1800.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import optimizer.explain as explain
from optimizer.excel.template import write_input_workbook
from optimizer.excel.write import write_results
from optimizer.pipeline import RunOutcome, solve_workbook
from optimizer.solve import SolveStatus
from tests.tiny_cases import Tables, add_line, base_case, copy_case, set_setting, update_rows

pytestmark = pytest.mark.solver


def offer(tonnes: float) -> Tables:
    tables = update_rows(base_case(), "Sources", {"source": "SRC_F"}, availability=tonnes)
    set_setting(tables, "mip_gap", 0.0)
    return tables


def solve(tables: Tables, tmp_path: Path, name: str, **explain_args: Any) -> RunOutcome:
    path = write_input_workbook(tmp_path / f"{name}.xlsx", copy_case(tables))
    out = solve_workbook(path)
    assert out.status is SolveStatus.OPTIMAL, out.issues.report()
    assert out.model is not None and out.data is not None and out.results is not None
    out.results.explained = False  # explained again with the arguments of the test
    out.results.explain_notes.clear()
    explain.explain_plan(out.model, out.data, out.results, out.settings, **explain_args)
    return out


def same_both_ways(out: RunOutcome, kind: str, item: str, value: float, looser: float,
                   tighter_at_least: float) -> None:
    """The limit's row says: ``value`` per unit both ways, holding exactly ``looser``
    units looser and at least ``tighter_at_least`` tighter."""
    assert out.results is not None
    mv = out.results.marginal
    row = mv[(mv.kind == kind) & (mv.item == item)].iloc[0]
    assert row.sides == "same"
    assert float(row.value) == pytest.approx(value)
    assert float(row.value_tighter) == pytest.approx(value)
    assert float(row.range_looser) == pytest.approx(looser)
    assert float(row.range_tighter) >= tighter_at_least


def test_feedstock_range_ends_where_capacity_binds(tmp_path: Path) -> None:
    """One more tonne of SRC_F adds 35 until the offer reaches L1's capacity (100 t):
    the looser range is exactly 20 t (doubling alone would have stopped at 16), and a
    re-run with the offer at the range end gains 35 x 20 = 700; one tonne beyond it
    gains nothing more (the range is not longer than stated). Tighter, 35 per tonne holds
    with L1 held built down to 0 t; a re-run at 29 t (L1 still pays: 35 x 29 > 1000)
    loses 35 x 51, as the range says."""
    out = solve(offer(80), tmp_path, "base", time_budget=600)
    assert out.objective == pytest.approx(1800)
    same_both_ways(out, "feedstock", "SRC_F", value=35, looser=20, tighter_at_least=51)
    at_end = solve(offer(100), tmp_path, "end", time_budget=600)
    assert at_end.objective == pytest.approx(1800 + 35 * 20)
    beyond = solve(offer(101), tmp_path, "beyond", time_budget=600)
    assert beyond.objective == pytest.approx(at_end.objective)
    inside = solve(offer(29), tmp_path, "inside", time_budget=600)
    assert inside.objective == pytest.approx(1800 - 35 * 51)


def test_replans_wait_for_time_but_every_line_is_analysed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time aimed at re-plans (a 0 s solve, floor 0), every line still gets its
    held-plan figure (L1 closing loses 35 x 80 - 1000 = 1800 with L2 held out; L2, a copy
    of L1 with fixed cost 1500, added beside L1 only adds its fixed cost: 1500), no MILP
    re-plan is run and the notes say how many were skipped; with time, both are
    re-planned exactly: closing L1, L2 takes over (35 x 80 - 1500 = 1300, a loss of 500);
    forcing L2 in, the best plan closes L1 (the same 500)."""
    tables = add_line(offer(80), "L2", cost_fixed=1500)
    monkeypatch.setattr(explain, "EXPLAIN_FLOOR", 0.0)
    quick = solve(tables, tmp_path, "quick", time_budget=600, solve_seconds=0.0)
    assert quick.results is not None
    lines = quick.results.lines.set_index("line")
    assert set(lines.entry_status) <= {"closed", "swapped", "added", "required"}
    assert float(lines.value_to_plan["L1"]) == pytest.approx(1800)
    assert float(lines.change_if_built["L2"]) == pytest.approx(-1500)
    assert lines.replan_change.isna().all()
    assert "replan_skipped:2" in quick.results.explain_notes
    # Run info counts them, in words, beside "complete" (every line has its held figure)
    assert run_info_explanations(quick, tmp_path) == (
        "marginal values and line analysis complete; 2 line(s) state a bound ('at most') "
        "instead of a re-planned figure: the time aimed at for re-plans ran out")
    monkeypatch.setattr(explain, "EXPLAIN_FLOOR", 600.0)
    full = solve(tables, tmp_path, "full", time_budget=600, solve_seconds=0.0)
    assert full.results is not None
    lines = full.results.lines.set_index("line")
    assert lines.replan_exact.astype(bool).all()
    assert float(lines.replan_change["L1"]) == pytest.approx(-500)
    assert float(lines.replan_change["L2"]) == pytest.approx(-500)
    assert run_info_explanations(full, tmp_path) == "marginal values and line analysis complete"


def run_info_explanations(out: RunOutcome, tmp_path: Path) -> str:
    """The *Explanations* row of the results workbook's Run info sheet."""
    target = write_results(tmp_path / f"results-{id(out)}.xlsx", out, dt.datetime.now())
    book = openpyxl.load_workbook(target, read_only=True)
    try:
        rows = {r[0]: r[1] for r in book["Run info"].iter_rows(values_only=True) if r}
    finally:
        book.close()
    return str(rows["Explanations"])


def test_capacity_range_from_the_ranging_ends_where_the_offer_binds(tmp_path: Path) -> None:
    """SRC_F offers 150 t, L1's capacity (100 t) binds: one more tonne of capacity adds
    35 until the offer binds at 150 t. The range is read from HiGHS's ranging of the held
    LP (capacity beside its utilisation floor, not binding), not from re-solves: exactly
    50 t looser. A re-run with capacity 150 gains 35 x 50, one with 151 nothing more; one
    with capacity 60 (L1 still pays) loses 35 x 40."""
    def set_line(tables: Tables, line: str, **values: Any) -> Tables:
        return update_rows(tables, "Lines", {"line": line}, **values)

    base = solve(offer(150), tmp_path, "cap", time_budget=600)
    assert base.objective == pytest.approx(35 * 100 - 1000)
    same_both_ways(base, "line_capacity", "L1", value=35, looser=50, tighter_at_least=40)
    wider = solve(set_line(offer(150), "L1", capacity=150), tmp_path, "c150", time_budget=600)
    assert wider.objective == pytest.approx(base.objective + 35 * 50)
    beyond = solve(set_line(offer(150), "L1", capacity=151), tmp_path, "c151", time_budget=600)
    assert beyond.objective == pytest.approx(wider.objective)
    narrower = solve(set_line(offer(150), "L1", capacity=60), tmp_path, "c60", time_budget=600)
    assert narrower.objective == pytest.approx(base.objective - 35 * 40)
