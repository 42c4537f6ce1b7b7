"""Marginal values and entry thresholds, checked against finite-difference re-solves.

Every "value of one more unit at this plan" the results report is compared with what a
re-solve with that limit moved by a small step actually gives. Unless a docstring says
otherwise the numbers are those of tests/tiny_cases.base_case: F at 10/t, line L1
(capacity 100, fixed 1000), X sold at M for 50/t, lane S->M at 5/t: margin 35/t.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.excel.template import write_input_workbook
from optimizer.explain import explain_plan
from optimizer.pipeline import RunOutcome, solve_workbook
from optimizer.solve import SolveStatus
from tests.tiny_cases import (
    Tables,
    add_line,
    add_rows,
    base_case,
    copy_case,
    set_periods,
    set_setting,
    update_rows,
)

pytestmark = pytest.mark.solver


def solve(tables: Tables, tmp_path: Path, name: str) -> RunOutcome:
    tables = copy_case(tables)
    set_setting(tables, "mip_gap", 0.0)
    path = write_input_workbook(tmp_path / f"{name}.xlsx", tables)
    out = solve_workbook(path)
    assert out.status is SolveStatus.OPTIMAL, out.issues.report()
    assert out.model is not None and out.data is not None and out.results is not None
    explain_plan(out.model, out.data, out.results, out.settings)
    assert out.results.explained and "lp_failed" not in out.results.explain_notes
    return out


def objective(tables: Tables, tmp_path: Path, name: str) -> float:
    out = solve(tables, tmp_path, name)
    assert out.objective is not None
    return out.objective


def value(out: RunOutcome, kind: str, item: str = "", period: str = "P1") -> float:
    assert out.results is not None
    mv = out.results.marginal
    rows = mv[(mv.kind == kind) & (mv.item == item) & (mv.period == period)]
    assert len(rows) == 1, mv[mv.kind == kind]
    assert bool(rows.iloc[0].binding), rows.iloc[0]
    return float(rows.iloc[0].value)


def finite_difference(tables: Tables, moved: Tables, step: float, tmp_path: Path) -> float:
    """(objective with the limit loosened by ``step`` - objective) / step."""
    return (objective(moved, tmp_path, "moved") - objective(tables, tmp_path, "base")) / step


def test_feedstock_availability(tmp_path: Path) -> None:
    """SRC_F offers 80 t: every tonne more is worth the margin, 35."""
    tables = update_rows(base_case(), "Sources", {"source": "SRC_F"}, availability=80)
    out = solve(tables, tmp_path, "avail")
    moved = update_rows(copy_case(tables), "Sources", {"source": "SRC_F"}, availability=81)
    assert value(out, "feedstock", "SRC_F") == pytest.approx(35)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(35)
    assert out.results is not None
    assert float(out.results.purchases.marginal_value.iloc[0]) == pytest.approx(35)


def test_line_capacity(tmp_path: Path) -> None:
    """L1 runs full at 100 t: one more tonne of capacity adds 35 (capacity row and the
    input link bounded by share_max x capacity move together)."""
    tables = base_case()
    out = solve(tables, tmp_path, "cap")
    moved = update_rows(copy_case(tables), "Lines", {"line": "L1"}, capacity=101)
    assert value(out, "line_capacity", "L1") == pytest.approx(35)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(35)


def test_demand_maximum_and_minimum(tmp_path: Path) -> None:
    """M takes at most 60 t (35/t more); a second market M2 pays 30 with a contracted
    minimum of 20 t: each tonne less required there is worth 45 - 25 = 20."""
    tables = update_rows(base_case(), "Markets", {"market": "M"}, sales_max=60)
    out = solve(tables, tmp_path, "demand")
    moved = update_rows(copy_case(tables), "Markets", {"market": "M"}, sales_max=61)
    assert value(out, "demand_max", "M") == pytest.approx(35)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(35)

    tables = add_rows(base_case(), "Locations", {"location": "M2"})
    add_rows(tables, "Markets", {"market": "M2", "material": "X", "price": 30, "sales_min": 20})
    add_rows(tables, "Lanes", {"lane": "S-M2", "origin": "S", "destination": "M2", "cost": 5})
    out = solve(tables, tmp_path, "minimum")
    moved = update_rows(copy_case(tables), "Markets", {"market": "M2"}, sales_min=19)
    assert value(out, "demand_min", "M2") == pytest.approx(20)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(20)


def test_lane_capacity(tmp_path: Path) -> None:
    """Lane S-M carries at most 70 t: one more tonne of lane capacity adds 35."""
    tables = update_rows(base_case(), "Lanes", {"lane": "S-M"}, capacity=70)
    out = solve(tables, tmp_path, "lane")
    moved = update_rows(copy_case(tables), "Lanes", {"lane": "S-M"}, capacity=71)
    assert value(out, "lane_capacity", "S-M") == pytest.approx(35)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(35)


def _second_feedstock(tables: Tables, price: float, recovered: bool = False,
                      local: bool = True, **source: object) -> Tables:
    add_rows(tables, "Materials", {"material": "R", "kind": "feedstock",
                                   "recovered": recovered})
    add_rows(tables, "Sources", {"source": "SRC_R", "material": "R", "location": "S",
                                 "price": price, "local": local, **source})
    return add_rows(tables, "Recipes", {"applies_to": "T", "material": "R", "role": "input"})


def test_recovered_minimum_and_minimum_purchase(tmp_path: Path) -> None:
    """Recovered R at 25/t beside F at 10/t, at least 40 t of R: each tonne less required
    is worth 15. The same 15 for a minimum purchase of 40 t of R (not recovered)."""
    tables = _second_feedstock(base_case(), 25, recovered=True)
    add_rows(tables, "Policy", {"policy": "recovered_min", "value": 40})
    out = solve(tables, tmp_path, "recovered")
    moved = update_rows(copy_case(tables), "Policy", {"policy": "recovered_min"}, value=39)
    assert value(out, "recovered_min") == pytest.approx(15)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(15)

    tables = _second_feedstock(base_case(), 25, offtake_min=40)
    out = solve(tables, tmp_path, "offtake")
    moved = update_rows(copy_case(tables), "Sources", {"source": "SRC_R"}, offtake_min=39)
    assert value(out, "offtake_min", "SRC_R") == pytest.approx(15)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(15)


def test_local_share(tmp_path: Path) -> None:
    """F imported at 10/t or bought locally at 20/t, local purchases at least half the
    purchase value (tests/test_constraints.py derives the plan). The value of one
    percentage point less is the derivative, checked with a step of 0.01 point."""
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, local=False)
    add_rows(tables, "Sources", {"source": "SRC_FL", "material": "F", "location": "S",
                                 "price": 20, "local": True})
    add_rows(tables, "Policy", {"policy": "local_share_min", "value": 0.5})
    out = solve(tables, tmp_path, "local")
    step = 0.0001
    moved = update_rows(copy_case(tables), "Policy", {"policy": "local_share_min"},
                        value=0.5 - step)
    per_point = finite_difference(tables, moved, step, tmp_path) * 0.01
    assert value(out, "local_share") == pytest.approx(per_point, rel=1e-3)


def test_values_are_per_year_in_each_period(tmp_path: Path) -> None:
    """Two one-year periods discounted at 10 %: the capacity of L1 is worth 35 per year in
    each; one more tonne in both periods adds 35 x (1 + 1/1.1) to the discounted total."""
    tables = set_periods(base_case(), ("P1", 1), ("P2", 1))
    set_setting(tables, "discount_rate", 0.1)
    out = solve(tables, tmp_path, "periods")
    assert value(out, "line_capacity", "L1", "P1") == pytest.approx(35)
    assert value(out, "line_capacity", "L1", "P2") == pytest.approx(35)
    moved = update_rows(copy_case(tables), "Lines", {"line": "L1"}, capacity=101)
    assert finite_difference(tables, moved, 1, tmp_path) == pytest.approx(35 * (1 + 1 / 1.1))


def test_what_it_would_take_for_a_line_to_enter(tmp_path: Path) -> None:
    """L2 (capacity 50, fixed 2000) beside L1, demand unlimited: building it adds
    50 x 35 - 2000 = -250 per year, so its fixed cost must fall by 250. Below that it is
    built, above it is not; closing L1 would lose its 2500."""
    tables = add_line(base_case(), "L2", capacity=50, cost_fixed=2000)
    out = solve(tables, tmp_path, "entry")
    assert out.results is not None
    lines = out.results.lines.set_index("line")
    assert lines.at["L2", "entry_status"] == "added"
    assert lines.at["L2", "change_if_built"] == pytest.approx(-250)
    assert lines.at["L1", "value_to_plan"] == pytest.approx(2500)
    cheaper = update_rows(copy_case(tables), "Lines", {"line": "L2"}, cost_fixed=2000 - 251)
    built = solve(cheaper, tmp_path, "cheaper").results
    assert built is not None and bool(built.lines.set_index("line").at["L2", "built"])
    dearer = update_rows(copy_case(tables), "Lines", {"line": "L2"}, cost_fixed=2000 - 249)
    kept_out = solve(dearer, tmp_path, "dearer").results
    assert kept_out is not None and not bool(kept_out.lines.set_index("line").at["L2", "built"])


def test_exclusive_alternative_is_priced_as_a_swap(tmp_path: Path) -> None:
    """L2 (capacity 100, fixed 1100) is in the same exclusive group as L1: only one may be
    built. Replacing L1 by L2 changes net value by -100."""
    tables = update_rows(base_case(), "Lines", {"line": "L1"}, group="G")
    add_line(tables, "L2", capacity=100, cost_fixed=1100, group="G")
    out = solve(tables, tmp_path, "swap")
    assert out.results is not None
    lines = out.results.lines.set_index("line")
    assert lines.at["L2", "entry_status"] == "swapped"
    assert lines.at["L2", "swap_with"] == "L1"
    assert lines.at["L2", "change_if_built"] == pytest.approx(-100)
    group = out.results.marginal[out.results.marginal.kind == "group"].iloc[0]
    assert bool(group.binding) and group.detail == "L2"


def test_line_accounts_add_up_to_the_net_value(absheron_outcome: RunOutcome) -> None:
    """Traced revenue and costs per line, plus what no line can be charged with, equal the
    objective; every tonne bought is allocated to some use."""
    res = absheron_outcome.results
    assert res is not None and absheron_outcome.data is not None
    w = absheron_outcome.data.period_weight
    lp = res.line_periods
    total = sum(w[p] * v for p, v in zip(lp.period, lp.net_value, strict=True))
    total += sum(w[p] * v for p, v in zip(res.unattributed.period,
                                          res.unattributed.net_value, strict=True))
    assert total == pytest.approx(absheron_outcome.objective, rel=1e-9)
    bought = res.allocation[res.allocation.origin_kind == "source"].groupby(
        "origin").tonnes.sum()
    for row in res.purchases.itertuples(index=False):
        assert bought.get(row.source, 0.0) == pytest.approx(row.tonnes, abs=1e-6)
