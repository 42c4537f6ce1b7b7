r"""A plan robust to uncertainty: the extensive form over the Uncertainty sheet's scenarios,
and the figures that say what robustness is worth.

With :math:`\varpi_s` the probabilities, :math:`z_s(b)` scenario s's best net value when
the lines ``b`` are built (its flows re-optimised), and :math:`z_s^*` its best net value
with the lines of its own choice:

- **RP** (the robust plan's expected value) :math:`= \max_b \sum_s \varpi_s z_s(b)`, the
  extensive form (models/chain/stochastic.py), solved once with HiGHS;
- **WS** (wait and see) :math:`= \sum_s \varpi_s z_s^*`: each scenario solved alone, as
  if it were known before building;
- **EV plan**: the plan of the *average scenario*, whose every input that some scenario
  changes is replaced by its probability-weighted mean (``mean_tables``);
- **EEV** :math:`= \sum_s \varpi_s z_s(b^{EV})`: the EV plan's lines held built and each
  scenario's flows re-optimised; not defined when the EV plan has no feasible flows in
  some scenario;
- **VSS** :math:`= RP - EEV \ge 0` (value of the stochastic solution) and
  **EVPI** :math:`= WS - RP \ge 0` (expected value of perfect information).

Every solve goes through optimizer/solve.py: the extensive form in a solver process
with the hard time limit (``solve_model``), the single-scenario solves in this process
(``solve_in_process``, as the scenario workers do).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.chain.data import ChainData, load_data
from models.chain.schema import SHEETS_BY_NAME
from models.validation.hints import loose
from models.validation.issues import IssueList
from models.validation.numbers import read_number
from models.validation.raw import CellValue, RawRow, RawWorkbook
from optimizer.scenarios.overrides import (
    _header_key,
    apply_overrides,
    load_scenario,
    model_tables,
)
from optimizer.scenarios.spec import WhatIf
from optimizer.scenarios.uncertainty import SHEET, read_uncertainty

if TYPE_CHECKING:
    from optimizer.solve import SolveResult, SolveSettings

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
# Two values closer than this (relative to the larger) count as equal in VSS and EVPI.
REL_TOL = 1e-9


class RobustError(ValueError):
    """The uncertainty cannot be analysed as given; ``issues`` holds every located reason."""

    def __init__(self, issues: IssueList) -> None:
        self.issues = issues
        super().__init__(issues.report())


@dataclass
class ScenarioFigures:
    """One scenario: its probability, the robust plan's outcome in it, its own best plan
    (wait and see) and the average-scenario plan's outcome in it (EEV)."""

    name: str
    probability: float
    description: str = ""
    robust_value: float | None = None  # z_s(b^RP): net value with the robust plan's lines
    robust_kpis: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)  # the independent checker's
    own_status: str = ""
    own_value: float | None = None  # z_s^*: its own best plan
    own_built: frozenset[str] = frozenset()
    own_gap: float | None = None
    ev_status: str = ""
    ev_value: float | None = None  # z_s(b^EV)

    @property
    def regret(self) -> float | None:
        """What the robust plan gives up in this scenario against its own best plan."""
        if self.own_value is None or self.robust_value is None:
            return None
        return self.own_value - self.robust_value


@dataclass
class MeanCell:
    """One input cell of the average scenario."""

    sheet: str
    row: int
    column: str
    base: CellValue
    value: CellValue
    how: str  # mean | blank (no limit in some scenario) | most probable


