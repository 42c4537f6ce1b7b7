"""Result tables of the optional economics: ramp-up limits, price tiers reached, process
losses and emissions. Computed from the solved flows and ChainData; nothing here changes
a table when the workbook uses none of these features (their columns are then neutral:
tier 0, no loss cost, no emissions).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pandas as pd

from models.chain.econ import tier_reached, tier_revenue_loss
from models.chain.rows import rows_of

if TYPE_CHECKING:
    from models.chain.data import ChainData
    from models.chain.results import ChainResults

TOL = 1e-6
LOSS_COLUMNS = ["line", "recipe", "site", "loss", "period", "tonnes", "cost_per_t", "cost"]
EMISSION_COLUMNS = ["kind", "item", "material", "period", "tonnes", "co2_per_t", "co2",
                    "cost"]


def add_economics(res: ChainResults, d: ChainData) -> None:
    """Add the economics columns and tables to ``res`` (in place)."""
    _sales_tiers(res, d)
    res.losses = _losses(res, d)
    res.emissions = _emissions(res, d)
    res.clusters = _clusters(res, d)
    res.working_capital = _working_capital(res, d)
    res.taxes = _taxes(res, d)
    _line_columns(res, d)
    _unattributed(res, d)
    last = d.last_period
    res.kpis["emissions_t"] = float(res.emissions[res.emissions.period == last].co2.sum())
    res.kpis["loss_tonnes"] = float(res.losses[res.losses.period == last].tonnes.sum())
    if d.profit_tax_rate:  # discounted, as the objective parts
        relief = res.taxes[res.taxes.kind == "profit_tax_relief"]
        res.kpis["profit_tax_relief"] = -sum(
            d.period_weight[str(r.period)] * float(r.amount)
            for r in relief.itertuples(index=False))


def _sales_tiers(res: ChainResults, d: ChainData) -> None:
    tier, marginal, given_up = [], [], []
    for n, mat, p, tonnes, price in rows_of(res.sales, "market", "material", "period",
                                            "tonnes", "price"):
        tiers = d.price_tiers.get((n, mat, p), ())
        reached = tier_reached(tiers, float(tonnes))
        tier.append(reached)
        marginal.append(tiers[reached - 1][1] if reached else float(price))
        given_up.append(tier_revenue_loss(tiers, float(price), float(tonnes)))
    res.sales["tier"] = tier
    res.sales["price_last_tonne"] = marginal
    res.sales["tier_revenue_given_up"] = given_up


def _losses(res: ChainResults, d: ChainData) -> pd.DataFrame:
    z: dict[tuple[str, str, str], float] = defaultdict(float)
    for line, k, p, tonnes in rows_of(res.recipe_inputs, "line", "recipe", "period", "tonnes"):
        z[line, k, p] += float(tonnes)
    rows = []
    for (line, k, p), tput in sorted(z.items()):
        rate = d.loss_rate.get((line, k), 0.0)
        if rate <= 0 or tput <= TOL:
            continue
        site = d.line_site[line]
        per_t = d.site_loss_cost.get(site, 0.0)
        rows.append({"line": line, "recipe": k, "site": site, "loss": d.loss_name[line, k],
                     "period": p, "tonnes": rate * tput, "cost_per_t": per_t,
                     "cost": rate * tput * per_t})
    return pd.DataFrame(rows, columns=LOSS_COLUMNS)


def _emissions(res: ChainResults, d: ChainData) -> pd.DataFrame:
    rows = []
    if d.co2_input:
        for line, k, mat, p, tonnes in rows_of(res.recipe_inputs, "line", "recipe",
                                               "material", "period", "tonnes"):
            factor = d.co2_input.get((line, k, mat), 0.0)
            if factor:
                rows.append({"kind": "line", "item": line, "material": mat, "period": p,
                             "tonnes": tonnes, "co2_per_t": factor, "co2": factor * tonnes,
                             "cost": d.carbon_price * factor * tonnes})
    if d.lane_co2:
        for a, mat, p, tonnes in rows_of(res.flows, "lane", "material", "period", "tonnes"):
            factor = d.lane_co2.get(a, 0.0)
            if factor:
                rows.append({"kind": "lane", "item": a, "material": mat, "period": p,
                             "tonnes": tonnes, "co2_per_t": factor, "co2": factor * tonnes,
                             "cost": d.carbon_price * factor * tonnes})
    return pd.DataFrame(rows, columns=EMISSION_COLUMNS)


def _line_columns(res: ChainResults, d: ChainData) -> None:
    """Ramp-up limit, loss and emissions per line and period; charged to the line's net."""
    built_in = {line: q for line, q, built, status in rows_of(
        res.lines, "line", "build_period", "built", "status") if built and status == "candidate"}
    lp = res.line_periods
    lp["utilisation_max"] = [
        d.ramp_factor.get((line, built_in.get(line, ""), p)) if is_open else None
        for line, p, is_open in zip(lp.line, lp.period, lp.open, strict=True)]
    loss = res.losses.groupby(["line", "period"]).agg(
        {"tonnes": "sum", "cost": "sum"}) if len(res.losses) else None
    co2 = res.emissions[res.emissions.kind == "line"].groupby(["item", "period"]).agg(
        {"co2": "sum", "cost": "sum"}) if len(res.emissions) else None

    def pick(table: pd.DataFrame | None, col: str) -> list[float]:
        if table is None:
            return [0.0] * len(lp)
        values = table[col].to_dict()
        return [float(values.get((line, p), 0.0)) for line, p in zip(lp.line, lp.period,
                                                                     strict=True)]
    lp["loss_tonnes"] = pick(loss, "tonnes")
    lp["cost_loss"] = pick(loss, "cost")
    lp["co2"] = pick(co2, "co2")
    lp["cost_carbon"] = pick(co2, "cost")
    lp["net_value"] = lp.net_value - lp.cost_loss - lp.cost_carbon
    last = lp[lp.period == d.last_period]
    names = res.lines.line.tolist()
    for col in ("loss_tonnes", "cost_loss", "co2", "cost_carbon", "net_value",
                "utilisation_max"):
        # a plain dict: a pandas look-up per line and column cost seconds at 5,000 lines
        value = dict(zip(last.line.tolist(), last[col].tolist(), strict=True))
        missing = None if col == "utilisation_max" else 0.0
        res.lines[col] = [value.get(line, missing) for line in names]


