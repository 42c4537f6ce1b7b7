"""Raw tables -> typed rows, driven by the schema. Every problem is collected, none raised.

This knows nothing of the model: it applies the column declarations (type, required,
range, allowed values, references, unique keys) of models/<m>/schema.py to what the
reader found, and reads values the way people type them (see numbers.py): numbers as
text, thousands separators, a decimal comma, percentages decided by the column's unit,
headers with a different case or a unit after them, sheets in any order.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import cast

from models.chain.schema import AUXILIARY_SHEETS, ColType, Column, Sheet
from models.validation.hints import closest, did_you_mean, loose
from models.validation.issues import IssueList, Severity
from models.validation.numbers import parse_number, read_number
from models.validation.raw import CellValue, RawRow, RawTable, RawWorkbook, UnreadableCell

__all__ = [
    "INVALID", "Row", "Table", "check_references", "match_sheets", "parse_cell",
    "parse_number", "parse_table",
]

TRUE_WORDS = {"yes", "y", "true", "1", "x", "ja", "bəli", "да", "wahr", "vrai", "oui"}
FALSE_WORDS = {"no", "n", "false", "0", "", "xeyr", "нет", "nein", "faux", "non", "falsch"}
_INVISIBLE = "\u200b\u200c\u200d\ufeff"
_UNIT_SUFFIX = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")  # "capacity (t/yr)", "price [USD/t]"
_FREE_COLUMN = re.compile(r"^(notes?|comments?|remarks?|memo)\b", re.IGNORECASE)
SMALL_UNITS = {"fraction", "t/t", "deg", "currency/t/km"}
FREE_TEXT = {"name", "description", "reference", "citation", "url", "unit"}  # read by no rule
FORMULA_HINT = ("Open the workbook in Excel or LibreOffice and save it (that stores the "
                "formula's result), or type the number instead of the formula.")


@dataclass(frozen=True)
class Row:
    """One typed row: its Excel row number and its values by column name."""

    excel_row: int
    values: dict[str, object]

    def __getitem__(self, name: str) -> object:
        return self.values[name]


@dataclass(frozen=True)
class Table:
    sheet: Sheet
    columns: dict[str, int]  # schema column name -> Excel column number (as found)
    rows: tuple[Row, ...]
    present: bool
    dropped: tuple[Row, ...] = ()  # rows left out after an error; values may be INVALID

    def column_index(self, name: str) -> int | None:
        return self.columns.get(name)

    @property
    def complete(self) -> bool:
        """No row was left out: checks that look for what is missing may trust it."""
        return not self.dropped


class _Invalid:
    """Marker for a cell that failed to parse (its issue is already recorded)."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


def _expected(col: Column) -> str:
    what = {
        ColType.ID: "an identifier (text)",
        ColType.TEXT: "text",
        ColType.NUMBER: "a number",
        ColType.INTEGER: "a whole number",
        ColType.BOOL: "yes or no",
        ColType.ENUM: "one of " + ", ".join(col.choices),
    }[col.type]
    if col.type is ColType.ID and col.choices:
        what = "one of " + ", ".join(col.choices)
    if col.type in (ColType.NUMBER, ColType.INTEGER):
        if col.minimum is not None and col.maximum is not None:
            what += f" from {col.minimum:g} to {col.maximum:g}"
        elif col.minimum is not None:
            what += f" of at least {col.minimum:g}"
    if col.unit == "fraction":
        what += " (a fraction: 45 % is 0.45 or 45%)"
    elif col.unit:
        what += f" ({col.unit})"
    return what


def _small(col: Column) -> bool:
    """Values are small, so '1,200' may mean 1.2 as well as 1200."""
    return col.unit in SMALL_UNITS or col.percent_ok or (
        col.maximum is not None and col.maximum <= 1000)


_DROP_INVISIBLE = str.maketrans("", "", _INVISIBLE)


def _clean_text(value: CellValue) -> str:
    return str(value).translate(_DROP_INVISIBLE).strip()


def _id_text(value: CellValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return _clean_text(value)


def _is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and _clean_text(value) == "")


class _Slow:
    """Marker: the fast reading does not settle this cell; ``parse_cell`` reads it."""


SLOW = _Slow()
FastReader = Callable[[CellValue], object]


