r"""Profit tax and its relief (a tax holiday), kept linear.

Settings: ``profit_tax_rate`` :math:`\tau^\pi`, ``profit_tax_relief_share``
:math:`\rho^\pi` and ``profit_tax_relief_years`` :math:`Y^\pi`. All blank: no tax, and
the model and its answer are exactly those of a workbook without these settings.

A profit tax is :math:`\tau^\pi \max(0, \text{profit})` per taxpayer and year: not
linear. chainopt keeps it linear with one variable per period, :math:`T_p \ge 0` and
:math:`T_p \ge \tau^\pi w^\pi_p M_p` (``profit_tax_floor``). The plan is maximised and
:math:`T_p` is a cost, so the solver pushes it down onto the larger of its two lower
bounds: :math:`T_p = \tau^\pi w^\pi_p \max(0, M_p)`, a loss is not taxed and gets no
credit. What remains an approximation, and which way it errs:

- the taxpayer is the whole plan: a loss of one line offsets the profit of another in
  the same period. Right for one company; for separate SMEs whose lines make a loss it
  **understates** the tax (each profitable SME would pay on its own profit). It is exact
  when every line is profitable, or when the plan is one taxpayer. A per-line tax would
  need each line's own margin, which is not linear in the flows (a line's revenue
  depends on where its tonnes end up), so it is not modelled;
- a loss in one period is not carried forward to the next: this **overstates** the tax
  of a plan with early losses (carry-forward rules are not linear);
- the taxable margin :math:`M_p` is the model's own net value before tax: revenue less
  every cost the model holds, with the annualised capex of the fixed cost standing in
  for depreciation and financing (so the tax is understated where the tax code allows
  less than the annualised capex, overstated where it allows more).

Relief: in the first :math:`Y^\pi` years of the plan the share :math:`\rho^\pi` of the
margin is exempt (1 when every line is a cluster participant, the qualifying lines'
share of the margin otherwise: the share stands in for the per-line exemption, which
needs the per-line margins above).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.chain.data import ChainData

# The index position of the period in each variable of the objective (last by default).
PERIOD_POSITION = {"tier_excess": 2}


def tax_weights(periods: tuple[str, ...], years: dict[str, int], discount_rate: float,
                share: float, relief_years: int | None) -> dict[str, float]:
    r"""Discounted weight of each period's yearly margin that bears the tax after relief.

    .. math:: w^\pi_p = \sum_{t=0}^{n_p-1} (1+r)^{-(Y_p+t)}
        \big(1 - \rho^\pi\, [Y_p + t < Y^\pi]\big)

    i.e. :math:`w_p` less the relieved share of its years inside the relief window
    (every year when :math:`Y^\pi` is blank).
    """
    out: dict[str, float] = {}
    elapsed = 0
    for p in periods:
        total = 0.0
        for t in range(years[p]):
            year = elapsed + t
            relieved = relief_years is None or year < relief_years
            total += (1.0 + discount_rate) ** -year * (1.0 - (share if relieved else 0.0))
        out[p] = total
        elapsed += years[p]
    return out


def taxed_margins(m: Any, parts: tuple[str, ...]) -> dict[str, Any]:
    r"""Per taxed period p, :math:`\tau^\pi w^\pi_p M_p` as a linear expression.

    :math:`M_p` is the plan's margin per year of period p: its net value before tax, i.e.
    every other objective part restricted to period p and divided by :math:`w_p`. Built
    from those parts, so a new part is taxed too: each of their variables belongs to one
    period (its index holds it), so its coefficient is scaled by
    :math:`\tau^\pi w^\pi_p / w_p`; the fixed cost, whose build variables span several
    periods, is rebuilt period by period. Periods fully relieved (:math:`w^\pi_p = 0`)
    are left out.
    """
    import pyomo.core as pyo  # here, not at the top: validation never loads pyomo
    from pyomo.repn import generate_standard_repn

    from models.chain import constraints as c

    d: ChainData = m.data
    taxed = [p for p in d.periods if d.profit_tax_rate and d.profit_tax_weight[p] > 1e-12]
    if not taxed:
        return {}
    factor = {p: d.profit_tax_rate * d.profit_tax_weight[p] / d.period_weight[p]
              for p in taxed}
    margin = sum(getattr(m, name).expr if name == "revenue" else -getattr(m, name).expr
                 for name in parts if name not in ("cost_fixed", "cost_profit_tax"))
    repn = generate_standard_repn(margin, compute_values=False, quadratic=False)
    if repn.nonlinear_expr is not None or abs(pyo.value(repn.constant)) > 1e-9:
        raise ValueError("the profit tax needs objective parts that are linear in "
                         "period-indexed variables")
    terms: dict[str, list[Any]] = defaultdict(list)
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        p = var.index()[PERIOD_POSITION.get(var.parent_component().local_name, -1)]
        if p in factor:
            terms[p].append(pyo.value(coef) * factor[p] * var)
    return {p: sum(terms[p]) - sum(
        d.profit_tax_rate * d.profit_tax_weight[p] * d.cost_fixed[line] * c.is_open(m, line, p)
        for line in d.lines if d.cost_fixed[line]) for p in taxed}
