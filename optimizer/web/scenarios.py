"""Scenario comparison workbooks, read generically.

`chainopt scenarios` writes a comparison workbook named ``<name>-comparison.xlsx`` into an
output folder. Its layout is not fixed here: the page shows the first sheet's table (the
first non-empty row is the header, the rows below it the data, up to a bound), and a chart
of every numeric column against the first column. Workbooks are untrusted input: the same
size and zip-bomb checks as input workbooks run before openpyxl opens the file, read-only
and without formulas evaluated (cached values only).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_ROWS = 500
MAX_SCANNED = 5_000  # rows read from the sheet to find its tables
MAX_COLS = 40


@dataclass(frozen=True)
class Comparison:
    sheet: str
    header: list[str]
    rows: list[list[Any]]
    truncated: bool

    def numeric_columns(self) -> list[int]:
        """Columns (after the first) whose filled cells are all numbers."""
        out = []
        for j in range(1, len(self.header)):
            values = [r[j] for r in self.rows if j < len(r) and r[j] not in (None, "")]
            if values and all(isinstance(v, int | float) and not isinstance(v, bool)
                              for v in values):
                out.append(j)
        return out


class UnreadableComparison(Exception):
    pass


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def read_comparison(path: Path) -> Comparison:
    import openpyxl

    from models.validation.issues import IssueList
    from optimizer.excel.safety import check_workbook_file

    issues = IssueList(path.name)
    if not check_workbook_file(path, issues):
        raise UnreadableComparison(issues.report())
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any parser failure: a damaged or hostile file
        raise UnreadableComparison(f"{path.name}: not a readable workbook ({exc})") from exc
    try:
        ws = book.worksheets[0]
        rows: list[list[Any]] = []
        truncated = False
        for row in ws.iter_rows(values_only=True, max_col=MAX_COLS):
            if len(rows) >= MAX_SCANNED:
                truncated = True
                break
            rows.append([_cell(v) for v in row])
        title = ws.title
    finally:
        book.close()
    blocks = _tables(rows)
    if not blocks:
        return Comparison(title, [], [], truncated)
    header, body = max(blocks, key=lambda b: _numeric_count(*b))
    if len(body) > MAX_ROWS:
        body, truncated = body[:MAX_ROWS], True
    return Comparison(title, header, body, truncated)


def _filled(values: list[Any]) -> int:
    return sum(1 for v in values if v not in (None, ""))


def _tables(rows: list[list[Any]]) -> list[tuple[list[str], list[list[Any]]]]:
    """The sheet's tables: a header (a row of at least three filled cells, all text) and
    the rows below it up to the next blank row. Titles and notes above (one filled cell,
    often merged across the page) are passed over, so both a plain table starting at A1 and
    `chainopt scenarios`'s Summary (title, note, no-regret lines, then the KPIs) read."""
    found: list[tuple[list[str], list[list[Any]]]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if _filled(row) >= 3 and all(isinstance(v, str) for v in row if v not in (None, "")):
            body: list[list[Any]] = []
            i += 1
            while i < len(rows) and _filled(rows[i]):
                body.append(rows[i])
                i += 1
            width = max(len(r) for r in [row, *body])
            while width > 0 and all(len(r) < width or r[width - 1] in (None, "")
                                    for r in [row, *body]):
                width -= 1
            header = [str(v) if v is not None else "" for v in (row + [None] * width)[:width]]
            found.append((header, [(r + [None] * width)[:width] for r in body]))
        else:
            i += 1
    return found


def _numeric_count(header: list[str], body: list[list[Any]]) -> int:
    """How many columns after the first hold only numbers (the KPI table wins over the
    no-regret list, which has none)."""
    return len(Comparison("", header, body, False).numeric_columns())
