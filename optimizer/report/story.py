"""The plan in sentences: the headline, the solver status, what limits the plan, and what
it would take for each line to enter it. Numbers come from ChainResults (after
optimizer.explain.explain_plan); words from optimizer.report.i18n.
"""

from __future__ import annotations

import math
import re
import weakref
from typing import Any

import pandas as pd

from models.chain.data import ChainData
from models.chain.results import ChainResults
from models.chain.rows import itertuples
from optimizer.report import numbers as fmt
from optimizer.report.i18n import DEFAULT_LANG, tr

_PAREN = re.compile(r"\s*\([^)]*\)\s*$")
MAX_LIMIT_SENTENCES = 7


def short(name: str) -> str:
    """A name without its trailing parenthesis: 'Georgia, Tbilisi (road)' -> 'Georgia,
    Tbilisi'. Keeps the whole name if nothing would be left."""
    cut = _PAREN.sub("", name).strip()
    return cut or name


def _ru_one(n: int) -> bool:
    return n % 10 == 1 and n % 100 != 11


def _word(lang: str, stem: str, n: int) -> str:
    one = n == 1 if lang == "en" else _ru_one(n)
    return tr(f"word.{stem}_{'one' if one else 'many'}", lang)


# main_products of the ChainData objects alive, by id (ChainData is frozen but holds dicts,
# so it cannot be a dictionary key): the Marginal values sheet asks once per row, and
# recomputing it each time was half of the results writer's time at 5,000 lines.
_PRODUCTS: dict[int, tuple[weakref.ref[ChainData], dict[str, str]]] = {}


def main_products(d: ChainData) -> dict[str, str]:
    """Each line's main product, by name: the product (else any output) with the largest
    yield over its recipes. Readers know lines by what they make, not by technology code.

    Computed once per ChainData (which is frozen); the dictionary returned is shared:
    read it, do not change it."""
    key = id(d)
    hit = _PRODUCTS.get(key)
    if hit is not None and hit[0]() is d:
        return hit[1]
    products = _main_products(d)
    _PRODUCTS[key] = (weakref.ref(d, lambda _ref: _PRODUCTS.pop(key, None)), products)
    return products


def _main_products(d: ChainData) -> dict[str, str]:
    best: dict[str, tuple[bool, float, str]] = {}
    for line, k, mat in d.recipe_outputs:
        rank = (d.material_kind.get(mat) == "product", d.yield_[line, k, mat], mat)
        if line not in best or rank[:2] > best[line][:2]:
            best[line] = rank
    return {line: short(d.material_name.get(r[2], r[2])) for line, r in best.items()}


def per_phrase(d: ChainData, lang: str) -> str:
    one_year = len(d.periods) == 1 and d.period_years[d.periods[0]] == 1
    return tr("per_year" if one_year else "per_year_discounted", lang)


def headline(d: ChainData, res: ChainResults, lang: str) -> str:
    """'Build 25 of 36 candidate lines at 2 sites. Net value 14.60 M USD per year, 546
    jobs. 41.4 kt of feedstock processed: ... 10.2 kt of it is recovered waste.'"""
    k = res.kpis
    cur = d.currency
    net = fmt.money(float(k["net_value"]), cur, lang)
    per = per_phrase(d, lang)
    built, cands, sites = int(k["lines_built"]), int(k["lines_candidates"]), int(
        k["sites_used"])
    if built == 0:
        return tr("summary.headline.no_lines", lang, net=net, per=per)
    parts = [
        tr("summary.headline.build", lang, built=built, candidates=cands, sites=sites,
           sites_word=_word(lang, "site", sites), candidates_word=_word(
               lang, "candidates", cands)),
        tr("summary.headline.value", lang, net=net, per=per,
           jobs=fmt.integer(float(k["jobs"]), lang)),
    ]
    feed = float(k["feedstock_tonnes"])
    if feed > 0:
        bought = res.purchases[res.purchases.period == d.last_period]
        by_place = bought.groupby("location").tonnes.sum().sort_values(ascending=False)
        by_place = by_place[by_place > 0.5]
        pieces = [tr("summary.headline.feed_part", lang, tonnes=fmt.tonnes(t, lang),
                     place=short(d.place_name.get(str(n), str(n))))
                  for n, t in by_place.head(3).items()]
        if len(by_place) > 3:
            rest = float(by_place.iloc[3:].sum())
            pieces.append(tr("summary.headline.feed_part", lang, tonnes=fmt.tonnes(rest, lang),
                             place="…"))
        parts.append(tr("summary.headline.feed", lang, feed=fmt.tonnes(feed, lang),
                        parts="; ".join(pieces)))
        rec = float(k["recovered_tonnes"])
        if rec > 0:
            parts.append(tr("summary.headline.recovered", lang, rec=fmt.tonnes(rec, lang)))
    return " ".join(parts)


