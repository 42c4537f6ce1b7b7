"""chainopt from Python (notebooks, scripts): load a case, solve it, run its scenarios,
sweep a parameter. The command line (`chainopt scenarios`, `chainopt sweep`) is a thin
layer over these functions. See docs/api.md.

    from optimizer import api
    case = api.load("input_templates/absheron.xlsx")    # validated, or raises CaseError
    plan = api.solve(case)                               # .status, .net_value, .lines, ...
    plans = api.run_scenarios(case, ["nameplate", "utilisation_85"], workers=2)
    kpis = api.sweep(case, "Markets[material=MAT_02].price", [0.8, 0.9, 1.0, 1.1])

Results are tidy pandas DataFrames; money is in the case's currency (``case.currency``),
quantities in tonnes per year of the last period, as the column names say.
"""

from __future__ import annotations

import hashlib
import math
import pickle
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from models.chain.data import ChainData, load_data
from models.chain.schema import SETTINGS_SHEET
from models.validation.issues import IssueList
from models.validation.raw import CellValue, RawRow, RawTable, RawWorkbook
from optimizer.scenarios.overrides import check_what_if, load_scenario, model_tables
from optimizer.scenarios.runner import CaseRef, Job, OnResult, ScenarioResult, run_jobs
from optimizer.scenarios.spec import BASE, Axis, Override, WhatIf, parse_sweep_text, with_values

__all__ = ["BASE", "Case", "CaseError", "Plan", "from_frames", "load", "no_regret",
           "robust", "run_scenarios", "solve", "sweep"]


class CaseError(ValueError):
    """The case has errors; ``issues`` holds every one, ``report()`` them in words."""

    def __init__(self, issues: IssueList, what: str = "the case") -> None:
        self.issues = issues
        super().__init__(f"{what} has {len(issues.errors)} error(s):\n{issues.report()}")

    def report(self) -> str:
        return self.issues.report()


@dataclass
class Case:
    """A validated base case and its scenarios and sweeps."""

    name: str
    raw: RawWorkbook
    data: ChainData
    issues: IssueList  # warnings and notes of the base case (no errors)
    what_if: WhatIf
    path: Path | None = None
    sha256: str = ""

    @property
    def currency(self) -> str:
        return self.data.currency

    @property
    def scenarios(self) -> list[str]:
        return list(self.what_if.scenarios)

    @property
    def sweeps(self) -> list[str]:
        return list(self.what_if.sweeps)

    def ref(self) -> CaseRef:
        """What a worker needs to find the base tables."""
        if self.path is not None:
            return CaseRef(str(self.path), self.sha256)
        return CaseRef(None, self.sha256, self.raw)


@dataclass
class Plan:
    """One solved scenario."""

    scenario: str
    result: ScenarioResult
    currency: str = "USD"
    overrides: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def ok(self) -> bool:
        return self.result.has_plan

    @property
    def reason(self) -> str:
        return self.result.reason

    @property
    def net_value(self) -> float | None:
        return self.result.net_value

    @property
    def kpis(self) -> dict[str, Any]:
        return self.result.kpis

    @property
    def built(self) -> frozenset[str]:
        return self.result.built

    @property
    def lines(self) -> pd.DataFrame:
        """Every line: line, site, technology, built, build_period."""
        return self.result.lines

    @property
    def flows(self) -> pd.DataFrame:
        """Lanes used in the last period: lane, origin, destination, material, tonnes."""
        return self.result.flows.rename(columns={"tonnes": "tonnes_per_yr"})

    @property
    def sales(self) -> pd.DataFrame:
        return self.result.sales.rename(columns={"tonnes": "tonnes_per_yr"})

    @property
    def purchases(self) -> pd.DataFrame:
        return self.result.purchases.rename(columns={"tonnes": "tonnes_per_yr"})

    def __repr__(self) -> str:
        value = f"{self.net_value:,.0f} {self.currency}" if self.net_value is not None else "-"
        return (f"Plan({self.scenario!r}, {self.status}, net value {value}, "
                f"{len(self.built)} lines built)")


def _sha256(raw: RawWorkbook) -> str:
    return hashlib.sha256(pickle.dumps(raw, protocol=4)).hexdigest()


