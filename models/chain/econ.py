"""Optional economics of the chain model, read from the workbook into ChainData.

Each feature is optional: a workbook without the RampUp or PriceTiers sheets, without
Sites.loss_cost, the co2 columns or the carbon_price setting, gives the same ChainData
values as before (empty dicts, zero price), so the model and the answer are unchanged.

- ramp-up (RampUp sheet): the most share of capacity a line may use in each year of
  operation, counted from its build period;
- price tiers (PriceTiers sheet): prices that fall as more is sold at a market;
- mass closure (Recipes.loss_name, Sites.loss_cost): what a recipe loses when its output
  yields add up to less than 1, named and disposed of at the site's cost;
- carbon (Recipes.co2_per_t, Lanes.co2_per_t / co2_per_tkm, Settings.carbon_price);
- the SME-cluster rules per cluster (Clusters sheet, Policy.cluster);
- working capital (Materials.stock_days / receivable_days, Settings.financing_rate);
- taxes and incentives (Sources.duty_rate, Settings.import_duty, Materials.incentive_per_t).

Validation problems are reported with sheet, row and column, like every other check.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from models.chain.profit_tax import tax_weights
from models.validation.hints import did_you_mean
from models.validation.issues import IssueList
from models.validation.tables import Row, Table

if TYPE_CHECKING:
    from models.chain.data import ChainData

Where = Callable[[str, Row, str], dict[str, Any]]
EPS = 1e-9


def ramp_value(table: tuple[float, ...], year: int) -> float:
    """U(y): the value of the last year listed at or before y (1 before any ramp-up).

    ``table[i]`` holds year i+1, already filled forward (see _ramp_tables), so years past
    the table keep its last value.
    """
    if not table:
        return 1.0
    return table[min(year, len(table)) - 1]


def ramp_factor(table: tuple[float, ...], years_before_p: int, years_before_q: int,
                length_p: int) -> float:
    r"""Average ramp-up limit over the years of period p for a line built in period q.

    .. math:: \rho_{l,q,p} = \frac{1}{n_p}\sum_{t=0}^{n_p-1} U_{\tau(l)}(Y_p - Y_q + t + 1)

    An average because quantities are per year of a period: the period's yearly
    throughput may reach the mean of its years' limits.
    """
    first = years_before_p - years_before_q + 1
    return sum(ramp_value(table, first + t) for t in range(length_p)) / length_p


def apply_economics(tables: Mapping[str, Table], settings: Mapping[str, object],
                    data: ChainData, issues: IssueList, where: Where) -> ChainData:
    """ChainData with the optional economics filled in (or unchanged when none is given)."""
    ramp_tables = _ramp_tables(tables, data, issues, where)
    ramp = _ramp_factors(data, ramp_tables)
    tiers = _price_tiers(tables, data, issues, where)
    losses = _losses(tables, data)
    carbon = _carbon(tables, data, issues, where)
    clusters = _clusters(tables, data, issues, where)
    duty = _duties(tables, settings, data)
    tax_rate = float(settings.get("profit_tax_rate") or 0.0)  # type: ignore[arg-type]
    relief_years = settings.get("profit_tax_relief_years")
    return dataclasses.replace(
        data,
        carbon_price=float(settings.get("carbon_price") or 0.0),  # type: ignore[arg-type]
        financing_rate=float(settings.get("financing_rate") or 0.0),  # type: ignore[arg-type]
        stock_days={str(r["material"]): float(r["stock_days"])  # type: ignore[arg-type]
                    for r in tables["Materials"].rows if r["stock_days"]},
        receivable_days={str(r["material"]): float(r["receivable_days"])  # type: ignore[arg-type]
                         for r in tables["Materials"].rows if r["receivable_days"]},
        ramp_tables=ramp_tables,
        ramp_factor=ramp,
        ramp_lines=tuple(sorted({line for line, _q, _p in ramp})),
        price_tiers=tiers,
        tier_index=tuple((d, mat, p, t) for (d, mat, p), ts in tiers.items()
                         for t in range(len(ts))),
        **losses,
        **carbon,
        **clusters,
        duty=duty,
        incentive={str(r["material"]): float(r["incentive_per_t"])  # type: ignore[arg-type]
                   for r in tables["Materials"].rows if r["incentive_per_t"]},
        profit_tax_rate=tax_rate,
        profit_tax_weight=tax_weights(
            data.periods, data.period_years, data.discount_rate,
            float(settings.get("profit_tax_relief_share") or 0.0),  # type: ignore[arg-type]
            None if relief_years is None else int(relief_years))  # type: ignore[call-overload]
        if tax_rate else {},
    )


# ---- ramp-up ---------------------------------------------------------------------------

def _ramp_tables(tables: Mapping[str, Table], data: ChainData, issues: IssueList,
                 where: Where) -> dict[str, tuple[float, ...]]:
    rows = tables["RampUp"].rows if "RampUp" in tables else ()
    by_tech: dict[str, dict[int, Row]] = defaultdict(dict)
    techs = set(data.line_technology.values())
    for r in rows:
        tech = str(r["technology"])
        if tech not in techs:
            issues.warning("No line (that is not excluded) has this technology; the row "
                           "is not used.", value=tech, expected="a technology on the Lines "
                           "sheet", hint=did_you_mean(tech, sorted(techs)),
                           **where("RampUp", r, "technology"))
            continue
        by_tech[tech][int(r["year"])] = r  # type: ignore[call-overload]
    out: dict[str, tuple[float, ...]] = {}
    for tech, years in by_tech.items():
        if 1 not in years:
            first = years[min(years)]
            issues.error(f"The ramp-up of technology {tech} has no year 1.",
                         value=first["year"], expected="a row for year 1 (the build year)",
                         hint="Add a row for year 1, or renumber the years from 1.",
                         **where("RampUp", first, "year"))
            continue
        filled: list[float] = []
        for y in range(1, max(years) + 1):
            filled.append(float(years[y]["utilisation_max"]) if y in years  # type: ignore[arg-type]
                          else filled[-1])
        out[tech] = tuple(filled)
        lowest = min(filled)
        for line, t in data.line_technology.items():
            if t == tech and data.utilisation_min[line] > lowest + EPS \
                    and line not in data.lines_existing:
                row = min(years.values(), key=lambda r: float(r["utilisation_max"]))  # type: ignore[arg-type]
                issues.error(f"Line {line} must run at least {data.utilisation_min[line]:.0%} "
                             f"of capacity (utilisation_min), more than its ramp-up allows "
                             f"in year {row['year']}.", value=row["utilisation_max"],
                             expected=f"at least {data.utilisation_min[line]:g}",
                             hint=f"Lower utilisation_min of {line}, or raise the ramp-up.",
                             **where("RampUp", row, "utilisation_max"))
    return out


def _ramp_factors(data: ChainData, tables: dict[str, tuple[float, ...]],
                  ) -> dict[tuple[str, str, str], float]:
    """rho[l, q, p] for every candidate line with a ramp-up, build period q <= p."""
    before: dict[str, int] = {}
    elapsed = 0
    for p in data.periods:
        before[p] = elapsed
        elapsed += data.period_years[p]
    order = {p: i for i, p in enumerate(data.periods)}
    out: dict[tuple[str, str, str], float] = {}
    for line, q in data.build_options:
        table = tables.get(data.line_technology[line])
        if not table:
            continue
        for p in data.periods[order[q]:]:
            out[line, q, p] = ramp_factor(table, before[p], before[q], data.period_years[p])
    return out


# ---- price tiers -----------------------------------------------------------------------

def _price_tiers(tables: Mapping[str, Table], data: ChainData, issues: IssueList,
                 where: Where) -> dict[tuple[str, str, str], tuple[tuple[float, float], ...]]:
    rows = tables["PriceTiers"].rows if "PriceTiers" in tables else ()
    markets = set(data.markets)
    pairs = {(d, mat) for d, mat, _p in data.markets}
    general: dict[tuple[str, str], list[Row]] = defaultdict(list)
    specific: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        # a tier row names its market by Markets.market_id when the place has contracts
        d, mat = str(r["market_id"] or r["market"]), str(r["material"])
        if r["market_id"] is not None and data.place_of(d) != str(r["market"]):
            issues.error(f"No Markets row has market_id {d} at {r['market']}.", value=d,
                         expected="a market_id of a Markets row at this market and material",
                         hint=did_you_mean(d, sorted(data.market_place)) or "Copy the "
                         "market_id from the Markets row whose price these tiers follow.",
                         **where("PriceTiers", r, "market_id"))
            continue
        if (d, mat) not in pairs:
            ids = sorted(i for i, place in data.market_place.items()
                         if place == d and (i, mat) in pairs)
            issues.error(f"No Markets row sells {mat} at {d}, so it has no tiers.",
                         value=d, expected="a market and material listed on the Markets "
                         "sheet", hint=(f"The markets of {mat} at {d} have IDs: name one "
                                        f"in market_id ({', '.join(ids)})." if ids else
                                        "Add the market on the Markets sheet first (its "
                                        "price is the price below the first tier)."),
                         **where("PriceTiers", r, "market"))
            continue
        if r["period"] is None:
            general[d, mat].append(r)
        else:
            specific[d, mat, str(r["period"])].append(r)
    out: dict[tuple[str, str, str], tuple[tuple[float, float], ...]] = {}
    for key in data.markets:
        d, mat, p = key
        chosen = specific.get(key) or general.get((d, mat)) or []
        if not chosen:
            continue
        ordered = sorted(chosen, key=lambda r: float(r["tonnes_from"]))  # type: ignore[arg-type]
        before_price = data.price[key]
        before_from = 0.0
        tiers: list[tuple[float, float]] = []
        ok = True
        for r in ordered:
            start, price = float(r["tonnes_from"]), float(r["price"])  # type: ignore[arg-type]
            if price > before_price + EPS:
                issues.error(f"Tier prices must fall as more is sold: {price:g} from "
                             f"{start:g} t is above {before_price:g} for the tonnes below "
                             f"({mat} at {d}, period {p}).", value=r["price"],
                             expected=f"at most {before_price:g}",
                             hint="A price that rises with the tonnes sold would need integer "
                             "variables; chainopt's tiers only fall.",
                             **where("PriceTiers", r, "price"))
                ok = False
                break
            if start <= before_from and tiers:
                ok = False  # duplicates are caught by the key check
                break
            top = data.sales_max.get(key)
            if top is not None and start >= top - EPS:
                issues.warning(f"The tier from {start:g} t is never reached: sales of {mat} "
                               f"at {d} are at most {top:g} t/yr.", value=r["tonnes_from"],
                               expected=f"below sales_max ({top:g})",
                               **where("PriceTiers", r, "tonnes_from"))
            tiers.append((start, price))
            before_price, before_from = price, start
        if ok and key in markets:
            out[key] = tuple(tiers)
    return out


def tier_revenue_loss(tiers: tuple[tuple[float, float], ...], base_price: float,
                      tonnes: float) -> float:
    r"""Revenue given up against the base price: :math:`\sum_t (\pi_{t-1}-\pi_t)(v-\theta_t)^+`."""
    loss, before = 0.0, base_price
    for start, price in tiers:
        loss += (before - price) * max(0.0, tonnes - start)
        before = price
    return loss


def tier_reached(tiers: tuple[tuple[float, float], ...], tonnes: float,
                 tol: float = 1e-6) -> int:
    """0 when sales stay at the market's own price, else the number of the last tier entered."""
    return sum(1 for start, _price in tiers if tonnes > start + tol)


