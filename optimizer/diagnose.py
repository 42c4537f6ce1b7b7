"""Why no plan exists: an elastic re-solve that names the Excel cells to change.

Every limit a user sets gets a penalised slack (``LIMITS`` below): minimum and maximum
sales (Markets), minimum offtake and availability (Sources), policy floors and budgets
(Policy), supply-group minimums and maximums (SupplyGroups), lane capacities (Lanes),
shared resources (Resources), lines per site (Sites) and existing lines' minimum use
(Lines). The elastic model keeps every other constraint
(recipes, balances, build decisions) and minimises the weighted total slack:

    minimise  sum over limits of  weight(unit of the cell) x |change of the cell|

with the weights in ``WEIGHTS`` (per unit of the cell as the user types it): 1 per tonne,
job, line or resource unit; 1 per 1,000 of currency (budgets, and the local-share row,
whose slack is in money); 1 per percentage point of a share (utilisation_min). So the
suggestion is the least total change in the units of the cells changed, with a thousand
of currency counted like a tonne.

Each non-zero slack becomes one ``Relaxation``: the sheet, the Excel row and the header
name of the cell, the value found and the value suggested (rounded in the safe direction:
floors down, ceilings up), and a sentence. Applying every suggested value gives a
workbook that solves (tests/test_diagnose.py does exactly that).

Two more answers come with it, each in the terminal report, the Diagnosis sheet and the
JSON: a line the workbook keeps out (``status`` excluded, a later ``period_earliest``)
whose allowance alone makes a plan possible with every limit as typed ("... or allow line
L2", optimizer/diagnose_lines.py, JSON ``alternatives``), and the limits that conflict
even when lines may be built in part, from HiGHS's IIS of the linear relaxation
(optimizer/diagnose_iis.py, JSON ``conflict``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pyomo.core as pyo

from models.chain.data import ChainData, market_key
from models.chain.formulation import build_model
from optimizer.solve import SolveSettings, SolveStatus, solve_model

if TYPE_CHECKING:
    from models.validation.raw import RawWorkbook
    from optimizer.diagnose_iis import ConflictCell
    from optimizer.diagnose_lines import LineAllowance

# weight per unit of the cell the user types (see the module docstring)
WEIGHTS = {"t": 1.0, "count": 1.0, "money": 1e-3, "fraction": 100.0, "resource": 1.0}
TOL = 1e-6


@dataclass
class Relaxation:
    sheet: str
    row: int
    column: str
    found: float
    suggested: float
    message: str
    periods: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("periods")
        return out


@dataclass
class Diagnosis:
    status: str  # "infeasible", "feasible" (nothing to relax) or "unknown"
    relaxations: list[Relaxation] = field(default_factory=list)
    note: str = ""
    # options of kept-out lines whose allowance alone makes a plan possible (each a list
    # of Lines cells to change together), and the IIS's cells (None: no IIS)
    line_options: list[list[LineAllowance]] = field(default_factory=list)
    conflict: list[ConflictCell] | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status,
                               "relaxations": [r.as_json() for r in self.relaxations],
                               "alternatives": [a.as_json() for option in self.line_options
                                                for a in option]}
        if self.conflict is not None:
            out["conflict"] = [c.as_json() for c in self.conflict]
        if self.note:
            out["note"] = self.note
        return out

    def option_texts(self) -> list[str]:
        from optimizer.diagnose_lines import describe

        return [describe(option) for option in self.line_options]

    def conflict_text(self) -> str:
        if not self.conflict:
            return ""
        what = "these limits cannot hold together" if len(self.conflict) > 1 else \
            "this limit cannot hold"
        return (f"Even with lines built in part, {what} with the recipes and lines as they "
                "are (HiGHS's IIS of the linear relaxation): "
                + "; ".join(c.text() for c in self.conflict) + ".")

    def report(self) -> str:
        if self.status == "feasible":
            return "A plan exists: every limit can be met; nothing to relax."
        options = self.option_texts()
        tail = [f"- {self.conflict_text()}"] if self.conflict else []
        if not self.relaxations:
            if options:
                return "\n".join(["No plan meets every limit. Each of these makes one possible "
                                  "with every limit as typed:",
                                  *(f"- {o}." for o in options), *tail])
            return "\n".join(["No plan exists, and relaxing the limits a user sets does not "
                              "help: " + (self.note or "check recipes, lanes and the "
                                          "validation warnings."), *tail])
        head = ("No plan meets every limit. The smallest change that makes one possible "
                f"({len(self.relaxations)} cell{'s' if len(self.relaxations) > 1 else ''}):")
        lines = [head, *(f"- {r.message}" for r in self.relaxations)]
        if options and len(self.relaxations) > 1:
            lines.append("- Or, instead of these changes: " + "; or ".join(options) + ".")
        return "\n".join([*lines, *tail])


# ---- which rows of which sheet a limit comes from ------------------------------------------


def market_rows(d: ChainData) -> dict[tuple[str, ...], Any]:
    """(market, material, period) -> its Markets row; market is the row's market_id when
    it has one (a contract at its place), else its place: the keys of the sales variable."""
    return {(market_key(r), k[1], k[3]): r for k, r in
            _expanded_rows(d, "Markets", ("market", "material", "market_id")).items()}


def _expanded_rows(d: ChainData, sheet: str, key: tuple[str, ...]) -> dict[tuple[str, ...], Any]:
    """(key..., period) -> the input row that sets it (a row naming the period wins)."""
    rows = list(d.tables[sheet].rows) if sheet in d.tables else []
    out: dict[tuple[str, ...], Any] = {}
    for r in rows:
        if r["period"] is not None:
            out[(*(str(r[k]) for k in key), str(r["period"]))] = r
    for r in rows:
        if r["period"] is None:
            for p in d.periods:
                out.setdefault((*(str(r[k]) for k in key), p), r)
    return out


def _policy_rows(d: ChainData) -> dict[tuple[str, str], Any]:
    out: dict[tuple[str, str], Any] = {}
    rows = [r for r in d.tables["Policy"].rows if r["active"]] if "Policy" in d.tables else []
    for r in rows:
        kind = str(r["policy"])
        if kind == "budget_total":
            out[kind, ""] = r
        elif r["period"] is not None:
            out[kind, str(r["period"])] = r
    for r in rows:
        kind = str(r["policy"])
        if kind != "budget_total" and r["period"] is None:
            for p in (d.periods[-1:] if kind in ("lines_min", "jobs_min") else d.periods):
                out.setdefault((kind, p), r)
    return out


def _first_row(d: ChainData, sheet: str, **match: str) -> Any:
    for r in d.tables[sheet].rows:
        if all(str(r[k]) == v for k, v in match.items()):
            return r
    return None


# ---- the elastic model ---------------------------------------------------------------------


@dataclass
class _Slack:
    """One penalised slack: where its cell is and how a slack value changes the cell."""

    sheet: str
    row: Any  # the input Row
    column: str
    sense: str  # "floor": the cell is a minimum (lower it); "ceiling": a maximum (raise it)
    unit: str
    period: str
    per_unit: float = 1.0  # change of the cell per unit of slack
    describe: str = ""


def _elastic(d: ChainData) -> tuple[pyo.ConcreteModel, list[tuple[_Slack, Any]]]:
    m = build_model(d)
    m.net_value.deactivate()
    slacks: list[tuple[_Slack, Any]] = []
    m.slack = pyo.VarList(domain=pyo.NonNegativeReals)
    m.elastic = pyo.ConstraintList()

    def add(spec: _Slack) -> Any:
        s = m.slack.add()
        slacks.append((spec, s))
        return s

    markets = market_rows(d)
    for (n, mat, p), var in m.sales.items():
        row = markets.get((n, mat, p))
        if row is None:
            continue
        what = f"{mat} at {n}"
        lo, hi = var.lb, var.ub
        var.setlb(0)
        var.setub(None)
        if lo:
            m.elastic.add(var + add(_Slack("Markets", row, "sales_min", "floor", "t", p,
                                           describe=what)) >= lo)
        if hi is not None:
            m.elastic.add(var - add(_Slack("Markets", row, "sales_max", "ceiling", "t", p,
                                           describe=what)) <= hi)
    sources = _expanded_rows(d, "Sources", ("source",))
    for (o, p), var in m.purchase.items():
        row = sources.get((o, p))
        if row is None:
            continue
        what = f"{o} ({d.source_material[o]})"
        lo, hi = var.lb, var.ub
        var.setlb(0)
        var.setub(None)
        if lo:
            m.elastic.add(var + add(_Slack("Sources", row, "offtake_min", "floor", "t", p,
                                           describe=what)) >= lo)
        if hi is not None:
            m.elastic.add(var - add(_Slack("Sources", row, "availability", "ceiling", "t", p,
                                           describe=what)) <= hi)
    policy = _policy_rows(d)
    for name, kind, column_unit in (
            ("jobs_min_floor", "jobs_min", "count"), ("lines_min_floor", "lines_min", "count"),
            ("recovered_min_floor", "recovered_min", "t"),
            ("local_share_floor", "local_share_min", "money"),
            ("budget_total_limit", "budget_total", "money"),
            ("budget_period_limit", "budget_period", "money")):
        comp = getattr(m, name, None)
        if comp is None:
            continue
        for index, con in comp.items():
            p = "" if index is None else str(index)
            row = policy.get((kind, p))
            if row is None:
                continue
            sense = "ceiling" if kind.startswith("budget") else "floor"
            _relax(m, con, add(_Slack("Policy", row, "value", sense, column_unit, p,
                                      describe=kind)))
    groups = _expanded_rows(d, "SupplyGroups", ("group",))
    for name, column, sense in (("supply_group_floor", "purchases_min", "floor"),
                                ("supply_group_ceiling", "purchases_max", "ceiling")):
        for (g, p), con in getattr(m, name, {}).items():
            row = groups.get((g, p))
            if row is not None:
                _relax(m, con, add(_Slack("SupplyGroups", row, column, sense, "t", p,
                                          describe=f"supply group {g}")))
    for (a, p), con in getattr(m, "lane_capacity_limit", {}).items():
        row = _first_row(d, "Lanes", lane=a)
        if row is not None:
            _relax(m, con, add(_Slack("Lanes", row, "capacity", "ceiling", "t", p,
                                      describe=f"lane {a}")))
    for (s, r, p), con in getattr(m, "site_resource_limit", {}).items():
        row = _first_row(d, "Resources", site=s, resource=r)
        if row is not None:
            _relax(m, con, add(_Slack("Resources", row, "available", "ceiling", "resource",
                                      p, describe=f"{r} at {s}")))
    for (s, p), con in getattr(m, "site_lines_limit", {}).items():
        row = _first_row(d, "Sites", site=s)
        if row is not None:
            _relax(m, con, add(_Slack("Sites", row, "lines_max", "ceiling", "count", p,
                                      describe=f"lines at {s}")))
    for (line, p), con in getattr(m, "utilisation_floor", {}).items():
        if line not in d.lines_existing:
            continue  # a candidate's floor holds by not building it
        row = _first_row(d, "Lines", line=line)
        if row is not None and d.capacity[line] > 0:
            _relax(m, con, add(_Slack("Lines", row, "utilisation_min", "floor", "fraction", p,
                                      per_unit=1.0 / d.capacity[line],
                                      describe=f"existing line {line}")))
    m.total_slack = pyo.Objective(
        expr=sum(WEIGHTS[spec.unit] * spec.per_unit * s for spec, s in slacks),
        sense=pyo.minimize)
    return m, slacks


def _relax(m: pyo.ConcreteModel, con: Any, s: Any) -> None:
    """Replace ``con`` (body <= upper or body >= lower) by its elastic version."""
    con.deactivate()
    if con.upper is not None:
        m.elastic.add(con.body - s <= con.upper)
    if con.lower is not None:
        m.elastic.add(con.body + s >= con.lower)


# ---- from slack to suggested cell values ------------------------------------------------------


def _safe_round(value: float, sense: str, unit: str) -> float:
    """Round the suggestion so the changed limit still admits the relaxed plan."""
    step = {"fraction": 1e-3, "count": 1.0}.get(unit, 1.0)
    q = value / step
    q = math.floor(q + 1e-9) if sense == "floor" else math.ceil(q - 1e-9)
    out = q * step
    return round(out, 3) if step < 1 else float(out)


def _local_share(m: pyo.ConcreteModel, d: ChainData, p: str) -> float:
    """The local share (by value) of the relaxed plan's purchases in period p."""
    local = total = 0.0
    for (o, q), var in m.purchase.items():
        if q != p:
            continue
        cost = d.source_price[o, q] * (var.value or 0.0)
        total += cost
        local += cost if d.source_local[o] else 0.0
    return local / total if total > 0 else 1.0


