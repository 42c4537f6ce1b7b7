"""The bundled Absheron case: the committed workbooks are current and the data hangs together."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models.chain.schema import SHEETS
from models.validation.issues import IssueList, Severity
from models.validation.tables import check_references, parse_table
from optimizer.excel.read import read_workbook
from tools.absheron_case import LINES, MODE_COST, absheron_tables
from tools.cluster_case import cluster_tables
from tools.make_templates import (
    BLANK_FILE,
    CASE_FILE,
    CLUSTER_FILE,
    METALS_FILE,
    TEMPLATES,
    make_templates,
)
from tools.metals_case import metals_tables

Row = dict[str, object]


@pytest.fixture(scope="module")
def case() -> dict[str, list[Row]]:
    return absheron_tables()


@pytest.fixture(scope="module", params=["absheron", "metals", "cluster"])
def any_case(request: pytest.FixtureRequest) -> dict[str, list[Row]]:
    """Each bundled case's tables (the data checks below hold for all three)."""
    return {"absheron": absheron_tables, "metals": metals_tables,
            "cluster": cluster_tables}[request.param]()


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The templates regenerated into a temporary folder."""
    folder = tmp_path_factory.mktemp("templates")
    make_templates(folder)
    return folder


def _fingerprint(path: Path) -> dict[str, object]:
    """Everything a person sees or uses in a workbook: values, formats, notes, drop-downs,
    tables, widths, frozen panes, sheet states and defined names."""
    workbook = load_workbook(path)
    try:
        out: dict[str, object] = {
            "names": sorted((n, d.attr_text) for n, d in workbook.defined_names.items()),
            "order": workbook.sheetnames,
        }
        for ws in workbook.worksheets:
            out[ws.title] = {
                "cells": [[(c.value, c.number_format, c.fill.fgColor.rgb, bool(c.font.b),
                            c.comment.text if c.comment else None) for c in row]
                          for row in ws.iter_rows()],
                "columns": sorted((k, d.width, d.number_format)
                                  for k, d in ws.column_dimensions.items()),
                "validations": sorted((str(v.sqref), v.type, v.formula1, v.formula2,
                                       v.error) for v in ws.data_validations.dataValidation),
                "tables": sorted((t.name, t.ref) for t in ws.tables.values()),
                "view": (ws.freeze_panes, ws.sheet_state),
            }
        return out
    finally:
        workbook.close()


@pytest.mark.parametrize("name", [CASE_FILE, METALS_FILE, CLUSTER_FILE, BLANK_FILE])
def test_committed_templates_are_current(fresh: Path, name: str) -> None:
    committed = TEMPLATES / name
    assert committed.exists(), f"run: uv run python tools/make_templates.py ({name} missing)"
    new, stored = _fingerprint(fresh / name), _fingerprint(committed)
    for key in new:
        assert new[key] == stored.get(key), (
            f"{name} ({key}) is stale: run uv run python tools/make_templates.py")
    assert list(new) == list(stored)


@pytest.mark.parametrize("name", [CASE_FILE, METALS_FILE, CLUSTER_FILE])
def test_case_passes_table_validation(fresh: Path, name: str) -> None:
    issues = IssueList()
    raw = read_workbook(fresh / name, issues)
    assert raw is not None
    tables = {s.name: parse_table(raw.tables.get(s.name), s, issues)
              for s in SHEETS if s.name != "Settings"}
    check_references(tables, issues)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    assert not errors, [f"{i.location}: {i.message}" for i in errors]


def test_counts_from_the_brief(case: dict[str, list[Row]]) -> None:
    kinds = defaultdict(list)
    for row in case["Materials"]:
        kinds[row["kind"]].append(row["material"])
    assert len(case["Lines"]) == 36
    assert len(kinds["feedstock"]) == 15
    assert len(kinds["intermediate"]) == 6
    assert len(kinds["product"]) == 20
    assert kinds["residue"] == ["RESIDUE"]
    assert len({r["applies_to"] for r in case["Recipes"]}) == 24
    assert len({r["location"] for r in case["Locations"]} - {"SOCAR"}) == 6
    assert len(case["Sites"]) == 4
    assert [r["material"] for r in case["Materials"] if r.get("disposal_cost")] == ["RESIDUE"]


def test_references_resolve(any_case: dict[str, list[Row]]) -> None:
    case = any_case
    materials = {r["material"] for r in case["Materials"]}
    places = {r["site"] for r in case["Sites"]} | {r["location"] for r in case["Locations"]}
    recipes = {r["applies_to"] for r in case["Recipes"]}
    assert {r["technology"] for r in case["Lines"]} <= recipes
    for sheet in ("Recipes", "Sources", "Markets"):
        assert {r["material"] for r in case[sheet]} <= materials, sheet
    assert {r["location"] for r in case["Sources"]} <= places
    assert {r["market"] for r in case["Markets"]} <= places
    assert {r["origin"] for r in case["Lanes"]} | {r["destination"] for r in case["Lanes"]} \
        <= places
    groups = {(r["applies_to"], r["recipe"], r["share_group"])
              for r in case.get("RecipeGroups", [])}
    used = {(r["applies_to"], r["recipe"], r["share_group"]) for r in case["Recipes"]
            if r.get("share_group")}
    assert groups == used
    for sheet in SHEETS:
        if any(c.name == "reference" for c in sheet.columns):
            assert all(r.get("reference") for r in case.get(sheet.name, [])), sheet.name


def test_recipes_are_sound(any_case: dict[str, list[Row]]) -> None:
    case = any_case
    yields: dict[tuple[object, object], float] = defaultdict(float)
    inputs: dict[tuple[object, object], list[Row]] = defaultdict(list)
    for row in case["Recipes"]:
        key = (row["applies_to"], row["recipe"])
        if row["role"] == "output":
            yields[key] += float(row["yield"])  # type: ignore[arg-type]
        else:
            inputs[key].append(row)
    assert yields.keys() == inputs.keys()
    for key, total in yields.items():
        assert 0 < total <= 1 + 1e-9, key
        lows = sum(float(r["share_min"]) for r in inputs[key])  # type: ignore[arg-type]
        highs = sum(float(r["share_max"]) for r in inputs[key])  # type: ignore[arg-type]
        assert lows <= 1 + 1e-9 <= highs + 2e-9, key  # some input mix is feasible


def test_line_costs_match_the_brief_formula() -> None:
    # §8.3: fixed/yr = capex x CRF 0.177 + 4 % O&M + jobs x USD 8,000 (brief rounds to k USD)
    for line, _site, _tech, _cap, capex_m, ann_k, om_k, fixed_k, _var, _util, jobs, *_ in LINES:
        assert abs(0.177 * capex_m * 1000 - ann_k) <= 1, line
        assert abs(ann_k + om_k - fixed_k) <= 1, line
        assert abs(0.217 * capex_m * 1000 + 8 * jobs - fixed_k) <= 1.5, line


def _lane_cost(row: Row) -> float:
    if row["cost"] is not None:
        cost = float(row["cost"])  # type: ignore[arg-type]
    else:
        fixed, per_km = MODE_COST[str(row["mode"])]
        cost = fixed + per_km * float(row["distance_km"])  # type: ignore[arg-type]
    return cost + float(row["surcharge"] or 0)  # type: ignore[arg-type]


def test_lane_costs_reproduce_the_brief(case: dict[str, list[Row]]) -> None:
    lanes = {r["lane"]: r for r in case["Lanes"]}
    assert len(lanes) == len(case["Lanes"])
    # §6.3 "Road cost to market" table (BAKU, REG, GEO, TUR, RUS)
    brief = {
        "SCIP": (9, 35, 60, 188, 49),
        "BIP": (7, 34, 59, 187, 51),
        "MIP": (28, 12, 37, 165, 56),
        "ALAT": (11, 28, 53, 182, 56),
    }
    for site, costs in brief.items():
        for market, expected in zip(("M_BAKU", "M_REG", "M_GEO", "M_TUR", "M_RUS"), costs,
                                    strict=True):
            assert abs(_lane_cost(lanes[f"{site}>{market}:road"]) - expected) <= 0.6
    # Central Asia through Alat (brief: SCIP 88, BIP 87, MIP 100)
    ferry = _lane_cost(lanes["ALAT>M_CAS:ferry"])
    for site, expected in (("SCIP", 88), ("BIP", 87), ("MIP", 100)):
        assert abs(_lane_cost(lanes[f"{site}>ALAT:road"]) + ferry - expected) <= 0.6
    # rail: Türkiye about 122 from the Baku area and 112 from MIP, Georgia about 41
    assert abs(_lane_cost(lanes["SCIP>M_TUR:rail"]) - 122) <= 1
    assert abs(_lane_cost(lanes["MIP>M_TUR:rail"]) - 112) <= 1
    assert abs(_lane_cost(lanes["SCIP>M_GEO:rail"]) - 41) <= 1
    assert _lane_cost(lanes["SOCAR>SCIP:transfer"]) == 2
