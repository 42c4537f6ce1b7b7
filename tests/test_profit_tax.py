"""Profit tax and its relief (Settings profit_tax_rate, profit_tax_relief_share,
profit_tax_relief_years): a linear approximation, rate x each period's margin.

Case: the base case of tests/tiny_cases.py over P1 and P2 (one year each, no discounting;
margin 35/t for X), with two lines in exclusive group G (at most one is built):

    L1: capacity 100, fixed 1000, may be built in P1: 35*100 - 1000 = 2500 per period
    L2: capacity 200, fixed 1500, only from P2:      35*200 - 1500 = 5500 in P2

By hand:
- no tax: L1 earns 2500 + 2500 = 5000, L2 5500: build L2, net 5500;
- 20 % tax, no relief: each period's margin is scaled by 0.8, so the choice stays:
  L2, net 0.8*5500 = 4400, tax 1100;
- 20 % tax, relief share 1 for 1 year (P1 exempt): L1 pays tax only in P2:
  2500 + 0.8*2500 = 4500 > 4400 for L2: build L1, net 4500, tax 500, relief 500.
  Without the relief the model keeps L2 (4400); the relief changes the plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from pytest import approx

from models.chain.checks import check_solution
from models.chain.profit_tax import tax_weights
from optimizer.excel.template import write_input_workbook
from optimizer.excel.write import write_results
from optimizer.pipeline import solve_workbook
from optimizer.report.i18n import tr
from optimizer.solve import SolveStatus
from tests.test_constraints import validation_issues
from tests.tiny_cases import (
    Tables,
    add_line,
    base_case,
    set_periods,
    set_setting,
    solve_tables,
    update_rows,
)

pytestmark = pytest.mark.solver


def two_lines(rate: float | None = None, share: float | None = None,
              years: int | None = None) -> Tables:
    tables = set_periods(base_case(), ("P1", 1), ("P2", 1))
    update_rows(tables, "Lines", {"line": "L1"}, group="G")
    add_line(tables, "L2", capacity=200, cost_fixed=1500, group="G", period_earliest="P2")
    for name, value in (("profit_tax_rate", rate), ("profit_tax_relief_share", share),
                        ("profit_tax_relief_years", years)):
        if value is not None:
            set_setting(tables, name, value)
    return tables


def _solve(tables: Tables, tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    status, objective, res, data = solve_tables(tables, tmp_path, name=name)
    assert status is SolveStatus.OPTIMAL and res is not None
    built = sorted(res.lines[res.lines.built].line)
    assert check_solution(data, res, objective) == []
    return objective, res, built


def test_no_tax_keeps_the_answer(tmp_path: Path) -> None:
    objective, res, built = _solve(two_lines(), tmp_path, "none")
    assert objective == approx(5500) and built == ["L2"]
    assert res.objective_parts["cost_profit_tax"] == 0.0
    assert res.taxes.empty


def test_tax_without_relief_scales_the_margin(tmp_path: Path) -> None:
    objective, res, built = _solve(two_lines(0.2), tmp_path, "tax")
    assert objective == approx(4400) and built == ["L2"]
    assert res.objective_parts["cost_profit_tax"] == approx(1100)
    tax = res.taxes[res.taxes.kind == "profit_tax"].set_index("period")
    assert tax.loc["P2", "base"] == approx(5500) and tax.loc["P2", "amount"] == approx(1100)
    assert tax.loc["P1", "amount"] == approx(0)


def test_relief_in_the_first_year_changes_the_plan(tmp_path: Path) -> None:
    objective, res, built = _solve(two_lines(0.2, 1.0, 1), tmp_path, "relief")
    assert objective == approx(4500) and built == ["L1"]
    assert res.objective_parts["cost_profit_tax"] == approx(500)
    assert res.kpis["profit_tax_relief"] == approx(500)
    relief = res.taxes[res.taxes.kind == "profit_tax_relief"]
    assert list(relief.period) == ["P1"] and float(relief.amount.sum()) == approx(-500)


def test_half_relief_blank_years_means_every_year(tmp_path: Path) -> None:
    """Relief share 0.5, years blank: tax 10 % of every margin; L2 0.9*5500 = 4950 beats
    L1 0.9*5000 = 4500."""
    objective, res, built = _solve(two_lines(0.2, 0.5), tmp_path, "half")
    assert objective == approx(4950) and built == ["L2"]
    assert res.objective_parts["cost_profit_tax"] == approx(550)


def test_a_loss_is_not_taxed(tmp_path: Path) -> None:
    """One period, a contracted minimum sale at a loss: X must go 100 t to a market at 5/t
    (margin 5 - 15 = -10/t), so the plan's margin is -1000 - 1000 = -2000. No tax (not a
    credit of 20 % x 2000 = 400, which a tax linear in the margin would give): net -2000.
    Without profit_tax_floor the tax variable would sit at 0 in every case."""
    tables = base_case()
    update_rows(tables, "Markets", {"market": "M"}, price=5, sales_min=100)
    set_setting(tables, "profit_tax_rate", 0.2)
    objective, res, _built = _solve(tables, tmp_path, "loss")
    assert objective == approx(-2000)
    assert res.objective_parts["cost_profit_tax"] == approx(0)
    tax = res.taxes[res.taxes.kind == "profit_tax"].iloc[0]
    assert tax.base == approx(-2000) and tax.amount == approx(0)


def test_without_the_floor_no_tax_is_paid(tmp_path: Path) -> None:
    """profit_tax_floor deactivated: T_p falls to 0 and the plan keeps its 5500 untaxed;
    the checker, pricing the tax from the Settings rows, flags the missing 1100."""
    status, objective, res, data = solve_tables(two_lines(0.2), tmp_path, name="nofloor",
                                                deactivate=("profit_tax_floor",))
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(5500)
    assert "objective_part" in {f.check for f in check_solution(data, res, objective)}


def test_tax_weights_discount_and_relief() -> None:
    """Periods of 2 and 3 years at 10 %, relief 1 (full) for 3 years: P1's two years are
    exempt, P2 taxes years 3 and 4 only: 1.1^-3 + 1.1^-4."""
    w = tax_weights(("P1", "P2"), {"P1": 2, "P2": 3}, 0.1, 1.0, 3)
    assert w["P1"] == approx(0.0)
    assert w["P2"] == approx(1.1 ** -3 + 1.1 ** -4)


def test_settings_are_validated(tmp_path: Path) -> None:
    tables = two_lines(1.5, -0.1)
    found = {i.row: i for i in validation_issues(tables, tmp_path)
             if i.sheet == "Settings" and i.severity.name == "ERROR"}
    assert len(found) == 2
    assert all(i.column == "value" for i in found.values())
    assert {str(i.value) for i in found.values()} == {"1.5", "-0.1"}


def test_economics_sheet_shows_tax_and_relief(tmp_path: Path) -> None:
    path = write_input_workbook(tmp_path / "tax.xlsx", two_lines(0.2, 1.0, 1))
    outcome = solve_workbook(path)
    out = write_results(tmp_path / "out.xlsx", outcome, dt.datetime.now(), lang="en")
    wb = openpyxl.load_workbook(out, read_only=True)
    cells = [str(c) for row in wb[tr("sheet.economics", "en")].iter_rows(values_only=True)
             for c in row if c is not None]
    assert tr("econ.kind.profit_tax", "en") in cells
    assert tr("econ.kind.profit_tax_relief", "en") in cells
    summary = [str(c) for row in wb[tr("sheet.summary", "en")].iter_rows(values_only=True)
               for c in row if c is not None]
    assert tr("kpi.cost_profit_tax", "en") in summary
    assert tr("kpi.profit_tax_relief", "en") in summary


def test_checker_reads_the_tax_from_the_settings_rows(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A data layer that drops the relief (weights without it) makes the model tax the
    half-relieved plan at the full 20 %: 0.8*5500 = 4400 instead of 4950. The checker,
    which reads the rate, share and years again from the Settings rows, flags the tax."""
    from models.chain import econ

    monkeypatch.setattr(econ, "tax_weights",
                        lambda periods, years, rate, share, relief: tax_weights(
                            periods, years, rate, 0.0, relief))
    status, objective, res, data = solve_tables(two_lines(0.2, 0.5), tmp_path, name="bug")
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(4400)
    found = check_solution(data, res, objective)
    assert any(f.check == "objective_part" and "cost_profit_tax" in f.message for f in found)
