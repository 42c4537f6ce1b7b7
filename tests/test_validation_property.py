"""Property: whatever is done to a valid workbook, chainopt either solves the result or
reports located errors; no exception ever escapes.

Mutations of the tiny base case (tests/tiny_cases.py): values changed to other values or
other types, cells emptied, rows and sheets deleted or duplicated, and, on the written
file, headers deleted, renamed or swapped, columns and rows deleted, formulas without
saved results and date cells typed in. Each example runs the full pipeline a user runs
(reader, validation, model, HiGHS) with a short time limit.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.chain.schema import SHEETS_BY_NAME
from optimizer.pipeline import solve_workbook
from optimizer.solve import SolveStatus
from tests.tiny_cases import base_case
from tests.workbook_edits import write_tables

pytestmark = [pytest.mark.slow, pytest.mark.solver]

SHEETS = list(base_case())
WORDS = ["", " ", "S", "M", "F", "X", "L1", "T", "P1", "SRC_F", "main", "input", "output",
         "existing", "excluded", "product", "yes", "no", "1,200", "1 200", "45%", "0,5",
         "=1+1", "#N/A", "  S  ", "s", "lots", "-1", "1e9", "2025"]

values = st.one_of(
    st.none(),
    st.integers(min_value=-1000, max_value=10**7),
    st.floats(min_value=-1e9, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.sampled_from(WORDS),
    st.text(max_size=8),
    st.booleans(),
)


@st.composite
def table_edits(draw: st.DrawFn) -> list[tuple[str, ...] | tuple[Any, ...]]:
    edits: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["set", "set", "set", "blank", "drop_row", "dup_row",
                                     "drop_sheet", "add_row"]))
        sheet = draw(st.sampled_from(SHEETS))
        column = draw(st.sampled_from([c.name for c in SHEETS_BY_NAME[sheet].columns]))
        edits.append((kind, sheet, column, draw(st.integers(0, 3)), draw(values)))
    return edits


@st.composite
def book_edits(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    edits: list[tuple[Any, ...]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        kind = draw(st.sampled_from(["header_blank", "header_rename", "header_swap",
                                     "delete_col", "delete_row", "formula", "date",
                                     "rename_sheet", "blank_rows"]))
        sheet = draw(st.sampled_from(SHEETS))
        edits.append((kind, sheet, draw(st.integers(1, 8)), draw(st.integers(1, 4)),
                      draw(st.sampled_from(WORDS))))
    return edits


def _apply_tables(tables: dict[str, list[dict[str, Any]]], edits: list[tuple[Any, ...]]) -> None:
    for kind, sheet, column, index, value in edits:
        rows = tables.setdefault(sheet, [])
        if kind == "drop_sheet":
            tables.pop(sheet, None)
            continue
        if kind == "add_row":
            rows.append({column: value})
            continue
        if not rows:
            continue
        row = rows[index % len(rows)]
        if kind == "set":
            row[column] = value
        elif kind == "blank":
            row[column] = None
        elif kind == "drop_row":
            rows.remove(row)
        elif kind == "dup_row":
            rows.append(dict(row))


def _apply_book(path: Path, edits: list[tuple[Any, ...]]) -> None:
    if not edits:
        return
    book = openpyxl.load_workbook(path)
    for kind, sheet, col, row, word in edits:
        if sheet not in book.sheetnames:
            continue
        ws = book[sheet]
        if kind == "header_blank":
            ws.cell(row=1, column=col).value = None
        elif kind == "header_rename":
            ws.cell(row=1, column=col).value = word or "x"
        elif kind == "header_swap":
            a, b = ws.cell(row=1, column=col), ws.cell(row=1, column=col % 3 + 1)
            a.value, b.value = b.value, a.value
        elif kind == "delete_col":
            ws.delete_cols(col)
        elif kind == "delete_row":
            ws.delete_rows(row + 1)
        elif kind == "formula":
            ws.cell(row=row + 1, column=col).value = "=1+1"
        elif kind == "date":
            ws.cell(row=row + 1, column=col).value = dt.datetime(2025, 1, row)
        elif kind == "rename_sheet":
            ws.title = f"{sheet}_{row}"
        elif kind == "blank_rows":
            ws.insert_rows(2, row)
    book.save(path)


@settings(max_examples=50, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(table_edits(), book_edits())
def test_mutated_workbooks_solve_or_give_located_errors(
        tables_edits: list[tuple[Any, ...]], workbook_edits: list[tuple[Any, ...]]) -> None:
    tables = base_case()
    _apply_tables(tables, tables_edits)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.xlsx"
        write_tables(tables, path)
        _apply_book(path, workbook_edits)
        outcome = solve_workbook(path, {"time_limit": 5.0})  # must not raise
    if outcome.data is None:
        errors = outcome.issues.errors
        assert errors, "no data and no error"
        for error in errors:
            assert error.sheet, f"an error without a sheet: {error.format()}"
            assert error.message and (error.row is None or error.cell), error.format()
        return
    assert outcome.solve is not None
    assert outcome.solve.status is not SolveStatus.ERROR, outcome.solve
