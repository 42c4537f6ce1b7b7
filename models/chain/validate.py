"""Checks of the chain model beyond the column rules, in words an economist can act on.

Called by models.chain.data.load_data, in two steps:

``check_tables`` (on the typed tables, every run)
    2. recipes: share_min <= share_max; the minimum shares add up to at most 1 and the
       maximum shares to at least 1; an input and an output; output yields add up to at
       most 1 t per t unless a row is marked mass_gain; recipe groups fit their members;
    3. lines and sites: exclusive groups are well formed; existing lines can all
       operate (groups, lines_max, shared resources: warnings, since the solver then
       reports the run infeasible); an existing line's period_earliest is not silently
       ignored;
    6. plausibility (warnings): prices and costs orders of magnitude away from the rest
       of their column, yields over 1.

``check_data`` (on ChainData, only when there is no error)
    4. reachability (warnings): products that reach no market, lines nothing can feed,
       offers nothing can use;
    5. pre-solve feasibility (warnings, in plain words): minimum sales against what the
       lines and offers that reach the market can supply, minimum offtakes against what
       can use them, lines_min / jobs_min / recovered_min against what can operate, and
       the budget against the cheapest way to meet lines_min.

Every bound used in 5 is an over-estimate of what the plan could achieve (it ignores
lane capacities, feed shortages and exclusive groups), so a warning there means the
limit can certainly not be met; the solver would report the run infeasible.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from models.validation.hints import did_you_mean
from models.validation.issues import IssueList
from models.validation.tables import Row, Table

if TYPE_CHECKING:
    from models.chain.data import ChainData

EPS = 1e-9
OUTLIER_FACTOR = 250.0  # more than two orders of magnitude from the column's median
MARKET_PRICE_FACTOR = 10.0  # one material's price across markets
INF = float("inf")


def amount(x: float, unit: str = "") -> str:
    """1234.5 -> '1,235'; 0.25 -> '0.25'; with the unit after a space."""
    if x == INF:
        text = "unlimited"
    elif abs(x) >= 100:
        text = f"{x:,.0f}"
    else:
        text = f"{x:,.4g}"
    return f"{text} {unit}".strip()


def _cap(limit: float | None) -> float:
    """A limit where blank means unlimited."""
    return INF if limit is None else float(limit)


def _names(items: Iterable[str], limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


class _Where:
    """Issue locations on the typed tables."""

    def __init__(self, tables: Mapping[str, Table]) -> None:
        self.t = tables

    def __call__(self, sheet: str, row: Row, column: str) -> dict[str, Any]:
        return {"sheet": sheet, "row": row.excel_row, "column": column,
                "column_index": self.t[sheet].column_index(column)}


# =====================================================================================
# On the tables (every run)
# =====================================================================================


NEEDS_ROWS = ("Materials", "Sites", "Lines", "Recipes")  # no model without them; an empty
# Sources or Markets sheet is unusual but valid (OR-Library cases have no Markets)
LINELESS_OK = ("Sites", "Lines", "Recipes")  # a case without any line: transport, trading


def _no_lines(tables: Mapping[str, Table], issues: IssueList) -> bool:
    """A Lines sheet present with no rows at all, and offers to trade: a pure transport or
    trading case. Sites, Lines and Recipes may then be empty; the note says so. A workbook
    without lines and without offers is an unfilled one: its empty sheets are errors.
    """
    lines = tables["Lines"]
    complete = all(c.name in lines.columns for c in lines.sheet.required_columns)
    if not (lines.present and complete and not lines.rows and not lines.dropped):
        return False
    if not tables["Sources"].rows:  # nothing to trade either: an unfilled workbook
        return False
    issues.info("The case has no processing line: it plans purchases, transport and sales "
                "only (a transport or trading case).", sheet="Lines")
    return True


def check_tables(tables: Mapping[str, Table], issues: IssueList, currency: str = "") -> None:
    where = _Where(tables)
    no_lines = _no_lines(tables, issues)
    for name in NEEDS_ROWS:
        table = tables[name]
        complete = all(c.name in table.columns for c in table.sheet.required_columns)
        if no_lines and name in LINELESS_OK:
            continue
        if table.present and complete and not table.rows and not table.dropped:
            issues.error("The sheet has no rows.", sheet=name, expected="at least one row",
                         hint="Fill it in (the Guide sheet says how), or start from "
                         "'chainopt template --example'.")
    _recipes(tables, issues, where)
    _recipe_groups(tables, issues, where)
    _lines_and_sites(tables, issues, where)
    _policy_rows(tables, issues, where)
    _plausibility(tables, issues, where, currency)


def _f(value: object, default: float = 0.0) -> float:
    return default if value is None else float(value)  # type: ignore[arg-type]


def _recipes(tables: Mapping[str, Table], issues: IssueList, where: _Where) -> None:
    table = tables["Recipes"]
    incomplete = {(str(r.values.get("applies_to")), str(r.values.get("recipe")))
                  for r in table.dropped}
    line_rows = tables["Lines"].rows + tables["Lines"].dropped
    owners = {str(r.values.get(c)) for r in line_rows for c in ("line", "technology")}
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    stray_roles: set[object] = set()  # roles of rows whose applies_to is unknown
    for r in table.rows:
        if line_rows and str(r["applies_to"]) not in owners:
            stray_roles.add(r["role"])  # reported by load_data; may be a misplaced row
            continue
        groups[(str(r["applies_to"]), str(r["recipe"]))].append(r)
    for (owner, k), rows in groups.items():
        inputs = [r for r in rows if r["role"] == "input"]
        outputs = [r for r in rows if r["role"] == "output"]
        for r in inputs:
            if _f(r["share_min"]) > _f(r["share_max"], 1.0) + EPS:
                issues.error("share_min is above share_max.", value=r["share_min"],
                             expected=f"at most share_max ({amount(_f(r['share_max'], 1))})",
                             **where("Recipes", r, "share_min"))
            if r["yield"] is not None:
                issues.warning("A yield on an input row is ignored (yields belong to "
                               "outputs).", value=r["yield"], expected="(blank)",
                               **where("Recipes", r, "yield"))
            if r["mass_gain"]:
                issues.warning("mass_gain on an input row is ignored (it belongs to "
                               "outputs).", value="yes", expected="(blank)",
                               **where("Recipes", r, "mass_gain"))
        for r in outputs:
            if r["yield"] is None:
                issues.error("An output needs a yield.", value="(blank)",
                              expected="tonnes of output per tonne of input",
                              **where("Recipes", r, "yield"))
            for col, default in (("share_min", 0.0), ("share_max", 1.0)):
                if r[col] is not None and abs(_f(r[col]) - default) > EPS:
                    issues.warning(f"{col} applies to inputs only; it is ignored on an "
                                   "output row.", value=r[col], expected="(blank)",
                                   **where("Recipes", r, col))
        if (owner, k) in incomplete:
            continue  # a row of this recipe has an error; judge the whole once it is fixed
        if not inputs or not outputs:
            missing = "input" if not inputs else "output"
            if missing in stray_roles:
                continue  # probably the row whose applies_to is misspelt
            issues.error(f"Recipe {k} of {owner} has no {missing}.",
                         value=owner, expected=f"at least one {missing} row with "
                         f"applies_to = {owner} and recipe = {k}",
                         **where("Recipes", rows[0], "applies_to"))
            continue
        low = sum(_f(r["share_min"]) for r in inputs)
        high = sum(_f(r["share_max"], 1.0) for r in inputs)
        if low > 1 + EPS:
            issues.error(f"The minimum shares of the inputs of recipe {k} of {owner} add up "
                         f"to {low:.0%}; together they cannot fit in one input mix.",
                         value=amount(low), expected="share_min adding up to at most 1",
                         hint="Lower some share_min values.",
                         **where("Recipes", inputs[-1], "share_min"))
        if high < 1 - EPS:
            issues.error(f"The maximum shares of the inputs of recipe {k} of {owner} add up "
                         f"to {high:.0%}; they cannot fill the input mix.",
                         value=amount(high), expected="share_max adding up to at least 1",
                         hint="Raise some share_max values, or add an input.",
                         **where("Recipes", inputs[-1], "share_max"))
        total = sum(_f(r["yield"]) for r in outputs)
        gain = any(r["mass_gain"] for r in outputs)
        if total > 1 + EPS and not gain:
            issues.error(f"The outputs of recipe {k} of {owner} weigh {amount(total)} t per "
                         "t of input: more comes out than goes in.", value=amount(total),
                         expected="output yields adding up to at most 1",
                         hint="Check the yields. If the recipe really gains mass (water, "
                         "filler or air taken up), write yes in mass_gain on its output "
                         "rows.", **where("Recipes", outputs[-1], "yield"))
        for r in outputs:
            if gain and _f(r["yield"]) > 1 + EPS:
                issues.warning("A yield over 1: more tonnes of this output than tonnes of "
                               "input. It is accepted because the recipe is marked "
                               "mass_gain; check that it is meant.", value=r["yield"],
                               expected="at most 1 t/t, usually",
                               **where("Recipes", r, "yield"))


def _recipe_groups(tables: Mapping[str, Table], issues: IssueList, where: _Where) -> None:
    recipes = tables["Recipes"]
    members: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    owners: set[tuple[str, str]] = set()
    for r in recipes.rows:
        owners.add((str(r["applies_to"]), str(r["recipe"])))
        if r["role"] == "input" and r["share_group"]:
            members[(str(r["applies_to"]), str(r["recipe"]), str(r["share_group"]))].append(r)
    for r in recipes.dropped:
        owners.add((str(r.values.get("applies_to")), str(r.values.get("recipe"))))
    for g in tables["RecipeGroups"].rows:
        owner, k, name = str(g["applies_to"]), str(g["recipe"]), str(g["share_group"])
        lo, hi = _f(g["share_min"]), _f(g["share_max"], 1.0)
        if lo > hi + EPS:
            issues.error("share_min is above share_max.", value=g["share_min"],
                         expected=f"at most share_max ({amount(hi)})",
                         **where("RecipeGroups", g, "share_min"))
            continue
        if (owner, k) not in owners:
            known = sorted({o for o, _ in owners})
            issues.error(f"There is no recipe {k} of {owner} on the Recipes sheet.",
                         value=owner, expected="applies_to and recipe as on the Recipes sheet",
                         hint=did_you_mean(owner, known),
                         **where("RecipeGroups", g, "applies_to"))
            continue
        rows = members.get((owner, k, name), [])
        if not rows:
            continue  # reported by load_data (no input of the recipe belongs to the group)
        most = sum(_f(r["share_max"], 1.0) for r in rows)
        least = sum(_f(r["share_min"]) for r in rows)
        if lo > most + EPS:
            issues.error(f"Group {name} must make up at least {lo:.0%} of the mix, but its "
                         f"inputs may make up at most {most:.0%} (their share_max).",
                         value=g["share_min"], expected=f"at most {amount(most)}",
                         **where("RecipeGroups", g, "share_min"))
        if hi < least - EPS:
            issues.error(f"Group {name} may make up at most {hi:.0%} of the mix, but its "
                         f"inputs must make up at least {least:.0%} (their share_min).",
                         value=g["share_max"], expected=f"at least {amount(least)}",
                         **where("RecipeGroups", g, "share_max"))


def _lines_and_sites(tables: Mapping[str, Table], issues: IssueList, where: _Where) -> None:
    lines = [r for r in tables["Lines"].rows if r["status"] != "excluded"]
    existing = [r for r in lines if r["status"] == "existing"]
    for r in existing:
        if r["period_earliest"] is not None:
            issues.warning("period_earliest is ignored for an existing line: it operates in "
                           "every period.", value=r["period_earliest"], expected="(blank)",
                           hint="Make the line a candidate if it is still to be built.",
                           **where("Lines", r, "period_earliest"))
    by_group: dict[str, list[Row]] = defaultdict(list)
    for r in lines:
        if r["group"] is not None:
            by_group[str(r["group"])].append(r)
    for group, rows in by_group.items():
        olds = [r for r in rows if r["status"] == "existing"]
        for r in olds[1:]:
            issues.warning(f"No plan can respect this: lines {olds[0]['line']} and {r['line']} "
                           f"are both existing but in the same exclusive group {group}, which "
                           "allows at most one line.", value=group,
                           expected="at most one existing line per group",
                           hint="Clear the group of one of them, or exclude one.",
                           **where("Lines", r, "group"))
        if olds:
            for r in rows:
                if r["status"] == "candidate":
                    issues.warning(f"Line {r['line']} can never be built: existing line "
                                   f"{olds[0]['line']} is in the same exclusive group "
                                   f"{group}.", value=group,
                                   expected="a group without an existing line",
                                   **where("Lines", r, "group"))
        if len(rows) == 1:
            excluded = [str(r["line"]) for r in tables["Lines"].rows
                        if r["status"] == "excluded" and str(r["group"] or "") == group]
            if excluded:  # the group is real; its other lines are only left out this run
                issues.info(f"Exclusive group {group} has only this line in this run: "
                            f"{_names(excluded)} {'is' if len(excluded) == 1 else 'are'} "
                            "excluded, so the group limits nothing.", value=group,
                            expected="two or more lines per group",
                            **where("Lines", rows[0], "group"))
                continue
            others = [g for g in by_group if g != group]
            hint = did_you_mean(group, others) or "Leave group blank, or give the " \
                "alternative lines the same group."
            issues.warning(f"Exclusive group {group} has only this line, so it limits "
                           "nothing.", value=group, expected="two or more lines per group",
                           hint=hint, **where("Lines", rows[0], "group"))
    sites = {str(r["site"]): r for r in tables["Sites"].rows}
    old_at: dict[str, list[str]] = defaultdict(list)
    for r in existing:
        old_at[str(r["site"])].append(str(r["line"]))
    for site, names in old_at.items():
        row = sites.get(site)
        if row is None or row["lines_max"] is None:
            continue
        if len(names) > int(row["lines_max"]):  # type: ignore[call-overload]
            issues.warning(f"No plan can respect this: site {site} has {len(names)} existing "
                           f"lines ({_names(names)}), more than its lines_max.",
                           value=row["lines_max"], expected=f"at least {len(names)}",
                           hint="Raise lines_max, or exclude existing lines.",
                           **where("Sites", row, "lines_max"))
    _existing_resources(tables, issues, where, existing)
    for r in lines:
        if r["capacity"] is not None and _f(r["capacity"]) == 0:
            issues.warning("A capacity of 0: this line can process nothing.", value=0,
                           expected="a capacity above 0 (t/yr)",
                           **where("Lines", r, "capacity"))


def _existing_resources(tables: Mapping[str, Table], issues: IssueList, where: _Where,
                        existing: list[Row]) -> None:
    site_of = {str(r["line"]): str(r["site"]) for r in existing}
    used: dict[tuple[str, str], float] = defaultdict(float)
    for r in tables["ResourceUse"].rows:
        line = str(r["line"])
        if line in site_of:
            used[(site_of[line], str(r["resource"]))] += _f(r["amount"])
    for r in tables["Resources"].rows:
        key = (str(r["site"]), str(r["resource"]))
        if used.get(key, 0.0) > _f(r["available"]) + EPS:
            issues.warning(f"No plan can respect this: the existing lines at {key[0]} alone "
                           f"use {amount(used[key])} of {key[1]}, more than is available.",
                           value=r["available"], expected=f"at least {amount(used[key])}",
                           hint="Raise the amount available, or exclude existing lines.",
                           **where("Resources", r, "available"))


def _policy_rows(tables: Mapping[str, Table], issues: IssueList, where: _Where) -> None:
    for r in tables["Policy"].rows:
        if r["policy"] == "budget_total" and r["period"] is not None:
            issues.warning("budget_total covers all periods; the period is ignored.",
                           value=r["period"], expected="(blank)",
                           hint="Use budget_period for a limit in one period.",
                           **where("Policy", r, "period"))


def _plausibility(tables: Mapping[str, Table], issues: IssueList, where: _Where,
                  currency: str) -> None:
    for name, table in tables.items():
        for col in table.sheet.columns:
            if not col.unit.startswith("currency"):
                continue
            unit = col.unit.replace("currency", currency or "currency")
            header = col.name
            values = [(r, x) for r in table.rows
                      if (v := r.values.get(header)) is not None and (x := _f(v)) > 0]
            if len(values) < 5:
                continue
            typical = statistics.median(v for _r, v in values)
            for r, v in values:
                ratio = v / typical
                if ratio >= OUTLIER_FACTOR or ratio <= 1 / OUTLIER_FACTOR:
                    how = f"{ratio:,.0f} times larger" if ratio > 1 else \
                        f"{1 / ratio:,.0f} times smaller"
                    issues.warning(f"This value is far from the rest of the column: "
                                   f"{amount(v, unit)} against a typical "
                                   f"{amount(typical, unit)} ({how}).", value=r[col.name],
                                   expected=f"about {amount(typical, unit)}",
                                   hint="Check the unit (per t, not per kg) and the number "
                                   "of zeros.", **where(name, r, col.name))
    _market_prices(tables, issues, where, currency)


def _market_prices(tables: Mapping[str, Table], issues: IssueList, where: _Where,
                   currency: str) -> None:
    by_material: dict[str, list[Row]] = defaultdict(list)
    for r in tables["Markets"].rows:
        by_material[str(r["material"])].append(r)
    unit = f"{currency or 'currency'}/t"
    for material, rows in by_material.items():
        prices = [_f(r["price"]) for r in rows if _f(r["price"]) > 0]
        if len(prices) < 3:
            continue
        typical = statistics.median(prices)
        for r in rows:
            v = _f(r["price"])
            if v <= 0:
                continue
            ratio = v / typical
            if 1 / OUTLIER_FACTOR < ratio < OUTLIER_FACTOR and (
                    ratio >= MARKET_PRICE_FACTOR or ratio <= 1 / MARKET_PRICE_FACTOR):
                issues.warning(f"This price of {material} is far from its price at the other "
                               f"markets: {amount(v, unit)} against a typical "
                               f"{amount(typical, unit)}.", value=r["price"],
                               expected=f"about {amount(typical, unit)}",
                               hint="Check the unit (per t, not per kg) and the number of "
                               "zeros.", **where("Markets", r, "price"))


# =====================================================================================
# On ChainData (only when there is no error)
# =====================================================================================


class _Graph:
    """Where each material can be (offered, made, carried) and where lanes can take it."""

    def __init__(self, data: ChainData) -> None:
        self.d = data
        self.out: dict[str, list[tuple[str, str]]] = defaultdict(list)  # origin -> (dest, only)
        for a in data.lanes:
            self.out[data.lane_origin[a]].append((data.lane_destination[a],
                                                  data.lane_material[a]))
        # a material no lane is restricted to travels on the unrestricted lanes alone: its
        # reach is that of "" (one search per place for all of them, not one per material)
        self.restricted = {only for dests in self.out.values() for _d, only in dests if only}
        self._reach: dict[tuple[str, str], frozenset[str]] = {}
        self.inputs_of: dict[tuple[str, str], list[str]] = defaultdict(list)
        for line, k, m in data.recipe_inputs:
            self.inputs_of[(line, k)].append(m)
        self.recipes_of: dict[str, list[str]] = defaultdict(list)
        for line, k in data.line_recipes:
            self.recipes_of[line].append(k)
        self.period_index = {p: i for i, p in enumerate(data.periods)}
        first: dict[str, int] = {}
        for line, p in data.build_options:
            i = self.period_index[p]
            first[line] = min(first.get(line, i), i)
        self.first_period = first
        self.present, self.fed = self._feedable()

    def reach(self, material: str, start: str) -> frozenset[str]:
        """Places material can get to from start by lanes (start included)."""
        key = (material if material in self.restricted else "", start)
        if key not in self._reach:
            seen = {start}
            todo = [start]
            while todo:
                here = todo.pop()
                for dest, only in self.out.get(here, ()):
                    if dest not in seen and (not only or only == key[0]):
                        seen.add(dest)
                        todo.append(dest)
            self._reach[key] = frozenset(seen)
        return self._reach[key]

    def operates(self, line: str, period: str) -> bool:
        if line in self.d.lines_existing:
            return True
        first = self.first_period.get(line)
        return first is not None and first <= self.period_index[period]

    def recipes(self, line: str) -> list[str]:
        return self.recipes_of.get(line, [])

    def runnable(self, line: str, k: str, here: set[str]) -> tuple[bool, list[str]]:
        """Whether recipe k can get a full input mix from the materials in ``here``."""
        d = self.d
        inputs = self.inputs_of.get((line, k), [])
        missing = [m for m in inputs if m not in here]
        needed = [m for m in missing if d.share_min[(line, k, m)] > EPS]
        room = sum(d.share_max[(line, k, m)] for m in inputs if m in here)
        return (not needed and room >= 1 - 1e-6), missing

    def _feedable(self) -> tuple[dict[str, set[str]], set[str]]:
        """Fixed point: materials present at each place, counting only lines that can run."""
        d = self.d
        present: dict[str, set[str]] = defaultdict(set)
        for o in d.sources:
            present[d.source_location[o]].add(d.source_material[o])
        fed: set[tuple[str, str]] = set()
        outputs: dict[tuple[str, str], list[str]] = defaultdict(list)
        for line, k, m in d.recipe_outputs:
            outputs[(line, k)].append(m)
        waiting: dict[str, list[tuple[str, str]]] = defaultdict(list)  # site -> recipes
        for line, k in d.line_recipes:
            waiting[d.line_site[line]].append((line, k))
        # A worklist: a place is looked at again only when what is present there grew
        # (its recipes not yet fed, then its lanes); a recipe runnable with some materials
        # is runnable with more, so this reaches what sweeping everything until nothing
        # changed reached, with each lane followed about once per material.
        queue = deque(dict.fromkeys([*(p for p, have in present.items() if have), *waiting]))
        queued = set(queue)
        while queue:
            here = queue.popleft()
            queued.discard(here)
            have = present[here]
            fired = True
            while fired and waiting.get(here):  # a recipe fed here may feed another here
                fired = False
                still: list[tuple[str, str]] = []
                for line, k in waiting[here]:
                    if self.runnable(line, k, have)[0]:
                        fed.add((line, k))
                        have.update(outputs[(line, k)])
                        fired = True
                    else:
                        still.append((line, k))
                waiting[here] = still
            for dest, only in self.out.get(here, ()):
                new = (have if not only else have & {only}) - present[dest]
                if new:
                    present[dest] |= new
                    if dest not in queued:
                        queued.add(dest)
                        queue.append(dest)
        return present, {line for line, _k in fed}


def check_data(tables: Mapping[str, Table], data: ChainData, issues: IssueList) -> None:
    where = _Where(tables)
    graph = _Graph(data)
    _lines_fed(tables, data, graph, issues, where)
    _products_sold(tables, data, graph, issues, where)
    _sources_used(tables, data, graph, issues, where)
    _market_minimums(tables, data, graph, issues, where)
    _offtake_minimums(tables, data, graph, issues, where)
    _policy_minimums(tables, data, graph, issues, where)
    _outlets(tables, data, graph, issues, where)


def materials_without_outlet(data: ChainData, graph: _Graph | None = None,
                             ) -> dict[str, list[str]]:
    """Lines that can never run because a recipe output has nowhere to go.

    A material a recipe makes (yield > 0) must leave the site: sold at a market it can
    reach by lane, taken by a line at a place it can reach, or disposed of (a disposal
    cost). A material with none of the three stops every recipe that makes it, since the
    balance cannot close. Returns line -> the materials that stop it (every recipe of the
    line blocked); lines with at least one recipe free are not listed. ``graph``: the
    data's ``_Graph`` when the caller has one (it walks every lane to be made).
    """
    graph = graph if graph is not None else _Graph(data)
    markets = _markets_of(data)
    users: dict[str, set[str]] = defaultdict(set)
    for line, _k, m in data.recipe_inputs:
        users[m].add(data.line_site[line])
    stuck: dict[tuple[str, str], list[str]] = defaultdict(list)
    for line, k, m in data.recipe_outputs:
        if data.yield_[(line, k, m)] <= EPS or m in data.disposal_cost:
            continue
        reach = graph.reach(m, data.line_site[line])
        if reach & markets.get(m, set()) or reach & users.get(m, set()):
            continue
        stuck[line, k].append(m)
    out: dict[str, list[str]] = {}
    for line in data.lines:
        recipes = graph.recipes(line)
        if recipes and all((line, k) in stuck for k in recipes):
            out[line] = sorted({m for k in recipes for m in stuck[line, k]})
    return out


def _outlets(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
             issues: IssueList, where: _Where) -> None:
    """Warn on each Recipes output row whose material has no market, no user and no
    disposal cost: the silent trap of a residue left without an outlet."""
    blocked = materials_without_outlet(data, graph)
    if not blocked:
        return
    by_material: dict[str, list[str]] = defaultdict(list)
    for line, mats in blocked.items():
        for m in mats:
            by_material[m].append(line)
    owners = {line: (line if any(str(r["applies_to"]) == line for r in tables["Recipes"].rows)
                     else data.line_technology[line]) for line in blocked}
    for m, lines in sorted(by_material.items()):
        own = {owners[ln] for ln in lines}
        for r in tables["Recipes"].rows:
            if r["role"] != "output" or str(r["material"]) != m or str(r["applies_to"]) \
                    not in own:
                continue
            affected = [ln for ln in lines if owners[ln] == str(r["applies_to"])]
            issues.warning(f"Recipe {r['recipe']} of {r['applies_to']} makes {m}, which has "
                           "no market it can reach, no line that takes it and no disposal "
                           f"cost: {_names(affected)} cannot run.", value=m,
                           expected="a disposal_cost, a Markets row or a line that uses it",
                           hint=f"Give {m} a disposal_cost on the Materials sheet (0 if it "
                           "costs nothing), or add a market or a lane to one.",
                           **where("Recipes", r, "material"))


def _first_rows(table: Table, key: str) -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for r in table.rows:
        rows.setdefault(str(r[key]), r)
    return rows


def _lines_fed(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
               issues: IssueList, where: _Where) -> None:
    rows = _first_rows(tables["Lines"], "line")
    for line in data.lines:
        if line in graph.fed or line not in rows:
            continue
        site = data.line_site[line]
        gaps = [graph.runnable(line, k, graph.present[site])[1] for k in graph.recipes(line)]
        missing = min(gaps, key=len) if gaps else []
        must = " It is an existing line, so it must run." if line in data.lines_existing \
            and data.utilisation_min[line] > 0 else ""
        issues.warning(f"Line {line} at {site} cannot get its inputs: {_names(missing)} "
                       f"{'is' if len(missing) == 1 else 'are'} not offered at {site}, made "
                       f"there, or brought there by a lane.{must}", value=line,
                       expected="inputs that a source or lane can deliver to the site",
                       hint="Add a source or a lane for the missing input, or exclude the "
                       "line.", **where("Lines", rows[line], "line"))


def _markets_of(data: ChainData) -> dict[str, set[str]]:
    places: dict[str, set[str]] = defaultdict(set)
    for d, m, _p in data.markets:
        places[m].add(data.place_of(d))
    return places


def _products_sold(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
                   issues: IssueList, where: _Where) -> None:
    rows = _first_rows(tables["Materials"], "material")
    makers: dict[str, list[str]] = defaultdict(list)
    for line, _k, m in data.recipe_outputs:
        if line in graph.fed and line not in makers[m]:
            makers[m].append(line)
    markets = _markets_of(data)
    for m in data.materials:
        if data.material_kind[m] != "product" or m not in rows or not makers[m]:
            continue
        sites = sorted({data.line_site[line] for line in makers[m]})
        if any(graph.reach(m, s) & markets[m] for s in sites):
            continue
        if not markets[m]:
            why = "no row of the Markets sheet sells it"
            hint = f"Add a Markets row for {m}, or stop making it."
        else:
            why = (f"no lane carries it from {_names(sites)} to a market that buys it "
                   f"({_names(sorted(markets[m]))})")
            hint = "Add a lane (with material blank or this material) towards a market."
        issues.warning(f"{m} is made by {_names(makers[m])} but cannot reach any market: "
                       f"{why}.", value=m, expected="a market the product can reach",
                       hint=hint, **where("Materials", rows[m], "material"))


def _sources_used(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
                  issues: IssueList, where: _Where) -> None:
    rows = _first_rows(tables["Sources"], "source")
    users: dict[str, set[str]] = defaultdict(set)  # material -> places that use it
    for line, _k, m in data.recipe_inputs:
        users[m].add(data.line_site[line])
    for d, m, _p in data.markets:
        users[m].add(data.place_of(d))
    for o in data.sources:
        m, loc = data.source_material[o], data.source_location[o]
        if o not in rows or graph.reach(m, loc) & users[m]:
            continue
        issues.warning(f"Nothing can use the {m} offered by {o} at {loc}: no line that takes "
                       "it and no market that buys it can be reached from there.",
                       value=o, expected="an offer some line or market can use",
                       hint="Add a lane from the offer's location, or a line or market "
                       "that takes this material.", **where("Sources", rows[o], "source"))


def _row_for(table: Table, match: dict[str, str], period: str) -> Row | None:
    """The row a (key, period) value came from: the period's own row, else the blank one."""
    blank = None
    for r in table.rows:
        if all(("" if r[k] is None else str(r[k])) == v for k, v in match.items()):
            if r["period"] is not None and str(r["period"]) == period:
                return r
            if r["period"] is None:
                blank = r
    return blank