def fast_reader(col: Column) -> FastReader:
    """A reader for the cells most workbooks are made of, for ``parse_table``'s loop.

    It returns exactly what ``parse_cell`` would, for a cell ``parse_cell`` would accept
    without recording anything: a number stored as a number within the column's ranges,
    a non-blank text in a text or identifier column (an allowed one where the column has
    choices), an allowed word, a stored yes/no, a blank cell of an optional column (its
    default). Any other cell (a blank required one, unreadable, typed as text in a number
    column, out of range, unknown) gives ``SLOW``: ``parse_cell``
    then reads it and reports what is wrong, with the cell's place. At 100,000 lanes this
    was most of reading a workbook (a dict per cell, two text clean-ups, a NumberReading).
    """
    kind = col.type
    # a blank cell (empty, or only spaces in a text column) of an optional column is its
    # default; of a required one, an error that parse_cell reports
    empty = SLOW if col.required else col.default
    if kind in (ColType.NUMBER, ColType.INTEGER):
        low = -math.inf if col.minimum is None else col.minimum
        high = math.inf if col.maximum is None else col.maximum
        # (an infinite sanity range would let inf through, which parse_cell rejects)
        magnitude = min(col.max_magnitude, sys.float_info.max)
        whole = kind is ColType.INTEGER

        def number(value: CellValue) -> object:
            if value is None or value == "":  # calamine reads an empty cell as ""
                return empty
            if type(value) is float or type(value) is int:  # never bool: read as text
                x = float(value)
                if low <= x <= high and abs(x) <= magnitude:  # False for NaN
                    if not whole:
                        return x
                    if x.is_integer():
                        return int(x)
            return SLOW

        return number
    choices = frozenset(col.choices)
    if kind is ColType.BOOL:
        return lambda value: empty if value is None or value == "" else (
            value if type(value) is bool else SLOW)
    strip = _DROP_INVISIBLE

    def text(value: CellValue) -> object:
        if type(value) is not str:
            return empty if value is None else SLOW
        clean = value.translate(strip).strip()
        if not clean:
            return empty
        if kind is ColType.ENUM:
            clean = clean.lower()
            return clean if clean in choices else SLOW
        if kind is ColType.ID and choices and clean not in choices:
            return SLOW
        return clean

    return text


_TEXT_KINDS = (ColType.ID, ColType.TEXT)
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE}]")


def read_column_fast(col: Column, cells: list[CellValue]) -> list[object]:
    """``[fast_reader(col)(v) for v in cells]``, a whole column at a time where it can.

    An identifier or text column of text cells (what calamine gives for every cell of
    such a column, "" when empty) without an invisible character anywhere is stripped
    in one C-level pass: each cell's text is then exactly what ``fast_reader`` gives, as
    its clean-up drops nothing else. Any other column is read cell by cell. (At 100,000
    lanes the cell-by-cell clean-up of six text columns was half of reading the sheet.)
    """
    stripped = (_stripped_texts(cells) if col.type in _TEXT_KINDS and
                not (col.type is ColType.ID and col.choices) else None)
    if stripped is None:
        return list(map(fast_reader(col), cells))
    empty = SLOW if col.required else col.default
    return [text if text else empty for text in stripped]


def _stripped_texts(cells: list[CellValue]) -> list[str] | None:
    """Every cell stripped, in one C-level pass, when every cell is text and none holds an
    invisible character (so stripping is all the clean-up does); else None."""
    if not all(type(v) is str for v in cells):
        return None
    texts = cast(list[str], cells)
    if _HAS_INVISIBLE.search("".join(texts)):
        return None
    return list(map(str.strip, texts))