def status_words(solve: Any, settings: Any, lang: str) -> str:
    name = solve.status.name
    if name == "OPTIMAL":
        tol = getattr(settings, "mip_gap", 0.0) or 0.0
        return tr("status.words.optimal", lang, tol=fmt.percent(tol, lang, 2))
    if name == "FEASIBLE":
        if solve.gap is not None:
            return tr("status.words.feasible", lang, gap=fmt.percent(solve.gap, lang, 2))
        return tr("status.words.feasible_nogap", lang)
    return str(solve.describe())


def status_short(solve: Any, lang: str) -> str:
    name = solve.status.name
    if name == "OPTIMAL":
        return tr("solver.optimal", lang)
    if name == "FEASIBLE":
        return tr("solver.feasible", lang)
    return tr("solver.other", lang, status=solve.status.value)


# ---- limits -----------------------------------------------------------------------------

PER_UNIT_KINDS = ("feedstock", "offtake_min", "demand_max", "demand_min", "line_capacity",
                  "lane_capacity", "recovered_min", "local_share", "supply_group")


def _name(d: ChainData, place: str) -> str:
    return short(d.place_name.get(place, place))


def _mat(d: ChainData, mat: str) -> str:
    return short(d.material_name.get(mat, mat))


def _lines_list(text: object, lang: str) -> str:
    ids = [s for s in str(text or "").split(",") if s]
    return ", ".join(ids) if ids else tr("none", lang)


def limit_value_text(row: Any, d: ChainData, lang: str) -> str:
    """The value of one more unit (the sentence says which unit): '312 USD'."""
    return fmt.money(float(row.value), d.currency, lang)


def limit_amount(row: Any, d: ChainData, lang: str, which: str = "limit") -> str:
    value = float(getattr(row, which))
    if row.unit == "t":
        return fmt.tonnes(value, lang)
    if row.unit == "share":
        return fmt.percent(value, lang)
    if row.unit == "money":
        return fmt.money(value, d.currency, lang)
    return fmt.number(value, 0 if float(value).is_integer() else 1, lang) + (
        f" {row.unit}" if row.unit not in ("lines", "jobs", "") else "")


def limit_sentence(row: Any, d: ChainData, res: ChainResults, lang: str) -> str:
    """One binding limit in words, with its value at this plan for a unit looser and, where
    computed, a unit tighter (said apart when they differ: a tie)."""
    text = _limit_sentence(row, d, res, lang)
    return text + _two_sided_text(row, d, lang) if text else text


def _two_sided_text(row: Any, d: ChainData, lang: str) -> str:
    sides = str(getattr(row, "sides", "") or "")
    if row.kind not in PER_UNIT_KINDS:
        return ""
    if not sides:  # never state a one-sided value as two-sided (explain.py ran out of time)
        return tr("twosided.unchecked", lang)
    if sides == "no_tighter":
        return tr("twosided.no_tighter", lang)
    tighter = float(row.value_tighter)
    if sides == "same":
        return tr("twosided.same", lang, looser=fmt.tonnes(float(row.range_looser), lang),
                  tighter=fmt.tonnes(float(row.range_tighter), lang))
    key = "twosided.tie_zero" if float(row.value) <= 0.005 else "twosided.tie"
    return tr(key, lang, value=fmt.money(tighter, d.currency, lang))