def _unattributed(res: ChainResults, d: ChainData) -> None:
    """Price-tier revenue given up and transport emissions belong to no single line."""
    if not len(res.unattributed):
        return
    tiers = res.sales.groupby("period").tier_revenue_given_up.sum().to_dict() \
        if len(res.sales) else {}
    lanes = res.emissions[res.emissions.kind == "lane"]
    carbon = lanes.groupby("period").cost.sum().to_dict() if len(lanes) else {}
    u = res.unattributed
    u["price_tiers"] = [float(tiers.get(p, 0.0)) for p in u.period]
    u["carbon_transport"] = [float(carbon.get(p, 0.0)) for p in u.period]
    u["net_value"] = u.net_value - u.price_tiers - u.carbon_transport
    if d.profit_tax_rate:  # the plan's profit tax belongs to no single line
        t = res.taxes[res.taxes.kind.isin(["profit_tax", "profit_tax_relief"])]
        tax = t.groupby("period").amount.sum().to_dict()
        u["profit_tax"] = [float(tax.get(p, 0.0)) for p in u.period]
        u["net_value"] = u.net_value - u.profit_tax


CLUSTER_COLUMNS = ["cluster", "period", "lines", "lines_min", "jobs", "jobs_min",
                   "recovered_tonnes", "recovered_min", "local_share", "local_share_min"]


def _clusters(res: ChainResults, d: ChainData) -> pd.DataFrame:
    """Lines, jobs and recovered waste per cluster and period, against the cluster's rules."""
    lp = res.line_periods
    rec = res.recipe_inputs[res.recipe_inputs.material.isin(list(d.recovered))]
    rows = []
    for cluster, sites in sorted(d.cluster_sites.items()):
        members = {line for line in d.lines if d.line_site[line] in set(sites)}
        for p in d.periods:
            lines = lp[(lp.period == p) & lp.line.isin(members)]
            taken = rec[(rec.period == p) & rec.line.isin(members)]
            mine = [o for o, cl in d.source_cluster.items() if cl == cluster]
            bought = res.purchases[(res.purchases.period == p)
                                   & res.purchases.source.isin(mine)]
            value = float(bought.cost.sum())
            rows.append({"cluster": cluster, "period": p,
                         "lines": int(lines.open.sum()),
                         "lines_min": d.cluster_lines_min.get((cluster, p)),
                         "jobs": float(lines.jobs.sum()),
                         "jobs_min": d.cluster_jobs_min.get((cluster, p)),
                         "recovered_tonnes": float(taken.tonnes.sum()),
                         "recovered_min": d.cluster_recovered_min.get((cluster, p)),
                         "local_share": float(bought[bought.local.astype(bool)].cost.sum())
                         / value if value > TOL else None,
                         "local_share_min": d.cluster_local_share_min.get((cluster, p))})
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


WC_COLUMNS = ["material", "period", "stock_value", "receivables", "capital", "cost"]


