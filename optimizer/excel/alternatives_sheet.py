"""The results workbook's Alternatives sheet: the closest other build sets of a normal run.

Written only when the run looked for them (``outcome.alternatives``, set by
optimizer/pipeline.py when `chainopt run` asks): rank 1 is the plan of the workbook, then
each plan found by no-good cuts (optimizer/alternatives.py ``closest_alternatives``) with
its net value, the difference from the best, jobs, recovered waste and the lines it adds
and drops (or, when the run had too little time for that search, the best plans of the
explanations' one-line changes: note "held", with its own text above the table). A note
under the table says when the list stopped early, was made that way or was not looked for,
and why when an alternative beats the workbook's own plan (the solve stopped within its
gap; the search solves each alternative to a gap of 1e-6).
"""

from __future__ import annotations

from typing import Any


def records(found: Any, lang: str) -> list[dict[str, object]]:
    """One row per plan, rank 1 the best (the sheet's table, also what tests read)."""
    from optimizer.report.i18n import tr

    best = found.best
    if best is None:
        return []
    rows: list[dict[str, object]] = [{
        "rank": 1, "net_value": best.net_value, "difference": 0.0, "jobs": best.jobs,
        "recovered": best.recovered, "added": tr("alt.best", lang), "dropped": ""}]
    none = tr("alt.none", lang)
    for i, plan in enumerate(found.plans, start=2):
        rows.append({"rank": i, "net_value": plan.net_value,
                     "difference": plan.net_value - best.net_value, "jobs": plan.jobs,
                     "recovered": plan.recovered, "added": ", ".join(plan.added) or none,
                     "dropped": ", ".join(plan.dropped) or none})
    return rows


def note(found: Any, lang: str, gap: float | None = None, currency: str = "USD") -> str:
    """The note under the table: why the list is short, and, when an alternative is better
    than the workbook's own plan, why (the solve's gap; see ``better_than_best``)."""
    from optimizer.alternatives import better_than_best
    from optimizer.report.i18n import tr

    parts: list[str] = []
    if found.note in ("time", "held"):
        parts.append(tr(f"alt.note.{found.note}", lang, n=len(found.plans)))
    elif found.note in ("none", "skipped"):
        parts.append(tr(f"alt.note.{found.note}", lang))
    better = better_than_best(found)
    if better is not None:
        from optimizer.report.numbers import money, percent

        rank, more = better
        parts.append(tr("alt.note.better", lang, rank=rank, more=money(more, currency, lang),
                        gap=percent(gap, lang, 2) if gap is not None else "mip_gap"))
    return " ".join(parts)


def write_alternatives(w: Any, outcome: Any) -> None:
    """The sheet, through write.py's writer ``w`` (its formats and words)."""
    from optimizer.excel.write import Col  # write.py imports this module

    found = getattr(outcome, "alternatives", None)
    if found is None:
        return
    cols = [
        Col("rank", w.tr("alt.col.rank"), "int", 7),
        Col("net_value", w.tr("alt.col.net_value"), "money", 18),
        Col("difference", w.tr("alt.col.difference"), "money", 18),
        Col("jobs", w.tr("alt.col.jobs"), "int", 10),
        Col("recovered", w.tr("alt.col.recovered"), "t", 16),
        Col("added", w.tr("alt.col.added"), "wrap", 30),
        Col("dropped", w.tr("alt.col.dropped"), "wrap", 30),
    ]
    intro = w.tr("alt.intro.held" if found.note == "held" else "alt.intro")
    ws, end = w.table("sheet.alternatives", records(found, w.lang), cols, intro)
    ws.set_row(0, 80)
    settings = getattr(outcome, "settings", None)
    text = note(found, w.lang, getattr(settings, "mip_gap", None), w.currency)
    if text:
        ws.merge_range(end + 1, 0, end + 1, len(cols) - 1, text, w.formats["note"])
        ws.set_row(end + 1, 15 * max(2, -(-len(text) // 110)))  # wrapped: ~110 a line