def _finish(raw: RawWorkbook, path: Path | None, sha: str, name: str) -> Case:
    issues = IssueList(raw.file)
    data = load_data(model_tables(raw), issues)
    what_if = check_what_if(raw, issues) if data is not None else WhatIf()
    if data is None or issues.has_errors:
        raise CaseError(issues, name)
    return Case(name, raw, data, issues, what_if, path, sha)


def load(path: str | Path) -> Case:
    """Read and validate a workbook with its Scenarios and Sweeps; raises CaseError (every
    problem, located) or FileNotFoundError."""
    from optimizer.excel.read import read_workbook
    from optimizer.pipeline import sha256_of

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(path)
    issues = IssueList(path.name)
    raw = read_workbook(path, issues)
    if raw is None:
        raise CaseError(issues, path.name)
    return _finish(raw, path.resolve(), sha256_of(path), path.name)


def _cell(value: object) -> CellValue:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value  # type: ignore[return-value]


def from_frames(frames: Mapping[str, pd.DataFrame], name: str = "case") -> Case:
    """A case from DataFrames, one per sheet, columns named as in the workbook (Settings:
    columns setting and value). Validated exactly as a workbook; raises CaseError."""
    tables: dict[str, RawTable] = {}
    for sheet, frame in frames.items():
        if sheet == SETTINGS_SHEET.name and "setting" not in frame.columns:
            frame = pd.DataFrame({"setting": list(frame.columns),
                                  "value": list(frame.iloc[0])})
        columns = {str(c): i + 1 for i, c in enumerate(frame.columns)}
        rows = tuple(
            RawRow(i + 2, {str(c): _cell(v) for c, v in zip(frame.columns, rec, strict=True)})
            for i, rec in enumerate(frame.itertuples(index=False, name=None))
            if any(_cell(v) is not None for v in rec))
        tables[sheet] = RawTable(sheet, 1, columns, rows)
    raw = RawWorkbook(f"{name} (DataFrames)", tables)
    return _finish(raw, None, _sha256(raw), name)


def _jobs(case: Case, names: Sequence[str], time_limit: float | None, gap: float | None,
          write_dir: Path | None, lang: str) -> list[Job]:
    jobs = []
    for name in names:
        if name != BASE and name not in case.what_if.scenarios:
            raise KeyError(f"no scenario {name!r}; the case has: "
                           f"{', '.join([BASE, *case.scenarios])}")
        safe = re.sub(r"[^\w.\-]+", "_", name).strip("._") or "scenario"  # a file name
        target = str(write_dir / f"{safe}.xlsx") if write_dir else None
        jobs.append(Job(case.ref(), name, case.what_if.chain(name), time_limit, gap,
                        target, lang))
    return jobs


def _plan(case: Case, result: ScenarioResult) -> Plan:
    return Plan(result.name, result, case.currency, result.overrides)


def solve(case: Case, scenario: str = BASE, *, time_limit: float | None = None,
          gap: float | None = None) -> Plan:
    """Solve the base case or one scenario in this process."""
    (result,) = run_jobs(_jobs(case, [scenario], time_limit, gap, None, "en"), workers=1)
    return _plan(case, result)


def run_scenarios(case: Case, names: Iterable[str] | None = None, *, workers: int | None = None,
                  dask: str | bool | None = None, time_limit: float | None = None,
                  gap: float | None = None, write_dir: str | Path | None = None,
                  lang: str = "en", on_result: OnResult | None = None,
                  include_base: bool = True) -> dict[str, Plan]:
    """Solve scenarios (default: all of them), the base case first; {name: Plan}.

    A failing scenario is a Plan with ``ok`` False and its ``reason``; it never stops the
    others. ``workers`` processes (default: cores; 1: in this process); ``dask``: True
    for a local Dask cluster, or a scheduler address such as "tcp://host:8786".
    ``write_dir``: also write each scenario's full results workbook there.
    On Ctrl-C raises ``runner.Interrupted`` holding the results that finished.
    """
    chosen = list(names) if names is not None else case.scenarios
    if include_base and BASE not in chosen:
        chosen = [BASE, *chosen]
    folder = Path(write_dir) if write_dir else None
    results = run_jobs(_jobs(case, chosen, time_limit, gap, folder, lang), workers=workers,
                       dask=dask, on_result=on_result)
    return {r.name: _plan(case, r) for r in results}


