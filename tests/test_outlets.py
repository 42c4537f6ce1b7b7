"""A residue with no outlet (no market, no user, no disposal cost) stops every recipe
that makes it: validation warns on each affected Recipes row, naming the lines.

Base case (tests/tiny_cases.py) plus residue R made at 0.1 t per t by T: with a disposal
cost of 2/t the optimum is 100*0.9*50 - 100*10 - 90*5 - 10*2 - 1000 = 2030; with the
disposal cost blank L1 cannot run at all and the optimum is 0, as the warning says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models.chain.validate import materials_without_outlet
from optimizer.solve import SolveStatus
from tests.tiny_cases import add_rows, base_case, solve_tables, update_rows
from tests.workbook_edits import issues_of, write_tables


def _case(disposal: float | None) -> dict:  # type: ignore[type-arg]
    t = base_case()
    add_rows(t, "Materials", {"material": "R", "kind": "residue", "disposal_cost": disposal})
    update_rows(t, "Recipes", {"material": "X"}, **{"yield": 0.9})
    add_rows(t, "Recipes", {"applies_to": "T", "material": "R", "role": "output",
                            "yield": 0.1})
    return t


def test_warning_names_recipe_row_and_lines(tmp_path: Path) -> None:
    issues = issues_of(write_tables(_case(None), tmp_path / "trap.xlsx"))
    hits = [i for i in issues if "no disposal cost" in i.message]
    assert len(hits) == 1
    assert hits[0].sheet == "Recipes" and hits[0].row == 4 and "L1" in hits[0].message
    assert not [i for i in issues_of(write_tables(_case(2), tmp_path / "ok.xlsx"))
                if "no disposal cost" in i.message]


@pytest.mark.solver
def test_the_warning_is_true(tmp_path: Path) -> None:
    status, objective, _res, data = solve_tables(_case(2), tmp_path, name="ok")
    assert status is SolveStatus.OPTIMAL and objective == pytest.approx(2030.0)
    assert materials_without_outlet(data) == {}
    status, objective, _res, data = solve_tables(_case(None), tmp_path, name="trap")
    assert objective == pytest.approx(0.0)
    assert materials_without_outlet(data) == {"L1": ["R"]}