def _market_match(data: ChainData, d: str, m: str) -> dict[str, str]:
    """The Markets columns that pick market key d's row (an ID, or a place without one)."""
    if d in data.market_place:
        return {"market_id": d, "material": m}
    return {"market": d, "material": m, "market_id": ""}


def _periods_text(periods: list[str], data: ChainData) -> str:
    if len(data.periods) == 1:
        return ""
    if len(periods) == len(data.periods):
        return " in every period"
    return " in " + _names(periods)


def _market_minimums(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
                     issues: IssueList, where: _Where) -> None:
    unit = "t/yr"
    best: dict[str, dict[str, float]] = defaultdict(dict)  # material -> line -> best yield
    for line, k, m in data.recipe_outputs:
        best[m][line] = max(best[m].get(line, 0.0), data.yield_[(line, k, m)])
    makers = {m: list(lines.items()) for m, lines in best.items()}
    failures: dict[int, tuple[Row, list[str], str]] = {}
    reported: set[tuple[str, str]] = set()
    for d, m, p in data.markets:
        need = data.sales_min[(d, m, p)]
        if need <= EPS:
            continue
        place = data.place_of(d)
        offers = [o for o in data.sources if data.source_material[o] == m
                  and (o, p) in data.availability
                  and place in graph.reach(m, data.source_location[o])]
        lines = [(line, y) for line, y in makers.get(m, []) if graph.operates(line, p)
                 and line in graph.fed and place in graph.reach(m, data.line_site[line])]
        supply: float = sum(_cap(data.availability[(o, p)])
                     for o in offers)
        supply += sum(data.capacity[line] * y for line, y in lines)
        if need <= supply + EPS:
            continue
        row = _row_for(tables["Markets"], _market_match(data, d, m), p)
        if row is None:
            continue
        reported.add((m, p))
        what = f"A minimum of {amount(need, unit)} of {m} must be sold at {d}"
        if supply <= EPS:
            made = bool(makers.get(m)) or any(
                data.source_material[o] == m for o in data.sources)
            if not made:
                tail = f"but nothing can supply it: no line makes {m} and no source offers it."
            else:
                tail = (f"but no line or offer of {m} that can run then has a lane to {place}.")
        elif offers:
            tail = (f"but the offers and lines that can reach {place} supply at most "
                    f"{amount(supply, unit)}.")
        else:
            names = _names(line for line, _y in lines)
            tail = (f"but the lines that can make it and reach {place} ({names}) can produce "
                    f"at most {amount(supply, unit)}.")
        entry = failures.setdefault(row.excel_row, (row, [], f"{what}{{periods}}, {tail}"))
        entry[1].append(p)
    for row, periods, text in failures.values():
        issues.warning(text.format(periods=_periods_text(periods, data)),
                       value=row["sales_min"], expected="a minimum the chain can supply",
                       hint="Lower sales_min, or add capacity, offers or lanes that can "
                       "serve this market.", **where("Markets", row, "sales_min"))
    _market_totals(tables, data, graph, issues, where, makers, reported)


