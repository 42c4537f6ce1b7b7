"""Input workbooks (blank template or a filled case) generated from the schema.

Never edit input_templates/*.xlsx by hand: `chainopt template` and tools/make_templates.py
write them from models/chain/schema.py and the case data.

What a workbook gets, all derived from the schema:

- a Guide sheet: purpose, the order in which to fill the sheets, units, colours, how to
  check the workbook, a glossary of every column, and the template version;
- one sheet per entity, each an Excel Table whose header row is frozen and carries an
  explicit fill (LibreOffice ignores table styles), a note on every header (meaning,
  unit, allowed values, what a blank means), number formats that show the unit, and
  column widths that fit;
- drop-down lists for every reference to another sheet, fed from that sheet's key
  column (or, for "a site or a location" and "a technology or a line", from a hidden
  Lists sheet that joins two columns), and for every enumerated value and yes/no;
  number checks (range) on numeric columns, as warnings;
- no formula in any input area (only the hidden Lists sheet has formulas);
- a version stamp: the defined name ``chainopt_template_version`` (also shown on the
  Guide), which the reader checks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from models.chain.schema import (
    SCHEMA_VERSION,
    SETTINGS,
    SETTINGS_SHEET,
    SHEETS,
    SHEETS_BY_NAME,
    VERSION_NAME,
    ColType,
    Column,
    Setting,
    Sheet,
)
from optimizer.excel.cells import set_text, set_value
from optimizer.fileio import atomic_write

__all__ = ["VERSION_NAME", "column_note", "number_format", "write_input_workbook"]

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")  # dark blue: optional column
REQUIRED_FILL = PatternFill("solid", fgColor="833C0B")  # dark red: required column
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16)
SECTION_FONT = Font(bold=True, size=12, color="1F4E78")
LIST_ROWS = 2000  # rows covered by drop-downs, checks and key lists
UNION_ROWS = 1000  # entries of each joined list on the Lists sheet
LISTS_SHEET = "Lists"
GUIDE_SHEET = "Guide"
TABLE_STYLE = TableStyleInfo(name="TableStyleLight9", showRowStripes=True,
                             showColumnStripes=False, showFirstColumn=False,
                             showLastColumn=False)

Rows = Sequence[Mapping[str, object]]

# Number formats that show the unit next to the number (the value stays a plain number).
_FORMATS = {
    "fraction": "0.0%",
    "t/yr": '#,##0 "t/yr"',
    "t/t": '0.000 "t/t"',
    "km": '#,##0 "km"',
    "deg": '0.0000"°"',
    "yr": '0 "yr"',
    "s": '#,##0 "s"',
    "currency": "#,##0",
    "currency/yr": '#,##0 "per yr"',
    "currency/t": '#,##0.00 "per t"',
    "currency/t/km": '0.000 "per t-km"',
}


def number_format(col: Column | Setting) -> str | None:
    """The Excel number format that shows a numeric column's unit; None for text."""
    if col.type not in (ColType.NUMBER, ColType.INTEGER):
        return None
    if col.unit in _FORMATS:
        if col.name == "mip_gap":
            return "0.00%"
        return _FORMATS[col.unit]
    return "#,##0" if col.type is ColType.INTEGER else "General"


def _allowed(col: Column) -> str:
    if col.choices:
        return ", ".join(col.choices)
    if col.type is ColType.BOOL:
        return "yes, no"
    if col.refs:
        return "an ID from the " + " or ".join(col.refs) + " sheet"
    if col.suggest:
        return "as on " + " or ".join(col.suggest)
    if col.type in (ColType.NUMBER, ColType.INTEGER):
        low, high = col.minimum, col.maximum
        if low is not None and high is not None:
            return f"{low:g} to {high:g}"
        if low is not None:
            return f"{low:g} or more"
    return ""


def column_note(col: Column) -> str:
    """The header comment: meaning, unit, allowed values, blank rule, example."""
    parts = [col.description]
    if col.unit == "fraction":
        parts.append("Unit: fraction of 1 (type 0.45 or 45%).")
    elif "currency" in col.unit:
        parts.append(f"Unit: {col.unit}, in the currency set on the Settings sheet.")
    elif col.unit:
        parts.append(f"Unit: {col.unit}.")
    if col.choices:
        parts.append("Allowed: " + ", ".join(col.choices) + ".")
    elif col.type is ColType.BOOL:
        parts.append("Allowed: yes or no.")
    if col.refs:
        parts.append("Must name a row of: " + " or ".join(col.refs) + ".")
    elif col.suggest:
        parts.append("Names a value from: " + " or ".join(col.suggest) + ".")
    if col.type in (ColType.NUMBER, ColType.INTEGER) and _allowed(col):
        parts.append(f"Range: {_allowed(col)}.")
    parts.append(col.optional_blank_means.capitalize() + ".")
    if col.example:
        parts.append(f"Example: {col.example}")
    return "\n".join(parts)