def _limit_sentence(row: Any, d: ChainData, res: ChainResults, lang: str) -> str:
    """One binding limit in words, with its value at this plan."""
    kind = row.kind
    limit = limit_amount(row, d, lang)
    used = limit_amount(row, d, lang, "used")
    if kind in PER_UNIT_KINDS:
        value = limit_value_text(row, d, lang)
    if kind == "feedstock" or kind == "offtake_min":
        return tr(f"limit.{kind}", lang, what=_mat(d, row.detail), source=row.item,
                  limit=limit, value=value)
    if kind in ("demand_max", "demand_min"):
        return tr(f"limit.{kind}", lang, market=_name(d, row.item),
                  product=_mat(d, row.detail), limit=limit, value=value)
    if kind == "line_capacity":
        return tr("limit.line_capacity", lang, line=row.item,
                  tech=main_products(d).get(row.item, d.line_technology.get(row.item, "")),
                  site=row.detail, limit=limit, value=value)
    if kind == "lane_capacity":
        a = row.item
        return tr("limit.lane_capacity", lang, lane=a,
                  origin=_name(d, d.lane_origin.get(a, "")),
                  destination=_name(d, d.lane_destination.get(a, "")), limit=limit,
                  value=value)
    if kind in ("recovered_min", "local_share"):
        return tr(f"limit.{kind}", lang, limit=limit, value=value)
    if kind == "supply_group":
        return tr("limit.supply_group", lang, group=row.item,
                  offers=", ".join(str(row.detail).split(",")), limit=limit, value=value)
    if kind == "group":
        members = [ln for ln in d.lines if d.line_group.get(ln) == row.item]
        lp = res.line_periods
        built = [ln for ln in members if bool(lp[(lp.line == ln)
                                               & (lp.period == d.last_period)].open.any())]
        others = [ln for ln in members if ln not in built]
        return tr("limit.group", lang, group=row.item, built=", ".join(built) or "–",
                  lines=", ".join(others) or tr("none", lang))
    if kind == "site_lines":
        return tr("limit.site_lines", lang, limit=limit, site=row.item,
                  lines=_lines_list(row.detail, lang))
    if kind == "resource":
        site, _, resource = str(row.item).partition("/")
        return tr("limit.resource", lang, resource=resource, site=site, used=used,
                  limit=limit, lines=_lines_list(row.detail, lang))
    if kind == "budget_total":
        return tr("limit.budget_total", lang, limit=limit, used=used,
                  lines=_lines_list(row.detail, lang))
    if kind == "budget_period":
        return tr("limit.budget_period", lang, limit=limit, used=used, period=row.period,
                  lines=_lines_list(row.detail, lang))
    if kind in ("jobs_min", "lines_min"):
        return tr(f"limit.{kind}", lang, limit=limit, used=used)
    return ""


def marginal_explanation(row: Any, d: ChainData, res: ChainResults, lang: str) -> str:
    """The Explanation column of the Marginal values sheet."""
    if bool(row.binding):
        text = limit_sentence(row, d, res, lang)
        if text:
            return text
    if row.kind == "group":
        return tr("marginal.group_free", lang, group=row.item, used=fmt.integer(
            float(row.used), lang))
    key = "marginal.slack_min" if row.sense == "min" else "marginal.slack"
    return tr(key, lang, used=limit_amount(row, d, lang, "used"),
              limit=limit_amount(row, d, lang))