@dataclass
class RobustResult:
    case_name: str
    currency: str
    solve: SolveResult  # the extensive form's
    scenarios: list[ScenarioFigures]
    built: dict[str, str] = field(default_factory=dict)  # robust plan: line -> build period
    line_info: dict[str, tuple[str, str]] = field(default_factory=dict)  # line -> site, tech
    rp: float | None = None
    ws: float | None = None
    ev_status: str = ""
    ev_reason: str = ""
    ev_value: float | None = None  # the average scenario's own net value
    ev_built: dict[str, str] = field(default_factory=dict)
    eev: float | None = None
    eev_reason: str = ""
    ws_reason: str = ""
    mean_cells: list[MeanCell] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    size: dict[str, int] = field(default_factory=dict)
    single_size: dict[str, int] = field(default_factory=dict)
    mip_gap: float = 0.0
    output: Path | None = None  # the robust-plan workbook, once written

    @property
    def has_plan(self) -> bool:
        return self.solve.status.has_plan

    @property
    def vss(self) -> float | None:
        """Value of the stochastic solution: RP - EEV."""
        return None if self.rp is None or self.eev is None else self.rp - self.eev

    @property
    def evpi(self) -> float | None:
        """Expected value of perfect information: WS - RP."""
        return None if self.rp is None or self.ws is None else self.ws - self.rp

    @property
    def added(self) -> list[str]:
        """Lines the robust plan builds and the average-scenario plan does not."""
        return sorted(set(self.built) - set(self.ev_built))

    @property
    def dropped(self) -> list[str]:
        """Lines the average-scenario plan builds and the robust plan does not."""
        return sorted(set(self.ev_built) - set(self.built))

    @property
    def findings(self) -> list[str]:
        return [f"{s.name}: {f}" for s in self.scenarios for f in s.findings]


# ---- the scenarios' data ------------------------------------------------------------------


def scenario_data(raw: RawWorkbook, what_if: WhatIf, issues: IssueList
                  ) -> tuple[dict[str, tuple[float, ChainData]], dict[str, str]]:
    """Every scenario of the Uncertainty sheet as validated data with its probability.

    Raises RobustError (every problem located) when the sheet is empty or wrong, a
    scenario is invalid, or the scenarios disagree on which lines may be built when.
    """
    from models.chain.stochastic import differing_options

    found = IssueList(issues.file)
    uncertainty = read_uncertainty(raw, what_if, found)
    if not uncertainty and not found.has_errors:
        found.error("The workbook has no Uncertainty sheet rows: a robust plan needs the "
                    "scenarios it must serve and their probabilities.", sheet=SHEET,
                    expected="rows of scenario and probability, adding up to 1",
                    hint="Add the Uncertainty sheet (chainopt template has it).")
    out: dict[str, tuple[float, ChainData]] = {}
    for name in uncertainty.names:
        data = load_scenario(raw, what_if.chain(name), name, found)
        if data is not None:
            out[name] = (uncertainty.probability[name], data)
    if not found.has_errors:
        for name, text in differing_options({n: d for n, (_p, d) in out.items()}).items():
            found.error(f"Scenario {name} changes which lines may be built or when: {text}. "
                        "A robust plan takes one build decision for every scenario.",
                        value=name, expected="scenarios that change prices, costs, "
                        "capacities or limits, not Lines.status or period_earliest",
                        sheet=SHEET, row=uncertainty.rows[name], column="scenario")
    if found.has_errors:
        issues.extend(found)
        raise RobustError(found)
    return out, uncertainty.descriptions


def _headers(raw: RawWorkbook, sheet: str) -> dict[str, str]:
    """Schema column name -> the header text the sheet uses for it."""
    table = raw.tables[sheet]
    out: dict[str, str] = {}
    for text in table.columns:
        for col in SHEETS_BY_NAME[sheet].columns:
            if _header_key(text) == _header_key(col.name) and col.name not in out:
                out[col.name] = text
    return out