# ---- mass closure ----------------------------------------------------------------------

def _losses(tables: Mapping[str, Table], data: ChainData) -> dict[str, Any]:
    names: dict[tuple[str, str], str] = {}
    owners = {str(r["applies_to"]) for r in tables["Recipes"].rows}
    for line, k in data.line_recipes:
        owner = line if line in owners else data.line_technology[line]
        for r in tables["Recipes"].rows:
            if str(r["applies_to"]) == owner and str(r["recipe"]) == k and r["loss_name"]:
                names[line, k] = str(r["loss_name"])
                break
    rate: dict[tuple[str, str], float] = defaultdict(float)
    for line, k in data.line_recipes:
        rate[line, k] = 1.0
    for line, k, mat in data.recipe_outputs:
        rate[line, k] -= data.yield_[line, k, mat]
    return {
        "loss_name": {key: names.get(key, "loss") for key in data.line_recipes},
        "loss_rate": {key: max(0.0, v) for key, v in rate.items() if v > EPS},
        "site_loss_cost": {str(r["site"]): float(r["loss_cost"])  # type: ignore[arg-type]
                           for r in tables["Sites"].rows if r["loss_cost"] is not None},
    }


# ---- carbon ------------------------------------------------------------------------------

def _carbon(tables: Mapping[str, Table], data: ChainData, issues: IssueList,
            where: Where) -> dict[str, Any]:
    owners = {str(r["applies_to"]) for r in tables["Recipes"].rows}
    factor: dict[tuple[str, str, str], float] = {}
    by_key: dict[tuple[str, str, str], Row] = {}
    for r in tables["Recipes"].rows:
        if r["role"] == "input":
            by_key[str(r["applies_to"]), str(r["recipe"]), str(r["material"])] = r
        elif r["co2_per_t"] is not None:
            issues.warning("co2_per_t on an output row is ignored (emission factors are per "
                           "tonne of input).", value=r["co2_per_t"], expected="(blank)",
                           **where("Recipes", r, "co2_per_t"))
    for line, k, mat in data.recipe_inputs:
        owner = line if line in owners else data.line_technology[line]
        row = by_key.get((owner, k, mat))
        if row is not None and row["co2_per_t"]:
            factor[line, k, mat] = float(row["co2_per_t"])  # type: ignore[arg-type]
    per_t: dict[str, float] = {}
    per_tkm: dict[str, float] = {}
    distance: dict[str, float] = {}
    for r in tables["Lanes"].rows:
        a = str(r["lane"])
        if r["distance_km"] is not None:
            distance[a] = float(r["distance_km"])  # type: ignore[arg-type]
        if r["co2_per_t"]:
            per_t[a] = float(r["co2_per_t"])  # type: ignore[arg-type]
        if r["co2_per_tkm"]:
            if r["distance_km"] is None:
                issues.error("co2_per_tkm needs the lane's distance_km.", value="(blank)",
                             expected="a distance in km",
                             hint="Give distance_km, or write the lane's emissions per tonne "
                             "in co2_per_t.", **where("Lanes", r, "distance_km"))
                continue
            per_tkm[a] = float(r["co2_per_tkm"])  # type: ignore[arg-type]
    return {
        "co2_input": factor,
        "lane_co2_per_t": per_t,
        "lane_co2_per_tkm": per_tkm,
        "lane_distance": distance,
        "lane_co2": {a: per_t.get(a, 0.0) + per_tkm.get(a, 0.0) * distance.get(a, 0.0)
                     for a in set(per_t) | set(per_tkm)},
    }


