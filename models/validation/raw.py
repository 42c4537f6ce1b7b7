"""Workbook tables as typed in Excel, before any validation: the hand-off from a reader.

A reader (the Excel reader in optimizer/excel/read.py, or a table built in code) produces a
``RawWorkbook``; ``models.chain.data.load_data`` validates it into typed model data. Nothing
here knows about files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UnreadableCell:
    """A cell whose value cannot be used: a formula with no saved value, or an error."""

    kind: str  # "formula" (no cached value) or "error" (e.g. #DIV/0!, #REF!)
    text: str  # the formula (without '=') or the error code

    def __str__(self) -> str:
        return f"={self.text}" if self.kind == "formula" else self.text


CellValue = (
    str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | UnreadableCell
    | None
)


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
    columns: dict[str, int]  # header text -> 1-based column number (first one if repeated)
    rows: tuple[RawRow, ...]
    repeated_headers: tuple[tuple[str, int], ...] = ()  # later copies of a header: (text, col)


@dataclass(frozen=True)
class RawWorkbook:
    file: str
    tables: dict[str, RawTable]
    defined_names: dict[str, str] = field(default_factory=dict)  # workbook-level names
