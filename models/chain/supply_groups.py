r"""Supply groups: a joint floor and cap on the purchases from a named set of offers.

Offers join a group through ``Sources.supply_group``; the ``SupplyGroups`` sheet gives the
group's limits per period (a blank period: every period, a row naming one overrides it),
like RecipeGroups does for recipe inputs. Used, for instance, for "the polymer plant sells at
most 21 kt a year to the cluster, whatever the grade":

.. math:: \underline{Q}_{g,p} \le \sum_{o \in O_g} q_{o,p} \le \bar{Q}_{g,p}

This module turns the validated tables into ChainData fields (with every problem
reported) and re-checks a plan's purchases against the limits for the independent
checker; the constraints are in constraints.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from models.validation.hints import did_you_mean
from models.validation.issues import IssueList
from models.validation.tables import Row, Table

if TYPE_CHECKING:  # validation alone must not import pandas (tests/test_startup.py)
    import pandas as pd

Key2 = tuple[str, str]
Where = Callable[[str, Row, str], dict[str, Any]]


def supply_group_fields(tables: Mapping[str, Table], periods: list[str], issues: IssueList,
                        where: Where) -> dict[str, Any]:
    """The ChainData fields of supply groups: members, and limits per (group, period)."""
    members: dict[str, list[str]] = defaultdict(list)
    first_row: dict[str, Row] = {}
    for r in tables["Sources"].rows:
        group = r.values.get("supply_group")
        source = str(r["source"])
        if group is None or source in first_row:
            continue
        first_row[source] = r
        members[str(group)].append(source)
    rows = tables["SupplyGroups"].rows
    named = {str(r["group"]) for r in rows}
    for group, sources in members.items():
        if group not in named:
            r = first_row[sources[0]]
            issues.error(f"Supply group {group} has no row on the SupplyGroups sheet.",
                         value=group, expected="a group listed on SupplyGroups",
                         hint=did_you_mean(group, sorted(named)) or
                         f"Add a row for {group} to the SupplyGroups sheet, or clear the cell.",
                         **where("Sources", r, "supply_group"))
    keys: list[Key2] = []
    low: dict[Key2, float] = {}
    high: dict[Key2, float | None] = {}
    specific = {(str(r["group"]), str(r["period"])) for r in rows if r["period"] is not None}
    offers = tables["Sources"]
    # groups named on rows left out after an error, or on a sheet that could not be read:
    # their "no offer" would only repeat that error
    unsure = {str(r.values.get("supply_group")) for r in offers.dropped}
    for r in rows:
        group = str(r["group"])
        if group not in members:
            if group in unsure or not offers.complete or not offers.rows:
                continue
            issues.error(f"No offer on the Sources sheet belongs to supply group {group}.",
                         value=group, expected="a supply_group used on the Sources sheet",
                         hint=did_you_mean(group, sorted(members)),
                         **where("SupplyGroups", r, "group"))
            continue
        top = None if r["purchases_max"] is None else float(r["purchases_max"])  # type: ignore[arg-type]
        bottom = float(r["purchases_min"])  # type: ignore[arg-type]
        if top is not None and bottom > top:
            issues.error("purchases_min is above purchases_max.", value=r["purchases_min"],
                         expected=f"at most purchases_max ({top:g})",
                         **where("SupplyGroups", r, "purchases_min"))
            continue
        applies = [str(r["period"])] if r["period"] is not None else \
            [p for p in periods if (group, p) not in specific]
        for p in applies:
            keys.append((group, p))
            low[(group, p)] = bottom
            high[(group, p)] = top
    return {
        "supply_groups": tuple(keys),
        "supply_group_members": {g: tuple(s) for g, s in members.items()},
        "supply_group_min": low,
        "supply_group_max": high,
    }


def group_purchases(purchases: pd.DataFrame, members: Mapping[str, tuple[str, ...]]
                    ) -> dict[Key2, float]:
    """Tonnes bought from each group's offers per period, from the purchases table."""
    group_of = {o: g for g, sources in members.items() for o in sources}
    total: dict[Key2, float] = defaultdict(float)
    for o, p, t in zip(purchases.source, purchases.period, purchases.tonnes, strict=True):
        if o in group_of:
            total[(group_of[o], p)] += float(t)
    return total
