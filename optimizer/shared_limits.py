"""What the shared limits cost each chain, and what lifting a supply group's cap is worth.

**Chains.** A workbook may hold several production chains that share sites, a capex
budget, the SME-cluster rule or lanes (the cluster workbook holds polymer, steel and
aluminium). A chain is found from the data alone: lines and materials linked by recipes
(a line is linked to every material its recipes take or make) form a graph, and each
connected component with at least one line is a chain. Chains are numbered in the order
of their first line on the Lines sheet and named by their main products.

**A chain's value** is its part of the plan's net value: every term of the objective
(sales, purchases, transport, disposal, line costs, the optional economics) belongs to
the chain of the line, offer or material it is indexed by; what belongs to none (a
constant, a material no line uses) is reported as "outside any chain".

**What a shared limit costs a chain** is the change in that chain's value when the limit
is lifted for everyone and the whole plan is solved again: the edit the Shared limits
sheet names (a Policy row set to active = no, a cell cleared) and a re-run give the
same figure, within the solver's MIP gap. A limit is *shared* when lines or materials of
at least two chains count against it, and *binding* as the Marginal values sheet says.
The last row lifts every binding shared limit at once. A supply group's cap is lifted
the same way whenever it is full (one chain or many): issue 8's "what the cap costs".

Every re-solve is a full MILP with the run's settings, within ``SHARED_SECONDS`` and
what is left of the run's time limit; limits not reached are listed as not computed.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyomo.core as pyo
from pyomo.repn.standard_repn import generate_standard_repn
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from models.chain.data import ChainData
from models.chain.results import ChainResults

log = logging.getLogger(__name__)

SHARED_SECONDS = 120.0  # at most this long for all lifted re-solves of one run
OUTSIDE = 0  # chain number of what belongs to no chain
LIFT_KINDS = ("budget_total", "budget_period", "site_lines", "resource", "lines_min",
              "jobs_min", "local_share", "recovered_min", "lane_capacity", "supply_group")
ALL = "all"  # the kind of the row that lifts every binding shared limit at once
CHAIN_COLUMNS = ["chain", "name", "lines", "lines_built", "net_value"]
COST_COLUMNS = ["kind", "item", "period", "chain", "name", "chain_value", "lifted_value",
                "change", "total_change", "exact", "status"]


# ---- chains ---------------------------------------------------------------------------------

def find_chains(d: ChainData) -> dict[str, int]:
    """Line and material IDs -> chain number (1, 2, ...); keys are ("L", id) and
    ("M", id) flattened as "L:id" and "M:id" so that a line and a material may share an
    ID. Materials no line takes or makes are left out (they belong to no chain)."""
    nodes: dict[str, int] = {}

    def node(key: str) -> int:
        return nodes.setdefault(key, len(nodes))

    for line in d.lines:
        node(f"L:{line}")
    rows, cols = [], []
    for line, _k, mat in (*d.recipe_inputs, *d.recipe_outputs):
        rows.append(node(f"L:{line}"))
        cols.append(node(f"M:{mat}"))
    n = len(nodes)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _count, label = connected_components(graph, directed=False)
    number: dict[int, int] = {}
    for line in d.lines:  # numbered in the order of the Lines sheet
        number.setdefault(int(label[nodes[f"L:{line}"]]), len(number) + 1)
    return {key: number[int(label[i])] for key, i in nodes.items()
            if int(label[i]) in number}


def chain_names(d: ChainData, chains: dict[str, int]) -> dict[int, str]:
    """Each chain named by the main products of its two largest lines' kinds: 'Rebar,
    Wire rod'. Readers know chains by what they make."""
    from optimizer.report.story import main_products

    products = main_products(d)
    size: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line in d.lines:
        c = chains.get(f"L:{line}")
        if c is not None:
            size[c][products.get(line, line)] += d.capacity[line]
    names = {}
    for c, by_product in size.items():
        top = sorted(by_product.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        names[c] = ", ".join(p for p, _ in top)
    return names


def _owner(d: ChainData, chains: dict[str, int], index: Any) -> int:
    """The chain of one variable index: its line, else its offer's material, else its
    material; OUTSIDE when none."""
    keys = index if isinstance(index, tuple) else (index,)
    for k in keys:
        c = chains.get(f"L:{k}")
        if c is not None:
            return c
    for k in keys:
        mat = d.source_material.get(str(k)) if isinstance(k, str) else None
        if mat is not None:
            return chains.get(f"M:{mat}", OUTSIDE)
    for k in keys:
        c = chains.get(f"M:{k}")
        if c is not None:
            return c
    return OUTSIDE


def chain_values(m: pyo.ConcreteModel, d: ChainData, chains: dict[str, int]) -> dict[int, float]:
    """The objective (net value) split by chain, at the model's current variable values."""
    repn = generate_standard_repn(m.net_value.expr, compute_values=True, quadratic=False)
    values: dict[int, float] = defaultdict(float)
    values[OUTSIDE] += float(pyo.value(repn.constant))
    for coef, var in zip(repn.linear_coefs, repn.linear_vars, strict=True):
        x = var.value
        if x is None or coef == 0:
            continue
        values[_owner(d, chains, var.index())] += float(coef) * float(x)
    return dict(values)


# ---- which limits, and how each is lifted ----------------------------------------------------

@dataclass(frozen=True)
class Lift:
    kind: str
    item: str
    period: str

    def apply(self, d: ChainData) -> ChainData:
        """The data as the workbook edit of ``edit_words`` gives them."""
        return lift_data(d, [self])


def lift_data(d: ChainData, lifts: list[Lift]) -> ChainData:
    changes: dict[str, Any] = {}
    for lift in lifts:
        k, item = lift.kind, lift.item
        if k == "budget_total":
            changes["budget_total"] = None
        elif k == "budget_period":
            changes["budget_period"] = {}
        elif k == "site_lines":
            changes["site_lines_max"] = {s: v for s, v in changes.get(
                "site_lines_max", d.site_lines_max).items() if s != item}
        elif k == "resource":
            site, _, res = item.partition("/")
            changes["site_resources"] = tuple(sr for sr in changes.get(
                "site_resources", d.site_resources) if sr != (site, res))
        elif k in ("lines_min", "jobs_min", "local_share", "recovered_min"):
            field = "local_share_min" if k == "local_share" else k
            changes[field] = {}
        elif k == "lane_capacity":
            changes["lane_capacity"] = {a: (None if a == item else v) for a, v in changes.get(
                "lane_capacity", d.lane_capacity).items()}
        elif k == "supply_group":
            changes["supply_group_max"] = {
                (g, q): (None if g == item else v) for (g, q), v in changes.get(
                    "supply_group_max", d.supply_group_max).items()}
    return dataclasses.replace(d, **changes)


def _limit_chains(d: ChainData, chains: dict[str, int], r: Any) -> set[int]:
    """The chains whose lines or materials count against marginal row ``r``."""
    def of_lines(lines: Any) -> set[int]:
        return {chains[f"L:{ln}"] for ln in lines if f"L:{ln}" in chains}

    def of_materials(mats: Any) -> set[int]:
        return {chains[f"M:{mt}"] for mt in mats if f"M:{mt}" in chains}

    kind = r.kind
    if kind in ("budget_total", "budget_period"):
        return of_lines({ln for ln, _p in d.build_options})
    if kind == "site_lines":
        return of_lines(ln for ln in d.lines if d.line_site[ln] == r.item)
    if kind == "resource":
        site, _, res = str(r.item).partition("/")
        return of_lines(ln for ln in d.lines if d.line_site[ln] == site
                        and d.resource_use.get((ln, res), 0.0) > 0)
    if kind in ("lines_min", "jobs_min"):
        return of_lines(d.lines)
    if kind == "local_share":
        return of_materials(d.source_material.values())
    if kind == "recovered_min":
        return of_materials(d.recovered)
    if kind == "lane_capacity":
        return of_materials(mat for a, mat in d.lane_flows if a == r.item)
    if kind == "supply_group":
        return of_materials(d.source_material[o] for o in d.supply_group_members.get(
            str(r.item), ()))
    return set()


def limits_to_lift(d: ChainData, res: ChainResults, chains: dict[str, int]) -> list[Lift]:
    """Binding limits shared by two chains or more, then full supply-group caps."""
    mv = res.marginal
    if mv is None or mv.empty:
        return []
    n_chains = len(set(chains.values()))
    out: list[Lift] = []
    seen: set[tuple[str, str]] = set()
    for r in mv.itertuples(index=False):
        if r.kind not in LIFT_KINDS:
            continue
        key = (str(r.kind), str(r.item))
        if key in seen:
            continue
        full = bool(r.binding)
        if r.kind == "supply_group":  # a full cap may keep lines out without a dual
            full = full or float(r.used) >= float(r.limit) * 0.99 - 1e-6
            wanted = full
        else:
            wanted = full and n_chains >= 2 and len(_limit_chains(d, chains, r)) >= 2
        if wanted:
            seen.add(key)
            period = "" if r.kind in ("budget_period", "lines_min", "jobs_min", "local_share",
                                      "recovered_min", "supply_group", "site_lines",
                                      "resource", "lane_capacity") else str(r.period)
            out.append(Lift(str(r.kind), str(r.item), period))
    return out


# ---- the re-solves ---------------------------------------------------------------------------

def _start_from(new: pyo.ConcreteModel, old: pyo.ConcreteModel) -> None:
    """The plan as the lifted model's starting point: lifting a limit keeps it feasible,
    so HiGHS starts from an incumbent as good as the plan (a warm start, not a bound)."""
    for var in old.component_objects(pyo.Var, descend_into=True):
        twin = getattr(new, var.local_name, None)
        if twin is None:
            continue
        for index, data in var.items():
            if data.value is not None and index in twin:
                twin[index].set_value(data.value, skip_validation=True)


def explain_shared_limits(m: pyo.ConcreteModel, d: ChainData, res: ChainResults,
                          settings: Any, time_budget: float,
                          cap: float = SHARED_SECONDS) -> ChainResults:
    """Fill ``res.chains`` (each chain's lines and value in the plan) and
    ``res.shared_limits`` (per lifted limit and chain: the chain's value with the limit
    lifted, and the change). Re-solves stop at the budget; the rest are "not_computed"."""
    from models.chain.formulation import build_model
    from optimizer.solve import SolveStatus, solve_model

    started = time.perf_counter()
    chains = find_chains(d)
    names = chain_names(d, chains)
    lifts = limits_to_lift(d, res, chains)
    if len(names) < 2 and not lifts:
        # one chain and nothing to lift: no sheet, no sentence; the chain is the plan (a
        # large case should not pay for splitting its objective here)
        res.chains = pd.DataFrame(
            [{"chain": c, "name": names[c], "lines": ",".join(d.lines),
              "lines_built": int(res.lines.built.astype(bool).sum()),
              "net_value": float(res.net_value)} for c in names], columns=CHAIN_COLUMNS)
        res.shared_limits = pd.DataFrame(columns=COST_COLUMNS)
        return res
    base = chain_values(m, d, chains)
    built = set(res.lines[res.lines.built.astype(bool)].line)
    rows = []
    for c in sorted(names):
        lines = [ln for ln in d.lines if chains.get(f"L:{ln}") == c]
        rows.append({"chain": c, "name": names[c], "lines": ",".join(lines),
                     "lines_built": sum(1 for ln in lines if ln in built),
                     "net_value": base.get(c, 0.0)})
    if abs(base.get(OUTSIDE, 0.0)) > 0.5:
        rows.append({"chain": OUTSIDE, "name": "", "lines": "", "lines_built": 0,
                     "net_value": base.get(OUTSIDE, 0.0)})
    res.chains = pd.DataFrame(rows, columns=CHAIN_COLUMNS)
    shared = [lf for lf in lifts if lf.kind != "supply_group"]
    runs: list[tuple[Lift, list[Lift]]] = [(lf, [lf]) for lf in lifts]
    if len(shared) >= 2:
        runs.append((Lift(ALL, "", ""), shared))
    out: list[dict[str, object]] = []
    total_base = sum(base.values())
    # the row lifting everything starts from the best plan of the single lifts: each is
    # feasible there too (it lifts more), and a better incumbent shortens the search
    start, best = m, float(sum(base.values()))
    for label, group in runs:
        left = min(cap, time_budget) - (time.perf_counter() - started)
        status, values = "not_computed", None
        if left >= 2.0:
            lifted = lift_data(d, group)
            model = build_model(lifted)
            _start_from(model, start if label.kind == ALL else m)
            limited = dataclasses.replace(settings, time_limit=min(
                float(settings.time_limit), left), warm_start=True)
            solved = solve_model(model, limited)
            if solved.status.has_plan:
                values = chain_values(model, lifted, chains)
                status = "optimal" if solved.status is SolveStatus.OPTIMAL else "feasible"
                if label.kind != "supply_group" and sum(values.values()) > best:
                    start, best = model, sum(values.values())
            else:
                status = solved.status.value
            del model
        total = None if values is None else sum(values.values()) - total_base
        for c in [*sorted(names), OUTSIDE]:
            before = base.get(c, 0.0)
            after = None if values is None else values.get(c, 0.0)
            if c == OUTSIDE and abs(before) <= 0.5 and (after is None or abs(after) <= 0.5):
                continue
            # to the cent: the sums of many terms leave noise of 1e-8 behind
            out.append({"kind": label.kind, "item": label.item, "period": label.period,
                        "chain": c, "name": names.get(c, ""), "chain_value": round(before, 2),
                        "lifted_value": None if after is None else round(after, 2),
                        "change": None if after is None else round(after - before, 2),
                        "total_change": None if total is None else round(total, 2),
                        "exact": status == "optimal", "status": status})
    res.shared_limits = pd.DataFrame(out, columns=COST_COLUMNS)
    log.info("shared limits: %d re-solves in %.1f s", len(runs), time.perf_counter() - started)
    return res


# ---- words and the sheet ---------------------------------------------------------------------

def _signed(value: float, currency: str, lang: str) -> str:
    from optimizer.report import numbers as fmt

    text = fmt.money(abs(value), currency, lang)
    return ("+" if value >= 0 else "−") + text


def _what(kind: str, item: str, lang: str) -> str:
    from optimizer.report.i18n import tr

    return tr(f"shared.what.{kind}", lang, item=item)


def chain_label(chain: int, name: str, lang: str) -> str:
    from optimizer.report.i18n import tr

    if chain == OUTSIDE:
        return tr("shared.outside", lang)
    return f"{tr('col.chain', lang).lower()} {chain} ({name})"


def shared_limit_sentences(d: ChainData, res: ChainResults, lang: str) -> list[str]:
    """One sentence per lifted limit: the whole plan's change and each chain's share
    (chains whose share rounds to nothing are left out)."""
    from optimizer.report.i18n import tr

    table = res.shared_limits
    if table is None or table.empty:
        return []
    out = []
    for (kind, item), rows in table.groupby(["kind", "item"], sort=False):
        what = _what(str(kind), str(item), lang)
        first = rows.iloc[0]
        if first.status not in ("optimal", "feasible"):
            out.append(tr("shared.not_computed", lang, what=what))
            continue
        total = _signed(float(first.total_change), d.currency, lang)
        parts = [tr("shared.part", lang, name=chain_label(int(r.chain), str(r.name), lang),
                    change=_signed(float(r.change), d.currency, lang))
                 for r in rows.itertuples(index=False) if abs(float(r.change)) >= 0.5]
        several = rows.chain.nunique() > 1
        text = tr("shared.sentence" if several and parts else "shared.sentence_one", lang,
                  what=what, total=total, parts="; ".join(parts))
        if first.status != "optimal":
            text = text[:-1] + tr("shared.at_least", lang) + "."
        out.append(text)
    return out


def write_shared_limits(w: Any, outcome: Any) -> None:
    """The Shared limits sheet: the chains, then what lifting each limit changes for each
    chain. Only when something was lifted (or the case holds several chains)."""
    from optimizer.excel.write import Col  # write.py calls this function

    res = outcome.results
    chains, costs = res.chains, res.shared_limits
    if chains is None or (len(chains) < 2 and (costs is None or costs.empty)):
        return
    lang = w.lang
    ws = w.sheet("sheet.shared_limits")
    w.intro(ws, w.tr("shared.intro"), 6, height=75)
    w.text(ws, 2, 0, w.tr("shared.chains_title"), "section")
    chain_cols = [Col("chain", w.tr("col.chain"), "int", 10),
                  Col("name", w.tr("col.chain_name"), "wrap", 40),
                  Col("lines", w.tr("col.lines_in_chain"), "wrap", 40),
                  Col("lines_built", w.tr("col.lines_built"), "int", 12),
                  Col("net_value", w.tr("col.value_in_plan"), "money", 18)]
    w.header(ws, 3, chain_cols, widths=False)
    records = [dict(r, name=str(r["name"]) or w.tr("shared.outside"),
                    lines=str(r["lines"]).replace(",", ", "))
               for r in chains.to_dict("records")]
    row = w.rows(ws, 4, records, chain_cols) + 1
    if costs is not None and not costs.empty:
        w.text(ws, row, 0, w.tr("shared.costs_title"), "section")
        cols = [Col("what", w.tr("col.lifted_limit"), "wrap", 40),
                Col("chain", w.tr("col.chain"), "wrap", 40),
                Col("chain_value", w.tr("col.value_in_plan"), "money", 18),
                Col("lifted_value", w.tr("col.value_lifted"), "money", 18),
                Col("change", w.tr("col.change"), "money", 14),
                Col("total_change", w.tr("col.change_plan"), "money", 18),
                Col("status", w.tr("col.status"), "text", 14)]
        w.header(ws, row + 1, cols, widths=False)
        recs = [{"what": _what(str(r["kind"]), str(r["item"]), lang),
                 "chain": chain_label(int(r["chain"]), str(r["name"]), lang),
                 "chain_value": r["chain_value"], "lifted_value": r["lifted_value"],
                 "change": r["change"], "total_change": r["total_change"],
                 "status": r["status"]} for r in costs.to_dict("records")]
        w.rows(ws, row + 2, recs, cols)
    for j, width in enumerate((40, 40, 40, 18, 18, 18, 14)):
        ws.set_column(j, j, width)
