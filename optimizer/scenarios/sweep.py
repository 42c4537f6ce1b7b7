"""Sweeps: one parameter over a range (or two, a grid), and the switching points where the
set of lines built changes, each located by bisection between neighbouring sweep points
to the sweep's tolerance.

Every bisection round sends one solve per open interval to the runner at once, so a pool
stays busy; an interval closes when it is no wider than the tolerance. The reported
switching value is the middle of the final interval, so it is within tolerance / 2 of a
value where the plan changes (of the first change above the lower end when the plan
changes more than once inside one interval).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from models.validation.numbers import read_number
from optimizer.scenarios.overrides import _header_key, apply_overrides
from optimizer.scenarios.runner import Job, OnResult, Runner, ScenarioResult
from optimizer.scenarios.spec import Axis, Override

if TYPE_CHECKING:
    from optimizer.api import Case

NO_PLAN = "(no plan)"
KPI_COLUMNS = ("net_value", "jobs", "lines_built", "recovered_tonnes", "capex")


def _key(result: ScenarioResult) -> frozenset[str]:
    return result.built if result.has_plan else frozenset({NO_PLAN})


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def point_name(name: str, axes: tuple[Axis, ...], point: tuple[float, ...]) -> str:
    return f"{name} @ " + ", ".join(f"{a.label}{_fmt(v)}" for a, v in
                                    zip(axes, point, strict=True))


@dataclass
class _Interval:
    axis: int  # which axis moves
    low: tuple[float, ...]
    high: tuple[float, ...]
    low_key: frozenset[str]
    high_key: frozenset[str]


def base_value(case: Case, axis: Axis, base: tuple[Override, ...]) -> float | None:
    """The swept cells' value before the sweep, when every selected cell holds the same."""
    applied = apply_overrides(case.raw, base)
    probe = apply_overrides(applied.raw, (axis.at(axis.values[0] if axis.values else 0.0),))
    cells = {(s, r) for (s, r, c) in probe.touched}
    table = applied.raw.tables.get(axis.sheet)
    if table is None or not cells:
        return None
    column = next(c for (_s, _r, c) in probe.touched)
    header = next((h for h in table.columns if _header_key(h) == _header_key(column)), None)
    values = set()
    for row in table.rows:
        if (axis.sheet, row.excel_row) in cells:
            reading = read_number(row.cells.get(header)) if header else None
            values.add(None if reading is None else reading.value)
    if len(values) != 1 or None in values:
        return None
    return float(values.pop())  # type: ignore[arg-type]


def effective(axis: Axis, base: float | None, value: float) -> float | None:
    """What the swept cell holds at a sweep value."""
    if axis.change == "set":
        return value
    if base is None:
        return None
    return base * value if axis.change == "multiply" else base + value


def run_sweep(case: Case, axes: tuple[Axis, ...], base: tuple[Override, ...], *,
              name: str, switching: bool = True, workers: int | None = None,
              dask: str | bool | None = None, time_limit: float | None = None,
              gap: float | None = None, on_result: OnResult | None = None) -> pd.DataFrame:
    """Tidy KPIs per point; ``attrs['switching_points']`` and ``attrs['results']``."""
    ref = case.ref()

    def job(point: tuple[float, ...]) -> Job:
        changes = tuple(a.at(v) for a, v in zip(axes, point, strict=True))
        return Job(ref, point_name(name, axes, point), (*base, *changes), time_limit, gap,
                   point=point)

    points = list(itertools.product(*(a.values for a in axes)))
    with Runner(workers, dask) as runner:  # one warm pool for the points and the bisection
        results = runner.run([job(p) for p in points], on_result)
        by_point = dict(zip(points, results, strict=True))
        switches = _bisect(axes, by_point, job, runner, on_result) if switching else []
    bases = [base_value(case, a, base) for a in axes]
    frame = kpi_frame(axes, [by_point[p] for p in points], case.currency)
    frame.attrs["switching_points"] = switching_frame(axes, switches, bases, case.currency)
    frame.attrs["results"] = [by_point[p] for p in points]
    frame.attrs["axes"] = axes
    frame.attrs["base_values"] = bases
    return frame


def _bisect(axes: tuple[Axis, ...], by_point: dict[tuple[float, ...], ScenarioResult],
            job: Any, runner: Runner, on_result: OnResult | None) -> list[_Interval]:
    open_: list[_Interval] = []
    for i, axis in enumerate(axes):
        for low, high in zip(axis.values, axis.values[1:], strict=False):
            others = [a.values for j, a in enumerate(axes) if j != i]
            for rest in itertools.product(*others):
                lo = _with(rest, i, low)
                hi = _with(rest, i, high)
                a, b = by_point[lo], by_point[hi]
                if _key(a) != _key(b):
                    open_.append(_Interval(i, lo, hi, _key(a), _key(b)))
    closed: list[_Interval] = []
    while open_:
        still = [iv for iv in open_
                 if iv.high[iv.axis] - iv.low[iv.axis] > axes[iv.axis].tolerance]
        closed += [iv for iv in open_ if iv not in still]
        if not still:
            break
        mids = [_with(_drop(iv.low, iv.axis), iv.axis,
                      (iv.low[iv.axis] + iv.high[iv.axis]) / 2) for iv in still]
        results = runner.run([job(m) for m in mids], on_result)
        for iv, mid, result in zip(still, mids, results, strict=True):
            key = _key(result)
            if key == iv.low_key:
                iv.low = mid
            else:  # a change between low and mid (to high's plan or to a third one)
                iv.high, iv.high_key = mid, key
        open_ = still
    return closed


