"""Diagnosis, second half: which line the workbook keeps out would make a plan possible.

A line can be kept out by the workbook in two ways this module undoes: its ``status`` is
``excluded`` (suggested: ``candidate``), or its ``period_earliest`` is later than the
period it would be needed in (suggested: that period). Groups, line slots and budgets are
limits the elastic diagnosis already relaxes or names (optimizer/diagnose.py); clearing a
group cell is not offered (it changes which other lines may be built too).

How a line is found, with every user limit held as typed:

1. every such line is allowed at once (the cells changed on a copy of the raw tables,
   validated and built as usual) and the MILP minimises the number of allowances a plan
   uses, :math:`\\min \\sum_a u_a`, where :math:`u_a` is the line's builds (for an
   excluded line) or its builds before its original earliest period;
2. the allowances of that plan are one *option*; it is confirmed by re-solving the
   workbook with only those cells changed (what a user gets by editing them), and kept
   only when that re-solve has a plan;
3. the option is cut off (:math:`\\sum_{a \\in S} u_a \\le |S| - 1`) and step 1 repeats,
   for at most ``MOST`` options or until the time is up.

Each option's cells go to the JSON as ``alternatives`` (``sheet``, ``row``, ``column``,
``found``, ``suggested``, ``line``, ``option``): a script applies the cells of one option.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo

from models.chain.data import ChainData, load_data
from models.chain.formulation import build_model
from models.validation.issues import IssueList
from models.validation.raw import RawRow, RawWorkbook
from optimizer.solve import SolveSettings, SolveStatus, solve_model

MOST = 3  # options listed at most


@dataclass
class LineAllowance:
    """One cell that keeps a line out, and the value that lets it in."""

    line: str
    row: int  # Excel row on the Lines sheet
    column: str  # "status" or "period_earliest"
    found: str
    suggested: str
    option: int = 0  # cells of one option are applied together
    sheet: str = "Lines"

    @property
    def change(self) -> str:
        return f"Lines row {self.row}, {self.column}: {self.found} -> {self.suggested}"

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "found": self.found, "suggested": self.suggested, "line": self.line,
                "option": self.option}


def describe(option: list[LineAllowance]) -> str:
    """'allow line L2 (Lines row 3, status: excluded -> candidate)', or several lines."""
    lines = sorted({a.line for a in option})
    what = ("line " if len(lines) == 1 else "lines ") + " and ".join(lines)
    return f"allow {what} ({'; '.join(a.change for a in option)})"


# ---- the cells that keep lines out -------------------------------------------------------------


def _kept_out(d: ChainData) -> list[tuple[LineAllowance, int]]:
    """Each cell that keeps a line out, with the index of the earliest period it allows
    (0 for an excluded line: every period)."""
    order = {p: i for i, p in enumerate(d.periods)}
    out: list[tuple[LineAllowance, int]] = []
    for r in d.tables["Lines"].rows:
        line = str(r["line"])
        if r["status"] == "excluded":
            out.append((LineAllowance(line, r.excel_row, "status", "excluded", "candidate"), 0))
        elif r["status"] != "existing" and r["period_earliest"] is not None:
            first = order.get(str(r["period_earliest"]), 0)
            if first > 0:
                out.append((LineAllowance(line, r.excel_row, "period_earliest",
                                          str(r["period_earliest"]), d.periods[0]), first))
    return out


def _with_cells(raw: RawWorkbook, d: ChainData, cells: list[LineAllowance]) -> RawWorkbook:
    """A copy of the raw tables with the Lines cells set (the raw header names are the
    ones whose column the validated table maps each schema column to)."""
    table = raw.tables["Lines"]
    where = d.tables["Lines"].columns
    header = {name: next(h for h, c in table.columns.items() if c == where[name])
              for name in {a.column for a in cells}}
    by_row = {a.row: a for a in cells}
    rows = []
    for row in table.rows:
        edits = [a for a in cells if a.row == row.excel_row]
        if row.excel_row in by_row:
            values = dict(row.cells)
            for a in edits:
                values[header[a.column]] = a.suggested
            row = RawRow(row.excel_row, values)
        rows.append(row)
    tables = dict(raw.tables)
    tables["Lines"] = dataclasses.replace(table, rows=tuple(rows))
    return dataclasses.replace(raw, tables=tables)


# ---- the search -------------------------------------------------------------------------------


def _usage(m: pyo.ConcreteModel, allowance: LineAllowance, first: int,
           periods: list[str]) -> Any:
    """Builds that only the allowance permits: any build of an excluded line, or a build
    before the line's original earliest period."""
    before = set(periods[:first]) if allowance.column == "period_earliest" else set(periods)
    return sum(m.build[allowance.line, p] for p in m.ix.build_periods.get(allowance.line, [])
               if p in before)


