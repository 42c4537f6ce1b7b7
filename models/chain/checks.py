"""Independent post-solve checks, recomputed from the validated input rows.

Nothing here reads the Pyomo model or the model's derived data (``ChainData``'s lane
costs, input bounds, expanded periods, yields...): every parameter a check needs is read
again from the input rows (``ChainData.tables``, with their Excel row numbers) by
``Inputs`` below, and every quantity comes from the result tables. So a bug in the data
layer that the model shares (a dropped volume factor, an ignored ``period_earliest``, a
lane material not applied) shows up as a finding, as does a formulation bug, a solver
tolerance problem or an extraction bug. Runs after every solve, in tests and in
production.

Adding a check: write ``def _my_check(c: Checker) -> None`` that reads ``c.inputs`` and
``c.r`` and calls ``c.at_most`` / ``c.at_least`` / ``c.fail``, and append it to
``CHECKS`` (or call ``register``). Each check is independent of the others.
"""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models.chain.data import ChainData
from models.chain.results import ChainResults
from models.chain.rows import rows_of
from models.chain.supply_groups import group_purchases
from models.validation.numbers import read_number

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


def _f(value: object, default: float = 0.0) -> float:
    return default if value is None else float(value)  # type: ignore[arg-type]


def _rows(tables: Mapping[str, Any], sheet: str) -> tuple[Any, ...]:
    t = tables.get(sheet)
    return tuple(t.rows) if t is not None else ()


@dataclass
class Inputs:
    """The case's parameters, read again from the validated input rows.

    Deliberately re-derived here (period expansion, recipe ownership, lane cost, policy
    periods) rather than taken from ChainData, so the checker does not share the data
    layer's derivations with the model.
    """

    periods: list[str]
    weight: dict[str, float]
    line: dict[str, dict[str, Any]]  # line -> its Lines row values
    earliest: dict[str, int]  # candidate line -> index of the first period it may run
    inputs: dict[tuple[str, str, str], tuple[float, float]]  # (line, k, m) -> share min, max
    outputs: dict[tuple[str, str, str], float]  # (line, k, m) -> yield
    groups: dict[tuple[str, str, str], tuple[tuple[str, ...], float, float]]
    offer: dict[tuple[str, str], dict[str, Any]]  # (source, period) -> row values
    market: dict[tuple[str, str, str], dict[str, Any]]  # (market, material, period)
    lane: dict[str, dict[str, Any]]
    # lane -> (freight per tonne of volume factor 1, surcharge per tonne), as typed; the
    # per-material cost is lane_cost(lane, material). Not a (lane, material) table: that
    # is lanes x materials entries, 10^8 (17 GB, minutes) on a 100 x 1,000 OR-Library case.
    lane_freight: dict[str, tuple[float, float]]
    material: dict[str, dict[str, Any]]
    site_lines_max: dict[str, int]
    resources: dict[tuple[str, str], float]
    resource_use: dict[tuple[str, str], float]  # (line, resource)
    policy: dict[str, dict[str, float]]  # kind -> period ("" for budget_total) -> value

    @classmethod
    def from_tables(cls, tables: Mapping[str, Any], rate: float) -> Inputs:
        periods = [str(r["period"]) for r in _rows(tables, "Periods")]
        weight: dict[str, float] = {}
        elapsed = 0
        for r in _rows(tables, "Periods"):
            n = int(r["years"])
            weight[str(r["period"])] = sum((1.0 + rate) ** -(elapsed + k) for k in range(n))
            elapsed += n
        line = {str(r["line"]): dict(r.values) for r in _rows(tables, "Lines")}
        earliest = {ln: (periods.index(str(v["period_earliest"]))
                         if v["period_earliest"] and str(v["period_earliest"]) in periods
                         else 0) for ln, v in line.items()}
        inputs, outputs, groups = _recipes(tables, line)
        mats = {str(r["material"]): dict(r.values) for r in _rows(tables, "Materials")}
        lanes = {str(r["lane"]): dict(r.values) for r in _rows(tables, "Lanes")}
        modes = {str(r["mode"]): r for r in _rows(tables, "Modes")}
        lane_freight: dict[str, tuple[float, float]] = {}
        for a, v in lanes.items():
            if v["cost"] is not None:
                freight = _f(v["cost"])
            else:
                mode = modes.get(str(v["mode"]))
                freight = (_f(mode["cost_fixed"]) + _f(mode["cost_per_km"])
                           * _f(v["distance_km"])) if mode is not None else 0.0
            lane_freight[a] = (freight, _f(v["surcharge"]))
        return cls(
            periods=periods, weight=weight, line=line, earliest=earliest, inputs=inputs,
            outputs=outputs, groups=groups,
            offer=_expand(_rows(tables, "Sources"), ("source",), periods),  # type: ignore[arg-type]
            market=_markets(_rows(tables, "Markets"), periods),
            lane=lanes, lane_freight=lane_freight, material=mats,
            site_lines_max={str(r["site"]): int(r["lines_max"]) for r in _rows(tables, "Sites")
                            if r["lines_max"] is not None},
            resources={(str(r["site"]), str(r["resource"])): _f(r["available"])
                       for r in _rows(tables, "Resources")},
            resource_use={(str(r["line"]), str(r["resource"])): _f(r["amount"])
                          for r in _rows(tables, "ResourceUse")},
            policy=_policy(tables, periods),
        )

    def lane_cost(self, lane: str, material: str) -> float:
        """Per tonne of ``material`` on ``lane``: the material's volume factor times the
        lane's freight, plus its surcharge (0 for a lane or material not in the input)."""
        if lane not in self.lane_freight or material not in self.material:
            return 0.0
        freight, surcharge = self.lane_freight[lane]
        return _f(self.material[material]["volume_factor"], 1.0) * freight + surcharge

    def is_running(self, line: str) -> bool:
        return str(self.line[line]["status"]) != "excluded"