def _suggestions(m: pyo.ConcreteModel, d: ChainData,
                 slacks: list[tuple[_Slack, Any]]) -> list[Relaxation]:
    by_cell: dict[tuple[str, int, str], list[tuple[_Slack, float]]] = {}
    for spec, s in slacks:
        v = s.value or 0.0
        if v > TOL * (1 + abs(v)) and v > 1e-6:
            by_cell.setdefault((spec.sheet, spec.row.excel_row, spec.column), []).append(
                (spec, v))
    out: list[Relaxation] = []
    for (sheet, excel_row, column), hits in sorted(by_cell.items()):
        spec = hits[0][0]
        found = float(spec.row[column])
        periods = sorted({h.period for h, _ in hits if h.period})
        if spec.describe == "local_share_min":
            new = min(_local_share(m, d, h.period) for h, _ in hits)
        else:
            change = max(v * h.per_unit for h, v in hits)
            new = found - change if spec.sense == "floor" else found + change
        new = max(_safe_round(new, spec.sense, spec.unit), 0.0)
        out.append(Relaxation(sheet, excel_row, column, found, new,
                              _sentence(spec, found, new, periods, len(d.periods) > 1),
                              periods))
    if len(out) > 1:  # the amounts only hold together
        for r in out:
            r.message = r.message[:-1] + " (together with the other changes listed)."
    return out


