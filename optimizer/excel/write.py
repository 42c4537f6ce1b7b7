"""Results -> a workbook ministry staff can read. Written with xlsxwriter, atomically.

xlsxwriter is told never to turn strings into formulas, numbers or links, so every
user-supplied ID or name lands as literal text (a line called '=HYPERLINK(...)' stays
text); control characters are replaced before writing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from optimizer.excel.cells import clean_text
from optimizer.fileio import atomic_write
from optimizer.versions import package_versions

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    fmt: str = "text"  # text | t | money | pct | num | bool
    width: int = 14
    note: str = ""


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook, currency: str) -> None:
        self.book = book
        self.currency = currency
        base = {"font_name": "Calibri", "font_size": 10}
        self.formats = {
            "header": book.add_format({**base, "bold": True, "font_color": "#FFFFFF",
                                       "bg_color": "#1F4E78", "text_wrap": True,
                                       "valign": "top", "border": 1}),
            "title": book.add_format({**base, "bold": True, "font_size": 16}),
            "bold": book.add_format({**base, "bold": True}),
            "text": book.add_format({**base}),
            "wrap": book.add_format({**base, "text_wrap": True, "valign": "top"}),
            "t": book.add_format({**base, "num_format": '#,##0.0 "t"'}),
            "money": book.add_format({**base, "num_format": f'#,##0 "{currency}"'}),
            "pct": book.add_format({**base, "num_format": "0.0%"}),
            "num": book.add_format({**base, "num_format": "#,##0.##"}),
            "bool": book.add_format({**base}),
        }

    def text(self, ws: Any, row: int, col: int, value: object, fmt: str = "text") -> None:
        ws.write_string(row, col, clean_text(str(value)), self.formats[fmt])

    def cell(self, ws: Any, row: int, col: int, value: object, fmt: str) -> None:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(row, col, None, self.formats[fmt if fmt != "bool" else "text"])
        elif fmt == "bool":
            self.text(ws, row, col, "yes" if value else "no")
        elif fmt == "text" or isinstance(value, str):
            self.text(ws, row, col, value)
        else:
            ws.write_number(row, col, float(value), self.formats[fmt])  # type: ignore[arg-type]

    def table(self, name: str, df: pd.DataFrame, cols: Sequence[Col], intro: str) -> None:
        ws = self.book.add_worksheet(name)
        ws.merge_range(0, 0, 0, max(len(cols) - 1, 1), clean_text(intro), self.formats["wrap"])
        ws.set_row(0, 30)
        for j, c in enumerate(cols):
            self.text(ws, 1, j, c.header, "header")
            if c.note:
                ws.write_comment(1, j, clean_text(c.note), {"x_scale": 2, "y_scale": 1.5})
            ws.set_column(j, j, c.width)
        records = df.to_dict("records") if len(df) else []
        for i, rec in enumerate(records, start=2):
            for j, c in enumerate(cols):
                value = rec.get(c.key)
                if value is not None and not isinstance(value, str | bool) and pd.isna(value):
                    value = None
                self.cell(ws, i, j, value, c.fmt)
        ws.freeze_panes(2, 0)
        ws.autofilter(1, 0, max(len(records), 1) + 1, len(cols) - 1)
        _print_setup(ws, header_row=1)


def _print_setup(ws: Any, header_row: int | None = None) -> None:
    """Landscape, fit to one page wide, and the table header repeated on every page."""
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    if header_row is not None:
        ws.repeat_rows(header_row)


def write_results(path: Path, outcome: Any, started: dt.datetime) -> Path:
    """Write the results workbook of a solved run atomically; returns where it landed."""
    return atomic_write(path, lambda tmp: _write(tmp, outcome, started))


def _write(path: Path, outcome: Any, started: dt.datetime) -> None:
    data, res = outcome.data, outcome.results
    cur = data.currency
    book = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": False})
    w = _Writer(book, cur)
    _summary(w, outcome)
    names = data.place_name
    lines = res.lines.copy()
    lines["site_name"] = lines.site.map(lambda s: names.get(s, s))
    w.table("Lines", lines, [
        Col("line", "Line", width=10), Col("site", "Site", width=8),
        Col("technology", "Technology", width=11), Col("status", "Status", width=11),
        Col("built", "Built", "bool", 7), Col("build_period", "Built in", width=9),
        Col("capacity", "Capacity", "t", 12, "Most input per year"),
        Col("throughput", "Throughput", "t", 12, f"Input processed in {data.last_period}"),
        Col("utilisation", "Utilisation", "pct", 11, "Throughput / capacity"),
        Col("jobs", "Jobs", "num", 8),
        Col("margin", "Margin", "money", 14,
            "Value of outputs minus value of inputs at the marginal values of the "
            "materials at the line's site, minus variable and fixed cost, per year. "
            "Blank for lines not built."),
    ], f"Every candidate line, built or not. Period shown: {data.last_period}. Quantities "
       "are tonnes of input per year.")
    w.table("Flows", res.flows, [
        Col("lane", "Lane", width=22), Col("origin", "From", width=10),
        Col("destination", "To", width=10), Col("mode", "Mode", width=9),
        Col("material", "Material", width=14), Col("period", "Period", width=8),
        Col("tonnes", "Tonnes", "t", 12), Col("cost_per_t", f"{cur} per t", "num", 10,
                                               "Freight x volume factor + surcharge"),
        Col("cost", "Cost", "money", 14), Col("capacity", "Lane capacity", "t", 12),
    ], "Every transport lane used, with material, tonnes per year and cost.")
    w.table("Sales", res.sales[res.sales.tonnes > 1e-6], [
        Col("market", "Market", width=10), Col("material", "Product", width=16),
        Col("period", "Period", width=8), Col("tonnes", "Tonnes", "t", 12),
        Col("price", f"Price {cur}/t", "num", 11), Col("revenue", "Revenue", "money", 14),
        Col("sales_min", "Minimum", "t", 11, "Contracted minimum"),
        Col("sales_max", "Maximum", "t", 11, "Absorptive maximum; blank = unlimited"),
    ], "Sales by market and product.")
    w.table("Feedstock", res.purchases, [
        Col("source", "Offer", width=16), Col("material", "Material", width=14),
        Col("location", "Location", width=10), Col("period", "Period", width=8),
        Col("tonnes", "Used", "t", 12), Col("availability", "Available", "t", 12,
                                             "Blank = unlimited"),
        Col("price", f"Price {cur}/t", "num", 10), Col("cost", "Cost", "money", 14),
        Col("local", "Local", "bool", 7), Col("recovered", "Recovered waste", "bool", 10),
    ], "Feedstock use against availability, by offer.")
    _run_info(w, outcome, started)
    _issues(w, outcome)
    book.close()


def _summary(w: _Writer, outcome: Any) -> None:
    data, res, solve = outcome.data, outcome.results, outcome.solve
    k = res.kpis
    cur = data.currency
    ws = w.book.add_worksheet("Summary")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 3, 18)
    w.text(ws, 0, 0, f"chainopt results: {data.case_name}", "title")
    one_year = len(data.periods) == 1 and data.period_years[data.periods[0]] == 1
    per = " per year" if one_year else " (discounted, all periods)"
    headline = (
        f"Build {k['lines_built']} of {k['lines_candidates']} candidate lines at "
        f"{k['sites_used']} site(s). Net value {k['net_value'] / 1e6:,.2f} M {cur}"
        f"{per}"
        f", {k['jobs']:,.0f} jobs. {k['feedstock_tonnes'] / 1e3:,.1f} kt of feedstock "
        f"bought, of which {k['recovered_tonnes'] / 1e3:,.1f} kt recovered waste processed."
    )
    ws.set_row(1, 45)
    ws.merge_range(1, 0, 1, 3, clean_text(headline), w.formats["wrap"])
    w.text(ws, 2, 0, solve.describe(), "wrap")
    rows: list[tuple[str, object, str]] = [
        ("Solver status", solve.status.value, "text"),
        ("Net value (objective)", solve.objective, "money"),
        ("Best possible (bound)", solve.bound, "money"),
        ("Gap", solve.gap, "pct"),
        ("Solve time (s)", solve.seconds, "num"),
        ("Revenue", k["revenue"], "money"),
        ("Feedstock cost", k["cost_feedstock"], "money"),
        ("Variable processing cost", k["cost_variable"], "money"),
        ("Transport cost", k["cost_transport"], "money"),
        ("Disposal cost", k["cost_disposal"], "money"),
        ("Fixed cost of lines", k["cost_fixed"], "money"),
        ("Net value = revenue - costs", k["net_value"], "money"),
        ("Jobs", k["jobs"], "num"),
        ("Lines built", k["lines_built"], "num"),
        ("Candidate lines", k["lines_candidates"], "num"),
        ("Capex of lines built", k["capex"], "money"),
        ("Recovered waste processed", k["recovered_tonnes"], "t"),
        ("Independent check", "passed" if not outcome.check_findings else
         f"FAILED: {len(outcome.check_findings)} violation(s), see Issues", "text"),
    ]
    w.text(ws, 4, 0, "Key figures", "header")
    w.text(ws, 4, 1, "Value", "header")
    for i, (label, value, fmt) in enumerate(rows, start=5):
        w.text(ws, i, 0, label)
        w.cell(ws, i, 1, value, fmt)
    r0 = 6 + len(rows)
    w.text(ws, r0, 0, f"Feedstock used against availability ({data.last_period})", "bold")
    for j, h in enumerate(("Offer", "Used (t)", "Available (t)", "Share used")):
        w.text(ws, r0 + 1, j, h, "header")
    purchases = res.purchases[res.purchases.period == data.last_period]
    for i, rec in enumerate(purchases.to_dict("records"), start=r0 + 2):
        w.text(ws, i, 0, f"{rec['source']} ({rec['material']})")
        w.cell(ws, i, 1, rec["tonnes"], "t")
        avail = rec["availability"]
        avail = None if avail is None or pd.isna(avail) else avail
        if avail is None:
            w.text(ws, i, 2, "unlimited")
        else:
            w.cell(ws, i, 2, avail, "t")
        w.cell(ws, i, 3, rec["tonnes"] / avail if avail else None, "pct")
    _print_setup(ws)


def _run_info(w: _Writer, outcome: Any, started: dt.datetime) -> None:
    ws = w.book.add_worksheet("Run info")
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 70)
    s, solve = outcome.settings, outcome.solve
    rows: list[tuple[str, object]] = [
        ("Input file", outcome.input_path.name),
        ("Input SHA-256", outcome.input_sha256),
        ("Started", started.isoformat(timespec="seconds")),
        ("Finished", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("Solver", f"{solve.solver} {solve.solver_version}"),
        ("Solver termination", solve.termination),
        ("Time limit (s)", s.time_limit),
        ("Relative gap tolerance", s.mip_gap),
        ("Threads (0 = solver's choice)", s.threads),
        ("Objective", solve.objective),
        ("Bound", solve.bound),
        ("Gap", solve.gap),
    ]
    rows += [(f"Time: {phase} (s)", seconds) for phase, seconds in outcome.timings.items()]
    rows += [(f"Version: {name}", ver) for name, ver in package_versions().items()]
    w.text(ws, 0, 0, "Item", "header")
    w.text(ws, 0, 1, "Value", "header")
    for i, (label, value) in enumerate(rows, start=1):
        w.text(ws, i, 0, label)
        w.cell(ws, i, 1, value, "num" if isinstance(value, int | float) else "text")
    _print_setup(ws, header_row=0)


def _issues(w: _Writer, outcome: Any) -> None:
    ws = w.book.add_worksheet("Issues")
    cols = ("Severity", "Sheet", "Cell", "Column", "Value", "Message")
    widths = (10, 14, 8, 16, 18, 90)
    for j, (h, width) in enumerate(zip(cols, widths, strict=True)):
        w.text(ws, 0, j, h, "header")
        ws.set_column(j, j, width)
    row = 1
    for f in outcome.check_findings:
        for j, v in enumerate(("error", "(result check)", "", f.check, "", f.format())):
            w.text(ws, row, j, v)
        row += 1
    for issue in outcome.issues:
        values = (issue.severity.value, issue.sheet, issue.cell, issue.column, issue.value,
                  issue.message + (f" {issue.hint}" if issue.hint else ""))
        for j, v in enumerate(values):
            w.text(ws, row, j, v)
        row += 1
    if row == 1:
        w.text(ws, 1, 0, "none")
        w.text(ws, 1, 5, "No validation warnings; the independent check passed.")
    _print_setup(ws, header_row=0)