def _markets(rows: Iterable[Any], periods: list[str],
             ) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(market, material, period) -> Markets row values; market is the row's market_id
    when it has one (a contract at its place), else its place."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for (_n, mat, _i, p), v in _expand(rows, ("market", "material", "market_id"),
                                       periods).items():
        ident = v.get("market_id")
        out[str(ident) if ident is not None else str(v["market"]), mat, p] = v
    return out


def _expand(rows: Iterable[Any], key: tuple[str, ...], periods: list[str],
            ) -> dict[tuple[str, ...], dict[str, Any]]:
    """A row with a blank period applies to every period a row of the same key does not name."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    rows = list(rows)
    for r in rows:
        if r["period"] is not None:
            out[(*(str(r[k]) for k in key), str(r["period"]))] = dict(r.values)
    for r in rows:
        if r["period"] is None:
            for p in periods:
                out.setdefault((*(str(r[k]) for k in key), p), dict(r.values))
    return out


def _recipes(tables: Mapping[str, Any], line: dict[str, dict[str, Any]]) -> tuple[
        dict[tuple[str, str, str], tuple[float, float]], dict[tuple[str, str, str], float],
        dict[tuple[str, str, str], tuple[tuple[str, ...], float, float]]]:
    by_owner: dict[str, list[Any]] = defaultdict(list)
    for r in _rows(tables, "Recipes"):
        by_owner[str(r["applies_to"])].append(r)
    group_rows = {(str(r["applies_to"]), str(r["recipe"]), str(r["share_group"])): r
                  for r in _rows(tables, "RecipeGroups")}
    inputs: dict[tuple[str, str, str], tuple[float, float]] = {}
    outputs: dict[tuple[str, str, str], float] = {}
    groups: dict[tuple[str, str, str], tuple[tuple[str, ...], float, float]] = {}
    for ln, v in line.items():
        owner = ln if ln in by_owner else str(v["technology"])
        members: dict[tuple[str, str], list[str]] = defaultdict(list)
        for r in by_owner.get(owner, []):
            key = (ln, str(r["recipe"]), str(r["material"]))
            if r["role"] == "input":
                inputs[key] = (_f(r["share_min"]), _f(r["share_max"], 1.0))
                if r["share_group"]:
                    members[str(r["recipe"]), str(r["share_group"])].append(key[2])
            else:
                outputs[key] = _f(r["yield"])
        for (k, g), mats in members.items():
            gr = group_rows.get((owner, k, g))
            if gr is not None:
                groups[ln, k, g] = (tuple(mats), _f(gr["share_min"]), _f(gr["share_max"], 1.0))
    return inputs, outputs, groups


def _policy(tables: Mapping[str, Any], periods: list[str]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for r in _rows(tables, "Policy"):
        if not r["active"]:
            continue
        kind = str(r["policy"])
        if kind == "budget_total":
            out[kind][""] = _f(r["value"])
        elif r["period"] is not None:
            out[kind][str(r["period"])] = _f(r["value"])
        else:
            # lines and jobs minimums without a period apply to the last period only
            for p in (periods[-1:] if kind in ("lines_min", "jobs_min") else periods):
                out[kind][p] = _f(r["value"])
    return out


@dataclass
class Checker:
    d: ChainData
    r: ChainResults
    inputs: Inputs
    findings: list[Finding] = field(default_factory=list)

    def fail(self, check: str, message: str, excess: float) -> None:
        self.findings.append(Finding(check, message, excess))

    def at_most(self, check: str, what: str, value: float, limit: float) -> None:
        if value > limit + _tol(limit):
            self.fail(check, f"{what}: {value:.6g} > {limit:.6g}", value - limit)

    def at_least(self, check: str, what: str, value: float, limit: float) -> None:
        if value < limit - _tol(limit):
            self.fail(check, f"{what}: {value:.6g} < {limit:.6g}", limit - value)

    # quantities the checks share, recomputed from the result tables
    def throughput(self) -> dict[tuple[str, str, str], float]:
        z: dict[tuple[str, str, str], float] = defaultdict(float)
        for line, k, p, t in rows_of(self.r.recipe_inputs, "line", "recipe", "period", "tonnes"):
            z[line, k, p] += float(t)
        return z

    def open_lines(self) -> dict[str, set[str]]:
        """period -> lines operating, from the result's build decisions (Lines table)."""
        out: dict[str, set[str]] = defaultdict(set)
        periods = self.inputs.periods
        rows = self.inputs.line
        for line, built, build_period in rows_of(self.r.lines, "line", "built", "build_period"):
            v = rows.get(line)
            if v is None:
                continue
            if str(v["status"]) == "existing":
                for p in periods:
                    out[p].add(line)
            elif bool(built) and build_period in periods:
                for p in periods[periods.index(build_period):]:
                    out[p].add(line)
        return out