def _drop(point: tuple[float, ...], i: int) -> tuple[float, ...]:
    return point[:i] + point[i + 1:]


def _with(rest: tuple[float, ...], i: int, value: float) -> tuple[float, ...]:
    return (*rest[:i], value, *rest[i:])


def kpi_frame(axes: tuple[Axis, ...], results: list[ScenarioResult], currency: str
              ) -> pd.DataFrame:
    rows = []
    for r in results:
        row: dict[str, Any] = {a.label: v for a, v in zip(axes, r.point, strict=True)}
        row.update({
            "status": r.status,
            f"net_value_{currency}": r.net_value,
            "jobs": r.kpis.get("jobs"),
            "lines_built": r.kpis.get("lines_built"),
            "recovered_t_per_yr": r.kpis.get("recovered_tonnes"),
            f"capex_{currency}": r.kpis.get("capex"),
            "built": ", ".join(sorted(r.built)),
            "reason": r.reason,
        })
        rows.append(row)
    return pd.DataFrame(rows)


def switching_frame(axes: tuple[Axis, ...], intervals: list[_Interval],
                    bases: list[float | None], currency: str) -> pd.DataFrame:
    rows = []
    for iv in intervals:
        axis = axes[iv.axis]
        low, high = iv.low[iv.axis], iv.high[iv.axis]
        at = (low + high) / 2
        entering = sorted(iv.high_key - iv.low_key - {NO_PLAN})
        leaving = sorted(iv.low_key - iv.high_key - {NO_PLAN})
        cell = effective(axis, bases[iv.axis], at)
        fixed = {a.label: iv.low[j] for j, a in enumerate(axes) if j != iv.axis}
        rows.append({
            "parameter": axis.label, **fixed,
            "switch_at": at, "lower": low, "upper": high, "tolerance": axis.tolerance,
            "cell_value_at_switch": cell,
            "enter_above": ", ".join(entering), "leave_above": ", ".join(leaving),
            "no_plan_below": NO_PLAN in iv.low_key, "no_plan_above": NO_PLAN in iv.high_key,
            "sentence": sentence(axis, at, cell, entering, leaving, iv, currency),
        })
    return pd.DataFrame(rows, columns=[
        "parameter", *[a.label for a in axes if len(axes) > 1],
        "switch_at", "lower", "upper", "tolerance", "cell_value_at_switch", "enter_above",
        "leave_above", "no_plan_below", "no_plan_above", "sentence"])


def sentence(axis: Axis, at: float, cell: float | None, entering: list[str],
             leaving: list[str], iv: _Interval, currency: str) -> str:
    """E.g. 'Line L01 leaves the plan when Markets[material=MAT_02].price falls below
    1,112 (x 0.927 +/- 0.0025).'"""
    where = f"{axis.sheet}[{axis.row or '*'}].{axis.column}"
    half = axis.tolerance / 2
    scale = abs(cell / at) if cell is not None and at and axis.change == "multiply" else 1.0
    value = _near(cell, half * scale) if cell is not None else _near(at, half)
    how = {"multiply": f" (× {_near(at, half)} ± {_fmt(half)})",
           "add": f" (+ {_near(at, half)} ± {_fmt(half)})"}.get(axis.change,
                                                                 f" (± {_fmt(half)})")
    parts = []
    if entering:
        parts.append(f"{_lines(entering)} leave{'s' if len(entering) == 1 else ''} the plan "
                     f"when {where} falls below {value}")
    if leaving:
        parts.append(f"{_lines(leaving)} leave{'s' if len(leaving) == 1 else ''} the plan "
                     f"when {where} rises above {value}")
    if NO_PLAN in iv.low_key:
        parts.append(f"no plan meets every limit when {where} is below {value}")
    if NO_PLAN in iv.high_key:
        parts.append(f"no plan meets every limit when {where} is above {value}")
    text = "; ".join(parts) or f"the plan changes at {where} = {value}"
    return text[0].upper() + text[1:] + how + "."


def _lines(names: list[str]) -> str:
    return ("Line " if len(names) == 1 else "Lines ") + ", ".join(names)


def _near(value: float, accuracy: float) -> str:
    """The value with as many decimals as its accuracy warrants (1,112 or 0.927)."""
    if accuracy <= 0 or not math.isfinite(accuracy):
        return f"{value:,.6g}"
    decimals = max(0, math.ceil(-math.log10(2 * accuracy)))
    return f"{value:,.{decimals}f}"