def _market_totals(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
                   issues: IssueList, where: _Where,
                   makers: Mapping[str, list[tuple[str, float]]],
                   reported: set[tuple[str, str]]) -> None:
    need: dict[tuple[str, str], float] = defaultdict(float)
    first: dict[tuple[str, str], tuple[str, str]] = {}
    for d, m, p in data.markets:
        if data.sales_min[(d, m, p)] > EPS:
            need[(m, p)] += data.sales_min[(d, m, p)]
            first.setdefault((m, p), (d, m))
    for (m, p), total in need.items():
        if (m, p) in reported:
            continue
        supply: float = sum(_cap(data.availability[(o, p)])
                     for o in data.sources if data.source_material[o] == m
                     and (o, p) in data.availability)
        supply += sum(data.capacity[line] * y for line, y in makers.get(m, [])
                      if graph.operates(line, p) and line in graph.fed)
        if total <= supply + EPS:
            continue
        d, _m = first[(m, p)]
        row = _row_for(tables["Markets"], _market_match(data, d, m), p)
        if row is None:
            continue
        when = f" in {p}" if len(data.periods) > 1 else ""
        issues.warning(f"Together the markets must take at least {amount(total, 't/yr')} of "
                       f"{m}{when}, but the lines and offers of {m} can supply at most "
                       f"{amount(supply, 't/yr')}.", value=row["sales_min"],
                       expected="minimums the chain can supply",
                       hint="Lower some sales_min of this material, or add capacity or "
                       "offers.", **where("Markets", row, "sales_min"))