_Checker = Checker  # the name the economics checks were written against
Check = Callable[[Checker], None]
CHECKS: list[Check] = []


def register(check: Check) -> Check:
    """Add a check (usable as a decorator); it runs on every solved plan."""
    CHECKS.append(check)
    return check


def check_solution(d: ChainData, r: ChainResults, objective: float | None = None) -> list[Finding]:
    """Every violated balance or limit, or an empty list."""
    c = Checker(d, r, Inputs.from_tables(d.tables, d.discount_rate))
    for check in CHECKS:
        check(c)
    _objective(c, objective)
    return c.findings


def _sum_by(df, keys: list[str], col: str = "tonnes") -> dict[tuple, float]:  # type: ignore[no-untyped-def]
    out: dict[tuple, float] = defaultdict(float)
    for row in rows_of(df, *keys, col):
        out[row[:-1]] += float(row[-1])
    return out


@register
def _non_negative(c: Checker) -> None:
    r = c.r
    for name, df in (("purchases", r.purchases), ("flows", r.flows),
                     ("recipe_inputs", r.recipe_inputs), ("production", r.production),
                     ("sales", r.sales), ("disposals", r.disposals)):
        tonnes = df.tonnes.to_numpy(dtype=float)
        # at_least's own test (t < 0 - tol), on the whole column; only the rows that
        # break it go through at_least for their message
        for i in np.flatnonzero(tonnes < 0.0 - _tol(0.0)):
            c.at_least("non_negative", f"{name} row {int(i)}", float(tonnes[i]), 0.0)


