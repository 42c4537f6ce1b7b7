"""What changed since last night: inputs cell by cell, and the plan.

Each successful run leaves two snapshots beside its `latest` workbook: the input rows by
sheet and row ID, and the plan (lines built, allocations, KPIs, every variable's value
by its stable Pyomo name, used as tomorrow's warm start). Comparing tonight's with them
gives the change report that goes to the log and to the results' Changes sheet.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyomo.core as pyo

from models.chain.results import ChainResults
from models.chain.schema import SHEETS_BY_NAME
from models.validation.raw import RawWorkbook
from optimizer.fileio import atomic_write

Snapshot = dict[str, dict[str, dict[str, Any]]]


@dataclass
class ChangeReport:
    # each row: kind, sheet, row_id, column, old, new
    rows: list[dict[str, Any]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def add(self, kind: str, sheet: str, row_id: str, column: str, old: Any, new: Any) -> None:
        self.rows.append({"kind": kind, "sheet": sheet, "row_id": row_id, "column": column,
                          "old": old, "new": new})


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        return str(value)
    if isinstance(value, str):
        return value.strip()
    return value


def input_snapshot(raw: RawWorkbook) -> Snapshot:
    """Every input row by sheet and row ID (its key columns), as typed in the workbook."""
    snap: Snapshot = {}
    for name, table in raw.tables.items():
        sheet = SHEETS_BY_NAME.get(name)
        if sheet is None:
            continue
        rows: dict[str, dict[str, Any]] = {}
        for row in table.rows:
            parts = [str(_plain(row.cells.get(k))) for k in sheet.key
                     if _plain(row.cells.get(k)) not in (None, "")]
            key = " / ".join(parts)
            rows[key or f"row {row.excel_row}"] = {c: _plain(v) for c, v in row.cells.items()}
        snap[name] = rows
    return snap


def plan_snapshot(model: pyo.ConcreteModel, results: ChainResults) -> dict[str, Any]:
    allocation: dict[str, float] = defaultdict(float)
    for r in results.recipe_inputs.itertuples(index=False):
        allocation[f"{r.line} <- {r.material}"] += float(r.tonnes)
    sales: dict[str, float] = defaultdict(float)
    for r in results.sales.itertuples(index=False):
        if r.tonnes > 1e-6:
            sales[f"{r.material} @ {r.market}"] += float(r.tonnes)
    variables = {v.name: v.value for v in model.component_data_objects(pyo.Var)
                 if v.value is not None and abs(v.value) > 1e-9}
    return {
        "lines_built": sorted(results.lines[results.lines.built].line),
        "allocation": dict(allocation),
        "sales": dict(sales),
        "kpis": {k: v for k, v in results.kpis.items() if isinstance(v, int | float)},
        "variables": variables,
    }


def save_json(path: Path, data: Any) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")

    atomic_write(path, write, retries=1)


def load_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # no snapshot (first night) or an unreadable one: compare with nothing


def compare(old_inputs: Snapshot | None, new_inputs: Snapshot, old_plan: dict[str, Any] | None,
            new_plan: dict[str, Any], threshold: float) -> ChangeReport:
    report = ChangeReport()
    if old_inputs is None or old_plan is None:
        report.summary.append("No previous run to compare with (first run, or its "
                              "snapshot is missing).")
        return report
    _compare_inputs(report, old_inputs, new_inputs)
    _compare_plan(report, old_plan, new_plan, threshold)
    return report


def _compare_inputs(report: ChangeReport, old: Snapshot, new: Snapshot) -> None:
    cells = 0
    for sheet in sorted(set(old) | set(new)):
        o, n = old.get(sheet, {}), new.get(sheet, {})
        for row_id in sorted(set(o) | set(n)):
            if row_id not in o:
                report.add("input row added", sheet, row_id, "", None, None)
            elif row_id not in n:
                report.add("input row removed", sheet, row_id, "", None, None)
            else:
                for col in sorted(set(o[row_id]) | set(n[row_id])):
                    a, b = o[row_id].get(col), n[row_id].get(col)
                    if a != b and not (a in (None, "") and b in (None, "")):
                        report.add("input changed", sheet, row_id, col, a, b)
                        cells += 1
    changed = [r for r in report.rows if r["kind"].startswith("input")]
    report.summary.append(f"Inputs: {cells} cell(s) changed, "
                          f"{sum(r['kind'] == 'input row added' for r in changed)} row(s) added, "
                          f"{sum(r['kind'] == 'input row removed' for r in changed)} removed.")


def _compare_plan(report: ChangeReport, old: dict[str, Any], new: dict[str, Any],
                  threshold: float) -> None:
    before, after = set(old.get("lines_built", [])), set(new.get("lines_built", []))
    for line in sorted(after - before):
        report.add("line added", "Lines", line, "built", "no", "yes")
    for line in sorted(before - after):
        report.add("line dropped", "Lines", line, "built", "yes", "no")
    oa, na = old.get("allocation", {}), new.get("allocation", {})
    shifts = 0
    for key in sorted(set(oa) | set(na)):
        a, b = float(oa.get(key, 0.0)), float(na.get(key, 0.0))
        if abs(b - a) > threshold:
            report.add("allocation shift", "Allocation", key, "tonnes", round(a, 3), round(b, 3))
            shifts += 1
    ok, nk = old.get("kpis", {}), new.get("kpis", {})
    for key in ("net_value", "revenue", "jobs", "lines_built", "feedstock_tonnes",
                "recovered_tonnes"):
        if key in ok and key in nk and abs(float(nk[key]) - float(ok[key])) > 1e-6:
            report.add("KPI", "Summary", key, "value", ok[key], nk[key])
    delta = float(nk.get("net_value", 0.0)) - float(ok.get("net_value", 0.0))
    report.summary.append(
        f"Plan: {len(after - before)} line(s) added ({', '.join(sorted(after - before)) or '-'}), "
        f"{len(before - after)} dropped ({', '.join(sorted(before - after)) or '-'}), "
        f"{shifts} allocation shift(s) above {threshold:g} t; net value "
        f"{'+' if delta >= 0 else ''}{delta:,.0f}.")
