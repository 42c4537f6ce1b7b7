"""Diagnosis of infeasible workbooks: variants of the bundled case, one planted cause each.

For every variant: the workbook as planted has no plan (checked by solving it); the
diagnosis names the planted cells (sheet, Excel row, header name); a script that sets
every suggested value gets a workbook that solves; and where one cell is changed, the
amount is tight: moving the cell one more unit (one line, one job, one tonne, one
percentage point) past the suggestion gives no plan again. Several variants combine
rows that no single-row pre-solve check can see (jobs minimum with a capex budget;
several sales minimums of one product).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from optimizer.diagnose import Diagnosis, apply, diagnose
from optimizer.pipeline import solve_workbook, validate_workbook
from optimizer.solve import SolveSettings
from tests.workbook_edits import example, row_of, write_tables

pytestmark = [pytest.mark.solver, pytest.mark.slow]

Tables = dict[str, list[dict[str, Any]]]


def _policy(t: Tables, kind: str, value: float, period: str | None = None) -> None:
    for r in t["Policy"]:
        if r["policy"] == kind:
            r.update(value=value, active=True, period=period)
            return
    t["Policy"].append({"policy": kind, "value": value, "active": True, "period": period})


def _market(t: Tables, market: str, material: str, **values: Any) -> None:
    for r in t["Markets"]:
        if r["market"] == market and r["material"] == material:
            r.update(values)


def _all_pe100_minimums(t: Tables) -> None:
    for r in t["Markets"]:
        if r["material"] == "P_PIPE_PE100":
            r["sales_min"] = r["sales_max"]


# name -> (plant, cells the diagnosis must change: {(sheet, column, row match)}, step of
# the tightness check or None when several cells change together)
VARIANTS: dict[str, tuple[Callable[[Tables], None], list[tuple[str, str, dict[str, Any]]],
                          float | None]] = {
    "lines_min": (lambda t: _policy(t, "lines_min", 30),
                  [("Policy", "value", {"policy": "lines_min"})], 1.0),
    "jobs_min_with_budget": (lambda t: (_policy(t, "jobs_min", 900),
                                        _policy(t, "budget_total", 30_000_000)),
                             [("Policy", "value", {"policy": "jobs_min"})], 1.0),
    "budget_period_with_lines_min": (lambda t: _policy(t, "budget_period", 2_000_000),
                                     [("Policy", "value", {"policy": "lines_min"})], 1.0),
    "recovered_min": (lambda t: _policy(t, "recovered_min", 500_000),
                      [("Policy", "value", {"policy": "recovered_min"})], 1.0),
    "budget_with_lines_min": (lambda t: _policy(t, "budget_total", 3_000_000),
                              [("Policy", "value", {"policy": "lines_min"})], 1.0),
    "pe100_minimums_together": (_all_pe100_minimums, [], None),
    "one_market_minimum": (lambda t: _market(t, "M_BAKU", "P_PIPE_PE100", sales_min=4000,
                                             sales_max=20000) or _market(
        t, "M_CAS", "P_PIPE_PE100", sales_min=2000) or _market(
        t, "M_REG", "P_PIPE_PE100", sales_min=3000) or _market(
        t, "M_GEO", "P_PIPE_PE100", sales_min=1500) or _market(
        t, "M_TUR", "P_PIPE_PE100", sales_min=500), [], None),
    "offtake_min": (lambda t: [r.update(offtake_min=r["availability"]) for r in t["Sources"]
                               if r["source"] == "IMPORT_LDPE" and r.get("availability")]
                    or [r.update(availability=60000, offtake_min=60000)
                        for r in t["Sources"] if r["source"] == "IMPORT_LDPE"],
                    [("Sources", "offtake_min", {"source": "IMPORT_LDPE"})], 1.0),
    "jobs_min_with_budget_period": (lambda t: (_policy(t, "jobs_min", 700),
                                               _policy(t, "budget_period", 25_000_000)),
                                    [("Policy", "value", {"policy": "jobs_min"})], 1.0),
    "recovered_with_local_share": (lambda t: (_policy(t, "recovered_min", 200_000),),
                                   [("Policy", "value", {"policy": "recovered_min"})], 1.0),
}


def _solves(t: Tables, path: Path) -> bool:
    outcome = solve_workbook(write_tables(t, path), {"time_limit": 60})
    assert outcome.data is not None, outcome.issues.report()
    assert outcome.status is not None
    return outcome.status.has_plan


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_planted_cause_is_diagnosed(name: str, tmp_path: Path) -> None:
    plant, cells, step = VARIANTS[name]
    t = example()
    plant(t)
    path = write_tables(t, tmp_path / "planted.xlsx")
    data = validate_workbook(path).data
    assert data is not None
    assert not _solves(t, tmp_path / "check.xlsx"), "the planted case must be infeasible"
    result: Diagnosis = diagnose(data, SolveSettings(time_limit=120, mip_gap=1e-6))
    assert result.status == "infeasible" and result.relaxations, result.report()
    for sheet, column, match in cells:
        row = row_of(t, sheet, **match)
        assert any(r.sheet == sheet and r.column == column and r.row == row
                   for r in result.relaxations), result.report()
    for r in result.relaxations:  # the JSON a script reads: real rows and header names
        assert t[r.sheet][r.row - 2][r.column] == pytest.approx(r.found)
    for c in result.conflict or []:  # the IIS's cells are real cells with their values
        assert t[c.sheet][c.row - 2][c.column] == pytest.approx(c.found)
    if name == "pe100_minimums_together":
        # the IIS narrows six minimums to the ones that cannot hold together
        # (M_BAKU 4,000 t and M_REG 3,000 t > 5,880 t from the biggest PE100 line)
        assert result.conflict is not None and len(result.conflict) >= 2, result.report()
        assert all(c.sheet == "Markets" and c.column == "sales_min"
                   and t["Markets"][c.row - 2]["material"] == "P_PIPE_PE100"
                   for c in result.conflict), result.report()
    fixed = copy.deepcopy(t)
    apply(fixed, result.relaxations)
    assert _solves(fixed, tmp_path / "fixed.xlsx"), result.report()
    if step is not None and len(result.relaxations) == 1:
        r = result.relaxations[0]
        tighter = copy.deepcopy(t)
        lowered = r.suggested < r.found
        tighter[r.sheet][r.row - 2][r.column] = r.suggested + (step if lowered else -step)
        assert not _solves(tighter, tmp_path / "tighter.xlsx"), (
            f"{r.message}: one unit less of change still solves, so the amount is not tight")
