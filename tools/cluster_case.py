"""The cluster workbook: the polymer and the metals case in one, competing for the same
sites, capex budget and SME-cluster rule, and sharing lanes.

Built in code from the two cases' tables (tools/absheron_case.py, tools/metals_case.py), so
it never drifts from them. What is combined and how (docs/metals-brief.md §8):

- rows with the same ID in both cases (the shared sites SCIP, BIP and ALAT; the markets;
  road and rail lanes; transport modes; references) must be the same row, and appear once:
  one lane carries both chains' goods;
- every other ID must belong to one case only (``combine`` raises otherwise);
- the sites get the room each park has left (lines, power, land; metals brief §6.1), and
  the polymer lines a power and land use estimated from their capacity;
- one Policy sheet: one capex budget and one SME-cluster rule for the whole cluster.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.chain.schema import SHEETS_BY_NAME
from tools import metals_case as metals
from tools.absheron_case import Row, Tables, absheron_tables

CASE_NAME = "cluster"

# one capex envelope for the whole cluster [E]: below the 78 M USD both chains would spend
# apart, so the budget is one of the limits the chains compete for
BUDGET_TOTAL = 70_000_000
POLICY: tuple[tuple[str, float, str, str], ...] = (
    ("lines_min", 10, "SME-cluster rule: at least 10 unrelated MSMEs under contract (one "
     "SME per line), counted over both chains", "[S 54] Tax Code SME-cluster criteria"),
    ("local_share_min", 0.5, "SME-cluster rule: at least 50 % of raw-material value from "
     "local producers, over both chains' purchases", "[S 54] Tax Code SME-cluster criteria"),
    ("budget_total", BUDGET_TOTAL, "One capex envelope for the whole cluster (illustrative)",
     "[E] metals brief §8: one budget below the 78 M USD both chains take apart"),
)

# polymer lines' use of the shared site resources [E] (metals brief §8): connected load
# about 1 MW per 5,000 t/yr of input (0.8 MWh/t over 6,000 h, doubled for peaks), land
# 0.3 ha plus 1 ha per 10,000 t/yr
POWER_MW_PER_T = 1 / 5_000
LAND_HA_BASE, LAND_HA_PER_T = 0.3, 1 / 10_000
POLYMER_USE_NOTE = ("; cluster: power = capacity / 5,000 MW, land = 0.3 + capacity / 10,000 "
                    "ha [E] metals brief §8")


def _key(sheet: str, row: Row) -> tuple[object, ...]:
    return tuple(row.get(col) for col in SHEETS_BY_NAME[sheet].key)


def _same(a: Row, b: Row,
          ignore: Iterable[str] = ("reference", "name", "description")) -> bool:
    skip = set(ignore)
    keys = (set(a) | set(b)) - skip
    return all(a.get(k) == b.get(k) for k in keys)


def combine(sheet: str, first: list[Row], second: list[Row],
            shared_ok: bool = False) -> list[Row]:
    """Rows of both cases; a key in both is allowed only where ``shared_ok`` and the rows
    agree (then it appears once, the first case's row kept)."""
    seen = {_key(sheet, r): r for r in first}
    rows = [dict(r) for r in first]
    for row in second:
        key = _key(sheet, row)
        if key not in seen:
            rows.append(dict(row))
            seen[key] = row
        elif not shared_ok:
            raise ValueError(f"{sheet}: {key} is in both cases")
        elif not _same(seen[key], row):
            raise ValueError(f"{sheet}: {key} differs between the cases: {seen[key]} / {row}")
    return rows


def _sites(polymer: list[Row], metal: list[Row]) -> list[Row]:
    by_id = {r["site"]: dict(r) for r in polymer}
    for row in metal:
        site = row["site"]
        if site in by_id:
            if not _same(by_id[site], row,
                         ignore=("reference", "name", "description", "lines_max")):
                raise ValueError(f"Sites: {site} differs between the cases")
            by_id[site]["lines_max"] = row.get("lines_max")
        else:
            by_id[site] = dict(row)
    return list(by_id.values())


def _polymer_resource_use(lines: list[Row]) -> list[Row]:
    rows: list[Row] = []
    for line in lines:
        if line["site"] not in metals.SITE_ROOM:
            continue  # a site with no shared room on record (MIP): no resource row
        cap = float(line["capacity"])  # type: ignore[arg-type]
        rows.append({"line": line["line"], "resource": "power",
                     "amount": round(cap * POWER_MW_PER_T, 3)})
        rows.append({"line": line["line"], "resource": "land",
                     "amount": round(LAND_HA_BASE + cap * LAND_HA_PER_T, 3)})
    return rows


def cluster_tables() -> Tables:
    """Both cases in one workbook, sheet name -> rows."""
    polymer, metal = absheron_tables(), metals.metals_tables()
    poly_lines = [dict(r, reference=f"{r['reference']}{POLYMER_USE_NOTE}")
                  if r["site"] in metals.SITE_ROOM else dict(r) for r in polymer["Lines"]]
    tables: Tables = {
        "Settings": [dict(r, value=CASE_NAME) if r["setting"] == "case_name" else dict(r)
                     for r in polymer["Settings"]],
        "Periods": combine("Periods", polymer["Periods"], metal["Periods"], shared_ok=True),
        "Materials": combine("Materials", polymer["Materials"], metal["Materials"]),
        "Locations": combine("Locations", polymer["Locations"], metal["Locations"],
                             shared_ok=True),
        "Sites": _sites(polymer["Sites"], metal["Sites"]),
        "Lines": combine("Lines", poly_lines, metal["Lines"]),
        "Resources": [dict(r) for r in metal["Resources"]],
        "ResourceUse": combine("ResourceUse", _polymer_resource_use(polymer["Lines"]),
                               metal["ResourceUse"]),
        "Sources": combine("Sources", polymer["Sources"], metal["Sources"]),
        "SupplyGroups": combine("SupplyGroups", polymer.get("SupplyGroups", []),
                                metal.get("SupplyGroups", [])),
        "Recipes": combine("Recipes", polymer["Recipes"], metal["Recipes"]),
        "RecipeGroups": [dict(r) for r in polymer["RecipeGroups"]],
        "Markets": combine("Markets", polymer["Markets"], metal["Markets"]),
        "Modes": combine("Modes", polymer["Modes"], metal["Modes"], shared_ok=True),
        "Lanes": combine("Lanes", polymer["Lanes"], metal["Lanes"], shared_ok=True),
        "Policy": [{"policy": p, "value": v, "active": True, "period": None,
                    "description": d, "reference": ref} for p, v, d, ref in POLICY],
        "References": combine("References", polymer["References"], metal["References"],
                              shared_ok=True),
        # each chain's what-if questions still hold in the cluster, where they also show
        # what the other chain does in answer
        "Scenarios": [dict(r) for r in (*polymer.get("Scenarios", []),
                                        *metal.get("Scenarios", []))],
        "Sweeps": [dict(r) for r in (*polymer.get("Sweeps", []), *metal.get("Sweeps", []))],
    }
    poly_groups = {r.get("group") for r in polymer["Lines"] if r.get("group")}
    metal_groups = {r.get("group") for r in metal["Lines"] if r.get("group")}
    if poly_groups & metal_groups:
        raise ValueError(f"exclusive groups in both cases: {poly_groups & metal_groups}")
    return tables