def parse_cell(
    value: CellValue, col: Column, issues: IssueList, where: dict[str, object]
) -> object:
    """Typed value, None for blank, or INVALID (after recording the issue)."""
    if isinstance(value, UnreadableCell):
        return _unreadable(value, col, issues, where)
    if _is_blank(value):
        if col.required:
            issues.error("A required value is missing.", value="(blank)",
                         expected=_expected(col), **where)
            return INVALID
        return col.default
    if col.type in (ColType.ID, ColType.TEXT):
        if col.type is ColType.TEXT:
            return _clean_text(value)
        text = _id_text(value)
        if col.choices and text not in col.choices:
            issues.error(f"Unknown {col.name}.", value=text, expected=_expected(col),
                         hint=did_you_mean(text, col.choices, cutoff=0.6), **where)
            return INVALID
        return text
    if col.type is ColType.ENUM:
        text = _clean_text(value).lower()
        if text not in col.choices:
            issues.error("This value is not one of the allowed words.", value=value,
                         expected=_expected(col),
                         hint=did_you_mean(text, col.choices, cutoff=0.6), **where)
            return INVALID
        return text
    if col.type is ColType.BOOL:
        if isinstance(value, bool):
            return value
        text = _id_text(value).lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        issues.error("This is not yes or no.", value=value, expected="yes or no", **where)
        return INVALID
    return _number(value, col, issues, where)


def _unreadable(value: UnreadableCell, col: Column, issues: IssueList,
                where: dict[str, object]) -> object:
    severity_error = col.type is not ColType.TEXT or col.name not in FREE_TEXT
    if value.kind == "formula":
        message = "This cell holds a formula with no saved result, so its value is unknown."
        hint = FORMULA_HINT
    else:
        message = f"This cell shows the Excel error {value.text}."
        hint = "Fix the formula, or type the value."
    if not severity_error:
        issues.warning(message + " It is read as blank.", value=str(value),
                       expected=_expected(col), hint=hint, **where)
        return col.default
    issues.error(message, value=str(value), expected=_expected(col), hint=hint, **where)
    return INVALID


def _number(value: CellValue, col: Column, issues: IssueList,
            where: dict[str, object]) -> object:
    reading = read_number(value, small=_small(col))
    if reading.ambiguous:
        first, second = reading.readings
        issues.error(f"This number is ambiguous: it could be {first:g} or {second:g}.",
                     value=value, expected=_expected(col),
                     hint="Type it without a thousands separator and with a point for "
                     f"decimals: {first:g} or {second:g}.", **where)
        return INVALID
    if reading.value is None:
        issues.error("This is not a number.", value=value, expected=_expected(col),
                     hint=_not_a_number_hint(value, col), **where)
        return INVALID
    if reading.percent and not col.percent_ok:
        issues.error("A percentage does not fit this column.", value=value,
                     expected=_expected(col),
                     hint=f"Type the amount{' in ' + col.unit if col.unit else ''}, "
                     "without %.", **where)
        return INVALID
    number: float | int = reading.value
    if col.type is ColType.INTEGER:
        if not float(number).is_integer():
            issues.error("This must be a whole number.", value=value,
                         expected=_expected(col), **where)
            return INVALID
        number = int(number)
    if col.minimum is not None and number < col.minimum:
        message = "Negative values are not allowed here." if col.minimum == 0 else \
            "The value is below the allowed range."
        issues.error(message, value=value, expected=_expected(col), **where)
        return INVALID
    if col.maximum is not None and number > col.maximum:
        hint = ""
        if col.percent_ok and not reading.percent and number <= 100:
            hint = (f"This column takes a fraction from 0 to 1: {number:g} % is typed "
                    f"{number / 100:g} or {number:g}%.")
        issues.error("The value is above the allowed range.", value=value,
                     expected=_expected(col), hint=hint, **where)
        return INVALID
    # sanity range: after the column's own range, whose messages are more specific
    if not math.isfinite(number) or abs(number) > col.max_magnitude:
        issues.error("The value is far beyond any plausible size for this column (a typo or "
                     "a unit mistake?).", value=value,
                     expected=f"{_expected(col)}, at most {col.max_magnitude:,.6g} in size",
                     hint="Check the unit in the column's header note; type the number in "
                     "that unit.", **where)
        return INVALID
    return number


def _not_a_number_hint(value: CellValue, col: Column) -> str:
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        return ("The cell is formatted as a date or time: format it as Number and type "
                "the value again.")
    if isinstance(value, str) and re.search(r"\d", value):
        unit = f" ({col.unit})" if col.unit else ""
        return (f"Type only the number{unit}: no unit, currency sign or words; thousands "
                "may be separated by spaces or commas.")
    return ""


# --- sheets and headers ------------------------------------------------------------------


