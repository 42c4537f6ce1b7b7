"""The fast cell reader of ``parse_table`` (models/validation/tables.py ``fast_reader``)
returns exactly what ``parse_cell`` returns, and only for cells ``parse_cell`` accepts
without a word; everything else it leaves to ``parse_cell``, which reports it.

Checked on every column of every input sheet against typed values and the odd things
people type, and on whole tables: the typed rows and the issues are the same as when every
cell is read by ``parse_cell``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.chain.schema import SHEETS, Column
from models.validation import tables as T
from models.validation.issues import IssueList
from models.validation.raw import RawRow, RawTable, UnreadableCell

COLUMNS = [(sheet.name, col) for sheet in SHEETS for col in sheet.columns]
ODD = [None, "", " ", "\u200b", "\u200b x \ufeff", "abc", " abc ", "ABC", "yes", "No", "x",
       "1,200", "1 200", "45%", "0,5", "-1", "1e9", "=1+1", "#N/A", 0, 1, -1, 3, 10**6, 0.0,
       1.0, 0.5, -0.25, 1.5, 1e30, -1e30, math.nan, math.inf, -math.inf, True, False,
       dt.datetime(2025, 1, 1), dt.date(2025, 1, 1), UnreadableCell("formula", "A1+1"),
       UnreadableCell("error", "#DIV/0!")]


def _samples(col: Column) -> list[Any]:
    """The odd values, the column's own words in several spellings, and numbers at and
    just past its limits."""
    out = list(ODD)
    for word in col.choices:
        out += [word, word.upper(), f" {word} ", word + "\u200b"]
    for limit in (col.minimum, col.maximum, col.max_magnitude):
        if limit is not None and math.isfinite(limit):
            out += [limit, float(limit), limit - 1, limit + 1, limit - 0.5, limit + 0.5]
    return out


def _where(sheet: str, col: Column) -> dict[str, object]:
    return {"sheet": sheet, "row": 7, "column": col.name, "column_index": 3}


def _agrees(sheet: str, col: Column, value: Any) -> bool:
    """True when the fast reader read the value (and did so exactly as parse_cell does)."""
    fast = T.fast_reader(col)(value)
    if fast is T.SLOW:
        return False
    issues = IssueList("book.xlsx")
    slow = T.parse_cell(value, col, issues, _where(sheet, col))
    assert not list(issues), (sheet, col.name, value, [i.format() for i in issues])
    assert type(fast) is type(slow) and fast == slow, (sheet, col.name, value, fast, slow)
    return True


@pytest.mark.parametrize(("sheet", "col"), COLUMNS, ids=[f"{s}.{c.name}" for s, c in COLUMNS])
def test_fast_reading_is_parse_cells_reading(sheet: str, col: Column) -> None:
    read = [v for v in _samples(col) if _agrees(sheet, col, v)]
    # the common cells are read fast, or the reader would save nothing
    assert None in read or col.required
    if col.type.value in ("number", "integer"):
        low = col.minimum if col.minimum is not None else 0.0
        assert float(low) in read or low in read
    elif col.choices:
        assert col.choices[0] in read and f" {col.choices[0]} " in read
    elif col.type.value in ("id", "text"):
        assert "abc" in read and " abc " in read


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, len(COLUMNS) - 1),
       value=st.one_of(st.none(), st.booleans(), st.integers(-10**9, 10**9),
                       st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6)))
def test_fast_reading_agrees_on_any_value(index: int, value: Any) -> None:
    sheet, col = COLUMNS[index]
    _agrees(sheet, col, value)


def _slow_only(raw: RawTable, sheet: Any) -> tuple[T.Table, list[str]]:
    """parse_table with the fast reader switched off: every cell through parse_cell."""
    issues = IssueList("book.xlsx")
    original, by_column = T.fast_reader, T.read_column_fast
    T.fast_reader = lambda col: (lambda value: T.SLOW)  # type: ignore[assignment]
    T.read_column_fast = lambda col, cells: [T.SLOW] * len(cells)  # type: ignore[assignment]
    try:
        table = T.parse_table(raw, sheet, issues)
    finally:
        T.fast_reader, T.read_column_fast = original, by_column
    return table, [i.format() for i in issues]


def _lanes_both_ways(grid: list[list[Any]]) -> tuple[T.Table, list[str]]:
    """A Lanes sheet of these rows (from row 4) through ``parse_table`` as it is and cell
    by cell: the same table and issues, returned as read (with the slow way's issues)."""
    sheet = next(s for s in SHEETS if s.name == "Lanes")
    headers = [c.name for c in sheet.columns]
    rows = tuple(RawRow(excel_row=4 + i, cells=dict(zip(headers, r, strict=True)))
                 for i, r in enumerate(grid))
    raw = RawTable(sheet="Lanes", header_row=3,
                   columns={h: i + 1 for i, h in enumerate(headers)}, rows=rows)
    issues = IssueList("book.xlsx")
    fast = T.parse_table(raw, sheet, issues)
    slow, slow_issues = _slow_only(raw, sheet)
    assert fast == slow
    assert [i.format() for i in issues] == slow_issues
    return fast, slow_issues


def test_parse_table_same_rows_and_issues_as_cell_by_cell() -> None:
    """A Lanes sheet with good rows, blank cells, bad numbers, unknown words, a blank row
    and a duplicate: the same typed rows, left-out rows and issues, in the same order."""
    grid = [
        ["L1", "A", "B", "m", "road", 12.0, 5.0, "", "", "", "", ""],
        ["L2", "A", "C", "m", "", "", 4.5, 1.0, 100, "ref", 0.1, ""],
        ["L3", "A", "C", "m", "boat", "x", -1.0, "", "", "", "", ""],
        ["", "", "", "", "", "", "", "", "", "", "", ""],
        [" L4 ", "A\u200b", "C", "m", " ROAD ", "1 200", "45%", "", "", "", "", ""],
        ["L1", "A", "B", "m", "", 1.0, 1.0, "", "", "", "", ""],
        ["L5", None, "B", "m", None, None, 2.0, None, None, None, None, None],
    ]
    fast, slow_issues = _lanes_both_ways(grid)
    assert len(fast.rows) >= 2 and fast.dropped and slow_issues  # the case is not vacuous


def test_parse_table_whole_text_columns_same_as_cell_by_cell() -> None:
    """Text cells only, as the Excel reader gives them ("" when empty), no invisible
    character: the text columns are read a column at a time (``read_column_fast``), with
    the same rows and issues, a blank required cell and a blank row included."""
    grid = [
        ["L1", "A", "B", "m", "road", 12.0, 5.0, "", "", "", "", ""],
        [" L2 ", "A ", " C", "", "", "", 4.5, 1.0, 100, " a ref ", 0.1, ""],
        ["L3", "", "C", "m", "", 3.0, 1.0, "", "", "", "", ""],
        ["", "", "", "", "", "", "", "", "", "", "", ""],
        ["L2", "A", "B", "m", "", 1.0, 1.0, "", "", "", "", ""],
    ]
    fast, slow_issues = _lanes_both_ways(grid)
    assert [r["lane"] for r in fast.rows] == ["L1", "L2"] and fast.dropped  # L3's origin
    assert fast.rows[1]["reference"] == "a ref" and fast.rows[1]["material"] is None
    assert any("Duplicate row" in text for text in slow_issues)


def _same(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(
        x is y or (type(x) is type(y) and x == y) for x, y in zip(a, b, strict=True))


TEXT_CELLS = st.lists(st.one_of(
    st.sampled_from(["", " ", "abc", " abc ", "A\u200b", "\ufeff", "road", " ROAD ", "x y"]),
    st.text(max_size=5)), max_size=8)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, len(COLUMNS) - 1),
       cells=st.one_of(TEXT_CELLS, st.lists(st.one_of(
           st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(),
           st.text(max_size=4)), max_size=8)))
def test_a_whole_column_reads_as_its_cells_do(index: int, cells: list[Any]) -> None:
    """``read_column_fast`` gives what the fast reader gives cell by cell, and
    ``_blank_flags`` what ``_is_blank`` gives, for any column and any cells."""
    _sheet, col = COLUMNS[index]
    assert _same(T.read_column_fast(col, cells), list(map(T.fast_reader(col), cells)))
    assert T._blank_flags(cells) == [T._is_blank(v) for v in cells]