def binding_limits(d: ChainData, res: ChainResults, lang: str,
                   most: int = MAX_LIMIT_SENTENCES) -> list[str]:
    """The binding limits that matter most, in words.

    Ranked by what loosening each by 10 % would add at this plan (value per unit x 10 %
    of the limit); the strongest limit of each kind comes first so that one kind does not
    crowd out the others. Build limits (groups, slots, budgets) follow when they keep a
    line out; then the closest line not built.
    """
    mv = res.marginal
    if mv is None or mv.empty:
        return []
    per_unit = mv[mv.kind.isin(PER_UNIT_KINDS) & mv.binding.astype(bool)].copy()
    per_unit = per_unit[per_unit.period == d.last_period]
    per_unit["value"] = per_unit["value"].astype(float)
    # a tie (nothing for a unit looser, a loss for a unit tighter) still limits the plan
    tighter = per_unit["value_tighter"].astype(float).fillna(0.0) \
        if "value_tighter" in per_unit else 0.0 * per_unit.value
    strength = pd.concat([per_unit.value, tighter], axis=1).max(axis=1)
    per_unit = per_unit[strength > 0.005]
    strength = strength[per_unit.index]
    scale = per_unit.limit.astype(float).abs()
    scale = scale.where(per_unit.kind != "local_share", 10.0)  # ten points for a share
    per_unit["impact"] = strength * 0.1 * scale
    per_unit = per_unit.sort_values("impact", ascending=False)
    per_unit = per_unit.groupby("kind", sort=False).head(3)  # at most three of a kind
    first = per_unit.drop_duplicates("kind")
    ordered = pd.concat([first, per_unit.drop(first.index)])
    chosen = list(itertuples(ordered.head(most)))
    chosen.sort(key=lambda r: -float(r.impact))
    sentences = [limit_sentence(r, d, res, lang) for r in chosen]
    build = mv[mv.kind.isin(("site_lines", "resource", "budget_total", "budget_period",
                             "jobs_min", "lines_min")) & mv.binding.astype(bool)]
    build = build[(build.period == d.last_period) | (build.period == "")]
    for r in itertuples(build):
        if r.kind in ("jobs_min", "lines_min") or str(r.detail):
            sentences.append(limit_sentence(r, d, res, lang))
    from optimizer.shared_limits import shared_limit_sentences

    sentences += shared_limit_sentences(d, res, lang)  # what shared limits cost each chain
    closest = closest_line(d, res, lang)
    if closest:
        sentences.append(closest)
    return sentences


def closest_line(d: ChainData, res: ChainResults, lang: str) -> str:
    """The line not built whose best plan (re-planned, exact) loses least; nothing when no
    such figure was computed in time (a held-plan figure is only a bound)."""
    lines = res.lines
    if "replan_change" not in lines:
        return ""
    # a line the held plan could not run but the re-plan could counts too: its figure
    # is the re-plan's
    cand = lines[~lines.built.astype(bool) & lines.replan_change.notna()
                 & lines.replan_exact.astype(bool)]
    if cand.empty:
        return ""
    best = cand.loc[cand.replan_change.astype(float).idxmax()]
    loss = -float(best.replan_change)
    if loss <= 0:
        return ""
    value = fmt.money(loss, d.currency, lang)
    line = str(best.line)
    common = {"line": line, "tech": main_products(d).get(line, d.line_technology.get(line, "")),
              "site": d.line_site.get(line, ""), "value": value}
    other = str(best.swap_with or "")
    if other and d.line_group.get(other) and d.line_group.get(other) == d.line_group.get(line):
        text = tr("limit.closest", lang, other=other, **common)  # the group forces the swap
    else:
        text = tr("limit.closest_add", lang, **common)
    # the next few, already computed (each is the best plan that includes that line)
    rest = cand[cand.line != line].sort_values("replan_change", ascending=False).head(3)
    items = [f"{r.line} ({fmt.money(float(r.replan_change), d.currency, lang)})"
             for r in itertuples(rest) if float(r.replan_change) < 0]
    if items:
        text += " " + tr("limit.next_closest", lang, items=", ".join(items))
    return text


# ---- lines --------------------------------------------------------------------------------

def _why(code: str, lang: str) -> str:
    kind, _, arg = code.partition(":")
    if kind == "group":
        return tr("why.group", lang, group=arg)
    if kind == "site_lines":
        return tr("why.site_lines", lang, site=arg)
    if kind == "resource":
        site, _, resource = arg.partition("/")
        return tr("why.resource", lang, site=site, resource=resource)
    if kind == "budget_period":
        return tr("why.budget_period", lang, period=arg)
    return tr("why.budget_total", lang)