def match_sheets(raw: RawWorkbook, sheets: tuple[Sheet, ...],
                 issues: IssueList) -> dict[str, RawTable | None]:
    """Each schema sheet's raw table, found by name in any order.

    An exact name wins; otherwise a name differing only in case or spacing is used with
    an info note. Sheets chainopt does not read are noted (the template's own Guide and
    Lists sheets are not).
    """
    found: dict[str, RawTable | None] = {}
    used: set[str] = set()
    for sheet in sheets:
        table = raw.tables.get(sheet.name)
        if table is None:
            near = [n for n in raw.tables if loose(n) == loose(sheet.name) and n not in used
                    and n not in {s.name for s in sheets}]
            if near:
                table = raw.tables[near[0]]
                issues.info(f"The sheet '{near[0]}' is read as '{sheet.name}'.",
                            sheet=sheet.name, value=near[0], expected=sheet.name)
                used.add(near[0])
        else:
            used.add(sheet.name)
        found[sheet.name] = table
    known = {s.name for s in sheets}
    for name in raw.tables:
        if name in used or name in AUXILIARY_SHEETS:
            continue
        missing = [s.name for s in sheets if found[s.name] is None]
        best = closest(name, missing, cutoff=0.75)
        if best is not None:
            continue  # reported with the missing sheet, as its hint
        if name not in known:
            issues.info("This sheet is not used by chainopt and is ignored.", sheet=name)
    return found


def _missing_sheet_hint(raw: RawWorkbook | None, name: str) -> str:
    if raw is None:
        return ""
    best = closest(name, [n for n in raw.tables if n not in AUXILIARY_SHEETS], cutoff=0.75)
    if best is not None:
        return f"Did you mean the sheet '{best}'? Rename it to '{name}'."
    return ""


def _header_key(text: str) -> str:
    return loose(_UNIT_SUFFIX.sub("", text))


def _map_headers(raw: RawTable, sheet: Sheet, issues: IssueList) -> dict[str, tuple[str, int]]:
    """Schema column -> (header as typed, Excel column number); extra and repeated headers
    are reported."""
    by_key = {_header_key(c.name): c.name for c in sheet.columns}
    mapping: dict[str, tuple[str, int]] = {}
    loose_hits: list[tuple[str, str, int]] = []
    unknown: list[tuple[str, int]] = []
    for text, index in raw.columns.items():
        if text in by_key.values():
            mapping[text] = (text, index)
        elif _header_key(text) in by_key:
            loose_hits.append((text, by_key[_header_key(text)], index))
        else:
            unknown.append((text, index))
    for text, name, index in loose_hits:
        if name in mapping:
            issues.warning(f"This column repeats the column '{name}' and is ignored.",
                           sheet=sheet.name, row=raw.header_row, column=text,
                           column_index=index, value=text)
            continue
        mapping[name] = (text, index)
        issues.info(f"The header '{text}' is read as '{name}'.", sheet=sheet.name,
                    row=raw.header_row, column=name, column_index=index, value=text,
                    expected=name)
    for text, index in raw.repeated_headers:
        issues.warning(f"The header '{text}' appears twice; this copy is ignored.",
                       sheet=sheet.name, row=raw.header_row, column=text, column_index=index,
                       value=text, hint="Delete or rename one of the two columns.")
    names = [c.name for c in sheet.columns if c.name not in mapping]
    for text, index in unknown:
        if _FREE_COLUMN.match(text):
            continue  # free notes columns are welcome and read by nobody
        best = closest(_header_key(text), names, cutoff=0.75)
        if best is not None:
            issues.warning("This column is not used by chainopt and is ignored.",
                           sheet=sheet.name, row=raw.header_row, column=text,
                           column_index=index, value=text,
                           hint=f"Did you mean '{best}'? Rename the header.")
        else:
            issues.info("This column is not used by chainopt and is ignored.",
                        sheet=sheet.name, row=raw.header_row, column=text, column_index=index)
    return mapping


