"""OR-Library warehouse location instances through the user's path must hit the published optima.

Each instance of ../shared/benchmarks/orlib is written as a chainopt input workbook by
tools/orlib.py (customers as sources, warehouses as candidate lines, one lane per pair) and
solved by the same reader, model, solver and checker a user runs. The model maximises net
value and the instances have no revenue, so the published optimum is -(net value).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.chain.schema import SHEETS_BY_NAME
from tools.orlib import (
    OptimumRow,
    benchmarks_dir,
    instance_tables,
    load_instance,
    load_optima,
    parse_orlib,
    solve_direct,
    write_instance_workbook,
)

BENCH = benchmarks_dir()
if not (BENCH / "optima.csv").exists():
    pytest.skip(f"OR-Library benchmarks not found at {BENCH} (set CHAINOPT_BENCHMARKS to the "
                "folder holding optima.csv)", allow_module_level=True)

ROWS = load_optima(BENCH / "optima.csv")
LARGE = ("capa", "capb", "capc")
SMALL_CFLP = [r for r in ROWS if r.problem == "CFLP" and r.stem not in LARGE]
SMALL_UFLP = [r for r in ROWS if r.problem == "UFLP" and r.stem not in LARGE]
BY_NAME = {r.instance: r for r in ROWS}
CAP41_OPTIMUM = 1040444.375
REL = 1e-6


def _row_ids(rows: list[OptimumRow]) -> list[str]:
    return [r.instance for r in rows]


def _solve_workbook(path: Path):  # type: ignore[no-untyped-def]
    """The user's path: read, validate, build, solve, check."""
    from optimizer.pipeline import solve_workbook

    return solve_workbook(path)


# --- the data files and the parser ---------------------------------------------------------


def test_optima_csv_lists_the_expected_rows() -> None:
    assert len(SMALL_CFLP) == 37
    assert [r.instance for r in SMALL_CFLP][:2] == ["cap41", "cap42"]
    assert SMALL_CFLP[-1].instance == "cap134"
    assert all(r.capacity is None for r in SMALL_CFLP)  # "file": as in the instance file
    large = [r for r in ROWS if r.problem == "CFLP" and r.stem in LARGE]
    assert len(large) == 12
    assert BY_NAME["capa-8000"].capacity == 8000
    assert BY_NAME["capa-uncap"].capacity == 0  # 0 means uncapacitated
    assert {"cap71-uncap", "cap72-uncap", "cap73-uncap", "cap74-uncap"} <= set(BY_NAME)
    assert BY_NAME["cap41"].optimum == CAP41_OPTIMUM
    assert all((BENCH / r.file).exists() for r in ROWS)


def test_parse_cap41() -> None:
    inst = parse_orlib(BENCH / "cap41.txt")
    assert inst.name == "cap41"
    assert (inst.m, inst.n) == (16, 50)
    assert inst.costs.shape == (16, 50)
    assert np.all(inst.capacities == 5000)
    # one warehouse (the 11th) has fixed cost 0, every other 7500
    assert np.flatnonzero(inst.fixed_costs == 0).tolist() == [10]
    assert np.all(np.delete(inst.fixed_costs, 10) == 7500)
    assert inst.demands[0] == 146
    assert inst.demands[1] == 87
    assert inst.total_demand == 58268
    # c_ij is wrapped over lines: the first customer's 16 costs span three lines
    assert inst.costs[0, 0] == pytest.approx(6739.725)
    assert inst.costs[7, 0] == pytest.approx(3847.1)
    assert inst.costs[15, 0] == pytest.approx(6051.7)
    assert inst.costs[0, 1] == pytest.approx(3204.8625)
    assert inst.costs[15, 49] == pytest.approx(7448.1)
    assert inst.unit_costs[0, 0] == pytest.approx(6739.725 / 146)


def test_parse_capacity_word_needs_a_capacity() -> None:
    """capa/b/c write the word 'capacity'; the value comes from optima.csv."""
    with pytest.raises(ValueError, match="capacity"):
        parse_orlib(BENCH / "capa.txt")
    inst = load_instance(BY_NAME["capa-8000"], BENCH)
    assert inst.name == "capa-8000"
    assert (inst.m, inst.n) == (100, 1000)
    assert np.all(inst.capacities == 8000)
    assert inst.fixed_costs[0] == 2141200
    assert inst.demands[0] == 56
    uncap = load_instance(BY_NAME["capa-uncap"], BENCH)
    assert np.all(uncap.capacities == uncap.total_demand)


