"""What a scenario or a sweep is: overrides of cells, read from the Scenarios and Sweeps
sheets (or from a ``--sweep`` text), checked for everything that can be checked without
the base tables (unknown parent, inheritance cycles, numbers, ranges).

An override names a sheet, a row selector, a column, a change (set, multiply, add) and a
value; ``origin`` is the (sheet, Excel row) it was read from, so that every problem it
causes can be reported there. Everything here is small, frozen and picklable: a worker
gets the overrides, never a model.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.chain.schema import DATA_SHEET_NAMES, SCENARIOS, SWEEPS
from models.validation.hints import did_you_mean
from models.validation.issues import IssueList
from models.validation.numbers import parse_number
from models.validation.raw import CellValue, RawWorkbook
from models.validation.tables import Row, parse_table

BASE = "base"
"""The name of the unchanged case in every comparison."""


@dataclass(frozen=True)
class Override:
    """One change to the base tables."""

    sheet: str
    row: str  # selector: "" or "*" every row; an ID; or "col=value; col=value"
    column: str
    change: str  # set | multiply | add
    value: CellValue  # as typed (set), or the factor / amount (multiply, add)
    origin: tuple[str, int] | None = None  # (sheet, Excel row) it was read from

    def describe(self) -> str:
        rows = self.row if self.row not in ("", "*") else "*"
        op = {"set": "=", "multiply": "×", "add": "+"}[self.change]
        shown = "(blank)" if self.value is None else _short(self.value)
        return f"{self.sheet}[{rows}].{self.column} {op} {shown}"


@dataclass(frozen=True)
class Scenario:
    name: str
    parent: str | None = None
    overrides: tuple[Override, ...] = ()  # its own, without the parent's
    description: str = ""
    row: int | None = None  # first Excel row on the Scenarios sheet


@dataclass(frozen=True)
class Axis:
    """One swept parameter: an override template and the values it takes."""

    sheet: str
    row: str
    column: str
    change: str
    values: tuple[float, ...]
    tolerance: float
    origin: tuple[str, int] | None = None

    def at(self, value: float) -> Override:
        return Override(self.sheet, self.row, self.column, self.change, value, self.origin)

    @property
    def label(self) -> str:
        rows = self.row if self.row not in ("", "*") else "*"
        op = {"set": "", "multiply": "*", "add": "+"}[self.change]
        return f"{self.sheet}[{rows}].{self.column}{op}"


@dataclass(frozen=True)
class Sweep:
    name: str
    axes: tuple[Axis, ...]
    scenario: str | None = None
    description: str = ""


@dataclass
class WhatIf:
    """Every scenario and sweep of a workbook, by name."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    sweeps: dict[str, Sweep] = field(default_factory=dict)
    # scenario -> probability, from the Uncertainty sheet (optimizer/scenarios/uncertainty.py)
    probabilities: dict[str, float] = field(default_factory=dict)

    def chain(self, name: str) -> tuple[Override, ...]:
        """A scenario's overrides, its ancestors' first (the checks exclude cycles)."""
        if name == BASE:
            return ()
        seen: list[Scenario] = []
        current: str | None = name
        while current is not None and current != BASE:
            scenario = self.scenarios[current]
            seen.append(scenario)
            current = scenario.parent
        return tuple(o for s in reversed(seen) for o in s.overrides)


def _short(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value)}"
    return str(value)


def _raw_value(raw: RawWorkbook, sheet: str, excel_row: int) -> CellValue:
    """The 'value' cell exactly as typed (a number stays a number), for 'set'."""
    table = raw.tables.get(sheet)
    if table is None:
        return None
    header = next((h for h in table.columns if h.strip().lower() == "value"), None)
    if header is None:
        return None
    for r in table.rows:
        if r.excel_row == excel_row:
            return r.cells.get(header)
    return None


def read_what_if(raw: RawWorkbook, issues: IssueList) -> WhatIf:
    """Scenarios and sweeps of the workbook, with every problem found on the two sheets."""
    out = WhatIf()
    scen = parse_table(raw.tables.get("Scenarios"), SCENARIOS, issues)
    sweeps = parse_table(raw.tables.get("Sweeps"), SWEEPS, issues)
    col_index = {("Scenarios", c): scen.column_index(c) for c in scen.columns}
    col_index.update({("Sweeps", c): sweeps.column_index(c) for c in sweeps.columns})

    def where(sheet: str, row: Row, column: str) -> dict[str, object]:
        return {"sheet": sheet, "row": row.excel_row, "column": column,
                "column_index": col_index.get((sheet, column))}

    _scenarios(raw, scen.rows, out, issues, where)
    _sweeps(sweeps.rows, out, issues, where)
    return out