def parse_table(raw: RawTable | None, sheet: Sheet, issues: IssueList,
                workbook: RawWorkbook | None = None) -> Table:
    """Typed rows of one sheet; rows with an invalid cell are dropped after reporting."""
    if raw is None:
        if sheet.required:
            hint = _missing_sheet_hint(workbook, sheet.name) or \
                "Start from 'chainopt template' to get every sheet."
            issues.error("A required sheet is missing.", sheet=sheet.name,
                         expected=f"a sheet named '{sheet.name}'", hint=hint)
        return Table(sheet, {}, (), present=False)
    mapping = _map_headers(raw, sheet, issues)
    columns = {name: index for name, (_text, index) in mapping.items()}
    missing = [c.name for c in sheet.required_columns if c.name not in columns]
    known_keys = {_header_key(c.name) for c in sheet.columns}
    unknown = [t for t in raw.columns if _header_key(t) not in known_keys]
    for name in missing:
        issues.error("A required column is missing.", sheet=sheet.name, row=raw.header_row,
                     column=name, expected=f"a header '{name}' in row {raw.header_row}",
                     hint=did_you_mean(name, unknown, cutoff=0.75))
    if missing:
        return Table(sheet, columns, (), present=True)
    rows: list[Row] = []
    dropped: list[Row] = []
    # Column by column: each schema column's cells (None where the sheet lacks it), then
    # its fast reading (``fast_reader``), so that a row whose every cell reads fast costs
    # no Python work per cell. Cells it leaves to ``parse_cell`` are read row by row, in
    # the sheet's order, so every problem is reported as before.
    plan = [(col, mapping[col.name][0] if col.name in mapping else None) for col in sheet.columns]
    names = [col.name for col in sheet.columns]
    raw_rows = raw.rows
    by_column: list[list[CellValue]] = [
        [None] * len(raw_rows) if text is None else _column_cells(raw_rows, text)
        for _col, text in plan]
    read_fast = [read_column_fast(col, cells)
                 for (col, _text), cells in zip(plan, by_column, strict=True)]
    by_row = (raw_rows, zip(*by_column, strict=True), zip(*read_fast, strict=True))
    for raw_row, cells, fast, first_blank in zip(*by_row, _blank_flags(by_column[0]),
                                                strict=True):
        if first_blank and all(map(_is_blank, cells)):  # (the first: a key, mostly)
            issues.info("This row has values only in columns chainopt does not read; it is "
                        "ignored.", sheet=sheet.name, row=raw_row.excel_row)
            continue
        if SLOW not in fast:
            rows.append(Row(raw_row.excel_row, dict(zip(names, fast, strict=True))))
            continue
        values: dict[str, object] = {}
        ok = True
        for (col, _text), value, parsed in zip(plan, cells, fast, strict=True):
            if parsed is SLOW:
                where: dict[str, object] = {
                    "sheet": sheet.name, "row": raw_row.excel_row, "column": col.name,
                    "column_index": columns.get(col.name),
                }
                parsed = parse_cell(value, col, issues, where)
                if parsed is INVALID:
                    ok = False
            values[col.name] = parsed
        (rows if ok else dropped).append(Row(raw_row.excel_row, values))
    return _check_unique_keys(Table(sheet, columns, tuple(rows), True, tuple(dropped)), issues)


def _blank_flags(cells: list[CellValue]) -> list[bool]:
    """``[_is_blank(v) for v in cells]``, in one C-level pass for a column of text cells
    without an invisible character (``read_column_fast``)."""
    stripped = _stripped_texts(cells)
    if stripped is None:
        return list(map(_is_blank, cells))
    return [not text for text in stripped]


def _column_cells(raw_rows: tuple[RawRow, ...], header: str) -> list[CellValue]:
    """The cells under one header, row by row (None where a row lacks it). The Excel
    reader gives every row every header, so one C-level pass usually does it."""
    try:
        return list(map(itemgetter(header), map(attrgetter("cells"), raw_rows)))
    except KeyError:  # a table built in code may leave a cell out
        return [r.cells.get(header) for r in raw_rows]