def _used(m: pyo.ConcreteModel, allowance: LineAllowance, first: int,
          periods: list[str]) -> LineAllowance | None:
    """The allowance as the plan uses it (for an earlier period: the period it is built in)."""
    built = [p for p in m.ix.build_periods.get(allowance.line, [])
             if (m.build[allowance.line, p].value or 0.0) > 0.5]
    if allowance.column == "status":
        return allowance if built else None
    early = [p for p in built if periods.index(p) < first]
    return dataclasses.replace(allowance, suggested=early[0]) if early else None


def _solves(raw: RawWorkbook, d: ChainData, option: list[LineAllowance],
            settings: SolveSettings) -> bool:
    """Re-solve the workbook with only this option's cells changed: the confirmation."""
    changed = load_data(_with_cells(raw, d, option), IssueList(raw.file))
    if changed is None:
        return False
    return solve_model(build_model(changed), settings).status.has_plan


def line_options(raw: RawWorkbook | None, d: ChainData, seconds: float,
                 most: int = MOST) -> tuple[list[list[LineAllowance]], str]:
    """Up to ``most`` options, each the fewest kept-out lines whose allowance (with every
    user limit as typed) makes a plan possible, each confirmed by a re-solve. Returns
    (options, note); the note says why the search stopped early, if it did."""
    if raw is None or "Lines" not in raw.tables:
        return [], ""
    kept = _kept_out(d)
    if not kept:
        return [], ""
    deadline = time.perf_counter() + seconds

    def settings() -> SolveSettings | None:
        left = deadline - time.perf_counter() - 1.0
        return SolveSettings(time_limit=left, mip_gap=1e-6, grace=0.5) if left >= 1.0 \
            else None

    widened = load_data(_with_cells(raw, d, [a for a, _ in kept]), IssueList(raw.file))
    if widened is None:
        return [], "the lines kept out do not pass validation when allowed"
    m = build_model(widened)
    m.net_value.deactivate()
    periods = list(widened.periods)
    usage = [(a, first, _usage(m, a, first, periods)) for a, first in kept]
    m.allow_count = pyo.Objective(expr=sum(u for _, _, u in usage), sense=pyo.minimize)
    m.allow_cut = pyo.ConstraintList()
    options: list[list[LineAllowance]] = []
    while len(options) < most:
        step = settings()
        if step is None:
            return options, "the time for the diagnosis ran out while looking for lines"
        solved = solve_model(m, step)
        if solved.status is SolveStatus.INFEASIBLE or not solved.status.has_plan:
            break
        used = [(u, a) for a, first, expr in usage
                if (u := _used(m, a, first, periods)) is not None]
        if not used:
            break  # a plan without any allowance: nothing to suggest
        option = [u for u, _ in used]
        chosen = [x for _, x in used]
        m.allow_cut.add(sum(expr for a, _, expr in usage if any(a is x for x in chosen))
                        <= len(used) - 1)
        check = settings()
        if check is None:
            return options, "the time for the diagnosis ran out while looking for lines"
        if _solves(raw, d, option, check):
            number = len(options) + 1
            options.append([dataclasses.replace(a, option=number) for a in option])
    return options, ""
