"""Workbook -> raw tables, as typed in Excel. No domain knowledge lives here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from optimizer.excel.safety import check_workbook_file
from optimizer.validation.issues import IssueList

CellValue = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass(frozen=True)
class RawRow:
    """One non-blank row: its Excel row number and its cells by header."""

    excel_row: int
    cells: dict[str, CellValue]


@dataclass(frozen=True)
class RawTable:
    """One sheet: its headers (with their Excel column numbers) and its non-blank rows."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # header text -> 1-based column number
    rows: tuple[RawRow, ...]


@dataclass(frozen=True)
class RawWorkbook:
    file: str
    tables: dict[str, RawTable]


def _is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header_text(value: CellValue) -> str:
    return "" if value is None else str(value).strip()


def read_workbook(path: Path, issues: IssueList) -> RawWorkbook | None:
    """Read every sheet of a workbook into raw tables; None if it cannot be read at all.

    The first non-blank row of a sheet is its header row; blank rows are skipped.
    """
    if not check_workbook_file(path, issues):
        return None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types and ValueError, all mean "bad file"
        issues.error("The workbook cannot be read; it is damaged or not a real .xlsx file.",
                     value=str(exc)[:200], expected="an .xlsx workbook",
                     hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return None
    tables: dict[str, RawTable] = {}
    try:
        for name in workbook.sheet_names:
            tables[name.strip()] = _read_sheet(workbook, name)
    except Exception as exc:
        issues.error("The workbook cannot be read; it is damaged.", value=str(exc)[:200],
                     expected="an .xlsx workbook")
        return None
    finally:
        workbook.close()
    return RawWorkbook(file=path.name, tables=tables)


def _read_sheet(workbook: CalamineWorkbook, name: str) -> RawTable:
    sheet = workbook.get_sheet_by_name(name)
    start = sheet.start or (0, 0)
    first_row, first_col = start[0] + 1, start[1] + 1
    rows = sheet.to_python(skip_empty_area=False)
    header_index = next(
        (i for i, r in enumerate(rows) if not all(_is_blank(v) for v in r)), None
    )
    if header_index is None:
        return RawTable(name.strip(), first_row, {}, ())
    header = rows[header_index]
    columns: dict[str, int] = {}
    for offset, value in enumerate(header):
        text = _header_text(value)
        if text and text not in columns:
            columns[text] = first_col + offset
    raw_rows: list[RawRow] = []
    for i in range(header_index + 1, len(rows)):
        values = rows[i]
        if all(_is_blank(v) for v in values):
            continue
        cells = {
            col: (values[idx - first_col] if idx - first_col < len(values) else None)
            for col, idx in columns.items()
        }
        raw_rows.append(RawRow(first_row + i, cells))
    return RawTable(name.strip(), first_row + header_index, columns, tuple(raw_rows))
