"""What shared limits cost each chain (optimizer/shared_limits.py): chains are found from
the recipe graph, each chain's value adds up to the plan's net value, and every figure the
Shared limits sheet and the Summary state is what the edit they name and a re-run give.

Tiny two-chain case (tests/tiny_cases.py base case plus a second chain at the same site):

    chain 1: L1 makes X from F: margin 50 - 10 - 5 = 35/t x 100 t - 1000 = 2500
    chain 2: L2 makes Y from G: margin 40 - 10 - 5 = 25/t x 100 t - 1000 = 1500
    site S has one line slot (lines_max = 1): only L1 is built, net value 2500.

Lifting the slot limit (clearing Sites.lines_max) builds both: 4000. So the slot costs
chain 1 nothing and chain 2 1500 (its value 0 -> 1500); the plan gains 1500.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from pytest import approx

from optimizer.excel.template import write_input_workbook
from optimizer.excel.write import write_results
from optimizer.pipeline import RunOutcome, solve_workbook
from optimizer.report import story
from optimizer.report.i18n import tr
from optimizer.shared_limits import chain_values, explain_shared_limits, find_chains
from tests.tiny_cases import add_line, add_rows, base_case, update_rows
from tools.cluster_case import cluster_tables

Tables = dict[str, list[dict[str, object]]]


def _two_chains(slots: int | None) -> Tables:
    tables = base_case()
    add_rows(tables, "Materials", {"material": "G", "kind": "feedstock"},
             {"material": "Y", "kind": "product"})
    add_rows(tables, "Sources", {"source": "SRC_G", "material": "G", "location": "S",
                                 "price": 10})
    add_rows(tables, "Recipes", {"applies_to": "T2", "material": "G", "role": "input"},
             {"applies_to": "T2", "material": "Y", "role": "output", "yield": 1.0})
    add_rows(tables, "Markets", {"market": "M", "material": "Y", "price": 40})
    add_line(tables, "L2", technology="T2")
    update_rows(tables, "Sites", {"site": "S"}, lines_max=slots)
    return tables


def _run(tables: Tables, path: Path) -> RunOutcome:
    outcome = solve_workbook(write_input_workbook(path, tables))
    assert outcome.results is not None, outcome.issues.report()
    return outcome


def _chain_value(outcome: RunOutcome, chain: int) -> float:
    chains = outcome.results.chains  # type: ignore[union-attr]
    return float(chains.loc[chains.chain == chain, "net_value"].iloc[0])


@pytest.mark.solver
def test_tiny_slot_costs_the_second_chain_what_a_rerun_gives(tmp_path: Path) -> None:
    base = _run(_two_chains(1), tmp_path / "one-slot.xlsx")
    assert base.objective == approx(2500.0)
    d, res = base.data, base.results
    assert d is not None and res is not None
    chains = find_chains(d)
    assert chains["L:L1"] == chains["M:F"] == chains["M:X"] == 1
    assert chains["L:L2"] == chains["M:G"] == chains["M:Y"] == 2
    assert list(res.chains.chain) == [1, 2]
    assert list(res.chains.lines) == ["L1", "L2"]
    assert _chain_value(base, 1) == approx(2500.0) and _chain_value(base, 2) == approx(0.0)
    rows = res.shared_limits
    slot = rows[(rows.kind == "site_lines") & (rows["item"] == "S")].set_index("chain")
    assert list(slot.index) == [1, 2]
    assert slot.loc[1, "change"] == approx(0.0, abs=1e-6)
    assert slot.loc[2, "change"] == approx(1500.0)
    assert slot.loc[2, "total_change"] == approx(1500.0)
    assert bool(slot.loc[2, "exact"])
    text = " ".join(story.binding_limits(d, res, "en"))
    assert ("Lifting the line slots at S (Sites: lines_max of S cleared) would change the "
            "net value by +1,500 USD: chain 2 (Y) +1,500 USD.") in text
    for lang in ("az", "ru"):
        assert "+1" in " ".join(story.binding_limits(d, res, lang))
    # the edit the sentence names, and a re-run: the lifted values
    lifted = _run(_two_chains(None), tmp_path / "no-limit.xlsx")
    assert lifted.objective == approx(4000.0)
    for chain in (1, 2):
        assert _chain_value(lifted, chain) == approx(float(slot.loc[chain, "lifted_value"]))
    assert lifted.results.shared_limits.empty  # type: ignore[union-attr]  # nothing shared binds


@pytest.mark.solver
def test_one_chain_has_no_shared_limits(tmp_path: Path) -> None:
    tables = base_case()
    update_rows(tables, "Sites", {"site": "S"}, lines_max=1)
    out = _run(tables, tmp_path / "one.xlsx")
    assert list(out.results.chains.chain) == [1]  # type: ignore[union-attr]
    assert out.results.shared_limits.empty  # type: ignore[union-attr]


@pytest.mark.solver
def test_chain_values_add_up_to_the_net_value(tmp_path: Path) -> None:
    out = _run(_two_chains(None), tmp_path / "free.xlsx")
    assert out.model is not None and out.data is not None
    values = chain_values(out.model, out.data, find_chains(out.data))
    assert sum(values.values()) == approx(float(out.objective))  # type: ignore[arg-type]
    assert values[1] == approx(2500.0) and values[2] == approx(1500.0)


@pytest.mark.solver
def test_the_sheet_lists_chains_and_costs(tmp_path: Path) -> None:
    import openpyxl

    base = _run(_two_chains(1), tmp_path / "one-slot.xlsx")
    import datetime as dt

    for lang in ("en", "az", "ru"):
        path = write_results(tmp_path / f"out-{lang}.xlsx", base,
                             dt.datetime.now().astimezone(), lang=lang)
        book = openpyxl.load_workbook(path, read_only=True)
        assert tr("sheet.shared_limits", lang) in book.sheetnames
        cells = [c for row in book[tr("sheet.shared_limits", lang)].iter_rows(values_only=True)
                 for c in row if c is not None]
        assert 1500 in [round(c) for c in cells if isinstance(c, float | int)]


@pytest.mark.solver
@pytest.mark.slow
def test_cluster_budget_cost_per_chain_is_what_the_edit_and_rerun_give(
        tmp_path: Path, cluster_outcome: RunOutcome) -> None:
    """The cluster (polymer, steel, aluminium): the one capex budget binds. The Shared
    limits table says what lifting it (Policy budget_total, active = no) changes for each
    chain; the same edit in the workbook and a re-run give each chain's new value within
    the workbook's MIP gap (1e-4 of the net value)."""
    res = cluster_outcome.results
    assert res is not None
    assert len(res.chains) == 3
    rows = res.shared_limits
    budget = rows[rows.kind == "budget_total"].set_index("chain")
    assert set(budget.index) == {1, 2, 3}
    if not bool(budget.exact.all()):
        # a busy machine: the run's time cut a re-solve short (its sentence says "at
        # least"); the figures to check are the exact ones, so compute them with room
        res = copy.copy(res)
        explain_shared_limits(cluster_outcome.model, cluster_outcome.data, res,  # type: ignore[arg-type]
                              cluster_outcome.settings, time_budget=900.0, cap=900.0)
        rows = res.shared_limits
        budget = rows[rows.kind == "budget_total"].set_index("chain")
        assert bool(budget.exact.all())
    tables = cluster_tables()
    update_rows(tables, "Policy", {"policy": "budget_total"}, active=False)
    lifted = _run(tables, tmp_path / "no-budget.xlsx")
    gap = 1e-4 * float(cluster_outcome.objective)  # type: ignore[arg-type]
    for chain in (1, 2, 3):
        assert _chain_value(lifted, chain) == approx(
            float(budget.loc[chain, "lifted_value"]), abs=gap)
    total = float(lifted.objective) - float(cluster_outcome.objective)  # type: ignore[arg-type]
    assert total == approx(float(budget.total_change.iloc[0]), abs=gap)
    # every binding shared limit lifted together: the 0.66 M USD of
    # tests/test_metals_cluster.py (the cluster with no budget and no site room)
    every = rows[rows.kind == "all"]
    assert float(every.total_change.iloc[0]) == approx(658_163, rel=2e-3)
    text = " ".join(story.binding_limits(cluster_outcome.data, res, "en"))  # type: ignore[arg-type]
    assert "Lifting the investment budget (Policy: budget_total set to active = no)" in text
