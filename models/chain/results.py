"""Tidy result tables and KPIs from a solved model.

Each table is a pandas DataFrame with one row per existing key and only activity that is
not negligible (|x| > TOL). The independent checker (checks.py) recomputes every limit
from these tables and ChainData alone, so they must hold every quantity it needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyomo.core as pyo
from pyomo.common.numeric_types import native_numeric_types
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression

from models.chain.data import ChainData
from models.chain.econ_results import add_economics
from models.chain.formulation import OBJECTIVE_PARTS
from models.chain.rows import rows_of

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
    # Optional economics (models/chain/econ_results.py): process losses and emissions.
    losses: pd.DataFrame = field(default_factory=pd.DataFrame)
    emissions: pd.DataFrame = field(default_factory=pd.DataFrame)
    clusters: pd.DataFrame = field(default_factory=pd.DataFrame)
    working_capital: pd.DataFrame = field(default_factory=pd.DataFrame)
    taxes: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Filled in by optimizer/shared_limits.py: the chains of the case, and what lifting
    # each binding shared limit (or a full supply-group cap) changes for each chain.
    chains: pd.DataFrame = field(default_factory=pd.DataFrame)
    shared_limits: pd.DataFrame = field(default_factory=pd.DataFrame)


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
          "sales_min": d.sales_min[n, mat, p], "sales_max": d.sales_max[n, mat, p],
          "place": d.place_of(n)}
         for (n, mat, p), v in _values(m.sales).items()],
        # market: the market's key (its Markets.market_id, else its place); place: where
        columns=["market", "material", "period", "tonnes", "price", "revenue", "sales_min",
                 "sales_max", "place"])
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
    last = line_periods[line_periods.period == d.last_period]
    names = lines.line.tolist()
    for col in (*LINE_ACCOUNTS, "cost_variable", "cost_fixed", "net_value"):
        # plain dicts: a pandas look-up per line and column cost seconds at 5,000 lines
        value = dict(zip(last.line.tolist(), last[col].tolist(), strict=True))
        lines[col] = [float(value.get(line, 0.0)) for line in names]
    parts = {name: _part_value(getattr(m, name)) for name in OBJECTIVE_PARTS}
    net = parts["revenue"] - sum(v for k, v in parts.items() if k != "revenue")
    res = ChainResults(purchases, flows, recipe_inputs, production, sales, disposals,
                       line_periods, lines, parts, net)
    res.allocation = allocation
    res.unattributed = unattributed
    res.lane_use = _lane_use(d, flows)
    res.site_use = _site_use(d, line_periods)
    res.kpis = _kpis(d, res, w)
    add_economics(res, d)
    return res


def _part_value(part: Any) -> float:
    """``pyo.value`` of an objective part, the same float: Pyomo's generic evaluator walks
    a flat sum of 77,000 terms (transport at 5,000 lines x 3 periods) in about a second;
    a flat LinearExpression of constants, variables and (number, variable) monomials is
    summed here as Pyomo's own ``_apply_operation`` does (the first term, then each next
    one in order). Anything else, or a variable without a value, goes to ``pyo.value``."""
    expr = part.expr
    if type(expr) is not LinearExpression:
        return float(pyo.value(part))
    terms: list[Any] = []
    for arg in expr.args:
        kind = type(arg)
        if kind is MonomialTermExpression:
            coef, var = arg.args
            value = var.value
            if type(coef) not in native_numeric_types or value is None:
                return float(pyo.value(part))
            terms.append(coef * value)
        elif kind is VarData and arg.value is not None:
            terms.append(arg.value)
        elif kind in native_numeric_types:
            terms.append(arg)
        else:
            return float(pyo.value(part))
    return float(sum(terms[1:], start=terms[0])) if terms else 0.0


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
    return lp, pd.DataFrame(summary, columns=[  # columns named: a case may have no line
        "line", "site", "technology", "status", "built", "build_period", "capacity",
        "throughput", "utilisation", "jobs"]).astype({"built": bool})


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
    for mat, p, place, o, t in rows_of(purchases, "material", "period", "location", "source",
                                       "tonnes"):
        if t > TOL:
            supply[mat, p].append((place, ("source", o), t))
    for mat, p, line, t in rows_of(production, "material", "period", "line", "tonnes"):
        if t > TOL:
            supply[mat, p].append((d.line_site[line], ("line", line), t))
    for mat, p, line, t in rows_of(recipe_inputs, "material", "period", "line", "tonnes"):
        if t > TOL:
            uses[mat, p].append((d.line_site[line], ("line", line), t))
    for mat, p, place, n, t in rows_of(sales, "material", "period", "place", "market",
                                       "tonnes"):
        if t > TOL:
            uses[mat, p].append((place, ("market", n), t))
    for mat, p, s, t in rows_of(disposals, "material", "period", "site", "tonnes"):
        if t > TOL:
            uses[mat, p].append((s, ("disposal", s), t))
    for mat, p, lane, a, b, t, cost in rows_of(flows, "material", "period", "lane", "origin",
                                                "destination", "tonnes", "cost_per_t"):
        if t > TOL:
            lanes[mat, p].append((lane, a, b, t, cost))
    # the tables' columns, filled row by row (a dict per row cost more than the tracing)
    alloc: dict[str, list[Any]] = {c: [] for c in ALLOCATION_COLUMNS}
    moved: dict[str, list[Any]] = {c: [] for c in TRANSPORT_COLUMNS}
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
        # each use's (and lane's) row of shares at once; np.flatnonzero keeps the origins
        # (and final uses) in their sorted order, as a loop over them would
        for place, u, t in uses[key]:
            shares = t * mix_in[at[place]]
            for j in np.flatnonzero(shares > TOL):
                o = origins[j]
                _append(alloc, o[0], o[1], mat, p, u[0], u[1], place, shares[j])
        for lane, a, b, t, cost in lanes[key]:
            from_each = t * mix_in[at[a]]
            for j in np.flatnonzero(from_each > TOL):
                o = origins[j]
                parts = from_each[j] * mix_out[at[b]]
                for k in np.flatnonzero(parts > TOL):
                    u, part = finals[k], parts[k]
                    _append(moved, lane, mat, p, o[0], o[1], u[0], u[1], part, part * cost)
    return (pd.DataFrame(alloc, columns=ALLOCATION_COLUMNS),
            pd.DataFrame(moved, columns=TRANSPORT_COLUMNS))


def _append(table: dict[str, list[Any]], *values: Any) -> None:
    """One row onto a table held as {column: values}, values in the columns' order."""
    for column, value in zip(table.values(), values, strict=True):
        column.append(value)


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
    # a case whose every line is excluded has an empty table without columns
    open_lp = line_periods[line_periods.open] if len(line_periods) else pd.DataFrame(
        columns=["line", "period"])
    # site -> period -> its open lines, in the table's order (one pass, not one filter of
    # the whole table per site and period)
    at: dict[tuple[str, str], list[str]] = defaultdict(list)
    for ln, p in rows_of(open_lp, "line", "period"):
        at[d.line_site[ln], p].append(ln)
    rows = []
    for s in d.sites:
        for p in d.periods:
            here = at.get((s, p), [])
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
