"""Synthetic production chains of any size, for benchmarks and scale tests.

`synthetic_tables(lines=..., periods=..., ...)` returns input tables in the workbook format
(sheet -> rows); `raw_workbook(tables)` turns them into the reader's RawWorkbook without
touching Excel, so the model build can be measured apart from Excel I/O. Deterministic
for a given seed.
"""

from __future__ import annotations

import random
from typing import Any

from models.chain.schema import SHEETS_BY_NAME
from models.validation.raw import RawRow, RawTable, RawWorkbook

Tables = dict[str, list[dict[str, Any]]]


def synthetic_tables(lines: int = 500, periods: int = 1, sites: int = 20, markets: int = 20,
                     hubs: int = 10, feedstocks: int = 15, intermediates: int = 6,
                     products: int = 20, technologies: int = 24, seed: int = 1) -> Tables:
    rng = random.Random(seed)
    feeds = [f"F{i:02d}" for i in range(feedstocks)]
    inters = [f"X{i:02d}" for i in range(intermediates)]
    prods = [f"P{i:02d}" for i in range(products)]
    site_ids = [f"S{i:03d}" for i in range(sites)]
    hub_ids = [f"H{i:02d}" for i in range(hubs)]
    market_ids = [f"M{i:02d}" for i in range(markets)]
    per = [str(2025 + i) for i in range(periods)]
    t: Tables = {
        "Settings": [{"setting": "case_name", "value": f"synthetic-{lines}"},
                     {"setting": "discount_rate", "value": 0.08},
                     {"setting": "mip_gap", "value": 0.01}],
        "Periods": [{"period": p, "years": 1} for p in per],
        "Materials": [{"material": m, "kind": "feedstock", "recovered": i % 3 == 0}
                      for i, m in enumerate(feeds)]
        + [{"material": m, "kind": "intermediate"} for m in inters]
        + [{"material": m, "kind": "product", "volume_factor": rng.choice([1, 1.2, 2])}
           for m in prods]
        + [{"material": "RES", "kind": "residue", "disposal_cost": 10}],
        "Locations": [{"location": h} for h in hub_ids] + [{"location": m} for m in market_ids],
        "Sites": [{"site": s} for s in site_ids],
        "Sources": [{"source": f"O{h}{f}", "material": f, "location": h,
                     "availability": rng.randint(2, 40) * 1000 * lines / 500 / hubs,
                     "price": rng.randint(200, 1100)}
                    for h in hub_ids for f in feeds if rng.random() < 0.6],
        "Lines": [],
        "Recipes": [],
        "Markets": [],
        "Modes": [{"mode": "road", "cost_fixed": 6, "cost_per_km": 0.075}],
        "Lanes": [],
    }
    for k in range(technologies):
        tech = f"T{k:02d}"
        pool = feeds + inters if k % 4 else feeds
        ins = rng.sample(pool, rng.randint(1, 3))
        for j, m in enumerate(ins):
            t["Recipes"].append({"applies_to": tech, "material": m, "role": "input",
                                 "share_min": 0.2 if j == 0 and len(ins) > 1 else 0,
                                 "share_max": 1 if j == 0 else 0.5})
        out = rng.choice(inters) if k % 5 == 0 else rng.choice(prods)
        t["Recipes"].append({"applies_to": tech, "material": out, "role": "output",
                             "yield": rng.uniform(0.8, 0.97)})
        if k % 3 == 0:
            t["Recipes"].append({"applies_to": tech, "material": "RES", "role": "output",
                                 "yield": 0.02})
    for i in range(lines):
        cap = rng.choice([1000, 1500, 2000, 3000])
        t["Lines"].append({
            "line": f"L{i:05d}", "site": rng.choice(site_ids),
            "technology": f"T{rng.randrange(technologies):02d}", "capacity": cap,
            "cost_fixed": cap * rng.uniform(80, 200), "capex": cap * rng.uniform(300, 900),
            "cost_variable": rng.uniform(40, 200), "utilisation_min": rng.choice([0.3, 0.4]),
            "jobs": rng.randint(8, 40),
            "period_earliest": rng.choice(per),
        })
    for d in market_ids:
        for m in prods + inters:
            if rng.random() < 0.7:
                t["Markets"].append({"market": d, "material": m,
                                     "price": rng.randint(1100, 2600) if m in prods else 800,
                                     "sales_max": rng.randint(1, 20) * 300 * lines / 500})

    def lane(o: str, dest: str) -> None:
        t["Lanes"].append({"lane": f"{o}>{dest}", "origin": o, "destination": dest,
                           "mode": "road", "distance_km": rng.randint(10, 900)})

    for s in site_ids:
        for h in hub_ids:
            lane(h, s)
        for d in market_ids:
            lane(s, d)
        for s2 in rng.sample(site_ids, min(5, len(site_ids))):
            if s2 != s:
                lane(s, s2)
    return t


def raw_workbook(tables: Tables, name: str = "synthetic.xlsx") -> RawWorkbook:
    """The reader's view of these tables, as if read from a workbook written by the template."""
    out: dict[str, RawTable] = {}
    for sheet_name, rows in tables.items():
        sheet = SHEETS_BY_NAME[sheet_name]
        columns = {c.name: j for j, c in enumerate(sheet.columns, start=1)}
        raw_rows = tuple(RawRow(i, {c: row.get(c) for c in columns})
                         for i, row in enumerate(rows, start=2))
        out[sheet_name] = RawTable(sheet_name, 1, columns, raw_rows)
    return RawWorkbook(name, out)