def _offtake_minimums(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
                      issues: IssueList, where: _Where) -> None:
    unit = "t/yr"
    most: dict[str, dict[str, float]] = defaultdict(dict)  # material -> line -> best share
    for line, k, m in data.recipe_inputs:
        most[m][line] = max(most[m].get(line, 0.0), data.share_max[(line, k, m)])
    takers = {m: list(lines.items()) for m, lines in most.items()}
    failures: dict[int, tuple[Row, list[str], str]] = {}
    total_need: dict[tuple[str, str], float] = defaultdict(float)
    firsts: dict[tuple[str, str], tuple[str, str]] = {}
    for o, p in data.source_periods:
        need = data.offtake_min[(o, p)]
        if need <= EPS:
            continue
        m, loc = data.source_material[o], data.source_location[o]
        total_need[(m, p)] += need
        firsts.setdefault((m, p), (o, p))
        places = graph.reach(m, loc)
        use = sum(data.capacity[line] * s for line, s in takers.get(m, [])
                  if graph.operates(line, p) and data.line_site[line] in places)
        use += sum(_cap(data.sales_max[(d, m2, p2)])
                   for d, m2, p2 in data.markets
                   if m2 == m and p2 == p and data.place_of(d) in places)
        if need <= use + EPS:
            continue
        row = _row_for(tables["Sources"], {"source": o}, p)
        if row is None:
            continue
        if use <= EPS:
            tail = (f"but no line that takes {m} and no market that buys it can be reached "
                    f"from {loc}.")
        else:
            tail = (f"but the lines and markets that can take it use at most "
                    f"{amount(use, unit)}.")
        entry = failures.setdefault(row.excel_row, (
            row, [], f"At least {amount(need, unit)} of {m} must be bought from {o} at {loc}"
            f"{{periods}}, {tail}"))
        entry[1].append(p)
        total_need.pop((m, p), None)
    for row, periods, text in failures.values():
        issues.warning(text.format(periods=_periods_text(periods, data)),
                       value=row["offtake_min"], expected="a minimum the chain can use",
                       hint="Lower offtake_min, or add lines, markets or lanes that can use "
                       "this material.", **where("Sources", row, "offtake_min"))
    for (m, p), need in total_need.items():
        use = sum(data.capacity[line] * s for line, s in takers.get(m, [])
                  if graph.operates(line, p))
        use += sum(_cap(data.sales_max[(d, m2, p2)])
                   for d, m2, p2 in data.markets if m2 == m and p2 == p)
        if need <= use + EPS:
            continue
        o, _p = firsts[(m, p)]
        row = _row_for(tables["Sources"], {"source": o}, p)
        if row is None:
            continue
        when = f" in {p}" if len(data.periods) > 1 else ""
        issues.warning(f"Together at least {amount(need, unit)} of {m} must be bought{when}, "
                       f"but every line and market that takes {m} uses at most "
                       f"{amount(use, unit)}.", value=row["offtake_min"],
                       expected="minimums the chain can use",
                       hint="Lower some offtake_min of this material.",
                       **where("Sources", row, "offtake_min"))


