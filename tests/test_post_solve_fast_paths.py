"""The fast paths of the phases after the solve give what the slow ones gave.

The checker, the result extraction, the explanations and the writer read the result
tables through ``models.chain.rows`` (each column's ``tolist()``) instead of pandas' row
iteration, index recipe outputs by (line, recipe) instead of scanning all of them, and sum
the flat objective parts themselves. These tests pin what could change unnoticed.

Two-line case (tests/tiny_cases.py base case plus L2): F at 10/t at S, at most 150 t;
L1 (technology T, capacity 100, fixed 1000) makes X at yield 1; L2 (technology T2,
capacity 100, fixed 1000) makes X at yield 0.5; X sells at M for 50/t over lane S->M at
5/t. Per tonne of F: L1 earns 50 - 10 - 5 = 35, L2 earns 0.5 x 45 - 10 = 12.5. With
capacity: L1 takes 100 t (3500 - 1000 = 2500) and L2 the other 50 t (625 - 1000 < 0, so
not built): optimum 2500.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.core as pyo
import pytest

from models.chain.checks import check_solution
from models.chain.data import ChainData, load_data
from models.chain.formulation import OBJECTIVE_PARTS, build_model
from models.chain.results import _part_value, extract_results
from models.chain.rows import itertuples, rows_of
from models.chain.validate import _Graph
from models.validation.issues import IssueList
from optimizer.excel.cells import MAX_CELL_TEXT, clean_text
from optimizer.excel.read import read_workbook
from optimizer.excel.template import write_input_workbook
from optimizer.solve import SolveSettings, SolveStatus, solve_model
from tests.tiny_cases import add_line, add_rows, base_case, solve_tables, update_rows


def _two_lines() -> dict:  # type: ignore[type-arg]
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, availability=150)
    add_line(tables, "L2", technology="T2")
    add_rows(tables, "Recipes",
             {"applies_to": "T2", "material": "F", "role": "input"},
             {"applies_to": "T2", "material": "X", "role": "output", "yield": 0.5})
    return tables


def _data(tables: dict, tmp_path: Path) -> ChainData:  # type: ignore[type-arg]
    path = write_input_workbook(tmp_path / "case.xlsx", tables)
    issues = IssueList(path.name)
    raw = read_workbook(path, issues)
    data = load_data(raw, issues) if raw is not None else None
    assert data is not None, issues.report()
    return data


def _changed(results, table: str, line: str, material: str, tonnes: float):  # type: ignore[no-untyped-def]
    df = getattr(results, table).copy()
    mine = (df.line == line) & (df.material == material)
    assert mine.sum() == 1
    df.loc[mine, "tonnes"] = tonnes
    return dataclasses.replace(results, **{table: df})


@pytest.mark.solver
def test_checker_recomputes_limits_and_yields_per_line(tmp_path: Path) -> None:
    """At the optimum (2500, module docstring) nothing is reported. Then the plan is
    broken in its tables, as an extraction or model bug would break it:

    - L1's production of X lowered from 100 to 90 t: the yield of L1's recipe (from the
      Recipes rows of T, not T2's 0.5) says 100: recipe_yield, 10 t (the balances count
      production as yield x intake, so they still close);
    - L1's intake of F raised from 100 to 150 t: 50 t over the capacity of its Lines row;
      at S, 150 t of F used against 100 bought, and 150 t of X made (yield 1) against
      100 carried away: two balances 50 t off; and 100 t of X in the production table
      against the 150 the yield gives.
    """
    status, objective, results, data = solve_tables(_two_lines(), tmp_path)
    assert status is SolveStatus.OPTIMAL and results is not None
    assert objective == pytest.approx(2500.0)
    assert check_solution(data, results, objective) == []

    def found(broken) -> list[tuple[str, float]]:  # type: ignore[no-untyped-def]
        return sorted((f.check, round(f.excess, 6))
                      for f in check_solution(data, broken, objective))

    assert found(_changed(results, "production", "L1", "X", 90.0)) == [("recipe_yield", 10.0)]
    assert found(_changed(results, "recipe_inputs", "L1", "F", 150.0)) == [
        ("capacity_limit", 50.0), ("material_balance", 50.0), ("material_balance", 50.0),
        ("recipe_yield", 50.0)]


@pytest.mark.solver
def test_objective_parts_are_pyomos_values_to_the_bit(tmp_path: Path) -> None:
    """Each part summed by results._part_value is the float pyo.value gives (same terms,
    same order): revenue 50 x 100, feedstock 10 x 100, transport 5 x 100, fixed 1000."""
    tables = _two_lines()
    update_rows(tables, "Settings", {"setting": "discount_rate"}, value=0.07)
    add_rows(tables, "Periods", {"period": "P2", "years": 3})
    data = _data(tables, tmp_path)
    model = build_model(data)
    assert solve_model(model, SolveSettings(mip_gap=1e-9, time_limit=60)).status \
        is SolveStatus.OPTIMAL
    for name in OBJECTIVE_PARTS:
        part = getattr(model, name)
        assert _part_value(part) == float(pyo.value(part)), name
    parts = extract_results(model, data).objective_parts
    w = sum(data.period_weight.values())
    assert parts["revenue"] == pytest.approx(50 * 100 * w)
    assert parts["cost_feedstock"] == pytest.approx(10 * 100 * w)
    assert parts["cost_transport"] == pytest.approx(5 * 100 * w)


def test_rows_match_pandas_iteration() -> None:
    """Same values, same Python types, same field names (pandas renames '_x' and 'a b')."""
    df = pd.DataFrame({"line": ["L1", None, "L3"], "tonnes": [1.5, np.nan, 2.0],
                       "_order": [3, 1, 2], "is open": [True, False, True],
                       "limit": [None, "x", 2.5]})
    ours, theirs = list(itertuples(df)), list(df.itertuples(index=False))
    assert type(ours[0])._fields == type(theirs[0])._fields
    assert [list(map(type, r)) for r in ours] == [list(map(type, r)) for r in theirs]
    assert repr(ours) == repr(theirs)  # NaN != NaN, so compared as text
    assert repr(list(rows_of(df, "tonnes", "line"))) == repr(
        [(r.tonnes, r.line) for r in theirs])
    assert list(itertuples(df.iloc[:0])) == []


def test_clean_text_fast_path_is_the_regex() -> None:
    """A printable text is returned as is; anything else goes through the replacement."""
    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
    texts = ["L1", "Bakı – Sumqayıt", "Баку", "a\nb", "tab\there", "x\x00y", "\x1f", "",
             "é\x0b", "\u2028", "\x7f", "a" * (MAX_CELL_TEXT + 5), "b\x01" * MAX_CELL_TEXT]
    for text in texts:
        assert clean_text(text) == control.sub("\ufffd", text)[:MAX_CELL_TEXT]


def test_reach_on_restricted_and_open_lanes(tmp_path: Path) -> None:
    """Lane S->M carries only X; a second lane S->N carries anything. X reaches M and N,
    F reaches N only (it shares the search of every material no lane is restricted to)."""
    tables = base_case()
    update_rows(tables, "Lanes", {"lane": "S-M"}, material="X")
    add_rows(tables, "Locations", {"location": "N"})
    add_rows(tables, "Lanes", {"lane": "S-N", "origin": "S", "destination": "N", "cost": 1})
    add_rows(tables, "Markets", {"market": "N", "material": "X", "price": 40})
    graph = _Graph(_data(tables, tmp_path))
    assert graph.reach("X", "S") == frozenset({"S", "M", "N"})
    assert graph.reach("F", "S") == frozenset({"S", "N"})


def test_trace_flows_splits_a_mixed_lane_by_origin() -> None:
    """O1 (60 t) and O2 (40 t) of F at hub H; lane A carries the 100 t to S at 2/t; L1 at S
    takes them and makes 80 t of X, all sold at S to market M1. Each tonne leaving H is the
    hub's mix (60 % O1, 40 % O2), so L1's F is 60 t from O1 and 40 t from O2, the lane's
    200 is split 120 / 80 by origin, and M1's X all comes from L1."""
    from types import SimpleNamespace

    from models.chain.results import trace_flows

    d = SimpleNamespace(line_site={"L1": "S"})
    purchases = pd.DataFrame({"source": ["O1", "O2"], "material": ["F", "F"],
                              "location": ["H", "H"], "period": ["P1", "P1"],
                              "tonnes": [60.0, 40.0]})
    flows = pd.DataFrame({"lane": ["A"], "origin": ["H"], "destination": ["S"],
                          "material": ["F"], "period": ["P1"], "tonnes": [100.0],
                          "cost_per_t": [2.0]})
    recipe_inputs = pd.DataFrame({"line": ["L1"], "material": ["F"], "period": ["P1"],
                                  "tonnes": [100.0]})
    production = pd.DataFrame({"line": ["L1"], "material": ["X"], "period": ["P1"],
                               "tonnes": [80.0]})
    sales = pd.DataFrame({"market": ["M1"], "material": ["X"], "period": ["P1"],
                          "place": ["S"], "tonnes": [80.0]})
    disposals = pd.DataFrame({"site": [], "material": [], "period": [], "tonnes": []})
    allocation, transport = trace_flows(d, purchases, flows, recipe_inputs,  # type: ignore[arg-type]
                                        production, sales, disposals)
    assert [(r.origin, r.material, r.use_kind, r.use, r.place) for r in itertuples(allocation)] \
        == [("O1", "F", "line", "L1", "S"), ("O2", "F", "line", "L1", "S"),
            ("L1", "X", "market", "M1", "S")]
    assert allocation.tonnes.tolist() == pytest.approx([60.0, 40.0, 80.0])
    assert [(r.origin, r.use) for r in itertuples(transport)] == [("O1", "L1"), ("O2", "L1")]
    assert transport.tonnes.tolist() == pytest.approx([60.0, 40.0])
    assert transport.cost.tolist() == pytest.approx([120.0, 80.0])