def test_uflp_rows_are_uncapacitated() -> None:
    inst = load_instance(BY_NAME["cap71-uncap"], BENCH)
    assert np.all(inst.capacities == inst.total_demand)


TINY = """2 2
8 100
8
0 4 8
20 6
12 6
"""
# m=2 warehouses (s=8, f=100; s=8, f=0), n=2 customers: d=(4, 6),
# c = [[8, 12], [20, 6]] (whole demand), so per tonne [[2, 2], [5, 1]].


def test_parse_tiny_file_line_breaks_mean_nothing(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(TINY)
    inst = parse_orlib(path)
    assert inst.name == "tiny"
    assert inst.capacities.tolist() == [8, 8]
    assert inst.fixed_costs.tolist() == [100, 0]
    assert inst.demands.tolist() == [4, 6]
    assert inst.costs.tolist() == [[8, 12], [20, 6]]
    assert inst.unit_costs.tolist() == [[2, 2], [5, 1]]
    # same tokens on one line
    path.write_text(" ".join(TINY.split()))
    assert parse_orlib(path).costs.tolist() == [[8, 12], [20, 6]]
    # capacity override and 0 = uncapacitated
    assert parse_orlib(path, capacity=5).capacities.tolist() == [5, 5]
    assert parse_orlib(path, capacity=0).capacities.tolist() == [10, 10]


def test_parse_tiny_file_with_capacity_word(tmp_path: Path) -> None:
    path = tmp_path / "tinyw.txt"
    path.write_text(TINY.replace("8 100\n8\n0", "capacity 100 capacity\n0"))
    with pytest.raises(ValueError, match="capacity"):
        parse_orlib(path)
    assert parse_orlib(path, capacity=7).capacities.tolist() == [7, 7]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2 2 8 100 8 0 4 8 20 6 12", "fields"),  # one cost missing
        ("2 2 8 100 8 0 4 8 20 6 12 6 1", "fields"),  # one field too many
        ("2 2 8 100 8 0 4 8 x 6 12 6", "not a number"),
        ("2 2 8 100 8 0 0 8 20 6 12 6", "demand"),  # zero demand: c_ij / d_j undefined
        ("2 2 8 -100 8 0 4 8 20 6 12 6", ">= 0"),
        ("two 2", "integers"),
    ],
)
def test_parse_rejects_malformed_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        parse_orlib(path)


# --- the mapping to chainopt tables ----------------------------------------------------------


def test_tables_of_cap41() -> None:
    inst = parse_orlib(BENCH / "cap41.txt")
    tables = instance_tables(inst)
    for sheet, rows in tables.items():
        columns = {c.name for c in SHEETS_BY_NAME[sheet].columns}
        for row in rows:
            assert set(row) <= columns, (sheet, set(row) - columns)
    settings = {r["setting"]: r["value"] for r in tables["Settings"]}
    assert settings["case_name"] == "cap41"
    assert settings["mip_gap"] == 1e-9
    assert settings["discount_rate"] == 0
    assert [r["period"] for r in tables["Periods"]] == ["P1"]
    assert len(tables["Materials"]) == 51
    assert tables["Materials"][-1] == {"material": "SERVED", "name": "served demand",
                                       "kind": "residue", "disposal_cost": 0}
    assert len(tables["Locations"]) == 50 and len(tables["Sites"]) == 16
    assert tables["Sources"][0] == {"source": "S1", "material": "D1", "location": "C1",
                                    "availability": 146, "offtake_min": 146, "price": 0}
    lines = tables["Lines"]
    assert len(lines) == 16
    assert lines[10] == {"line": "L11", "site": "W11", "technology": "WH", "capacity": 5000,
                         "cost_fixed": 0}
    recipes = tables["Recipes"]
    assert len(recipes) == 51
    assert sum(r["role"] == "input" for r in recipes) == 50
    assert recipes[-1]["material"] == "SERVED" and recipes[-1]["yield"] == 1
    lanes = tables["Lanes"]
    assert len(lanes) == 16 * 50
    first = lanes[0]
    assert (first["lane"], first["origin"], first["destination"], first["material"]) == (
        "C1>W1", "C1", "W1", "D1")
    assert first["cost"] == pytest.approx(6739.725 / 146)
    assert len({r["lane"] for r in lanes}) == len(lanes)
    assert tables["Markets"] == []


