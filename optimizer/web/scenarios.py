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
            values = [_cell(v) for v in row]
            if not rows and all(v in (None, "") for v in values):
                continue  # leading blank rows (a title row stays: it is the header then)
            if len(rows) > MAX_ROWS:
                truncated = True
                break
            rows.append(values)
        title = ws.title
    finally:
        book.close()
    if not rows:
        return Comparison(title, [], [], False)
    width = max(len(r) for r in rows)
    while width > 0 and all(len(r) < width or r[width - 1] in (None, "") for r in rows):
        width -= 1
    header = [str(v) if v is not None else "" for v in (rows[0] + [None] * width)[:width]]
    body = [(r + [None] * width)[:width] for r in rows[1:]]
    body = [r for r in body if any(v not in (None, "") for v in r)]
    return Comparison(title, header, body, truncated)
