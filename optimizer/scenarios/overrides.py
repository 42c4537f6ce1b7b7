"""Overrides applied to the raw tables, before validation, so that every changed cell is
validated like any other; every problem is then reported at the row of the Scenarios (or
Sweeps) sheet that caused it, with the cell it changed.

``apply_overrides`` never modifies its input: it returns new tables. The workbook file is
never touched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from models.chain.data import ChainData, load_data
from models.chain.schema import SETTINGS_BY_NAME, SHEETS_BY_NAME
from models.validation.hints import did_you_mean, loose
from models.validation.issues import Issue, IssueList, Severity
from models.validation.numbers import read_number
from models.validation.raw import CellValue, RawRow, RawTable, RawWorkbook
from models.validation.tables import _UNIT_SUFFIX  # the reader's own header rule
from optimizer.scenarios.spec import Override, WhatIf, read_what_if

Touched = dict[tuple[str, int, str], Override]  # (sheet, Excel row, column) -> its override


def _header_key(text: str) -> str:
    return loose(_UNIT_SUFFIX.sub("", text))


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


@dataclass
class Applied:
    """The changed tables, which cells each override changed, and what went wrong."""

    raw: RawWorkbook
    touched: Touched = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    cells: int = 0  # how many cells changed


def _error(o: Override, message: str, value: object, expected: str, column: str,
           hint: str = "") -> Issue:
    sheet, row = o.origin if o.origin else ("", None)
    return Issue(Severity.ERROR, message, sheet=sheet, row=row, column=column,
                 value=_cell_text(value) if not isinstance(value, str) else value,
                 expected=expected, hint=hint)


# Sheets whose rows a bare row selector may also name by a second ID column.
ROW_ID_COLUMNS = {"Markets": "market_id"}


def _select(o: Override, table: RawTable, headers: dict[str, str]) -> list[RawRow] | Issue:
    """The rows the selector names; or the error saying why it names none."""
    spec = o.row.strip()
    schema = SHEETS_BY_NAME[o.sheet]
    if spec in ("", "*"):
        return list(table.rows)
    if "=" not in spec:
        key = schema.key[0]
        header = headers.get(key)
        hits = [r for r in table.rows if header and _cell_text(r.cells.get(header)) == spec]
        id_header = headers.get(ROW_ID_COLUMNS.get(o.sheet, ""))
        if id_header:  # e.g. a Markets.market_id names its contract's rows
            hits += [r for r in table.rows if r not in hits
                     and _cell_text(r.cells.get(id_header)) == spec]
        if not hits:
            known = [_cell_text(r.cells.get(header)) for r in table.rows] if header else []
            return _error(o, f"No row of {o.sheet} has {key} {spec}.", spec,
                          f"an ID from the {key} column of {o.sheet}", "row",
                          did_you_mean(spec, known))
        return hits
    filters: list[tuple[str, str]] = []
    for part in spec.split(";"):
        if not part.strip():
            continue
        name, _, wanted = part.partition("=")
        column = next((c.name for c in schema.columns if loose(c.name) == loose(name)), None)
        if column is None or "=" not in part:
            return _error(o, f"The filter {part.strip()!r} names no column of {o.sheet}.",
                          spec, f"column=value with a column of {o.sheet}", "row",
                          did_you_mean(name.strip(), [c.name for c in schema.columns]))
        filters.append((column, wanted.strip()))
    hits = [r for r in table.rows
            if all(_cell_text(r.cells.get(headers.get(c, ""))) == v for c, v in filters)]
    if not hits:
        return _error(o, f"No row of {o.sheet} matches {spec}.", spec,
                      "a filter that matches at least one row", "row")
    return hits


def _new_value(o: Override, old: CellValue) -> CellValue | Issue:
    if o.change == "set":
        return o.value
    if old is None or (isinstance(old, str) and not old.strip()):
        return None  # blank (unlimited, none) stays blank
    reading = read_number(old)
    if reading.value is None:
        return _error(o, f"Cannot {o.change} a cell of {o.sheet} that is not a number.",
                      old, "a number in every selected cell", "column")
    factor = float(o.value)  # type: ignore[arg-type]
    return reading.value * factor if o.change == "multiply" else reading.value + factor


def _apply_one(o: Override, raw: RawWorkbook, out: Applied) -> RawWorkbook:
    if o.sheet not in SHEETS_BY_NAME:
        out.issues.append(_error(o, "Unknown sheet.", o.sheet, "a data sheet", "sheet"))
        return raw
    table = raw.tables.get(o.sheet)
    if table is None:
        out.issues.append(_error(o, f"The workbook has no {o.sheet} sheet to change.",
                                 o.sheet, "a sheet of this workbook", "sheet",
                                 f"Add the {o.sheet} sheet (chainopt template has it)."))
        return raw
    schema = SHEETS_BY_NAME[o.sheet]
    headers = {}
    for text in table.columns:
        for col in schema.columns:
            if _header_key(text) == _header_key(col.name) and col.name not in headers:
                headers[col.name] = text
    if o.sheet == "Settings":
        if o.row.strip() not in SETTINGS_BY_NAME:
            out.issues.append(_error(o, "Unknown setting.", o.row, "a setting name", "row",
                                     did_you_mean(o.row, list(SETTINGS_BY_NAME))))
            return raw
        column = "value"
    else:
        column = next((c.name for c in schema.columns if loose(c.name) == loose(o.column)),
                      "")
        if not column:
            out.issues.append(_error(o, f"{o.sheet} has no column {o.column}.", o.column,
                                     f"a column of {o.sheet}", "column",
                                     did_you_mean(o.column, [c.name for c in schema.columns])))
            return raw
        if column in schema.key and o.row.strip() not in ("",):
            pass  # changing an ID is allowed; validation reports what it breaks
    rows = _select(o, table, headers)
    if isinstance(rows, Issue):
        out.issues.append(rows)
        return raw
    columns = dict(table.columns)
    header = headers.get(column)
    if header is None:  # an optional column the sheet does not have yet
        header = column
        columns[header] = max(columns.values(), default=0) + 1
    chosen = {r.excel_row for r in rows}
    new_rows: list[RawRow] = []
    for r in table.rows:
        if r.excel_row not in chosen:
            new_rows.append(r)
            continue
        value = _new_value(o, r.cells.get(header))
        if isinstance(value, Issue):
            out.issues.append(value)
            return raw
        new_rows.append(RawRow(r.excel_row, {**r.cells, header: value}))
        out.touched[(o.sheet, r.excel_row, column)] = o
        out.cells += 1
    tables = dict(raw.tables)
    tables[o.sheet] = dataclasses.replace(table, columns=columns, rows=tuple(new_rows))
    return dataclasses.replace(raw, tables=tables)


def apply_overrides(raw: RawWorkbook, overrides: Iterable[Override]) -> Applied:
    """The tables with every override applied in order (a later one sees earlier ones)."""
    out = Applied(raw)
    current = raw
    for o in overrides:
        current = _apply_one(o, current, out)
    out.raw = current
    return out


def load_scenario(raw: RawWorkbook, overrides: tuple[Override, ...], name: str,
                  issues: IssueList) -> ChainData | None:
    """Apply, then validate as any workbook; problems land on the overriding rows.

    A problem in a cell an override changed is reported at that override's row; any
    other error that appears only with the changes (a consequence elsewhere, e.g. a
    minimum now above a changed maximum) at the scenario's first row, naming the cell.
    """
    applied = apply_overrides(raw, overrides)
    for issue in applied.issues:
        issues.extend([locate(raw, dataclasses.replace(
            issue, message=f"Scenario {name}: {issue.message}", file=issues.file))])
    if applied.issues:
        return None
    found = IssueList(issues.file)
    data = load_data(model_tables(applied.raw), found)
    first = next((o for o in overrides if o.origin), None)
    for issue in found:
        if issue.severity is not Severity.ERROR:
            continue
        o = applied.touched.get((issue.sheet, issue.row or 0, issue.column)) or first
        cell = f"{issue.sheet}!{issue.cell}" if issue.cell else issue.sheet
        sheet, row = o.origin if o is not None and o.origin else ("", None)
        issues.extend([locate(raw, Issue(
            Severity.ERROR, f"Scenario {name}: with its changes, {cell} "
            f"({issue.column or 'row'}): {issue.message}", file=issues.file,
            sheet=sheet, row=row, column="value" if sheet else issue.column,
            value=issue.value, expected=issue.expected, hint=issue.hint))])
    return data if not issues.has_errors else None


def locate(raw: RawWorkbook, issue: Issue) -> Issue:
    """The issue with the Excel column number of its column on its sheet, when known."""
    table = raw.tables.get(issue.sheet)
    if table is None or not issue.column or issue.column_index is not None:
        return issue
    for text, index in table.columns.items():
        if _header_key(text) == _header_key(issue.column):
            return dataclasses.replace(issue, column_index=index)
    return issue


def check_what_if(raw: RawWorkbook, issues: IssueList) -> WhatIf:
    """Read the Scenarios and Sweeps sheets and validate every scenario and every sweep's
    first point against the base tables (each problem located on its own row)."""
    what_if = read_what_if(raw, issues)
    for scenario in list(what_if.scenarios):
        load_scenario(raw, what_if.chain(scenario), scenario, issues)
    for name, sweep in what_if.sweeps.items():
        if sweep.scenario and sweep.scenario not in what_if.scenarios:
            issues.error(f"Sweep {name} starts from an unknown scenario.", value=sweep.scenario,
                         expected="a scenario named on the Scenarios sheet", sheet="Sweeps",
                         row=sweep.axes[0].origin[1] if sweep.axes[0].origin else None,
                         column="scenario", hint=did_you_mean(sweep.scenario,
                                                              sorted(what_if.scenarios)))
            continue
        base = what_if.chain(sweep.scenario) if sweep.scenario else ()
        for axis in sweep.axes:
            load_scenario(raw, (*base, axis.at(axis.values[0])), f"sweep {name}", issues)
    from optimizer.scenarios.uncertainty import read_uncertainty

    what_if.probabilities = read_uncertainty(raw, what_if, issues).probability
    return what_if


WHAT_IF_SHEETS = ("Scenarios", "Sweeps", "Uncertainty")


def model_tables(raw: RawWorkbook) -> RawWorkbook:
    """The tables without the Scenarios, Sweeps and Uncertainty sheets: what the model is
    built from (those are checked by check_what_if, so their problems are reported once)."""
    if not any(name in raw.tables for name in WHAT_IF_SHEETS):
        return raw
    return dataclasses.replace(raw, tables={k: v for k, v in raw.tables.items()
                                            if k not in WHAT_IF_SHEETS})
