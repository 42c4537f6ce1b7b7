r"""Profit tax and its relief (a tax holiday), as a linear approximation.

Settings: ``profit_tax_rate`` :math:`\tau^\pi`, ``profit_tax_relief_share``
:math:`\rho^\pi` and ``profit_tax_relief_years`` :math:`Y^\pi`. All blank: no tax, and
the model and its answer are exactly those of a workbook without these settings.

Why an approximation. A profit tax is :math:`\tau^\pi \max(0, \text{profit})` per
taxpayer and year: not linear, and not even concave in the plan (a loss is not taxed, so
the tax is convex in the margin and *subtracting* it from a maximised value needs integer
variables). chainopt taxes the margin itself, :math:`\tau^\pi M_p`, so a period with a
loss gets a credit of :math:`\tau^\pi |M_p|` that a real tax does not give (no loss
carry-forward is modelled either). The linear tax is exact when the taxed margin of
every period is positive (the usual case for a plan worth building), and then it only
scales each period's margin by :math:`1 - \tau^\pi` (relief changes the weights, which
can change *when* lines are built). Where the plan's margin in a period is negative the
net value is overstated by :math:`\tau^\pi |M_p|`. The whole plan is taxed as one unit:
a loss of one line offsets the profit of another, which is right for one company and
understates the tax of separate SMEs whose lines make a loss. The taxable margin is the
model's own net value before tax (revenue less every cost the model holds, with the
annualised capex in the fixed cost standing in for depreciation and financing).

Relief: in the first :math:`Y^\pi` years of the plan the share :math:`\rho^\pi` of the
margin is exempt (1 when every line is a cluster participant; a per-line exemption would
need each line's own margin, which is not linear in the flows because a line's revenue
depends on where its tonnes end up).
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


def profit_tax(m: Any, parts: tuple[str, ...]) -> Any:
    r"""Profit tax: the rate times each period's margin, weighted for relief.

    .. math:: C^{tax} = \tau^\pi \sum_p w^\pi_p\, M_p, \qquad
        w_p M_p = R_p - C^{feed}_p - C^{var}_p - \dots

    where :math:`M_p` is the plan's margin per year of period p (its net value before
    tax: every objective part of period p, divided by :math:`w_p`) and :math:`w^\pi_p` the
    taxed weight of :math:`M_p` after relief (see ``tax_weights``). Linear because it
    replaces :math:`\max(0, M_p)` by :math:`M_p`: exact when every period's margin is
    positive, and overstating net value by :math:`\tau^\pi w^\pi_p |M_p|` in a period
    with a loss (see the module docstring).

    Built from the other objective parts: each of their variables belongs to one period
    (its index holds it), so its coefficient is scaled by :math:`w^\pi_p / w_p`; the fixed
    cost, whose build variables span several periods, is rebuilt period by period.
    """
    d: ChainData = m.data
    if not d.profit_tax_rate:
        return 0.0
    factor = {p: d.profit_tax_weight[p] / d.period_weight[p] if d.period_weight[p] else 0.0
              for p in d.periods}
    import pyomo.core as pyo  # here, not at the top: validation never loads pyomo
    from pyomo.repn import generate_standard_repn

    from models.chain import constraints as c

    margin = sum(getattr(m, name).expr if name == "revenue" else -getattr(m, name).expr
                 for name in parts if name not in ("cost_fixed", "cost_profit_tax"))
    repn = generate_standard_repn(margin, compute_values=False, quadratic=False)
    if repn.nonlinear_expr is not None or abs(pyo.value(repn.constant)) > 1e-9:
        raise ValueError("the profit tax needs objective parts that are linear in "
                         "period-indexed variables")
    coefficient: dict[int, float] = defaultdict(float)
    by_id: dict[int, Any] = {}
    for var, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True):
        index = var.index()
        p = index[PERIOD_POSITION.get(var.parent_component().local_name, -1)]
        coefficient[id(var)] += pyo.value(coef) * factor[p]
        by_id[id(var)] = var
    taxed = sum(coef * by_id[key] for key, coef in coefficient.items())
    taxed -= sum(d.profit_tax_weight[p] * d.cost_fixed[line] * c.is_open(m, line, p)
                 for line in d.lines for p in d.periods if d.cost_fixed[line])
    return d.profit_tax_rate * taxed
