"""Workbook -> raw tables, as typed in Excel. No domain knowledge lives here.

Values come from python-calamine (fast, read-only). Two things calamine cannot tell
apart from a blank cell are found in the sheet XML instead, so they are never read as
blank: a formula cell without a cached value (a workbook written by a program and never
opened in Excel or LibreOffice) and a cell holding an Excel error such as ``#DIV/0!``.
The XML is only parsed (with defusedxml) for sheets whose bytes contain a formula or an
error cell at all, so the common case costs one byte scan per sheet.

Before calamine opens a sheet, its extent is measured by streaming its XML
(optimizer/excel/extent.py): calamine allocates a dense grid over the used range, so a
single value far away (CV1048576) would cost gigabytes. A sheet reaching beyond the
limits is refused with the far cell named; no grid is ever built for it.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from defusedxml import ElementTree as SafeET
from python_calamine import CalamineWorkbook

from models.validation.a1 import column_number
from models.validation.issues import IssueList
from models.validation.raw import CellValue, RawRow, RawTable, RawWorkbook, UnreadableCell
from optimizer.excel.extent import (
    MAX_COLUMNS,
    MAX_SHEET_CELLS,
    MAX_TEXT_CHARS,
    MAX_WORKBOOK_CELLS,
    Extent,
    sheet_extent,
)
from optimizer.excel.safety import check_workbook_file

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HAS_FORMULA_OR_ERROR = re.compile(rb'<(?:\w+:)?f[\s>/]|\st="e"')
# What usually settles that search at C speed (each starts with a literal): a block with
# no prefixed tag and no error type needs only the plain formula tag (0.03 s on a 29 MB
# sheet, against 1.0 s for the expression above, which tries at every "<" and space).
_PLAIN_FORMULA = re.compile(rb"<f[\s>/]")
_PREFIXED_FORMULA = re.compile(rb":f[\s>/]")
_ERROR_TYPE = re.compile(rb't="e"')
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def _is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _header_text(value: CellValue) -> str:
    return "" if value is None else str(value).strip()


def read_workbook(path: Path, issues: IssueList) -> RawWorkbook | None:
    """Read every sheet of a workbook into raw tables; None if it cannot be read at all.

    The first non-blank row of a sheet is its header row; blank rows are skipped. The
    file is opened read-only and never written.
    """
    if not check_workbook_file(path, issues):
        return None
    try:
        package = _read_package(path)
    except Exception as exc:  # damaged XML, missing parts: all mean "not a usable workbook"
        issues.error("The workbook cannot be read; it is damaged or not a real .xlsx file.",
                     value=_short(exc), expected="an .xlsx workbook",
                     hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types and ValueError, all mean "bad file"
        issues.error("The workbook cannot be read; it is damaged or not a real .xlsx file.",
                     value=_short(exc), expected="an .xlsx workbook",
                     hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return None
    if not _within_limits(package.extents, issues):
        workbook.close()
        return None
    tables: dict[str, RawTable] = {}
    try:
        for name in workbook.sheet_names:
            if name not in package.extents:  # never let calamine size a sheet we did not scan
                raise ValueError(f"sheet {name!r} has no readable part")
            special = package.unreadable.get(name, {})
            table = _read_sheet(workbook, name, special, issues)
            key = name.strip()
            if key in tables:  # "Lines" and "Lines " are two sheets to Excel, one to us
                issues.error("Two sheets have the same name once spaces are trimmed.",
                             sheet=key, value=name, expected="one sheet per name",
                             hint="Delete or rename one of them.")
                continue
            tables[key] = table
    except Exception as exc:
        issues.error("The workbook cannot be read; it is damaged.", value=_short(exc),
                     expected="an .xlsx workbook",
                     hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return None
    finally:
        workbook.close()
    return RawWorkbook(file=path.name, tables=tables, defined_names=package.defined_names)


def _short(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__)[:200]


LIMIT_HINT = ("Delete the contents of the rows and columns outside your table (select them, "
              "press Delete; Ctrl+End shows where Excel thinks the sheet ends), then save.")


def _within_limits(extents: dict[str, Extent], issues: IssueList) -> bool:
    """Refuse sheets whose values reach beyond the reading limits, naming the far cell."""
    ok = True
    for name, extent in extents.items():
        if extent.within_limits():
            continue
        ok = False
        match = re.match(r"^([A-Z]+)([0-9]+)$", extent.far_cell)
        where: dict[str, object] = {"sheet": name.strip()}
        if match:
            where.update(row=int(match.group(2)),
                         column_index=column_number(match.group(1)))
        issues.error(
            f"This sheet holds values as far as {extent.far_cell or extent.range}, so its "
            f"used range {extent.range} has {extent.cells:,} cells "
            f"({extent.rows:,} rows x {extent.columns:,} columns); chainopt reads at most "
            f"{MAX_SHEET_CELLS:,} cells and {MAX_COLUMNS:,} columns per sheet.",
            value=extent.far_cell or extent.range,
            expected=f"a table of at most {MAX_SHEET_CELLS:,} cells", hint=LIMIT_HINT,
            **where)  # type: ignore[arg-type]
    total = sum(e.cells for e in extents.values())
    if ok and total > MAX_WORKBOOK_CELLS:
        ok = False
        issues.error(f"The sheets together hold {total:,} cells; chainopt reads at most "
                     f"{MAX_WORKBOOK_CELLS:,}.", value=f"{total:,} cells",
                     expected=f"at most {MAX_WORKBOOK_CELLS:,} cells", hint=LIMIT_HINT)
    return ok


# --- sheets, through calamine ----------------------------------------------------------


def _read_sheet(workbook: CalamineWorkbook, name: str,
                special: dict[tuple[int, int], UnreadableCell], issues: IssueList) -> RawTable:
    sheet = workbook.get_sheet_by_name(name)
    start = sheet.start or (0, 0)
    first_row, first_col = start[0] + 1, start[1] + 1
    grid: list[list[CellValue]] = [list(r) for r in sheet.to_python(skip_empty_area=False)]
    _clip_long_text(grid, name.strip(), first_row, first_col, issues)
    for (row, col), cell in special.items():  # formulas without values, error cells
        r, c = row - first_row, col - first_col
        if r < 0 or c < 0:
            continue
        while len(grid) <= r:
            grid.append([])
        while len(grid[r]) <= c:
            grid[r].append(None)
        grid[r][c] = cell
    header_index = next(
        (i for i, r in enumerate(grid) if not all(_is_blank(v) for v in r)), None
    )
    if header_index is None:
        return RawTable(name.strip(), first_row, {}, ())
    header = grid[header_index]
    columns: dict[str, int] = {}
    repeated: list[tuple[str, int]] = []
    for offset, value in enumerate(header):
        text = _header_text(value)
        if not text:
            continue
        if text in columns:
            repeated.append((text, first_col + offset))
        else:
            columns[text] = first_col + offset
    raw_rows: list[RawRow] = []
    names = list(columns)
    offsets = [idx - first_col for idx in columns.values()]
    width = max(offsets, default=-1) + 1
    pick = _picker(offsets)
    for i in range(header_index + 1, len(grid)):
        values = grid[i]
        if all(_is_blank(v) for v in values):
            continue
        if len(values) < width:  # a short row (an unreadable cell appended past the grid)
            values = values + [None] * (width - len(values))
        raw_rows.append(RawRow(first_row + i, dict(zip(names, pick(values), strict=True))))
    return RawTable(name.strip(), first_row + header_index, columns, tuple(raw_rows),
                    tuple(repeated))


def _picker(offsets: list[int]) -> Callable[[list[CellValue]], tuple[CellValue, ...]]:
    """The cells at ``offsets`` of a row long enough to hold them all: one C call per row
    (``itemgetter``) instead of a comprehension over the headers (0.8 s of the 100,000
    rows of OR-Library capb-5000's lanes)."""
    if len(offsets) > 1:
        return itemgetter(*offsets)
    if offsets:
        only = offsets[0]
        return lambda values: (values[only],)
    return lambda _values: ()


def _clip_long_text(grid: list[list[CellValue]], sheet: str, first_row: int, first_col: int,
                    issues: IssueList) -> None:
    """Text longer than Excel allows in a cell (only a generated file has it): an error at
    the cell, and the text cut so nothing downstream carries megabytes of it."""
    for i, values in enumerate(grid):
        for j, value in enumerate(values):
            if type(value) is str and len(value) > MAX_TEXT_CHARS:
                issues.error("This cell holds more text than Excel allows in a cell.",
                             sheet=sheet, row=first_row + i, column_index=first_col + j,
                             value=f"{len(value):,} characters: {value[:40]}…",
                             expected=f"at most {MAX_TEXT_CHARS:,} characters")
                values[j] = value[:MAX_TEXT_CHARS]


# --- the package XML: defined names, formulas without values, error cells ---------------


@dataclass
class _Package:
    defined_names: dict[str, str] = field(default_factory=dict)
    unreadable: dict[str, dict[tuple[int, int], UnreadableCell]] = field(default_factory=dict)
    extents: dict[str, Extent] = field(default_factory=dict)  # range holding values, by sheet


def _read_package(path: Path) -> _Package:
    out = _Package()
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        root = SafeET.fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
        targets: dict[str, str] = {}
        rels_name = "xl/_rels/workbook.xml.rels"
        if rels_name in names:
            rels = SafeET.fromstring(archive.read(rels_name), forbid_dtd=True)
            for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
                target = rel.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
                targets[rel.get("Id", "")] = part
        for name_el in root.iter(f"{{{_MAIN_NS}}}definedName"):
            if name_el.get("localSheetId") is None and name_el.get("name"):
                out.defined_names[name_el.get("name", "")] = (name_el.text or "").strip()
        for sheet_el in root.iter(f"{{{_MAIN_NS}}}sheet"):
            part = targets.get(sheet_el.get(f"{{{_REL_NS}}}id", ""), "")
            if part in names:
                out.extents[sheet_el.get("name", "")] = sheet_extent(archive, part)
                cells = _unreadable_cells(archive, part)
                if cells:
                    out.unreadable[sheet_el.get("name", "")] = cells
    return out


def _unreadable_cells(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int],
                                                                     UnreadableCell]:
    """(row, column) -> cell, for formulas without a cached value and error cells."""
    if not _may_hold_formulas(archive, part):
        return {}
    found: dict[tuple[int, int], UnreadableCell] = {}
    row_number, col_number = 0, 0
    with archive.open(part) as handle:
        for event, el in SafeET.iterparse(handle, events=("start", "end"), forbid_dtd=True):
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    row_number = int(el.get("r") or row_number + 1)
                    col_number = 0
                continue
            if tag != "c":
                if tag == "row":
                    el.clear()
                continue
            ref = el.get("r")
            match = _CELL_REF.match(ref or "")
            if match:
                col_number = column_number(match.group(1))
                row_number = int(match.group(2))
            else:
                col_number += 1
            formula = value = None
            has_value = False
            for child in el:
                child_tag = child.tag.rsplit("}", 1)[-1]
                if child_tag == "f":
                    formula = child.text or ""
                elif child_tag == "v":
                    has_value, value = True, child.text or ""
            cell_type = el.get("t", "n")
            if cell_type == "e":
                found[(row_number, col_number)] = UnreadableCell("error", (value or "").strip()
                                                                 or "#ERROR")
            elif formula is not None and (
                not has_value or (value == "" and cell_type != "str")  # "str": cached ""
            ):
                found[(row_number, col_number)] = UnreadableCell("formula", formula.strip())
            el.clear()
    return found


def _may_hold_formulas(archive: zipfile.ZipFile, part: str) -> bool:
    """Cheap byte scan: does the sheet XML contain a formula or an error cell at all?"""
    tail = b""
    with archive.open(part) as handle:
        while True:
            block = handle.read(1 << 20)
            if not block:
                return False
            if _holds_formula_or_error(tail + block):
                return True
            tail = block[-16:]


def _holds_formula_or_error(data: bytes) -> bool:
    """``_HAS_FORMULA_OR_ERROR.search(data)``, run only where a cheap search leaves doubt."""
    if _PLAIN_FORMULA.search(data):
        return True
    if _PREFIXED_FORMULA.search(data) or _ERROR_TYPE.search(data):
        return _HAS_FORMULA_OR_ERROR.search(data) is not None
    return False