def _working_capital(res: ChainResults, d: ChainData) -> pd.DataFrame:
    """Capital tied up per material and period (days / 365 x yearly value) and its cost."""
    stock: dict[tuple[str, str], float] = defaultdict(float)
    owed: dict[tuple[str, str], float] = defaultdict(float)
    for mat, p, cost in rows_of(res.purchases, "material", "period", "cost"):
        stock[mat, p] += d.stock_days.get(mat, 0.0) / 365 * cost
    for mat, p, price, tonnes in rows_of(res.sales, "material", "period", "price", "tonnes"):
        value = price * tonnes
        stock[mat, p] += d.stock_days.get(mat, 0.0) / 365 * value
        owed[mat, p] += d.receivable_days.get(mat, 0.0) / 365 * value
    rows = []
    for key in sorted(set(stock) | set(owed)):
        total = stock.get(key, 0.0) + owed.get(key, 0.0)
        if total > TOL:
            rows.append({"material": key[0], "period": key[1], "stock_value": stock.get(key, 0.0),
                         "receivables": owed.get(key, 0.0), "capital": total,
                         "cost": d.financing_rate * total})
    return pd.DataFrame(rows, columns=WC_COLUMNS)


TAX_COLUMNS = ["kind", "item", "period", "tonnes", "rate", "amount", "base"]


def _taxes(res: ChainResults, d: ChainData) -> pd.DataFrame:
    """Import duty per offer (rate: share of price) and incentives per material processed
    (rate: per tonne; amount negative for a subsidy received)."""
    rows = []
    for o, p, tonnes, cost in rows_of(res.purchases, "source", "period", "tonnes", "cost"):
        rate = d.duty.get((o, p), 0.0)
        if rate and tonnes > TOL:
            rows.append({"kind": "duty", "item": o, "period": p,
                         "tonnes": tonnes, "rate": rate, "amount": rate * cost})
    taken: dict[tuple[str, str], float] = defaultdict(float)
    for mat, p, tonnes in rows_of(res.recipe_inputs, "material", "period", "tonnes"):
        if mat in d.incentive:
            taken[mat, p] += tonnes
    for (mat, p), t in sorted(taken.items()):
        rows.append({"kind": "incentive", "item": mat, "period": p, "tonnes": t,
                     "rate": d.incentive[mat], "amount": -d.incentive[mat] * t})
    rows += _profit_tax_rows(res, d, pd.DataFrame(rows, columns=TAX_COLUMNS))
    return pd.DataFrame(rows, columns=TAX_COLUMNS)


def period_margins(res: ChainResults, d: ChainData, taxes: pd.DataFrame,
                   ) -> dict[str, float]:
    """M_p: the plan's net value before profit tax per year of each period, from the
    tables (revenue less purchases, processing, transport, disposal, fixed cost, price
    tiers, losses, carbon, working capital, duty and incentives)."""
    def by_period(df: pd.DataFrame, col: str) -> dict[str, float]:
        if not len(df) or col not in df:
            return {}
        return {str(k): float(v) for k, v in df.groupby("period")[col].sum().items()}
    plus = [by_period(res.sales, "revenue")]
    minus = [by_period(res.purchases, "cost"), by_period(res.line_periods, "cost_variable"),
             by_period(res.flows, "cost"), by_period(res.disposals, "cost"),
             by_period(res.line_periods, "cost_fixed"),
             by_period(res.sales, "tier_revenue_given_up"), by_period(res.losses, "cost"),
             by_period(res.emissions, "cost"), by_period(res.working_capital, "cost"),
             by_period(taxes, "amount")]
    return {p: sum(t.get(p, 0.0) for t in plus) - sum(t.get(p, 0.0) for t in minus)
            for p in d.periods}


def _profit_tax_rows(res: ChainResults, d: ChainData, taxes: pd.DataFrame,
                     ) -> list[dict[str, object]]:
    """Per period: the tax on the margin per year (base), and the relief (negative)."""
    if not d.profit_tax_rate:
        return []
    rows: list[dict[str, object]] = []
    for p, margin in period_margins(res, d, taxes).items():
        tax = d.profit_tax_rate * max(0.0, margin)  # a loss is not taxed
        rows.append({"kind": "profit_tax", "item": "", "period": p, "tonnes": None,
                     "rate": d.profit_tax_rate, "amount": tax, "base": margin})
        relieved = 1.0 - d.profit_tax_weight[p] / d.period_weight[p] \
            if d.period_weight[p] else 0.0
        if relieved > 1e-12:
            rows.append({"kind": "profit_tax_relief", "item": "", "period": p,
                         "tonnes": None, "rate": relieved, "amount": -relieved * tax,
                         "base": margin})
    return rows
