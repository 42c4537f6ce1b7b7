"""Raw tables -> typed rows, driven by the schema. Every problem is collected, none raised.

This knows nothing of the model: it applies the column declarations (type, required,
range, allowed values, references, unique keys) of models/<m>/schema.py to what the
reader found.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from models.chain.schema import ColType, Column, Sheet
from optimizer.excel.read import CellValue, RawTable
from optimizer.validation.issues import IssueList

TRUE_WORDS = {"yes", "y", "true", "1", "x", "ja", "bəli", "да"}
FALSE_WORDS = {"no", "n", "false", "0", "", "xeyr", "нет"}


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
    columns: dict[str, int]  # header -> Excel column number (as found)
    rows: tuple[Row, ...]
    present: bool

    def column_index(self, name: str) -> int | None:
        return self.columns.get(name)


class _Invalid:
    """Marker for a cell that failed to parse (its issue is already recorded)."""


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
    if col.type in (ColType.NUMBER, ColType.INTEGER):
        if col.minimum is not None and col.maximum is not None:
            what += f" from {col.minimum:g} to {col.maximum:g}"
        elif col.minimum is not None:
            what += f" of at least {col.minimum:g}"
    if col.unit:
        what += f" ({col.unit})"
    return what


def parse_number(value: CellValue, fraction: bool) -> float | None:
    """A number from what people type; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    if "," in text and "." not in text:
        parts = text.split(",")
        if len(parts) == 2 and len(parts[1]) != 3:
            text = parts[0] + "." + parts[1]  # decimal comma: 1,5
        elif all(len(p) == 3 for p in parts[1:]):
            text = "".join(parts)  # thousands: 1,200,000
        else:
            return None
    elif "," in text:
        text = text.replace(",", "")  # 1,200.5
    try:
        number = float(text)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if percent:
        number /= 100.0
    return number


def _id_text(value: CellValue) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_cell(
    value: CellValue, col: Column, issues: IssueList, where: dict[str, object]
) -> object:
    """Typed value, None for blank, or INVALID (after recording the issue)."""
    blank = value is None or (isinstance(value, str) and value.strip() == "")
    if blank:
        if col.required:
            issues.error("A required value is missing.", value="(blank)",
                         expected=_expected(col), **where)
            return INVALID
        return col.default
    if col.type in (ColType.ID, ColType.TEXT):
        return _id_text(value) if col.type is ColType.ID else str(value).strip()
    if col.type is ColType.ENUM:
        text = str(value).strip().lower()
        if text not in col.choices:
            issues.error("This value is not one of the allowed words.", value=value,
                         expected=_expected(col), **where)
            return INVALID
        return text
    if col.type is ColType.BOOL:
        text = _id_text(value).lower() if not isinstance(value, bool) else str(value).lower()
        if isinstance(value, bool):
            return value
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        issues.error("This is not yes or no.", value=value, expected="yes or no", **where)
        return INVALID
    number = parse_number(value, fraction=col.unit == "fraction")
    if number is None:
        issues.error("This is not a number.", value=value, expected=_expected(col), **where)
        return INVALID
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
        issues.error("The value is above the allowed range.", value=value,
                     expected=_expected(col), **where)
        return INVALID
    return number


def parse_table(raw: RawTable | None, sheet: Sheet, issues: IssueList) -> Table:
    """Typed rows of one sheet; rows with an invalid cell are dropped after reporting."""
    if raw is None:
        if sheet.required:
            issues.error("A required sheet is missing.", sheet=sheet.name,
                         expected=f"a sheet named '{sheet.name}'",
                         hint="Start from 'chainopt template' to get every sheet.")
        return Table(sheet, {}, (), present=False)
    known = {c.name for c in sheet.columns}
    missing = [c.name for c in sheet.required_columns if c.name not in raw.columns]
    for name in missing:
        issues.error("A required column is missing.", sheet=sheet.name, row=raw.header_row,
                     column=name, expected=f"a header '{name}' in row {raw.header_row}")
    for name, index in raw.columns.items():
        if name not in known:
            issues.info("This column is not used by chainopt and is ignored.",
                        sheet=sheet.name, row=raw.header_row, column=name, column_index=index)
    if missing:
        return Table(sheet, raw.columns, (), present=True)
    rows: list[Row] = []
    for raw_row in raw.rows:
        values: dict[str, object] = {}
        ok = True
        for col in sheet.columns:
            where: dict[str, object] = {
                "sheet": sheet.name, "row": raw_row.excel_row, "column": col.name,
                "column_index": raw.columns.get(col.name),
            }
            parsed = parse_cell(raw_row.cells.get(col.name), col, issues, where)
            if parsed is INVALID:
                ok = False
            values[col.name] = parsed
        if ok:
            rows.append(Row(raw_row.excel_row, values))
    table = Table(sheet, raw.columns, tuple(rows), present=True)
    _check_unique_keys(table, issues)
    return table


def _check_unique_keys(table: Table, issues: IssueList) -> None:
    seen: dict[tuple[object, ...], int] = {}
    key_col = table.sheet.key[0]
    for row in table.rows:
        key = tuple(row.values[k] for k in table.sheet.key)
        if key in seen:
            shown = ", ".join("(blank)" if v is None else str(v) for v in key)
            issues.error(f"Duplicate row: {', '.join(table.sheet.key)} = {shown} already "
                         f"appears in row {seen[key]}.", sheet=table.sheet.name,
                         row=row.excel_row, column=key_col,
                         column_index=table.column_index(key_col), value=shown,
                         expected="a unique identifier")
        else:
            seen[key] = row.excel_row


def check_references(tables: dict[str, Table], issues: IssueList) -> dict[str, Table]:
    """Report every reference to an unknown ID; return the tables without those rows."""
    keys: dict[str, set[object]] = {
        name: {row.values[t.sheet.key[0]] for row in t.rows}
        for name, t in tables.items()
        if len(t.sheet.key) == 1
    }
    cleaned: dict[str, Table] = {}
    for name, table in tables.items():
        kept: list[Row] = []
        for row in table.rows:
            ok = True
            for col in table.sheet.columns:
                value = row.values[col.name]
                if not col.refs or value is None:
                    continue
                if not any(value in keys.get(ref, set()) for ref in col.refs):
                    ok = False
                    issues.error(
                        f"Unknown {col.name}: it is not listed on the "
                        f"{' or '.join(col.refs)} sheet.",
                        sheet=name, row=row.excel_row, column=col.name,
                        column_index=table.column_index(col.name), value=value,
                        expected=f"an ID from {' or '.join(col.refs)}",
                        hint=_did_you_mean(value, col.refs, keys),
                    )
            if ok:
                kept.append(row)
        cleaned[name] = Table(table.sheet, table.columns, tuple(kept), table.present)
    return cleaned


def _did_you_mean(value: object, refs: tuple[str, ...], keys: dict[str, set[object]]) -> str:
    text = str(value).strip().lower().replace(" ", "").replace("-", "_")
    for ref in refs:
        for known in keys.get(ref, set()):
            if str(known).lower().replace(" ", "").replace("-", "_") == text:
                return f"Did you mean '{known}'?"
    return ""
