r"""One rule function per constraint of the production-chain model.

Each docstring holds the purpose in one line, the equation in LaTeX, and the why where it
is not obvious; docs/formulation.md is generated from these docstrings
(`python -m optimizer docs`), and tests/test_formulation_docs.py fails when a component
lacks one. Notation: periods p, materials m, places n, sites s, lines l, recipes k,
sources o, markets (d, m, p), lanes a. ``m.ix`` holds the sparse adjacency lists built
once by formulation.build_model, so no rule scans a whole set.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression

Model = Any  # a pyo.ConcreteModel carrying .data (ChainData) and .ix (adjacency)
# The large constraints are written from lists of (coefficient, variable) terms into one
# flat LinearExpression per row: Pyomo's expression objects are the same as the operators
# would make, but without the nested sum and product nodes the operators build term by
# term, which made Constraint.construct and the standard-form compiler's walk over them
# most of the build and hand-off time (issue 12). The row Pyomo gets is the one it would
# derive from ``lhs <= rhs`` (see ``_relation``), term for term and in the same order.
Terms = list[tuple[float, Any]]


def _relation(m: Model, name: str, index: object, lhs: Terms, lhs_const: float, sense: str,
              rhs: Terms, rhs_const: float) -> Any:
    """``lhs + lhs_const  (<=, >=, ==)  rhs + rhs_const`` as Pyomo's relational expression.

    The same (lower, body, upper) as Pyomo's ``Constraint.to_bounded_expression`` gives
    for the operator form: a side without variables is the bound; with variables on both
    sides the body is ``lhs - rhs`` against 0 (for ``>=``: ``rhs - lhs <= 0``, as Pyomo
    writes ``a >= b`` as ``b <= a``). Without variables the limit is a fact (``_holds``).
    """
    if not lhs and not rhs:
        return _holds(m, name, index, lhs_const, sense, rhs_const)
    if sense == ">=":  # Pyomo: a >= b is b <= a
        lhs, lhs_const, rhs, rhs_const, sense = rhs, rhs_const, lhs, lhs_const, "<="
    if not rhs:
        body, bound = _linear(lhs, lhs_const), rhs_const
        if sense == "==":
            return EqualityExpression((body, bound))
        return InequalityExpression((body, bound), False)
    if not lhs:
        body = _linear(rhs, rhs_const)
        if sense == "==":
            return EqualityExpression((lhs_const, body))
        return InequalityExpression((lhs_const, body), False)
    body = _linear(lhs, lhs_const - rhs_const, rhs)
    if sense == "==":
        return EqualityExpression((body, 0))
    return InequalityExpression((body, 0), False)


def _linear(terms: Terms, constant: float = 0.0, minus: Terms | None = None) -> Any:
    """One flat LinearExpression: ``constant + sum(c * v) - sum(c' * v')`` over ``terms``
    then ``minus`` (Pyomo puts the constant first)."""
    # a coefficient of 1 is the bare variable, as Pyomo's own sums store it: one object
    # less per term (memory), and the compiler reads it as 1 * v all the same. This runs
    # once per term of every row (issue 12): a list comprehension, and the term's own
    # (c, v) tuple becomes the monomial's arguments (no tuple unpacked and made again)
    args: list[Any] = [t[1] if t[0] == 1 else MonomialTermExpression(t) for t in terms]
    if minus:
        args += [v if -c == 1 else MonomialTermExpression((-c, v)) for c, v in minus]
    return LinearExpression([constant, *args] if constant else args)


def linear_sum(terms: Iterable[tuple[float, Any]], constant: Any = 0) -> Any:
    """``constant + sum(c * v)`` as one flat LinearExpression (the constant alone when
    there are no terms, as ``sum``)."""
    listed = list(terms)
    return _linear(listed, constant) if listed else constant


def _open_terms(m: Model, line: str, p: str, coef: float = 1.0) -> tuple[Terms, float]:
    """``coef * o_{l,p}`` as terms and a constant (existing lines: the constant coef)."""
    if line in m.data.lines_existing:
        return [], coef
    build = m.ix.var["build"]
    return [(coef, build[line, q]) for q in m.ix.builds_until[line, p]], 0.0


def _throughput_terms(m: Model, line: str, k: str, p: str, coef: float = 1.0) -> Terms:
    """``coef * z_{l,k,p}`` as terms."""
    x = m.ix.var["recipe_input"]
    return [(coef, x[line, k, mat, p]) for mat in m.ix.recipe_materials[line, k]]


def _line_throughput_terms(m: Model, line: str, p: str, coef: float = 1.0) -> Terms:
    """``coef * z_{l,p}`` as terms."""
    return [t for k in m.ix.recipes_of[line] for t in _throughput_terms(m, line, k, p, coef)]


def _holds(m: Model, name: str, index: object, lhs: Any, sense: str, rhs: float) -> Any:
    """``lhs <= rhs`` or ``lhs >= rhs`` as a constraint, or a decision when lhs is constant.

    When no decision enters a limit (only existing lines, or none at all), the limit either
    holds whatever is built (skip it) or can never hold: then it is recorded in
    ``m.constant_violations`` and the solve reports the case infeasible with that reason,
    instead of Pyomo failing on a constant constraint or the limit being dropped.
    """
    if isinstance(lhs, int | float):
        ok = lhs <= rhs + 1e-9 if sense == "<=" else lhs >= rhs - 1e-9
        if not ok:
            m.constant_violations.append(
                f"{name}{list(index) if isinstance(index, tuple) else [index]}: "
                f"{lhs:g} {sense} {rhs:g} cannot hold whatever is built")
        return pyo.Constraint.Skip
    return lhs <= rhs if sense == "<=" else lhs >= rhs


def is_open(m: Model, line: str, p: str) -> Any:
    r"""Whether line l operates in period p: 1 for existing lines, else
    :math:`o_{l,p} = \sum_{p' \le p} b_{l,p'}`."""
    if line in m.data.lines_existing:
        return 1
    return sum(m.build[line, q] for q in m.ix.builds_until[line, p])


def recipe_throughput(m: Model, line: str, k: str, p: str) -> Any:
    r"""Input processed by recipe k of line l: :math:`z_{l,k,p} = \sum_{m} x_{l,k,m,p}`."""
    return sum(m.recipe_input[line, k, mat, p] for mat in m.ix.recipe_materials[line, k])


def line_throughput(m: Model, line: str, p: str) -> Any:
    r""":math:`z_{l,p} = \sum_k z_{l,k,p}`."""
    return sum(recipe_throughput(m, line, k, p) for k in m.ix.recipes_of[line])


def material_balance(m: Model, n: str, mat: str, p: str) -> Any:
    r"""Every tonne of a material at a place in a period comes from somewhere and goes somewhere.

    .. math::
        \sum_{o \in O_{n,m}} q_{o,p} + \sum_{a \in A^{in}_n} f_{a,m,p}
        + \sum_{(l,k) \in L_n} y_{l,k,m}\, z_{l,k,p}
        = \sum_{(l,k) \in L_n} x_{l,k,m,p} + \sum_{a \in A^{out}_n} f_{a,m,p}
        + \sum_{d \in D_{n,m}} v_{d,m,p} + e_{n,m,p}

    where q is purchase, f lane flow, y yield, z recipe throughput, x recipe input,
    v sales (:math:`D_{n,m}` the markets of m at place n: the place itself, and every
    contract with a Markets.market_id there) and e disposal; terms that cannot exist are
    absent, not zero-filled.
    """
    ix = m.ix
    purchase, flow, x = ix.var["purchase"], ix.var["flow"], ix.var["recipe_input"]
    supply: Terms = [(1, purchase[o, p]) for o in ix.sources_at.get((n, mat), ())
                     if (o, p) in purchase]
    supply += [(1, flow[a, mat, p]) for a in ix.lanes_in.get((n, mat), ())]
    yield_ = m.data.yield_
    for line, k in ix.makers_at.get((n, mat), ()):
        supply += _throughput_terms(m, line, k, p, yield_[line, k, mat])
    use: Terms = [(-1, x[line, k, mat, p]) for line, k in ix.users_at.get((n, mat), ())]
    use += [(-1, flow[a, mat, p]) for a in ix.lanes_out.get((n, mat), ())]
    sales = ix.var["sales"]
    for market in ix.markets_at.get((n, mat), ()):
        if (market, mat, p) in sales:
            use.append((-1, sales[market, mat, p]))
    disposal = ix.var["disposal"].get((n, mat, p))
    if disposal is not None:
        use.append((-1, disposal))
    if not supply and not use:
        return pyo.Constraint.Skip
    # Written as supply - use == 0 so the dual's sign means the same in every row:
    # minus the value of one more tonne of m at n.
    return EqualityExpression((_linear(supply + use), 0))


def capacity_limit(m: Model, line: str, p: str) -> Any:
    r"""A line processes no more than its capacity, and nothing unless it is built.

    .. math:: \sum_k z_{l,k,p} \le K_l\, o_{l,p}
    """
    cap, const = _open_terms(m, line, p, m.data.capacity[line])
    return _relation(m, "capacity_limit", (line, p), _line_throughput_terms(m, line, p), 0.0,
                     "<=", cap, const)


def utilisation_floor(m: Model, line: str, p: str) -> Any:
    r"""A line that operates runs at least at its minimum utilisation.

    .. math:: \sum_k z_{l,k,p} \ge \underline{u}_l\, K_l\, o_{l,p}
    """
    floor, const = _open_terms(m, line, p,
                               m.data.utilisation_min[line] * m.data.capacity[line])
    return _relation(m, "utilisation_floor", (line, p), _line_throughput_terms(m, line, p),
                     0.0, ">=", floor, const)


def input_link(m: Model, line: str, k: str, mat: str, p: str) -> Any:
    r"""Each input flow of a line is tied to that line's own build decision.

    .. math:: x_{l,k,m,p} \le M_{l,k,m}\, o_{l,p}, \qquad
        M_{l,k,m} = \min\big(\bar{s}_{l,k,m} K_l,\ \max_p \textstyle\sum_o \bar{A}_{o,p}
        + \sum_{l'} y_{l',m} K_{l'}\big)

    Why: implied by capacity_limit when M = K, but with a scarce input the bound is the
    supply, as in facility location's x_ij <= d_j y_i; these per-line links let the LP
    relaxation close most instances at the root node.
    """
    bound, const = _open_terms(m, line, p, m.data.input_bound[line, k, mat])
    return _relation(m, "input_link", (line, k, mat, p),
                     [(1, m.ix.var["recipe_input"][line, k, mat, p])], 0.0, "<=", bound, const)


def share_floor(m: Model, line: str, k: str, mat: str, p: str) -> Any:
    r"""An input makes up at least its minimum share of the recipe's input mix.

    .. math:: x_{l,k,m,p} \ge \underline{s}_{l,k,m}\, z_{l,k,p}
    """
    return _relation(m, "share_floor", (line, k, mat, p),
                     [(1, m.ix.var["recipe_input"][line, k, mat, p])], 0.0, ">=",
                     _throughput_terms(m, line, k, p, m.data.share_min[line, k, mat]), 0.0)


def share_ceiling(m: Model, line: str, k: str, mat: str, p: str) -> Any:
    r"""An input makes up at most its maximum share of the recipe's input mix.

    .. math:: x_{l,k,m,p} \le \bar{s}_{l,k,m}\, z_{l,k,p}
    """
    return _relation(m, "share_ceiling", (line, k, mat, p),
                     [(1, m.ix.var["recipe_input"][line, k, mat, p])], 0.0, "<=",
                     _throughput_terms(m, line, k, p, m.data.share_max[line, k, mat]), 0.0)


def _group_input(m: Model, line: str, k: str, g: str, p: str) -> Terms:
    x = m.ix.var["recipe_input"]
    return [(1, x[line, k, mat, p]) for mat in m.data.group_members[line, k, g]]


def group_share_floor(m: Model, line: str, k: str, g: str, p: str) -> Any:
    r"""A group of inputs together makes up at least its minimum share.

    .. math:: \sum_{m \in G_g} x_{l,k,m,p} \ge \underline{s}_{l,k,g}\, z_{l,k,p}
    """
    return _relation(m, "group_share_floor", (line, k, g, p), _group_input(m, line, k, g, p),
                     0.0, ">=",
                     _throughput_terms(m, line, k, p, m.data.group_share_min[line, k, g]), 0.0)


def group_share_ceiling(m: Model, line: str, k: str, g: str, p: str) -> Any:
    r"""A group of inputs together makes up at most its maximum share.

    .. math:: \sum_{m \in G_g} x_{l,k,m,p} \le \bar{s}_{l,k,g}\, z_{l,k,p}
    """
    return _relation(m, "group_share_ceiling", (line, k, g, p), _group_input(m, line, k, g, p),
                     0.0, "<=",
                     _throughput_terms(m, line, k, p, m.data.group_share_max[line, k, g]), 0.0)


def build_once(m: Model, line: str) -> Any:
    r"""A candidate line is built at most once over the horizon.

    .. math:: \sum_p b_{l,p} \le 1
    """
    return _holds(m, "build_once", line,
                  sum(m.build[line, q] for q in m.ix.build_periods[line]), "<=", 1)


def exclusive_group_limit(m: Model, g: str) -> Any:
    r"""At most one line of an exclusive group is built (existing lines count).

    .. math:: \sum_{l \in E_g} o_{l,\hat{p}} \le 1, \quad \hat{p} \text{ the last period}
    """
    last = m.data.last_period
    return _holds(m, "exclusive_group_limit", g,
                  sum(is_open(m, line, last) for line in m.ix.group_lines[g]), "<=", 1)


def site_lines_limit(m: Model, s: str, p: str) -> Any:
    r"""No more lines operate at a site than it allows.

    .. math:: \sum_{l \in L_s} o_{l,p} \le \bar{N}_s
    """
    return _holds(m, "site_lines_limit", (s, p),
                  sum(is_open(m, line, p) for line in m.ix.lines_at[s]), "<=",
                  m.data.site_lines_max[s])


def site_resource_limit(m: Model, s: str, r: str, p: str) -> Any:
    r"""The lines operating at a site use no more of a shared resource than it has.

    .. math:: \sum_{l \in L_s} u_{l,r}\, o_{l,p} \le \bar{R}_{s,r}
    """
    use = sum(m.data.resource_use[line, r] * is_open(m, line, p)
              for line in m.ix.resource_users[s, r])
    return _holds(m, "site_resource_limit", (s, r, p), use, "<=",
                  m.data.resource_available[s, r])


def lane_capacity_limit(m: Model, a: str, p: str) -> Any:
    r"""A lane carries no more tonnes per year than its capacity.

    .. math:: \sum_m f_{a,m,p} \le \bar{F}_a
    """
    return _relation(m, "lane_capacity_limit", (a, p),
                     [(1, m.ix.var["flow"][a, mat, p]) for mat in m.ix.lane_materials[a]],
                     0.0, "<=",
                     [], m.data.lane_capacity[a])


def _capex(m: Model, periods: Any) -> Any:
    return sum(m.data.capex[line] * m.build[line, q] for line, q in m.build_options
               if q in periods)


def budget_total_limit(m: Model) -> Any:
    r"""Investment over the horizon stays within the total budget.

    .. math:: \sum_{l,p} I_l\, b_{l,p} \le B
    """
    return _holds(m, "budget_total_limit", (), _capex(m, set(m.data.periods)), "<=",
                  m.data.budget_total)


def budget_period_limit(m: Model, p: str) -> Any:
    r"""Investment in a period stays within that period's budget.

    .. math:: \sum_l I_l\, b_{l,p} \le B_p
    """
    return _holds(m, "budget_period_limit", p, _capex(m, {p}), "<=", m.data.budget_period[p])


def lines_min_floor(m: Model, p: str) -> Any:
    r"""At least the required number of lines operate (SME-cluster rule).

    .. math:: \sum_l o_{l,p} \ge N_p
    """
    return _holds(m, "lines_min_floor", p, sum(is_open(m, line, p) for line in m.data.lines),
                  ">=", m.data.lines_min[p])


def jobs_min_floor(m: Model, p: str) -> Any:
    r"""The operating lines employ at least the required number of people.

    .. math:: \sum_l j_l\, o_{l,p} \ge J_p
    """
    return _holds(m, "jobs_min_floor", p,
                  sum(m.data.jobs[line] * is_open(m, line, p) for line in m.data.lines), ">=",
                  m.data.jobs_min[p])


def recovered_min_floor(m: Model, p: str) -> Any:
    r"""At least the required tonnage of recovered-waste feedstock is processed.

    .. math:: \sum_{(l,k,m):\, m \in M^{rec}} x_{l,k,m,p} \ge R_p
    """
    return _holds(m, "recovered_min_floor", p,
                  sum(m.recipe_input[line, k, mat, p] for line, k, mat in m.ix.recovered_inputs),
                  ">=", m.data.recovered_min[p])


def local_share_floor(m: Model, p: str) -> Any:
    r"""Local sources supply at least the required share of feedstock purchases by value.

    .. math:: \sum_{o \in O^{loc}} c^{buy}_{o,p} q_{o,p} \ge
        \sigma_p \sum_{o} c^{buy}_{o,p} q_{o,p}
    """
    local = sum(m.data.source_price[o, p] * m.purchase[o, p] for o in m.ix.sources_in[p]
                if m.data.source_local[o])
    total = sum(m.data.source_price[o, p] * m.purchase[o, p] for o in m.ix.sources_in[p])
    return _holds(m, "local_share_floor", p, local - m.data.local_share_min[p] * total, ">=",
                  0.0)


# ---- optional economics (models/chain/econ.py reads their data) ---------------------------


def ramp_up_limit(m: Model, line: str, p: str) -> Any:
    r"""A new line uses no more of its capacity than its ramp-up allows in its year of operation.

    .. math:: \sum_k z_{l,k,p} \le K_l \sum_{q \le p} \rho_{l,q,p}\, b_{l,q}, \qquad
        \rho_{l,q,p} = \frac{1}{n_p} \sum_{t=0}^{n_p-1} U_{\tau(l)}(Y_p - Y_q + t + 1)

    where :math:`U_{\tau,y}` is the RampUp limit of technology :math:`\tau` in year y of
    operation (year 1 = the build year; a year not listed keeps the last listed value),
    :math:`Y_p` the years before period p and :math:`n_p` its length. Linear because at
    most one :math:`b_{l,q}` is 1 (build_once). Existing lines are already run in.
    """
    d = m.data
    build = m.ix.var["build"]
    rhs = [(-(d.capacity[line] * d.ramp_factor[line, q, p]), build[line, q])
           for q in m.ix.builds_until[line, p]]
    return _relation(m, "ramp_up_limit", (line, p), _line_throughput_terms(m, line, p) + rhs,
                     0.0, "<=", [], 0.0)


def tier_step(d: Any, n: str, mat: str, p: str, t: int) -> float:
    r"""Price drop at tier t: :math:`\pi_{d,m,p,t-1} - \pi_{d,m,p,t}` (tier 0's price is the
    Markets price)."""
    tiers = d.price_tiers[n, mat, p]
    before = d.price[n, mat, p] if t == 0 else tiers[t - 1][1]
    return float(before - tiers[t][1])


def price_tier_excess(m: Model, n: str, mat: str, p: str, t: int) -> Any:
    r"""Sales above the start of a price tier are counted at that tier's lower price.

    .. math:: s_{d,m,p,t} \ge v_{d,m,p} - \theta_{d,m,p,t}, \qquad s_{d,m,p,t} \ge 0

    Revenue is :math:`\pi_{d,m,p} v_{d,m,p} - \sum_t (\pi_{t-1}-\pi_t) s_{d,m,p,t}`; the
    tier prices fall, so every step :math:`\pi_{t-1}-\pi_t \ge 0` and the maximisation
    sets :math:`s_t = (v - \theta_t)^+`: a concave piecewise-linear revenue without
    integer variables.
    """
    start = m.data.price_tiers[n, mat, p][t][0]
    return _relation(m, "price_tier_excess", (n, mat, p, t), [(1, m.tier_excess[n, mat, p, t])],
                     0.0, ">=", [(1, m.sales[n, mat, p])], -start)


def emissions(m: Model, p: str) -> Any:
    r"""Tonnes of CO2 per year of period p, from recipe inputs and lane flows.

    .. math:: E_p = \sum_{(l,k,m)} e_{l,k,m}\, x_{l,k,m,p}
        + \sum_{a,m} (\epsilon^0_a + \epsilon^{km}_a \delta_a)\, f_{a,m,p}

    Lane emissions are per tonne carried (no volume factor: a hollow good fills the truck
    sooner but weighs what it weighs).
    """
    d = m.data
    total = sum(factor * m.recipe_input[line, k, mat, p]
                for (line, k, mat), factor in d.co2_input.items())
    total += sum(d.lane_co2[a] * m.flow[a, mat, p] for a in d.lane_co2
                 for mat in m.ix.lane_materials.get(a, ()))
    return total


def _cluster_lines(m: Model, cluster: str) -> list[str]:
    sites = set(m.data.cluster_sites[cluster])
    return [line for line in m.data.lines if m.data.line_site[line] in sites]


def cluster_lines_min_floor(m: Model, cluster: str, p: str) -> Any:
    r"""At least the required number of lines operate at the sites of a cluster.

    .. math:: \sum_{l \in L_c} o_{l,p} \ge N_{c,p}

    where :math:`L_c` are the lines at the sites of cluster c (Clusters sheet); the
    Policy row names the cluster.
    """
    return _holds(m, "cluster_lines_min_floor", (cluster, p),
                  sum(is_open(m, line, p) for line in _cluster_lines(m, cluster)), ">=",
                  m.data.cluster_lines_min[cluster, p])


def cluster_jobs_min_floor(m: Model, cluster: str, p: str) -> Any:
    r"""The lines operating at the sites of a cluster employ at least the required people.

    .. math:: \sum_{l \in L_c} j_l\, o_{l,p} \ge J_{c,p}
    """
    return _holds(m, "cluster_jobs_min_floor", (cluster, p),
                  sum(m.data.jobs[line] * is_open(m, line, p)
                      for line in _cluster_lines(m, cluster)), ">=",
                  m.data.cluster_jobs_min[cluster, p])


def cluster_recovered_min_floor(m: Model, cluster: str, p: str) -> Any:
    r"""The lines of a cluster process at least the required recovered-waste tonnage.

    .. math:: \sum_{(l,k,m):\, l \in L_c,\, m \in M^{rec}} x_{l,k,m,p} \ge R_{c,p}
    """
    lines = set(_cluster_lines(m, cluster))
    return _holds(m, "cluster_recovered_min_floor", (cluster, p),
                  sum(m.recipe_input[line, k, mat, p] for line, k, mat in m.ix.recovered_inputs
                      if line in lines), ">=", m.data.cluster_recovered_min[cluster, p])


def output_link(m: Model, line: str, mat: str, p: str) -> Any:
    r"""A new line makes no more of an output than all the outlets of that output can take.

    .. math:: \sum_k y_{l,k,m}\, z_{l,k,p} \le U_{m,p}\, o_{l,p}, \qquad
        U_{m,p} = \sum_{d} \bar{D}_{d,m,p} + \sum_{(l',k')} M_{l',k',m}

    Valid because every tonne of m made goes to a sale, an input of some line or disposal
    (lanes only move it); written only when m cannot be disposed of, every market of m has
    a maximum, and :math:`U_{m,p}` is below the line's own
    :math:`\max_k y_{l,k,m} K_l`. Why: the output-side twin of input_link; it tightens
    the LP relaxation where products are capped by demand.
    """
    yield_ = m.data.yield_
    made = [t for k in m.ix.recipes_of[line] if (line, k, mat) in yield_
            for t in _throughput_terms(m, line, k, p, yield_[line, k, mat])]
    cap, const = _open_terms(m, line, p, m.data.output_bound[line, mat, p])
    return _relation(m, "output_link", (line, mat, p), made, 0.0, "<=", cap, const)


def working_capital(m: Model) -> Any:
    r"""Yearly cost of financing stock and receivables, discounted over the periods.

    .. math:: C^{wc} = \sum_p w_p\, i^{wc} \Big(\sum_o \frac{s_{m(o)}}{365}\,
        c^{buy}_{o,p} q_{o,p} + \sum_{d,m} \frac{s_m + r_m}{365}\, \pi_{d,m,p} v_{d,m,p}\Big)

    Capital tied up = days held / 365 x yearly value: feedstock stock at its purchase
    price, finished-goods stock and receivables at the Markets price (before any price
    tier: a small overstatement where tiers bind). Stock inside the chain (intermediates
    between lines) is not counted. Linear, so no integer variable is added.
    """
    d = m.data
    if not d.financing_rate or not (d.stock_days or d.receivable_days):
        return 0.0
    w, rate = d.period_weight, d.financing_rate
    held = sum(w[p] * d.stock_days.get(d.source_material[o], 0.0) / 365.0
               * d.source_price[o, p] * m.purchase[o, p] for o, p in m.source_periods
               if d.source_material[o] in d.stock_days)
    held += sum(w[p] * (d.stock_days.get(mat, 0.0) + d.receivable_days.get(mat, 0.0)) / 365.0
                * d.price[n, mat, p] * m.sales[n, mat, p] for n, mat, p in m.market_index
                if mat in d.stock_days or mat in d.receivable_days)
    return rate * held


def cluster_local_share_floor(m: Model, cluster: str, p: str) -> Any:
    r"""Local offers make up at least the required share of a cluster's feedstock by value.

    .. math:: \sum_{o \in O_c \cap O^{loc}} c^{buy}_{o,p} q_{o,p} \ge
        \sigma_{c,p} \sum_{o \in O_c} c^{buy}_{o,p} q_{o,p}

    where :math:`O_c` are the offers whose Sources.cluster names cluster c: the user says
    which offers supply the cluster, because a linear model cannot trace a purchase to the
    lines it ends up feeding.
    """
    d = m.data
    mine = [o for o in m.ix.sources_in[p] if d.source_cluster.get(o) == cluster]
    local = sum(d.source_price[o, p] * m.purchase[o, p] for o in mine if d.source_local[o])
    total = sum(d.source_price[o, p] * m.purchase[o, p] for o in mine)
    return _holds(m, "cluster_local_share_floor", (cluster, p),
                  local - d.cluster_local_share_min[cluster, p] * total, ">=", 0.0)
def _group_purchase(m: Model, g: str, p: str) -> Any:
    return sum(m.purchase[o, p] for o in m.data.supply_group_members[g] if (o, p) in m.purchase)


def supply_group_floor(m: Model, g: str, p: str) -> Any:
    r"""The offers of a supply group together sell at least the group's minimum.

    .. math:: \sum_{o \in O_g} q_{o,p} \ge \underline{Q}_{g,p}

    where :math:`O_g` are the offers whose supply_group is g (models/chain/supply_groups.py).
    """
    return _holds(m, "supply_group_floor", (g, p), _group_purchase(m, g, p), ">=",
                  m.data.supply_group_min[g, p])


def supply_group_ceiling(m: Model, g: str, p: str) -> Any:
    r"""The offers of a supply group together sell at most the group's maximum.

    .. math:: \sum_{o \in O_g} q_{o,p} \le \bar{Q}_{g,p}

    Why: a supplier's total may be scarcer than the sum of its per-grade offers (one
    plant, one contract); the joint cap lets the model choose the grade mix under it.
    """
    return _holds(m, "supply_group_ceiling", (g, p), _group_purchase(m, g, p), "<=",
                  m.data.supply_group_max[g, p])


def profit_tax_floor(m: Model, p: str) -> Any:
    r"""The profit tax of a period is at least the rate times its margin after relief.

    .. math:: T_p \ge \tau^\pi\, w^\pi_p\, M_p, \qquad T_p \ge 0

    where :math:`M_p` is the plan's margin per year of period p (net value before tax)
    and :math:`w^\pi_p` the discounted years of p that are taxed after relief. The tax
    is a cost of a maximisation, so :math:`T_p = \tau^\pi w^\pi_p \max(0, M_p)`: a
    loss is not taxed. Linear; what stays approximate (the plan is one taxpayer, no loss
    carry-forward) is set out in the profit-tax section.
    """
    return m.profit_tax[p] >= m.taxed_margin[p]

