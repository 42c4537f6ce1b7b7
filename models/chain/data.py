"""Validated tables -> ChainData: the frozen sets and parameters the model builder takes.

`load_data` applies the cross-sheet rules of the chain model (recipes resolve to lines,
lanes have a cost, periods expand, ...) and collects every problem. The model builder
never sees a file, a DataFrame or an invalid value.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models.chain.schema import SETTINGS, SHEETS, Column, Setting
from models.chain.supply_groups import supply_group_fields
from models.chain.validate import check_data, check_tables
from models.validation.hints import did_you_mean
from models.validation.issues import IssueList
from models.validation.raw import RawWorkbook
from models.validation.tables import (
    INVALID,
    Row,
    Table,
    check_references,
    match_sheets,
    parse_cell,
    parse_table,
)
from models.validation.version import check_version

Key2 = tuple[str, str]
Key3 = tuple[str, str, str]


@dataclass(frozen=True)
class ChainData:
    """Sets (tuples of keys, sparse) and parameters (dicts over those keys)."""

    # settings
    case_name: str
    currency: str
    discount_rate: float
    time_limit: float
    mip_gap: float
    threads: int
    # periods
    periods: tuple[str, ...]
    period_years: dict[str, int]
    period_weight: dict[str, float]
    # materials
    materials: tuple[str, ...]
    material_name: dict[str, str]
    material_kind: dict[str, str]
    volume_factor: dict[str, float]
    disposal_cost: dict[str, float]
    recovered: frozenset[str]
    # places
    sites: tuple[str, ...]
    locations: tuple[str, ...]  # sites and other locations
    place_name: dict[str, str]
    coordinates: dict[str, tuple[float, float]]
    site_lines_max: dict[str, int]
    site_resources: tuple[Key2, ...]
    resource_available: dict[Key2, float]
    resource_unit: dict[Key2, str]
    resource_use: dict[Key2, float]  # (line, resource)
    # sources
    sources: tuple[str, ...]
    source_material: dict[str, str]
    source_location: dict[str, str]
    source_local: dict[str, bool]
    source_periods: tuple[Key2, ...]
    availability: dict[Key2, float | None]
    offtake_min: dict[Key2, float]
    source_price: dict[Key2, float]
    # lines
    lines: tuple[str, ...]  # every line that is not excluded
    lines_excluded: tuple[str, ...]
    line_site: dict[str, str]
    line_technology: dict[str, str]
    capacity: dict[str, float]
    cost_fixed: dict[str, float]
    capex: dict[str, float]
    cost_variable: dict[str, float]
    utilisation_min: dict[str, float]
    jobs: dict[str, float]
    lines_existing: frozenset[str]
    line_group: dict[str, str]
    groups: tuple[str, ...]
    build_options: tuple[Key2, ...]  # (candidate line, period it may be built in)
    # recipes (operating modes k of line l)
    line_recipes: tuple[Key2, ...]
    recipe_inputs: tuple[Key3, ...]
    share_min: dict[Key3, float]
    share_max: dict[Key3, float]
    input_bound: dict[Key3, float]  # tightest valid bound on the input flow of a built line
    recipe_outputs: tuple[Key3, ...]
    yield_: dict[Key3, float]
    share_groups: tuple[Key3, ...]
    group_members: dict[Key3, tuple[str, ...]]
    group_share_min: dict[Key3, float]
    group_share_max: dict[Key3, float]
    # markets
    markets: tuple[Key3, ...]  # (place, material, period)
    price: dict[Key3, float]
    sales_min: dict[Key3, float]
    sales_max: dict[Key3, float | None]
    # transport
    lanes: tuple[str, ...]
    lane_origin: dict[str, str]
    lane_destination: dict[str, str]
    lane_mode: dict[str, str]
    lane_capacity: dict[str, float | None]
    lane_freight: dict[str, float]  # per tonne of pellet-density goods
    lane_surcharge: dict[str, float]
    lane_material: dict[str, str]  # "" = any material
    lane_flows: tuple[Key2, ...]  # (lane, material) pairs that can carry something useful
    lane_cost: dict[Key2, float]  # per tonne, volume factor and surcharge applied
    # disposal of residues where they arise
    disposals: tuple[Key2, ...]  # (site, material)
    # policy
    budget_total: float | None
    budget_period: dict[str, float]
    lines_min: dict[str, float]
    jobs_min: dict[str, float]
    recovered_min: dict[str, float]
    local_share_min: dict[str, float]
    # node-material pairs that get a balance
    balances: tuple[Key2, ...] = field(default=())
    # the validated input rows by sheet (with their Excel row numbers): the independent
    # checker recomputes from these, and diagnoses name the rows they suggest changing
    tables: Mapping[str, Table] = field(default_factory=dict, compare=False, repr=False)
    # optional economics (models/chain/econ.py); empty means the feature is not used
    carbon_price: float = 0.0
    ramp_tables: dict[str, tuple[float, ...]] = field(default_factory=dict)  # tech -> U(y)
    ramp_factor: dict[Key3, float] = field(default_factory=dict)  # (line, built in, period)
    ramp_lines: tuple[str, ...] = ()
    price_tiers: dict[Key3, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    tier_index: tuple[tuple[str, str, str, int], ...] = ()
    loss_name: dict[Key2, str] = field(default_factory=dict)  # (line, recipe)
    loss_rate: dict[Key2, float] = field(default_factory=dict)  # 1 - sum of yields, > 0
    site_loss_cost: dict[str, float] = field(default_factory=dict)
    co2_input: dict[Key3, float] = field(default_factory=dict)  # (line, recipe, input)
    lane_co2_per_t: dict[str, float] = field(default_factory=dict)
    lane_co2_per_tkm: dict[str, float] = field(default_factory=dict)
    lane_distance: dict[str, float] = field(default_factory=dict)
    lane_co2: dict[str, float] = field(default_factory=dict)  # t CO2 per t carried
    cluster_sites: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lane_carries: dict[str, frozenset[str]] = field(default_factory=dict)  # LaneMaterials
    output_bound: dict[tuple[str, str, str], float] = field(default_factory=dict)  # (l, m, p)
    financing_rate: float = 0.0
    stock_days: dict[str, float] = field(default_factory=dict)  # material -> days
    receivable_days: dict[str, float] = field(default_factory=dict)
    duty: dict[Key2, float] = field(default_factory=dict)  # (offer, period) -> share of price
    incentive: dict[str, float] = field(default_factory=dict)  # material -> per t processed
    cluster_lines_min: dict[Key2, float] = field(default_factory=dict)  # (cluster, period)
    cluster_jobs_min: dict[Key2, float] = field(default_factory=dict)
    cluster_recovered_min: dict[Key2, float] = field(default_factory=dict)
    cluster_local_share_min: dict[Key2, float] = field(default_factory=dict)
    source_cluster: dict[str, str] = field(default_factory=dict)  # offer -> cluster
    # supply groups (models/chain/supply_groups.py): (group, period) with a joint limit
    supply_groups: tuple[Key2, ...] = field(default=())
    supply_group_members: dict[str, tuple[str, ...]] = field(default_factory=dict)
    supply_group_min: dict[Key2, float] = field(default_factory=dict)
    supply_group_max: dict[Key2, float | None] = field(default_factory=dict)
    # market IDs (Markets.market_id): market key -> its place, only for markets with an ID
    # (a market without one is keyed by its place)
    market_place: dict[str, str] = field(default_factory=dict)
    # profit tax (models/chain/profit_tax.py): rate, and per period the discounted weight
    # of its years that carry the tax after relief (w_p when there is no relief)
    profit_tax_rate: float = 0.0
    profit_tax_weight: dict[str, float] = field(default_factory=dict)

    @property
    def last_period(self) -> str:
        return self.periods[-1]

    def place_of(self, market: str) -> str:
        """The place of a market key: the market itself unless it is a Markets.market_id."""
        return self.market_place.get(market, market)


def market_key(row: Row) -> str:
    """The key of a Markets (or PriceTiers) row: its market_id, else its place."""
    ident = row.values.get("market_id")
    return str(ident) if ident is not None else str(row["market"])


def load_data(raw: RawWorkbook, issues: IssueList) -> ChainData | None:
    """Every check of the chain model; ChainData only when there is no error.

    Order: template version (migrating an older workbook), sheets and columns, cells,
    references, then the model's own rules (models/chain/validate.py: recipes, lines and
    sites, plausibility), the cross-sheet build below, and, on a workbook without errors,
    reachability and pre-solve feasibility.
    """
    issues.sheet_order = tuple(s.name for s in sorted(SHEETS, key=lambda s: s.fill_order))
    current = check_version(raw, issues)
    if current is None:
        return None
    found = match_sheets(current, SHEETS, issues)
    tables = {s.name: parse_table(found[s.name], s, issues, current) for s in SHEETS}
    settings = _settings(tables["Settings"], issues)
    tables = check_references(tables, issues)
    check_tables(tables, issues, currency=str(settings["currency"]))
    try:
        data = _Builder(tables, settings, issues).build()
    except Exception:
        if issues.has_errors:
            return None  # a consequence of an error already reported; never a traceback
        raise  # a bug: the caller reports it as an internal error
    if data is None or issues.has_errors:
        return None
    import dataclasses

    data = dataclasses.replace(data, tables=tables)
    check_data(tables, data, issues)
    return data


def _settings(table: Table, issues: IssueList) -> dict[str, Any]:
    values: dict[str, object] = {s.name: s.default for s in SETTINGS}
    by_name: dict[str, Setting] = {s.name: s for s in SETTINGS}
    for row in table.rows:
        name = str(row["setting"])
        setting = by_name.get(name)
        if setting is None:
            continue  # parse_table already reported it as not allowed
        col = Column(name, setting.type, setting.description, unit=setting.unit,
                     default=setting.default, minimum=setting.minimum,
                     maximum=setting.maximum)
        where: dict[str, object] = {"sheet": "Settings", "row": row.excel_row,
                                    "column": "value",
                                    "column_index": table.column_index("value")}
        parsed = parse_cell(row.values["value"], col, issues, where)  # type: ignore[arg-type]
        if parsed is not INVALID and name == "case_name" and not SAFE_NAME.match(str(parsed)):
            issues.error("case_name is used in the results file name, so it may only hold "
                         "letters, digits, spaces, '-', '_' and '.'.", value=parsed,
                         expected="a short name such as absheron-2025", **where)
            parsed = INVALID
        if parsed is not INVALID:
            values[name] = parsed
    return values


SAFE_NAME = re.compile(r"^(?!.*\.\.)[^\W_][\w .\-]{0,79}$")


def period_weights(periods: list[str], years: dict[str, int], rate: float) -> dict[str, float]:
    """w_p = sum over the years of p of (1+r)^-(years before)."""
    weights: dict[str, float] = {}
    elapsed = 0
    for p in periods:
        weights[p] = sum((1.0 + rate) ** -(elapsed + k) for k in range(years[p]))
        elapsed += years[p]
    return weights


class _Builder:
    """Cross-sheet rules, applied once each, in the order the sheets depend on each other."""

    def __init__(self, tables: Mapping[str, Table], settings: dict[str, object],
                 issues: IssueList) -> None:
        self.t = tables
        self.s = settings
        self.issues = issues
        self.reported: set[int] = set()  # RecipeGroups rows already reported
        self.broken_recipes = {str(r.values.get("applies_to")) for r in tables["Recipes"].dropped}

    def where(self, sheet: str, row: Row, column: str) -> dict[str, Any]:
        return {"sheet": sheet, "row": row.excel_row, "column": column,
                "column_index": self.t[sheet].column_index(column)}

    def build(self) -> ChainData | None:
        t = self.t
        periods = [str(r["period"]) for r in t["Periods"].rows]
        if t["Periods"].present and not periods and t["Periods"].complete:
            self.issues.error("There is no period.", sheet="Periods",
                              expected="at least one row, e.g. 2025")
        years = {str(r["period"]): int(r["years"]) for r in t["Periods"].rows}  # type: ignore[call-overload]
        rate = float(self.s["discount_rate"])  # type: ignore[arg-type]
        materials = [str(r["material"]) for r in t["Materials"].rows]
        mat = {str(r["material"]): r for r in t["Materials"].rows}
        sites = [str(r["site"]) for r in t["Sites"].rows]
        others = [str(r["location"]) for r in t["Locations"].rows]
        for r in t["Locations"].rows:
            if str(r["location"]) in sites:
                self.issues.error("This ID names both a site and a location.",
                                  value=r["location"], expected="an ID not used on Sites",
                                  hint="A site is already a place: delete this row, or "
                                  "give the location its own ID.",
                                  **self.where("Locations", r, "location"))
        coords: dict[str, tuple[float, float]] = {}
        names: dict[str, str] = {}
        for sheet, key in (("Sites", "site"), ("Locations", "location")):
            for r in t[sheet].rows:
                names[str(r[key])] = str(r["name"] or r[key])
                if r["latitude"] is not None and r["longitude"] is not None:
                    coords[str(r[key])] = (float(r["latitude"]), float(r["longitude"]))  # type: ignore[arg-type]
        lines = self._lines(periods)
        recipes = self._recipes(lines)
        sources = self._sources(periods)
        markets = self._markets(periods)
        lanes = self._lanes(mat)
        policy = self._policy(periods)
        resources = self._resources(lines)
        supply_groups = supply_group_fields(t, periods, self.issues, self.where)
        if self.issues.has_errors or not periods:
            return None
        data = ChainData(
            case_name=str(self.s["case_name"]),
            currency=str(self.s["currency"]),
            discount_rate=rate,
            time_limit=float(self.s["time_limit"]),  # type: ignore[arg-type]
            mip_gap=float(self.s["mip_gap"]),  # type: ignore[arg-type]
            threads=int(self.s["threads"]),  # type: ignore[call-overload]
            periods=tuple(periods),
            period_years=years,
            period_weight=period_weights(periods, years, rate),
            materials=tuple(materials),
            material_name={m: str(r["name"] or m) for m, r in mat.items()},
            material_kind={m: str(r["kind"]) for m, r in mat.items()},
            volume_factor={m: float(r["volume_factor"]) for m, r in mat.items()},  # type: ignore[arg-type]
            disposal_cost={m: float(r["disposal_cost"]) for m, r in mat.items()  # type: ignore[arg-type]
                           if r["disposal_cost"] is not None},
            recovered=frozenset(m for m, r in mat.items() if r["recovered"]),
            sites=tuple(sites),
            locations=tuple(sites + others),
            place_name=names,
            coordinates=coords,
            site_lines_max={str(r["site"]): int(r["lines_max"]) for r in t["Sites"].rows  # type: ignore[call-overload]
                            if r["lines_max"] is not None},
            **resources,
            **sources,
            **lines,
            **recipes,
            **markets,
            **lanes,
            **policy,
            **supply_groups,
            input_bound={},
            disposals=(),
        )
        from models.chain.econ import apply_economics  # econ imports ChainData's module
        data = apply_economics(self.t, self.s, _finish(data), self.issues, self.where)
        return None if self.issues.has_errors else data

    # --- sheets -------------------------------------------------------------------------

    def _lines(self, periods: list[str]) -> dict[str, Any]:
        rows = self.t["Lines"].rows
        kept = [r for r in rows if r["status"] != "excluded"]
        order = {p: i for i, p in enumerate(periods)}
        options: list[Key2] = []
        for r in kept:
            if r["status"] == "existing":
                if r["group"] is not None:
                    pass  # an existing line occupies its group; the group limit sees it
                continue
            first = order.get(str(r["period_earliest"]), 0) if r["period_earliest"] else 0
            options.extend((str(r["line"]), p) for p in periods[first:])
        return {
            "lines": tuple(str(r["line"]) for r in kept),
            "lines_excluded": tuple(str(r["line"]) for r in rows if r["status"] == "excluded"),
            "line_site": {str(r["line"]): str(r["site"]) for r in kept},
            "line_technology": {str(r["line"]): str(r["technology"]) for r in kept},
            "capacity": {str(r["line"]): float(r["capacity"]) for r in kept},  # type: ignore[arg-type]
            "cost_fixed": {str(r["line"]): float(r["cost_fixed"]) for r in kept},  # type: ignore[arg-type]
            "capex": {str(r["line"]): float(r["capex"]) for r in kept},  # type: ignore[arg-type]
            "cost_variable": {str(r["line"]): float(r["cost_variable"]) for r in kept},  # type: ignore[arg-type]
            "utilisation_min": {str(r["line"]): float(r["utilisation_min"]) for r in kept},  # type: ignore[arg-type]
            "jobs": {str(r["line"]): float(r["jobs"]) for r in kept},  # type: ignore[arg-type]
            "lines_existing": frozenset(str(r["line"]) for r in kept if r["status"] == "existing"),
            "line_group": {str(r["line"]): str(r["group"]) for r in kept if r["group"]},
            "groups": tuple(sorted({str(r["group"]) for r in kept if r["group"]})),
            "build_options": tuple(options),
        }

    def _recipes(self, lines: dict[str, object]) -> dict[str, Any]:
        line_tech: dict[str, str] = lines["line_technology"]  # type: ignore[assignment]
        line_rows = self.t["Lines"].rows + self.t["Lines"].dropped
        all_lines = {str(r.values.get("line")) for r in line_rows}
        techs = {str(r.values.get("technology")) for r in line_rows}
        by_owner: dict[str, list[Row]] = defaultdict(list)
        for r in self.t["Recipes"].rows:
            owner = str(r["applies_to"])
            if owner not in techs and owner not in all_lines and line_rows:
                self.issues.error("applies_to names neither a technology used on the Lines "
                                  "sheet nor a line.", value=owner,
                                  expected="a technology or line ID",
                                  hint=did_you_mean(owner, sorted(techs | all_lines)),
                                  **self.where("Recipes", r, "applies_to"))
                continue
            by_owner[owner].append(r)
        broken = self.broken_recipes
        groups_by_owner: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for r in self.t["RecipeGroups"].rows:
            groups_by_owner[(str(r["applies_to"]), str(r["recipe"]))].append(r)
        out: dict[str, Any] = {
            "line_recipes": [], "recipe_inputs": [], "share_min": {}, "share_max": {},
            "recipe_outputs": [], "yield_": {}, "share_groups": [], "group_members": {},
            "group_share_min": {}, "group_share_max": {},
        }
        for line, tech in line_tech.items():
            owner = line if line in by_owner else tech
            rows = by_owner.get(owner, [])
            if not rows and not broken & {line, tech} and self.t["Recipes"].rows:
                row = next(r for r in self.t["Lines"].rows if str(r["line"]) == line)
                self.issues.error(f"Line {line} has no recipe: no Recipes row applies to it "
                                  f"or to its technology {tech}.", value=tech,
                                  expected=f"rows with applies_to = {tech} or {line} on the "
                                  "Recipes sheet",
                                  hint=did_you_mean(tech, sorted(by_owner)) or
                                  f"Add the inputs and outputs of {tech} to the Recipes sheet.",
                                  **self.where("Lines", row, "technology"))
                continue
            if not rows:
                continue
            self._line_recipes(line, owner, rows, groups_by_owner, out)
        return {k: tuple(v) if isinstance(v, list) else v for k, v in out.items()}

    def _line_recipes(self, line: str, owner: str, rows: list[Row],
                      groups_by_owner: dict[tuple[str, str], list[Row]],
                      out: dict[str, object]) -> None:
        recipes: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            recipes[str(r["recipe"])].append(r)
        for k, krows in recipes.items():
            inputs = [r for r in krows if r["role"] == "input"]
            outputs = [r for r in krows if r["role"] == "output"]
            if not inputs or not outputs:
                continue  # reported by models/chain/validate.py
            out["line_recipes"].append((line, k))  # type: ignore[attr-defined]
            members: dict[str, list[str]] = defaultdict(list)
            for r in inputs:
                key = (line, k, str(r["material"]))
                out["recipe_inputs"].append(key)  # type: ignore[attr-defined]
                out["share_min"][key] = float(r["share_min"])  # type: ignore[index,arg-type]
                out["share_max"][key] = float(r["share_max"])  # type: ignore[index,arg-type]
                if r["share_group"]:
                    members[str(r["share_group"])].append(str(r["material"]))
            for r in outputs:
                key = (line, k, str(r["material"]))
                out["recipe_outputs"].append(key)  # type: ignore[attr-defined]
                out["yield_"][key] = float(r["yield"] or 0.0)  # type: ignore[index,arg-type]
            for g in groups_by_owner.get((owner, k), []):
                gname = str(g["share_group"])
                if gname not in members:
                    if g.excel_row in self.reported or owner in self.broken_recipes:
                        continue
                    self.reported.add(g.excel_row)
                    self.issues.error(f"No input of recipe {k} of {owner} belongs to group "
                                      f"{gname}.", value=gname,
                                      expected="a share_group used on the Recipes sheet",
                                      **self.where("RecipeGroups", g, "share_group"))
                    continue
                gkey = (line, k, gname)
                out["share_groups"].append(gkey)  # type: ignore[attr-defined]
                out["group_members"][gkey] = tuple(members[gname])  # type: ignore[index]
                out["group_share_min"][gkey] = float(g["share_min"])  # type: ignore[index,arg-type]
                out["group_share_max"][gkey] = float(g["share_max"])  # type: ignore[index,arg-type]

    def _expand(self, sheet: str, rows: tuple[Row, ...], key: tuple[str, ...],
                periods: list[str]) -> list[tuple[Row, str]]:
        """Rows with a blank period apply to every period; a row naming one overrides."""
        specific = {(tuple(r[k] for k in key), str(r["period"]))
                    for r in rows if r["period"] is not None}
        expanded: list[tuple[Row, str]] = []
        for r in rows:
            if r["period"] is not None:
                expanded.append((r, str(r["period"])))
                continue
            ident = tuple(r[k] for k in key)
            expanded.extend((r, p) for p in periods if (ident, p) not in specific)
        return expanded

    def _sources(self, periods: list[str]) -> dict[str, Any]:
        rows = self.t["Sources"].rows
        first: dict[str, Row] = {}
        for r in rows:
            o = str(r["source"])
            if o in first:
                for col in ("material", "location", "local", "supply_group"):
                    if r[col] != first[o][col]:
                        self.issues.error(f"Source {o} has a different {col} than in row "
                                          f"{first[o].excel_row}.", value=r[col],
                                          expected=str(first[o][col]),
                                          **self.where("Sources", r, col))
            else:
                first[o] = r
        periodic: list[Key2] = []
        avail: dict[Key2, float | None] = {}
        offtake: dict[Key2, float] = {}
        price: dict[Key2, float] = {}
        for r, p in self._expand("Sources", rows, ("source",), periods):
            key = (str(r["source"]), p)
            a = None if r["availability"] is None else float(r["availability"])  # type: ignore[arg-type]
            if a is not None and float(r["offtake_min"]) > a:  # type: ignore[arg-type]
                self.issues.error("offtake_min is above availability.", value=r["offtake_min"],
                                  expected=f"at most availability ({a:g})",
                                  **self.where("Sources", r, "offtake_min"))
            periodic.append(key)
            avail[key] = a
            offtake[key] = float(r["offtake_min"])  # type: ignore[arg-type]
            price[key] = float(r["price"])  # type: ignore[arg-type]
        return {
            "sources": tuple(first),
            "source_material": {o: str(r["material"]) for o, r in first.items()},
            "source_location": {o: str(r["location"]) for o, r in first.items()},
            "source_local": {o: bool(r["local"]) for o, r in first.items()},
            "source_periods": tuple(periodic),
            "availability": avail,
            "offtake_min": offtake,
            "source_price": price,
        }

    def _market_ids(self) -> dict[str, str]:
        """Markets.market_id -> its place; an ID naming a place or two places is an error."""
        places = {str(r["site"]) for r in self.t["Sites"].rows} | {
            str(r["location"]) for r in self.t["Locations"].rows}
        owner: dict[str, Row] = {}
        for r in self.t["Markets"].rows:
            ident = r["market_id"]
            if ident is None:
                continue
            ident = str(ident)
            if ident in places:
                self.issues.error(f"The market ID {ident} is also the ID of a place, so it "
                                  "cannot name a contract.", value=ident,
                                  expected="an ID not used on Sites or Locations",
                                  hint="Give the contract its own ID, e.g. "
                                  f"{r['market']}_{r['material']}_2.",
                                  **self.where("Markets", r, "market_id"))
            elif ident in owner and owner[ident]["market"] != r["market"]:
                first = owner[ident]
                self.issues.error(f"The market ID {ident} already names a market at "
                                  f"{first['market']} (row {first.excel_row}); one ID "
                                  "belongs to one place.", value=ident,
                                  expected=f"an ID not used at {first['market']}",
                                  **self.where("Markets", r, "market_id"))
            else:
                owner.setdefault(ident, r)
        return {i: str(r["market"]) for i, r in owner.items()}

    def _markets(self, periods: list[str]) -> dict[str, Any]:
        keys: list[Key3] = []
        price: dict[Key3, float] = {}
        lo: dict[Key3, float] = {}
        hi: dict[Key3, float | None] = {}
        for r, p in self._expand("Markets", self.t["Markets"].rows,
                                 ("market", "material", "market_id"), periods):
            key = (market_key(r), str(r["material"]), p)
            top = None if r["sales_max"] is None else float(r["sales_max"])  # type: ignore[arg-type]
            if top is not None and float(r["sales_min"]) > top:  # type: ignore[arg-type]
                self.issues.error("sales_min is above sales_max.", value=r["sales_min"],
                                  expected=f"at most sales_max ({top:g})",
                                  **self.where("Markets", r, "sales_min"))
            keys.append(key)
            price[key] = float(r["price"])  # type: ignore[arg-type]
            lo[key] = float(r["sales_min"])  # type: ignore[arg-type]
            hi[key] = top
        return {"markets": tuple(keys), "price": price, "sales_min": lo, "sales_max": hi,
                "market_place": self._market_ids()}

    def _lanes(self, mat: dict[str, Row]) -> dict[str, Any]:
        modes = {str(r["mode"]): r for r in self.t["Modes"].rows}
        freight: dict[str, float] = {}
        origin: dict[str, str] = {}
        destination: dict[str, str] = {}
        mode: dict[str, str] = {}
        capacity: dict[str, float | None] = {}
        surcharge: dict[str, float] = {}
        material: dict[str, str] = {}
        rows = self.t["Lanes"].rows
        # one pass, each row's values read as a dict (a lane workbook can have 100,000 rows,
        # and each Row[...] is a Python call)
        for r in rows:
            v = r.values
            a = str(v["lane"])
            origin[a], destination[a] = str(v["origin"]), str(v["destination"])
            mode[a], material[a] = str(v["mode"] or ""), str(v["material"] or "")
            capacity[a] = None if v["capacity"] is None else float(v["capacity"])  # type: ignore[arg-type]
            surcharge[a] = float(v["surcharge"])  # type: ignore[arg-type]
            if v["origin"] == v["destination"]:
                self.issues.error("A lane must join two different places.",
                                  value=v["destination"], expected="a place other than "
                                  f"{v['origin']}", **self.where("Lanes", r, "destination"))
            if v["cost"] is not None:
                freight[a] = float(v["cost"])  # type: ignore[arg-type]
            elif v["mode"] is not None and v["distance_km"] is not None:
                m = modes[str(v["mode"])]
                freight[a] = float(m["cost_fixed"]) + float(m["cost_per_km"]) * float(  # type: ignore[arg-type]
                    v["distance_km"])  # type: ignore[arg-type]
            else:
                self.issues.error("The lane has no cost: give cost, or mode and distance_km.",
                                  value="(blank)", expected="cost, or mode and distance_km",
                                  **self.where("Lanes", r, "cost"))
        return {
            "lanes": tuple(origin),
            "lane_origin": origin,
            "lane_destination": destination,
            "lane_mode": mode,
            "lane_capacity": capacity,
            "lane_freight": freight,
            "lane_surcharge": surcharge,
            "lane_material": material,
            "lane_carries": self._lane_carries(rows),
            # lane_flows and lane_cost are set by _finish, once supply and use are known
            "lane_flows": (),
            "lane_cost": {},
        }

    def _lane_carries(self, lanes: tuple[Row, ...]) -> dict[str, frozenset[str]]:
        """LaneMaterials: the materials a lane carries, when it names several."""
        single = {str(r["lane"]): r["material"] for r in lanes}
        carries: dict[str, set[str]] = defaultdict(set)
        for r in self.t["LaneMaterials"].rows:
            a = str(r["lane"])
            if single.get(a) is not None:
                self.issues.error(f"Lane {a} already names one material ({single[a]}) on "
                                  "the Lanes sheet.", value=a,
                                  expected="a lane whose Lanes.material is blank",
                                  hint="List all its materials here and leave Lanes.material "
                                  "blank, or drop these rows.",
                                  **self.where("LaneMaterials", r, "lane"))
                continue
            carries[a].add(str(r["material"]))
        return {a: frozenset(ms) for a, ms in carries.items()}

    def _policy(self, periods: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "budget_total": None, "budget_period": {}, "lines_min": {}, "jobs_min": {},
            "recovered_min": {}, "local_share_min": {},
        }
        last_only = {"lines_min", "jobs_min"}
        for r in self.t["Policy"].rows:
            if not r["active"] or r["cluster"] is not None:
                continue  # a cluster's rule: models/chain/econ.py
            kind, value = str(r["policy"]), float(r["value"])  # type: ignore[arg-type]
            if kind == "local_share_min" and value > 1:
                self.issues.error("A share must be between 0 and 1.", value=r["value"],
                                  expected="a fraction from 0 to 1 (50 % = 0.5)",
                                  **self.where("Policy", r, "value"))
            if kind == "budget_total":
                out["budget_total"] = value
                continue
            if r["period"] is not None:
                applies = [str(r["period"])]
            else:
                applies = [periods[-1]] if kind in last_only and periods else periods
            for p in applies:
                out[kind][p] = value  # type: ignore[index]
        return out

    def _resources(self, lines: dict[str, object]) -> dict[str, Any]:
        line_site: dict[str, str] = lines["line_site"]  # type: ignore[assignment]
        res = {(str(r["site"]), str(r["resource"])): r for r in self.t["Resources"].rows}
        use: dict[Key2, float] = {}
        for r in self.t["ResourceUse"].rows:
            line, name = str(r["line"]), str(r["resource"])
            if line not in line_site:
                continue  # excluded line
            if (line_site[line], name) not in res and self.t["Resources"].complete:
                # No limit there: a site that does not list a resource does not ration it.
                known = [n for s, n in res if s == line_site[line]]
                self.issues.info(f"Site {line_site[line]} of line {line} has no resource "
                                 f"{name} on the Resources sheet, so {line}'s use of it is "
                                 "not limited there.", value=name,
                                 expected=f"a resource of site {line_site[line]}, if it "
                                 "is limited", hint=did_you_mean(name, known) or
                                 f"Add ({line_site[line]}, {name}) to the Resources sheet "
                                 "to limit it.", **self.where("ResourceUse", r, "resource"))
                continue
            if (line_site[line], name) not in res:
                continue
            use[(line, name)] = float(r["amount"])  # type: ignore[arg-type]
        return {
            "site_resources": tuple(res),
            "resource_available": {k: float(r["available"]) for k, r in res.items()},  # type: ignore[arg-type]
            "resource_unit": {k: str(r["unit"] or "") for k, r in res.items()},
            "resource_use": use,
        }


def _finish(data: ChainData) -> ChainData:
    """Derive the sparse sets that depend on several sheets at once.

    A lane carries material m only if m can be present at its origin (offered there,
    made there, or carried there) and of use at its destination (consumed, sold or
    carried on from there). Both closures are computed by a fixed-point sweep over the
    lanes, so no dense (lane x material) set is ever built.
    """
    import dataclasses

    freight, surcharge, only = data.lane_freight, data.lane_surcharge, data.lane_material
    present: defaultdict[str, set[str]] = defaultdict(set)
    useful: defaultdict[str, set[str]] = defaultdict(set)
    made_at: dict[str, set[str]] = defaultdict(set)
    for o in data.sources:
        present[data.source_location[o]].add(data.source_material[o])
    for line, _k, m in data.recipe_outputs:
        present[data.line_site[line]].add(m)
        made_at[data.line_site[line]].add(m)
    for line, _k, m in data.recipe_inputs:
        useful[data.line_site[line]].add(m)
    for d, m, _p in data.markets:
        useful[data.place_of(d)].add(m)
    def allowed(a: str, mats: set[str]) -> set[str]:
        if only[a]:
            return mats & {only[a]}
        if a in data.lane_carries:  # LaneMaterials: several named materials
            return mats & data.lane_carries[a]
        return mats

    origin, destination = data.lane_origin, data.lane_destination
    _close(present, [(a, origin[a], destination[a]) for a in data.lanes], allowed)
    _close(useful, [(a, destination[a], origin[a]) for a in data.lanes], allowed)
    flows: list[Key2] = []
    cost: dict[Key2, float] = {}
    for a in data.lanes:
        o, d = data.lane_origin[a], data.lane_destination[a]
        mats = allowed(a, present[o] & useful[d])
        for m in sorted(mats):
            flows.append((a, m))
            cost[(a, m)] = data.volume_factor[m] * freight[a] + surcharge[a]
    disposals = tuple(sorted((s, m) for s, ms in made_at.items() for m in ms
                             if m in data.disposal_cost))
    return dataclasses.replace(
        data,
        lane_flows=tuple(flows),
        lane_cost=cost,
        disposals=disposals,
        input_bound=(bounds := _input_bounds(data)),
        output_bound=_output_bounds(data, bounds),
        balances=_balances(data, flows, disposals),
    )


def _close(sets: defaultdict[str, set[str]], edges: list[tuple[str, str, str]],
           passes: Callable[[str, set[str]], set[str]]) -> None:
    """Grow ``sets`` to the least fixed point of sets[to] >= passes(a, sets[frm]) over the
    edges (a, frm, to), in place.

    A worklist: a place is looked at again only when its set grew, so each edge is
    followed about once per material that reaches its start. (Sweeping every lane until
    nothing changed followed each lane once per sweep: 3-4 sweeps of 100,000 lanes.)
    """
    leaving: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, frm, to in edges:
        leaving[frm].append((a, to))
    queue = deque(place for place, have in sets.items() if have)
    queued = set(queue)
    while queue:
        here = queue.popleft()
        queued.discard(here)
        for a, to in leaving.get(here, ()):
            new = passes(a, sets[here]) - sets[to]
            if new:
                sets[to] |= new
                if to not in queued:
                    queued.add(to)
                    queue.append(to)


def _input_bounds(data: ChainData) -> dict[Key3, float]:
    """min(share_max * capacity, most of m that could exist in any period).

    The second term is what makes the per-line input link tight when a material is
    scarce (in facility location: x_ij <= d_j y_i).
    """
    supply: dict[str, float] = defaultdict(float)
    unlimited: set[str] = set()
    per_period: dict[Key2, float] = defaultdict(float)
    for (o, p), a in data.availability.items():
        m = data.source_material[o]
        if a is None:
            unlimited.add(m)
        else:
            per_period[(m, p)] += a
    for (m, _p), a in per_period.items():
        supply[m] = max(supply[m], a)
    for line, k, m in data.recipe_outputs:
        supply[m] += data.yield_[(line, k, m)] * data.capacity[line]
    bound: dict[Key3, float] = {}
    for key in data.recipe_inputs:
        line, _k, m = key
        limit = data.share_max[key] * data.capacity[line]
        if m not in unlimited and m in supply:
            limit = min(limit, supply[m])
        elif m not in unlimited:
            limit = 0.0  # nothing offers or makes m
        bound[key] = limit
    return bound


def _output_bounds(data: ChainData, input_bound: dict[Key3, float],
                   ) -> dict[tuple[str, str, str], float]:
    """Most of output m a new line l can place in period p: every sink of m together.

    Every tonne made goes to a sale, an input of some line, or disposal (lanes only move
    it), so a line's output of m is at most the sum of the sales maxima of m and of the
    input bounds of the lines that take m. Kept only where it is tighter than the line's
    own capacity times its best yield, and where no sink of m is unlimited.
    """
    taken: dict[str, float] = defaultdict(float)
    for key in data.recipe_inputs:
        taken[key[2]] += input_bound[key]
    sold: dict[tuple[str, str], float] = defaultdict(float)
    unlimited: set[tuple[str, str]] = set()
    for d, m, p in data.markets:
        top = data.sales_max[d, m, p]
        if top is None:
            unlimited.add((m, p))
        else:
            sold[m, p] += top
    best: dict[tuple[str, str], float] = defaultdict(float)
    for line, k, m in data.recipe_outputs:
        best[line, m] = max(best[line, m], data.yield_[line, k, m])
    out: dict[tuple[str, str, str], float] = {}
    for (line, m), y in best.items():
        if line in data.lines_existing or m in data.disposal_cost:
            continue
        for p in data.periods:
            if (m, p) in unlimited:
                continue
            sink = sold[m, p] + taken[m]
            if sink < y * data.capacity[line] - 1e-9:
                out[line, m, p] = sink
    return out


def _balances(data: ChainData, flows: list[Key2], disposals: tuple[Key2, ...]) -> tuple[Key2, ...]:
    nodes: set[Key2] = set()
    for o in data.sources:
        nodes.add((data.source_location[o], data.source_material[o]))
    for line, _k, m in data.recipe_inputs:
        nodes.add((data.line_site[line], m))
    for line, _k, m in data.recipe_outputs:
        nodes.add((data.line_site[line], m))
    for d, m, _p in data.markets:
        nodes.add((data.place_of(d), m))
    for a, m in flows:
        nodes.add((data.lane_origin[a], m))
        nodes.add((data.lane_destination[a], m))
    nodes.update(disposals)
    return tuple(sorted(nodes))