def _number(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


# the sentences that state a bound ("at most") where a re-planned figure would be exact
AT_MOST = frozenset({"entry.closed_replan_bound", "entry.closed_held_bound",
                     "entry.added_bound"})

Sentence = tuple[str, dict[str, object]]  # an i18n key ("" for none) and its values


def entry_text(row: Any, d: ChainData, lang: str) -> str:
    """What it would take for a line to enter (or leave) the plan, in words.

    Every candidate line gets a sentence: the re-planned figure where one was computed
    (whatever the held-plan step found), else the held-plan figure as a bound, else what
    was proven (needed, no plan with it, blocked), else that the explanations' time ran
    out before the line was reached."""
    key, values = _entry(row, d, lang)
    return tr(key, lang, **values) if key else ""


def entry_key(row: Any, d: ChainData) -> str:
    """Which sentence ``entry_text`` gives the line (its i18n key; "" for none)."""
    return _entry(row, d, DEFAULT_LANG)[0]


def at_most_count(d: ChainData, res: ChainResults) -> int:
    """How many lines' sentences state a bound ("at most") instead of an exact figure."""
    return sum(entry_key(row, d) in AT_MOST for row in itertuples(res.lines))


def _entry(row: Any, d: ChainData, lang: str) -> Sentence:
    status = getattr(row, "status", "candidate")
    if status == "excluded":
        return "entry.excluded", {}
    if status == "existing":
        return "entry.existing", {}
    state = str(getattr(row, "entry_status", "") or "")
    if not state:  # no explanation computed (the LP at the plan did not solve)
        return "", {}
    if state == "no_outlet":
        return "entry.no_outlet", {"materials": str(getattr(row, "no_outlet", ""))}
    if bool(getattr(row, "built", False)):
        return _built_sentence(row, state, d.currency, lang)
    return _unbuilt_sentence(row, state, d, lang)


def _built_sentence(row: Any, state: str, cur: str, lang: str) -> Sentence:
    """A built line: what closing it would cost."""
    replan = _number(getattr(row, "replan_change", None))
    exact = bool(getattr(row, "replan_exact", False))
    if state == "required":
        return ("entry.required" if exact else "entry.required_held"), {}
    if replan is not None:
        if replan > 0.5:
            return "entry.closed_replan_gain", {"value": fmt.money(replan, cur, lang)}
        key = "entry.closed_replan" if exact else "entry.closed_replan_bound"
        return key, {"value": fmt.money(-replan, cur, lang)}
    value = _number(getattr(row, "value_to_plan", None))
    if value is None:  # neither figure was reached in the time given
        return "entry.not_analysed", {}
    if value < -0.5:
        return "entry.closed_gain", {"value": fmt.money(abs(value), cur, lang)}
    return "entry.closed_held_bound", {"value": fmt.money(value, cur, lang)}


def _unbuilt_sentence(row: Any, state: str, d: ChainData, lang: str) -> Sentence:
    """A line not built: what a plan with it would be worth, or why there is none."""
    cur = d.currency
    replan = _number(getattr(row, "replan_change", None))
    exact = bool(getattr(row, "replan_exact", False))
    if state == "infeasible" and replan is None:
        # proven by the re-plan (no plan of the MILP has it), or only at the held plan
        return ("entry.infeasible_replan" if exact else "entry.infeasible"), {}
    if state == "blocked":
        why = "; ".join(_why(c, lang) for c in
                        str(getattr(row, "blocked_by", "") or "").split(";") if c)
        return "entry.blocked", {"why": why}
    fixed = d.cost_fixed.get(str(row.line), 0.0)
    held = _number(getattr(row, "change_if_built", None))
    change = replan if replan is not None else held
    if change is None:  # neither figure was reached in the time given
        return "entry.not_analysed", {}
    # Without the re-planned figure, the held-plan loss (other lines as planned) is an
    # upper bound on the loss of the best plan with the line: said as "at most".
    exact = exact and replan is not None
    loss = -change
    other = str(getattr(row, "swap_with", "") or "")
    swap = tr("entry.swap_note", lang, other=other) if state == "swapped" and other else ""
    values: dict[str, object] = {
        "value": fmt.money(abs(loss), cur, lang), "fixed": fmt.money(fixed, cur, lang),
        "newfixed": fmt.money(max(fixed - loss, 0.0), cur, lang), "swap": swap}
    if loss <= 0.5:
        return "entry.added_gain", values
    if not exact:
        return "entry.added_bound", values
    return ("entry.added_replan" if loss <= fixed else "entry.added_replan_margin"), values