def test_workbook_reads_back(tmp_path: Path) -> None:
    from models.validation.issues import IssueList
    from optimizer.excel.read import read_workbook

    inst = parse_orlib(BENCH / "cap41.txt")
    path = write_instance_workbook(inst, tmp_path / "cap41.xlsx")
    issues = IssueList()
    raw = read_workbook(path, issues)
    assert raw is not None and not list(issues)
    lanes = raw.tables["Lanes"].rows
    assert len(lanes) == 800
    costs = np.array([r.cells["cost"] for r in lanes], dtype=float).reshape(16, 50)
    # openpyxl writes 16 significant digits: exact to a few units in the last place
    np.testing.assert_allclose(costs, inst.unit_costs, rtol=1e-15)


# --- HiGHS alone, independent of chainopt: proves the parser --------------------------------


def test_cap41_direct_highspy_matches_published_optimum() -> None:
    """The README's formulation, built here with highspy's modelling API.

    min sum_i f_i y_i + sum_ij c_ij x_ij  s.t.  sum_i x_ij = 1,
    sum_j d_j x_ij <= s_i y_i,  x_ij <= y_i,  y binary, x >= 0 (x is the share of j's demand).
    """
    import highspy

    inst = parse_orlib(BENCH / "cap41.txt")
    m, n = inst.m, inst.n
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-9)
    y = [h.addBinary(obj=float(inst.fixed_costs[i])) for i in range(m)]
    x = [[h.addVariable(lb=0, ub=1, obj=float(inst.costs[i, j])) for j in range(n)]
         for i in range(m)]
    for j in range(n):
        h.addConstr(sum(x[i][j] for i in range(m)) == 1)
    for i in range(m):
        h.addConstr(sum(float(inst.demands[j]) * x[i][j] for j in range(n))
                    <= float(inst.capacities[i]) * y[i])
        for j in range(n):
            h.addConstr(x[i][j] <= y[i])
    h.setMinimize()
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert h.getInfo().objective_function_value == pytest.approx(CAP41_OPTIMUM, rel=REL)


def test_cap41_direct_tonnes_model_matches_published_optimum() -> None:
    """The tonnes model bench/bench_orlib.py times as 'HiGHS alone'."""
    result = solve_direct(parse_orlib(BENCH / "cap41.txt"))
    assert result.status == "Optimal"
    assert result.objective == pytest.approx(CAP41_OPTIMUM, rel=REL)
    assert 11 in result.open_warehouses  # the free warehouse


# --- the user's path: workbook -> read -> validate -> build -> solve -> check ----------------


@pytest.mark.solver
def test_tiny_instance_splits_demand(tmp_path: Path) -> None:
    """Hand-derived: capacity 5 each and total demand 10, so both warehouses open (100).

    Customer 1 (4 t) goes to W1 at 2/t (8); W2 takes 5 t of customer 2 at 1/t (5) and the
    last tonne goes to W1 at 2/t (2). Optimum 100 + 8 + 5 + 2 = 115, with customer 2 split.
    """
    src = tmp_path / "tiny.txt"
    src.write_text(TINY)
    inst = parse_orlib(src, capacity=5)
    assert solve_direct(inst).objective == pytest.approx(115)
    outcome = _solve_workbook(write_instance_workbook(inst, tmp_path / "tiny.xlsx"))
    assert outcome.status.name == "OPTIMAL"
    assert -outcome.objective == pytest.approx(115, rel=REL)
    assert not outcome.check_findings


def _check_row(row: OptimumRow, tmp_path: Path) -> None:
    inst = load_instance(row, BENCH)
    path = write_instance_workbook(inst, tmp_path / f"{row.instance}.xlsx")
    outcome = _solve_workbook(path)
    assert outcome.status.name == "OPTIMAL"
    assert -outcome.objective == pytest.approx(row.optimum, rel=REL)
    assert not outcome.check_findings  # the independent checker found no violation


@pytest.mark.solver
@pytest.mark.parametrize("row", SMALL_CFLP, ids=_row_ids(SMALL_CFLP))
def test_cflp_published_optimum(row: OptimumRow, tmp_path: Path) -> None:
    _check_row(row, tmp_path)


@pytest.mark.solver
@pytest.mark.parametrize("row", SMALL_UFLP, ids=_row_ids(SMALL_UFLP))
def test_uflp_published_optimum(row: OptimumRow, tmp_path: Path) -> None:
    _check_row(row, tmp_path)
