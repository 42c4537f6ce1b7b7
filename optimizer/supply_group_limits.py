"""Supply-group caps in the explanation of a plan: one marginal row per (group, period)
with a cap (SupplyGroups.purchases_max), valued like every other per-unit limit.

Kept apart from optimizer/explain.py, which calls ``supply_group_rows`` while it builds
the marginal table and ``supply_group_shifts`` when it re-solves the held LP with each
binding limit one tonne looser and tighter (``one_sided_changes``): the value stated is
that re-solve's, so a user who raises the cap on the SupplyGroups sheet by the stated
number of tonnes and re-runs gets the stated change (within the range stated).
"""

from __future__ import annotations

from typing import Any

import pyomo.core as pyo

from models.chain.data import ChainData
from models.chain.results import ChainResults

KIND = "supply_group"


def supply_group_rows(d: ChainData, res: ChainResults,
                      duals: dict[str, dict[Any, float]]) -> list[dict[str, object]]:
    """Rows of the marginal table for each supply group's cap: tonnes bought from its
    offers against the cap, and the cap's dual per year as a first value (the two-sided
    re-solve replaces it)."""
    from optimizer.explain import _binding  # a helper of the module that calls this one

    rows: list[dict[str, object]] = []
    if not d.supply_groups:
        return rows
    ceiling = duals.get("supply_group_ceiling", {})
    bought = res.purchases.groupby(["source", "period"]).tonnes.sum().to_dict()
    for g, p in d.supply_groups:
        cap = d.supply_group_max.get((g, p))
        if cap is None:
            continue
        members = d.supply_group_members.get(g, ())
        used = float(sum(bought.get((o, p), 0.0) for o in members))
        binding = _binding(used, float(cap), "max")
        value = abs(ceiling.get((g, p), 0.0)) / d.period_weight[p] if binding else 0.0
        rows.append({"kind": KIND, "item": g, "period": p, "sense": "max",
                     "limit": float(cap), "used": used, "unit": "t", "binding": binding,
                     "value": value, "detail": ",".join(members)})
    return rows


def supply_group_shifts(m: pyo.ConcreteModel, r: Any) -> list[Any]:
    """The row bound that moves when a group's cap moves by one tonne (none when the
    constraint was left out because no decision can change it)."""
    from optimizer.solve import Shift

    ceiling = getattr(m, "supply_group_ceiling", None)
    if ceiling is None or (r.item, r.period) not in ceiling:
        return []
    return [Shift(ceiling[r.item, r.period], "upper")]
