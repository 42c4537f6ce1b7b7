"""docs/user-guide.md stays true: every column is explained, the worked example solves to
the value derived by hand in the guide, and the sample report is what validate prints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from models.chain.schema import SETTINGS, SHEETS
from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import solve_workbook, validate_workbook

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")


def worked_example() -> dict[str, list[dict[str, Any]]]:
    """The pellets case of the guide's section 4."""
    return {
        "Settings": [{"setting": "case_name", "value": "pellets"},
                     {"setting": "currency", "value": "USD"}],
        "Periods": [{"period": "2025", "years": 1}],
        "Materials": [{"material": "R_HDPE_BALE", "name": "HDPE rigid bales",
                       "kind": "feedstock", "recovered": True},
                      {"material": "X_RHDPE", "name": "rHDPE pellets", "kind": "product"}],
        "Locations": [{"location": "M_BAKU", "name": "Baku market"}],
        "Sites": [{"site": "BIP", "name": "Balakhani Industrial Park", "lines_max": 3}],
        "Lines": [{"line": "L1", "site": "BIP", "technology": "WASH", "capacity": 5000,
                   "cost_fixed": 400000, "capex": 1500000, "cost_variable": 120,
                   "utilisation_min": "40%", "jobs": 20}],
        "Sources": [{"source": "BALES", "material": "R_HDPE_BALE", "location": "BIP",
                     "availability": 6000, "price": 300}],
        "Recipes": [{"applies_to": "WASH", "material": "R_HDPE_BALE", "role": "input"},
                    {"applies_to": "WASH", "material": "X_RHDPE", "role": "output",
                     "yield": 0.8}],
        "Markets": [{"market": "M_BAKU", "material": "X_RHDPE", "price": 1000,
                     "sales_max": 3500}],
        "Lanes": [{"lane": "BIP>M_BAKU", "origin": "BIP", "destination": "M_BAKU",
                   "cost": 10}],
    }


def test_every_sheet_column_and_setting_is_in_the_guide() -> None:
    for sheet in SHEETS:
        assert sheet.name in GUIDE, sheet.name
        for col in sheet.columns:
            assert f"`{col.name}`" in GUIDE, f"{sheet.name}.{col.name} is not in the guide"
    for setting in SETTINGS:
        assert f"`{setting.name}`" in GUIDE


@pytest.mark.solver
def test_worked_example_solves_to_the_value_derived_by_hand(tmp_path: Path) -> None:
    path = write_input_workbook(tmp_path / "pellets.xlsx", worked_example())
    outcome = solve_workbook(path)
    assert outcome.issues.errors == []
    assert outcome.objective == pytest.approx(1_227_500, rel=1e-6)
    assert "**1,227,500 USD**" in GUIDE


def test_sample_report_is_what_validate_prints(tmp_path: Path) -> None:
    case = worked_example()
    case["Lines"][0].update(site="bip", utilisation_min=40)
    case["Sources"][0]["price"] = "300 USD"
    case["Recipes"][1]["yield"] = 1.2
    case["Markets"][0]["sales_min"] = 5000
    path = write_input_workbook(tmp_path / "pellets.xlsx", case)
    report = validate_workbook(path).issues.report()
    block = re.search(r"```\n(Lines \(2 errors\):.*?)\npellets.xlsx: fix", GUIDE, re.S)
    assert block is not None
    assert block.group(1) == report