def mean_tables(raw: RawWorkbook, what_if: WhatIf, probability: Mapping[str, float]
                ) -> tuple[RawWorkbook, list[MeanCell]]:
    """The average scenario's tables: every cell some scenario changes, replaced by the
    probability-weighted mean of its value over the scenarios.

    A cell that is blank (no limit, unlimited) in some scenario stays blank: the mean of
    "no limit" and any number is no limit. A cell that is not a number (a status, an ID)
    takes its most probable value. Cells no scenario changes keep the base value.
    """
    values: dict[tuple[str, int, str], dict[str, CellValue]] = {}
    applied = {}
    for name in probability:
        result = apply_overrides(raw, what_if.chain(name))
        applied[name] = result.raw
        for sheet, row, column in result.touched:
            values.setdefault((sheet, row, column), {})
    for (sheet, row, column), by_name in values.items():
        for name, book in applied.items():
            found = book.tables[sheet]
            cells = next((r.cells for r in found.rows if r.excel_row == row), {})
            by_name[name] = cells.get(_headers(book, sheet).get(column, column))
    tables = dict(raw.tables)
    out: list[MeanCell] = []
    for (sheet, row, column), by_name in sorted(values.items()):
        value, how = _mean(by_name, probability)
        table = tables[sheet]
        header = _headers(raw, sheet).get(column, "")
        if not header:  # an optional column the base sheet does not have
            header = column
            if header not in table.columns:
                columns = dict(table.columns)
                columns[header] = max(columns.values(), default=0) + 1
                table = dataclasses.replace(table, columns=columns)
        base = next((r.cells.get(header) for r in table.rows if r.excel_row == row), None)
        rows = tuple(RawRow(r.excel_row, {**r.cells, header: value}) if r.excel_row == row
                     else r for r in table.rows)
        tables[sheet] = dataclasses.replace(table, rows=rows)
        out.append(MeanCell(sheet, row, column, base, value, how))
    return dataclasses.replace(raw, tables=tables), out


def _mean(by_name: Mapping[str, CellValue], probability: Mapping[str, float]
          ) -> tuple[CellValue, str]:
    numbers: dict[str, float] = {}
    for name, value in by_name.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, "blank"
        reading = read_number(value)
        if reading.value is None:
            break
        numbers[name] = float(reading.value)
    else:
        return sum(probability[n] * v for n, v in numbers.items()), "mean"
    weight: dict[str, float] = {}
    for name, value in by_name.items():  # first seen wins a tie: the sheet's order
        weight[str(value)] = weight.get(str(value), 0.0) + probability[name]
    best = max(weight, key=lambda k: weight[k])
    return next(v for v in by_name.values() if str(v) == best), "most probable"


# ---- solving ------------------------------------------------------------------------------


def _built(model: Any) -> dict[str, str]:
    """line -> build period of a solved scenario model."""
    return {line: p for (line, p), v in model.build.items() if (v.value or 0.0) > 0.5}


def _solve_single(data: ChainData, settings: SolveSettings,
                  hold: Mapping[tuple[str, str], float] | None = None
                  ) -> tuple[SolveResult, Any]:
    from models.chain.stochastic import hold_builds, scenario_model
    from optimizer.solve import solve_in_process

    model = scenario_model(data)
    if hold is not None:
        hold_builds(model, hold)
    return solve_in_process(model, settings), model


