"""Every constraint of the chain model, proven to bind on a tiny case solved by hand.

Each test builds a case from tests/tiny_cases.py, derives its optimum by hand in the
docstring, and asserts (1) the solver finds that optimum and the key decision, (2) the
independent checker finds nothing, and (3) with the constraint deactivated the optimum
moves to a second hand-derived value, so the test would fail without the constraint.

Unless a docstring says otherwise the numbers are those of ``tiny_cases.base_case``: F at
10/t at site S, line L1 (capacity 100, fixed 1000/yr), yield 1 of X, X sold at M for 50/t,
lane S->M at 5/t, one period of one year, no discounting. The margin is 50 - 10 - 5 = 35/t
and the base optimum 35 * 100 - 1000 = 2500.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyomo.environ as pyo
import pytest

from models.chain.checks import check_solution
from models.chain.data import load_data
from models.chain.formulation import CONSTRAINTS, OBJECTIVE_PARTS, build_model
from models.chain.results import ChainResults
from models.validation.issues import Issue, IssueList, Severity
from optimizer.excel.read import read_workbook
from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import validate_workbook
from optimizer.solve import SolveSettings, SolveStatus, solve_model
from tests.tiny_cases import (
    BASE_OPTIMUM,
    Tables,
    add_line,
    add_rows,
    base_case,
    copy_case,
    set_periods,
    set_setting,
    solve_tables,
    update_rows,
)

pytestmark = pytest.mark.solver


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


# --- helpers -----------------------------------------------------------------------------


def solve_ok(tables: Tables, tmp_path: Path, expected: float) -> ChainResults:
    """Solve the full model: optimal, at the hand-derived value, and checker-clean."""
    status, objective, results, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL
    assert objective == approx(expected)
    assert results is not None
    findings = check_solution(data, results, objective)
    assert not findings, "\n".join(f.format() for f in findings)
    return results


def solve_without(tables: Tables, tmp_path: Path, names: tuple[str, ...], expected: float,
                  flagged: str | None = None) -> ChainResults:
    """Solve with ``names`` deactivated: the optimum moves to ``expected``.

    ``flagged``: the independent checker must report this check on the relaxed plan.
    """
    for name in names:
        assert name in CONSTRAINTS, name
    status, objective, results, data = solve_tables(tables, tmp_path, deactivate=names)
    assert status is SolveStatus.OPTIMAL
    assert objective == approx(expected)
    assert results is not None
    if flagged is not None:
        checks = {f.check for f in check_solution(data, results, objective)}
        assert flagged in checks, checks
    return results


def built(results: ChainResults) -> set[str]:
    return set(results.lines[results.lines.built].line)


def tonnes(df, **match: object) -> float:  # type: ignore[no-untyped-def]
    """Sum of the ``tonnes`` column over the rows whose columns equal ``match``."""
    rows = df
    for col, value in match.items():
        rows = rows[rows[col] == value]
    return float(rows.tonnes.sum())


def add_feedstock(tables: Tables, material: str, price: float, *, source: str | None = None,
                  share_min: float = 0.0, share_max: float = 1.0, share_group: str | None = None,
                  recovered: bool = False, local: bool = True) -> Tables:
    """A second feedstock at S that recipe T/main also accepts."""
    if not any(r["material"] == material for r in tables["Materials"]):
        add_rows(tables, "Materials", {"material": material, "kind": "feedstock",
                                       "recovered": recovered})
    add_rows(tables, "Sources", {"source": source or f"SRC_{material}", "material": material,
                                 "location": "S", "price": price, "local": local})
    add_rows(tables, "Recipes", {"applies_to": "T", "material": material, "role": "input",
                                 "share_min": share_min, "share_max": share_max,
                                 "share_group": share_group})
    return tables


def two_lines(**l2: object) -> Tables:
    """Base case plus L2 at S: capacity 80, fixed 500, so alone it earns 35*80-500 = 2300."""
    tables = base_case()
    add_line(tables, "L2", capacity=80, cost_fixed=500, **l2)
    return tables


def test_every_constraint_has_a_test() -> None:
    """Guard: a constraint added to the formulation must get a test here."""
    tested = {name[len("test_"):] for name in globals() if name.startswith("test_")}
    missing = [c for c in CONSTRAINTS if not any(t.startswith(c) for t in tested)]
    assert not missing


# --- the base case -----------------------------------------------------------------------


def test_base_case(tmp_path: Path) -> None:
    """Buy 100 F (1000), make 100 X, ship (500), sell (5000), fixed 1000: 2500."""
    res = solve_ok(base_case(), tmp_path, BASE_OPTIMUM)
    assert built(res) == {"L1"}
    assert tonnes(res.sales, market="M", material="X") == approx(100)


# --- one test per constraint -------------------------------------------------------------


def test_material_balance_ties_sales_to_production(tmp_path: Path) -> None:
    """X at M is capped at 80 t (sales_max).

    With balance: 80 t must be bought, processed and shipped: 80*35 - 1000 = 1800.
    Without: sales are free of supply; sell 80 t, buy nothing, build nothing:
    80*50 = 4000.
    """
    tables = base_case()
    update_rows(tables, "Markets", {"market": "M"}, sales_max=80)
    res = solve_ok(tables, tmp_path, 1800)
    assert built(res) == {"L1"}
    assert tonnes(res.purchases, source="SRC_F") == approx(80)
    assert tonnes(res.sales, market="M") == approx(80)
    relaxed = solve_without(tables, tmp_path, ("material_balance",), 4000,
                            flagged="material_balance")
    assert tonnes(relaxed.purchases) == approx(0)
    assert not built(relaxed)


def test_material_balance_deactivated_base_case_is_unbounded(tmp_path: Path) -> None:
    """Base case without balance: sales of X at M (no sales_max) earn 50/t with nothing
    to pay for, so the objective is unbounded."""
    status, objective, _, _ = solve_tables(base_case(), tmp_path,
                                           deactivate=("material_balance",))
    assert objective is None
    assert status is SolveStatus.UNBOUNDED


def test_unbounded_trading_case_is_reported_unbounded(tmp_path: Path) -> None:
    """F (unlimited at 10/t at S) is also sold at M for 50/t via lane S->M (5/t):
    35/t on unlimited tonnes, a truly unbounded valid case."""
    tables = base_case()
    add_rows(tables, "Markets", {"market": "M", "material": "F", "price": 50})
    status, _, _, _ = solve_tables(tables, tmp_path)
    assert status is SolveStatus.UNBOUNDED


def test_capacity_limit(tmp_path: Path) -> None:
    """Two inputs, F at 10 and G at 20 (margins 35 and 25), each share 0..1.

    With capacity: 100 t of F: 2500.
    Without: input_link still caps each input at share_max*K = 100 t, but not their sum:
    100 F + 100 G: 100*35 + 100*25 - 1000 = 5000.
    """
    tables = add_feedstock(base_case(), "G", 20)
    res = solve_ok(tables, tmp_path, 2500)
    assert tonnes(res.recipe_inputs, material="F") == approx(100)
    assert tonnes(res.recipe_inputs, material="G") == approx(0)
    relaxed = solve_without(tables, tmp_path, ("capacity_limit",), 5000,
                            flagged="capacity_limit")
    assert tonnes(relaxed.recipe_inputs, line="L1") == approx(200)


def test_utilisation_floor(tmp_path: Path) -> None:
    """utilisation_min 0.8 on L1; X at M capped at 50 t; X can be dumped at S for 3/t
    (margin 3 - 10 = -7/t).

    With the floor: built means at least 80 t: 50 to M (+35) and 30 dumped (-7):
    1750 - 210 - 1000 = 540 > 0 (not building), so L1 runs at 80 t: 540.
    Without: 50 t only: 1750 - 1000 = 750.
    """
    tables = base_case()
    update_rows(tables, "Lines", {"line": "L1"}, utilisation_min=0.8)
    update_rows(tables, "Markets", {"market": "M"}, sales_max=50)
    add_rows(tables, "Markets", {"market": "S", "material": "X", "price": 3})
    res = solve_ok(tables, tmp_path, 540)
    assert tonnes(res.recipe_inputs, line="L1") == approx(80)
    assert tonnes(res.sales, market="S") == approx(30)
    relaxed = solve_without(tables, tmp_path, ("utilisation_floor",), 750,
                            flagged="utilisation_floor")
    assert tonnes(relaxed.recipe_inputs, line="L1") == approx(50)


def test_input_link(tmp_path: Path) -> None:
    """F availability 300 t, so input_bound = min(share_max*K, supply) = min(100, 300) = 100.

    Full model: 2500 (L1 built, 100 t).
    Without capacity_limit alone: x_F <= 100 * o still holds through input_link: 2500.
    Without input_link alone: capacity_limit z <= 100 * o holds: 2500.
    Without both: nothing ties processing to building; leave L1 unbuilt (no fixed cost)
    and process all 300 t: 300*35 = 10500.
    """
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, availability=300)
    res = solve_ok(tables, tmp_path, BASE_OPTIMUM)
    assert built(res) == {"L1"}
    only_cap = solve_without(tables, tmp_path, ("capacity_limit",), BASE_OPTIMUM)
    assert tonnes(only_cap.recipe_inputs) == approx(100)
    solve_without(tables, tmp_path, ("input_link",), BASE_OPTIMUM)
    both = solve_without(tables, tmp_path, ("capacity_limit", "input_link"), 10500,
                         flagged="capacity_limit")
    assert not built(both)
    assert tonnes(both.recipe_inputs) == approx(300)


def test_share_floor(tmp_path: Path) -> None:
    """G at 20/t with share_min 0.3 beside F at 10/t.

    With the floor: 70 F + 30 G: 5000 - (700 + 600) - 500 - 1000 = 2200.
    Without: all F: 2500.
    """
    tables = add_feedstock(base_case(), "G", 20, share_min=0.3)
    res = solve_ok(tables, tmp_path, 2200)
    assert tonnes(res.recipe_inputs, material="G") == approx(30)
    relaxed = solve_without(tables, tmp_path, ("share_floor",), 2500, flagged="share_floor")
    assert tonnes(relaxed.recipe_inputs, material="G") == approx(0)


def test_share_ceiling(tmp_path: Path) -> None:
    """F share_max 0.6, G at 20/t, X at M capped at 50 t (so L1 runs below capacity, where
    input_link's bound 0.6*100 = 60 t does not bind).

    Mix margin 50 - (0.6*10 + 0.4*20) - 5 = 31 > 0, so 50 t: 30 F + 20 G:
    2500 - (300 + 400) - 250 - 1000 = 550.
    Without the ceiling: 50 F (<= 60 t link): 50*35 - 1000 = 750.
    """
    tables = base_case()
    update_rows(tables, "Recipes", {"material": "F"}, share_max=0.6)
    update_rows(tables, "Markets", {"market": "M"}, sales_max=50)
    add_feedstock(tables, "G", 20)
    res = solve_ok(tables, tmp_path, 550)
    assert tonnes(res.recipe_inputs, material="F") == approx(30)
    assert tonnes(res.recipe_inputs, material="G") == approx(20)
    relaxed = solve_without(tables, tmp_path, ("share_ceiling",), 750, flagged="share_ceiling")
    assert tonnes(relaxed.recipe_inputs, material="F") == approx(50)


def test_group_share_floor(tmp_path: Path) -> None:
    """G (20/t) and H (30/t) form group 'rec' with combined share_min 0.4.

    With: the cheaper member G fills the group: 60 F + 40 G:
    5000 - (600 + 800) - 500 - 1000 = 2100.
    Without: all F: 2500.
    """
    tables = base_case()
    add_feedstock(tables, "G", 20, share_group="rec")
    add_feedstock(tables, "H", 30, share_group="rec")
    add_rows(tables, "RecipeGroups", {"applies_to": "T", "share_group": "rec",
                                      "share_min": 0.4})
    res = solve_ok(tables, tmp_path, 2100)
    assert tonnes(res.recipe_inputs, material="G") == approx(40)
    assert tonnes(res.recipe_inputs, material="H") == approx(0)
    solve_without(tables, tmp_path, ("group_share_floor",), 2500, flagged="group_share_floor")


def test_group_share_ceiling(tmp_path: Path) -> None:
    """F (10/t, share_max 0.3) and G (12/t) form group 'virgin' with share_max 0.5;
    H (20/t) is outside the group.

    With: F 30, G 20 (group = 50), H 50: 5000 - (300 + 240 + 1000) - 500 - 1000 = 1960.
    Without the group ceiling: F 30, G 70: 5000 - (300 + 840) - 500 - 1000 = 2360.
    """
    tables = base_case()
    update_rows(tables, "Recipes", {"material": "F"}, share_max=0.3, share_group="virgin")
    add_feedstock(tables, "G", 12, share_group="virgin")
    add_feedstock(tables, "H", 20)
    add_rows(tables, "RecipeGroups", {"applies_to": "T", "share_group": "virgin",
                                      "share_max": 0.5})
    res = solve_ok(tables, tmp_path, 1960)
    assert tonnes(res.recipe_inputs, material="G") == approx(20)
    assert tonnes(res.recipe_inputs, material="H") == approx(50)
    relaxed = solve_without(tables, tmp_path, ("group_share_ceiling",), 2360,
                            flagged="group_share_ceiling")
    assert tonnes(relaxed.recipe_inputs, material="G") == approx(70)


def test_build_once(tmp_path: Path) -> None:
    """Two periods P1, P2 of one year, no discounting; L1 may be built in either.

    With build_once: build in P1 and run both years: 2500 + 2500 = 5000.
    Without: b_P1 = b_P2 = 1 gives o_P2 = 2, so in P2 capacity (and input_link's bound)
    is 200 t and the fixed cost is paid twice: 200*35 - 2*1000 = 5000; P1 earns 2500:
    7500 > 5000, so the solver builds L1 twice.
    """
    tables = set_periods(base_case(), ("P1", 1), ("P2", 1))
    res = solve_ok(tables, tmp_path, 5000)
    assert res.lines.set_index("line").build_period["L1"] == "P1"
    relaxed = solve_without(tables, tmp_path, ("build_once",), 7500, flagged="capacity_limit")
    assert tonnes(relaxed.recipe_inputs, period="P2") == approx(200)
    assert relaxed.objective_parts["cost_fixed"] == approx(3000)


def test_exclusive_group_limit(tmp_path: Path) -> None:
    """L1 and L2 (capacity 80, fixed 500) share exclusive group g.

    With: the better alone, L1 (2500) over L2 (80*35 - 500 = 2300): 2500.
    Without: both: 2500 + 2300 = 4800.
    """
    tables = two_lines(group="g")
    update_rows(tables, "Lines", {"line": "L1"}, group="g")
    res = solve_ok(tables, tmp_path, 2500)
    assert built(res) == {"L1"}
    relaxed = solve_without(tables, tmp_path, ("exclusive_group_limit",), 4800,
                            flagged="exclusive_group_limit")
    assert built(relaxed) == {"L1", "L2"}


def test_site_lines_limit(tmp_path: Path) -> None:
    """Site S allows one line; L1 (2500) or L2 (2300). With: 2500; without: 4800."""
    tables = two_lines()
    update_rows(tables, "Sites", {"site": "S"}, lines_max=1)
    res = solve_ok(tables, tmp_path, 2500)
    assert built(res) == {"L1"}
    relaxed = solve_without(tables, tmp_path, ("site_lines_limit",), 4800,
                            flagged="site_lines_limit")
    assert built(relaxed) == {"L1", "L2"}


def test_site_resource_limit(tmp_path: Path) -> None:
    """S has 10 MW; L1 takes 6, L2 takes 5, so only one fits.

    With: L1 (2500 > 2300): 2500. Without: both: 4800.
    """
    tables = two_lines()
    add_rows(tables, "Resources", {"site": "S", "resource": "power", "unit": "MW",
                                   "available": 10})
    add_rows(tables, "ResourceUse", {"line": "L1", "resource": "power", "amount": 6},
             {"line": "L2", "resource": "power", "amount": 5})
    res = solve_ok(tables, tmp_path, 2500)
    assert built(res) == {"L1"}
    relaxed = solve_without(tables, tmp_path, ("site_resource_limit",), 4800,
                            flagged="site_resource_limit")
    assert built(relaxed) == {"L1", "L2"}


def test_lane_capacity_limit(tmp_path: Path) -> None:
    """Lane S-M (5/t) carries at most 60 t; a second lane S-M-slow costs 15/t.

    With: 60 t on S-M (margin 35) and 40 t on S-M-slow (margin 25):
    2100 + 1000 - 1000 = 2100.
    Without: all 100 t on S-M: 2500.
    """
    tables = base_case()
    update_rows(tables, "Lanes", {"lane": "S-M"}, capacity=60)
    add_rows(tables, "Lanes", {"lane": "S-M-slow", "origin": "S", "destination": "M",
                               "cost": 15})
    res = solve_ok(tables, tmp_path, 2100)
    assert tonnes(res.flows, lane="S-M") == approx(60)
    assert tonnes(res.flows, lane="S-M-slow") == approx(40)
    relaxed = solve_without(tables, tmp_path, ("lane_capacity_limit",), 2500,
                            flagged="lane_capacity_limit")
    assert tonnes(relaxed.flows, lane="S-M") == approx(100)


def test_budget_total_limit(tmp_path: Path) -> None:
    """Budget 600; L1 capex 500, L2 capex 400: only one fits.

    With: L1 (2500 > 2300): 2500. Without: both: 4800. (Capex is not in the objective.)
    """
    tables = two_lines(capex=400)
    update_rows(tables, "Lines", {"line": "L1"}, capex=500)
    add_rows(tables, "Policy", {"policy": "budget_total", "value": 600})
    res = solve_ok(tables, tmp_path, 2500)
    assert built(res) == {"L1"}
    relaxed = solve_without(tables, tmp_path, ("budget_total_limit",), 4800,
                            flagged="budget_total_limit")
    assert built(relaxed) == {"L1", "L2"}


def test_budget_period_limit(tmp_path: Path) -> None:
    """Two one-year periods, budget 600 in every period (blank period); L1 and L2 capex
    500 each, so one build per period.

    With: L1 in P1 (2500), L2 in P2 (P2: 2500 + 2300): 7300
    (L2 first would give 2300 + 4800 = 7100).
    Without: both in P1: 2 * 4800 = 9600.
    """
    tables = set_periods(two_lines(capex=500), ("P1", 1), ("P2", 1))
    update_rows(tables, "Lines", {"line": "L1"}, capex=500)
    add_rows(tables, "Policy", {"policy": "budget_period", "value": 600})
    res = solve_ok(tables, tmp_path, 7300)
    periods = res.lines.set_index("line").build_period
    assert (periods["L1"], periods["L2"]) == ("P1", "P2")
    relaxed = solve_without(tables, tmp_path, ("budget_period_limit",), 9600,
                            flagged="budget_period_limit")
    periods = relaxed.lines.set_index("line").build_period
    assert (periods["L1"], periods["L2"]) == ("P1", "P1")


def test_lines_min_floor(tmp_path: Path) -> None:
    """At least 2 lines; L2 has fixed cost 3000: at full use 80*35 - 3000 = -200.

    With: L1 and L2 (L2 run at 80 t, better than idle at -3000): 2500 - 200 = 2300.
    Without: L1 alone: 2500.
    """
    tables = base_case()
    add_line(tables, "L2", capacity=80, cost_fixed=3000)
    add_rows(tables, "Policy", {"policy": "lines_min", "value": 2})
    res = solve_ok(tables, tmp_path, 2300)
    assert built(res) == {"L1", "L2"}
    relaxed = solve_without(tables, tmp_path, ("lines_min_floor",), 2500,
                            flagged="lines_min_floor")
    assert built(relaxed) == {"L1"}


def test_jobs_min_floor(tmp_path: Path) -> None:
    """At least 5 jobs (blank period: the last period); L1 gives 2 jobs, L2 (fixed 3000,
    -200 at full use) gives 6.

    With: L2 is needed; L1 is profitable anyway: 2500 - 200 = 2300.
    Without: L1 alone: 2500.
    """
    tables = base_case()
    update_rows(tables, "Lines", {"line": "L1"}, jobs=2)
    add_line(tables, "L2", capacity=80, cost_fixed=3000, jobs=6)
    add_rows(tables, "Policy", {"policy": "jobs_min", "value": 5})
    res = solve_ok(tables, tmp_path, 2300)
    assert built(res) == {"L1", "L2"}
    relaxed = solve_without(tables, tmp_path, ("jobs_min_floor",), 2500,
                            flagged="jobs_min_floor")
    assert built(relaxed) == {"L1"}


def test_recovered_min_floor(tmp_path: Path) -> None:
    """Recovered feedstock R at 25/t beside F at 10/t; at least 40 t of R processed.

    With: 60 F + 40 R: 5000 - (600 + 1000) - 500 - 1000 = 1900.
    Without: all F: 2500.
    """
    tables = add_feedstock(base_case(), "R", 25, recovered=True)
    add_rows(tables, "Policy", {"policy": "recovered_min", "value": 40})
    res = solve_ok(tables, tmp_path, 1900)
    assert tonnes(res.recipe_inputs, material="R") == approx(40)
    relaxed = solve_without(tables, tmp_path, ("recovered_min_floor",), 2500,
                            flagged="recovered_min_floor")
    assert tonnes(relaxed.recipe_inputs, material="R") == approx(0)


def test_local_share_floor(tmp_path: Path) -> None:
    """F imported (SRC_F, not local) at 10/t or bought locally (SRC_FL) at 20/t; local
    purchases must be at least half the purchase value.

    With q_L local and q_I imported, q_L + q_I = 100 and 20 q_L >= 0.5 (20 q_L + 10 q_I),
    i.e. q_I <= 2 q_L, so q_L >= 100/3. Feedstock cost 10*100 + 10 q_L = 1000 + 1000/3;
    net 5000 - 1000 - 1000/3 - 500 - 1000 = 6500/3 = 2166.67.
    Without: all imported: 2500.
    """
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, local=False)
    add_rows(tables, "Sources", {"source": "SRC_FL", "material": "F", "location": "S",
                                 "price": 20, "local": True})
    add_rows(tables, "Policy", {"policy": "local_share_min", "value": 0.5})
    res = solve_ok(tables, tmp_path, 6500 / 3)
    assert tonnes(res.purchases, source="SRC_FL") == approx(100 / 3)
    assert tonnes(res.purchases, source="SRC_F") == approx(200 / 3)
    relaxed = solve_without(tables, tmp_path, ("local_share_floor",), 2500,
                            flagged="local_share_floor")
    assert tonnes(relaxed.purchases, source="SRC_FL") == approx(0)


def test_supply_group_ceiling(tmp_path: Path) -> None:
    """SRC_F (10/t, at most 50 t) and SRC_F2 (12/t) form supply group G, at most 80 t
    together; SRC_F3 (30/t) is outside the group. L1 processes 100 t (margin 50 - 5 - price).

    With the cap: 50 t at 35 + 30 t at 33 + 20 t of SRC_F3 at 15, less 1000 fixed:
    1750 + 990 + 300 - 1000 = 2040. Without: 50 t at 35 + 50 t at 33 - 1000 = 2400.
    """
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, availability=50, supply_group="G")
    add_rows(tables, "Sources",
             {"source": "SRC_F2", "material": "F", "location": "S", "price": 12,
              "supply_group": "G"},
             {"source": "SRC_F3", "material": "F", "location": "S", "price": 30})
    add_rows(tables, "SupplyGroups", {"group": "G", "purchases_max": 80})
    res = solve_ok(tables, tmp_path, 2040)
    assert tonnes(res.purchases, source="SRC_F2") == approx(30)
    assert tonnes(res.purchases, source="SRC_F3") == approx(20)
    relaxed = solve_without(tables, tmp_path, ("supply_group_ceiling",), 2400,
                            flagged="supply_group_ceiling")
    assert tonnes(relaxed.purchases, source="SRC_F3") == approx(0)


def test_supply_group_floor(tmp_path: Path) -> None:
    """SRC_F3 (48/t, a loss of 3/t after freight) is the only offer of supply group H,
    which must sell at least 30 t; SRC_F (10/t) is unlimited.

    With the floor: 70 t at 35 + 30 t at -3 - 1000 = 2450 - 90 - 1000 = 1360.
    Without: 2500 (nothing bought from SRC_F3).
    """
    tables = base_case()
    add_rows(tables, "Sources", {"source": "SRC_F3", "material": "F", "location": "S",
                                 "price": 48, "supply_group": "H"})
    add_rows(tables, "SupplyGroups", {"group": "H", "purchases_min": 30})
    res = solve_ok(tables, tmp_path, 1360)
    assert tonnes(res.purchases, source="SRC_F3") == approx(30)
    relaxed = solve_without(tables, tmp_path, ("supply_group_floor",), 2500,
                            flagged="supply_group_floor")
    assert tonnes(relaxed.purchases, source="SRC_F3") == approx(0)


# --- objective parts -----------------------------------------------------------------------


def test_objective_parts(tmp_path: Path) -> None:
    """Every part in one period.

    L1 variable cost 3/t of input; recipe yields 0.9 X and 0.1 Y; Y is a residue
    disposed of at 20/t. X has volume_factor 2; lane S-M is by road (1/t + 0.02/t/km)
    over 100 km, freight 1 + 2 = 3/t, plus surcharge 4: cost per tonne of X = 2*3 + 4 = 10.
    Per tonne of input: 0.9*50 - 10 - 3 - 0.9*10 - 0.1*20 = 45 - 24 = 21 > 0, so 100 t:
    revenue 4500, feedstock 1000, variable 300, transport 900, disposal 200, fixed 1000;
    net 4500 - 3400 = 1100.
    """
    tables = base_case()
    update_rows(tables, "Lines", {"line": "L1"}, cost_variable=3)
    update_rows(tables, "Materials", {"material": "X"}, volume_factor=2)
    add_rows(tables, "Materials", {"material": "Y", "kind": "residue", "disposal_cost": 20})
    update_rows(tables, "Recipes", {"material": "X"}, **{"yield": 0.9})
    add_rows(tables, "Recipes", {"applies_to": "T", "material": "Y", "role": "output",
                                 "yield": 0.1})
    add_rows(tables, "Modes", {"mode": "road", "cost_fixed": 1, "cost_per_km": 0.02})
    update_rows(tables, "Lanes", {"lane": "S-M"}, cost=None, mode="road", distance_km=100,
                surcharge=4)
    status, objective, res, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert data.lane_cost["S-M", "X"] == approx(10)
    assert objective == approx(1100)
    expected = {"revenue": 4500, "cost_feedstock": 1000, "cost_variable": 300,
                "cost_transport": 900, "cost_disposal": 200, "cost_fixed": 1000,
                "cost_price_tiers": 0, "cost_loss": 0, "cost_carbon": 0,
                "cost_working_capital": 0, "cost_import_duty": 0, "cost_incentives": 0,
                "cost_profit_tax": 0}
    assert set(expected) == set(OBJECTIVE_PARTS)
    for name, value in expected.items():
        assert res.objective_parts[name] == approx(value), name
    assert tonnes(res.disposals, site="S", material="Y") == approx(10)
    assert not check_solution(data, res, objective)


def test_discounted_two_periods(tmp_path: Path) -> None:
    """discount_rate 0.1; P1 of 1 year, P2 of 2 years.

    w_P1 = 1.1^0 = 1; w_P2 = 1.1^-1 + 1.1^-2 = (1.1 + 1)/1.21 = 2.1/1.21 = 1.735537...
    L1 built in P1 runs every year at 2500/yr: 2500 * (1 + 2.1/1.21) = 2500 * 3.31/1.21
    = 6838.84...; revenue 5000 * 3.31/1.21, fixed 1000 * 3.31/1.21.
    """
    tables = set_periods(base_case(), ("P1", 1), ("P2", 2))
    set_setting(tables, "discount_rate", 0.1)
    status, objective, res, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert data.period_weight["P1"] == approx(1.0)
    assert data.period_weight["P2"] == approx(2.1 / 1.21)
    weight = 3.31 / 1.21
    assert objective == approx(2500 * weight)
    assert res.objective_parts["revenue"] == approx(5000 * weight)
    assert res.objective_parts["cost_feedstock"] == approx(1000 * weight)
    assert res.objective_parts["cost_transport"] == approx(500 * weight)
    assert res.objective_parts["cost_fixed"] == approx(1000 * weight)
    assert res.lines.set_index("line").build_period["L1"] == "P1"
    assert not check_solution(data, res, objective)


# --- operating modes, line status, build timing ----------------------------------------------


def test_multi_recipe_shares_capacity(tmp_path: Path) -> None:
    """Technology T has two modes: A makes X (50/t, at most 60 t sold), B makes Z (40/t).
    Both take F (10/t); lane S-M (5/t) carries either.

    With capacity shared: A 60 t (margin 35), B the remaining 40 t (margin 25):
    2100 + 1000 - 1000 = 2100.
    Without capacity_limit each mode is still capped at 100 t by its own input_link:
    A 60, B 100: 2100 + 2500 - 1000 = 3600.
    """
    tables = base_case()
    add_rows(tables, "Materials", {"material": "Z", "kind": "product"})
    tables["Recipes"] = [
        {"applies_to": "T", "recipe": "A", "material": "F", "role": "input"},
        {"applies_to": "T", "recipe": "A", "material": "X", "role": "output", "yield": 1},
        {"applies_to": "T", "recipe": "B", "material": "F", "role": "input"},
        {"applies_to": "T", "recipe": "B", "material": "Z", "role": "output", "yield": 1},
    ]
    update_rows(tables, "Markets", {"market": "M"}, sales_max=60)
    add_rows(tables, "Markets", {"market": "M", "material": "Z", "price": 40})
    res = solve_ok(tables, tmp_path, 2100)
    assert tonnes(res.recipe_inputs, recipe="A") == approx(60)
    assert tonnes(res.recipe_inputs, recipe="B") == approx(40)
    relaxed = solve_without(tables, tmp_path, ("capacity_limit",), 3600,
                            flagged="capacity_limit")
    assert tonnes(relaxed.recipe_inputs, recipe="B") == approx(100)


def test_existing_line_operates_every_period(tmp_path: Path) -> None:
    """L1 is existing (utilisation_min 0.5, capex 999) over two one-year periods; X at M
    is capped at 30 t, and X can be dumped at S for 3/t (margin -7/t). A candidate L2
    (fixed 100000, capex 100) is never worth building; budget_total is 100, so L1's
    capex, if it were counted, would make the case infeasible.

    Per period L1 must run >= 50 t: 30 to M (+35) and 20 dumped (-7), fixed 1000:
    1050 - 140 - 1000 = -90; two periods: -180 (the line cannot be closed).
    Without the utilisation floor: 30 t: 1050 - 1000 = 50 per period: 100.
    """
    tables = set_periods(base_case(), ("P1", 1), ("P2", 1))
    update_rows(tables, "Lines", {"line": "L1"}, status="existing", utilisation_min=0.5,
                capex=999)
    add_line(tables, "L2", cost_fixed=100000, capex=100)
    update_rows(tables, "Markets", {"market": "M"}, sales_max=30)
    add_rows(tables, "Markets", {"market": "S", "material": "X", "price": 3})
    add_rows(tables, "Policy", {"policy": "budget_total", "value": 100})
    res = solve_ok(tables, tmp_path, -180)
    assert built(res) == {"L1"}
    summary = res.lines.set_index("line")
    assert summary.status["L1"] == "existing"
    assert summary.build_period["L1"] == "existing"
    assert res.line_periods[res.line_periods.line == "L1"].open.all()
    assert tonnes(res.recipe_inputs, line="L1", period="P2") == approx(50)
    assert res.objective_parts["cost_fixed"] == approx(2000)
    solve_without(tables, tmp_path, ("utilisation_floor",), 100, flagged="utilisation_floor")


def test_excluded_line_is_never_built(tmp_path: Path) -> None:
    """L2 (capacity 1000, no fixed cost) would add 35 * 1000 = 35000, but it is excluded:
    the optimum stays the base 2500 and L2 is not in the model's lines."""
    tables = base_case()
    add_line(tables, "L2", capacity=1000, cost_fixed=0, status="excluded")
    status, objective, res, data = solve_tables(tables, tmp_path)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(BASE_OPTIMUM)
    assert data.lines == ("L1",)
    assert data.lines_excluded == ("L2",)
    summary = res.lines.set_index("line")
    assert summary.status["L2"] == "excluded"
    assert not summary.built["L2"]
    assert not check_solution(data, res, objective)
    update_rows(tables, "Lines", {"line": "L2"}, status="candidate")
    solve_ok(tables, tmp_path, BASE_OPTIMUM + 35000)


def test_period_earliest(tmp_path: Path) -> None:
    """Two one-year periods; L1 may be built from P2 on.

    With period_earliest P2: nothing in P1, 2500 in P2: 2500, built in P2.
    Without it: built in P1, 2500 in each period: 5000.
    """
    tables = set_periods(base_case(), ("P1", 1), ("P2", 1))
    free = copy_case(tables)
    update_rows(tables, "Lines", {"line": "L1"}, period_earliest="P2")
    status, objective, res, data = solve_tables(tables, tmp_path)
    assert data.build_options == (("L1", "P2"),)
    assert status is SolveStatus.OPTIMAL and res is not None
    assert objective == approx(2500)
    assert not check_solution(data, res, objective)
    assert res.lines.set_index("line").build_period["L1"] == "P2"
    open_by_period = res.line_periods.set_index("period").open
    assert not open_by_period["P1"] and open_by_period["P2"]
    res_free = solve_ok(free, tmp_path, 5000)
    assert res_free.lines.set_index("line").build_period["L1"] == "P1"


# --- constraints whose left side is constant ------------------------------------------------

def _existing_l1() -> Tables:
    tables = base_case()
    update_rows(tables, "Lines", {"line": "L1"}, status="existing")
    return tables


def _site_without_lines() -> Tables:
    return add_rows(base_case(), "Sites", {"site": "S2", "lines_max": 1})


def _existing_lines_min() -> Tables:
    return add_rows(_existing_l1(), "Policy", {"policy": "lines_min", "value": 1})


def _existing_budget() -> Tables:
    return add_rows(_existing_l1(), "Policy", {"policy": "budget_total", "value": 100})


def _existing_group() -> Tables:
    tables = _existing_l1()
    update_rows(tables, "Lines", {"line": "L1"}, group="g")
    return tables


def _existing_jobs_min() -> Tables:
    return add_rows(_existing_l1(), "Policy", {"policy": "jobs_min", "value": 0})


def _no_recovered_input() -> Tables:
    return add_rows(base_case(), "Policy", {"policy": "recovered_min", "value": 0})


@pytest.mark.parametrize("make", [_site_without_lines, _existing_lines_min, _existing_budget,
                                  _existing_group, _existing_jobs_min, _no_recovered_input],
                         ids=["site_lines_limit", "lines_min_floor", "budget_total_limit",
                              "exclusive_group_limit", "jobs_min_floor",
                              "recovered_min_floor"])
def test_limits_with_constant_left_side(make, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each case is the base case with a limit that holds trivially (a site S2 with
    lines_max 1 and no line; at least 1 line with L1 existing; budget 100 with no
    candidate; group g holding only existing L1; at least 0 jobs with L1 existing; at
    least 0 t recovered with no recovered input). The optimum stays 2500."""
    status, objective, _, _ = solve_tables(make(), tmp_path)
    assert status is SolveStatus.OPTIMAL
    assert objective == approx(BASE_OPTIMUM)


def test_site_resource_limit_over_used_by_existing_lines(tmp_path: Path) -> None:
    """Existing L1 takes 12 MW at a site with 10 MW: no plan can respect the limit, so
    the case must be infeasible (it solves at 2500 and the checker then flags it)."""
    tables = _existing_l1()
    add_rows(tables, "Resources", {"site": "S", "resource": "power", "available": 10})
    add_rows(tables, "ResourceUse", {"line": "L1", "resource": "power", "amount": 12})
    status, _, _, _ = solve_tables(tables, tmp_path)
    assert status is SolveStatus.INFEASIBLE


def test_existing_lines_over_a_site_limit_are_infeasible_with_a_reason(tmp_path: Path) -> None:
    """Existing L1 at a site allowing 0 lines: no plan can respect lines_max, and the reason
    names the limit (it is found while building, before any solve)."""
    from models.chain.data import load_data
    from models.chain.formulation import build_model
    from models.validation.issues import IssueList
    from optimizer.excel.read import read_workbook
    from optimizer.excel.template import write_input_workbook
    from optimizer.solve import SolveSettings, solve_model

    tables = _existing_l1()
    update_rows(tables, "Sites", {"site": "S"}, lines_max=0)
    path = tmp_path / "over.xlsx"
    write_input_workbook(path, tables)
    issues = IssueList()
    data = load_data(read_workbook(path, issues), issues)  # type: ignore[arg-type]
    assert data is not None, issues.report()
    result = solve_model(build_model(data), SolveSettings())
    assert result.status is SolveStatus.INFEASIBLE
    assert "site_lines_limit" in result.describe() and "1 <= 0" in result.describe()


# --- optional economics: ramp-up, price tiers, process losses, carbon ---------------------


def validation_issues(tables: Tables, tmp_path: Path, name: str = "invalid") -> list[Issue]:
    """Every error and warning of a written case (validation only, no solve)."""
    path = write_input_workbook(tmp_path / f"{name}.xlsx", tables)
    return [i for i in validate_workbook(path).issues if i.severity is not Severity.INFO]


def two_periods() -> Tables:
    """Base case over P1 and P2, one year each, no discounting; L1 may be built in either."""
    return set_periods(base_case(), ("P1", 1), ("P2", 1))


def ramp(tables: Tables, *limits: tuple[int, float]) -> Tables:
    return add_rows(tables, "RampUp", *({"technology": "T", "year": y, "utilisation_max": u}
                                        for y, u in limits))


def test_ramp_up_limit(tmp_path: Path) -> None:
    """RampUp of T: 60 % in year 1, 90 % from year 2 on; two periods of one year.

    Built in P1: 60 t in P1 (35*60 - 1000 = 1100), 90 t in P2 (35*90 - 1000 = 2150):
    3250. Built in P2: 60 t, 1100. So build in P1: 3250. Without the limit the line runs
    full in both periods: 2 * 2500 = 5000, and the checker flags the ramp-up.
    """
    tables = ramp(two_periods(), (1, 0.6), (2, 0.9))
    res = solve_ok(tables, tmp_path, 3250)
    assert res.lines.set_index("line").build_period["L1"] == "P1"
    assert tonnes(res.recipe_inputs, period="P1") == approx(60)
    lp = res.line_periods.set_index("period")
    assert lp.utilisation_max["P1"] == approx(0.6)
    assert lp.utilisation_max["P2"] == approx(0.9)
    solve_without(tables, tmp_path, ("ramp_up_limit",), 5000, flagged="ramp_up_limit")


def test_ramp_up_limit_averages_the_years_of_a_period(tmp_path: Path) -> None:
    """One period of 3 years, RampUp 60 % (year 1), 90 % (year 2, held in year 3).

    The yearly throughput may reach the mean limit (0.6 + 0.9 + 0.9) / 3 = 0.8: 80 t/yr,
    35*80 - 1000 = 1800 a year, 3 years undiscounted: 5400 (full capacity: 7500).
    A technology without RampUp rows is unaffected (a line of technology T2 with the same
    recipe would run full).
    """
    tables = ramp(set_periods(base_case(), ("P1", 3)), (1, 0.6), (2, 0.9))
    res = solve_ok(tables, tmp_path, 5400)
    assert tonnes(res.recipe_inputs) == approx(80)
    solve_without(tables, tmp_path, ("ramp_up_limit",), 7500)


def test_ramp_up_validation(tmp_path: Path) -> None:
    """A ramp-up without year 1, or below a line's utilisation_min, is an error at its cell."""
    tables = ramp(base_case(), (2, 0.9))
    hits = [i for i in validation_issues(tables, tmp_path, "no-year-1")
            if i.severity is Severity.ERROR]
    assert [(i.sheet, i.cell) for i in hits] == [("RampUp", "B2")]
    tables = ramp(base_case(), (1, 0.5), (2, 0.9))
    update_rows(tables, "Lines", {"line": "L1"}, utilisation_min=0.7)
    hits = [i for i in validation_issues(tables, tmp_path, "below-min")
            if i.severity is Severity.ERROR]
    assert [(i.sheet, i.cell) for i in hits] == [("RampUp", "C2")]


def tiers(tables: Tables, *steps: tuple[float, float], period: str | None = None) -> Tables:
    return add_rows(tables, "PriceTiers", *({"market": "M", "material": "X", "period": period,
                                            "tonnes_from": t, "price": p} for t, p in steps))


def test_price_tier_excess(tmp_path: Path) -> None:
    """X sells at 50 up to 60 t/yr, at 30 from 60 t, at 10 from 80 t.

    Margin per tonne after feedstock and freight (15/t): 35, then 15, then -5. Sell 80 t:
    35*60 + 15*20 - 1000 = 1400 (revenue at the Markets price 4000, tiers give up
    (50-30)*(80-60) = 400). Without the tier rows' excess link the whole 100 t fetch 50:
    2500, and the checker's recomputed tier loss disagrees with the model.
    """
    tables = tiers(base_case(), (60, 30), (80, 10))
    res = solve_ok(tables, tmp_path, 1400)
    assert tonnes(res.sales, market="M") == approx(80)
    sale = res.sales.iloc[0]
    assert sale.tier == 1 and sale.price_last_tonne == approx(30)
    assert sale.tier_revenue_given_up == approx(400)
    assert res.objective_parts["cost_price_tiers"] == approx(400)
    solve_without(tables, tmp_path, ("price_tier_excess",), 2500, flagged="objective_part")


def test_price_tiers_by_period(tmp_path: Path) -> None:
    """A tier row naming P2 replaces the every-period tiers in P2 only.

    Every period: from 60 t at 30 (sell 100: 35*60 + 15*40 - 1000 = 1700). In P2: from
    50 t at 5 (margin -10 above 50 t: sell 50, 35*50 - 1000 = 750). Total 2450.
    """
    tables = tiers(two_periods(), (60, 30))
    tiers(tables, (50, 5), period="P2")
    update_rows(tables, "Lines", {"line": "L1"}, period_earliest="P1")
    res = solve_ok(tables, tmp_path, 2450)
    assert tonnes(res.sales, period="P1") == approx(100)
    assert tonnes(res.sales, period="P2") == approx(50)


def test_price_tier_validation(tmp_path: Path) -> None:
    """A rising tier price and a tier of a market not on Markets are errors at their cells."""
    tables = tiers(base_case(), (60, 55))
    add_rows(tables, "PriceTiers", {"market": "M", "material": "F", "tonnes_from": 10,
                                    "price": 1})
    hits = [i for i in validation_issues(tables, tmp_path) if i.severity is Severity.ERROR]
    assert sorted((i.sheet, i.cell) for i in hits) == [("PriceTiers", "A3"),
                                                       ("PriceTiers", "E2")]


def test_process_loss_is_disposed_of_at_the_site_cost(tmp_path: Path) -> None:
    """Recipe T yields 0.9 t of X; the other 0.1 t ('fines') is disposed of at 20/t at S.

    Per tonne of input: 0.9 * (50 - 5) - 10 - 0.1 * 20 = 28.5: 2850 - 1000 = 1850
    (without the loss cost: 30.5, 2050). The results name the loss: 10 t of fines, 200.
    """
    tables = base_case()
    update_rows(tables, "Recipes", {"material": "X"}, **{"yield": 0.9}, loss_name="fines")
    update_rows(tables, "Sites", {"site": "S"}, loss_cost=20)
    res = solve_ok(tables, tmp_path, 1850)
    assert res.objective_parts["cost_loss"] == approx(200)
    loss = res.losses.iloc[0]
    assert (loss.line, loss.loss, loss.tonnes, loss.cost) == ("L1", "fines", approx(10),
                                                              approx(200))
    assert res.lines.set_index("line").loss_tonnes["L1"] == approx(10)
    update_rows(tables, "Sites", {"site": "S"}, loss_cost=None)
    res = solve_ok(tables, tmp_path, 2050)
    assert res.losses.iloc[0].tonnes == approx(10) and res.losses.iloc[0].cost == 0


def carbon_case(price: float) -> Tables:
    """F emits 0.5 t CO2 per t processed; lane S-M 0.1 t/t + 0.001 t/t/km over 100 km."""
    tables = base_case()
    update_rows(tables, "Recipes", {"material": "F"}, co2_per_t=0.5)
    update_rows(tables, "Lanes", {"lane": "S-M"}, distance_km=100, co2_per_t=0.1,
                co2_per_tkm=0.001)
    return set_setting(tables, "carbon_price", price)


def test_carbon_price_on_recipe_and_lane_emissions(tmp_path: Path) -> None:
    """0.5 + 0.1 + 0.001*100 = 0.7 t CO2 per tonne of F made into X and shipped.

    At 20/t CO2: margin 35 - 14 = 21, 2100 - 1000 = 1100, 70 t CO2. At 0: 2500, still
    70 t CO2 reported. At 40: margin 35 - 28 = 7, 700 - 1000 < 0: nothing built, 0 t.
    """
    res = solve_ok(carbon_case(20), tmp_path, 1100)
    assert res.kpis["emissions_t"] == approx(70)
    assert res.objective_parts["cost_carbon"] == approx(1400)
    by_kind = res.emissions.groupby("kind").co2.sum()
    assert by_kind["line"] == approx(50) and by_kind["lane"] == approx(20)
    res = solve_ok(carbon_case(0), tmp_path, 2500)
    assert res.kpis["emissions_t"] == approx(70)
    res = solve_ok(carbon_case(40), tmp_path, 0)
    assert built(res) == set() and res.kpis["emissions_t"] == approx(0)


def test_carbon_validation(tmp_path: Path) -> None:
    """co2_per_tkm on a lane without distance_km is an error at the distance cell."""
    tables = carbon_case(20)
    update_rows(tables, "Lanes", {"lane": "S-M"}, distance_km=None)
    hits = [i for i in validation_issues(tables, tmp_path) if i.severity is Severity.ERROR]
    assert [(i.sheet, i.column) for i in hits] == [("Lanes", "distance_km")]


def cluster_case(*policies: dict[str, object]) -> Tables:
    """Base case plus site S2 in cluster C1 with line L2 (capacity 100, fixed 4000, 10 jobs).

    F is also offered at S2 (10/t, recovered waste) and S2-M costs 5/t, so L2 earns
    35*100 - 4000 = -500: alone the plan is L1 only, 2500 (L1 has 5 jobs).
    """
    tables = base_case()
    update_rows(tables, "Materials", {"material": "F"}, recovered=True)
    update_rows(tables, "Lines", {"line": "L1"}, jobs=5)
    add_rows(tables, "Sites", {"site": "S2"})
    add_line(tables, "L2", site="S2", cost_fixed=4000, jobs=10)
    add_rows(tables, "Sources", {"source": "SRC_F2", "material": "F", "location": "S2",
                                 "price": 10})
    add_rows(tables, "Lanes", {"lane": "S2-M", "origin": "S2", "destination": "M", "cost": 5})
    add_rows(tables, "Clusters", {"cluster": "C1", "site": "S2"})
    return add_rows(tables, "Policy", *policies)


def test_cluster_lines_min_floor(tmp_path: Path) -> None:
    """One line must operate in cluster C1 (site S2): L2 is built at a loss of 500, 2000.

    The case-wide lines_min of 1 would be met by L1 alone (2500); without the cluster
    floor the optimum is 2500 and the checker flags the cluster rule.
    """
    tables = cluster_case({"policy": "lines_min", "value": 1, "cluster": "C1"},
                          {"policy": "lines_min", "value": 1})
    res = solve_ok(tables, tmp_path, 2000)
    assert built(res) == {"L1", "L2"}
    solve_without(tables, tmp_path, ("cluster_lines_min_floor",), 2500,
                  flagged="cluster_lines_min_floor")


def test_cluster_jobs_min_floor(tmp_path: Path) -> None:
    """8 jobs in C1: only L2 (10 jobs) gives them: 2000; without the floor 2500."""
    tables = cluster_case({"policy": "jobs_min", "value": 8, "cluster": "C1"})
    res = solve_ok(tables, tmp_path, 2000)
    assert built(res) == {"L1", "L2"}
    solve_without(tables, tmp_path, ("cluster_jobs_min_floor",), 2500,
                  flagged="cluster_jobs_min_floor")


def test_cluster_recovered_min_floor(tmp_path: Path) -> None:
    """50 t of recovered F processed in C1: L2 is built and runs full (margin 35 > 0): 2000."""
    tables = cluster_case({"policy": "recovered_min", "value": 50, "cluster": "C1"})
    res = solve_ok(tables, tmp_path, 2000)
    assert tonnes(res.recipe_inputs, line="L2") == approx(100)
    solve_without(tables, tmp_path, ("cluster_recovered_min_floor",), 2500,
                  flagged="cluster_recovered_min_floor")


def test_cluster_policy_validation(tmp_path: Path) -> None:
    """A cluster not on Clusters, and a cluster on a case-wide-only policy, are errors."""
    tables = cluster_case({"policy": "lines_min", "value": 1, "cluster": "C9"},
                          {"policy": "budget_total", "value": 1e6, "cluster": "C1"})
    hits = [i for i in validation_issues(tables, tmp_path) if i.severity is Severity.ERROR]
    assert sorted((i.sheet, i.row, i.column) for i in hits) == [
        ("Policy", 2, "cluster"), ("Policy", 3, "cluster")]


# --- format gaps ----------------------------------------------------------------------------


def test_a_case_without_any_line_solves(tmp_path: Path) -> None:
    """Pure trading: X bought at hub H (10/t, at most 100 t), carried to M (5/t), sold at 50.

    No site, line or recipe: 100 * (50 - 10 - 5) = 3500, with a note that the case has no
    processing line.
    """
    tables: Tables = {
        "Settings": [{"setting": "case_name", "value": "trade"}],
        "Periods": [{"period": "P1", "years": 1}],
        "Materials": [{"material": "X", "kind": "product"}],
        "Locations": [{"location": "H"}, {"location": "M"}],
        "Sites": [], "Lines": [], "Recipes": [],
        "Sources": [{"source": "SRC_X", "material": "X", "location": "H", "price": 10,
                     "availability": 100}],
        "Markets": [{"market": "M", "material": "X", "price": 50}],
        "Lanes": [{"lane": "H-M", "origin": "H", "destination": "M", "cost": 5}],
    }
    notes = [i.message for i in validation_issues(tables, tmp_path, "trade-notes")]
    assert notes == [], notes  # no error or warning
    res = solve_ok(tables, tmp_path, 3500)
    assert tonnes(res.sales, market="M") == approx(100)


def test_a_resource_the_site_lacks_is_not_limited_there(tmp_path: Path) -> None:
    """L1 uses 5 MW of power; site S lists only water. Power is not limited at S: the plan
    is the base plan (2500), with an info note located at the ResourceUse cell."""
    tables = base_case()
    add_rows(tables, "Resources", {"site": "S", "resource": "water", "available": 1})
    add_rows(tables, "ResourceUse", {"line": "L1", "resource": "power", "amount": 5})
    path = write_input_workbook(tmp_path / "resource.xlsx", tables)
    issues = list(validate_workbook(path).issues)
    notes = [i for i in issues if i.sheet == "ResourceUse"]
    assert [(i.severity, i.cell) for i in notes] == [(Severity.INFO, "B2")]
    assert not [i for i in issues if i.severity is Severity.ERROR]
    solve_ok(tables, tmp_path, BASE_OPTIMUM)


def test_lane_capacity_limit_shared_by_the_materials_a_lane_names(tmp_path: Path) -> None:
    """Recipe T yields 0.4 X, 0.3 Z and 0.3 W per t of F; M buys each at 50; residue W may
    also be disposed of at S for free. Lane S-M (5/t) holds 49 t/yr and LaneMaterials
    lets it carry X and Z only, under that one capacity.

    X + Z = 0.7 z <= 49: z = 70, W disposed of: 70 * (0.7*45 - 10) - 1000 = 505.
    Without the LaneMaterials rows the lane takes any material, W too (45/t of capacity
    against 30.7 for X and Z): z = 49, all shipped, 49 * 35 - 1000 = 715.
    """
    tables = base_case()
    add_rows(tables, "Materials", {"material": "Z", "kind": "product"},
             {"material": "W", "kind": "residue", "disposal_cost": 0})
    update_rows(tables, "Recipes", {"material": "X"}, **{"yield": 0.4})
    add_rows(tables, "Recipes",
             {"applies_to": "T", "material": "Z", "role": "output", "yield": 0.3},
             {"applies_to": "T", "material": "W", "role": "output", "yield": 0.3})
    add_rows(tables, "Markets", {"market": "M", "material": "Z", "price": 50},
             {"market": "M", "material": "W", "price": 50})
    update_rows(tables, "Lanes", {"lane": "S-M"}, capacity=49)
    shared = copy_case(tables)
    add_rows(shared, "LaneMaterials", {"lane": "S-M", "material": "X"},
             {"lane": "S-M", "material": "Z"})
    res = solve_ok(shared, tmp_path, 505)
    assert set(res.flows.material) == {"X", "Z"}
    assert tonnes(res.flows) == approx(49)
    assert tonnes(res.disposals, material="W") == approx(21)
    # the independent checker catches W on the lane (one tonne moved from disposal)
    _status, _objective, res, data = solve_tables(shared, tmp_path, name="moved")
    assert res is not None
    w_row = res.flows.iloc[[0]].assign(material="W", tonnes=1.0, cost=5.0)
    res.flows = pd.concat([res.flows, w_row], ignore_index=True)
    res.disposals.loc[res.disposals.material == "W", "tonnes"] -= 1.0
    res.sales.loc[res.sales.material == "W", "tonnes"] += 1.0
    assert "lane_material" in {f.check for f in check_solution(data, res)}
    res = solve_ok(tables, tmp_path, 715)
    assert "W" in set(res.flows.material)


def test_lane_materials_validation(tmp_path: Path) -> None:
    """LaneMaterials rows for a lane that already names one material: error at the row."""
    tables = base_case()
    update_rows(tables, "Lanes", {"lane": "S-M"}, material="X")
    add_rows(tables, "LaneMaterials", {"lane": "S-M", "material": "X"})
    hits = [i for i in validation_issues(tables, tmp_path) if i.severity is Severity.ERROR]
    assert [(i.sheet, i.cell) for i in hits] == [("LaneMaterials", "A2")]


def lp_relaxation(tables: Tables, tmp_path: Path, deactivate: tuple[str, ...] = ()) -> float:
    """The bound of the LP relaxation (every build variable relaxed to [0, 1])."""
    path = write_input_workbook(tmp_path / f"lp-{'-'.join(deactivate)}.xlsx", tables)
    issues = IssueList(path.name)
    data = load_data(read_workbook(path, issues), issues)  # type: ignore[arg-type]
    assert data is not None, issues.report()
    model = build_model(data)
    for name in deactivate:
        getattr(model, name).deactivate()
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    solved = solve_model(model, SolveSettings(mip_gap=1e-9, time_limit=60))
    assert solved.objective is not None
    return float(solved.objective)


def test_output_link(tmp_path: Path) -> None:
    """X sells at most 40 t/yr and cannot be disposed of: U = 40 < yield * capacity = 100.

    MIP: 35*40 - 1000 = 400 with or without the link (it is a valid inequality).
    LP relaxation without it: z = 40 needs only o = 0.4 (capacity and input links allow
    100 t per unit of o): 35*40 - 0.4*1000 = 1000. With it: 40 <= 40 o forces o = 1: 400,
    the LP bound closes the gap.
    """
    tables = base_case()
    update_rows(tables, "Markets", {"market": "M"}, sales_max=40)
    solve_ok(tables, tmp_path, 400)
    solve_without(tables, tmp_path, ("output_link",), 400)
    assert lp_relaxation(tables, tmp_path) == approx(400)
    assert lp_relaxation(tables, tmp_path, ("output_link",)) == approx(1000)


def test_working_capital_is_financed_at_the_financing_rate(tmp_path: Path) -> None:
    """F held 73 days (0.2 yr) in stock, X 36.5 days unpaid (0.1 yr), financed at 10 %.

    Per tonne: 10 * 0.2 * 0.1 + 50 * 0.1 * 0.1 = 0.2 + 0.5 = 0.7: margin 34.3,
    3430 - 1000 = 2430. At 100 % the cost is 7/t: 2800 - 1000 = 1800. Without a
    financing rate the days cost nothing: 2500.
    """
    tables = base_case()
    update_rows(tables, "Materials", {"material": "F"}, stock_days=73)
    update_rows(tables, "Materials", {"material": "X"}, receivable_days=36.5)
    set_setting(tables, "financing_rate", 0.1)
    res = solve_ok(tables, tmp_path, 2430)
    assert res.objective_parts["cost_working_capital"] == approx(70)
    wc = res.working_capital.set_index("material")
    assert wc.stock_value["F"] == approx(200) and wc.receivables["X"] == approx(500)
    solve_ok(set_setting(tables, "financing_rate", 1.0), tmp_path, 1800)
    solve_ok(set_setting(tables, "financing_rate", 0), tmp_path, BASE_OPTIMUM)


def test_import_duty_and_per_tonne_incentives(tmp_path: Path) -> None:
    """import_duty 10 % on offers that are not local; F (10/t) is imported.

    Duty 1/t: margin 34, 3400 - 1000 = 2400. A subsidy of 2 per tonne of F processed
    (incentive_per_t): margin 36, 2600. The offer's own duty_rate 50 % overrides the
    setting: 5/t, margin 32, 2200. A local offer pays no duty by default: 2500 + 200.
    """
    tables = base_case()
    set_setting(tables, "import_duty", 0.1)
    update_rows(tables, "Sources", {"source": "SRC_F"}, local=False)
    res = solve_ok(tables, tmp_path, 2400)
    assert res.objective_parts["cost_import_duty"] == approx(100)
    update_rows(tables, "Materials", {"material": "F"}, incentive_per_t=2)
    res = solve_ok(tables, tmp_path, 2600)
    assert res.objective_parts["cost_incentives"] == approx(-200)
    assert set(res.taxes.kind) == {"duty", "incentive"}
    update_rows(tables, "Sources", {"source": "SRC_F"}, duty_rate=0.5)
    solve_ok(tables, tmp_path, 2200)
    update_rows(tables, "Sources", {"source": "SRC_F"}, duty_rate=None, local=True)
    solve_ok(tables, tmp_path, 2700)


def test_a_subsidy_per_tonne_can_bring_a_line_into_the_plan(tmp_path: Path) -> None:
    """L1's fixed cost is 4000: 35*100 - 4000 = -500, not built (0). A recovered-waste
    subsidy of 10 per tonne of F processed: 45*100 - 4000 = 500, built. A fee of 10
    instead (incentive_per_t = -10): not built, 0."""
    tables = base_case()
    update_rows(tables, "Lines", {"line": "L1"}, cost_fixed=4000)
    solve_ok(tables, tmp_path, 0)
    update_rows(tables, "Materials", {"material": "F"}, incentive_per_t=10)
    assert built(solve_ok(tables, tmp_path, 500)) == {"L1"}
    update_rows(tables, "Materials", {"material": "F"}, incentive_per_t=-10)
    assert built(solve_ok(tables, tmp_path, 0)) == set()


def test_cluster_local_share_floor(tmp_path: Path) -> None:
    """L2 (fixed 1000 here) in cluster C1 may buy F locally at 10 (SRC_F2) or imported at 8
    (SRC_F3), both marked Sources.cluster = C1; L1 buys local F at S.

    Without the rule L2 buys 100 imported: L1 2500 + L2 (50-5-8)*100 - 1000 = 2700: 5200.
    C1's local share >= 50 % by value: 10 q2 >= 0.5 (10 q2 + 8 q3), q2 + q3 = 100, so
    q2 = 400/9, q3 = 500/9, feedstock 8000/9 instead of 800: 5200 - 800/9 = 5111.11.
    The case-wide rule at 50 % holds anyway (L1's local 1000 of 1800), so only the
    cluster's rule binds; without it the checker flags the cluster.
    """
    tables = cluster_case({"policy": "local_share_min", "value": 0.5, "cluster": "C1"},
                          {"policy": "local_share_min", "value": 0.5})
    update_rows(tables, "Lines", {"line": "L2"}, cost_fixed=1000)
    update_rows(tables, "Sources", {"source": "SRC_F2"}, cluster="C1")
    add_rows(tables, "Sources", {"source": "SRC_F3", "material": "F", "location": "S2",
                                 "price": 8, "local": False, "cluster": "C1"})
    res = solve_ok(tables, tmp_path, 5200 - 800 / 9)
    assert tonnes(res.purchases, source="SRC_F2") == approx(400 / 9)
    solve_without(tables, tmp_path, ("cluster_local_share_floor",), 5200,
                  flagged="cluster_local_share_floor")


def test_cluster_local_share_validation(tmp_path: Path) -> None:
    """A local_share_min for a cluster no offer names, and an offer naming an unknown
    cluster, are errors at their cells."""
    tables = cluster_case({"policy": "local_share_min", "value": 0.5, "cluster": "C1"})
    update_rows(tables, "Sources", {"source": "SRC_F2"}, cluster="C7")
    hits = [i for i in validation_issues(tables, tmp_path) if i.severity is Severity.ERROR]
    assert sorted((i.sheet, i.row, i.column) for i in hits) == [
        ("Policy", 2, "cluster"), ("Sources", 3, "cluster")]


def test_profit_tax_floor(tmp_path: Path) -> None:
    """profit_tax_rate 0.2 on the base case: the margin 2500 pays 500, net 2000. Without
    profit_tax_floor the tax variable stays at 0 (2500) and the checker, pricing the tax
    from the Settings rows, flags the part. (tests/test_profit_tax.py: relief and losses.)
    """
    tables = set_setting(base_case(), "profit_tax_rate", 0.2)
    res = solve_ok(tables, tmp_path, 2000)
    assert res.objective_parts["cost_profit_tax"] == approx(500)
    solve_without(tables, tmp_path, ("profit_tax_floor",), 2500, flagged="objective_part")
