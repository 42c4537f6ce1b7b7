"""What each page shows, computed from run records and page data (no Flask here, so the
HTML export and the tests use the same functions)."""

from __future__ import annotations

import math
from typing import Any

from optimizer.report import numbers as fmt
from optimizer.report.i18n import tr
from optimizer.report.numbers import SECONDS
from optimizer.web import charts
from optimizer.web.archive import Archive, CaseResult, Run

NBSP = "\u00a0"
HISTORY_KPIS = ("net_value", "jobs", "lines_built")
DELTA_KPIS = (("net_value", "web.net_value", "money"), ("revenue", "kpi.revenue", "money"),
              ("jobs", "kpi.jobs", "int"), ("lines_built", "kpi.lines_built", "int"),
              ("feedstock_tonnes", "kpi.feedstock", "t"),
              ("recovered_tonnes", "kpi.recovered", "t"))


def kpi_text(value: Any, kind: str, lang: str, currency: str) -> str:
    """A key figure written as the Summary sheet's number format shows it
    (optimizer/excel/write.py): '#,##0 "USD"', '#,##0 "t"', '0.0%', '#,##0', '0.00 "s"'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, str):
        return value
    v = float(value)
    if kind == "money":
        return f"{fmt.number(v, 0, lang)} {currency}"
    if kind == "t":
        return f"{fmt.number(v, 0, lang)} {tr('unit.t', lang)}"
    if kind == "pct":
        return f"{fmt.number(100 * v, 1, lang)}%"
    if kind == "int":
        return fmt.number(v, 0, lang)
    if kind == "sec":
        return f"{fmt.number(v, 2, lang)} {SECONDS[lang]}"
    return fmt.number(v, 2, lang)


def _signed(value: float | None, kind: str, lang: str, currency: str) -> str:
    text = kpi_text(value, kind, lang, currency)
    return f"+{text}" if value is not None and value > 0 else text


def _cell(value: Any, lang: str) -> str:
    """A change-report value: numbers as the language writes them, the rest as text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if not math.isfinite(float(value)):
        return ""
    return fmt.number(float(value), 0 if float(value).is_integer() else 2, lang)


def _number(value: Any, decimals: int, lang: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return fmt.number(float(value), decimals, lang)


def _percent(value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return fmt.percent(float(value), lang, 2)


def _duration(seconds: Any) -> str:
    if seconds is None:
        return ""
    s = round(float(seconds))
    return f"{s // 60} min {s % 60:02d} s" if s >= 60 else f"{s} s"


def _status(value: Any, lang: str) -> str:
    """A solver status from a run record, in words where the report has them."""
    key = {"optimal": "solver.optimal", "feasible": "solver.feasible"}.get(str(value))
    return tr(key, lang) if key else str(value or "")


FILTERS = {"status": _status, "cell": _cell, "num": _number, "pct": _percent,
           "duration": _duration, "kpi": kpi_text}


def plan_context(page: dict[str, Any], lang: str, run: Run | None, result: CaseResult | None,
                 cases: list[str], output_files: list[str], case: str) -> dict[str, Any]:
    texts = page["texts"].get(lang) or page["texts"]["en"]
    kpis = []
    for k in page["kpis"]:
        if k["fmt"] == "text":
            value = k["text"].get(lang, k["text"].get("en", ""))
            kpis.append({"key": k["key"], "label": tr(k["key"], lang), "value": value,
                         "raw": value})
        else:
            kpis.append({"key": k["key"], "label": tr(k["key"], lang),
                         "value": kpi_text(k.get("value"), k["fmt"], lang, page["currency"]),
                         "raw": "" if k.get("value") is None else repr(float(k["value"]))})
    lines = [{**r, "what_text": r["what"].get(lang, "")} for r in page["lines"]]
    figures = {"sankey": charts.sankey(page, lang), "map": charts.map_figure(page, lang),
               "net": charts.net_by_line(page, lang)}
    files: list[tuple[str, str]] = []
    if run is not None:
        files = [("archive", f"{run.run_id}/{name}") for name in run.files
                 if result is None or name.startswith(_stem(result.workbook))]
    published = [("output", name) for name in output_files
                 if name.startswith(f"{case}-latest") or name.endswith("-comparison.xlsx")]
    return {"page": page, "texts": texts, "kpis": kpis, "lines": lines, "figures": figures,
            "run": run, "result": result, "cases": cases, "case": case, "files": files,
            "published": published}


def _stem(name: str | None) -> str:
    return "" if not name else name.rsplit(".", 1)[0]


def history_context(runs: list[Run], case: str, cases: list[str], lang: str,
                    currency: str = "") -> dict[str, Any]:
    points = []
    for run in reversed(runs):  # oldest first on the chart
        for c in run.cases:
            if c.case != case or c.objective is None:
                continue
            net = c.kpis.get("net_value", c.objective)
            points.append({"run_id": run.run_id, "date": _date(run), "net_value": net,
                           "jobs": c.kpis.get("jobs"), "lines_built": c.kpis.get("lines_built")})
    rows = []
    for run in runs:
        reasons = [run.exit_meaning] if run.failed and run.exit_meaning else []
        if run.error:
            reasons.append(run.error)
        for c in run.cases:
            errors = [i for i in c.issues if i.get("severity") == "error"]
            for issue in errors[:3]:
                reasons.append(f"{c.case}: {issue_text(issue)}")
            if len(errors) > 3:
                reasons.append(f"{c.case}: … +{len(errors) - 3}")
        rows.append({"run": run, "date": _date(run), "reasons": reasons})
    return {"figure": charts.history(points, lang, currency), "rows": rows, "case": case,
            "cases": cases, "count": len(runs)}


def issue_text(issue: dict[str, Any]) -> str:
    """'Markets!D2 (price) = 'about 900': This is not a number. Expected: ...'"""
    where = "!".join(str(x) for x in (issue.get("sheet"), issue.get("cell")) if x)
    if issue.get("column"):
        where += f" ({issue['column']})"
    if issue.get("value") not in (None, ""):
        where += f" = {issue['value']!r}"
    text = f"{where}: {issue.get('message', '')}" if where else str(issue.get("message", ""))
    if issue.get("expected"):
        text += f" Expected: {issue['expected']}."
    return text


def _date(run: Run) -> str:
    return run.start[:19].replace("T", " ") if run.start else run.run_id


def run_context(archive: Archive, run: Run, lang: str) -> dict[str, Any]:
    cases = []
    for c in run.cases:
        page = None
        if c.page:
            try:
                page = archive.page(run, c)
            except Exception:  # unreadable page data: the record still shows
                page = None
        previous = archive.previous(run.run_id, c.case)
        before = next((p for p in previous.cases if p.case == c.case), None) \
            if previous else None
        deltas = []
        if before is not None:
            for key, label, kind in DELTA_KPIS:
                a, b = before.kpis.get(key), c.kpis.get(key)
                if a is None and b is None:
                    continue
                currency = page["currency"] if page else ""
                deltas.append({"label": tr(label, lang),
                               "before": kpi_text(a, kind, lang, currency),
                               "now": kpi_text(b, kind, lang, currency),
                               "delta": _signed(None if a is None or b is None else b - a,
                                                kind, lang, currency),
                               "up": None if a is None or b is None else b - a})
        changes = (page or {}).get("changes") or c.changes
        files = [f"{run.run_id}/{name}" for name in run.files
                 if c.workbook and name.startswith(_stem(c.workbook))]
        cases.append({"result": c, "page": page, "previous": previous, "deltas": deltas,
                      "changes": changes, "files": files})
    return {"run": run, "cases": cases}
