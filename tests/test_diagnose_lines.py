"""Diagnosis: "or allow line X" and the IIS conflict, on tiny cases derived by hand and on
a planted variant of the bundled case.

Tiny cases start from tests/tiny_cases.py's base case (L1 at S, capacity 100 t, yield 1,
market M for X unlimited) with a minimum sale of 150 t at M, which L1 alone cannot make:
the elastic diagnosis lowers the minimum by 50 t to 100. A second line that the workbook
keeps out would make 150 t possible:

- L2 (capacity 100) excluded: allowing it alone gives 200 t >= 150: option "allow L2";
- L2 and L3 (capacity 30 each) excluded: one gives 130 t < 150, both 160 t: one option
  with both lines (changed together);
- L2 (capacity 10) excluded: 110 t < 150: no option;
- two periods, L2 (capacity 100) with period_earliest P2: in P1 only L1 runs (100 t <
  150), so L2 must be allowed from P1: period_earliest P2 -> P1.

Each option's cells are applied to the workbook (what a script does with the JSON) and
the workbook re-solved: it must have a plan, and without the change it must not.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from optimizer.diagnose import Diagnosis, diagnose
from optimizer.pipeline import solve_workbook, validate_workbook
from optimizer.solve import SolveSettings
from tests.tiny_cases import add_line, add_rows, base_case, set_periods, update_rows
from tests.workbook_edits import example, row_of, write_tables

pytestmark = [pytest.mark.solver, pytest.mark.slow]

Tables = dict[str, list[dict[str, Any]]]
SETTINGS = SolveSettings(time_limit=30, mip_gap=1e-6, grace=0.5)


def _minimum_150() -> Tables:
    t = base_case()
    update_rows(t, "Markets", {"market": "M"}, sales_min=150)
    return t


def _diagnose(t: Tables, path: Path) -> Diagnosis:
    outcome = validate_workbook(write_tables(t, path))
    assert outcome.data is not None, outcome.issues.report()
    return diagnose(outcome.data, SETTINGS, outcome.raw)


def _solves(t: Tables, path: Path) -> bool:
    outcome = solve_workbook(write_tables(t, path), {"time_limit": 30})
    assert outcome.status is not None, outcome.issues.report()
    return outcome.status.has_plan


def _apply_option(t: Tables, alternatives: list[dict[str, Any]], option: int) -> Tables:
    """What a script does with the JSON: set every cell of one option."""
    out = copy.deepcopy(t)
    for a in alternatives:
        if a["option"] == option:
            out[a["sheet"]][a["row"] - 2][a["column"]] = a["suggested"]
    return out


def test_excluded_line_is_named_beside_the_smaller_minimum(tmp_path: Path) -> None:
    t = _minimum_150()
    add_line(t, "L2", status="excluded")
    assert not _solves(t, tmp_path / "planted.xlsx")
    result = _diagnose(t, tmp_path / "case.xlsx")
    (r,) = result.relaxations
    assert (r.sheet, r.row, r.column, r.found, r.suggested) == ("Markets", 2, "sales_min",
                                                                 150, 100)
    assert r.message.endswith("lower it by 50 t to 100, or allow line L2 (Lines row 3, "
                              "status: excluded -> candidate).")
    data = json.loads(json.dumps(result.as_json()))
    assert data["alternatives"] == [{"sheet": "Lines", "row": 3, "column": "status",
                                     "found": "excluded", "suggested": "candidate",
                                     "line": "L2", "option": 1}]
    assert row_of(t, "Lines", line="L2") == 3
    assert _solves(_apply_option(t, data["alternatives"], 1), tmp_path / "allowed.xlsx")
    assert "or allow line L2" in result.report()


def test_two_excluded_lines_needed_together(tmp_path: Path) -> None:
    t = _minimum_150()
    add_line(t, "L2", capacity=30, status="excluded")
    add_line(t, "L3", capacity=30, status="excluded")
    result = _diagnose(t, tmp_path / "case.xlsx")
    assert [sorted(a.line for a in o) for o in result.line_options] == [["L2", "L3"]]
    assert "allow lines L2 and L3" in result.relaxations[0].message
    alternatives = result.as_json()["alternatives"]
    one = copy.deepcopy(t)
    one["Lines"][1]["status"] = "candidate"  # L2 alone: 130 t, not enough
    assert not _solves(one, tmp_path / "one.xlsx")
    assert _solves(_apply_option(t, alternatives, 1), tmp_path / "both.xlsx")


def test_no_option_when_the_kept_out_line_is_too_small(tmp_path: Path) -> None:
    t = _minimum_150()
    add_line(t, "L2", capacity=10, status="excluded")
    result = _diagnose(t, tmp_path / "case.xlsx")
    assert result.line_options == [] and result.as_json()["alternatives"] == []
    assert "allow" not in result.report()
    assert result.relaxations[0].suggested == 100


def test_later_earliest_period_is_named(tmp_path: Path) -> None:
    t = _minimum_150()
    set_periods(t, ("P1", 1), ("P2", 1))
    add_line(t, "L2", period_earliest="P2")
    assert not _solves(t, tmp_path / "planted.xlsx")
    result = _diagnose(t, tmp_path / "case.xlsx")
    data = result.as_json()
    assert data["alternatives"] == [{"sheet": "Lines", "row": 3, "column": "period_earliest",
                                     "found": "P2", "suggested": "P1", "line": "L2",
                                     "option": 1}]
    assert _solves(_apply_option(t, data["alternatives"], 1), tmp_path / "allowed.xlsx")


def test_iis_names_the_minimum_and_is_absent_when_only_builds_conflict(
        tmp_path: Path) -> None:
    """The 150 t minimum conflicts with L1's capacity even in the linear relaxation (the
    IIS holds Markets row 2). A jobs minimum of 5 (L1 has 10 jobs) with a capex budget of
    50 (L1's capex is 100) is infeasible only for whole builds: half of L1 meets both in
    the relaxation, so there is no IIS, and the elastic answer stands alone."""
    result = _diagnose(_minimum_150(), tmp_path / "minimum.xlsx")
    assert result.conflict is not None
    assert [(c.sheet, c.row, c.column, c.found) for c in result.conflict] == [
        ("Markets", 2, "sales_min", 150.0)]
    assert result.as_json()["conflict"][0]["row"] == 2
    assert "HiGHS's IIS" in result.report()

    t = base_case()
    update_rows(t, "Lines", {"line": "L1"}, jobs=10, capex=100)
    add_rows(t, "Policy", {"policy": "jobs_min", "value": 5},
             {"policy": "budget_total", "value": 50})
    assert not _solves(t, tmp_path / "builds.xlsx")
    result = _diagnose(t, tmp_path / "builds-case.xlsx")
    assert result.relaxations and result.conflict is None
    assert "conflict" not in result.as_json()


def test_bundled_case_excluded_c02(tmp_path: Path) -> None:
    """Bundled case with C02 (the 6,000 t PE100 pipe line of group G1) excluded and the
    Baku PE100 minimum raised to 4,000 t: C01 or C36 (3,000 t, one per group) make at most
    2,940 t, so the minimum cannot be met; allowing C02 again can meet it."""
    t = example()
    update_rows(t, "Lines", {"line": "C02"}, status="excluded")
    update_rows(t, "Markets", {"market": "M_BAKU", "material": "P_PIPE_PE100"},
                sales_min=4000)
    assert not _solves(t, tmp_path / "planted.xlsx")
    result = _diagnose(t, tmp_path / "case.xlsx")
    (r,) = result.relaxations
    assert (r.sheet, r.row, r.column) == ("Markets", row_of(
        t, "Markets", market="M_BAKU", material="P_PIPE_PE100"), "sales_min")
    assert "or allow line C02" in r.message
    alternatives = result.as_json()["alternatives"]
    assert [(a["line"], a["column"], a["suggested"]) for a in alternatives] == [
        ("C02", "status", "candidate")]
    assert alternatives[0]["row"] == row_of(t, "Lines", line="C02")
    assert _solves(_apply_option(t, alternatives, 1), tmp_path / "allowed.xlsx")