def analyse(raw: RawWorkbook, what_if: WhatIf, base: ChainData, settings: SolveSettings,
            issues: IssueList | None = None, progress: Progress | None = None,
            single_settings: SolveSettings | None = None) -> RobustResult:
    """The robust plan and its figures (module docstring). Raises RobustError when the
    Uncertainty sheet or a scenario is wrong. ``settings`` apply to the extensive form,
    ``single_settings`` (default: the same) to every single-scenario solve."""
    from models.chain.checks import check_solution
    from models.chain.results import extract_results
    from models.chain.stochastic import build_extensive_form, build_values
    from optimizer.solve import solve_model

    issues = issues or IssueList(raw.file)
    single = single_settings or settings
    say = progress or (lambda _text: None)
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    scenarios, descriptions = scenario_data(raw, what_if, issues)
    seconds["validate"] = time.perf_counter() - t0

    say("build")
    t0 = time.perf_counter()
    ef = build_extensive_form(scenarios)
    seconds["build"] = time.perf_counter() - t0
    say("solve the extensive form")
    solved = solve_model(ef, settings)
    seconds["solve"] = solved.seconds
    figures = [ScenarioFigures(n, p, descriptions.get(n, "")) for n, (p, _d) in
               scenarios.items()]
    out = RobustResult(base.case_name, base.currency, solved, figures, size=solved.size,
                       seconds=seconds, mip_gap=settings.mip_gap)
    first = next(iter(scenarios.values()))[1]
    out.line_info = {line: (first.line_site.get(line, ""), first.line_technology.get(line, ""))
                     for line in first.lines}
    if not solved.status.has_plan:
        return out
    out.rp = solved.objective
    plan = build_values(ef)
    out.built = {line: p for (line, p), v in plan.items() if v > 0.5}
    t0 = time.perf_counter()
    for fig in figures:
        block = ef.scenario[fig.name]
        data = scenarios[fig.name][1]
        results = extract_results(block, data)
        fig.robust_value = results.net_value
        fig.robust_kpis = dict(results.kpis)
        fig.findings = [f.format() for f in check_solution(data, results, results.net_value)]
    seconds["check"] = time.perf_counter() - t0

    say("solve each scenario alone (wait and see)")
    t0 = time.perf_counter()
    for fig in figures:
        result, model = _solve_single(scenarios[fig.name][1], single)
        out.single_size = out.single_size or result.size
        fig.own_status = result.status.value
        fig.own_gap = result.gap
        if result.status.has_plan:
            fig.own_value = result.objective
            fig.own_built = frozenset(_built(model))
    missing = [f.name for f in figures if f.own_value is None]
    if missing:
        out.ws_reason = "no plan in " + ", ".join(
            f"{f.name} ({f.own_status})" for f in figures if f.own_value is None)
    else:
        out.ws = sum(f.probability * (f.own_value or 0.0) for f in figures)
    seconds["wait_and_see"] = time.perf_counter() - t0

    say("solve the average scenario and hold its plan in each scenario")
    t0 = time.perf_counter()
    _expected_value(raw, what_if, scenarios, single, out, issues)
    seconds["average_scenario"] = time.perf_counter() - t0
    return out


def _expected_value(raw: RawWorkbook, what_if: WhatIf,
                    scenarios: Mapping[str, tuple[float, ChainData]],
                    settings: SolveSettings, out: RobustResult, issues: IssueList) -> None:
    """The EV plan (average scenario) and the EEV (its lines held in each scenario)."""
    probability = {n: p for n, (p, _d) in scenarios.items()}
    mean_raw, out.mean_cells = mean_tables(raw, what_if, probability)
    found = IssueList(issues.file)
    mean = load_data(model_tables(mean_raw), found)
    if mean is None:
        out.ev_status = "invalid"
        out.ev_reason = "the average scenario is not a valid case: " + "; ".join(
            i.format() for i in found.errors[:3])
        out.eev_reason = "no average-scenario plan"
        return
    result, model = _solve_single(mean, settings)
    out.ev_status = result.status.value
    if not result.status.has_plan:
        out.ev_reason = result.describe()
        out.eev_reason = "no average-scenario plan"
        return
    out.ev_value = result.objective
    out.ev_built = _built(model)
    hold = {key: float(v.value or 0.0) for key, v in model.build.items()}
    infeasible = []
    for fig in out.scenarios:
        held, _m = _solve_single(scenarios[fig.name][1], settings, hold)
        fig.ev_status = held.status.value
        if held.status.has_plan:
            fig.ev_value = held.objective
        else:
            infeasible.append(f"{fig.name} ({held.status.value})")
    if infeasible:
        out.eev_reason = ("the average-scenario plan has no feasible flows in "
                          + ", ".join(infeasible))
    else:
        out.eev = sum(f.probability * (f.ev_value or 0.0) for f in out.scenarios)


def describe_key(sheet: str, column: str) -> str:
    """A readable name of a changed cell's column (for the Average scenario sheet)."""
    schema = SHEETS_BY_NAME.get(sheet)
    col = next((c for c in schema.columns if loose(c.name) == loose(column)), None) \
        if schema else None
    return f"{sheet}.{col.name if col else column}"
