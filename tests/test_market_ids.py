"""Markets.market_id: several contracts for one product at one place.

Case (tests/tiny_cases.py base case, with the Markets sheet replaced): F at 10/t at S,
line L1 (capacity 100, fixed 1000), yield 1 of X, lane S->M at 5/t, so a tonne of X at M
costs 15. Two contracts for X at M:

    CONTRACT_A: 60/t, at most 30 t/yr    margin 60 - 15 = 45/t
    CONTRACT_B: 12/t, at least 50 t/yr   margin 12 - 15 = -3/t

By hand: sell A's 30 t (its maximum) and only B's minimum 50 t (each further tonne loses
3): L1 runs 80 t. Net value = 45*30 - 3*50 - 1000 = 1350 - 150 - 1000 = 200. Keyed by
(place, material) alone the two rows could not both be written (duplicate key).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from pytest import approx

from models.chain import data as data_module
from models.chain.checks import check_solution
from models.chain.formulation import build_model
from models.chain.results import extract_results
from models.validation.issues import IssueList
from optimizer.excel.read import read_workbook
from optimizer.excel.template import write_input_workbook
from optimizer.scenarios.overrides import load_scenario
from optimizer.scenarios.spec import Override
from optimizer.solve import SolveSettings, SolveStatus, solve_model
from tests.test_constraints import validation_issues
from tests.tiny_cases import Tables, add_rows, base_case, replace_rows, solve_tables

pytestmark = pytest.mark.solver


def contracts() -> Tables:
    return replace_rows(
        base_case(), "Markets",
        {"market": "M", "material": "X", "price": 60, "sales_max": 30,
         "market_id": "CONTRACT_A"},
        {"market": "M", "material": "X", "price": 12, "sales_min": 50,
         "market_id": "CONTRACT_B"})


def _sold(res, market: str) -> float:  # type: ignore[no-untyped-def]
    return float(res.sales[res.sales.market == market].tonnes.sum())


def test_two_contracts_at_one_place(tmp_path: Path) -> None:
    """The dearer contract is filled to its maximum, the cheaper held at its minimum: 200
    (module docstring). Both sales sit at place M, and the checker agrees."""
    status, objective, res, data = solve_tables(contracts(), tmp_path)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(200)
    assert _sold(res, "CONTRACT_A") == approx(30)
    assert _sold(res, "CONTRACT_B") == approx(50)
    assert set(res.sales.place) == {"M"}
    assert data.place_of("CONTRACT_A") == "M" and data.place_of("M") == "M"
    assert check_solution(data, res, objective) == []


def test_contract_next_to_a_market_without_id(tmp_path: Path) -> None:
    """A row without an ID (X at M, 20/t, unlimited: margin 5/t) next to contract A: L1
    runs full, A takes 30 t, the rest 70 t goes at 20: 45*30 + 5*70 - 1000 = 700."""
    tables = replace_rows(
        base_case(), "Markets",
        {"market": "M", "material": "X", "price": 60, "sales_max": 30,
         "market_id": "CONTRACT_A"},
        {"market": "M", "material": "X", "price": 20})
    status, objective, res, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(700)
    assert _sold(res, "CONTRACT_A") == approx(30) and _sold(res, "M") == approx(70)
    assert check_solution(data, res, objective) == []


def test_checker_reads_each_contract_from_its_row(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A data layer that loses CONTRACT_A's maximum lets the model sell more there; B's
    minimum of 50 t still binds, so L1 at 100 t sells 50 to each: 45*50 - 3*50 - 1000 =
    1100. The checker, reading the Markets rows, flags A's sales_max."""
    original = data_module._Builder._markets

    def no_max(self, periods):  # type: ignore[no-untyped-def]
        out = original(self, periods)
        out["sales_max"] = dict.fromkeys(out["sales_max"])
        return out

    monkeypatch.setattr(data_module._Builder, "_markets", no_max)
    status, objective, res, data = solve_tables(contracts(), tmp_path)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(1100)
    assert "sales_max" in {f.check for f in check_solution(data, res, objective)}


def test_price_tiers_follow_a_contract(tmp_path: Path) -> None:
    """A tier on CONTRACT_A by its ID: from 20 t the price falls from 60 to 50. A's last
    10 t earn 35 instead of 45 (still worth selling): 200 - 10*10 = 100."""
    tables = add_rows(contracts(), "PriceTiers",
                      {"market": "M", "material": "X", "market_id": "CONTRACT_A",
                       "tonnes_from": 20, "price": 50})
    status, objective, res, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(100)
    a = res.sales[res.sales.market == "CONTRACT_A"].iloc[0]
    assert a.tier == 1 and a.tier_revenue_given_up == approx(100)
    assert res.sales[res.sales.market == "CONTRACT_B"].iloc[0].tier == 0
    assert check_solution(data, res, objective) == []


