"""Tidy result tables and KPIs from a solved model.

Each table is a pandas DataFrame with one row per existing key and only activity that is
not negligible (|x| > TOL). The independent checker (checks.py) recomputes every limit
from these tables and ChainData alone, so they must hold every quantity it needs.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
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
    # Where each tonne came from and went (proportional tracing; see trace_flows).
    allocation: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Revenue and costs that no line can be charged with (feedstock sold or disposed of
    # without processing), per period: the lines' net values plus these make the total.
    unattributed: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Capacitated lanes: tonnes against capacity (value filled in by explain_plan).
    lane_use: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Sites: lines operating and shared resources against their limits.
    site_use: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Filled in by explain_plan (marginal values at the chosen plan, entry thresholds).
    marginal: pd.DataFrame = field(default_factory=pd.DataFrame)
    explained: bool = False
    explain_notes: list[str] = field(default_factory=list)


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
    allocation, transport = trace_flows(d, purchases, flows, recipe_inputs, production, sales,
                                        disposals)
    balance = (duals or {}).get("material_balance", {})
    line_periods, lines = _line_tables(m, d, z)
    pnl, unattributed = _line_accounts(d, allocation, transport, balance, sales)
    line_periods = line_periods.merge(pnl, on=["line", "period"], how="left")
    for col in LINE_ACCOUNTS:
        line_periods[col] = line_periods[col].fillna(0.0)
    line_periods["net_value"] = (
        line_periods.sales_revenue + line_periods.transfers_out - line_periods.feedstock
        - line_periods.transfers_in - line_periods.transport - line_periods.disposal
        - line_periods.cost_variable - line_periods.cost_fixed)
    last = line_periods[line_periods.period == d.last_period].set_index("line")
    for col in (*LINE_ACCOUNTS, "cost_variable", "cost_fixed", "net_value"):
        lines[col] = [float(last[col].get(line, 0.0)) if line in last.index else 0.0
                      for line in lines.line]
    parts = {name: float(pyo.value(getattr(m, name))) for name in OBJECTIVE_PARTS}
    net = parts["revenue"] - sum(v for k, v in parts.items() if k != "revenue")
    res = ChainResults(purchases, flows, recipe_inputs, production, sales, disposals,
                       line_periods, lines, parts, net)
    res.allocation = allocation
    res.unattributed = unattributed
    res.lane_use = _lane_use(d, flows)
    res.site_use = _site_use(d, line_periods)
    res.kpis = _kpis(d, res, w)
    return res


def _line_tables(m: pyo.ConcreteModel, d: ChainData,
                 z: dict[tuple[str, str, str], float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per line and period, and per line (last period). Linear in the number of lines."""
    built_in = {line: p for (line, p), b in _values(m.build).items() if b > 0.5}
    order = {p: i for i, p in enumerate(d.periods)}
    throughput: dict[tuple[str, str], float] = defaultdict(float)
    for (line, _k, p), v in z.items():
        throughput[line, p] += v
    rows: list[dict[str, Any]] = []
    for line in d.lines:
        existing = line in d.lines_existing
        for p in d.periods:
            is_open = existing or (line in built_in and order[built_in[line]] <= order[p])
            tput = throughput.get((line, p), 0.0)
            rows.append({
                "line": line, "period": p, "open": bool(is_open), "throughput": tput,
                "utilisation": tput / d.capacity[line] if d.capacity[line] else 0.0,
                "cost_variable": d.cost_variable[line] * tput,
                "cost_fixed": d.cost_fixed[line] if is_open else 0.0,
                "jobs": d.jobs[line] if is_open else 0.0,
            })
    lp = pd.DataFrame(rows, columns=["line", "period", "open", "throughput", "utilisation",
                                     "cost_variable", "cost_fixed", "jobs"])
    last = {r["line"]: r for r in rows if r["period"] == d.last_period}
    summary = []
    for line in list(d.lines) + list(d.lines_excluded):
        rec = last.get(line)
        status = ("excluded" if line in d.lines_excluded
                  else "existing" if line in d.lines_existing else "candidate")
        built = line in built_in or line in d.lines_existing
        summary.append({
            "line": line,
            "site": d.line_site.get(line, ""),
            "technology": d.line_technology.get(line, ""),
            "status": status,
            "built": built,
            "build_period": built_in.get(line, "existing" if line in d.lines_existing else ""),
            "capacity": d.capacity.get(line),
            "throughput": float(rec["throughput"]) if rec else 0.0,
            "utilisation": float(rec["utilisation"]) if rec else 0.0,
            "jobs": d.jobs.get(line, 0.0) if built else 0.0,
        })
    return lp, pd.DataFrame(summary)