def _policy_row(tables: Mapping[str, Table], kind: str, period: str) -> Row | None:
    blank = None
    for r in tables["Policy"].rows:
        if r["policy"] != kind or not r["active"] or r["cluster"] is not None:
            continue
        if r["period"] is not None and str(r["period"]) == period:
            return r
        if r["period"] is None:
            blank = r
    return blank


def _policy_minimums(tables: Mapping[str, Table], data: ChainData, graph: _Graph,
                     issues: IssueList, where: _Where) -> None:
    cur = data.currency
    for p, need in data.lines_min.items():
        row = _policy_row(tables, "lines_min", p)
        if row is None:
            continue
        existing = [line for line in data.lines if line in data.lines_existing]
        candidates = [line for line in data.lines
                      if line not in data.lines_existing and graph.operates(line, p)]
        most = _most_lines(data, existing, candidates)
        when = f" in {p}" if len(data.periods) > 1 else ""
        if need > most + EPS:
            issues.warning(f"At least {amount(need)} lines must operate{when}, but at most "
                           f"{most} can: {len(existing)} existing and {len(candidates)} "
                           "candidates that may be built by then, with at most one per "
                           "exclusive group and within each site's lines_max.",
                           value=row["value"], expected=f"at most {most}",
                           hint="Lower lines_min, or add candidate lines.",
                           **where("Policy", row, "value"))
            continue
        build = max(0, math.ceil(need - len(existing) - 1e-6))
        if build == 0:
            continue
        cheapest = sum(sorted(data.capex[line] for line in candidates)[:build])
        limit, which = _budget_until(data, p)
        if cheapest > limit + EPS:
            have = f"; with {len(existing)} existing," if existing else ", so"
            issues.warning(f"At least {amount(need)} lines must operate{when}{have} at least "
                           f"{build} must be built. The {build} cheapest cost "
                           f"{amount(cheapest, cur)} together, but {which} allows "
                           f"{amount(limit, cur)}.", value=row["value"],
                           expected="a minimum the budget can pay for",
                           hint="Lower lines_min or raise the budget.",
                           **where("Policy", row, "value"))
    for p, need in data.jobs_min.items():
        row = _policy_row(tables, "jobs_min", p)
        most_jobs = sum(data.jobs[line] for line in data.lines if graph.operates(line, p))
        if row is not None and need > most_jobs + EPS:
            when = f" in {p}" if len(data.periods) > 1 else ""
            issues.warning(f"At least {amount(need)} jobs are required{when}, but all lines "
                           f"that can operate then together give {amount(most_jobs)}.",
                           value=row["value"], expected=f"at most {amount(most_jobs)}",
                           hint="Lower jobs_min, or add candidate lines.",
                           **where("Policy", row, "value"))
    for p, need in data.recovered_min.items():
        row = _policy_row(tables, "recovered_min", p)
        if row is None or need <= EPS:
            continue
        offered: float = sum(_cap(data.availability[(o, p)])
                      for o in data.sources if (o, p) in data.availability
                      and data.source_material[o] in data.recovered)
        takers = {line for line, _k, m in data.recipe_inputs if m in data.recovered
                  and graph.operates(line, p)}
        capacity: float = sum(data.capacity[line] for line in takers)
        most_taken = min(offered, capacity)
        if need > most_taken + EPS:
            when = f" in {p}" if len(data.periods) > 1 else ""
            why = (f"recovered-waste offers total {amount(offered, 't/yr')}"
                   if offered <= capacity else
                   f"the lines that take recovered waste can process {amount(capacity, 't/yr')}")
            issues.warning(f"At least {amount(need, 't/yr')} of recovered waste must be "
                           f"processed{when}, but {why}.", value=row["value"],
                           expected=f"at most {amount(most_taken, 't/yr')}",
                           hint="Lower recovered_min, or add offers or lines.",
                           **where("Policy", row, "value"))


def _most_lines(data: ChainData, existing: list[str], candidates: list[str]) -> int:
    """An upper bound on the lines that can operate at once.

    The smaller of two bounds: one line per exclusive group (plus every line without a
    group), and each site's lines_max.
    """
    groups = {data.line_group[line] for line in existing + candidates if line in data.line_group}
    free = sum(1 for line in existing + candidates if line not in data.line_group)
    per_site: dict[str, int] = defaultdict(int)
    for line in existing + candidates:
        per_site[data.line_site[line]] += 1
    by_site = sum(min(n, data.site_lines_max.get(s, n)) for s, n in per_site.items())
    return min(free + len(groups), by_site)


def _budget_until(data: ChainData, period: str) -> tuple[float, str]:
    """The most capex that can be spent up to ``period``, and which limit says so."""
    limit, which = INF, ""
    if data.budget_total is not None:
        limit, which = data.budget_total, "budget_total"
    upto = data.periods[: data.periods.index(period) + 1]
    if all(q in data.budget_period for q in upto):
        per = sum(data.budget_period[q] for q in upto)
        if per < limit:
            limit, which = per, "budget_period" + (" up to then" if len(upto) > 1 else "")
    return limit, which