@register
def _balances(c: Checker) -> None:
    """Every material balance closes, with production recomputed as yield (from the
    Recipes rows) x recipe throughput (from the inputs in the result)."""
    inp, r = c.inputs, c.r
    site = {ln: str(v["site"]) for ln, v in inp.line.items()}
    offer_place = {o: (str(v["location"]), str(v["material"])) for (o, _p), v in inp.offer.items()}
    supply: dict[tuple, float] = defaultdict(float)
    use: dict[tuple, float] = defaultdict(float)
    for source, location, material, p, t in rows_of(r.purchases, "source", "location",
                                                  "material", "period", "tonnes"):
        n, m = offer_place.get(source, (location, material))
        supply[n, m, p] += t
    for a, origin, destination, material, p, t in rows_of(
            r.flows, "lane", "origin", "destination", "material", "period", "tonnes"):
        lane = inp.lane.get(a)
        o, dst = (str(lane["origin"]), str(lane["destination"])) if lane else (
            origin, destination)
        supply[dst, material, p] += t
        use[o, material, p] += t
    made = _outputs_by_recipe(inp)
    for (line, k, p), z in c.throughput().items():
        for m, y in made.get((line, k), ()):
            supply[site[line], m, p] += y * z
    for line, material, p, t in rows_of(r.recipe_inputs, "line", "material", "period", "tonnes"):
        use[site[line], material, p] += t
    for mkt, material, p, t in rows_of(r.sales, "market", "material", "period", "tonnes"):
        market = inp.market.get((mkt, material, p))
        place = str(market["market"]) if market else mkt
        use[place, material, p] += t
    for s, material, p, t in rows_of(r.disposals, "site", "material", "period", "tonnes"):
        use[s, material, p] += t
    for key in set(supply) | set(use):
        s, u = supply.get(key, 0.0), use.get(key, 0.0)
        if abs(s - u) > _tol(max(s, u)):
            c.fail("material_balance", f"{key[1]} at {key[0]} in {key[2]}: in {s:.6g}, "
                   f"out {u:.6g}", abs(s - u))


def _outputs_by_recipe(inp: Inputs) -> dict[tuple[str, str], list[tuple[str, float]]]:
    """(line, recipe) -> [(material, yield)], in the order of ``inp.outputs`` (so sums
    over it add in the same order as a scan of every output would)."""
    out: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for (ln, k, m), y in inp.outputs.items():
        out[ln, k].append((m, y))
    return out


@register
def _disposal(c: Checker) -> None:
    """Only a material with a disposal cost is disposed of, and only at a site where a line
    whose recipe makes it stands."""
    inp = c.inputs
    makes: set[tuple[str, str]] = {(str(inp.line[ln]["site"]), m)
                                   for ln, _k, m in inp.outputs if inp.is_running(ln)}
    for site, material, tonnes in rows_of(c.r.disposals, "site", "material", "tonnes"):
        if inp.material.get(material, {}).get("disposal_cost") is None:
            c.fail("disposal", f"{material} disposed of at {site} but it has no "
                   "disposal cost", tonnes)
        if (site, material) not in makes:
            c.fail("disposal_location", f"{material} disposed of at {site}, where no "
                   "line makes it", tonnes)


