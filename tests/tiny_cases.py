"""Tiny hand-checkable cases for the production-chain model, and one helper to solve them.

A case is a ``tables`` dict: sheet name -> list of row dicts keyed by column name, exactly
what optimizer.excel.template.write_input_workbook takes (Settings rows are
``{"setting": ..., "value": ...}``). ``solve_tables`` runs the same arrows as production
(workbook -> real reader -> load_data -> build_model -> HiGHS -> extract_results), so a
tiny case also exercises the reader and validation.

The base case, used by most tests (one period of one year, no discounting)::

    source SRC_F: feedstock F at site S, price 10/t, unlimited
    line L1 at S (technology T): capacity 100 t/yr, fixed cost 1000/yr, no variable cost
    recipe T/main: input F (share 0..1), output X with yield 1
    market M (a location): X at 50/t, unlimited
    lane S->M: 5/t

    margin per tonne = 50 - 10 - 5 = 35; optimum = 35 * 100 - 1000 = 2500, L1 built.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from models.chain.data import ChainData, load_data
from models.chain.formulation import build_model
from models.chain.results import ChainResults, extract_results
from models.validation.issues import IssueList
from optimizer.excel.read import read_workbook
from optimizer.excel.template import write_input_workbook
from optimizer.solve import SolveSettings, SolveStatus, solve_model

Row = dict[str, Any]
Tables = dict[str, list[Row]]

BASE_OPTIMUM = 2500.0  # 35 * 100 - 1000, see the module docstring


def base_case() -> Tables:
    """A fresh minimal valid one-period chain (see the module docstring)."""
    return {
        "Settings": [{"setting": "case_name", "value": "tiny"},
                     {"setting": "discount_rate", "value": 0.0}],
        "Periods": [{"period": "P1", "years": 1}],
        "Materials": [{"material": "F", "kind": "feedstock"},
                      {"material": "X", "kind": "product"}],
        "Locations": [{"location": "M"}],
        "Sites": [{"site": "S"}],
        "Lines": [{"line": "L1", "site": "S", "technology": "T", "capacity": 100,
                   "cost_fixed": 1000}],
        "Sources": [{"source": "SRC_F", "material": "F", "location": "S", "price": 10}],
        "Recipes": [{"applies_to": "T", "material": "F", "role": "input"},
                    {"applies_to": "T", "material": "X", "role": "output", "yield": 1.0}],
        "Markets": [{"market": "M", "material": "X", "price": 50}],
        "Lanes": [{"lane": "S-M", "origin": "S", "destination": "M", "cost": 5}],
    }


def copy_case(tables: Tables) -> Tables:
    return copy.deepcopy(tables)


def add_rows(tables: Tables, sheet: str, *rows: Row) -> Tables:
    """Append rows to a sheet (created if absent); returns ``tables`` for chaining."""
    tables.setdefault(sheet, []).extend(dict(r) for r in rows)
    return tables


def replace_rows(tables: Tables, sheet: str, *rows: Row) -> Tables:
    """Replace every row of a sheet."""
    tables[sheet] = [dict(r) for r in rows]
    return tables


def _matches(row: Row, match: Row) -> bool:
    return all(row.get(k) == v for k, v in match.items())


def update_rows(tables: Tables, sheet: str, match: Row, **values: Any) -> Tables:
    """Set ``values`` on every row of ``sheet`` whose cells equal ``match``; at least one."""
    hits = [r for r in tables.get(sheet, []) if _matches(r, match)]
    if not hits:
        raise KeyError(f"no row of {sheet} matches {match}")
    for r in hits:
        r.update(values)
    return tables


def remove_rows(tables: Tables, sheet: str, match: Row) -> Tables:
    """Drop every row of ``sheet`` whose cells equal ``match``."""
    tables[sheet] = [r for r in tables.get(sheet, []) if not _matches(r, match)]
    return tables


def set_setting(tables: Tables, name: str, value: Any) -> Tables:
    """Set one Settings value (added when absent)."""
    for r in tables.setdefault("Settings", []):
        if r["setting"] == name:
            r["value"] = value
            return tables
    tables["Settings"].append({"setting": name, "value": value})
    return tables


def set_periods(tables: Tables, *periods: tuple[str, int]) -> Tables:
    """Replace the Periods sheet with (period, years) pairs."""
    return replace_rows(tables, "Periods", *({"period": p, "years": n} for p, n in periods))


def add_line(tables: Tables, line: str, *, site: str = "S", technology: str = "T",
             capacity: float = 100, cost_fixed: float = 1000, **more: Any) -> Tables:
    """Append a line (same technology and recipe as L1 unless told otherwise)."""
    return add_rows(tables, "Lines", {"line": line, "site": site, "technology": technology,
                                      "capacity": capacity, "cost_fixed": cost_fixed, **more})


def solve_tables(tables: Tables, tmp_path: Path, deactivate: tuple[str, ...] = (),
                 name: str = "case") -> tuple[SolveStatus, float | None,
                                              ChainResults | None, ChainData]:
    """Write, read, validate, build, deactivate, solve and extract one tiny case.

    Fails the calling test with the issue report when the workbook is invalid. Returns
    (status, objective, results, data); results is None when there is no plan.
    """
    path = write_input_workbook(tmp_path / f"{name}-{'-'.join(deactivate) or 'full'}.xlsx",
                               tables)
    issues = IssueList(path.name)
    raw = read_workbook(path, issues)
    data = load_data(raw, issues) if raw is not None else None
    if data is None:
        pytest.fail("tiny case is invalid:\n" + issues.report(), pytrace=False)
    model = build_model(data)
    for component in deactivate:
        if hasattr(model, component):
            getattr(model, component).deactivate()
    solved = solve_model(model, SolveSettings(mip_gap=1e-9, time_limit=60))
    if not solved.status.has_plan:
        return solved.status, None, None, data
    return solved.status, solved.objective, extract_results(model, data), data
