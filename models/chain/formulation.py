r"""build_model(data): the production-chain MILP, read top to bottom as in a paper.

Sets, then variables, then the objective's named parts, then the constraints, each
constraint's rule (with its equation) in models/chain/constraints.py. The builder takes
validated ChainData only; it reads no file and calls no solver.

Construction is sparse: every index set holds only keys that exist in the data (offers,
recipe entries, lanes x materials that can carry something), and the adjacency lists in
``model.ix`` are built once, so each constraint row is assembled from its own terms.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyomo.core as pyo
from pyomo.common.gc_manager import PauseGC
from pyomo.core.base.constraint import ConstraintData

from models.chain import constraints as c
from models.chain.data import ChainData
from models.chain.profit_tax import taxed_margins

# name -> (rule, index-set attribute or None for a scalar constraint). Order is the
# order in the formulation document.
CONSTRAINTS: dict[str, tuple[object, str | None]] = {
    "material_balance": (c.material_balance, "balance_index"),
    "capacity_limit": (c.capacity_limit, "line_periods"),
    "utilisation_floor": (c.utilisation_floor, "utilised_line_periods"),
    "input_link": (c.input_link, "recipe_input_index"),
    "share_floor": (c.share_floor, "share_floor_index"),
    "share_ceiling": (c.share_ceiling, "share_ceiling_index"),
    "group_share_floor": (c.group_share_floor, "group_floor_index"),
    "group_share_ceiling": (c.group_share_ceiling, "group_ceiling_index"),
    "build_once": (c.build_once, "multi_period_candidates"),
    "exclusive_group_limit": (c.exclusive_group_limit, "groups"),
    "site_lines_limit": (c.site_lines_limit, "site_limit_periods"),
    "site_resource_limit": (c.site_resource_limit, "resource_periods"),
    "lane_capacity_limit": (c.lane_capacity_limit, "capacitated_lane_periods"),
    "budget_total_limit": (c.budget_total_limit, None),
    "budget_period_limit": (c.budget_period_limit, "budget_periods"),
    "lines_min_floor": (c.lines_min_floor, "lines_min_periods"),
    "jobs_min_floor": (c.jobs_min_floor, "jobs_min_periods"),
    "recovered_min_floor": (c.recovered_min_floor, "recovered_min_periods"),
    "local_share_floor": (c.local_share_floor, "local_share_periods"),
    "ramp_up_limit": (c.ramp_up_limit, "ramp_line_periods"),
    "price_tier_excess": (c.price_tier_excess, "tier_index"),
    "output_link": (c.output_link, "output_link_index"),
    "cluster_lines_min_floor": (c.cluster_lines_min_floor, "cluster_lines_min_index"),
    "cluster_jobs_min_floor": (c.cluster_jobs_min_floor, "cluster_jobs_min_index"),
    "cluster_recovered_min_floor": (c.cluster_recovered_min_floor,
                                    "cluster_recovered_min_index"),
    "cluster_local_share_floor": (c.cluster_local_share_floor,
                                  "cluster_local_share_index"),
    "supply_group_floor": (c.supply_group_floor, "supply_floor_index"),
    "supply_group_ceiling": (c.supply_group_ceiling, "supply_ceiling_index"),
    "profit_tax_floor": (c.profit_tax_floor, "profit_tax_periods"),
}

# Constraints that only tighten the LP relaxation (no integer plan violates them): the
# marginal-value LP, with every build decision held, leaves them out.
VALID_INEQUALITIES: tuple[str, ...] = ("output_link",)

# Variables: name -> (symbol, unit, meaning). Also the glossary of docs/formulation.md.
VARIABLES: dict[str, tuple[str, str, str]] = {
    "purchase": ("q_{o,p}", "t/yr", "feedstock bought from offer o"),
    "flow": ("f_{a,m,p}", "t/yr", "material m carried on lane a"),
    "recipe_input": ("x_{l,k,m,p}", "t/yr", "input m fed to recipe k of line l"),
    "sales": ("v_{d,m,p}", "t/yr", "material m sold at market d"),
    "disposal": ("e_{s,m,p}", "t/yr", "residue m disposed of at site s"),
    "build": ("b_{l,p}", "0/1", "candidate line l is built in period p"),
    "tier_excess": ("s_{d,m,p,t}", "t/yr", "sales at market (d, m) above the start of price "
                    "tier t"),
    "profit_tax": ("T_p", "currency", "discounted profit tax of period p after relief "
                   "(see profit_tax_floor)"),
}

# The objective's parts, each discounted with w_p = sum_{years of p} (1+r)^-t.
OBJECTIVE_PARTS: dict[str, tuple[str, str]] = {
    "revenue": (r"\sum_{d,m,p} w_p\, \pi_{d,m,p}\, v_{d,m,p}", "sales revenue"),
    "cost_feedstock": (r"\sum_{o,p} w_p\, c^{buy}_{o,p}\, q_{o,p}", "feedstock purchases"),
    "cost_variable": (r"\sum_{l,k,m,p} w_p\, c^{var}_l\, x_{l,k,m,p}",
                      "variable processing cost per tonne of input"),
    "cost_transport": (r"\sum_{a,m,p} w_p\, (\phi_m c^{lane}_a + c^{add}_a)\, f_{a,m,p}",
                       "transport, volume factor applied"),
    "cost_disposal": (r"\sum_{s,m,p} w_p\, c^{disp}_m\, e_{s,m,p}", "residue disposal"),
    "cost_fixed": (r"\sum_{l,p} w_p\, c^{fix}_l\, o_{l,p}",
                   "fixed cost of lines from their build period on"),
    "cost_price_tiers": (r"\sum_{d,m,p,t} w_p\, (\pi_{d,m,p,t-1} - \pi_{d,m,p,t})\, "
                         r"s_{d,m,p,t}", "revenue given up because prices fall in tiers "
                         r"($\pi_{d,m,p,0}$ is the Markets price)"),
    "cost_loss": (r"\sum_{l,k,p} w_p\, c^{loss}_{s(l)}\, \lambda_{l,k}\, z_{l,k,p}",
                  r"disposal of process losses, $\lambda_{l,k} = 1 - \sum_m y_{l,k,m}$ "
                  "when positive"),
    "cost_carbon": (r"\sum_p w_p\, \kappa\, E_p", "carbon price on emissions "
                    r"$E_p$ (see `emissions`)"),
    "cost_working_capital": (r"\sum_p w_p\, i^{wc} \big(\sum_o \tfrac{s_{m(o)}}{365} "
                             r"c^{buy}_{o,p} q_{o,p} + \sum_{d,m} \tfrac{s_m + r_m}{365} "
                             r"\pi_{d,m,p} v_{d,m,p}\big)",
                             "financing of stock and receivables (working capital)"),
    "cost_import_duty": (r"\sum_{o,p} w_p\, \tau_{o,p}\, c^{buy}_{o,p}\, q_{o,p}",
                         r"import duty, $\tau_{o,p}$ = Sources.duty_rate, else import_duty "
                         "on offers that are not local"),
    "cost_incentives": (r"-\sum_{l,k,m,p} w_p\, \iota_m\, x_{l,k,m,p}",
                        "per-tonne subsidies (negative) or fees on material processed"),
    "cost_profit_tax": (r"\sum_p T_p",
                        "profit tax on each period's margin, after relief: "
                        r"$T_p = \tau^\pi w^\pi_p \max(0, M_p)$ (see `profit_tax_floor` "
                        "and the profit-tax section)"),
}


@dataclass
class Adjacency:
    """Sparse lookups built once from ChainData; rules read only these."""

    sources_at: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    sources_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lanes_in: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    lanes_out: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    lane_materials: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    makers_at: dict[tuple[str, str], list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list))
    users_at: dict[tuple[str, str], list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list))
    recipes_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    recipe_materials: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list))
    build_periods: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    builds_until: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    group_lines: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lines_at: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    resource_users: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list))
    recovered_inputs: list[tuple[str, str, str]] = field(default_factory=list)
    markets_at: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list))  # (place, material) -> market keys
    # the variables' data objects by index, as plain dicts (filled once the variables exist):
    # a dict lookup instead of IndexedComponent.__getitem__'s two Python frames per term
    var: dict[str, dict[Any, Any]] = field(default_factory=dict)


def adjacency(d: ChainData) -> Adjacency:
    ix = Adjacency()
    for o in d.sources:
        ix.sources_at[d.source_location[o], d.source_material[o]].append(o)
    for o, p in d.source_periods:
        ix.sources_in[p].append(o)
    for a, mat in d.lane_flows:
        ix.lanes_out[d.lane_origin[a], mat].append(a)
        ix.lanes_in[d.lane_destination[a], mat].append(a)
        ix.lane_materials[a].append(mat)
    for line, k in d.line_recipes:
        ix.recipes_of[line].append(k)
    for line, k, mat in d.recipe_inputs:
        ix.recipe_materials[line, k].append(mat)
        ix.users_at[d.line_site[line], mat].append((line, k))
        if mat in d.recovered:
            ix.recovered_inputs.append((line, k, mat))
    for line, k, mat in d.recipe_outputs:
        ix.makers_at[d.line_site[line], mat].append((line, k))
    for line, p in d.build_options:
        ix.build_periods[line].append(p)
    order = {p: i for i, p in enumerate(d.periods)}
    for line in d.lines:
        for p in d.periods:
            ix.builds_until[line, p] = [q for q in ix.build_periods[line]
                                        if order[q] <= order[p]]
        ix.lines_at[d.line_site[line]].append(line)
        if line in d.line_group:
            ix.group_lines[d.line_group[line]].append(line)
    for (line, r), _amount in d.resource_use.items():
        ix.resource_users[d.line_site[line], r].append(line)
    for n, mat in dict.fromkeys((n, mat) for n, mat, _p in d.markets):
        ix.markets_at[d.place_of(n), mat].append(n)
    return ix


def build_model(d: ChainData) -> pyo.ConcreteModel:
    """The MILP for one validated case. Pure: no I/O, no solver."""
    with PauseGC():  # building a large model is ~2x faster without the cyclic GC
        return _build(d)


def _tuples(initialize: Iterable[tuple[Any, ...]], dimen: int,
            doc: str | None = None) -> pyo.Set:
    """``pyo.Set(initialize=..., dimen=...)`` for an index set of flat tuples of strings and
    numbers, the set's members stored at once instead of one by one.

    Pyomo normalises and checks the dimension of every member as it adds it (a Python
    generator step and ``normalize_index`` per member: most of the sets' share of the
    build at 5,000 lines x 12 periods, issue 12). Tuples of plain strings and numbers,
    all of length ``dimen``, are what that would leave unchanged, so they are checked as a
    whole and stored as the set's ordered members, in the same order, duplicates dropped
    as Pyomo drops them; anything else goes through Pyomo's own initialisation.
    tests/test_linear_rows.py holds the two equal on the bundled case's sets.
    """
    members = dict.fromkeys(initialize)
    component = pyo.Set(dimen=dimen, doc=doc)
    plain = (set(map(type, members)) <= {tuple} and set(map(len, members)) <= {dimen}
             and set(map(type, itertools.chain.from_iterable(members))) <= {str, int})
    if not plain or not isinstance(getattr(component, "_values", None), dict):
        return pyo.Set(initialize=list(members), dimen=dimen, doc=doc)
    component.construct()
    component._values = members  # Pyomo's own store of an insertion-ordered set's members
    component._ordered_values = None  # its position index, rebuilt on first use
    return component


def _build(d: ChainData) -> pyo.ConcreteModel:
    m = pyo.ConcreteModel(name=d.case_name)
    m.data = d
    m.ix = ix = adjacency(d)
    P = d.periods

    # ---- sets (sparse: only keys that exist) -------------------------------------------
    m.periods = pyo.Set(initialize=P, ordered=True, doc="planning periods p")
    m.source_periods = _tuples(initialize=d.source_periods, dimen=2, doc="offers o by period")
    m.flow_index = _tuples(initialize=[(a, mat, p) for a, mat in d.lane_flows for p in P],
                           dimen=3, doc="lane a, material m it can carry, period p")
    m.recipe_input_index = _tuples(
        initialize=[(line, k, mat, p) for line, k, mat in d.recipe_inputs for p in P],
        dimen=4, doc="input m of recipe k of line l, period p")
    m.market_index = _tuples(initialize=d.markets, dimen=3, doc="market d, material m, period p")
    m.disposal_index = _tuples(initialize=[(s, mat, p) for s, mat in d.disposals for p in P],
                               dimen=3, doc="site s where residue m arises, period p")
    m.build_options = _tuples(initialize=d.build_options, dimen=2,
                              doc="candidate line l, period p it may be built in")
    m.balance_index = _tuples(initialize=[(n, mat, p) for n, mat in d.balances for p in P],
                              dimen=3, doc="place n, material m present there, period p")
    m.line_periods = _tuples(initialize=[(line, p) for line in d.lines for p in P], dimen=2)
    m.utilised_line_periods = _tuples(
        initialize=[(line, p) for line in d.lines for p in P if d.utilisation_min[line] > 0],
        dimen=2)
    m.share_floor_index = _tuples(
        initialize=[(*key, p) for key in d.recipe_inputs for p in P if d.share_min[key] > 0],
        dimen=4)
    m.share_ceiling_index = _tuples(
        initialize=[(*key, p) for key in d.recipe_inputs for p in P if d.share_max[key] < 1],
        dimen=4)
    m.group_floor_index = _tuples(
        initialize=[(*g, p) for g in d.share_groups for p in P if d.group_share_min[g] > 0],
        dimen=4)
    m.group_ceiling_index = _tuples(
        initialize=[(*g, p) for g in d.share_groups for p in P if d.group_share_max[g] < 1],
        dimen=4)
    m.multi_period_candidates = pyo.Set(
        initialize=[line for line, ps in ix.build_periods.items() if len(ps) > 1])
    m.groups = pyo.Set(initialize=d.groups)
    m.site_limit_periods = _tuples(
        initialize=[(s, p) for s in d.site_lines_max for p in P], dimen=2)
    m.resource_periods = _tuples(
        initialize=[(s, r, p) for s, r in d.site_resources for p in P], dimen=3)
    m.capacitated_lane_periods = _tuples(
        initialize=[(a, p) for a in d.lanes if d.lane_capacity[a] is not None for p in P],
        dimen=2)
    m.budget_periods = pyo.Set(initialize=list(d.budget_period))
    m.lines_min_periods = pyo.Set(initialize=list(d.lines_min))
    m.jobs_min_periods = pyo.Set(initialize=list(d.jobs_min))
    m.recovered_min_periods = pyo.Set(initialize=list(d.recovered_min))
    m.local_share_periods = pyo.Set(initialize=list(d.local_share_min))
    m.ramp_line_periods = _tuples(
        initialize=[(line, p) for line in d.ramp_lines for p in P], dimen=2,
        doc="candidate line with a ramp-up, period p")
    m.tier_index = _tuples(initialize=d.tier_index, dimen=4,
                           doc="market d, material m, period p, price tier t")
    m.output_link_index = _tuples(initialize=sorted(d.output_bound), dimen=3,
                                  doc="new line l, output m with bounded sinks, period p")
    m.cluster_lines_min_index = _tuples(initialize=list(d.cluster_lines_min), dimen=2)
    m.cluster_jobs_min_index = _tuples(initialize=list(d.cluster_jobs_min), dimen=2)
    m.cluster_recovered_min_index = _tuples(initialize=list(d.cluster_recovered_min),
                                            dimen=2)
    m.cluster_local_share_index = _tuples(initialize=list(d.cluster_local_share_min),
                                          dimen=2)
    m.supply_floor_index = _tuples(
        initialize=[g for g in d.supply_groups if d.supply_group_min[g] > 0], dimen=2)
    m.supply_ceiling_index = _tuples(
        initialize=[g for g in d.supply_groups if d.supply_group_max[g] is not None], dimen=2)

    # ---- variables ----------------------------------------------------------------------
    m.purchase = pyo.Var(m.source_periods, domain=pyo.NonNegativeReals,
                         bounds=lambda _m, o, p: (d.offtake_min[o, p], d.availability[o, p]),
                         doc=VARIABLES["purchase"][2])
    m.flow = pyo.Var(m.flow_index, domain=pyo.NonNegativeReals, doc=VARIABLES["flow"][2])
    m.recipe_input = pyo.Var(m.recipe_input_index, domain=pyo.NonNegativeReals,
                             doc=VARIABLES["recipe_input"][2])
    m.sales = pyo.Var(m.market_index, domain=pyo.NonNegativeReals,
                      bounds=lambda _m, n, mat, p: (d.sales_min[n, mat, p],
                                                    d.sales_max[n, mat, p]),
                      doc=VARIABLES["sales"][2])
    m.disposal = pyo.Var(m.disposal_index, domain=pyo.NonNegativeReals,
                         doc=VARIABLES["disposal"][2])
    m.build = pyo.Var(m.build_options, domain=pyo.Binary, doc=VARIABLES["build"][2])
    m.tier_excess = pyo.Var(m.tier_index, domain=pyo.NonNegativeReals,
                            doc=VARIABLES["tier_excess"][2])

    # each component's own {index: VarData} dict, copied (items() makes two Python calls
    # per variable)
    ix.var = {name: dict(getattr(m, name)._data)
              for name in ("purchase", "flow", "recipe_input", "sales", "disposal", "build")}

    # ---- objective: named parts, then net value ------------------------------------------
    w = d.period_weight
    # the large parts as flat LinearExpressions from their terms (see constraints._linear)
    v = ix.var
    m.revenue = pyo.Expression(expr=c.linear_sum(
        (w[p] * d.price[n, mat, p], v["sales"][n, mat, p]) for n, mat, p in m.market_index))
    m.cost_feedstock = pyo.Expression(expr=c.linear_sum(
        (w[p] * d.source_price[o, p], v["purchase"][o, p]) for o, p in m.source_periods))
    m.cost_variable = pyo.Expression(expr=c.linear_sum(
        (w[p] * d.cost_variable[line], v["recipe_input"][line, k, mat, p])
        for line, k, mat, p in m.recipe_input_index))
    m.cost_transport = pyo.Expression(expr=c.linear_sum(
        (w[p] * d.lane_cost[a, mat], v["flow"][a, mat, p]) for a, mat, p in m.flow_index))
    m.cost_disposal = pyo.Expression(expr=c.linear_sum(
        (w[p] * d.disposal_cost[mat], v["disposal"][s, mat, p])
        for s, mat, p in m.disposal_index))
    m.cost_fixed = pyo.Expression(expr=_fixed_cost(m))
    m.cost_price_tiers = pyo.Expression(expr=sum(
        w[p] * c.tier_step(d, n, mat, p, t) * m.tier_excess[n, mat, p, t]
        for n, mat, p, t in m.tier_index))
    m.cost_loss = pyo.Expression(expr=sum(
        w[p] * d.site_loss_cost.get(d.line_site[line], 0.0) * rate
        * c.recipe_throughput(m, line, k, p)
        for (line, k), rate in d.loss_rate.items() if d.line_site[line] in d.site_loss_cost
        for p in P))
    m.emissions = pyo.Expression(m.periods, rule=c.emissions,
                                 doc="t CO2 per year of the period")
    m.cost_carbon = pyo.Expression(expr=sum(w[p] * d.carbon_price * m.emissions[p] for p in P)
                                   if d.carbon_price else 0.0)
    m.cost_working_capital = pyo.Expression(expr=c.working_capital(m))
    m.cost_import_duty = pyo.Expression(expr=sum(
        w[p] * rate * d.source_price[o, p] * m.purchase[o, p] for (o, p), rate in d.duty.items()))
    m.cost_incentives = pyo.Expression(expr=-sum(
        w[p] * d.incentive[mat] * m.recipe_input[line, k, mat, p]
        for line, k, mat, p in m.recipe_input_index if mat in d.incentive))
    m.taxed_margin = taxed_margins(m, tuple(OBJECTIVE_PARTS))  # {} without profit tax
    m.profit_tax_periods = pyo.Set(initialize=list(m.taxed_margin), doc="taxed periods p")
    m.profit_tax = pyo.Var(m.profit_tax_periods, domain=pyo.NonNegativeReals,
                           doc=VARIABLES["profit_tax"][2])
    m.cost_profit_tax = pyo.Expression(expr=sum(m.profit_tax[p] for p in m.profit_tax_periods))
    m.net_value = pyo.Objective(
        expr=m.revenue - m.cost_feedstock - m.cost_variable - m.cost_transport
        - m.cost_disposal - m.cost_fixed - m.cost_price_tiers - m.cost_loss - m.cost_carbon
        - m.cost_working_capital - m.cost_import_duty - m.cost_incentives
        - m.cost_profit_tax,
        sense=pyo.maximize, doc="discounted net value")

    # ---- constraints ----------------------------------------------------------------------
    m.constant_violations = []  # limits no decision can meet (see constraints._holds)
    for name, (rule, index) in CONSTRAINTS.items():
        if index is None:
            if name == "budget_total_limit" and d.budget_total is None:
                continue
            setattr(m, name, pyo.Constraint(rule=rule, doc=(rule.__doc__ or "").split("\n")[0]))
        else:
            setattr(m, name, pyo.Constraint(getattr(m, index), rule=rule,
                                            doc=(rule.__doc__ or "").split("\n")[0]))
    return m


def _fixed_cost(m: pyo.ConcreteModel) -> Any:
    r"""The fixed cost :math:`\sum_{l,p} w_p\, c^{fix}_l\, o_{l,p}` as one flat
    LinearExpression: the walker read the operator form (a product per line and period)
    node by node in the hand-off. Term for term what the walker makes of
    ``sum(w[p] * cost_fixed[l] * is_open(m, l, p))``: each build variable with the
    coefficient ``w_p c_l`` once per period it is open in, in the same order, and the
    existing lines' costs summed left to right into the constant."""
    d, build = m.data, m.ix.var["build"]
    terms: list[tuple[float, Any]] = []
    constant: Any = 0
    for line in d.lines:
        existing, fixed = line in d.lines_existing, d.cost_fixed[line]
        for p in d.periods:
            coef = d.period_weight[p] * fixed
            builds = () if existing else m.ix.builds_until[line, p]
            if builds:
                terms += [(coef, build[line, q]) for q in builds]
            else:  # is_open is 1 for an existing line, an empty sum (0) otherwise
                constant += coef * (1 if existing else 0)
    return c.linear_sum(terms, constant)