@register
def _lines(c: Checker) -> None:
    inp, r = c.inputs, c.r
    running = c.open_lines()
    z = _sum_by(r.recipe_inputs, ["line", "period"])
    reported = {(line, p): bool(is_open)
                for line, p, is_open in rows_of(r.line_periods, "line", "period", "open")}
    for line, v in inp.line.items():
        status = str(v["status"])
        for i, p in enumerate(inp.periods):
            t = z.get((line, p), 0.0)
            is_open = line in running[p]
            if reported.get((line, p), False) != is_open:
                c.fail("line_open", f"{line} in {p}: the plan's build decision says "
                       f"{'open' if is_open else 'closed'}, the period table the opposite", 1.0)
            c.at_most("capacity_limit", f"{line} in {p} processes", t,
                      _f(v["capacity"]) if is_open else 0.0)
            if is_open:
                c.at_least("utilisation_floor", f"{line} in {p} processes", t,
                           _f(v["utilisation_min"]) * _f(v["capacity"]))
            if status == "candidate" and is_open and i < inp.earliest[line]:
                c.fail("period_earliest", f"{line} operates in {p}, before its earliest "
                       f"period {v['period_earliest']}", 1.0)
            if status == "existing" and not is_open:
                c.fail("existing", f"existing line {line} is not operating in {p}", 1.0)
            if status == "excluded" and (is_open or t > _tol(0)):
                c.fail("excluded", f"excluded line {line} operates in {p}", max(t, 1.0))
    last = inp.periods[-1]
    groups: dict[str, list[str]] = defaultdict(list)
    for line, v in inp.line.items():
        if v["group"] and inp.is_running(line):
            groups[str(v["group"])].append(line)
    for g, members in groups.items():
        c.at_most("exclusive_group_limit", f"lines of group {g} built",
                  sum(1 for ln in members if ln in running[last]), 1)
    for p in inp.periods:
        at: dict[str, list[str]] = defaultdict(list)  # site -> its lines operating in p
        for ln in running[p]:  # in the set's order, as a filtered scan would sum them
            at[str(inp.line[ln]["site"])].append(ln)
        for s, most in inp.site_lines_max.items():
            c.at_most("site_lines_limit", f"lines at {s} in {p}", len(at.get(s, ())), most)
        for (s, res), avail in inp.resources.items():
            c.at_most("site_resource_limit", f"{res} at {s} in {p}",
                      sum(inp.resource_use.get((ln, res), 0.0) for ln in at.get(s, ())),
                      avail)


@register
def _recipes_check(c: Checker) -> None:
    inp, r = c.inputs, c.r
    x = _sum_by(r.recipe_inputs, ["line", "recipe", "material", "period"])
    z = c.throughput()
    for (line, k, mat, _p), v in x.items():
        if (line, k, mat) not in inp.inputs:
            c.fail("recipe", f"{line} recipe {k} takes {mat}, which it does not allow", v)
    for (line, k, mat), (lo, hi) in inp.inputs.items():
        for p in inp.periods:
            total, v = z.get((line, k, p), 0.0), x.get((line, k, mat, p), 0.0)
            what = f"{mat} in {line}/{k} in {p}"
            c.at_least("share_floor", what, v, lo * total)
            c.at_most("share_ceiling", what, v, hi * total)
    for (line, k, name), (mats, lo, hi) in inp.groups.items():
        for p in inp.periods:
            total = z.get((line, k, p), 0.0)
            v = sum(x.get((line, k, mat, p), 0.0) for mat in mats)
            what = f"group {name} in {line}/{k} in {p}"
            c.at_least("group_share_floor", what, v, lo * total)
            c.at_most("group_share_ceiling", what, v, hi * total)
    made = _sum_by(r.production, ["line", "recipe", "material", "period"])
    ran: dict[tuple[str, str], list[tuple[str, float]]] = defaultdict(list)
    for (ln, kk, p), t in z.items():
        ran[ln, kk].append((p, t))
    expected_made = {(line, k, m, p): y * t for (line, k, m), y in inp.outputs.items()
                     for p, t in ran.get((line, k), ())}
    for key in set(made) | {k for k, v in expected_made.items() if v > _tol(0)}:
        v, expected = made.get(key, 0.0), expected_made.get(key, 0.0)
        if abs(v - expected) > _tol(expected):
            line, k, mat, p = key
            c.fail("recipe_yield", f"{line}/{k} makes {v:.6g} t of {mat} in {p}, yield says "
                   f"{expected:.6g}", abs(v - expected))


