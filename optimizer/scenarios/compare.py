"""The comparison workbook of a scenario set or a sweep, in the style (and languages) of
the results workbook: no-regret lines first, KPIs side by side with the difference from
the base, the build matrix, the flows and sales that differ most, charts, and each
scenario's overrides as applied. Written atomically (optimizer/fileio.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from optimizer.excel.cells import clean_text
from optimizer.excel.write import WORKBOOK_OPTIONS, Col, _chart, _print_setup, _Writer
from optimizer.fileio import atomic_write
from optimizer.report.i18n import check_lang
from optimizer.scenarios.runner import ScenarioResult
from optimizer.scenarios.spec import BASE

# Words of this workbook, en / az / ru (the results workbook's live in report/i18n.py).
WORDS: dict[str, tuple[str, str, str]] = {
    "title": ("Scenario comparison: {case}", "Ssenari müqayisəsi: {case}",
              "Сравнение сценариев: {case}"),
    "intro": ("Each scenario is the base case with the changes listed on the Overrides "
              "sheet, solved on its own. Differences are scenario minus base.",
              "Hər ssenari Overrides vərəqində sadalanan dəyişikliklərlə əsas haldır və ayrıca "
              "həll olunur. Fərqlər: ssenari çıxılsın əsas hal.",
              "Каждый сценарий — базовый случай с изменениями с листа Overrides, решённый "
              "отдельно. Разности: сценарий минус база."),
    "no_regret": ("No-regret lines: which candidate lines are built in every scenario",
                  "Peşmançılıqsız xətlər: hansı xətlər hər ssenaridə tikilir",
                  "Линии без сожалений: какие линии строятся во всех сценариях"),
    "kpis": ("Key figures by scenario", "Ssenarilər üzrə əsas göstəricilər",
             "Ключевые показатели по сценариям"),
    "failed": ("Scenarios without a plan", "Planı olmayan ssenarilər", "Сценарии без плана"),
    "sheet.summary": ("Summary", "Xülasə", "Сводка"),
    "sheet.matrix": ("Build matrix", "Tikinti matrisi", "Матрица строительства"),
    "sheet.diff": ("Differences", "Fərqlər", "Различия"),
    "sheet.charts": ("Charts", "Diaqramlar", "Диаграммы"),
    "sheet.overrides": ("Overrides", "Overrides", "Overrides"),
    "sheet.sweep": ("Sweep", "Sürüşmə", "Развёртка"),
    "line": ("Line", "Xətt", "Линия"),
    "site": ("Site", "Sahə", "Площадка"),
    "technology": ("Technology", "Texnologiya", "Технология"),
    "built_in": ("Built in", "Tikilir", "Строится"),
    "which": ("In which scenarios", "Hansı ssenarilərdə", "В каких сценариях"),
    "all": ("all", "hamısında", "во всех"),
    "some": ("some", "bəzilərində", "в некоторых"),
    "none": ("none", "heç birində", "ни в одном"),
    "scenario": ("Scenario", "Ssenari", "Сценарий"),
    "status": ("Status", "Status", "Статус"),
    "reason": ("Reason", "Səbəb", "Причина"),
    "net_value": ("Net value", "Xalis dəyər", "Чистая стоимость"),
    "d_net_value": ("Net value − base", "Xalis dəyər − əsas", "Чистая стоимость − база"),
    "jobs": ("Jobs", "İş yerləri", "Рабочие места"),
    "d_jobs": ("Jobs − base", "İş yerləri − əsas", "Рабочие места − база"),
    "lines_built": ("Lines built", "Tikilən xətlər", "Построено линий"),
    "d_lines_built": ("Lines − base", "Xətlər − əsas", "Линии − база"),
    "recovered": ("Recovered waste", "Bərpa olunmuş tullantı", "Вторсырьё"),
    "d_recovered": ("Recovered − base", "Bərpa − əsas", "Вторсырьё − база"),
    "capex": ("Capex", "Kapital xərci", "Капзатраты"),
    "d_capex": ("Capex − base", "Kapital − əsas", "Капзатраты − база"),
    "changes": ("Lines that differ from base", "Əsasdan fərqli xətlər",
                "Линии, отличные от базы"),
    "what": ("What", "Nə", "Что"),
    "item": ("Item", "Element", "Позиция"),
    "spread": ("Spread (max − min)", "Yayılma (maks − min)", "Разброс (макс − мин)"),
    "sales": ("sales", "satış", "продажи"),
    "flow": ("flow", "daşıma", "поток"),
    "purchase": ("purchase", "alış", "закупка"),
    "change": ("Change", "Dəyişiklik", "Изменение"),
    "order": ("Order", "Sıra", "Порядок"),
    "from_sheet": ("Defined at", "Harada", "Где задано"),
    "chart.net": ("Net value by scenario", "Ssenarilər üzrə xalis dəyər",
                  "Чистая стоимость по сценариям"),
    "chart.jobs": ("Jobs by scenario", "Ssenarilər üzrə iş yerləri",
                   "Рабочие места по сценариям"),
    "chart.sweep": ("Net value against the swept value (switching points marked)",
                    "Xalis dəyər sürüşdürülən dəyərə görə (keçid nöqtələri işarələnib)",
                    "Чистая стоимость от значения параметра (точки переключения отмечены)"),
    "chart.sweep_jobs": ("Jobs and lines against the swept value",
                         "İş yerləri və xətlər sürüşdürülən dəyərə görə",
                         "Рабочие места и линии от значения параметра"),
    "switching": ("Switching points: where the set of lines built changes",
                  "Keçid nöqtələri: tikilən xətlərin dəsti dəyişdiyi yerlər",
                  "Точки переключения: где меняется набор строящихся линий"),
    "switch_at": ("Switches at", "Keçid", "Переключение при"),
    "cell_value": ("Cell value there", "Xanadakı dəyər", "Значение ячейки"),
    "sentence": ("In words", "Sözlə", "Словами"),
    "base_only": ("(base case: no change)", "(əsas hal: dəyişiklik yoxdur)",
                  "(базовый случай: без изменений)"),
    "written": ("Written {when}", "Yazılıb {when}", "Записано {when}"),
}


def word(key: str, lang: str, **values: object) -> str:
    return WORDS[key][("en", "az", "ru").index(lang)].format(**values)


def no_regret_table(results: Mapping[str, ScenarioResult]) -> pd.DataFrame:
    """One row per line: built in all / some (which) / none of the scenarios with a plan."""
    solved = {n: r for n, r in results.items() if r.has_plan}
    lines: dict[str, dict[str, Any]] = {}
    for r in solved.values():
        for row in r.lines.itertuples(index=False):
            lines.setdefault(row.line, {"line": row.line, "site": row.site,
                                        "technology": row.technology})
    rows = []
    for line, info in lines.items():
        where = [n for n, r in solved.items() if line in r.built]
        kind = "all" if len(where) == len(solved) else "some" if where else "none"
        rows.append({**info, "built_in": kind, "scenarios": ", ".join(where),
                     "count": len(where)})
    order = {"all": 0, "some": 1, "none": 2}
    frame = pd.DataFrame(rows, columns=["line", "site", "technology", "built_in",
                                        "scenarios", "count"])
    if frame.empty:
        return frame
    frame["_o"] = frame.built_in.map(order)
    return frame.sort_values(["_o", "count", "line"], ascending=[True, False, True]) \
        .drop(columns="_o").reset_index(drop=True)


def build_matrix(results: Mapping[str, ScenarioResult]) -> pd.DataFrame:
    """Lines x scenarios: True where built."""
    table = no_regret_table(results)
    solved = [n for n, r in results.items() if r.has_plan]
    out = table[["line", "site"]].copy()
    for name in solved:
        out[name] = out.line.isin(results[name].built)
    return out


def kpi_table(results: Mapping[str, ScenarioResult]) -> pd.DataFrame:
    base = results.get(BASE)
    rows = []
    for name, r in results.items():
        k = r.kpis
        row: dict[str, Any] = {"scenario": name, "status": r.status, "reason": r.reason,
                               "net_value": r.net_value, "jobs": k.get("jobs"),
                               "lines_built": k.get("lines_built"),
                               "recovered": k.get("recovered_tonnes"), "capex": k.get("capex")}
        for key in ("net_value", "jobs", "lines_built", "recovered", "capex"):
            have = base is not None and base.has_plan and r.has_plan and row[key] is not None
            row[f"d_{key}"] = (row[key] - _base_kpi(base, key)) if have else None
        rows.append(row)
    return pd.DataFrame(rows)


def _base_kpi(base: ScenarioResult | None, key: str) -> float:
    assert base is not None
    if key == "net_value":
        return float(base.net_value or 0.0)
    name = {"recovered": "recovered_tonnes"}.get(key, key)
    return float(base.kpis.get(name) or 0.0)


def differences(results: Mapping[str, ScenarioResult], top: int = 40) -> pd.DataFrame:
    """Sales, flows and purchases whose tonnes differ most across the scenarios."""
    solved = {n: r for n, r in results.items() if r.has_plan}
    series: dict[tuple[str, str], dict[str, float]] = {}
    for name, r in solved.items():
        for row in r.sales.itertuples(index=False):
            series.setdefault(("sales", f"{row.material} @ {row.market}"), {})[name] = \
                float(row.tonnes)
        for row in r.flows.itertuples(index=False):
            key = ("flow", f"{row.material} {row.origin} → {row.destination} ({row.lane})")
            series.setdefault(key, {})[name] = float(row.tonnes)
        for row in r.purchases.itertuples(index=False):
            if row.tonnes > 1e-6:
                series.setdefault(("purchase", f"{row.material} from {row.source}"), {})[name] = \
                    float(row.tonnes)
    rows = []
    for (kind, item), values in series.items():
        full = {n: values.get(n, 0.0) for n in solved}
        spread = max(full.values()) - min(full.values())
        if spread > 0.5:
            rows.append({"what": kind, "item": item, "spread": spread, **full})
    frame = pd.DataFrame(rows, columns=["what", "item", "spread", *solved])
    return frame.sort_values("spread", ascending=False).head(top).reset_index(drop=True)


# ---- the workbook ----------------------------------------------------------------------


def write_comparison(path: Path, results: Mapping[str, ScenarioResult], case_name: str,
                     currency: str, lang: str = "en", sweep: pd.DataFrame | None = None,
                     descriptions: Mapping[str, str] | None = None) -> Path:
    """Write the comparison workbook atomically; returns where it landed."""
    lang = check_lang(lang)
    tables = {"no_regret": no_regret_table(results), "kpis": kpi_table(results),
              "matrix": build_matrix(results), "diff": differences(results)}
    return atomic_write(path, lambda tmp: _write(tmp, results, tables, case_name, currency,
                                                 lang, sweep, descriptions or {}))


def _write(path: Path, results: Mapping[str, ScenarioResult], tables: dict[str, pd.DataFrame],
           case: str, currency: str, lang: str, sweep: pd.DataFrame | None,
           descriptions: Mapping[str, str]) -> None:
    book = xlsxwriter.Workbook(str(path), dict(WORKBOOK_OPTIONS))
    book.set_properties({"title": word("title", lang, case=case), "subject": "chainopt",
                         "author": "chainopt"})
    w = _Writer(book, currency, lang)
    summary = _summary(w, results, tables, case)
    if sweep is not None:
        _sweep(w, sweep)
    _matrix(w, tables["matrix"])
    _diff(w, tables["diff"])
    if len(results) > 1:
        _charts(w, tables["kpis"])
    _overrides(w, results, descriptions)
    summary.activate()
    book.close()


def _summary(w: _Writer, results: Mapping[str, ScenarioResult],
             tables: dict[str, pd.DataFrame], case: str) -> Any:
    lang = w.lang
    ws = book_sheet(w, "sheet.summary")
    w.text(ws, 0, 0, word("title", lang, case=case), "title")
    ws.merge_range(1, 0, 1, 8, clean_text(word("intro", lang)), w.formats["note"])
    ws.set_row(1, 30)
    w.text(ws, 2, 0, word("written", lang, when=dt.datetime.now().astimezone()
                          .strftime("%Y-%m-%d %H:%M %Z")), "note1")
    row = 4
    w.text(ws, row, 0, word("no_regret", lang), "section")
    row += 1
    # one grid for both tables: the KPI columns set the widths, the list of scenarios
    # where a line is built spans the KPI columns to its right
    for col, width in enumerate((18, 14, 16, 16, 10, 10, 10, 10, 14, 14, 16, 16, 50)):
        ws.set_column(col, col, width)
    cols = [Col("line", word("line", lang)), Col("site", word("site", lang)),
            Col("technology", word("technology", lang)),
            Col("built_in", word("built_in", lang))]
    w.header(ws, row, cols, widths=False)
    ws.merge_range(row, 4, row, 12, word("which", lang), w.formats["header"])
    row += 1
    for rec in tables["no_regret"].to_dict("records"):
        some = rec["built_in"] == "some"
        rec["built_in"] = word(str(rec["built_in"]), lang)
        w.rows(ws, row, [rec], cols)
        text = clean_text(str(rec["scenarios"])) if some else ""
        ws.merge_range(row, 4, row, 12, text, w.formats["text"])
        row += 1
    row += 2
    w.text(ws, row, 0, word("kpis", lang), "section")
    row += 1
    kcols = [Col("scenario", word("scenario", lang), width=18),
             Col("status", word("status", lang), width=14),
             Col("net_value", word("net_value", lang), "money", 16),
             Col("d_net_value", word("d_net_value", lang), "money", 16),
             Col("jobs", word("jobs", lang), "int", 10),
             Col("d_jobs", word("d_jobs", lang), "int", 10),
             Col("lines_built", word("lines_built", lang), "int", 10),
             Col("d_lines_built", word("d_lines_built", lang), "int", 10),
             Col("recovered", word("recovered", lang), "t", 14),
             Col("d_recovered", word("d_recovered", lang), "t", 14),
             Col("capex", word("capex", lang), "money", 16),
             Col("d_capex", word("d_capex", lang), "money", 16),
             Col("reason", word("reason", lang), "wrap", 50)]
    w.header(ws, row, kcols, widths=False)
    row = w.rows(ws, row + 1, tables["kpis"].to_dict("records"), kcols)
    ws.freeze_panes(0, 1)
    _print_setup(ws)
    return ws


def book_sheet(w: _Writer, key: str) -> Any:
    return w.book.add_worksheet(word(key, w.lang)[:31])


def _matrix(w: _Writer, matrix: pd.DataFrame) -> None:
    ws = book_sheet(w, "sheet.matrix")
    names = [c for c in matrix.columns if c not in ("line", "site")]
    cols = [Col("line", word("line", w.lang), width=10), Col("site", word("site", w.lang),
                                                             width=10)]
    cols += [Col(n, n, "bool", width=max(10, min(24, len(n) + 2))) for n in names]
    w.intro(ws, word("no_regret", w.lang), len(cols) - 1, height=20)
    w.header(ws, 1, cols)
    end = w.rows(ws, 2, matrix.to_dict("records"), cols)
    ws.conditional_format(2, 2, max(end - 1, 2), len(cols) - 1, {
        "type": "cell", "criteria": "==", "value": f'"{w.tr("yes")}"',
        "format": w.book.add_format({"bg_color": "#C6EFCE"})})
    ws.freeze_panes(2, 2)
    _print_setup(ws, header_row=1)


def _diff(w: _Writer, diff: pd.DataFrame) -> None:
    ws = book_sheet(w, "sheet.diff")
    names = [c for c in diff.columns if c not in ("what", "item", "spread")]
    cols = [Col("what", word("what", w.lang), width=10),
            Col("item", word("item", w.lang), width=44),
            Col("spread", word("spread", w.lang), "t", 14)]
    cols += [Col(n, n, "t", 14) for n in names]
    w.intro(ws, word("sheet.diff", w.lang), len(cols) - 1, height=20)
    w.header(ws, 1, cols)
    records = diff.to_dict("records")
    for rec in records:
        rec["what"] = word(str(rec["what"]), w.lang)
    w.rows(ws, 2, records, cols)
    ws.freeze_panes(2, 2)
    _print_setup(ws, header_row=1)


def _charts(w: _Writer, kpis: pd.DataFrame) -> None:
    ws = book_sheet(w, "sheet.charts")
    data = kpis[kpis.net_value.notna()]
    name = ws.get_name()
    w.header(ws, 0, [Col("s", word("scenario", w.lang), width=18),
                     Col("n", word("net_value", w.lang), "money", 16),
                     Col("j", word("jobs", w.lang), "int", 10)])
    for i, rec in enumerate(data.itertuples(index=False)):
        w.text(ws, i + 1, 0, rec.scenario)
        w.cell(ws, i + 1, 1, rec.net_value, "money")
        w.cell(ws, i + 1, 2, rec.jobs, "int")
    n = len(data)
    for col, key, place in ((1, "chart.net", "E2"), (2, "chart.jobs", "E24")):
        chart = _chart(w, "bar", None, word(key, w.lang))
        chart.add_series({"categories": [name, 1, 0, n, 0], "values": [name, 1, col, n, col],
                          "name": word(key, w.lang), "data_labels": {"value": True},
                          "fill": {"color": "#2E75B6"}})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 640, "height": max(300, 24 * n + 80)})
        ws.insert_chart(place, chart)
    _print_setup(ws)


def _sweep(w: _Writer, frame: pd.DataFrame) -> None:
    ws = book_sheet(w, "sheet.sweep")
    axes = frame.attrs.get("axes", ())
    labels = [a.label for a in axes]
    money = [c for c in frame.columns if c.startswith("net_value_") or c.startswith("capex_")]
    cols = [Col(lbl, lbl, "num", 18) for lbl in labels]
    cols += [Col("status", word("status", w.lang), width=12)]
    cols += [Col(c, c, "money", 16) for c in money]
    cols += [Col("jobs", word("jobs", w.lang), "int", 10),
             Col("lines_built", word("lines_built", w.lang), "int", 10),
             Col("built", word("which", w.lang), "wrap", 50)]
    w.intro(ws, word("chart.sweep", w.lang), len(cols) - 1, height=20)
    w.header(ws, 1, cols)
    end = w.rows(ws, 2, frame.to_dict("records"), cols)
    name = ws.get_name()
    switches = frame.attrs.get("switching_points", pd.DataFrame())
    row = end + 2
    w.text(ws, row, 0, word("switching", w.lang), "section")
    scols = [Col("parameter", word("what", w.lang), width=30),
             Col("switch_at", word("switch_at", w.lang), "num", 14),
             Col("cell_value_at_switch", word("cell_value", w.lang), "num", 14)]
    last = max(len(cols) - 1, 4)
    w.header(ws, row + 1, scols, widths=False)
    ws.merge_range(row + 1, 3, row + 1, last, word("sentence", w.lang), w.formats["header"])
    srow = row + 2
    for rec in switches.to_dict("records"):  # the sentence spans the columns to the right
        w.rows(ws, srow, [rec], scols)
        ws.merge_range(srow, 3, srow, last, clean_text(str(rec["sentence"])),
                       w.formats["wrap"])
        ws.set_row(srow, 30)
        srow += 1
    if len(axes) == 1 and end > 2 and money:
        net_col = len(labels) + 1
        chart = _chart(w, "scatter", "straight_with_markers", word("chart.sweep", w.lang))
        chart.add_series({"name": money[0], "categories": [name, 2, 0, end - 1, 0],
                          "values": [name, 2, net_col, end - 1, net_col],
                          "marker": {"type": "circle"}})
        if len(switches):
            # the switching points as a second series: x = switch, y = net value just below
            helper = srow + 2
            w.text(ws, helper - 1, 0, word("chart.sweep", w.lang), "note1")
            for i, rec in enumerate(switches.itertuples(index=False)):
                ws.write_number(helper + i, 0, float(rec.switch_at))
                below = frame[frame[labels[0]] <= rec.switch_at][money[0]].dropna()
                ws.write_number(helper + i, 1, float(below.iloc[-1]) if len(below) else 0.0)
            chart.add_series({"name": word("switch_at", w.lang),
                              "categories": [name, helper, 0, helper + len(switches) - 1, 0],
                              "values": [name, helper, 1, helper + len(switches) - 1, 1],
                              "line": {"none": True},
                              "marker": {"type": "diamond", "size": 10,
                                         "fill": {"color": "#C00000"}}})
        chart.set_x_axis({"name": labels[0]})
        chart.set_size({"width": 720, "height": 360})
        chart_row = srow + 4 + len(switches)
        ws.insert_chart(chart_row, 0, chart)
        jobs = _chart(w, "scatter", "straight_with_markers", word("chart.sweep_jobs", w.lang))
        for key, col in (("jobs", net_col + len(money)), ("lines_built", net_col + len(money) + 1)):
            jobs.add_series({"name": word(key, w.lang), "categories": [name, 2, 0, end - 1, 0],
                             "values": [name, 2, col, end - 1, col],
                             **({"y2_axis": True} if key == "lines_built" else {})})
        jobs.set_x_axis({"name": labels[0]})
        jobs.set_size({"width": 720, "height": 320})
        ws.insert_chart(chart_row, 6, jobs)
    ws.freeze_panes(2, 0)
    _print_setup(ws, header_row=1)


def _overrides(w: _Writer, results: Mapping[str, ScenarioResult],
               descriptions: Mapping[str, str]) -> None:
    ws = book_sheet(w, "sheet.overrides")
    cols = [Col("scenario", word("scenario", w.lang), width=22),
            Col("order", word("order", w.lang), "int", 8),
            Col("change", word("change", w.lang), "wrap", 70),
            Col("description", word("sentence", w.lang), "wrap", 50)]
    w.header(ws, 0, cols)
    records: list[dict[str, object]] = []
    for name, r in results.items():
        changes: Sequence[str] = r.overrides or (word("base_only", w.lang),)
        for i, text in enumerate(changes, start=1):
            records.append({"scenario": name, "order": i, "change": text,
                            "description": descriptions.get(name, "") if i == 1 else ""})
    w.rows(ws, 1, records, cols)
    ws.freeze_panes(1, 1)
    _print_setup(ws, header_row=0)