def _axis(case: Case, parameter: str | Axis, values: Sequence[float] | None,
          change: str | None, tolerance: float | None) -> Axis:
    if isinstance(parameter, Axis):
        axis = parameter
    else:
        axis = parse_sweep_text(parameter, default_change=change or "multiply")
    if values is not None:
        axis = with_values(axis, values, tolerance)
    elif tolerance is not None:
        axis = with_values(axis, axis.values, tolerance)
    if not axis.values:
        raise ValueError(f"no values to sweep for {parameter!r}")
    issues = IssueList(case.raw.file)
    if load_scenario(case.raw, (axis.at(axis.values[0]),), "sweep", issues) is None:
        raise CaseError(issues, "the sweep")
    return axis


def sweep(case: Case, parameter: str | Axis | Sequence[str | Axis],
          values: Sequence[float] | Sequence[Sequence[float]] | None = None, *,
          change: str | None = None, scenario: str | None = None,
          tolerance: float | None = None, switching: bool = True,
          workers: int | None = None, dask: str | bool | None = None,
          time_limit: float | None = None, gap: float | None = None,
          on_result: OnResult | None = None) -> pd.DataFrame:
    """KPIs at every point of a sweep (one parameter, or two for a grid), tidy.

    ``parameter``: "Sheet[row].column" (values multiply it unless ``change`` is "set"
    or "add"), or with its range, "Markets[material=MAT_02].price*0.8:1.2:0.05".
    The switching points (where the set of lines built changes, located by bisection to
    ``tolerance``) are in ``df.attrs["switching_points"]``, a DataFrame.
    """
    from optimizer.scenarios.sweep import run_sweep

    params = [parameter] if isinstance(parameter, str | Axis) else list(parameter)
    if values is not None and len(params) == 1 and values and \
            not isinstance(values[0], Sequence):
        value_lists: list[Sequence[float] | None] = [values]  # type: ignore[list-item]
    elif values is not None:
        value_lists = list(values)  # type: ignore[arg-type]
    else:
        value_lists = [None] * len(params)
    axes = [_axis(case, p, v, change, tolerance) for p, v in zip(params, value_lists,
                                                                   strict=True)]
    base = case.what_if.chain(scenario) if scenario else ()
    return run_sweep(case, tuple(axes), base, name=scenario or BASE, switching=switching,
                     workers=workers, dask=dask, time_limit=time_limit, gap=gap,
                     on_result=on_result)


def no_regret(plans: Mapping[str, Plan]) -> pd.DataFrame:
    """Every candidate line: built in all scenarios, in some (which), or in none."""
    from optimizer.scenarios.compare import no_regret_table

    return no_regret_table({n: p.result for n, p in plans.items()})


def overrides_of(case: Case, scenario: str) -> list[Override]:
    """A scenario's changes, its parents' first."""
    return list(case.what_if.chain(scenario))


def robust(case: Case, *, time_limit: float | None = None, gap: float | None = None,
           threads: int | None = None, write_to: str | Path | None = None,
           lang: str = "en", progress: Any = None) -> Any:
    """One set of lines to build for every scenario of the Uncertainty sheet, maximising
    the expected net value (the extensive form, solved with HiGHS), with RP, WS, EEV,
    VSS and EVPI: a ``scenarios.robust.RobustResult`` (``.built``, ``.rp``, ``.vss``,
    ``.evpi``, ``.added``, ``.dropped``, ``.scenarios``). ``time_limit`` and ``gap``
    apply to every solve (default: the Settings sheet). ``write_to``: also write the
    robust-plan workbook there; ``progress(phase)`` is told each step. Raises CaseError
    when the Uncertainty sheet or a scenario is wrong (every problem located).
    """
    from optimizer.scenarios.robust import RobustError, analyse
    from optimizer.solve import SolveSettings

    settings = SolveSettings(
        time_limit=time_limit if time_limit is not None else case.data.time_limit,
        mip_gap=gap if gap is not None else case.data.mip_gap,
        threads=threads if threads is not None else case.data.threads)
    try:
        result = analyse(case.raw, case.what_if, case.data, settings, progress=progress)
    except RobustError as exc:
        raise CaseError(exc.issues, "the Uncertainty sheet") from None
    if write_to is not None and result.has_plan:
        from optimizer.scenarios.robust_report import write_robust

        result.output = write_robust(Path(write_to), result, lang)
    return result