def _fmt(x: float) -> str:
    return f"{x:,.3f}".rstrip("0").rstrip(".") if x != int(x) else f"{x:,.0f}"


def _sentence(spec: _Slack, found: float, new: float, periods: list[str], many: bool) -> str:
    when = f" in {', '.join(periods)}" if many and periods else ""
    unit = {"t": " t", "money": "", "count": "", "fraction": "", "resource": ""}[spec.unit]
    where = f"{spec.sheet} row {spec.row.excel_row}"
    what = spec.describe
    if spec.sheet == "Policy":
        what = str(spec.row["policy"])
    label = {"sales_min": "minimum", "sales_max": "maximum", "offtake_min": "minimum offtake",
             "availability": "availability", "value": "", "capacity": "capacity",
             "available": "available", "lines_max": "lines_max",
             "utilisation_min": "utilisation_min", "purchases_min": "minimum purchases",
             "purchases_max": "maximum purchases"}[spec.column]
    head = f"{where} ({what}, {label} {_fmt(found)}{unit})" if label else \
        f"{where} ({what} {_fmt(found)}{unit})"
    if spec.sense == "floor":
        return (f"{head} cannot be met{when}: at most {_fmt(new)}{unit} can be reached with "
                f"the other limits; lower it by {_fmt(found - new)}{unit} to {_fmt(new)}.")
    return (f"{head} is too tight{when}: at least {_fmt(new)}{unit} is needed to meet "
            f"the other limits; raise it by {_fmt(new - found)}{unit} to {_fmt(new)}.")