def _scenarios(raw: RawWorkbook, rows: tuple[Row, ...], out: WhatIf, issues: IssueList,
               where) -> None:  # type: ignore[no-untyped-def]
    by_name: dict[str, list[Row]] = {}
    for r in rows:
        by_name.setdefault(str(r["scenario"]), []).append(r)
    for name, group in by_name.items():
        if name.lower() == BASE:
            issues.error(f"'{BASE}' is the name of the unchanged case.", value=name,
                         expected="another scenario name", **where("Scenarios", group[0],
                                                                   "scenario"))
            continue
        parents = {str(r["parent"]) for r in group if r["parent"] is not None}
        if len(parents) > 1:
            issues.error(f"Scenario {name} names more than one parent.",
                         value=", ".join(sorted(parents)), expected="one parent",
                         **where("Scenarios", group[0], "parent"))
        overrides: list[Override] = []
        for r in group:
            if r["sheet"] is None:
                if r["column"] is not None or r["value"] is not None:
                    issues.error("This change names no sheet.", value="(blank)",
                                 expected="a sheet name", **where("Scenarios", r, "sheet"))
                continue
            if r["column"] is None and r["sheet"] != "Settings":
                issues.error("This change names no column.", value="(blank)",
                             expected="a column of the sheet", **where("Scenarios", r,
                                                                       "column"))
                continue
            change = str(r["change"])
            value: CellValue = _raw_value(raw, "Scenarios", r.excel_row)
            if change != "set":
                number = parse_number(value)
                if number is None:
                    issues.error(f"A {change} change needs a number.", value=value or "(blank)",
                                 expected="a number, e.g. 0.85", **where("Scenarios", r, "value"))
                    continue
                value = number
            overrides.append(Override(str(r["sheet"]), str(r["row"] or ""),
                                      str(r["column"] or "value"), change, value,
                                      ("Scenarios", r.excel_row)))
        out.scenarios[name] = Scenario(
            name, next(iter(parents)) if len(parents) == 1 else None, tuple(overrides),
            " ".join(str(r["description"]) for r in group if r["description"]),
            group[0].excel_row)
    for scenario in list(out.scenarios.values()):
        parent = scenario.parent
        if parent is not None and parent != BASE and parent not in out.scenarios:
            row = next(r for r in rows if str(r["scenario"]) == scenario.name)
            issues.error(f"Scenario {scenario.name} starts from an unknown scenario.",
                         value=parent, expected="a scenario named on this sheet",
                         hint=did_you_mean(parent, sorted(out.scenarios)),
                         **where("Scenarios", row, "parent"))
            del out.scenarios[scenario.name]
    _cycles(out, rows, issues, where)


def _cycles(out: WhatIf, rows: tuple[Row, ...], issues: IssueList, where) -> None:  # type: ignore[no-untyped-def]
    current: str | None
    for name in list(out.scenarios):
        seen = [name]
        current = out.scenarios[name].parent
        while current is not None and current != BASE and current in out.scenarios:
            if current in seen:
                row = next(r for r in rows if str(r["scenario"]) == name)
                issues.error("Scenarios inherit from each other in a circle: "
                             + " -> ".join([*seen, current]) + ".", value=name,
                             expected="a chain of parents that ends at the base case",
                             **where("Scenarios", row, "parent"))
                break
            seen.append(current)
            current = out.scenarios[current].parent
    # drop every scenario whose chain is broken, so chain() never loops
    for name in list(out.scenarios):
        current = name
        steps = 0
        while current is not None and current != BASE:
            if current not in out.scenarios or steps > len(out.scenarios):
                del out.scenarios[name]
                break
            current = out.scenarios[current].parent
            steps += 1


def sweep_values(start: float, stop: float, step: float) -> tuple[float, ...]:
    """start, start+step, ..., stop (inclusive, rounded to the step's decimals)."""
    if step <= 0:
        return (start,)
    count = math.floor((stop - start) / step + 1e-9) + 1
    digits = max(0, -math.floor(math.log10(step)) + 3)
    return tuple(round(start + i * step, digits) for i in range(max(count, 1)))


def _list_values(text: str) -> tuple[float, ...] | None:
    parts = [p for p in re.split(r"[;\s]+", text.strip()) if p]
    numbers = [parse_number(p) for p in parts]
    if not parts or any(n is None for n in numbers):
        return None
    return tuple(float(n) for n in numbers if n is not None)