def write_input_workbook(path: Path, tables: Mapping[str, Rows] | None = None) -> Path:
    """Write a workbook in the input format, atomically; blank when ``tables`` is None."""
    workbook = build_input_workbook(tables)
    return atomic_write(path, lambda tmp: workbook.save(tmp))


def build_input_workbook(tables: Mapping[str, Rows] | None = None) -> Workbook:
    """The workbook in memory (see the module docstring for what it holds)."""
    tables = tables or {}
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = GUIDE_SHEET
    _write_guide(guide)
    lists = _Lists(workbook)
    for sheet in sorted(SHEETS, key=lambda s: s.fill_order):
        ws = workbook.create_sheet(sheet.name)
        if sheet.name == SETTINGS_SHEET.name:
            _write_settings(ws, tables.get(sheet.name, ()))
        else:
            _write_table(ws, sheet, tables.get(sheet.name, ()), lists)
    lists.finish()
    workbook.defined_names[VERSION_NAME] = DefinedName(
        VERSION_NAME, attr_text=f'"{SCHEMA_VERSION}"'
    )
    workbook.calculation.fullCalcOnLoad = True  # Excel fills the Lists sheet on opening
    for ws in workbook.worksheets:  # printed or exported: landscape, one page wide
        ws.page_setup.orientation = "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    workbook.active = 0
    return workbook


# --- drop-down sources ------------------------------------------------------------------


def _column_range(sheet: str, column: str, rows: int = LIST_ROWS) -> str:
    index = [c.name for c in SHEETS_BY_NAME[sheet].columns].index(column) + 1
    letter = get_column_letter(index)
    return f"{sheet}!${letter}$2:${letter}${rows + 1}"


