"""The results workbook shows the optional economics: an Economics sheet (ramp-up, price
tiers, process losses, emissions, clusters) and Summary rows, in every language; a case
without them gets no such sheet (tests/test_results_workbook.py covers the bundled case).

The case (tests/test_constraints.py helpers): base case with F emitting 0.5 t CO2/t,
lane S-M 0.2 t CO2/t, carbon price 5; X tiers from 60 t at 30, from 80 t at 10; RampUp
60 % in year 1; X yield 0.9 with 0.1 t of 'fines' at 20/t; cluster C1 = {S}; F held in
stock 73 days (0.2 yr) financed at 10 %.

By hand (one period of one year): L1 may process 60 t (ramp-up), making 54 t of X, all
below the first tier. Per tonne of F: 0.9*(50 - 5) - 10 - 0.1*20 - 5*(0.5 + 0.9*0.2)
- 10*0.2*0.1 = 40.5 - 10 - 2 - 3.4 - 0.2 = 24.9; 60 t: 1494 - 1000 = 494.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from optimizer.excel.template import write_input_workbook
from optimizer.excel.write import write_results
from optimizer.pipeline import solve_workbook
from optimizer.report.i18n import tr
from optimizer.solve import SolveStatus
from tests.test_constraints import carbon_case, ramp, tiers
from tests.tiny_cases import add_rows, set_setting, update_rows

pytestmark = pytest.mark.solver


def economics_case(tmp_path: Path) -> Path:
    tables = tiers(carbon_case(5), (60, 30), (80, 10))
    ramp(tables, (1, 0.6))
    update_rows(tables, "Recipes", {"material": "X"}, **{"yield": 0.9}, loss_name="fines")
    update_rows(tables, "Sites", {"site": "S"}, loss_cost=20)
    add_rows(tables, "Clusters", {"cluster": "C1", "site": "S"})
    add_rows(tables, "Policy", {"policy": "lines_min", "value": 1, "cluster": "C1"})
    update_rows(tables, "Materials", {"material": "F"}, stock_days=73)
    set_setting(tables, "financing_rate", 0.1)
    return write_input_workbook(tmp_path / "economics.xlsx", tables)


@pytest.mark.parametrize("lang", ["en", "az", "ru"])
def test_economics_sheet_and_summary_rows(tmp_path: Path, lang: str) -> None:
    outcome = solve_workbook(economics_case(tmp_path))
    assert outcome.status is SolveStatus.OPTIMAL, outcome.issues.report()
    assert outcome.objective == pytest.approx(494, abs=1e-6)
    assert not outcome.check_findings
    out = write_results(tmp_path / f"out-{lang}.xlsx", outcome, dt.datetime.now(), lang=lang)
    book = openpyxl.load_workbook(out)
    ws = book[tr("sheet.economics", lang)]
    first = [row[0] for row in ws.iter_rows(values_only=True) if row[0] is not None]
    for key in ("econ.ramp", "econ.tiers", "econ.losses", "econ.emissions",
                "econ.working_capital", "econ.clusters"):
        assert tr(key, lang) in first, key
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)
               if row[0]}
    assert summary[tr("kpi.cost_loss", lang)] == pytest.approx(120)
    assert summary[tr("kpi.cost_carbon", lang)] == pytest.approx(5 * (30 + 54 * 0.2))
    assert summary[tr("kpi.emissions", lang)] == pytest.approx(30 + 54 * 0.2)
    assert summary[tr("kpi.net", lang)] == pytest.approx(494)
    assert summary[tr("kpi.cost_working_capital", lang)] == pytest.approx(12)