def hold_built(m: pyo.ConcreteModel, lines: Iterable[str]) -> list[str]:
    """Hold lines that are already approved built, in their earliest allowed period.

    Sets the lower bound of :math:`b_{l,p}` to 1 for the first period in which l may be
    built (existing lines already operate). Returns the names that are not candidate
    lines of this case, for the caller to report.
    """
    unknown: list[str] = []
    for line in lines:
        periods = m.ix.build_periods.get(line)
        if line in m.data.lines_existing:
            continue
        if not periods:
            unknown.append(line)
            continue
        m.build[line, periods[0]].setlb(1)
    return unknown


class ReleasedRow(ConstraintData):
    """A row of a rule-built constraint whose expression was let go (``release_rows``).

    Whatever reads the row (its body, bounds, value or expression; a compile for a
    re-solve) makes the expression again by the constraint's own rule, for the row's own
    index, and the row is an ordinary ``ConstraintData`` from then on. The rules read
    only the validated data, the adjacency lists and the variables, none of which changes
    after the build, so the row made again is the one built, term for term. (Pyomo's own
    ``TemplateConstraintData`` makes its rows on demand the same way.)"""

    __slots__ = ()

    def _made_again(self) -> None:
        self.__class__ = ConstraintData
        component = self.parent_component()
        ConstraintData.set_value(self, component._rule(self.parent_block(), self.index()))

    @property
    def expr(self) -> Any:
        self._made_again()
        return self._expr

    def get_value(self) -> Any:
        return self.expr

    def to_bounded_expression(self, evaluate_bounds: bool = False) -> Any:
        self._made_again()
        return ConstraintData.to_bounded_expression(self, evaluate_bounds)

    def set_value(self, expr: Any) -> None:
        self.__class__ = ConstraintData
        ConstraintData.set_value(self, expr)


