"""Tidy result tables and KPIs from a solved model.

Each table is a pandas DataFrame with one row per existing key and only activity that is
not negligible (|x| > TOL). The independent checker (checks.py) recomputes every limit
from these tables and ChainData alone, so they must hold every quantity it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyomo.environ as pyo

from models.chain.data import ChainData
from models.chain.formulation import OBJECTIVE_PARTS

TOL = 1e-6


@dataclass
class ChainResults:
    """Everything the results workbook and the checker read."""

    purchases: pd.DataFrame
    flows: pd.DataFrame
    recipe_inputs: pd.DataFrame
    production: pd.DataFrame
    sales: pd.DataFrame
    disposals: pd.DataFrame
    line_periods: pd.DataFrame
    lines: pd.DataFrame
    objective_parts: dict[str, float]
    net_value: float
    kpis: dict[str, float | int | str] = field(default_factory=dict)


def _values(var: pyo.Var) -> dict[Any, float]:
    return {k: (v.value or 0.0) for k, v in var.items()}


def extract_results(m: pyo.ConcreteModel, d: ChainData,
                    duals: dict[str, dict[object, float]] | None = None) -> ChainResults:
    w = d.period_weight
    purchase = _values(m.purchase)
    purchases = pd.DataFrame(
        [{"source": o, "material": d.source_material[o], "location": d.source_location[o],
          "period": p, "tonnes": q, "availability": d.availability[o, p],
          "offtake_min": d.offtake_min[o, p], "price": d.source_price[o, p],
          "cost": q * d.source_price[o, p], "local": d.source_local[o],
          "recovered": d.source_material[o] in d.recovered}
         for (o, p), q in purchase.items()],
        columns=["source", "material", "location", "period", "tonnes", "availability",
                 "offtake_min", "price", "cost", "local", "recovered"])
    flows = pd.DataFrame(
        [{"lane": a, "origin": d.lane_origin[a], "destination": d.lane_destination[a],
          "mode": d.lane_mode[a], "material": mat, "period": p, "tonnes": f,
          "cost_per_t": d.lane_cost[a, mat], "cost": f * d.lane_cost[a, mat],
          "capacity": d.lane_capacity[a]}
         for (a, mat, p), f in _values(m.flow).items() if abs(f) > TOL],
        columns=["lane", "origin", "destination", "mode", "material", "period", "tonnes",
                 "cost_per_t", "cost", "capacity"])
    x = _values(m.recipe_input)
    recipe_inputs = pd.DataFrame(
        [{"line": line, "recipe": k, "material": mat, "period": p, "tonnes": v}
         for (line, k, mat, p), v in x.items() if abs(v) > TOL],
        columns=["line", "recipe", "material", "period", "tonnes"])
    z: dict[tuple[str, str, str], float] = {}
    for (line, k, _mat, p), v in x.items():
        z[line, k, p] = z.get((line, k, p), 0.0) + v
    production = pd.DataFrame(
        [{"line": line, "recipe": k, "material": mat, "period": p,
          "tonnes": d.yield_[line, k, mat] * z.get((line, k, p), 0.0)}
         for line, k, mat in d.recipe_outputs for p in d.periods
         if z.get((line, k, p), 0.0) > TOL],
        columns=["line", "recipe", "material", "period", "tonnes"])
    sales = pd.DataFrame(
        [{"market": n, "material": mat, "period": p, "tonnes": v,
          "price": d.price[n, mat, p], "revenue": v * d.price[n, mat, p],
          "sales_min": d.sales_min[n, mat, p], "sales_max": d.sales_max[n, mat, p]}
         for (n, mat, p), v in _values(m.sales).items()],
        columns=["market", "material", "period", "tonnes", "price", "revenue", "sales_min",
                 "sales_max"])
    disposals = pd.DataFrame(
        [{"site": s, "material": mat, "period": p, "tonnes": v,
          "cost": v * d.disposal_cost[mat]}
         for (s, mat, p), v in _values(m.disposal).items() if abs(v) > TOL],
        columns=["site", "material", "period", "tonnes", "cost"])
    line_periods, lines = _line_tables(m, d, z, duals or {})
    parts = {name: float(pyo.value(getattr(m, name))) for name in OBJECTIVE_PARTS}
    net = parts["revenue"] - sum(v for k, v in parts.items() if k != "revenue")
    res = ChainResults(purchases, flows, recipe_inputs, production, sales, disposals,
                       line_periods, lines, parts, net)
    res.kpis = _kpis(d, res, w)
    return res


def _line_tables(m: pyo.ConcreteModel, d: ChainData, z: dict[tuple[str, str, str], float],
                 duals: dict[str, dict[object, float]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    build = _values(m.build)
    built_in: dict[str, str] = {}
    for (line, p), b in build.items():
        if b > 0.5:
            built_in[line] = p
    order = {p: i for i, p in enumerate(d.periods)}
    balance = duals.get("material_balance", {})
    rows = []
    for line in d.lines:
        existing = line in d.lines_existing
        for p in d.periods:
            is_open = existing or (line in built_in and order[built_in[line]] <= order[p])
            tput = sum(v for (ln, _k, q), v in z.items() if ln == line and q == p)
            site = d.line_site[line]
            margin = None
            if balance and is_open:
                # material_balance is supply - use == 0: value of a tonne = -dual
                value_out = -sum(d.yield_[line, k, mat] * z.get((line, k, p), 0.0)
                                 * balance.get((site, mat, p), 0.0)
                                 for ln, k, mat in d.recipe_outputs if ln == line)
                value_in = -sum(v * balance.get((site, mat, p), 0.0)
                               for (ln, k, mat, q), v in _values(m.recipe_input).items()
                               if ln == line and q == p)
                margin = (value_out - value_in) / d.period_weight[p] \
                    - d.cost_variable[line] * tput - d.cost_fixed[line]
            rows.append({
                "line": line, "period": p, "open": bool(is_open), "throughput": tput,
                "utilisation": tput / d.capacity[line] if d.capacity[line] else 0.0,
                "cost_variable": d.cost_variable[line] * tput,
                "cost_fixed": d.cost_fixed[line] if is_open else 0.0,
                "jobs": d.jobs[line] if is_open else 0.0,
                "margin": margin,
            })
    lp = pd.DataFrame(rows, columns=["line", "period", "open", "throughput", "utilisation",
                                     "cost_variable", "cost_fixed", "jobs", "margin"])
    last = d.last_period
    summary = []
    for line in list(d.lines) + list(d.lines_excluded):
        rec = lp[(lp.line == line) & (lp.period == last)]
        status = ("excluded" if line in d.lines_excluded
                  else "existing" if line in d.lines_existing else "candidate")
        built = line in built_in or line in d.lines_existing
        first = rec.iloc[0] if len(rec) else None
        summary.append({
            "line": line,
            "site": d.line_site.get(line, ""),
            "technology": d.line_technology.get(line, ""),
            "status": status,
            "built": built,
            "build_period": built_in.get(line, "existing" if line in d.lines_existing else ""),
            "capacity": d.capacity.get(line),
            "throughput": float(first["throughput"]) if first is not None else 0.0,
            "utilisation": float(first["utilisation"]) if first is not None else 0.0,
            "jobs": d.jobs.get(line, 0.0) if built else 0.0,
            "margin": first["margin"] if first is not None else None,
        })
    return lp, pd.DataFrame(summary)


def _kpis(d: ChainData, r: ChainResults, w: dict[str, float]) -> dict[str, float | int | str]:
    last = d.last_period
    built = r.lines[r.lines.built]
    recovered = r.recipe_inputs[r.recipe_inputs.material.isin(list(d.recovered))]
    return {
        "net_value": r.net_value,
        **{k: v for k, v in r.objective_parts.items()},
        "lines_built": len(built),
        "lines_candidates": int(len(d.lines) + len(d.lines_excluded)),
        "sites_used": int(built.site.nunique()),
        "jobs": float(built.jobs.sum()),
        "feedstock_tonnes": float(r.purchases[r.purchases.period == last].tonnes.sum()),
        "recovered_tonnes": float(recovered[recovered.period == last].tonnes.sum()),
        "sales_tonnes": float(r.sales[r.sales.period == last].tonnes.sum()),
        "capex": float(sum(d.capex[line] for line in built.line
                           if line not in d.lines_existing)),
    }
