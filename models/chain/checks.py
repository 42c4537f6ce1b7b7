"""Independent post-solve checks: from the result tables and ChainData alone.

Nothing here reads the Pyomo model. Every balance is recomputed from the tables and
every limit re-tested, so a formulation bug, a solver tolerance problem or an extraction
bug shows up as a finding. Runs after every solve, in tests and in production.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from models.chain.data import ChainData
from models.chain.results import ChainResults
from models.chain.supply_groups import group_purchases

ABS_TOL = 1e-4  # tonnes or currency; solver feasibility tolerance is ~1e-7 relative
REL_TOL = 1e-6


@dataclass(frozen=True)
class Finding:
    check: str
    message: str
    excess: float  # by how much the limit is broken

    def format(self) -> str:
        return f"{self.check}: {self.message} (off by {self.excess:.6g})"


def _tol(scale: float) -> float:
    return ABS_TOL + REL_TOL * abs(scale)


class _Checker:
    def __init__(self, d: ChainData, r: ChainResults) -> None:
        self.d, self.r = d, r
        self.findings: list[Finding] = []

    def fail(self, check: str, message: str, excess: float) -> None:
        self.findings.append(Finding(check, message, excess))

    def at_most(self, check: str, what: str, value: float, limit: float) -> None:
        if value > limit + _tol(limit):
            self.fail(check, f"{what}: {value:.6g} > {limit:.6g}", value - limit)

    def at_least(self, check: str, what: str, value: float, limit: float) -> None:
        if value < limit - _tol(limit):
            self.fail(check, f"{what}: {value:.6g} < {limit:.6g}", limit - value)


def check_solution(d: ChainData, r: ChainResults, objective: float | None = None) -> list[Finding]:
    """Every violated balance or limit, or an empty list."""
    c = _Checker(d, r)
    _balances(c)
    _lines(c)
    _recipes(c)
    _supply_and_demand(c)
    _policy(c)
    _ramp_up(c)
    _clusters(c)
    _lane_materials(c)
    _supply_groups(c)
    _objective(c, objective)
    return c.findings


def _sum_by(df, keys: list[str], col: str = "tonnes") -> dict[tuple, float]:  # type: ignore[no-untyped-def]
    out: dict[tuple, float] = defaultdict(float)
    for row in df[[*keys, col]].itertuples(index=False):
        out[tuple(row[:-1])] += float(row[-1])
    return out


def _balances(c: _Checker) -> None:
    d, r = c.d, c.r
    supply: dict[tuple, float] = defaultdict(float)
    use: dict[tuple, float] = defaultdict(float)
    for row in r.purchases.itertuples(index=False):
        supply[row.location, row.material, row.period] += row.tonnes
    for row in r.flows.itertuples(index=False):
        supply[row.destination, row.material, row.period] += row.tonnes
        use[row.origin, row.material, row.period] += row.tonnes
    for row in r.production.itertuples(index=False):
        supply[d.line_site[row.line], row.material, row.period] += row.tonnes
    for row in r.recipe_inputs.itertuples(index=False):
        use[d.line_site[row.line], row.material, row.period] += row.tonnes
    for row in r.sales.itertuples(index=False):
        use[row.market, row.material, row.period] += row.tonnes
    for row in r.disposals.itertuples(index=False):
        use[row.site, row.material, row.period] += row.tonnes
    for key in set(supply) | set(use):
        s, u = supply.get(key, 0.0), use.get(key, 0.0)
        if abs(s - u) > _tol(max(s, u)):
            c.fail("material_balance", f"{key[1]} at {key[0]} in {key[2]}: in {s:.6g}, "
                   f"out {u:.6g}", abs(s - u))
    for row in r.disposals.itertuples(index=False):
        if row.material not in d.disposal_cost:
            c.fail("disposal", f"{row.material} disposed of at {row.site} but it has no "
                   "disposal cost", row.tonnes)


def _lines(c: _Checker) -> None:
    d, r = c.d, c.r
    opened = {(row.line, row.period): row.open for row in r.line_periods.itertuples(index=False)}
    tput = _sum_by(r.recipe_inputs, ["line", "period"])
    for line in d.lines:
        for p in d.periods:
            t = tput.get((line, p), 0.0)
            is_open = bool(opened.get((line, p), False))
            limit = d.capacity[line] if is_open else 0.0
            c.at_most("capacity_limit", f"{line} in {p} processes", t, limit)
            if is_open:
                c.at_least("utilisation_floor", f"{line} in {p} processes", t,
                           d.utilisation_min[line] * d.capacity[line])
            if line in d.lines_existing and not is_open:
                c.fail("existing", f"existing line {line} is not operating in {p}", 1.0)
    built = r.lines[r.lines.built]
    for line in built.line:
        if line in d.lines_excluded:
            c.fail("excluded", f"excluded line {line} is built", 1.0)
    last = d.last_period
    open_last = {line for (line, p), o in opened.items() if o and p == last}
    for g in d.groups:
        members = [ln for ln in d.lines if d.line_group.get(ln) == g]
        c.at_most("exclusive_group_limit", f"lines of group {g} built",
                  sum(1 for ln in members if ln in open_last), 1)
    for p in d.periods:
        open_p = {line for (line, q), o in opened.items() if o and q == p}
        for s, most in d.site_lines_max.items():
            c.at_most("site_lines_limit", f"lines at {s} in {p}",
                      sum(1 for ln in open_p if d.line_site[ln] == s), most)
        for (s, res), avail in d.resource_available.items():
            c.at_most("site_resource_limit", f"{res} at {s} in {p}",
                      sum(d.resource_use.get((ln, res), 0.0) for ln in open_p
                          if d.line_site[ln] == s), avail)


def _recipes(c: _Checker) -> None:
    d, r = c.d, c.r
    x = _sum_by(r.recipe_inputs, ["line", "recipe", "material", "period"])
    z: dict[tuple, float] = defaultdict(float)
    for (line, k, _mat, p), v in x.items():
        z[line, k, p] += v
    for (line, k, mat, _p), v in x.items():
        if (line, k, mat) not in d.share_min:
            c.fail("recipe", f"{line} recipe {k} takes {mat}, which it does not allow", v)
    for line, k, mat in d.recipe_inputs:
        for p in d.periods:
            total, v = z.get((line, k, p), 0.0), x.get((line, k, mat, p), 0.0)
            what = f"{mat} in {line}/{k} in {p}"
            c.at_least("share_floor", what, v, d.share_min[line, k, mat] * total)
            c.at_most("share_ceiling", what, v, d.share_max[line, k, mat] * total)
    for g in d.share_groups:
        line, k, name = g
        for p in d.periods:
            total = z.get((line, k, p), 0.0)
            v = sum(x.get((line, k, mat, p), 0.0) for mat in d.group_members[g])
            what = f"group {name} in {line}/{k} in {p}"
            c.at_least("group_share_floor", what, v, d.group_share_min[g] * total)
            c.at_most("group_share_ceiling", what, v, d.group_share_max[g] * total)
    made = _sum_by(r.production, ["line", "recipe", "material", "period"])
    for (line, k, mat, p), v in made.items():
        expected = d.yield_.get((line, k, mat), 0.0) * z.get((line, k, p), 0.0)
        if abs(v - expected) > _tol(expected):
            c.fail("recipe_yield", f"{line}/{k} makes {v:.6g} t of {mat} in {p}, yield says "
                   f"{expected:.6g}", abs(v - expected))


def _supply_and_demand(c: _Checker) -> None:
    r = c.r
    for row in r.purchases.itertuples(index=False):
        what = f"{row.source} in {row.period} buys"
        c.at_least("offtake_min", what, row.tonnes, row.offtake_min)
        if row.availability is not None and row.availability == row.availability:
            c.at_most("availability", what, row.tonnes, row.availability)
        c.at_least("non_negative", what, row.tonnes, 0.0)
    for row in r.sales.itertuples(index=False):
        what = f"{row.material} at {row.market} in {row.period} sells"
        c.at_least("sales_min", what, row.tonnes, row.sales_min)
        if row.sales_max is not None and row.sales_max == row.sales_max:
            c.at_most("sales_max", what, row.tonnes, row.sales_max)
    for row in r.flows.itertuples(index=False):
        c.at_least("non_negative", f"{row.lane} {row.material}", row.tonnes, 0.0)
    lane = _sum_by(r.flows, ["lane", "period"])
    for (a, p), t in lane.items():
        cap = c.d.lane_capacity.get(a)
        if cap is not None:
            c.at_most("lane_capacity_limit", f"{a} in {p} carries", t, cap)


def _policy(c: _Checker) -> None:
    d, r = c.d, c.r
    built = r.lines[r.lines.built & (r.lines.status == "candidate")]
    capex_by_period: dict[str, float] = defaultdict(float)
    for row in built.itertuples(index=False):
        capex_by_period[row.build_period] += d.capex[row.line]
    if d.budget_total is not None:
        c.at_most("budget_total_limit", "capex", sum(capex_by_period.values()), d.budget_total)
    for p, limit in d.budget_period.items():
        c.at_most("budget_period_limit", f"capex in {p}", capex_by_period.get(p, 0.0), limit)
    lp = r.line_periods
    for p, n in d.lines_min.items():
        c.at_least("lines_min_floor", f"lines operating in {p}",
                   float(lp[(lp.period == p) & lp.open].shape[0]), n)
    for p, j in d.jobs_min.items():
        c.at_least("jobs_min_floor", f"jobs in {p}", float(lp[lp.period == p].jobs.sum()), j)
    rec = r.recipe_inputs[r.recipe_inputs.material.isin(list(d.recovered))]
    for p, t in d.recovered_min.items():
        c.at_least("recovered_min_floor", f"recovered feedstock processed in {p}",
                   float(rec[rec.period == p].tonnes.sum()), t)
    for p, share in d.local_share_min.items():
        pp = r.purchases[r.purchases.period == p]
        total = float(pp.cost.sum())
        local = float(pp[pp.local.astype(bool)].cost.sum())
        c.at_least("local_share_floor", f"local feedstock value in {p}", local, share * total)


def _objective(c: _Checker, objective: float | None) -> None:
    d, r = c.d, c.r
    w = d.period_weight

    def weighted(df, col: str) -> float:  # type: ignore[no-untyped-def]
        return float(sum(w[p] * v for p, v in zip(df.period, df[col], strict=True)))

    lp = r.line_periods
    recomputed = {
        "revenue": weighted(r.sales, "revenue"),
        "cost_feedstock": weighted(r.purchases, "cost"),
        "cost_variable": weighted(lp, "cost_variable"),
        "cost_transport": weighted(r.flows, "cost"),
        "cost_disposal": weighted(r.disposals, "cost"),
        "cost_fixed": weighted(lp, "cost_fixed"),
    }
    recomputed.update(_economic_parts(c), cost_working_capital=_working_capital(c),
                      **_taxes_and_incentives(c))
    for name, value in recomputed.items():
        reported = r.objective_parts[name]
        if abs(value - reported) > _tol(value) * 10:
            c.fail("objective_part", f"{name}: tables give {value:.6g}, model {reported:.6g}",
                   abs(value - reported))
    net = recomputed["revenue"] - sum(v for k, v in recomputed.items() if k != "revenue")
    if objective is not None and abs(net - objective) > _tol(objective) * 10:
        c.fail("objective", f"parts sum to {net:.6g}, solver reports {objective:.6g}",
               abs(net - objective))


# ---- optional economics: recomputed from ChainData's input parameters --------------------


def _ramp_up(c: _Checker) -> None:
    """Each new line's throughput against its technology's RampUp limits, year by year.

    Recomputes the years of operation from Periods (not the model's rho): a line built in
    period q, in period p of n_p years, may average the limits of its years of operation
    Y_p - Y_q + 1 ... Y_p - Y_q + n_p.
    """
    d, r = c.d, c.r
    start: dict[str, int] = {}
    elapsed = 0
    for p in d.periods:
        start[p] = elapsed
        elapsed += d.period_years[p]
    tput = _sum_by(r.recipe_inputs, ["line", "period"])
    for row in r.lines.itertuples(index=False):
        table = d.ramp_tables.get(d.line_technology.get(row.line, ""))
        if not table or not row.built or row.status != "candidate":
            continue
        for p in d.periods:
            if start[p] < start[row.build_period]:
                continue
            years = [start[p] - start[row.build_period] + t + 1
                     for t in range(d.period_years[p])]
            limit = sum(table[min(y, len(table)) - 1] for y in years) / len(years)
            c.at_most("ramp_up_limit", f"{row.line} in {p} (year {years[0]} of operation) "
                      "processes", tput.get((row.line, p), 0.0), limit * d.capacity[row.line])


def _economic_parts(c: _Checker) -> dict[str, float]:
    """Discounted price-tier, loss and carbon costs, recomputed from the flow tables."""
    d, r = c.d, c.r
    w = d.period_weight
    tiers = 0.0
    for row in r.sales.itertuples(index=False):
        steps = d.price_tiers.get((row.market, row.material, row.period), ())
        before = d.price[row.market, row.material, row.period]
        for start, price in steps:
            tiers += w[row.period] * (before - price) * max(0.0, row.tonnes - start)
            before = price
    yields: dict[tuple[str, str], float] = defaultdict(float)
    for line, k, mat in d.recipe_outputs:
        yields[line, k] += d.yield_[line, k, mat]
    loss = carbon = 0.0
    for row in r.recipe_inputs.itertuples(index=False):
        lost = max(0.0, 1.0 - yields[row.line, row.recipe]) * row.tonnes
        loss += w[row.period] * d.site_loss_cost.get(d.line_site[row.line], 0.0) * lost
        carbon += w[row.period] * d.carbon_price * d.co2_input.get(
            (row.line, row.recipe, row.material), 0.0) * row.tonnes
    for row in r.flows.itertuples(index=False):
        factor = d.lane_co2_per_t.get(row.lane, 0.0) + d.lane_co2_per_tkm.get(
            row.lane, 0.0) * d.lane_distance.get(row.lane, 0.0)
        carbon += w[row.period] * d.carbon_price * factor * row.tonnes
    return {"cost_price_tiers": tiers, "cost_loss": loss, "cost_carbon": carbon}


def _clusters(c: _Checker) -> None:
    """SME-cluster rules per cluster, recounted from the line tables and the Clusters rows."""
    d, r = c.d, c.r
    lp = r.line_periods
    rec = r.recipe_inputs[r.recipe_inputs.material.isin(list(d.recovered))]

    def in_cluster(lines, cluster: str):  # type: ignore[no-untyped-def]
        sites = set(d.cluster_sites[cluster])
        return lines.map(lambda ln: d.line_site[ln] in sites)
    for (cluster, p), need in d.cluster_lines_min.items():
        rows = lp[(lp.period == p) & lp.open & in_cluster(lp.line, cluster)]
        c.at_least("cluster_lines_min_floor", f"lines operating in cluster {cluster} in {p}",
                   float(len(rows)), need)
    for (cluster, p), need in d.cluster_jobs_min.items():
        rows = lp[(lp.period == p) & in_cluster(lp.line, cluster)]
        c.at_least("cluster_jobs_min_floor", f"jobs in cluster {cluster} in {p}",
                   float(rows.jobs.sum()), need)
    for (cluster, p), need in d.cluster_recovered_min.items():
        rows = rec[(rec.period == p) & in_cluster(rec.line, cluster)]
        c.at_least("cluster_recovered_min_floor", f"recovered feedstock processed in cluster "
                   f"{cluster} in {p}", float(rows.tonnes.sum()), need)
    for (cluster, p), share in d.cluster_local_share_min.items():
        mine = [o for o, cl in d.source_cluster.items() if cl == cluster]
        pp = r.purchases[(r.purchases.period == p) & r.purchases.source.isin(mine)]
        c.at_least("cluster_local_share_floor", f"local feedstock value of cluster {cluster} "
                   f"in {p}", float(pp[pp.local.astype(bool)].cost.sum()),
                   share * float(pp.cost.sum()))


def _working_capital(c: _Checker) -> float:
    """Discounted financing of stock and receivables, from the purchase and sales tables."""
    d, r = c.d, c.r
    w, rate = d.period_weight, d.financing_rate
    held = sum(w[row.period] * d.stock_days.get(row.material, 0.0) / 365.0 * row.cost
               for row in r.purchases.itertuples(index=False))
    held += sum(w[row.period] * (d.stock_days.get(row.material, 0.0)
                                 + d.receivable_days.get(row.material, 0.0)) / 365.0
                * row.price * row.tonnes for row in r.sales.itertuples(index=False))
    return rate * held


def _taxes_and_incentives(c: _Checker) -> dict[str, float]:
    """Import duty from the purchase table and per-tonne incentives from the recipe inputs,
    at the rates of ChainData (Sources.duty_rate, else import_duty on offers not local)."""
    d, r = c.d, c.r
    w = d.period_weight
    duty = sum(w[row.period] * d.duty.get((row.source, row.period), 0.0) * row.cost
               for row in r.purchases.itertuples(index=False))
    paid = sum(w[row.period] * d.incentive.get(row.material, 0.0) * row.tonnes
               for row in r.recipe_inputs.itertuples(index=False))
    return {"cost_import_duty": duty, "cost_incentives": -paid}


def _lane_materials(c: _Checker) -> None:
    """A lane carries only its Lanes.material, or the materials its LaneMaterials rows name."""
    d, r = c.d, c.r
    for row in r.flows.itertuples(index=False):
        only = d.lane_material.get(row.lane, "")
        allowed = {only} if only else d.lane_carries.get(row.lane)
        if allowed is not None and row.material not in allowed and row.tonnes > ABS_TOL:
            c.fail("lane_material", f"{row.lane} carries {row.material} in {row.period}, "
                   f"which it may not (only {', '.join(sorted(allowed))})", row.tonnes)
def _supply_groups(c: _Checker) -> None:
    """Joint purchases of each supply group, re-summed from the purchases table."""
    d = c.d
    bought = group_purchases(c.r.purchases, d.supply_group_members)
    for g, p in d.supply_groups:
        total = bought.get((g, p), 0.0)
        what = f"supply group {g} in {p} sells"
        c.at_least("supply_group_floor", what, total, d.supply_group_min[g, p])
        top = d.supply_group_max[g, p]
        if top is not None:
            c.at_most("supply_group_ceiling", what, total, top)


def _is_plan_column(name: str) -> bool:
    return name in ("tonnes", "cost", "revenue", "net_value", "value") or name.startswith(
        ("cost_", "revenue_", "tonnes_"))


def check_finite(r: ChainResults, objective: float | None = None) -> list[Finding]:
    """Every infinite or undefined number in the plan: a plan holding one is not a plan.

    Kept apart from check_solution (which compares finite numbers with tolerances, and
    where a comparison with infinity or NaN can silently pass): the objective, each part
    of it, and every number in the result tables must be finite.
    """
    findings: list[Finding] = []
    scalars = {"objective (net value reported by the solver)": objective,
               "net value recomputed from the tables": r.net_value,
               **{f"objective part {k}": v for k, v in r.objective_parts.items()}}
    for what, value in scalars.items():
        if value is not None and not math.isfinite(float(value)):
            findings.append(Finding("finite", f"{what} is {value}", math.inf))
    tables = {"purchases": r.purchases, "flows": r.flows, "recipe_inputs": r.recipe_inputs,
              "production": r.production, "sales": r.sales, "disposals": r.disposals,
              "line_periods": r.line_periods, "lines": r.lines}
    for name, df in tables.items():
        numeric = df.select_dtypes("number")
        if numeric.empty:
            continue
        values = numeric.to_numpy(dtype=float)
        # infinity is never a plan value; NaN only where an input may be blank ("no limit",
        # e.g. availability), never in a quantity, cost or revenue of the plan
        planned = np.array([_is_plan_column(str(c)) for c in numeric.columns], dtype=bool)
        bad = np.isinf(values) | (np.isnan(values) & planned[np.newaxis, :])
        for row, col in zip(*np.nonzero(bad), strict=True):
            if len(findings) >= 20:  # enough to act on; the count says the rest
                findings.append(Finding("finite", f"{int(bad.sum())} non-finite values in "
                                        f"{name} in all", math.inf))
                return findings
            findings.append(Finding("finite", f"{name} row {int(row)} column "
                                    f"{numeric.columns[col]} is {numeric.iat[row, col]}",
                                    math.inf))
    return findings