@register
def _supply_and_demand(c: Checker) -> None:
    inp, r = c.inputs, c.r
    for source, p, tonnes in rows_of(r.purchases, "source", "period", "tonnes"):
        what = f"{source} in {p} buys"
        offer = inp.offer.get((source, p))
        if offer is None:
            if tonnes > _tol(0):
                c.fail("offer", f"{what} from an offer the workbook does not make", tonnes)
            continue
        c.at_least("offtake_min", what, tonnes, _f(offer["offtake_min"]))
        if offer["availability"] is not None:
            c.at_most("availability", what, tonnes, _f(offer["availability"]))
    sold: set[tuple[Any, ...]] = set()
    for mkt, mat, p, tonnes in rows_of(r.sales, "market", "material", "period", "tonnes"):
        sold.add((mkt, mat, p))
        what = f"{mat} at {mkt} in {p} sells"
        market = inp.market.get((mkt, mat, p))
        if market is None:
            if tonnes > _tol(0):
                c.fail("market", f"{what} where the workbook has no market", tonnes)
            continue
        c.at_least("sales_min", what, tonnes, _f(market["sales_min"]))
        if market["sales_max"] is not None:
            c.at_most("sales_max", what, tonnes, _f(market["sales_max"]))
    for (mkt, mat, p), v in inp.market.items():  # a minimum on a market the plan skipped
        if _f(v["sales_min"]) > 0 and (mkt, mat, p) not in sold:
            c.fail("sales_min", f"{mat} at {mkt} in {p}: nothing sold, minimum "
                   f"{_f(v['sales_min']):g}", _f(v["sales_min"]))


@register
def _lanes(c: Checker) -> None:
    inp, r = c.inputs, c.r
    for a, material, p, tonnes in rows_of(r.flows, "lane", "material", "period", "tonnes"):
        lane = inp.lane.get(a)
        if lane is None:
            c.fail("lane", f"{a} is not a lane of the workbook", tonnes)
            continue
        only = lane["material"]
        if only is not None and str(only) != material and tonnes > _tol(0):
            c.fail("lane_material", f"{a} carries {material} in {p}; it "
                   f"allows only {only}", tonnes)
    for (a, p), t in _sum_by(r.flows, ["lane", "period"]).items():
        lane = inp.lane.get(a)
        if lane is not None and lane["capacity"] is not None:
            c.at_most("lane_capacity_limit", f"{a} in {p} carries", t, _f(lane["capacity"]))


@register
def _policy_check(c: Checker) -> None:
    inp, r = c.inputs, c.r
    capex: dict[str, float] = defaultdict(float)
    for line, built, build_period in rows_of(r.lines, "line", "built", "build_period"):
        v = inp.line.get(line)
        if v is not None and str(v["status"]) == "candidate" and bool(built):
            capex[build_period] += _f(v["capex"])
    running = c.open_lines()
    pol = inp.policy
    if "" in pol.get("budget_total", {}):
        c.at_most("budget_total_limit", "capex", sum(capex.values()), pol["budget_total"][""])
    for p, limit in pol.get("budget_period", {}).items():
        c.at_most("budget_period_limit", f"capex in {p}", capex.get(p, 0.0), limit)
    for p, n in pol.get("lines_min", {}).items():
        c.at_least("lines_min_floor", f"lines operating in {p}", float(len(running[p])), n)
    for p, j in pol.get("jobs_min", {}).items():
        c.at_least("jobs_min_floor", f"jobs in {p}",
                   sum(_f(inp.line[ln]["jobs"]) for ln in running[p]), j)
    recovered = {m for m, v in inp.material.items() if v["recovered"]}
    rec = _sum_by(r.recipe_inputs[r.recipe_inputs.material.isin(list(recovered))], ["period"])
    for p, t in pol.get("recovered_min", {}).items():
        c.at_least("recovered_min_floor", f"recovered feedstock processed in {p}",
                   rec.get((p,), 0.0), t)
    for p, share in pol.get("local_share_min", {}).items():
        local = total = 0.0
        for source, tonnes in rows_of(r.purchases[r.purchases.period == p], "source", "tonnes"):
            offer = inp.offer.get((source, p), {})
            cost = tonnes * _f(offer.get("price"))
            total += cost
            local += cost if offer.get("local") else 0.0
        c.at_least("local_share_floor", f"local feedstock value in {p}", local, share * total)