# ---- where each tonne came from and went ------------------------------------------------

ALLOCATION_COLUMNS = ["origin_kind", "origin", "material", "period", "use_kind", "use",
                      "place", "tonnes"]
TRANSPORT_COLUMNS = ["lane", "material", "period", "origin_kind", "origin", "use_kind", "use",
                     "tonnes", "cost"]
# A line's accounts, per year, besides its own variable and fixed cost.
LINE_ACCOUNTS = ("sales_revenue", "transfers_out", "feedstock", "transfers_in", "transport",
                 "disposal")


def _solve_mix(total: np.ndarray, links: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve (diag(total) - links) X = rhs; rows of places with nothing passing are zero."""
    a = np.diag(total) - links
    empty = total <= TOL
    a[empty, :] = 0.0
    a[empty, empty] = 1.0
    b = rhs.copy()
    b[empty, :] = 0.0
    try:
        return np.linalg.solve(a, b)  # type: ignore[no-any-return]
    except np.linalg.LinAlgError:  # a closed loop of flows with no way in: least squares
        return np.linalg.lstsq(a, b, rcond=None)[0]  # type: ignore[no-any-return]


def trace_flows(d: ChainData, purchases: pd.DataFrame, flows: pd.DataFrame,
                recipe_inputs: pd.DataFrame, production: pd.DataFrame, sales: pd.DataFrame,
                disposals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Proportional tracing of every material through the places of the chain.

    At each place, the tonnes that leave (to lines, markets, disposal or on along lanes)
    are taken to be the same mix of origins as the tonnes that arrive (offers bought
    there, lines making it there, lanes bringing it in). Per material and period this is
    one linear system over the places. Returns

    - allocation: for every use (a line's input, a sale, a disposal), the tonnes from
      each origin (an offer, or the line that made it);
    - transport: every lane flow's tonnes and cost split by origin and by final use.
    """
    supply: dict[tuple[str, str], list[tuple[str, tuple[str, str], float]]] = defaultdict(list)
    uses: dict[tuple[str, str], list[tuple[str, tuple[str, str], float]]] = defaultdict(list)
    lanes: dict[tuple[str, str], list[tuple[str, str, str, float, float]]] = defaultdict(list)
    for r in purchases.itertuples(index=False):
        if r.tonnes > TOL:
            supply[r.material, r.period].append((r.location, ("source", r.source), r.tonnes))
    for r in production.itertuples(index=False):
        if r.tonnes > TOL:
            supply[r.material, r.period].append((d.line_site[r.line], ("line", r.line),
                                                 r.tonnes))
    for r in recipe_inputs.itertuples(index=False):
        if r.tonnes > TOL:
            uses[r.material, r.period].append((d.line_site[r.line], ("line", r.line), r.tonnes))
    for r in sales.itertuples(index=False):
        if r.tonnes > TOL:
            uses[r.material, r.period].append((r.market, ("market", r.market), r.tonnes))
    for r in disposals.itertuples(index=False):
        if r.tonnes > TOL:
            uses[r.material, r.period].append((r.site, ("disposal", r.site), r.tonnes))
    for r in flows.itertuples(index=False):
        if r.tonnes > TOL:
            lanes[r.material, r.period].append((r.lane, r.origin, r.destination, r.tonnes,
                                                r.cost_per_t))
    alloc_rows: list[dict[str, object]] = []
    transport_rows: list[dict[str, object]] = []
    for key in sorted(set(supply) | set(uses)):
        mat, p = key
        places = sorted({n for n, _, _ in supply[key]} | {n for n, _, _ in uses[key]}
                        | {a[1] for a in lanes[key]} | {a[2] for a in lanes[key]})
        at = {n: i for i, n in enumerate(places)}
        origins = sorted({o for _, o, _ in supply[key]})
        finals = sorted({u for _, u, _ in uses[key]})
        oi = {o: j for j, o in enumerate(origins)}
        ui = {u: j for j, u in enumerate(finals)}
        n = len(places)
        direct = np.zeros((n, len(origins)))
        for place, o, t in supply[key]:
            direct[at[place], oi[o]] += t
        used = np.zeros((n, len(finals)))
        for place, u, t in uses[key]:
            used[at[place], ui[u]] += t
        inflow = np.zeros((n, n))  # [to, from]
        for _lane, a, b, t, _c in lanes[key]:
            inflow[at[b], at[a]] += t
        arriving = direct.sum(axis=1) + inflow.sum(axis=1)
        leaving = used.sum(axis=1) + inflow.sum(axis=0)
        mix_in = _solve_mix(arriving, inflow, direct)  # share of each origin at each place
        mix_out = _solve_mix(leaving, inflow.T, used)  # share going to each final use
        for place, u, t in uses[key]:
            for o, j in oi.items():
                share = t * mix_in[at[place], j]
                if share > TOL:
                    alloc_rows.append({"origin_kind": o[0], "origin": o[1], "material": mat,
                                       "period": p, "use_kind": u[0], "use": u[1],
                                       "place": place, "tonnes": share})
        for lane, a, b, t, cost in lanes[key]:
            for o, j in oi.items():
                from_o = t * mix_in[at[a], j]
                if from_o <= TOL:
                    continue
                for u, k in ui.items():
                    part = from_o * mix_out[at[b], k]
                    if part > TOL:
                        transport_rows.append({
                            "lane": lane, "material": mat, "period": p, "origin_kind": o[0],
                            "origin": o[1], "use_kind": u[0], "use": u[1], "tonnes": part,
                            "cost": part * cost})
    return (pd.DataFrame(alloc_rows, columns=ALLOCATION_COLUMNS),
            pd.DataFrame(transport_rows, columns=TRANSPORT_COLUMNS))


def _transfer_price(d: ChainData, balance: dict[object, float], sales: pd.DataFrame,
                    ) -> Any:
    """Price of an intermediate passed from one line to another: its marginal value where
    it is used (from the LP at the plan), else its average market price, else 0."""
    average = sales.groupby(["material", "period"]).price.mean().to_dict() if len(sales) \
        else {}

    def price(mat: str, place: str, p: str) -> float:
        if balance and (place, mat, p) in balance:
            return -float(balance[place, mat, p]) / d.period_weight[p]
        return float(average.get((mat, p), 0.0))
    return price


def _line_accounts(d: ChainData, allocation: pd.DataFrame, transport: pd.DataFrame,
                   balance: dict[object, float], sales: pd.DataFrame,
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each line's revenue and costs per year, from the traced tonnes.

    A line earns the sales of what it made (at the market's price) and the value of what
    it passes to other lines (transfers, at the marginal value where they are used); it
    pays for the feedstock it takes (at the offer's price), for what it takes from other
    lines, for the transport of its inputs and of its outputs, and for disposing of its
    residues. Transfers cancel between lines, so the lines' net values plus what cannot
    be charged to any line (``unattributed``) equal the plan's net value.
    """
    acc: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: dict.fromkeys(
        LINE_ACCOUNTS, 0.0))
    other: dict[str, dict[str, float]] = defaultdict(lambda: {
        "revenue": 0.0, "feedstock": 0.0, "transport": 0.0, "disposal": 0.0})
    transfer = _transfer_price(d, balance, sales)
    for r in allocation.itertuples(index=False):
        p, t, mat = r.period, r.tonnes, r.material
        if r.origin_kind == "line":
            if r.use_kind == "market":
                acc[r.origin, p]["sales_revenue"] += t * d.price[r.use, mat, p]
            elif r.use_kind == "line":
                value = t * transfer(mat, d.line_site[r.use], p)
                acc[r.origin, p]["transfers_out"] += value
                acc[r.use, p]["transfers_in"] += value
            else:
                acc[r.origin, p]["disposal"] += t * d.disposal_cost.get(mat, 0.0)
        else:
            cost = t * d.source_price[r.origin, p]
            if r.use_kind == "line":
                acc[r.use, p]["feedstock"] += cost
            else:
                other[p]["feedstock"] += cost
                if r.use_kind == "market":
                    other[p]["revenue"] += t * d.price[r.use, mat, p]
                else:
                    other[p]["disposal"] += t * d.disposal_cost.get(mat, 0.0)
    for r in transport.itertuples(index=False):
        if r.origin_kind == "line":
            acc[r.origin, r.period]["transport"] += r.cost
        elif r.use_kind == "line":
            acc[r.use, r.period]["transport"] += r.cost
        else:
            other[r.period]["transport"] += r.cost
    pnl = pd.DataFrame([{"line": line, "period": p, **v} for (line, p), v in acc.items()],
                       columns=["line", "period", *LINE_ACCOUNTS])
    rest = pd.DataFrame([{"period": p, **other[p]} for p in d.periods],
                        columns=["period", "revenue", "feedstock", "transport", "disposal"])
    rest["net_value"] = rest.revenue - rest.feedstock - rest.transport - rest.disposal
    return pnl, rest


def _lane_use(d: ChainData, flows: pd.DataFrame) -> pd.DataFrame:
    carried = flows.groupby(["lane", "period"]).tonnes.sum().to_dict() if len(flows) else {}
    rows = [{"lane": a, "origin": d.lane_origin[a], "destination": d.lane_destination[a],
             "mode": d.lane_mode[a], "period": p, "tonnes": carried.get((a, p), 0.0),
             "capacity": cap, "utilisation": carried.get((a, p), 0.0) / cap if cap else 0.0,
             "value": None}
            for a in d.lanes if (cap := d.lane_capacity[a]) is not None for p in d.periods]
    return pd.DataFrame(rows, columns=["lane", "origin", "destination", "mode", "period",
                                       "tonnes", "capacity", "utilisation", "value"])


def _site_use(d: ChainData, line_periods: pd.DataFrame) -> pd.DataFrame:
    """Line slots and shared resources used at each site against their limits."""
    open_lp = line_periods[line_periods.open]
    rows = []
    for s in d.sites:
        for p in d.periods:
            here = [ln for ln in open_lp[open_lp.period == p].line if d.line_site[ln] == s]
            rows.append({"site": s, "resource": "", "period": p, "used": float(len(here)),
                         "available": d.site_lines_max.get(s), "unit": "lines"})
            for site, r in d.site_resources:
                if site == s:
                    rows.append({"site": s, "resource": r, "period": p,
                                 "used": sum(d.resource_use.get((ln, r), 0.0) for ln in here),
                                 "available": d.resource_available[s, r],
                                 "unit": d.resource_unit.get((s, r), "")})
    return pd.DataFrame(rows, columns=["site", "resource", "period", "used", "available",
                                       "unit"])


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


# ---- marginal values and what it would take -----------------------------------------------

MARGINAL_COLUMNS = ["kind", "item", "period", "sense", "limit", "used", "unit", "binding",
                    "value", "detail"]
# Limits whose every term is a build decision: at a fixed plan they have no per-unit value;
# what they block is found by re-solving the LP with other build decisions (see _entry).
BUILD_LIMITS = ("group", "site_lines", "resource", "budget_total", "budget_period", "jobs_min",
                "lines_min")


def _bound_rows(rows: list[dict[str, Any]], kinds: tuple[str, str], item: str, period: str,
                used: float, top: float | None, bottom: float, rc: float,
                detail: str) -> float:
    """Rows for a variable's upper and lower limit (availability and offtake, demand
    maximum and minimum), valued by its reduced cost per year ``rc``; returns the value of
    one more unit of the upper limit (0 unless it binds)."""
    limited = top is not None and top == top  # NaN: no limit
    binding = limited and _binding(used, float(top), "max")  # type: ignore[arg-type]
    value = max(rc, 0.0) if binding else 0.0
    if limited:
        rows.append({"kind": kinds[0], "item": item, "period": period, "sense": "max",
                     "limit": float(top), "used": used, "unit": "t",  # type: ignore[arg-type]
                     "binding": binding, "value": value, "detail": detail})
    if bottom > 0:
        at_min = _binding(used, bottom, "min")
        rows.append({"kind": kinds[1], "item": item, "period": period, "sense": "min",
                     "limit": bottom, "used": used, "unit": "t", "binding": at_min,
                     "value": max(-rc, 0.0) if at_min else 0.0, "detail": detail})
    return value


def _binding(used: float, limit: float, sense: str) -> bool:
    tol = 1e-4 + 1e-6 * abs(limit)
    return used >= limit - tol if sense == "max" else used <= limit + tol


def explain_plan(m: pyo.ConcreteModel, d: ChainData, res: ChainResults, settings: Any,
                 lp: Any = None, time_budget: float | None = None) -> ChainResults:
    """Marginal values at the chosen plan, and what it would take for each line to change.

    Everything comes from the LP with every build decision held at the plan (solve.py's
    ``marginal_values``): one solve gives the duals and reduced costs ("value of one more
    unit at this plan"); then, for each line, one more solve with that line's build
    decision flipped gives the exact change in net value at this plan if it were closed
    (built lines) or added, or swapped for the line that blocks it (lines not built).
    Results are stored on ``res`` (``marginal``, new columns of ``lines``, ``purchases``,
    ``sales`` and ``lane_use``). Idempotent; the model's variable values are restored.
    """
    if res.explained:
        return res
    import dataclasses

    from optimizer.solve import SolveStatus, marginal_values

    started = time.perf_counter()
    budget = time_budget if time_budget is not None else min(
        30.0, max(5.0, float(getattr(settings, "time_limit", 30.0))))
    saved = [(v, v.value) for v in m.component_data_objects(pyo.Var, descend_into=True)]
    try:
        if lp is None or not getattr(lp, "duals", None):
            # the LP is far easier than the MILP, but a run with a tight time limit must
            # not lose its explanations to it
            roomy = dataclasses.replace(settings, time_limit=max(
                float(settings.time_limit), 60.0))
            lp = marginal_values(m, roomy)
        if lp.status is not SolveStatus.OPTIMAL or lp.objective is None:
            res.explain_notes.append("lp_failed")
            res.explained = True
            return res
        _marginal_tables(d, res, lp.duals, lp.reduced_costs)
        _entry(m, d, res, settings, float(lp.objective), started, budget, marginal_values)
        _build_limit_rows(d, res)
    finally:
        for var, value in saved:
            var.set_value(value, skip_validation=True)
    res.explained = True
    return res


def _marginal_tables(d: ChainData, res: ChainResults, duals: dict[str, dict[Any, float]],
                     reduced: dict[str, dict[Any, float]]) -> None:
    w = d.period_weight
    rows: list[dict[str, object]] = []
    rc_buy = reduced.get("purchase", {})
    link = duals.get("input_link", {})
    via_supply = _supply_link_values(d, res, link)
    peak = _peak_periods(d)
    values = []
    for r in res.purchases.itertuples(index=False):
        rc = rc_buy.get((r.source, r.period), 0.0)
        if r.period in peak.get(r.material, ()):
            # the input links of lines bounded by the supply of this material move with it
            rc += via_supply.get((r.material, r.period), 0.0)
        rc /= w[r.period]
        values.append(_bound_rows(rows, ("feedstock", "offtake_min"), r.source, r.period,
                                  r.tonnes, r.availability, r.offtake_min, rc, r.material))
    res.purchases["marginal_value"] = values
    rc_sell = reduced.get("sales", {})
    values = []
    for r in res.sales.itertuples(index=False):
        rc = rc_sell.get((r.market, r.material, r.period), 0.0) / w[r.period]
        values.append(_bound_rows(rows, ("demand_max", "demand_min"), r.market, r.period,
                                  r.tonnes, r.sales_max, r.sales_min, rc, r.material))
    res.sales["marginal_value"] = values
    cap = duals.get("capacity_limit", {})
    floor = duals.get("utilisation_floor", {})
    made_by: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for ln, _k, mat in d.recipe_outputs:
        made_by[ln][mat] += d.yield_[ln, _k, mat]
    by_line: dict[str, float] = {}
    for r in res.line_periods[res.line_periods.open].itertuples(index=False):
        line, p, k_cap = r.line, r.period, d.capacity[r.line]
        # One more tonne of capacity raises the capacity row, the input links bounded by
        # share_max x capacity, and the utilisation floor (by utilisation_min).
        value = cap.get((line, p), 0.0) + d.utilisation_min[line] * floor.get((line, p), 0.0)
        for ln, k, mat in d.recipe_inputs:
            if ln == line and abs(d.input_bound[ln, k, mat]
                                  - d.share_max[ln, k, mat] * k_cap) <= 1e-9 * (1 + k_cap):
                value += d.share_max[ln, k, mat] * link.get((ln, k, mat, p), 0.0)
        # its capacity also counts in the supply that bounds the input links of its users
        for mat, y in made_by[line].items():
            value += y * via_supply.get((mat, p), 0.0)
        value /= w[p]
        binding = _binding(r.throughput, k_cap, "max")
        if p == d.last_period:
            by_line[line] = value if binding else 0.0
        rows.append({"kind": "line_capacity", "item": line, "period": p, "sense": "max",
                     "limit": k_cap, "used": r.throughput, "unit": "t", "binding": binding,
                     "value": value if binding else 0.0, "detail": d.line_site[line]})
    res.lines["capacity_value"] = [by_line.get(line) for line in res.lines.line]
    lane = duals.get("lane_capacity_limit", {})
    values = []
    for r in res.lane_use.itertuples(index=False):
        binding = _binding(r.tonnes, r.capacity, "max")
        value = lane.get((r.lane, r.period), 0.0) / w[r.period] if binding else 0.0
        values.append(value)
        rows.append({"kind": "lane_capacity", "item": r.lane, "period": r.period,
                     "sense": "max", "limit": r.capacity, "used": r.tonnes, "unit": "t",
                     "binding": binding, "value": value,
                     "detail": f"{r.origin}>{r.destination}"})
    res.lane_use["value"] = values
    rec = res.recipe_inputs[res.recipe_inputs.material.isin(list(d.recovered))]
    rec_dual = duals.get("recovered_min_floor", {})
    for p, need in d.recovered_min.items():
        done = float(rec[rec.period == p].tonnes.sum())
        binding = _binding(done, need, "min")
        rows.append({"kind": "recovered_min", "item": "", "period": p, "sense": "min",
                     "limit": need, "used": done, "unit": "t", "binding": binding,
                     "value": max(-rec_dual.get(p, 0.0) / w[p], 0.0) if binding else 0.0,
                     "detail": ""})
    local_dual = duals.get("local_share_floor", {})
    for p, share in d.local_share_min.items():
        pp = res.purchases[res.purchases.period == p]
        total = float(pp.cost.sum())
        local = float(pp[pp.local.astype(bool)].cost.sum())
        used = local / total if total > 0 else 1.0
        binding = total > 0 and local - share * total <= 1e-4 + 1e-6 * total
        # relaxing the share by one point lowers the row's right side by 1 % of the total
        value = max(-local_dual.get(p, 0.0) * 0.01 * total / w[p], 0.0) if binding else 0.0
        rows.append({"kind": "local_share", "item": "", "period": p, "sense": "min",
                     "limit": share, "used": used, "unit": "share", "binding": binding,
                     "value": value, "detail": ""})
    res.marginal = pd.DataFrame(rows, columns=MARGINAL_COLUMNS)


def _supply_limited(d: ChainData, line: str, k: str, mat: str) -> bool:
    """Whether the input link of (line, k, mat) is bounded by the most of ``mat`` that can
    exist (data._input_bounds) rather than by share_max x capacity."""
    cap = d.share_max[line, k, mat] * d.capacity[line]
    return d.input_bound[line, k, mat] < cap - 1e-9 * (1 + cap)


def _supply_link_values(d: ChainData, res: ChainResults, link: dict[Any, float],
                        ) -> dict[tuple[str, str], float]:
    """Sum of the input-link duals, by material and period, of operating lines whose link
    is bounded by the material's supply: the part of one more tonne of supply that the
    LP may credit to these (redundant at the plan) rows instead of the supply itself."""
    open_set = {(r.line, r.period) for r in res.line_periods.itertuples(index=False) if r.open}
    out: dict[tuple[str, str], float] = defaultdict(float)
    for (line, k, mat, p), dual in link.items():
        if dual and (line, p) in open_set and _supply_limited(d, line, k, mat):
            out[mat, p] += dual
    return out


def _peak_periods(d: ChainData) -> dict[str, set[str]]:
    """Per material, the periods whose total availability sets the supply bound."""
    total: dict[tuple[str, str], float] = defaultdict(float)
    for (o, p), a in d.availability.items():
        if a is not None:
            total[d.source_material[o], p] += a
    best: dict[str, float] = {}
    for (mat, _p), t in total.items():
        best[mat] = max(best.get(mat, t), t)
    peaks: dict[str, set[str]] = defaultdict(set)
    for (mat, p), t in total.items():
        if t >= best[mat] - 1e-9:
            peaks[mat].add(p)
    return peaks


def _open_periods(d: ChainData, start: str) -> list[str]:
    i = d.periods.index(start)
    return list(d.periods[i:])


def _blockers(d: ChainData, res: ChainResults, line: str, start: str) -> list[tuple[str, str]]:
    """The build limits that adding ``line`` (built in ``start``) would break, with the
    built line of the same exclusive group when there is one."""
    lp = res.line_periods
    open_set = {(r.line, r.period) for r in lp[lp.open].itertuples(index=False)}
    site = d.line_site[line]
    found: list[tuple[str, str]] = []
    g = d.line_group.get(line)
    if g:
        for other in d.lines:
            if other != line and d.line_group.get(other) == g \
                    and (other, d.last_period) in open_set:
                found.append(("group", g))
                break
    periods = _open_periods(d, start)
    most = d.site_lines_max.get(site)
    if most is not None and any(
            sum(1 for ln in d.lines if d.line_site[ln] == site and (ln, p) in open_set) + 1
            > most for p in periods):
        found.append(("site_lines", site))
    for s, r in d.site_resources:
        need = d.resource_use.get((line, r), 0.0)
        if s != site or need <= 0:
            continue
        if any(sum(d.resource_use.get((ln, r), 0.0) for ln in d.lines
                   if d.line_site[ln] == s and (ln, p) in open_set) + need
               > d.resource_available[s, r] + 1e-6 for p in periods):
            found.append(("resource", f"{s}/{r}"))
    built = res.lines[res.lines.built & (res.lines.status == "candidate")]
    spent = {p: float(sum(d.capex[ln] for ln in built.line[built.build_period == p]))
             for p in d.periods}
    if d.budget_total is not None and sum(spent.values()) + d.capex[line] \
            > d.budget_total + 1e-6:
        found.append(("budget_total", ""))
    if start in d.budget_period and spent[start] + d.capex[line] \
            > d.budget_period[start] + 1e-6:
        found.append(("budget_period", start))
    return found


def _entry(m: pyo.ConcreteModel, d: ChainData, res: ChainResults, settings: Any, base: float,
           started: float, budget: float, marginal_values: Any) -> None:
    """For each line, the exact change in net value at this plan (other lines held) if it
    were closed (built lines) or added, or swapped for the line blocking it (not built)."""
    import dataclasses

    from optimizer.solve import SolveStatus

    build = m.build
    plan = {k: (v.value or 0.0) for k, v in build.items()}
    lines = res.lines
    first_option: dict[str, str] = {}
    for line, p in d.build_options:
        first_option.setdefault(line, p)

    def weight(start: str) -> float:
        return sum(d.period_weight[p] for p in _open_periods(d, start))

    def change(on: str | None, off: list[str]) -> float | None:
        left = max(budget - (time.perf_counter() - started), 1.0)
        limited = dataclasses.replace(settings, time_limit=min(float(settings.time_limit),
                                                               left) if hasattr(
            settings, "time_limit") else left)
        for (line, p) in plan:
            if line in off:
                build[line, p].set_value(0, skip_validation=True)
            if line == on:
                build[line, p].set_value(1 if p == first_option[line] else 0,
                                         skip_validation=True)
        try:
            out = marginal_values(m, limited)
        finally:
            for key, value in plan.items():
                build[key].set_value(value, skip_validation=True)
        if out.status is not SolveStatus.OPTIMAL or out.objective is None:
            return None
        return float(out.objective) - base

    status: dict[str, str] = {}
    change_per_year: dict[str, float | None] = {}
    swap_with: dict[str, str] = {}
    blocked: dict[str, str] = {}
    value_to_plan: dict[str, float | None] = {}
    built_lines = [ln for ln in lines[lines.built & (lines.status == "candidate")].line]
    unbuilt = [ln for ln in lines[~lines.built & (lines.status == "candidate")].line
               if ln in first_option]
    skipped = 0

    def out_of_time() -> bool:
        return time.perf_counter() - started > budget

    def enter(line: str, blocks: list[tuple[str, str]]) -> None:
        partner = _swap_partner(d, res, line, blocks, value_to_plan)
        delta: float | None
        if not blocks:
            delta = change(line, [])
            status[line] = "added" if delta is not None else "infeasible"
        elif partner:
            delta = change(line, [partner])
            status[line] = "swapped" if delta is not None else "blocked"
            swap_with[line] = partner
        else:
            delta = None
            status[line] = "blocked"
        change_per_year[line] = None if delta is None else delta / weight(first_option[line])

    # Lines not built come first (what it would take for them is what readers ask);
    # those that must displace the least valuable built line wait for the built lines.
    later: list[tuple[str, list[tuple[str, str]]]] = []
    for line in unbuilt:
        blocks = _blockers(d, res, line, first_option[line])
        blocked[line] = ";".join(f"{k}:{v}" if v else k for k, v in blocks)
        if {k for k, _ in blocks} - {"group"}:
            later.append((line, blocks))
        elif out_of_time():
            skipped += 1
            status[line] = "not_analysed"
        else:
            enter(line, blocks)
    for line in built_lines:
        if out_of_time():
            skipped += 1
            status[line] = "not_analysed"
            continue
        start = str(lines.loc[lines.line == line, "build_period"].iloc[0])
        delta = change(None, [line])
        if delta is None:
            status[line] = "required"
            value_to_plan[line] = None
        else:
            status[line] = "closed"
            value_to_plan[line] = -delta / weight(start)
    for line, blocks in later:
        if out_of_time():
            skipped += 1
            status[line] = "not_analysed"
        else:
            enter(line, blocks)
    if skipped:
        res.explain_notes.append(f"entry_skipped:{skipped}")
    lines["entry_status"] = [status.get(ln, "") for ln in lines.line]
    lines["value_to_plan"] = [value_to_plan.get(ln) for ln in lines.line]
    lines["change_if_built"] = [change_per_year.get(ln) for ln in lines.line]
    lines["swap_with"] = [swap_with.get(ln, "") for ln in lines.line]
    lines["blocked_by"] = [blocked.get(ln, "") for ln in lines.line]


def _swap_partner(d: ChainData, res: ChainResults, line: str, blocks: list[tuple[str, str]],
                  value_to_plan: dict[str, float | None]) -> str:
    """The built line to give up so that ``line`` fits: its exclusive group's line, else the
    built line of least value to the plan at the same site (slots, resources) or anywhere
    (budget) that frees enough room."""
    kinds = {k for k, _ in blocks}
    lines = res.lines
    built = lines[lines.built & (lines.status == "candidate")]
    if "group" in kinds:
        g = d.line_group[line]
        same = [ln for ln in built.line if d.line_group.get(ln) == g]
        return same[0] if same else ""
    pool = list(built.line)
    if kinds & {"site_lines", "resource"}:
        pool = [ln for ln in pool if d.line_site[ln] == d.line_site[line]]
    if kinds & {"budget_total", "budget_period"}:
        pool = [ln for ln in pool if d.capex[ln] >= d.capex[line]]
    ranked = sorted((ln for ln in pool if value_to_plan.get(ln) is not None),
                    key=lambda ln: value_to_plan[ln])  # type: ignore[arg-type,return-value]
    return ranked[0] if ranked else ""


def _build_limit_rows(d: ChainData, res: ChainResults) -> None:
    """Limits on build decisions alone: how full they are, whether they bind (no line not
    built fits in the room left), and which lines they keep out. No per-unit value: with
    the build decisions held, one more unit changes nothing at this plan."""
    lines, lp = res.lines, res.line_periods
    open_set = {(r.line, r.period) for r in lp[lp.open].itertuples(index=False)}
    unbuilt = lines[~lines.built & (lines.status == "candidate")]
    blocked_by = dict(zip(unbuilt.line, unbuilt.get("blocked_by", pd.Series(
        [""] * len(unbuilt), dtype=object)), strict=True))

    def kept_out(code: str) -> str:
        return ",".join(ln for ln, b in blocked_by.items() if code in str(b).split(";"))

    rows: list[dict[str, object]] = []
    for g in d.groups:
        members = [ln for ln in d.lines if d.line_group.get(ln) == g]
        used = sum(1 for ln in members if (ln, d.last_period) in open_set)
        rows.append({"kind": "group", "item": g, "period": d.last_period, "sense": "max",
                     "limit": 1.0, "used": float(used), "unit": "lines",
                     "binding": used >= 1 and len(members) > 1, "value": None,
                     "detail": kept_out(f"group:{g}")})
    for r in res.site_use.itertuples(index=False):
        if r.available is None or r.available != r.available:
            continue
        code = f"site_lines:{r.site}" if not r.resource else f"resource:{r.site}/{r.resource}"
        out = kept_out(code)
        rows.append({"kind": "site_lines" if not r.resource else "resource",
                     "item": r.site if not r.resource else f"{r.site}/{r.resource}",
                     "period": r.period, "sense": "max", "limit": float(r.available),
                     "used": r.used, "unit": r.unit or "",
                     "binding": _binding(r.used, float(r.available), "max") or bool(out),
                     "value": None, "detail": out})
    built = lines[lines.built & (lines.status == "candidate")]
    capex = {p: float(sum(d.capex[ln] for ln in built.line[built.build_period == p]))
             for p in d.periods}
    if d.budget_total is not None:
        out = kept_out("budget_total")
        rows.append({"kind": "budget_total", "item": "", "period": "", "sense": "max",
                     "limit": d.budget_total, "used": sum(capex.values()), "unit": "money",
                     "binding": bool(out), "value": None, "detail": out})
    for p, limit in d.budget_period.items():
        out = kept_out(f"budget_period:{p}")
        rows.append({"kind": "budget_period", "item": "", "period": p, "sense": "max",
                     "limit": limit, "used": capex[p], "unit": "money", "binding": bool(out),
                     "value": None, "detail": out})
    closable = {ln: d.jobs[ln] for ln in built.line}
    for p, need in d.lines_min.items():
        running = float(sum(1 for ln in d.lines if (ln, p) in open_set))
        rows.append({"kind": "lines_min", "item": "", "period": p, "sense": "min",
                     "limit": need, "used": running, "unit": "lines",
                     "binding": running - 1 < need - 1e-9, "value": None, "detail": ""})
    for p, need in d.jobs_min.items():
        jobs = float(lp[lp.period == p].jobs.sum())
        least = min(closable.values(), default=0.0)
        rows.append({"kind": "jobs_min", "item": "", "period": p, "sense": "min",
                     "limit": need, "used": jobs, "unit": "jobs",
                     "binding": jobs - least < need - 1e-9, "value": None, "detail": ""})
    if rows:
        extra = pd.DataFrame(rows, columns=MARGINAL_COLUMNS)
        res.marginal = extra if res.marginal.empty else pd.concat(
            [res.marginal, extra], ignore_index=True)