# ---- SME-cluster rules per cluster ---------------------------------------------------------

CLUSTER_POLICIES = {"lines_min": "cluster_lines_min", "jobs_min": "cluster_jobs_min",
                    "recovered_min": "cluster_recovered_min",
                    "local_share_min": "cluster_local_share_min"}


def _clusters(tables: Mapping[str, Table], data: ChainData, issues: IssueList,
              where: Where) -> dict[str, Any]:
    """Policy rows naming a cluster: a blank period means the last period (lines_min,
    jobs_min) or every period (recovered_min, local_share_min); a row naming a period
    replaces it there. A cluster's local share counts the offers whose Sources.cluster
    names it (a purchase cannot be traced to the lines it feeds in a linear model)."""
    members: dict[str, list[str]] = defaultdict(list)
    for r in tables["Clusters"].rows if "Clusters" in tables else ():
        members[str(r["cluster"])].append(str(r["site"]))
    source_cluster: dict[str, str] = {}
    for r in tables["Sources"].rows:
        if r["cluster"] is None:
            continue
        if str(r["cluster"]) not in members:
            issues.error(f"Cluster {r['cluster']} is not on the Clusters sheet.",
                         value=r["cluster"], expected="a cluster listed on the Clusters sheet",
                         hint=did_you_mean(str(r["cluster"]), sorted(members)) or
                         "List the cluster's sites on the Clusters sheet.",
                         **where("Sources", r, "cluster"))
            continue
        source_cluster[str(r["source"])] = str(r["cluster"])
    tagged = set(source_cluster.values())
    out: dict[str, dict[tuple[str, str], float]] = {v: {} for v in CLUSTER_POLICIES.values()}
    rows = [r for r in tables["Policy"].rows if r["active"] and r["cluster"] is not None]
    for r in sorted(rows, key=lambda r: r["period"] is not None):  # blank rows first
        cluster, kind = str(r["cluster"]), str(r["policy"])
        if cluster not in members:
            issues.error(f"Cluster {cluster} is not on the Clusters sheet.", value=cluster,
                         expected="a cluster listed on the Clusters sheet",
                         hint=did_you_mean(cluster, sorted(members)) or
                         "List the cluster's sites on the Clusters sheet.",
                         **where("Policy", r, "cluster"))
            continue
        if kind not in CLUSTER_POLICIES:
            issues.error(f"{kind} applies to the whole case, not to one cluster.",
                         value=cluster, expected="(blank), or a policy of "
                         + ", ".join(CLUSTER_POLICIES),
                         hint="Leave cluster blank for this policy.",
                         **where("Policy", r, "cluster"))
            continue
        if r["period"] is not None:
            applies = [str(r["period"])]
        elif kind in ("recovered_min", "local_share_min"):
            applies = list(data.periods)
        else:
            applies = [data.last_period]
        value = float(r["value"])  # type: ignore[arg-type]
        if kind == "local_share_min" and cluster not in tagged:
            issues.error(f"No offer on the Sources sheet names cluster {cluster}, so its "
                         "local share has nothing to count.", value=cluster,
                         expected="a cluster named in Sources.cluster",
                         hint="Write the cluster in the cluster column of the offers that "
                         "supply it.", **where("Policy", r, "cluster"))
            continue
        for p in applies:
            out[CLUSTER_POLICIES[kind]][cluster, p] = value
        if kind == "lines_min":
            here = sum(1 for line in data.lines if data.line_site[line] in members[cluster])
            if value > here + EPS:
                issues.warning(f"At least {value:g} lines must operate in cluster {cluster}, "
                               f"but its sites have {here} lines.", value=r["value"],
                               expected=f"at most {here}",
                               hint="Lower lines_min, add candidate lines or sites to the "
                               "cluster.", **where("Policy", r, "value"))
    return {"cluster_sites": {c: tuple(s) for c, s in members.items()},
            "source_cluster": source_cluster, **out}


# ---- taxes and incentives ----------------------------------------------------------------

def _duties(tables: Mapping[str, Table], settings: Mapping[str, object],
            data: ChainData) -> dict[tuple[str, str], float]:
    """Duty share per (offer, period): the row's duty_rate, else import_duty when not local.

    A Sources row naming a period overrides the blank-period row of the same offer there,
    as for prices.
    """
    default = float(settings.get("import_duty") or 0.0)  # type: ignore[arg-type]
    general: dict[str, float | None] = {}
    specific: dict[tuple[str, str], float | None] = {}
    for r in tables["Sources"].rows:
        rate = None if r["duty_rate"] is None else float(r["duty_rate"])  # type: ignore[arg-type]
        if r["period"] is None:
            general[str(r["source"])] = rate
        else:
            specific[str(r["source"]), str(r["period"])] = rate
    out: dict[tuple[str, str], float] = {}
    for o, p in data.source_periods:
        rate = specific[o, p] if (o, p) in specific else general.get(o)
        if rate is None:
            rate = 0.0 if data.source_local[o] else default
        if rate:
            out[o, p] = rate
    return out