# ---- entry point ------------------------------------------------------------------------------


def diagnose(d: ChainData, settings: SolveSettings | None = None,
             raw: RawWorkbook | None = None) -> Diagnosis:
    """The least weighted change to the user's limits that lets a plan exist; with the
    raw tables, also the kept-out lines whose allowance alone would do (each confirmed by
    a re-solve), and the conflicting limits from the IIS of the linear relaxation. The
    elastic solve gets ``settings.time_limit``; the IIS and the line search share what
    is left of twice that."""
    settings = settings or SolveSettings(time_limit=min(d.time_limit, 120.0),
                                         mip_gap=1e-6)
    deadline = time.perf_counter() + 2 * settings.time_limit
    result = _diagnose_limits(d, settings)
    if result.status != "infeasible":
        return result
    from optimizer.diagnose_iis import conflict
    from optimizer.diagnose_lines import describe, line_options

    result.conflict = conflict(d, min(20.0, max(deadline - time.perf_counter(), 1.0)))
    options, why = line_options(raw, d, deadline - time.perf_counter())
    result.line_options = options
    if why:
        result.note = f"{result.note}; {why}" if result.note else why
    if options and len(result.relaxations) == 1:  # "lower it by 360 t, or allow line L2"
        r = result.relaxations[0]
        r.message = r.message[:-1] + ", or " + "; or ".join(describe(o) for o in options) + "."
    return result


