"""The independent checker catches bugs that the data layer shares with the model.

Each test plants one bug in models/chain/data.py (monkeypatched, so the model is built
from the same wrong derived data) and solves a tiny case from tests/tiny_cases.py. The
checker recomputes from the validated input rows, so it must report the bug; a checker
that read ChainData's derived values (as the old one did) would find nothing.

Base case: F at 10/t at S, line L1 (capacity 100, fixed 1000), yield 1 of X, X sold at M
for 50/t, lane S->M at 5/t: optimum 35 * 100 - 1000 = 2500.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from models.chain import data as data_module
from models.chain.checks import check_solution
from optimizer.solve import SolveStatus
from tests.tiny_cases import (
    BASE_OPTIMUM,
    add_rows,
    base_case,
    set_periods,
    solve_tables,
    update_rows,
)

pytestmark = pytest.mark.solver


def _checks(tables: dict, tmp_path: Path) -> tuple[float | None, set[str]]:  # type: ignore[type-arg]
    status, objective, results, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL and results is not None
    return objective, {f.check for f in check_solution(data, results, objective)}


def _patch_finish(monkeypatch: pytest.MonkeyPatch, change) -> None:  # type: ignore[no-untyped-def]
    original = data_module._finish
    monkeypatch.setattr(data_module, "_finish", lambda d: change(original(change(d))))


def test_line_before_its_earliest_period(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two one-year periods, L1 may be built from P2 only: the right optimum is
    35*100 - 1000 = 2500 (P2 alone). A data layer that ignores period_earliest lets the
    model build L1 in P1 too (5000): the checker must say L1 runs before P2."""
    tables = set_periods(base_case(), ("P1", 1), ("P2", 1))
    update_rows(tables, "Lines", {"line": "L1"}, period_earliest="P2")
    objective, found = _checks(tables, tmp_path)
    assert objective == pytest.approx(BASE_OPTIMUM)
    assert not found

    original = data_module._Builder._lines

    def every_period(self, periods):  # type: ignore[no-untyped-def]
        out = original(self, periods)
        out["build_options"] = tuple((ln, p) for ln in out["lines"] for p in periods
                                     if ln not in out["lines_existing"])
        return out

    monkeypatch.setattr(data_module._Builder, "_lines", every_period)
    objective, found = _checks(tables, tmp_path / "bug")
    assert objective == pytest.approx(2 * BASE_OPTIMUM)
    assert "period_earliest" in found


def test_lane_carrying_a_material_it_does_not_allow(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The only lane S->M allows material Y only, so X cannot reach M: nothing is built,
    optimum 0. A data layer that drops the lane's material lets X through (2500): the
    checker must flag the lane."""
    tables = base_case()
    add_rows(tables, "Materials", {"material": "Y", "kind": "product"})
    update_rows(tables, "Lanes", {"lane": "S-M"}, material="Y")
    objective, found = _checks(tables, tmp_path)
    assert objective == pytest.approx(0.0)
    assert not found
    _patch_finish(monkeypatch, lambda d: dataclasses.replace(
        d, lane_material=dict.fromkeys(d.lane_material, "")))
    objective, found = _checks(tables, tmp_path / "bug")
    assert objective == pytest.approx(BASE_OPTIMUM)
    assert "lane_material" in found


def test_volume_factor_dropped_from_lane_cost(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """X has volume factor 2: the lane costs 2*5 = 10/t, optimum 30*100 - 1000 = 2000.
    A data layer that drops the factor gives 2500; the transport cost priced from the
    input rows (10/t x 100 t = 1000) differs from the model's 500."""
    tables = base_case()
    update_rows(tables, "Materials", {"material": "X"}, volume_factor=2.0)
    objective, found = _checks(tables, tmp_path)
    assert objective == pytest.approx(2000.0)
    assert not found
    _patch_finish(monkeypatch, lambda d: dataclasses.replace(
        d, volume_factor=dict.fromkeys(d.volume_factor, 1.0)))
    objective, found = _checks(tables, tmp_path / "bug")
    assert objective == pytest.approx(BASE_OPTIMUM)
    assert "objective_part" in found and "objective" in found


def test_lane_costs_are_kept_per_lane_not_per_lane_and_material(tmp_path: Path) -> None:
    """The checker prices a flow from its lane's row and its material's volume factor.
    It used to tabulate every (lane, material) pair up front: 10^8 entries on the
    OR-Library capc-5000 case (100,000 lanes x 1,000 materials), 17 GB and 186 s of a run.
    Now one entry per lane; the per-tonne cost is the same (X has volume factor 2 on a
    5/t lane: 10/t; a lane or material not in the input costs 0, as before)."""
    from models.chain.checks import Inputs
    tables = base_case()
    update_rows(tables, "Materials", {"material": "X"}, volume_factor=2.0)
    status, _objective, _results, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL
    inputs = Inputs.from_tables(data.tables, data.discount_rate)
    lanes = {str(r["lane"]) for r in data.tables["Lanes"].rows}
    assert set(inputs.lane_freight) == lanes  # one entry per lane, whatever the materials
    lane = next(iter(lanes))
    assert inputs.lane_cost(lane, "X") == pytest.approx(10.0)
    assert inputs.lane_cost(lane, "no such material") == 0.0
    assert inputs.lane_cost("no such lane", "X") == 0.0


def test_wrong_yield_in_the_data_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data layer that doubles every yield makes 200 t of X from 100 t of F: 200*50 -
    100*10 - 200*5 - 1000 = 7000 instead of 2500; production recomputed from the Recipes
    rows (yield 1) finds the extra 100 t of X in the balance and in the yield check."""
    original = data_module._finish
    monkeypatch.setattr(data_module, "_finish", lambda d: original(dataclasses.replace(
        d, yield_={k: 2 * v for k, v in d.yield_.items()})))
    objective, found = _checks(base_case(), tmp_path)
    assert objective == pytest.approx(7000.0)
    assert {"recipe_yield", "material_balance"} <= found


def test_disposal_location_and_negative_quantities(tmp_path: Path) -> None:
    """Disposal is allowed only where a line makes the residue, and no quantity is
    negative: tampering with the result tables is reported."""
    tables = base_case()
    add_rows(tables, "Materials", {"material": "R", "kind": "residue", "disposal_cost": 2})
    update_rows(tables, "Recipes", {"material": "X"}, **{"yield": 0.9})
    add_rows(tables, "Recipes", {"applies_to": "T", "material": "R", "role": "output",
                                 "yield": 0.1})
    _status, objective, results, data = solve_tables(tables, tmp_path)
    assert results is not None and not check_solution(data, results, objective)
    moved = results.disposals.copy()
    moved["site"] = "M"
    results.disposals = moved
    found = {f.check for f in check_solution(data, results, None)}
    assert "disposal_location" in found
    _status, objective, results, data = solve_tables(tables, tmp_path / "neg")
    assert results is not None
    results.flows = pd.concat([results.flows, results.flows.assign(tonnes=-1.0)],
                              ignore_index=True)
    found = {f.check for f in check_solution(data, results, None)}
    assert "non_negative" in found