def test_scenario_row_selector_names_a_contract(tmp_path: Path) -> None:
    """Scenario row 'CONTRACT_A' on Markets raises only A's maximum to 40 t:
    45*40 - 3*50 - 1000 = 650 (B untouched)."""
    path = write_input_workbook(tmp_path / "c.xlsx", contracts())
    raw = read_workbook(path, IssueList(path.name))
    assert raw is not None
    issues = IssueList(path.name)
    data = load_scenario(raw, (Override("Markets", "CONTRACT_A", "sales_max", "set", 40.0,
                                        None),), "x", issues)
    assert data is not None, issues.report()
    model = build_model(data)
    solved = solve_model(model, SolveSettings(mip_gap=1e-9, time_limit=60))
    assert solved.objective == approx(650)
    res = extract_results(model, data)
    assert _sold(res, "CONTRACT_A") == approx(40) and _sold(res, "CONTRACT_B") == approx(50)


def _errors(tables: Tables, tmp_path: Path) -> list:  # type: ignore[type-arg]
    return [i for i in validation_issues(tables, tmp_path) if i.severity.name == "ERROR"]


def test_same_place_and_material_needs_different_ids(tmp_path: Path) -> None:
    tables = contracts()
    tables["Markets"][1]["market_id"] = "CONTRACT_A"
    errors = _errors(tables, tmp_path)
    assert len(errors) == 1
    e = errors[0]
    assert e.sheet == "Markets" and e.row == 3 and "Duplicate" in e.message
    assert "CONTRACT_A" in str(e.value)
    tables["Markets"][1]["market_id"] = None  # one with an ID, one without: allowed
    assert _errors(tables, tmp_path) == []


def test_market_id_errors_are_located(tmp_path: Path) -> None:
    tables = contracts()
    tables["Markets"][0]["market_id"] = "S"  # the ID of a site
    add_rows(tables, "Locations", {"location": "M2"})
    add_rows(tables, "Markets", {"market": "M2", "material": "X", "price": 1,
                                 "market_id": "CONTRACT_B"})  # B is already at M
    errors = {(e.sheet, e.row, e.column): e for e in _errors(tables, tmp_path)}
    assert ("Markets", 2, "market_id") in errors
    assert errors["Markets", 2, "market_id"].value == "S"
    assert ("Markets", 4, "market_id") in errors
    assert "one ID belongs to one place" in errors["Markets", 4, "market_id"].message


def test_price_tier_naming_an_unknown_contract(tmp_path: Path) -> None:
    tables = add_rows(contracts(), "PriceTiers", {
        "market": "M", "material": "X", "market_id": "CONTRACT_C", "tonnes_from": 5,
        "price": 1})
    errors = _errors(tables, tmp_path)
    assert [(e.sheet, e.row, e.column, e.value) for e in errors] == [
        ("PriceTiers", 2, "market_id", "CONTRACT_C")]
    assert "Did you mean" in errors[0].hint


def test_blank_ids_keep_the_base_answer(tmp_path: Path) -> None:
    """No market_id anywhere: the base case's 2500 (tests/tiny_cases.py)."""
    _status, objective, _res, data = solve_tables(base_case(), tmp_path)
    assert objective == approx(2500) and data.market_place == {}
    assert dataclasses.replace(data).place_of("M") == "M"


def test_diagnose_names_the_contract_row(tmp_path: Path) -> None:
    """CONTRACT_B must take 90 t and CONTRACT_A at least 30 t, but L1 makes at most 100:
    no plan. The diagnosis names B's or A's sales_min row (rows 3 or 2), not a row of
    another contract or place, and lowers it by the 20 t missing."""
    from optimizer.diagnose import diagnose
    from optimizer.pipeline import validate_workbook

    tables = contracts()
    tables["Markets"][0]["sales_min"] = 30
    tables["Markets"][1]["sales_min"] = 90
    path = write_input_workbook(tmp_path / "infeasible.xlsx", tables)
    data = validate_workbook(path).data
    assert data is not None
    result = diagnose(data, SolveSettings(time_limit=60, mip_gap=1e-6))
    assert result.status == "infeasible" and result.relaxations, result.report()
    cut = sum(r.found - r.suggested for r in result.relaxations)
    assert all(r.sheet == "Markets" and r.column == "sales_min" and r.row in (2, 3)
               for r in result.relaxations), result.report()
    assert cut == approx(20, abs=1e-6)


def test_price_tier_without_id_where_every_market_has_one(tmp_path: Path) -> None:
    """Both markets of X at M have IDs, so a tier row without market_id names no market:
    an error at its market cell whose hint lists the IDs to choose from."""
    tables = add_rows(contracts(), "PriceTiers", {
        "market": "M", "material": "X", "tonnes_from": 5, "price": 1})
    errors = _errors(tables, tmp_path)
    assert [(e.sheet, e.row, e.column) for e in errors] == [("PriceTiers", 2, "market")]
    assert "CONTRACT_A, CONTRACT_B" in errors[0].hint