def _check_unique_keys(table: Table, issues: IssueList) -> Table:
    """The table without repeated keys (each reported); near-repeats get a warning."""
    seen: dict[tuple[object, ...], int] = {}
    seen_loose: dict[tuple[str, ...], tuple[int, tuple[object, ...]]] = {}
    key_col = table.sheet.key[0]
    kept: list[Row] = []
    for row in table.rows:
        key = tuple(row.values[k] for k in table.sheet.key)
        loose_key = tuple(loose(v) for v in key)
        if key not in seen and loose_key not in seen_loose:  # the usual row: nothing to say
            seen[key] = row.excel_row
            seen_loose[loose_key] = (row.excel_row, key)
            kept.append(row)
            continue
        shown = ", ".join("(blank)" if v is None else str(v) for v in key)
        where = {"sheet": table.sheet.name, "row": row.excel_row, "column": key_col,
                 "column_index": table.column_index(key_col)}
        if key in seen:
            issues.error(f"Duplicate row: {', '.join(table.sheet.key)} = {shown} already "
                         f"appears in row {seen[key]}.", value=shown,
                         expected="a unique identifier",
                         hint="Delete one of the two rows, or give this one its own ID.",
                         **where)
            continue
        seen[key] = row.excel_row
        if loose_key in seen_loose:
            first_row, first_key = seen_loose[loose_key]
            first = ", ".join("(blank)" if v is None else str(v) for v in first_key)
            issues.warning(f"This ID differs only in case or spacing from '{first}' in row "
                           f"{first_row}; they are treated as different.", value=shown,
                           expected="clearly different IDs",
                           hint="If they are meant to be the same, spell them the same.",
                           **where)
        else:
            seen_loose[loose_key] = (row.excel_row, key)
        kept.append(row)
    return Table(table.sheet, table.columns, tuple(kept), table.present, table.dropped)


def _keys(tables: Mapping[str, Table]) -> tuple[dict[str, set[object]], dict[str, set[object]]]:
    """Per single-key sheet: the valid keys, and the keys of rows left out after an error."""
    valid: dict[str, set[object]] = {}
    dropped: dict[str, set[object]] = {}
    for name, t in tables.items():
        if len(t.sheet.key) != 1:
            continue
        k = t.sheet.key[0]
        valid[name] = {row.values[k] for row in t.rows}
        dropped[name] = {row.values[k] for row in t.dropped
                         if row.values.get(k) not in (None, INVALID)}
    return valid, dropped


def check_references(tables: dict[str, Table], issues: IssueList) -> dict[str, Table]:
    """Report every reference to an unknown ID; return the tables without those rows.

    A reference to a row that was itself left out after an error is not reported again
    (its cause is); the referencing row is left out silently.
    """
    keys, dropped_keys = _keys(tables)
    cleaned: dict[str, Table] = {}
    for name, table in tables.items():
        kept: list[Row] = []
        lost: list[Row] = []
        checked = [(r, True) for r in table.rows] + [(r, False) for r in table.dropped]
        # each referencing column with the IDs it may name (the union over its sheets)
        referring = [(col, set().union(*(keys.get(ref, set()) for ref in col.refs)))
                     for col in table.sheet.columns if col.refs]
        for row, ok in checked:  # a dropped row is still checked, and never kept
            for col, known in referring:
                value = row.values[col.name]
                if value is None or value is INVALID or value in known:
                    continue
                ok = False
                if any(value in dropped_keys.get(ref, set()) for ref in col.refs):
                    continue
                sheets = " or ".join(col.refs)
                message = f"Unknown {col.name}: it is not listed on the {sheets} sheet."
                if issues.saturated(Severity.ERROR, name, col.name,
                                    table.column_index(col.name), message):
                    issues.error(message, sheet=name, row=row.excel_row, column=col.name,
                                 column_index=table.column_index(col.name))
                    continue  # only counted from now on: no hint to compute
                absent = [r for r in col.refs if not tables[r].present] if all(
                    r in tables for r in col.refs) else []
                hint = did_you_mean(value, [k for r in col.refs for k in keys.get(r, set())])
                if not hint and len(absent) == len(col.refs):
                    hint = f"Add the {sheets} sheet and list {value} there."
                elif not hint:
                    hint = f"Add {value} to the {col.refs[0]} sheet, or correct the spelling."
                issues.error(
                    message,
                    sheet=name, row=row.excel_row, column=col.name,
                    column_index=table.column_index(col.name), value=value,
                    expected=f"an ID from {sheets}", hint=hint,
                )
            (kept if ok else lost).append(row)
        cleaned[name] = Table(table.sheet, table.columns, tuple(kept), table.present,
                              tuple(lost))
    return cleaned
