"""The plan as data for a web page: what the latest-plan page and the HTML export show.

Written beside every results workbook as ``<name>-page.json`` (atomically, like the
workbook's PNG figures), so that ``chainopt serve`` can show a run without re-solving or
re-reading the model: the same key figures as the Summary sheet (optimizer/excel/write.py
``kpi_rows``), the headline, status and "what limits the plan" sentences in every language,
the lines, the flows, the Sankey bands and the map's places and flows, and the change
report of a nightly run. Numbers are stored raw; the page formats them per language.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from models.chain.rows import itertuples
from optimizer.report import figures, story
from optimizer.report.i18n import LANGS, tr

PAGE_SCHEMA = 1
MAX_FLOW_ROWS = 5000  # bounds the page of a very large case; the workbook has every row


def _num(value: Any) -> float | None:
    """A JSON-safe number (NaN and infinities become null)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else str(value)


def page_data(outcome: Any, report: Any, started: dt.datetime) -> dict[str, Any]:
    """Everything the latest-plan page shows, from a solved run and its prepared report
    (optimizer/excel/write.py ``prepare_report``)."""
    from optimizer.excel.write import kpi_rows

    data, res, solve = outcome.data, outcome.results, outcome.solve
    period = report.period
    kpis: list[dict[str, Any]] = []
    for i, (key, _value, fmt_name) in enumerate(kpi_rows(outcome, "en")):
        per_lang = {lang: kpi_rows(outcome, lang)[i][1] for lang in LANGS}
        value = per_lang["en"]
        if isinstance(value, str):
            kpis.append({"key": key, "fmt": "text", "text": per_lang})
        else:
            kpis.append({"key": key, "fmt": fmt_name, "value": _num(value)})
    texts = {}
    for lang in LANGS:
        limits = story.binding_limits(data, res, lang) or [
            tr("summary.no_limits" if res.explained and "lp_failed" not in res.explain_notes
               else "summary.no_explain", lang)]
        texts[lang] = {
            "title": tr("summary.title", lang, case=data.case_name),
            "headline": story.headline(data, res, lang),
            "status": story.status_words(solve, outcome.settings, lang),
            "limits": limits,
        }
    return {
        "schema": PAGE_SCHEMA,
        "case": data.case_name,
        "currency": data.currency,
        "period": period,
        "started": started.isoformat(timespec="seconds"),
        "input_file": outcome.input_path.name,
        "input_sha256": outcome.input_sha256,
        "status": solve.status.value,
        "objective": _num(solve.objective),
        "bound": _num(solve.bound),
        "gap": _num(solve.gap),
        "kpis": kpis,
        "texts": texts,
        "lines": _lines(data, res),
        "flows": _flows(data, res),
        "sankey": _sankey(data, report.sankey),
        "map": _map(data, res, report.map_lines, period),
        "changes": _changes(getattr(outcome, "changes", None)),
        "check_findings": [f.format() for f in outcome.check_findings],
        "warnings": list(report.warnings),
    }


def _lines(data: Any, res: Any) -> list[dict[str, Any]]:
    products = story.main_products(data)
    rows = []
    for rec in itertuples(res.lines):
        built = bool(rec.built)
        rows.append({
            "line": str(rec.line), "site": str(rec.site), "technology": str(rec.technology),
            "product": products.get(rec.line, ""), "status": str(rec.status), "built": built,
            "capacity": _num(rec.capacity),
            "throughput": _num(rec.throughput) if built else None,
            "utilisation": _num(rec.utilisation) if built else None,
            "net_value": _num(rec.net_value) if built else None,
            "jobs": _num(rec.jobs),
            "what": {lang: story.entry_text(rec, data, lang) for lang in LANGS},
        })
    return rows


def _flows(data: Any, res: Any) -> list[dict[str, Any]]:
    rows = []
    for rec in res.flows.head(MAX_FLOW_ROWS).to_dict("records"):
        rows.append({
            "lane": _text(rec["lane"]), "origin": _text(rec["origin"]),
            "destination": _text(rec["destination"]),
            "origin_name": story.short(data.place_name.get(rec["origin"], rec["origin"])),
            "destination_name": story.short(data.place_name.get(rec["destination"],
                                                                rec["destination"])),
            "mode": _text(rec["mode"]), "material": _text(rec["material"]),
            "period": _text(rec["period"]), "tonnes": _num(rec["tonnes"]),
            "cost": _num(rec["cost"]),
        })
    return rows


def _sankey(data: Any, links: Any) -> dict[str, Any]:
    nodes: dict[str, int] = {}
    node_rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    sites = list(data.sites)

    def node(key: str, col: int) -> int:
        if key not in nodes:
            nodes[key] = len(node_rows)
            colour = figures._node_colour(data, figures._Node(key, col), sites)
            node_rows.append({"id": key, "col": col, "colour": colour,
                              "label": {lang: figures.node_label(data, key, lang)
                                        for lang in LANGS}})
        return nodes[key]

    for r in itertuples(links):
        s = node(str(r.source), int(r.source_col))
        t = node(str(r.target), int(r.target_col))
        link_rows.append({"source": s, "target": t, "tonnes": float(r.tonnes),
                          "stage": str(r.stage)})
    return {"nodes": node_rows, "links": link_rows}


def _map(data: Any, res: Any, pairs: Any, period: str) -> dict[str, Any]:
    roles = figures.map_places(data, res, period)
    places = [{"id": n, "name": story.short(data.place_name.get(n, n)),
               "lat": float(data.coordinates[n][0]), "lon": float(data.coordinates[n][1]),
               "roles": sorted(r)}
              for n, r in roles.items() if n in data.coordinates]
    flows = [{"origin": str(r.origin), "destination": str(r.destination),
              "tonnes": float(r.tonnes), "origin_name": str(r.origin_name),
              "destination_name": str(r.destination_name)}
             for r in itertuples(pairs)]
    return {"places": places, "flows": flows}


def _changes(changes: Any) -> dict[str, Any] | None:
    if changes is None:
        return None
    rows = [{k: (v if isinstance(v, int | float) and not isinstance(v, bool) else _text(v))
             for k, v in row.items()} for row in getattr(changes, "rows", []) or []]
    return {"summary": [str(s) for s in getattr(changes, "summary", []) or []], "rows": rows}