class _Lists:
    """Named ranges behind the drop-downs; joined lists live on the hidden Lists sheet."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.names: dict[tuple[str, ...], str] = {}
        self.joined: list[tuple[str, tuple[str, ...]]] = []

    def name_for(self, sources: tuple[str, ...]) -> str:
        """A defined name listing the values of ``sources`` ("Sheet.column" each)."""
        if sources in self.names:
            return self.names[sources]
        slug = "_".join(s.replace(".", "_") for s in sources)
        name = f"chainopt_list_{slug}"
        if len(sources) == 1:
            sheet, column = sources[0].split(".")
            target = _column_range(sheet, column)
        else:
            self.joined.append((name, sources))
            letter = get_column_letter(len(self.joined))
            target = f"{LISTS_SHEET}!${letter}$2:${letter}${UNION_ROWS + 1}"
        self.workbook.defined_names[name] = DefinedName(name, attr_text=target)
        self.names[sources] = name
        return name

    def finish(self) -> None:
        ws = self.workbook.create_sheet(LISTS_SHEET)
        ws.sheet_state = "hidden"
        set_text(ws.cell(row=1, column=1 + len(self.joined)),
                 "Drop-down lists for the input sheets; filled by formulas. Do not edit.")
        for c, (name, sources) in enumerate(self.joined, start=1):
            set_text(ws.cell(row=1, column=c), name)
            ranges = [_column_range(s.split(".")[0], s.split(".")[1]) for s in sources]
            for n in range(1, UNION_ROWS + 1):
                ws.cell(row=n + 1, column=c).value = "=" + _pick(ranges, n)


def _pick(ranges: list[str], n: int) -> str:
    """Formula for the n-th entry of the ranges read one after the other ("" past the end)."""
    inner = f'INDEX({ranges[-1]},{n}-{"-".join(f"COUNTA({r})" for r in ranges[:-1])})'
    for i in range(len(ranges) - 2, -1, -1):
        before = "".join(f"-COUNTA({r})" for r in ranges[:i])
        inner = (f"IF({n}{before}<=COUNTA({ranges[i]}),INDEX({ranges[i]},{n}{before}),"
                 f"{inner})")
    return f'IFERROR({inner}&"","")'


# --- entity sheets ----------------------------------------------------------------------


def _style_header(ws: Worksheet, columns: Sequence[Column], widths: Sequence[int]) -> None:
    for idx, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=idx)
        set_text(cell, col.name)
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center", horizontal="center")
        cell.comment = Comment(column_note(col), "chainopt", width=340, height=180)
        ws.column_dimensions[get_column_letter(idx)].width = widths[idx - 1]
    ws.row_dimensions[1].height = 22
    ws.freeze_panes = "A2"


def _width(col: Column, rows: Rows) -> int:
    base = {ColType.TEXT: 30, ColType.ID: 14, ColType.ENUM: 14, ColType.BOOL: 11}.get(
        col.type, 14)
    if col.name in ("reference", "citation", "description"):
        base = 50
    longest = max((len(str(r.get(col.name) or "")) for r in rows), default=0)
    return min(max(len(col.name) + 5, base, min(longest + 2, 60)), 60)


def _add_table(ws: Worksheet, name: str, columns: int, rows: int) -> None:
    ref = f"A1:{get_column_letter(columns)}{max(rows, 1) + 1}"
    table = Table(displayName=f"tbl{name}", ref=ref)
    table.tableStyleInfo = TABLE_STYLE
    ws.add_table(table)


def _write_table(ws: Worksheet, sheet: Sheet, rows: Rows, lists: _Lists) -> None:
    _style_header(ws, sheet.columns, [_width(c, rows) for c in sheet.columns])
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(sheet.columns, start=1):
            _write_value(ws.cell(row=r, column=c), col, row.get(col.name))
    last = max(len(rows) + 1, LIST_ROWS + 1)
    for c, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(c)
        fmt = number_format(col)
        if fmt is not None:
            ws.column_dimensions[letter].number_format = fmt  # rows typed later
        validation = _validation(col, lists)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(validation)
    _add_table(ws, sheet.name, len(sheet.columns), len(rows))


def _write_value(cell, col: Column | Setting, value: object) -> None:  # type: ignore[no-untyped-def]
    if col.type in (ColType.ID, ColType.TEXT, ColType.ENUM) and value is not None:
        set_text(cell, str(value))
    elif col.type is ColType.BOOL and isinstance(value, bool):
        set_text(cell, "yes" if value else "no")
    else:
        set_value(cell, value)
    fmt = number_format(col)
    if fmt is not None and value is not None:
        cell.number_format = fmt


def _validation(col: Column, lists: _Lists) -> DataValidation | None:
    """The drop-down or number check of a column, or None."""
    choices = col.choices or (("yes", "no") if col.type is ColType.BOOL else ())
    if choices:
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                            allow_blank=not col.required, errorStyle="stop",
                            showErrorMessage=True,
                            errorTitle=col.name, error="Pick one of: " + ", ".join(choices))
        return dv
    refs = sorted(col.refs, key=lambda ref: SHEETS_BY_NAME[ref].fill_order)
    sources = tuple(f"{ref}.{SHEETS_BY_NAME[ref].key[0]}" for ref in refs) or col.suggest
    if sources:
        where = " or ".join(s.split(".")[0] for s in sources)
        return DataValidation(type="list", formula1=lists.name_for(sources),
                              allow_blank=not col.required, errorStyle="warning",
                              showErrorMessage=True,
                              errorTitle=col.name,
                              error=f"This is not listed on the {where} sheet yet. Add it "
                              "there first, or pick it from the list.")
    if col.type in (ColType.NUMBER, ColType.INTEGER) and col.minimum is not None:
        kind = "whole" if col.type is ColType.INTEGER else "decimal"
        message = f"Expected {_allowed(col)}"
        if col.unit == "fraction":
            message += " (a fraction: 45 % is 0.45 or 45%)"
        elif col.unit:
            message += f" ({col.unit.replace('currency', 'money')})"
        if col.maximum is not None:
            return DataValidation(type=kind, operator="between", formula1=f"{col.minimum:g}",
                                  formula2=f"{col.maximum:g}", allow_blank=True,
                                  errorStyle="warning", showErrorMessage=True,
                                  errorTitle=col.name,
                                  error=message + ".")
        return DataValidation(type=kind, operator="greaterThanOrEqual",
                              formula1=f"{col.minimum:g}", allow_blank=True,
                              errorStyle="warning", showErrorMessage=True, errorTitle=col.name,
                              error=message + ".")
    return None


def _write_settings(ws: Worksheet, rows: Rows) -> None:
    columns = SETTINGS_SHEET.columns
    _style_header(ws, columns, [18, 16, 90])
    given = {str(r.get("setting")): r.get("value") for r in rows}
    for r, setting in enumerate(SETTINGS, start=2):
        set_text(ws.cell(row=r, column=1), setting.name)
        _write_value(ws.cell(row=r, column=2), setting, given.get(setting.name,
                                                                   setting.default))
        unit = f" Unit: {setting.unit}." if setting.unit else ""
        set_text(ws.cell(row=r, column=3), setting.description + unit)
    setting_col = columns[0]
    dv = DataValidation(type="list", formula1='"' + ",".join(setting_col.choices) + '"',
                        allow_blank=False, errorStyle="stop", showErrorMessage=True,
                        errorTitle="setting",
                        error="Pick a setting from the list.")
    dv.add(f"A2:A{len(SETTINGS) + 1}")
    ws.add_data_validation(dv)
    _add_table(ws, SETTINGS_SHEET.name, len(columns), len(SETTINGS))


# --- the Guide --------------------------------------------------------------------------

PURPOSE = (
    "This workbook describes a production chain for chainopt: the feedstock on offer, the "
    "processing lines that could be built (or already exist) at each site, what each line "
    "turns into what (recipes), where products sell and at what price, and what transport "
    "costs. chainopt then chooses which lines to build and how material flows, for the most "
    "net value.",
    "Each sheet is a table: one row per item, one column per property, header in row 1. "
    "Add rows below the last one; leave no blank column between headers. Every header has a "
    "note (hover over it) with the meaning, the unit and the allowed values.",
)

UNITS = (
    "t = metric tonne; t/yr = tonnes per year; t/t = tonnes of output per tonne of input.",
    "Money: every price and cost is in the currency set on the Settings sheet (per t, per "
    "yr, or once for capex).",
    "Fractions: type 0.45 or 45% (both mean 45 %). A plain 45 in a fraction column is an "
    "error, not a guess.",
    "Numbers: type plain numbers. 1200, 1 200 and 1,200 are read as 1200; 1,5 as 1.5. A "
    "value that could mean two things (1,200 in a fraction column) is reported, not guessed.",
    "IDs (materials, sites, lines, ...) must be spelled the same everywhere (case counts); "
    "use the drop-down lists to pick them.",
    "Blank cells: an optional column left blank takes its default or means 'no limit' (see "
    "the glossary below).",
)

CHECKING = (
    "Header colours: dark red = required column, dark blue = optional column.",
    "Check the workbook with:  chainopt validate THIS_FILE.xlsx  - it lists every problem at "
    "once, by sheet and cell (e.g. Lines!D5), with what was found, what was expected and "
    "how to fix it. Errors must be fixed; warnings and notes are for you to judge.",
    "Then solve it with:  chainopt run THIS_FILE.xlsx  (it checks the workbook first).",
    "Formulas are allowed in the input sheets, but save the workbook in Excel or LibreOffice "
    "before running chainopt so that their results are stored.",
)


def _write_guide(ws: Worksheet) -> None:
    row = 1

    def put(text: str, font: Font | None = None) -> None:
        nonlocal row
        cell = ws.cell(row=row, column=1)
        set_text(cell, text)
        if font is not None:
            cell.font = font
        else:  # a paragraph across the glossary's width, wrapped
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = 15 * max(1, math.ceil(len(text) / 180))
        row += 1

    set_text(ws.cell(row=1, column=1), "chainopt input workbook")
    ws.cell(row=1, column=1).font = TITLE_FONT
    set_text(ws.cell(row=2, column=1), "Template version")
    set_text(ws.cell(row=2, column=2), SCHEMA_VERSION)
    ws.cell(row=2, column=2).font = Font(bold=True)
    row = 4
    put("What this workbook is for", SECTION_FONT)
    for text in PURPOSE:
        put(text)
    row += 1
    put("Fill the sheets in this order", SECTION_FONT)
    for n, sheet in enumerate(sorted(SHEETS, key=lambda s: s.fill_order), start=1):
        need = "required" if sheet.required else "optional"
        put(f"{n}. {sheet.name} ({need}): {sheet.description}")
    row += 1
    put("Units and how to type values", SECTION_FONT)
    for text in UNITS:
        put(text)
    row += 1
    put("Colours and checking", SECTION_FONT)
    for text in CHECKING:
        put(text)
    row += 1
    put("Glossary: every column of every sheet", SECTION_FONT)
    headers = ("sheet", "column", "required / blank means", "type", "unit",
               "allowed values", "meaning")
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=c)
        set_text(cell, text)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    row += 1
    for sheet in sorted(SHEETS, key=lambda s: s.fill_order):
        if sheet.name == SETTINGS_SHEET.name:
            entries: list[tuple[str, ...]] = [
                (sheet.name, s.name, f"optional; blank means {_shown(s.default)}", s.type.value,
                 s.unit, _setting_range(s), s.description) for s in SETTINGS]
        else:
            entries = [(sheet.name, c.name, c.optional_blank_means, c.type.value, c.unit,
                        _allowed(c), c.description) for c in sheet.columns]
        for entry in entries:
            for c, text in enumerate(entry, start=1):
                cell = ws.cell(row=row, column=c)
                set_text(cell, text)
                cell.alignment = Alignment(wrap_text=c in (6, 7), vertical="top")
            lines = max(math.ceil(len(entry[5]) / 28), math.ceil(len(entry[6]) / 85), 1)
            ws.row_dimensions[row].height = 15 * lines
            row += 1
    for letter, width in zip("ABCDEFG", (16, 18, 30, 9, 14, 30, 90), strict=True):
        ws.column_dimensions[letter].width = width


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _setting_range(s: Setting) -> str:
    if s.minimum is not None and s.maximum is not None:
        return f"{s.minimum:g} to {s.maximum:g}"
    if s.minimum is not None:
        return f"{s.minimum:g} or more"
    return ""