def _sweeps(rows: tuple[Row, ...], out: WhatIf, issues: IssueList, where) -> None:  # type: ignore[no-untyped-def]
    by_name: dict[str, list[Row]] = {}
    for r in rows:
        by_name.setdefault(str(r["sweep"]), []).append(r)
    for name, group in by_name.items():
        axes: list[Axis] = []
        for r in group:
            values: tuple[float, ...] | None
            step = r["step"]
            if r["values"] is not None:
                values = _list_values(str(r["values"]))
                if values is None:
                    issues.error("values must be numbers separated by ';'.", value=r["values"],
                                 expected="e.g. 0.8; 0.9; 1.1", **where("Sweeps", r, "values"))
                    continue
            elif r["from"] is not None and r["to"] is not None and step:
                if float(r["to"]) < float(r["from"]):  # type: ignore[arg-type]
                    issues.error("to is below from.", value=r["to"],
                                 expected=f"at least from ({r['from']})",
                                 **where("Sweeps", r, "to"))
                    continue
                values = sweep_values(float(r["from"]), float(r["to"]), float(step))  # type: ignore[arg-type]
            else:
                issues.error("A sweep needs from, to and step (above 0), or values.",
                             value="(blank)", expected="from, to and step, or values",
                             **where("Sweeps", r, "from"))
                continue
            ordered = tuple(sorted(set(values)))
            gaps = [b - a for a, b in itertools.pairwise(ordered)]
            tol = float(r["tolerance"]) if r["tolerance"] else (min(gaps) / 20 if gaps else 0.0)  # type: ignore[arg-type]
            axes.append(Axis(str(r["sheet"]), str(r["row"] or ""), str(r["column"]),
                             str(r["change"]), ordered, tol, ("Sweeps", r.excel_row)))
        if len(axes) > 2:
            issues.error(f"Sweep {name} changes more than two parameters.",
                         value=str(len(axes)), expected="one parameter, or two for a grid",
                         **where("Sweeps", group[2], "sweep"))
            continue
        scenarios = {str(r["scenario"]) for r in group if r["scenario"] is not None}
        if len(axes) == len(group):
            out.sweeps[name] = Sweep(name, tuple(axes), next(iter(scenarios), None),
                                     " ".join(str(r["description"]) for r in group
                                              if r["description"]))


_SWEEP_TEXT = re.compile(
    r"^\s*(?P<sheet>\w+)\s*(?:\[(?P<row>[^\]]*)\])?\s*\.\s*(?P<column>\w+)\s*"
    r"(?:(?P<op>[*+=])\s*(?P<range>.+))?$")


def parse_sweep_text(text: str, default_change: str = "multiply") -> Axis:
    """``Markets[material=MAT_02].price*0.80:1.20:0.05`` (or ``+a:b:s``, ``=v1,v2,...``).

    Without an operator and values (the API passes values apart) the change is
    ``default_change`` and the values are empty. Raises ValueError with the reason.
    """
    match = _SWEEP_TEXT.match(text)
    if match is None:
        raise ValueError(f"cannot read the sweep {text!r}: write Sheet[row].column*from:to:step, "
                         "e.g. Markets[material=MAT_02].price*0.80:1.20:0.05")
    sheet = next((s for s in DATA_SHEET_NAMES if s.lower() == match["sheet"].lower()), None)
    if sheet is None:
        raise ValueError(f"unknown sheet {match['sheet']!r} in {text!r}"
                         + (f"; {h}" if (h := did_you_mean(match["sheet"], DATA_SHEET_NAMES))
                            else ""))
    op = match["op"]
    change = {"*": "multiply", "+": "add", "=": "set", None: default_change}[op]
    values: tuple[float, ...] = ()
    if match["range"]:
        spec = match["range"].strip()
        if ":" in spec:
            parts = [parse_number(p) for p in spec.split(":")]
            if len(parts) != 3 or any(p is None for p in parts) or (parts[2] or 0) <= 0:
                raise ValueError(f"the range in {text!r} must be from:to:step with step > 0")
            start, stop, step = (float(p) for p in parts if p is not None)
            if stop < start:
                raise ValueError(f"the range in {text!r} ends below its start")
            values = sweep_values(start, stop, step)
        else:
            listed = _list_values(spec.replace(",", ";"))
            if listed is None:
                raise ValueError(f"the values in {text!r} must be numbers")
            values = tuple(sorted(set(listed)))
    gaps = [b - a for a, b in itertools.pairwise(values)]
    return Axis(sheet, (match["row"] or "").strip(), match["column"], change, values,
                min(gaps) / 20 if gaps else 0.0)


def with_values(axis: Axis, values: Sequence[float],
                tolerance: float | None = None) -> Axis:
    ordered = tuple(sorted({float(v) for v in values}))
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    tol = tolerance if tolerance is not None else (min(gaps) / 20 if gaps else 0.0)
    return Axis(axis.sheet, axis.row, axis.column, axis.change, ordered, tol, axis.origin)