def _diagnose_limits(d: ChainData, settings: SolveSettings) -> Diagnosis:
    m, slacks = _elastic(d)
    fixed = list(m.constant_violations)
    m.constant_violations = []  # limits no decision enters: named in the note, not relaxed
    solved = solve_model(m, settings)
    if solved.status is SolveStatus.INFEASIBLE:
        return Diagnosis("infeasible", note="even with every user limit relaxed there is "
                         "no plan: a recipe, a lane or an existing line makes it impossible "
                         "(see the validation warnings)")
    if not solved.status.has_plan:
        return Diagnosis("unknown", note=f"the diagnosis solve stopped: {solved.describe()}")
    relaxations = _suggestions(m, d, slacks)
    if fixed:
        return Diagnosis("infeasible", relaxations, "these limits cannot hold whatever is "
                         "built (see the validation warnings): " + "; ".join(fixed))
    if not relaxations:
        return Diagnosis("feasible")
    note = "" if solved.status is SolveStatus.OPTIMAL else (
        "the diagnosis solve stopped at its time limit: the change suggested works but "
        "may not be the smallest")
    return Diagnosis("infeasible", relaxations, note)


def apply(tables: dict[str, list[dict[str, Any]]], relaxations: Iterable[Relaxation],
          row_of: Callable[[str, int], int] = lambda _s, r: r - 2) -> None:
    """Set every suggested value on case tables (sheet -> list of row dicts, header in
    row 1): what a script does with the JSON."""
    for r in relaxations:
        tables[r.sheet][row_of(r.sheet, r.row)][r.column] = r.suggested


def write_diagnosis(target: Any, result: Diagnosis, case: str) -> Any:
    """A one-sheet Diagnosis workbook beside where the results would have gone (atomic)."""
    import xlsxwriter

    from optimizer.fileio import atomic_write

    def write(tmp: Any) -> None:
        book = xlsxwriter.Workbook(str(tmp))
        sheet = book.add_worksheet("Diagnosis")
        bold = book.add_format({"bold": True})
        sheet.write(0, 0, f"{case}: {result.report().splitlines()[0]}", bold)
        header = ["sheet", "row", "column", "found", "suggested", "message"]
        for j, h in enumerate(header):
            sheet.write(2, j, h, bold)
        for i, r in enumerate(result.relaxations, start=3):
            for j, v in enumerate((r.sheet, r.row, r.column, r.found, r.suggested, r.message)):
                sheet.write(i, j, v)
        row = len(result.relaxations) + 4
        row = _write_options(sheet, bold, row, result)
        if result.conflict:
            sheet.write(row, 0, result.conflict_text())
            row += 2
        if result.note:
            sheet.write(row, 0, result.note)
        sheet.set_column(0, 2, 14)
        sheet.set_column(5, 5, 110)
        book.close()

    return atomic_write(target, write)


def _write_options(sheet: Any, bold: Any, row: int, result: Diagnosis) -> int:
    """The kept-out lines whose allowance alone makes a plan possible: one row per cell,
    with the option it belongs to (cells of one option are changed together)."""
    if not result.line_options:
        return row
    sheet.write(row, 0, "Or allow a line the workbook keeps out (each option alone makes a "
                "plan possible with every limit as typed):", bold)
    for j, h in enumerate(("sheet", "row", "column", "found", "suggested", "option")):
        sheet.write(row + 1, j, h, bold)
    row += 2
    for option, text in zip(result.line_options, result.option_texts(), strict=True):
        for a in option:
            for j, v in enumerate((a.sheet, a.row, a.column, a.found, a.suggested,
                                   f"{a.option}: {text}")):
                sheet.write(row, j, v)
            row += 1
    return row + 1
