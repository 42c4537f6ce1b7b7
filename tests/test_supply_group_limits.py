"""A binding supply-group cap is in "what limits the plan" with its value per tonne, and
the value is what raising the cap on the SupplyGroups sheet and re-running gives.

Tiny case (tests/tiny_cases.py): margin 50 - 10 - 5 = 35 per tonne, line L1 of 100 t/yr,
fixed cost 1000. With SRC_F in supply group G capped at 60 t/yr the plan buys 60 t:
net value 35 x 60 - 1000 = 1100, and each tonne more of the cap adds 35 (up to the 40 t
of capacity left). Raising the cap by the tested range r (stated in the sentence) gives
1100 + 35 r.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest import approx

from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import RunOutcome, solve_workbook
from optimizer.report import story
from tests.tiny_cases import add_rows, base_case, update_rows
from tests.workbook_edits import example
from tools.absheron_case import SOCAR_DOMESTIC_SALES, SOCAR_GROUP

Tables = dict[str, list[dict[str, object]]]


def _capped(cap: float) -> Tables:
    tables = base_case()
    update_rows(tables, "Sources", {"source": "SRC_F"}, supply_group="G")
    add_rows(tables, "SupplyGroups", {"group": "G", "purchases_max": cap})
    return tables


def _run(tables: Tables, path: Path) -> RunOutcome:
    outcome = solve_workbook(write_input_workbook(path, tables))
    assert outcome.results is not None, outcome.issues.report()
    return outcome


def _row(outcome: RunOutcome, group: str) -> object:
    mv = outcome.results.marginal  # type: ignore[union-attr]
    rows = mv[(mv.kind == "supply_group") & (mv["item"] == group)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.solver
def test_a_binding_cap_is_valued_and_the_value_is_what_a_rerun_gives(tmp_path: Path) -> None:
    base = _run(_capped(60), tmp_path / "cap60.xlsx")
    assert base.objective == approx(1100.0)
    row = _row(base, "G")
    assert row.binding and row.used == approx(60.0) and row.limit == 60.0
    assert row.value == approx(35.0) and row.value_tighter == approx(35.0)
    assert row.sides == "same"
    reach = float(row.range_looser)
    assert 0 < reach <= 40.0
    text = " ".join(story.binding_limits(base.data, base.results, "en"))  # type: ignore[arg-type]
    assert "supply group G (SRC_F) are at its cap of 60\xa0t" in text
    assert "would add 35" in text
    for lang in ("az", "ru"):
        assert "G" in " ".join(story.binding_limits(base.data, base.results, lang))  # type: ignore[arg-type]
    # the edit the sentence describes: the cap raised by the range it states, re-run
    raised = _run(_capped(60 + reach), tmp_path / "raised.xlsx")
    assert float(raised.objective) - float(base.objective) == approx(  # type: ignore[arg-type]
        float(row.value) * reach, abs=1e-6)


@pytest.mark.solver
def test_a_cap_with_room_is_not_a_limit(tmp_path: Path) -> None:
    out = _run(_capped(500), tmp_path / "cap500.xlsx")
    row = _row(out, "G")
    assert not row.binding and row.value == 0.0 and row.used == approx(100.0)
    text = " ".join(story.binding_limits(out.data, out.results, "en"))  # type: ignore[arg-type]
    assert "supply group" not in text


def _resin_cap(cap: float | None) -> Tables:
    """The bundled case with the resin_cap_21kt scenario's override written in."""
    tables = example()
    update_rows(tables, "SupplyGroups", {"group": SOCAR_GROUP}, purchases_max=cap)
    return tables


@pytest.mark.solver
@pytest.mark.slow
def test_resin_cap_21kt_states_what_the_cap_costs_and_a_rerun_confirms_it(
        tmp_path: Path) -> None:
    """The bundled scenario's cap (21 kt/yr from all SOCAR offers) is full: the plan buys
    20.9 kt, the lines that could use the last tonnes being at capacity, so the cap has
    no value per tonne at this plan, and it still keeps lines out. The results say what
    lifting it is worth (a re-solve without it); clearing purchases_max on the
    SupplyGroups sheet and re-running gives that change, within the MIP gap."""
    base = _run(_resin_cap(SOCAR_DOMESTIC_SALES), tmp_path / "resin.xlsx")
    row = _row(base, SOCAR_GROUP)
    assert float(row.used) >= 0.99 * SOCAR_DOMESTIC_SALES
    lifted = base.results.shared_limits  # type: ignore[union-attr]
    lifted = lifted[(lifted.kind == "supply_group") & (lifted["item"] == SOCAR_GROUP)]
    assert len(lifted) == 1 and bool(lifted.exact.iloc[0])
    stated = float(lifted.total_change.iloc[0])
    assert stated > 100_000
    text = " ".join(story.binding_limits(base.data, base.results, "en"))  # type: ignore[arg-type]
    assert f"Lifting the cap of supply group {SOCAR_GROUP} (SupplyGroups: purchases_max of " \
           f"{SOCAR_GROUP} cleared) would change the net value by +" in text
    rerun = _run(_resin_cap(None), tmp_path / "no-cap.xlsx")  # type: ignore[arg-type]
    gain = float(rerun.objective) - float(base.objective)  # type: ignore[arg-type]
    assert gain == approx(stated, abs=1e-4 * float(rerun.objective))  # type: ignore[arg-type]