def _objective(c: Checker, objective: float | None) -> None:
    """Each part of the net value, priced from the input rows, against the model's parts
    and the solver's objective."""
    recomputed = _priced_parts(c)
    recomputed["cost_profit_tax"] = _profit_tax(c)
    for name, value in recomputed.items():
        reported = c.r.objective_parts.get(name)
        if reported is not None and abs(value - reported) > _tol(value) * 10:
            c.fail("objective_part", f"{name}: input rows give {value:.6g}, model "
                   f"{reported:.6g}", abs(value - reported))
    net = recomputed["revenue"] - sum(v for k, v in recomputed.items() if k != "revenue")
    if objective is not None and abs(net - objective) > _tol(objective) * 10:
        c.fail("objective", f"parts priced from the input rows sum to {net:.6g}, solver "
               f"reports {objective:.6g}", abs(net - objective))


def _setting(tables: Mapping[str, Any], name: str) -> float | None:
    """A number of the Settings sheet, read again from its row (None when blank)."""
    for row in _rows(tables, "Settings"):
        if str(row["setting"]) == name and row["value"] not in (None, ""):
            return read_number(row["value"]).value
    return None


def _profit_tax(c: Checker) -> float:
    """Profit tax: rate x each period's margin when positive (its parts priced from the
    input rows with that period alone weighted 1), weighted by the discounted years that
    are not relieved; the rate, relief share and years read again from the Settings rows."""
    tables = c.d.tables
    rate = _setting(tables, "profit_tax_rate") or 0.0
    if not rate:
        return 0.0
    share = _setting(tables, "profit_tax_relief_share") or 0.0
    years = _setting(tables, "profit_tax_relief_years")
    discount = _setting(tables, "discount_rate") or 0.0
    total, elapsed = 0.0, 0
    for row in _rows(tables, "Periods"):
        p, n = str(row["period"]), int(row["years"])
        alone = {q: (1.0 if q == p else 0.0) for q in c.inputs.periods}
        one = Checker(dataclasses.replace(c.d, period_weight=alone), c.r,
                      dataclasses.replace(c.inputs, weight=alone))
        parts = _priced_parts(one)
        margin = parts["revenue"] - sum(v for k, v in parts.items() if k != "revenue")
        for t in range(n):
            relieved = years is None or elapsed + t < years
            total += (1 + discount) ** -(elapsed + t) * (1 - (share if relieved else 0.0)) \
                * max(0.0, margin)  # a loss is not taxed
        elapsed += n
    return rate * total


def _priced_parts(c: Checker) -> dict[str, float]:
    """Each part of the net value before profit tax, priced from the input rows."""
    inp, r = c.inputs, c.r
    w = inp.weight
    revenue = sum(w[p] * t * _f(inp.market.get((n, m, p), {}).get("price"))
                  for n, m, p, t in rows_of(r.sales, "market", "material", "period", "tonnes"))
    feedstock = sum(w[p] * t * _f(inp.offer.get((o, p), {}).get("price"))
                    for o, p, t in rows_of(r.purchases, "source", "period", "tonnes"))
    variable = sum(w[p] * t * _f(inp.line[ln]["cost_variable"])
                   for ln, p, t in rows_of(r.recipe_inputs, "line", "period", "tonnes"))
    transport = sum(w[p] * t * inp.lane_cost(a, m)
                    for a, m, p, t in rows_of(r.flows, "lane", "material", "period", "tonnes"))
    disposal = sum(w[p] * t * _f(inp.material.get(m, {}).get("disposal_cost"))
                   for m, p, t in rows_of(r.disposals, "material", "period", "tonnes"))
    running = c.open_lines()
    fixed = sum(w[p] * _f(inp.line[ln]["cost_fixed"]) for p in inp.periods for ln in running[p])
    recomputed = {"revenue": revenue, "cost_feedstock": feedstock, "cost_variable": variable,
                  "cost_transport": transport, "cost_disposal": disposal, "cost_fixed": fixed}
    # optional economics (econ): their parts, recomputed from ChainData's parameters
    recomputed.update(_economic_parts(c), cost_working_capital=_working_capital(c),
                      **_taxes_and_incentives(c))
    return recomputed


# ---- optional economics: recomputed from ChainData's input parameters --------------------


