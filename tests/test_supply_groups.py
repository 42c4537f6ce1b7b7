"""Supply groups are validated like every sheet: each problem named at its cell. (Their
constraints' hand-derived optima are in tests/test_constraints.py.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import validate_workbook
from tests.tiny_cases import add_rows, base_case, update_rows

ROOT = Path(__file__).resolve().parent.parent


def test_group_problems_are_located(tmp_path: Path) -> None:
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, supply_group="MISSING")
    add_rows(tables, "Sources", {"source": "SRC_G", "material": "F", "location": "S",
                                 "price": 12, "supply_group": "G"})
    add_rows(tables, "SupplyGroups", {"group": "G", "purchases_min": 50, "purchases_max": 10},
             {"group": "NOBODY", "purchases_max": 5})
    outcome = validate_workbook(write_input_workbook(tmp_path / "groups.xlsx", tables))
    assert outcome.data is None
    found = {(i.sheet, i.row, i.column): i.message for i in outcome.issues.errors}
    assert found[("Sources", 2, "supply_group")] == \
        "Supply group MISSING has no row on the SupplyGroups sheet."
    assert found[("SupplyGroups", 2, "purchases_min")] == "purchases_min is above purchases_max."
    assert found[("SupplyGroups", 3, "group")] == \
        "No offer on the Sources sheet belongs to supply group NOBODY."


def test_a_group_without_limits_changes_nothing(tmp_path: Path) -> None:
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, supply_group="G")
    add_rows(tables, "SupplyGroups", {"group": "G"})
    outcome = validate_workbook(write_input_workbook(tmp_path / "free.xlsx", tables))
    assert outcome.data is not None, outcome.issues.report()
    assert outcome.data.supply_groups == (("G", "P1"),)
    assert outcome.data.supply_group_max == {("G", "P1"): None}


def test_validate_command_checks_the_scenarios(tmp_path: Path) -> None:
    tables = base_case()
    add_rows(tables, "Scenarios", {"scenario": "s", "sheet": "Lines", "row": "L7",
                                   "column": "capacity", "value": 5})
    path = write_input_workbook(tmp_path / "scen.xlsx", tables)
    done = subprocess.run([sys.executable, "-m", "optimizer", "validate", str(path)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 20, done.stdout + done.stderr
    assert "Scenarios!D2" in done.stdout and "No row of Lines has line L7" in done.stdout