def release_rows(m: pyo.ConcreteModel) -> int:
    """Let go of the expressions of the rule-built rows (``CONSTRAINTS``): each row is
    replaced, under its own index, by an empty ``ReleasedRow`` that makes the expression
    again by the rule when it is read. Returns how many rows were let go.

    Once HiGHS has the model (the hand-off), the phases after the solve read the
    variables' values, the objective and the compiled arrays, not the rows' terms, which
    are half of the model's memory (issue 12: 350 of 680 MB at 5,000 lines x 12 periods).
    The rows are new objects because Python's allocator gives memory back only by whole
    arenas: the old row objects were made between their own terms, so keeping them would
    keep nearly every arena of the rows' terms (only 3 MB came back that way, against
    290 MB with new rows). Whoever keeps a row object of its own (the compiled model's
    row list) must look it up again by component and index. Rows added outside the rules
    (cuts, a ConstraintList) and scalar constraints are kept as they are.
    """
    released = 0
    for name in CONSTRAINTS:
        component = getattr(m, name, None)
        if component is None or not component.is_indexed() or component._rule is None:
            continue
        data = component._data
        for index, row in data.items():
            if row.__class__ is ConstraintData:
                empty = ReleasedRow(component=component)
                empty._index, empty._active = index, row._active
                data[index] = empty
                released += 1
    return released