@register
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
    for line, built, status, build_period in rows_of(r.lines, "line", "built", "status",
                                                   "build_period"):
        table = d.ramp_tables.get(d.line_technology.get(line, ""))
        if not table or not built or status != "candidate":
            continue
        for p in d.periods:
            if start[p] < start[build_period]:
                continue
            years = [start[p] - start[build_period] + t + 1
                     for t in range(d.period_years[p])]
            limit = sum(table[min(y, len(table)) - 1] for y in years) / len(years)
            c.at_most("ramp_up_limit", f"{line} in {p} (year {years[0]} of operation) "
                      "processes", tput.get((line, p), 0.0), limit * d.capacity[line])


def _economic_parts(c: _Checker) -> dict[str, float]:
    """Discounted price-tier, loss and carbon costs, recomputed from the flow tables."""
    d, r = c.d, c.r
    w = d.period_weight
    tiers = 0.0
    for n, mat, p, tonnes in rows_of(r.sales, "market", "material", "period", "tonnes"):
        steps = d.price_tiers.get((n, mat, p), ())
        if not steps:
            continue
        before = d.price[n, mat, p]
        for start, price in steps:
            tiers += w[p] * (before - price) * max(0.0, tonnes - start)
            before = price
    yields: dict[tuple[str, str], float] = defaultdict(float)
    for line, k, mat in d.recipe_outputs:
        yields[line, k] += d.yield_[line, k, mat]
    loss = carbon = 0.0
    for line, k, mat, p, tonnes in rows_of(r.recipe_inputs, "line", "recipe", "material",
                                         "period", "tonnes"):
        lost = max(0.0, 1.0 - yields[line, k]) * tonnes
        loss += w[p] * d.site_loss_cost.get(d.line_site[line], 0.0) * lost
        carbon += w[p] * d.carbon_price * d.co2_input.get((line, k, mat), 0.0) * tonnes
    for a, p, tonnes in rows_of(r.flows, "lane", "period", "tonnes"):
        factor = d.lane_co2_per_t.get(a, 0.0) + d.lane_co2_per_tkm.get(
            a, 0.0) * d.lane_distance.get(a, 0.0)
        carbon += w[p] * d.carbon_price * factor * tonnes
    return {"cost_price_tiers": tiers, "cost_loss": loss, "cost_carbon": carbon}


@register
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
    held = sum(w[p] * d.stock_days.get(m, 0.0) / 365.0 * cost
               for m, p, cost in rows_of(r.purchases, "material", "period", "cost"))
    held += sum(w[p] * (d.stock_days.get(m, 0.0) + d.receivable_days.get(m, 0.0)) / 365.0
                * price * tonnes
                for m, p, price, tonnes in rows_of(r.sales, "material", "period", "price",
                                                 "tonnes"))
    return rate * held


def _taxes_and_incentives(c: _Checker) -> dict[str, float]:
    """Import duty from the purchase table and per-tonne incentives from the recipe inputs,
    at the rates of ChainData (Sources.duty_rate, else import_duty on offers not local)."""
    d, r = c.d, c.r
    w = d.period_weight
    duty = sum(w[p] * d.duty.get((o, p), 0.0) * cost
               for o, p, cost in rows_of(r.purchases, "source", "period", "cost"))
    paid = sum(w[p] * d.incentive.get(m, 0.0) * tonnes
               for m, p, tonnes in rows_of(r.recipe_inputs, "material", "period", "tonnes"))
    return {"cost_import_duty": duty, "cost_incentives": -paid}


@register
def _lane_materials(c: _Checker) -> None:
    """A lane carries only its Lanes.material, or the materials its LaneMaterials rows name."""
    d, r = c.d, c.r
    for a, mat, p, tonnes in rows_of(r.flows, "lane", "material", "period", "tonnes"):
        only = d.lane_material.get(a, "")
        allowed = {only} if only else d.lane_carries.get(a)
        if allowed is not None and mat not in allowed and tonnes > ABS_TOL:
            c.fail("lane_material", f"{a} carries {mat} in {p}, "
                   f"which it may not (only {', '.join(sorted(allowed))})", tonnes)


@register
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
