"""Results -> a workbook ministry staff can read, in English, Azerbaijani or Russian.

Written with xlsxwriter, atomically (optimizer/fileio.py). Sheets: Summary (headline,
key figures, solver status and what limits the plan in words, native charts), Lines,
Feedstock, Flows, Markets, Sites, Value chain (Sankey diagram and map, also saved as PNG
next to the workbook), Marginal values, Assumptions, Run info, Issues, and Changes when a
nightly run supplies them. Every word comes from optimizer/report/i18n.py.

xlsxwriter is told never to turn strings into formulas, numbers or links, so every
user-supplied ID or name lands as literal text (a line called '=HYPERLINK(...)' stays
text); control characters are replaced before writing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import gc
import io
import logging
import math
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from models.chain.rows import itertuples
from models.validation.issues import more_text
from optimizer.excel import alternatives_sheet, economics_sheet
from optimizer.excel.cells import chart_text, clean_text, shorten
from optimizer.fileio import atomic_write
from optimizer.report import figures, story
from optimizer.report import numbers as fmt
from optimizer.report.i18n import check_lang, tr
from optimizer.report.numbers import SECONDS
from optimizer.versions import package_versions

log = logging.getLogger(__name__)

WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": False,
}
HEADER_FILL = "#1F4E78"
TOTAL_FILL = "#DDEBF7"
K_UNIT = {"en": "k", "az": "min", "ru": "тыс."}
CHART_ROWS = 30
SANKEY_SCALE = 0.68
MAP_SCALE = 0.62


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    fmt: str = "text"  # text | wrap | t | money | price | mv | pct | int | num | bool
    width: float = 14
    note: str = ""


@dataclass
class Report:
    """Everything computed before the workbook is opened (so a failure leaves no file)."""

    lang: str
    period: str
    sankey: pd.DataFrame
    map_lines: pd.DataFrame
    images: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook, currency: str, lang: str,
                 stream: bool = True) -> None:
        self.book = book
        self.stream = stream  # False: every sheet in memory (the tests' reference)
        self.currency = currency
        self.lang = lang
        t = tr("unit.t", lang)
        cur = shorten(currency.replace('"', ""), 24)  # inside number formats
        base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
        spec: dict[str, dict[str, object]] = {
            "header": {"bold": True, "font_color": "#FFFFFF", "bg_color": HEADER_FILL,
                       "text_wrap": True, "border": 1, "border_color": "#9BB7D4"},
            "title": {"bold": True, "font_size": 16, "font_color": HEADER_FILL},
            "section": {"bold": True, "font_size": 12, "font_color": HEADER_FILL},
            "headline": {"font_size": 12, "text_wrap": True},
            "bold": {"bold": True},
            "text": {},
            "wrap": {"text_wrap": True},
            "note": {"italic": True, "font_color": "#555555", "text_wrap": True},
            "note1": {"italic": True, "font_color": "#555555"},
            "t": {"num_format": f'#,##0 "{t}"'},
            "money": {"num_format": f'#,##0 "{cur}"'},
            "money_k": {"num_format": f'#,##0, "{K_UNIT[lang]} {cur}";-#,##0, "{K_UNIT[lang]} '
                                      f'{cur}";"–"'},
            "general": {"num_format": "General", "align": "left"},
            "num0": {"num_format": "#,##0"},
            "price": {"num_format": f'#,##0 "{cur}/{t}"'},
            "mv": {"num_format": f'#,##0.00 "{cur}"'},
            "pct": {"num_format": "0.0%"},
            "int": {"num_format": "#,##0"},
            "num": {"num_format": "#,##0.00"},
            "sec": {"num_format": f'0.00 "{SECONDS[lang]}"'},
            "bool": {"align": "center"},
        }
        self.formats = {k: book.add_format({**base, **v}) for k, v in spec.items()}
        self.totals = {k: book.add_format({**base, **v, "bold": True, "bg_color": TOTAL_FILL,
                                           "top": 1})
                       for k, v in spec.items() if k not in ("header", "title", "section")}

    def tr(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def text(self, ws: Any, row: int, col: int, value: object, fmt_name: str = "text",
             total: bool = False) -> None:
        f = (self.totals if total else self.formats)[fmt_name]
        ws.write_string(row, col, clean_text(str(value)), f)

    def cell(self, ws: Any, row: int, col: int, value: object, fmt_name: str,
             total: bool = False) -> None:
        formats = self.totals if total else self.formats
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            ws.write_blank(row, col, None, formats["text" if fmt_name == "bool" else fmt_name])
        elif fmt_name == "bool":
            self.text(ws, row, col, self.tr("yes") if value else self.tr("no"), "bool", total)
        elif fmt_name in ("text", "wrap") or isinstance(value, str):
            self.text(ws, row, col, value, fmt_name if fmt_name in ("text", "wrap") else "text",
                      total)
        else:
            ws.write_number(row, col, float(value), formats[fmt_name])  # type: ignore[arg-type]

    def sheet(self, key: str, stream: bool = False) -> Any:
        """A new worksheet. ``stream=True``: its rows go to disk as they are written
        (xlsxwriter's constant_memory, for this sheet only), so a sheet of any length
        costs the same memory; every write must then be in row order (a cell, merge or
        row height above the last row written is silently lost: tests/
        test_results_workbook.py compares streamed and in-memory workbooks cell by cell).
        The Summary writes its chart data beside merged cells out of row order, so it
        stays in memory."""
        if not (stream and self.stream):
            return self.book.add_worksheet(self.tr(key))
        # xlsxwriter reads the workbook's flag when it adds a sheet, and its packager
        # checks each sheet's own flag; the workbook's stays off so that close() does not
        # treat the in-memory sheets as streamed
        self.book.constant_memory = True
        try:
            return self.book.add_worksheet(self.tr(key))
        finally:
            self.book.constant_memory = False

    def intro(self, ws: Any, text: str, last_col: int, height: float = 45) -> None:
        ws.merge_range(0, 0, 0, max(last_col, 1), clean_text(text), self.formats["note"])
        ws.set_row(0, height)

    def header(self, ws: Any, row: int, cols: Sequence[Col], widths: bool = True) -> None:
        ws.set_row(row, 13.5 * max(_lines_needed(c.header, c.width) for c in cols) + 3)
        for j, c in enumerate(cols):
            self.text(ws, row, j, c.header, "header")
            if c.note:
                ws.write_comment(row, j, clean_text(c.note), {"x_scale": 2, "y_scale": 1.5})
            if widths:
                ws.set_column(j, j, c.width)

    def rows(self, ws: Any, row: int, records: Iterable[dict[str, object]],
             cols: Sequence[Col],
             total: bool = False) -> int:
        """One row per record, as ``cell`` writes each value (the common cases inline:
        this loop writes every cell of the big sheets)."""
        wrapped = [c for c in cols if c.fmt == "wrap"]
        formats = self.totals if total else self.formats
        text_format = formats["text"]
        yes, no = self.tr("yes"), self.tr("no")
        plan = [(j, c.key, c.fmt, formats[c.fmt], c.fmt in ("text", "wrap"))
                for j, c in enumerate(cols)]
        write_string, write_number = ws.write_string, ws.write_number
        # An empty cell of a data row is not written: its format (font, number format)
        # shows nothing without a value, so it looks the same as no cell (a fifth of the
        # cells of the big sheets, each a call and an XML element). A totals row's empty
        # cells keep their fill and border.
        write_blank = ws.write_blank if total else _no_cell
        for rec in records:
            if wrapped:  # explicit heights: not every viewer grows rows for wrapped text
                need = max(_lines_needed(str(rec.get(c.key) or ""), c.width) for c in wrapped)
                if need > 1:
                    ws.set_row(row, 13.5 * need + 2)
            get = rec.get
            for j, key, kind, f, textual in plan:
                value = get(key)
                if value is None or (type(value) is float and not math.isfinite(value)):
                    write_blank(row, j, None, text_format if kind == "bool" else f)
                elif type(value) is str:
                    write_string(row, j, clean_text(value), f if textual else text_format)
                elif kind == "bool":
                    if not isinstance(value, bool) and pd.isna(value):
                        write_blank(row, j, None, text_format)
                    else:
                        write_string(row, j, clean_text(yes if value else no),
                                     formats["bool"])
                elif textual:
                    if not isinstance(value, bool) and pd.isna(value):
                        write_blank(row, j, None, f)
                    else:
                        write_string(row, j, clean_text(str(value)), f)
                elif type(value) is float or type(value) is int or type(value) is bool:
                    write_number(row, j, float(value), f)
                elif not isinstance(value, str) and pd.isna(value):  # pandas' missing
                    write_blank(row, j, None, text_format if kind == "bool" else f)
                else:  # numpy numbers, str subclasses: as cell()
                    self.cell(ws, row, j, value, kind, total)
            row += 1
        return row

    def table(self, key: str, records: Iterable[dict[str, object]], cols: Sequence[Col],
              intro: str, totals: list[dict[str, object]] | None = None,
              intro_height: float = 45, stream: bool = False) -> tuple[Any, int]:
        """A sheet holding one table: intro in row 1, header in row 2, data, totals.
        ``stream``: see ``sheet`` (what the caller writes after must be below ``end``)."""
        ws = self.sheet(key, stream)
        self.intro(ws, intro, len(cols) - 1, intro_height)
        self.header(ws, 1, cols)
        end = self.rows(ws, 2, records, cols)
        ws.autofilter(1, 0, max(end - 1, 2), len(cols) - 1)
        if totals:
            end = self.rows(ws, end, totals, cols, total=True)
        ws.freeze_panes(2, 1)
        _print_setup(ws, header_row=1)
        return ws, end


def _no_cell(row: int, col: int, blank: None, cell_format: Any) -> None:
    """An empty data cell: nothing to write (``_Writer.rows``)."""


def _records(df: pd.DataFrame, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    """``df.to_dict("records")`` a chunk at a time: the streamed sheets then hold only a
    chunk of rows in memory, however long the table."""
    for start in range(0, len(df), chunk):
        yield from df.iloc[start:start + chunk].to_dict("records")


def _lines_needed(text: str, width: float) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide (a little spare)."""
    per_line = max(width * 1.2 - 1, 4)
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, math.ceil(len(part) / per_line))
    return lines


def _print_setup(ws: Any, header_row: int | None = None) -> None:
    """Landscape, fit to one page wide, A4, and the table header repeated on every page."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&L&A&R&P / &N")
    if header_row is not None:
        ws.repeat_rows(header_row)


def _explicit_axes(chart: Any) -> Any:
    """Write <c:delete val="0"/> on every visible axis (xlsxwriter omits it; some Excel
    versions then hide the axis), in the schema's place: just before <c:axPos>."""
    written = {"delete": False}
    write_delete = chart._write_delete
    write_pos = chart._write_axis_pos

    def on_delete(val: int) -> None:
        written["delete"] = True
        write_delete(val)

    def on_pos(*args: Any) -> None:
        if not written["delete"]:
            write_delete(0)
        written["delete"] = False
        write_pos(*args)

    chart._write_delete = on_delete
    chart._write_axis_pos = on_pos
    return chart


# ---- entry points -------------------------------------------------------------------------

def write_results(path: Path, outcome: Any, started: dt.datetime, lang: str = "en",
                  pdf: bool = False) -> Path:
    """Write the results workbook of a solved run atomically; returns where it landed.

    Also writes ``<name>-sankey.png``, ``<name>-map.png`` and ``<name>-page.json`` (the
    data of the web page, optimizer/report/page.py) next to it, and with
    ``pdf`` a ``<name>.pdf`` through LibreOffice when it is installed (a warning says so
    when it is not; the workbook is written either way).
    """
    lang = check_lang(lang)
    report = prepare_report(outcome, lang)
    written = atomic_write(path, lambda tmp: _write_book(tmp, path, outcome, started, report))
    for name, data in report.images.items():
        atomic_write(written.with_name(f"{written.stem}-{name}.png"),
                     lambda tmp, data=data: tmp.write_bytes(data))  # type: ignore[misc]
    _write_page_data(written, outcome, report, started)
    if pdf:
        from optimizer.report.pdf import PdfError, export_pdf, unavailable_reason

        reason = unavailable_reason()
        left = outcome.seconds_left() if hasattr(outcome, "seconds_left") else None
        if reason:
            log.warning("PDF not written: %s", reason)
        elif left is not None and left < PDF_MIN_SECONDS:
            log.warning("PDF not written: the run's time limit is used up (%.0f s left); "
                        "rerun with a longer --time-limit, or convert the workbook later",
                        left)
        else:
            try:
                timeout = 240.0 if left is None else min(240.0, left)
                log.info("PDF: %s", export_pdf(written, written.with_suffix(".pdf"),
                                               timeout=timeout))
            except PdfError as exc:
                log.warning("PDF not written: %s", exc)
    return written


PDF_MIN_SECONDS = 10.0  # LibreOffice needs a few seconds to start at all


def _write_page_data(written: Path, outcome: Any, report: Report, started: dt.datetime) -> None:
    """``<name>-page.json`` beside the workbook: what `chainopt serve` and `run --html` show
    (optimizer/report/page.py). A failure here never costs the workbook."""
    import json

    from optimizer.report.page import page_data

    try:
        text = json.dumps(page_data(outcome, report, started), ensure_ascii=False)
        def write(tmp: Path) -> None:
            tmp.write_text(text, encoding="utf-8")

        atomic_write(written.with_name(f"{written.stem}-page.json"), write)
    except (OSError, ValueError, KeyError, AttributeError) as exc:
        log.warning("page data not written beside %s: %s", written.name, exc)


def prepare_report(outcome: Any, lang: str, draw: bool = True) -> Report:
    """Marginal values (if the pipeline has not computed them), figures and warnings.

    The figures come from ``outcome.figure_job`` when a run started drawing them beside
    its explanations (``start_figures``) in this language; else they are drawn here.
    ``draw=False`` leaves the PNG figures out (bench/bench_writer.py times the workbook
    alone); the workbook then says there is nothing to draw."""
    from optimizer.explain import explain_plan

    data, res = outcome.data, outcome.results
    if not res.explained and getattr(outcome, "model", None) is not None:
        start = time.perf_counter()
        # explaining may take up to three times the solve, within 5 s to 60 s
        budget = min(60.0, max(5.0, 3.0 * float(getattr(outcome.solve, "seconds", 0.0))))
        explain_plan(outcome.model, data, res, outcome.settings, time_budget=budget)
        outcome.timings["explain"] = time.perf_counter() - start
    job = getattr(outcome, "figure_job", None)
    if not (draw and isinstance(job, FigureJob) and job.lang == lang):
        job = None
    pictures = job.pictures if job is not None else figure_tables(data, res, lang)
    report = Report(lang, pictures.period, pictures.sankey, pictures.map_lines)
    skipped = _note_count(res.explain_notes, "entry_skipped")
    if skipped:  # said on the Issues sheet too, not only in Run info
        report.warnings.append(tr("run.explain_cut", lang, n=skipped))
    if pictures.missing:
        report.warnings.append(tr("chain.map_missing", lang,
                                  places=", ".join(pictures.missing)))
        log.info("map left out: no coordinates for %s", ", ".join(pictures.missing))
    if draw:
        report.images.update(job.images() if job is not None else
                             draw_figures(data, res, pictures))
    return report


@dataclass
class Pictures:
    """What the Sankey diagram and the map show: their tables (which the workbook also
    lists) and whether the map can be drawn (every place has coordinates)."""

    lang: str
    period: str
    sankey: pd.DataFrame
    map_lines: pd.DataFrame
    missing: list[str]
    draw_map: bool


def figure_tables(data: Any, res: Any, lang: str) -> Pictures:
    """The figures' tables for the last period. They read the plan's flows, never the
    explanations' columns, so they may be taken before the explanations are done."""
    period = data.last_period
    map_lines = figures.map_lines(data, res, period)
    missing = figures.missing_coordinates(data, res, period)
    return Pictures(lang, period, figures.sankey_links(data, res, period), map_lines, missing,
                    not missing and bool(len(map_lines) or res.kpis.get("lines_built")))


def draw_figures(data: Any, res: Any, pictures: Pictures) -> dict[str, bytes]:
    """The PNG images: Sankey diagram (when anything flows) and map (when it can be drawn)."""
    images: dict[str, bytes] = {}
    if len(pictures.sankey):
        images["sankey"] = figures.draw_sankey(data, pictures.sankey, pictures.lang,
                                               pictures.period)
    if pictures.draw_map:
        images["map"] = figures.draw_map(data, res, pictures.map_lines, pictures.lang,
                                         pictures.period)
    return images


# The figures' thread runs at this much lower priority (Linux: per thread), below the
# explanations' re-plan workers (solve.py REPLAN_WORKER_NICE = 10) it is started beside.
FIGURES_NICE = 19


class FigureJob:
    """The figures drawn in a background thread while the run goes on.

    A run starts it when its explanations begin their MILP re-plans (``start_figures``):
    those spend their time inside HiGHS, which releases the GIL, so on two cores the
    drawing uses what they leave, and the write phase waits only for the rest. The thread
    runs at the lowest priority (``FIGURES_NICE``): at normal priority it took a core from
    the re-plan workers, and on the bundled case 1-20 of its 36 lines kept the "at most"
    bound because the re-plans' time ran out (0 with the drawing left out).
    The thread reads its own copies of the tables the map reads (the explanations add
    columns to them meanwhile); matplotlib is used through its object API only, never
    from two threads at once. ``images()`` waits for the thread and re-raises what it
    raised, so a failure surfaces in the write phase exactly as before.
    """

    def __init__(self, data: Any, res: Any, lang: str) -> None:
        self.pictures = figure_tables(data, res, lang)
        own = dataclasses.replace(res, lines=res.lines.copy(), purchases=res.purchases.copy(),
                                  sales=res.sales.copy(), flows=res.flows.copy())
        self._images: dict[str, bytes] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._draw, args=(data, own),
                                        name="chainopt-figures")
        self._thread.start()

    @property
    def lang(self) -> str:
        return self.pictures.lang

    def _draw(self, data: Any, res: Any) -> None:
        _lower_this_threads_priority(FIGURES_NICE)
        try:
            self._images = draw_figures(data, res, self.pictures)
        except BaseException as exc:  # handed to the write phase, which reports it
            self._error = exc

    def images(self) -> dict[str, bytes]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return dict(self._images)


def _lower_this_threads_priority(nice: int) -> None:
    """On Linux ``setpriority`` with a thread's id changes that thread alone (elsewhere
    the id may name nothing, or a whole process: the thread keeps its priority there).
    Raising one's own nice value needs no privilege; it cannot be lowered back, and does
    not have to be: the thread ends with the figures."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)


def start_figures(outcome: Any, lang: str) -> None:
    """Start drawing the run's figures in ``lang`` (once; a no-op when already started or
    when the run has no results)."""
    if getattr(outcome, "figure_job", None) is None and outcome.results is not None:
        outcome.figure_job = FigureJob(outcome.data, outcome.results, check_lang(lang))


def _write_book(tmp: Path, target: Path, outcome: Any, started: dt.datetime,
                report: Report) -> None:
    """xlsxwriter reports a failed save (disk full, folder gone) as FileCreateError, not
    OSError: turn it back into the OSError it wraps, named by the intended file, so every
    caller reports it as exit 41 with the path and the reason."""
    failure: OSError | None = None
    hook = sys.unraisablehook
    # xlsxwriter leaves its half-written zip open; when the failure's traceback is dropped
    # the zip's __del__ fails again on the full disk and Python prints "Exception
    # ignored ... Traceback" on stderr: that second report goes to the debug log instead
    sys.unraisablehook = _unraisable_to_debug_log
    try:
        try:
            _write(tmp, outcome, started, report)
        except FileCreateError as exc:
            inner = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            failure = OSError(inner.errno if inner and inner.errno else errno.EIO,
                              inner.strerror if inner and inner.strerror else str(exc),
                              str(target))
            del inner  # its traceback holds xlsxwriter's open zip: let it go now
            # ... and collect it while the hook is set. Only here: a full collection walks
            # every object of the run, the Pyomo model's too (0.1 s of the bundled case's
            # write, for nothing when the save succeeded)
            gc.collect()
    finally:
        sys.unraisablehook = hook
    if failure is not None:
        raise failure


def _unraisable_to_debug_log(unraisable: Any) -> None:
    log.debug("ignored while cleaning up a failed write: %r", unraisable.exc_value)


def _write(path: Path, outcome: Any, started: dt.datetime, report: Report,
           stream: bool = True) -> None:
    """The workbook; ``stream=False`` keeps every sheet in memory (see _Writer.sheet)."""
    data = outcome.data
    book = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": False})
    book.set_properties({"title": tr("summary.title", report.lang, case=data.case_name),
                         "subject": "chainopt", "author": "chainopt"})
    w = _Writer(book, data.currency, report.lang, stream)
    summary = _summary(w, outcome, report)
    _lines(w, outcome, report)
    _feedstock(w, outcome, report)
    _flows(w, outcome)
    _markets(w, outcome, report)
    _sites(w, outcome)
    economics_sheet.write_economics(w, outcome)
    _value_chain(w, outcome, report)
    _marginal(w, outcome)
    alternatives_sheet.write_alternatives(w, outcome)  # only when the run looked for them
    from optimizer.shared_limits import write_shared_limits  # solve-path imports: lazily

    write_shared_limits(w, outcome)
    _assumptions(w, outcome)
    _run_info(w, outcome, started)
    _issues(w, outcome, report)
    changes = getattr(outcome, "changes", None)
    if changes is not None:
        _changes(w, changes)
    summary.activate()
    book.close()


# ---- Summary ------------------------------------------------------------------------------

def _summary(w: _Writer, outcome: Any, report: Report) -> Any:
    data, res, solve = outcome.data, outcome.results, outcome.solve
    lang = w.lang
    ws = w.sheet("sheet.summary")
    ws.hide_gridlines(2)
    for col, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(col, col, width)
    last_col = len(SUMMARY_WIDTHS) - 1
    w.text(ws, 0, 0, w.tr("summary.title", case=data.case_name), "title")
    ws.set_row(0, 24)
    ws.merge_range(1, 0, 1, last_col, clean_text(story.headline(data, res, lang)),
                   w.formats["headline"])
    ws.set_row(1, 50)
    ws.merge_range(2, 0, 2, last_col,
                   clean_text(story.status_words(solve, outcome.settings, lang)),
                   w.formats["wrap"])
    ws.set_row(2, 18)
    rows = kpi_rows(outcome, lang)
    top = 4
    w.text(ws, top, 0, w.tr("summary.key_figures"), "header")
    w.text(ws, top, 1, w.tr("summary.value"), "header")
    for i, (key, value, f) in enumerate(rows, start=top + 1):
        strong = key in ("kpi.net", "kpi.objective")
        w.text(ws, i, 0, w.tr(key), "bold" if strong else "text")
        w.cell(ws, i, 1, value, f)
    end_kpi = top + len(rows)
    # what limits the plan, to the right of the key figures
    ws.merge_range(top, 3, top, last_col, w.tr("summary.limits_title"), w.formats["header"])
    ws.merge_range(top + 1, 3, top + 2, last_col, clean_text(w.tr("summary.limits_intro")),
                   w.formats["note"])
    sentences = story.binding_limits(data, res, lang) or [
        w.tr("summary.no_limits" if res.explained and "lp_failed" not in res.explain_notes
             else "summary.no_explain")]
    row = top + 3
    width = sum(SUMMARY_WIDTHS[3:])
    for sentence in sentences:
        span = max(1, _lines_needed(sentence, width) - 0)
        span = 2 if span <= 2 else span
        ws.merge_range(row, 3, row + span - 1, last_col, clean_text("• " + sentence),
                       w.formats["wrap"])
        row += span
    row = max(row, end_kpi + 1) + 1
    ws.set_h_pagebreaks([row])
    w.text(ws, row, 0, w.tr("summary.charts"), "section")
    _summary_charts(w, ws, outcome, report, row + 1)
    _print_setup(ws)
    return ws


def kpi_rows(outcome: Any, lang: str) -> list[tuple[str, object, str]]:
    """The key figures of the Summary sheet: (i18n key, value, format). The web pages and
    the HTML export show the same rows (optimizer/report/page.py)."""
    res, solve = outcome.results, outcome.solve
    k = res.kpis
    return [
        ("kpi.status", story.status_short(solve, lang), "text"),
        ("kpi.objective", solve.objective, "money"),
        ("kpi.bound", solve.bound, "money"),
        ("kpi.gap", solve.gap, "pct"),
        ("kpi.seconds", solve.seconds, "sec"),
        ("kpi.revenue", k["revenue"], "money"),
        ("kpi.cost_feedstock", k["cost_feedstock"], "money"),
        ("kpi.cost_variable", k["cost_variable"], "money"),
        ("kpi.cost_transport", k["cost_transport"], "money"),
        ("kpi.cost_disposal", k["cost_disposal"], "money"),
        ("kpi.cost_fixed", k["cost_fixed"], "money"),
        *economics_sheet.summary_rows(outcome.data, k),
        ("kpi.net", k["net_value"], "money"),
        ("kpi.jobs", k["jobs"], "int"),
        ("kpi.lines_built", k["lines_built"], "int"),
        ("kpi.candidates", k["lines_candidates"], "int"),
        ("kpi.sites_used", k["sites_used"], "int"),
        ("kpi.capex", k["capex"], "money"),
        ("kpi.feedstock", k["feedstock_tonnes"], "t"),
        ("kpi.recovered", k["recovered_tonnes"], "t"),
        ("kpi.sales", k["sales_tonnes"], "t"),
        ("kpi.check", tr("check.passed", lang) if not outcome.check_findings else
         tr("check.failed", lang, n=len(outcome.check_findings)), "text"),
    ]


SUMMARY_WIDTHS = (38, 18, 3, 12, 15, 3, 26, 13, 13, 13)


def _chart(w: _Writer, kind: str, subtype: str | None, title: str) -> Any:
    spec = {"type": kind}
    if subtype:
        spec["subtype"] = subtype
    chart = _explicit_axes(w.book.add_chart(spec))
    chart.set_title({"name": chart_text(title), "name_font": {"size": 11, "bold": True}})
    chart.set_chartarea({"border": {"none": True}})
    return chart


def _summary_charts(w: _Writer, ws: Any, outcome: Any, report: Report, row: int) -> None:
    """Four native charts (two rows of two) on the second page; the numbers they show in
    tables on the third page (columns D-J, never A, which holds the key figures)."""
    data, res = outcome.data, outcome.results
    lang, cur, period = w.lang, chart_text(data.currency, 24), report.period
    chart_w = 520
    grid = {"visible": True, "line": {"color": "#D9D9D9"}}
    sheet = ws.get_name()
    k_fmt = {"en": '#,##0,"k"', "az": '#,##0," min"', "ru": '#,##0," тыс."'}[lang]
    m_fmt = {"en": '#,##0.0,,"M"', "az": '#,##0.0,," mln"', "ru": '#,##0.0,," млн"'}[lang]
    kt_fmt = {"en": '#,##0.0,"kt"', "az": '#,##0.0," min t"', "ru": '#,##0.0," тыс. т"'}[lang]

    def ref(r0: int, c0: int, r1: int, c1: int) -> list[object]:
        return [sheet, r0, c0, r1, c1]

    lines = res.lines[res.lines.built.astype(bool)].sort_values("net_value", ascending=False)
    rest = lines.iloc[CHART_ROWS:]  # a chart stays readable: the largest, then the rest
    lines = lines.iloc[:CHART_ROWS]
    other = float(res.unattributed.net_value.sum()) if len(res.unattributed) else 0.0
    n_lines = len(lines) + (1 if abs(other) > 0.5 else 0) + (1 if len(rest) else 0)
    bought = res.purchases[res.purchases.period == period]
    if len(bought) > CHART_ROWS:
        bought = bought.sort_values("tonnes", ascending=False).iloc[:CHART_ROWS]
    sold = res.sales[res.sales.period == period]
    by_market = sold.groupby("market", sort=False).agg(tonnes=("tonnes", "sum"),
                                                         revenue=("revenue", "sum"))
    by_market = by_market[by_market.tonnes > 1e-6].sort_values("revenue", ascending=False)
    h1 = max(330, 15 * n_lines + 90)
    h3 = max(330, 17 * len(bought) + 110)
    row2 = row + math.ceil(h1 / 20) + 1
    data_row = row2 + math.ceil(h3 / 20) + 3
    ws.set_h_pagebreaks([row - 1, data_row - 1])
    w.text(ws, data_row - 1, 3, w.tr("summary.chart_data"), "section")
    # 1. net value by line (built lines, largest first) ----------------------------------
    r = data_row
    w.text(ws, r, 3, w.tr("col.line"), "header")
    w.text(ws, r, 4, w.tr("col.net_value"), "header")
    first = r + 1
    for rec in itertuples(lines):
        r += 1
        w.text(ws, r, 3, shorten(rec.line))  # the full name is on the Lines sheet
        w.cell(ws, r, 4, float(rec.net_value), "money")
    if len(rest):
        r += 1
        w.text(ws, r, 3, w.tr("chart.other_lines", n=len(rest)))
        w.cell(ws, r, 4, float(rest.net_value.sum()), "money")
    if abs(other) > 0.5:
        r += 1
        w.text(ws, r, 3, w.tr("chart.other"))
        w.cell(ws, r, 4, other, "money")
    last = r
    chart = _chart(w, "bar", None, w.tr("chart.net_by_line", period=period))
    if last >= first:
        chart.add_series({"name": chart_text(w.tr("col.net_value")),
                          "categories": ref(first, 3, last, 3),
                          "values": ref(first, 4, last, 4), "fill": {"color": HEADER_FILL},
                          "invert_if_negative": False, "gap": 40,
                          "data_labels": {"value": True, "num_format": k_fmt,
                                          "position": "outside_end", "font": {"size": 7}}})
    chart.set_x_axis({"num_format": k_fmt, "major_gridlines": grid, "name": cur,
                      "num_font": {"size": 8}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 7}, "label_position": "low"})
    chart.set_legend({"none": True})
    chart.set_size({"width": chart_w, "height": h1})
    if last >= first:  # a chart without data cannot be written
        ws.insert_chart(row, 0, chart, {"object_position": 3})
    # 2. revenue and costs stacked by kind -------------------------------------------------
    c0 = 6
    kinds = [("kpi.revenue", "revenue"), ("kpi.cost_feedstock", "cost_feedstock"),
             ("kpi.cost_variable", "cost_variable"), ("kpi.cost_transport", "cost_transport"),
             ("kpi.cost_disposal", "cost_disposal"), ("kpi.cost_fixed", "cost_fixed"),
             ("chart.costs_net", "net_value")]
    if economics_sheet.uses_economics(outcome.data):
        kinds.insert(-1, ("kpi.cost_economics", "cost_economics"))
    head = ("", w.tr("chart.costs_revenue"), w.tr("chart.costs_costs"), w.tr("chart.costs_net"))
    r = data_row
    for j, h in enumerate(head):
        w.text(ws, r, c0 + j, h, "header")
    colours: tuple[str, ...] = ("#2E75B6", "#C55A11", "#BF9000", "#548235", "#7030A0",
                               "#7F7F7F", "#1F4E78")
    if len(kinds) > len(colours):  # the economics' bar comes before the net value
        colours = (*colours[:-1], "#A5A5A5", colours[-1])
    chart = _chart(w, "column", "stacked", w.tr("chart.costs", period=period))
    annual = _annual_parts(res, period)
    for i, (key, part) in enumerate(kinds):
        r += 1
        value = annual[part]
        col = 1 if part == "revenue" else 3 if part == "net_value" else 2
        w.text(ws, r, c0, w.tr(key))
        for j in (1, 2, 3):
            w.cell(ws, r, c0 + j, value if j == col else None, "money")
        chart.add_series({"name": ref(r, c0, r, c0),
                          "categories": ref(data_row, c0 + 1, data_row, c0 + 3),
                          "values": ref(r, c0 + 1, r, c0 + 3),
                          "fill": {"color": colours[i]}, "gap": 50,
                          "data_labels": {"value": abs(value) >= 0.02 * abs(
                              annual["revenue"] or 1.0),
                              "num_format": m_fmt, "font": {"size": 8, "color": "#FFFFFF",
                                                            "bold": True}}})
    chart.set_y_axis({"num_format": m_fmt, "name": cur, "major_gridlines": grid})
    chart.set_x_axis({"num_font": {"size": 9}})
    chart.set_legend({"position": "right", "font": {"size": 8}})
    chart.set_size({"width": chart_w, "height": 330})
    ws.insert_chart(row, 0, chart, {"x_offset": chart_w + 20, "object_position": 3})
    # 3. feedstock use against availability ------------------------------------------------
    r = data_row + len(kinds) + 2
    w.text(ws, r, c0, w.tr("col.offer"), "header")
    w.text(ws, r, c0 + 1, w.tr("chart.used"), "header")
    w.text(ws, r, c0 + 2, w.tr("chart.available"), "header")
    first = r + 1
    for rec in itertuples(bought):
        r += 1
        w.text(ws, r, c0, shorten(rec.source))
        w.cell(ws, r, c0 + 1, float(rec.tonnes), "t")
        avail = rec.availability
        w.cell(ws, r, c0 + 2, None if avail is None or avail != avail else float(avail), "t")
    last = r
    chart = _chart(w, "bar", None, w.tr("feed.chart", period=period))
    if last >= first:
        for j, colour in ((1, "#2E75B6"), (2, "#BDD7EE")):
            chart.add_series({"name": ref(first - 1, c0 + j, first - 1, c0 + j),
                              "categories": ref(first, c0, last, c0),
                              "values": ref(first, c0 + j, last, c0 + j),
                              "fill": {"color": colour}, "gap": 40, "overlap": -10,
                              "data_labels": {"value": j == 1, "num_format": kt_fmt,
                                              "font": {"size": 7}}})
    chart.set_x_axis({"num_format": "#,##0", "name": chart_text(tr("unit.t", lang)),
                      "major_gridlines": grid, "num_font": {"size": 8}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 7}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": chart_w, "height": h3})
    if last >= first:
        ws.insert_chart(row2, 0, chart, {"object_position": 3})
    # 4. sales by market -----------------------------------------------------------------
    r = last + 2
    for j, h in enumerate((w.tr("col.market"), w.tr("col.tonnes"), w.tr("col.revenue"))):
        w.text(ws, r, c0 + j, h, "header")
    first = r + 1
    for market, rec in by_market.iterrows():
        r += 1
        w.text(ws, r, c0, shorten(story.short(data.place_name.get(str(market), str(market)))))
        w.cell(ws, r, c0 + 1, float(rec.tonnes), "t")
        w.cell(ws, r, c0 + 2, float(rec.revenue), "money")
    last = r
    chart = _chart(w, "column", None, w.tr("chart.sales", period=period))
    if last >= first:
        chart.add_series({"name": ref(first - 1, c0 + 2, first - 1, c0 + 2),
                          "categories": ref(first, c0, last, c0),
                          "values": ref(first, c0 + 2, last, c0 + 2),
                          "fill": {"color": "#548235"}, "gap": 60,
                          "data_labels": {"value": True, "num_format": m_fmt,
                                          "font": {"size": 8}}})
    chart.set_y_axis({"num_format": m_fmt, "name": cur, "major_gridlines": grid})
    chart.set_x_axis({"num_font": {"size": 8}})
    chart.set_legend({"none": True})
    chart.set_size({"width": chart_w, "height": 330})
    if last >= first:
        ws.insert_chart(row2, 0, chart, {"x_offset": chart_w + 20, "object_position": 3})


def _annual_parts(res: Any, period: str) -> dict[str, float]:
    """Revenue and each cost in one period, per year (not discounted), from the tables."""
    def total(df: pd.DataFrame, col: str) -> float:
        return float(df[df.period == period][col].sum()) if len(df) else 0.0
    parts = {"revenue": total(res.sales, "revenue"),
             "cost_feedstock": total(res.purchases, "cost"),
             "cost_variable": total(res.line_periods, "cost_variable"),
             "cost_transport": total(res.flows, "cost"),
             "cost_disposal": total(res.disposals, "cost"),
             "cost_fixed": total(res.line_periods, "cost_fixed")}
    parts["cost_economics"] = economics_sheet.annual_economics(res, period)
    parts["net_value"] = parts["revenue"] - sum(v for k, v in parts.items() if k != "revenue")
    return parts


# ---- Lines --------------------------------------------------------------------------------

def _lines(w: _Writer, outcome: Any, report: Report) -> None:
    data, res = outcome.data, outcome.results
    lang = w.lang
    lines = res.lines.copy()
    money = ("sales_revenue", "transfers_out", "feedstock", "transfers_in", "transport",
             "disposal", "cost_variable", "cost_fixed", "net_value")
    products = story.main_products(data)
    def records() -> Iterator[dict[str, object]]:
        for rec in itertuples(lines):
            row = rec._asdict()
            built = bool(rec.built)
            row["product"] = products.get(rec.line, "")
            row["built_words"] = w.tr("yes") if built and rec.status == "candidate" else \
                w.tr(f"status.{rec.status}") if rec.status != "candidate" else w.tr("no")
            row["capex"] = data.capex.get(rec.line) if rec.status == "candidate" else None
            value_to_plan = getattr(rec, "value_to_plan", None)
            if built and value_to_plan is not None and value_to_plan == value_to_plan:
                row["change"] = -float(value_to_plan)
            elif not built:
                row["change"] = getattr(rec, "change_if_built", None)
            replan = getattr(rec, "replan_change", None)
            row["replan"] = replan if replan is not None and replan == replan else None
            row["what"] = story.entry_text(rec, data, lang)
            if not built:
                for key in (*money, "throughput", "utilisation", "capacity_value"):
                    row[key] = None
            yield row
    other = res.unattributed[res.unattributed.period == report.period] \
        if len(res.unattributed) else pd.DataFrame()
    cols = [
        Col("line", w.tr("col.line"), width=8), Col("site", w.tr("col.site"), width=7),
        Col("technology", w.tr("col.technology"), width=10),
        Col("product", w.tr("col.product"), "wrap", 18),
        Col("built_words", w.tr("col.built"), "text", 8),
        Col("build_period", w.tr("col.build_period"), width=8),
        Col("capacity", w.tr("col.capacity"), "t", 9, w.tr("note.capacity")),
        Col("throughput", w.tr("col.throughput"), "t", 9,
            w.tr("note.throughput", period=report.period)),
        Col("utilisation", w.tr("col.utilisation"), "pct", 9, w.tr("note.utilisation")),
        Col("sales_revenue", w.tr("col.sales_revenue"), "money_k", 12),
        Col("transfers_out", w.tr("col.transfers_out"), "money_k", 12),
        Col("feedstock", w.tr("col.feedstock_cost"), "money_k", 12),
        Col("transfers_in", w.tr("col.transfers_in"), "money_k", 12),
        Col("transport", w.tr("col.transport"), "money_k", 12),
        Col("disposal", w.tr("col.disposal"), "money_k", 12),
        Col("cost_variable", w.tr("col.cost_variable"), "money_k", 12),
        Col("cost_fixed", w.tr("col.cost_fixed"), "money_k", 12),
        Col("net_value", w.tr("col.net_value"), "money_k", 12,
            w.tr("note.net_value") + " " + w.tr("note.transfers")),
        Col("jobs", w.tr("col.jobs"), "int", 7),
        Col("capex", w.tr("col.capex"), "money_k", 12),
        Col("capacity_value", w.tr("col.capacity_value"), "mv", 11,
            w.tr("note.capacity_value")),
        Col("change", w.tr("col.change"), "money_k", 12, w.tr("note.change")),
        Col("replan", w.tr("col.replan"), "money_k", 12, w.tr("note.replan")),
        Col("what", w.tr("col.what_it_takes"), "wrap", 52),
    ]
    built = lines[lines.built.astype(bool)]
    sums = {c: float(built[c].sum()) for c in (*money, "jobs")}
    totals: list[dict[str, object]] = []
    if len(other) and float(other.net_value.abs().sum()) > 0.5:
        totals.append({"line": w.tr("chart.other"), "sales_revenue": float(other.revenue.sum()),
                       "feedstock": float(other.feedstock.sum()),
                       "transport": float(other.transport.sum()),
                       "disposal": float(other.disposal.sum()),
                       "net_value": float(other.net_value.sum())})
        for key, col in (("sales_revenue", "revenue"), ("feedstock", "feedstock"),
                         ("transport", "transport"), ("disposal", "disposal"),
                         ("net_value", "net_value")):
            sums[key] += float(other[col].sum())
    totals.append({"line": w.tr("total"), **sums,
                   "capex": float(sum(data.capex.get(ln, 0.0) for ln in built.line
                                      if ln not in data.lines_existing))})
    net = fmt.money(float(sums["net_value"]), data.currency, lang)
    other_value = fmt.money(float(other.net_value.sum()) if len(other) else 0.0,
                            data.currency, lang)
    w.table("sheet.lines", records(), cols,
            w.tr("lines.intro", period=report.period, other=other_value, net=net), totals,
            intro_height=48, stream=True)


# ---- Feedstock ----------------------------------------------------------------------------

def _feedstock(w: _Writer, outcome: Any, report: Report) -> None:
    data, res = outcome.data, outcome.results
    def records() -> Iterator[dict[str, object]]:
        for rec in _records(res.purchases):
            avail = rec["availability"]
            limited = avail is not None and avail == avail
            yield ({**rec, "material_name": story.short(
                data.material_name.get(rec["material"], rec["material"])),
                "location_name": story.short(data.place_name.get(rec["location"],
                                                                 rec["location"])),
                "share": rec["tonnes"] / avail if limited and avail else None,
                "availability": avail if limited else w.tr("unlimited")})
    cols = [
        Col("source", w.tr("col.offer"), width=16), Col("material", w.tr("col.material"),
                                                         width=12),
        Col("material_name", w.tr("col.material_name"), width=24),
        Col("location_name", w.tr("col.location"), width=20),
        Col("period", w.tr("col.period"), width=8),
        Col("tonnes", w.tr("col.used"), "t", 11),
        Col("availability", w.tr("col.available"), "t", 12, w.tr("note.available")),
        Col("share", w.tr("col.share_used"), "pct", 9),
        Col("offtake_min", w.tr("col.offtake_min"), "t", 11),
        Col("price", w.tr("col.price"), "price", 12), Col("cost", w.tr("col.cost"), "money", 13),
        Col("local", w.tr("col.local"), "bool", 7),
        Col("recovered", w.tr("col.recovered"), "bool", 10),
        Col("marginal_value", w.tr("col.value_more_t"), "mv", 13),
    ]
    totals = [{"source": w.tr("total"), "tonnes": float(res.purchases.tonnes.sum()),
               "cost": float(res.purchases.cost.sum())}] if len(data.periods) == 1 else []
    ws, end = w.table("sheet.feedstock", records(), cols, w.tr("feed.intro"), totals,
                      stream=True)
    # source-by-line allocation matrix, in tonnes, for the report period
    alloc = res.allocation
    alloc = alloc[(alloc.period == report.period) & (alloc.origin_kind == "source")] \
        if len(alloc) else alloc
    if alloc.empty:
        return
    row = end + 2
    w.text(ws, row, 0, w.tr("feed.matrix_title", period=report.period), "section")
    w.text(ws, row + 1, 0, w.tr("feed.matrix_note"), "note1")
    fed = set(alloc.use[alloc.use_kind == "line"])
    users = [ln for ln in res.lines.line if ln in fed]
    unprocessed = w.tr("feed.unprocessed")
    by_use = alloc.assign(use=alloc.use.where(alloc.use_kind == "line", unprocessed))
    matrix = by_use.pivot_table(index="origin", columns="use", values="tonnes",
                                aggfunc="sum", fill_value=0.0)
    sources = [s for s in data.sources if s in matrix.index]
    uses = users + ([unprocessed] if unprocessed in matrix.columns else [])
    matrix = matrix.reindex(index=sources, columns=uses, fill_value=0.0)
    # the narrower way round: offers as rows and lines as columns, or the reverse
    label = w.tr("col.offer")
    if len(uses) > len(sources) + 1:
        matrix, label = matrix.T, w.tr("col.line")
    row += 2
    ws.set_row(row, 30)
    for j, h in enumerate([label, *map(str, matrix.columns), w.tr("total")]):
        w.text(ws, row, j, h, "header")
    tonnes = w.formats["t"]
    for key, values in matrix.iterrows():
        row += 1
        w.text(ws, row, 0, key)
        # offers x lines: the largest block of cells at national scale, written directly;
        # a pair with no tonnes is an empty cell, not written (as in ``_Writer.rows``)
        for j, value in enumerate(values.tolist(), start=1):
            if 1e-6 < value < math.inf:
                ws.write_number(row, j, value, tonnes)
        w.cell(ws, row, len(values) + 1, float(values.sum()), "t", total=True)
    row += 1
    w.text(ws, row, 0, w.tr("total"), total=True)
    for j, value in enumerate(matrix.sum(axis=0), start=1):
        w.cell(ws, row, j, float(value), "t", total=True)
    w.cell(ws, row, len(matrix.columns) + 1, float(matrix.values.sum()), "t", total=True)


# ---- Flows --------------------------------------------------------------------------------

def _flows(w: _Writer, outcome: Any) -> None:
    data, res = outcome.data, outcome.results
    use = {(r.lane, r.period): r for r in itertuples(res.lane_use)} \
        if len(res.lane_use) else {}
    def records() -> Iterator[dict[str, object]]:
        for rec in _records(res.flows):
            u = use.get((rec["lane"], rec["period"]))
            yield {**rec,
                   "origin_name": story.short(data.place_name.get(rec["origin"],
                                                                  rec["origin"])),
                   "destination_name": story.short(data.place_name.get(
                       rec["destination"], rec["destination"])),
                   "lane_utilisation": u.utilisation if u is not None else None,
                   "lane_value": u.value if u is not None else None}
    cols = [
        Col("lane", w.tr("col.lane"), width=22), Col("origin_name", w.tr("col.from"), width=20),
        Col("destination_name", w.tr("col.to"), width=20),
        Col("mode", w.tr("col.mode"), width=9),
        Col("material", w.tr("col.material"), width=14),
        Col("period", w.tr("col.period"), width=8), Col("tonnes", w.tr("col.tonnes"), "t", 11),
        Col("cost_per_t", w.tr("col.cost_per_t"), "price", 11, w.tr("note.cost_per_t")),
        Col("cost", w.tr("col.cost"), "money", 13),
        Col("capacity", w.tr("col.lane_capacity"), "t", 12, w.tr("note.available")),
        Col("lane_utilisation", w.tr("col.lane_utilisation"), "pct", 10),
        Col("lane_value", w.tr("col.lane_value"), "mv", 13),
    ]
    totals = [{"lane": w.tr("total"), "tonnes": float(res.flows.tonnes.sum()),
               "cost": float(res.flows.cost.sum())}]
    w.table("sheet.flows", records(), cols, w.tr("flows.intro"), totals, stream=True)


# ---- Markets ------------------------------------------------------------------------------

def _markets(w: _Writer, outcome: Any, report: Report) -> None:
    data, res = outcome.data, outcome.results
    def records() -> Iterator[dict[str, object]]:
        for rec in _records(res.sales):
            top = rec["sales_max"]
            limited = top is not None and top == top
            t = rec["tonnes"]
            if limited and t >= float(top) - 1e-4 - 1e-6 * float(top):
                state = "market.saturated"
            elif rec["sales_min"] > 0 and t <= rec["sales_min"] + 1e-4:
                state = "market.at_min"
            elif t <= 1e-6:
                state = "market.not_served"
            else:
                state = "market.open"
            place = data.place_of(rec["market"])  # a Markets.market_id names a contract there
            yield {**rec, "market_name": story.short(data.place_name.get(place, place)),
                   "product": story.short(data.material_name.get(rec["material"],
                                                                 rec["material"])),
                   "sales_max": top if limited else w.tr("unlimited"),
                   "share": t / float(top) if limited and top else None,
                   "state": w.tr(state)}
    cols = [
        Col("market", w.tr("col.market"), width=10),
        Col("market_name", w.tr("col.market_name"), width=22),
        Col("material", w.tr("col.material"), width=14),
        Col("product", w.tr("col.product"), width=26),
        Col("period", w.tr("col.period"), width=8), Col("tonnes", w.tr("col.sold"), "t", 10),
        Col("sales_min", w.tr("col.minimum"), "t", 10),
        Col("sales_max", w.tr("col.maximum"), "t", 11, w.tr("note.maximum")),
        Col("share", w.tr("col.share_of_max"), "pct", 9),
        Col("price", w.tr("col.price"), "price", 12),
        Col("revenue", w.tr("col.revenue"), "money", 13),
        Col("marginal_value", w.tr("col.demand_value"), "mv", 13),
        Col("state", w.tr("col.market_state"), width=16),
    ]
    totals = [{"market": w.tr("total"), "tonnes": float(res.sales.tonnes.sum()),
               "revenue": float(res.sales.revenue.sum())}]
    w.table("sheet.markets", records(), cols, w.tr("markets.intro"), totals, stream=True)


# ---- Sites --------------------------------------------------------------------------------

def _sites(w: _Writer, outcome: Any) -> None:
    data, res = outcome.data, outcome.results
    lines = res.lines
    records = []
    for s in data.sites:
        here = lines[lines.site == s]
        built = here[here.built.astype(bool)]
        records.append({"site": s, "name": data.place_name.get(s, s),
                        "built": float(len(built)), "candidates": float(len(here)),
                        "lines_max": data.site_lines_max.get(s),
                        "jobs": float(built.jobs.sum()),
                        "throughput": float(built.throughput.sum()),
                        "which": ", ".join(built.line)})
    cols = [
        Col("site", w.tr("col.site"), width=10), Col("name", w.tr("col.name"), width=34),
        Col("built", w.tr("col.lines_built"), "int", 10),
        Col("candidates", w.tr("col.lines_candidates"), "int", 10),
        Col("lines_max", w.tr("col.lines_max"), "int", 10),
        Col("jobs", w.tr("col.jobs"), "int", 9),
        Col("throughput", w.tr("col.throughput"), "t", 12),
        Col("which", w.tr("col.built_lines"), "wrap", 60),
    ]
    totals = [{"site": w.tr("total"), "built": float(lines.built.astype(bool).sum()),
               "candidates": float(len(lines)),
               "jobs": float(lines[lines.built.astype(bool)].jobs.sum()),
               "throughput": float(lines[lines.built.astype(bool)].throughput.sum())}]
    ws, end = w.table("sheet.sites", records, cols, w.tr("sites.intro"), totals,
                      stream=True)
    row = end + 2
    w.text(ws, row, 0, w.tr("sites.resources_title"), "section")
    use = res.site_use
    limited = use[use.available.notna()] if len(use) else use
    if limited.empty:
        w.text(ws, row + 1, 0, w.tr("sites.no_limits"), "note1")
        return
    rcols = [Col("site", w.tr("col.site")), Col("resource", w.tr("col.resource")),
             Col("period", w.tr("col.period")), Col("used", w.tr("col.used"), "num"),
             Col("available", w.tr("col.available"), "num"), Col("unit", w.tr("col.unit")),
             Col("share", w.tr("col.share_used"), "pct"),
             Col("binding", w.tr("col.binding"), "bool")]
    w.header(ws, row + 1, rcols, widths=False)
    recs = []
    for r in itertuples(limited):
        avail = float(r.available)
        recs.append({"site": r.site, "resource": r.resource or w.tr("sites.line_slots"),
                     "period": r.period, "used": r.used, "available": avail,
                     "unit": w.tr("unit.lines") if r.unit == "lines" else r.unit,
                     "share": r.used / avail if avail else None,
                     "binding": r.used >= avail - 1e-6})
    w.rows(ws, row + 2, recs, rcols)


# ---- Value chain ----------------------------------------------------------------------------

def _value_chain(w: _Writer, outcome: Any, report: Report) -> None:
    data = outcome.data
    ws = w.sheet("sheet.value_chain", stream=True)
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 3, 14)
    ws.merge_range(0, 0, 0, 3, clean_text(w.tr("chain.intro", period=report.period)),
                   w.formats["note"])
    ws.set_row(0, 72)
    row = 2
    for warning in report.warnings:
        ws.merge_range(row, 0, row, 3, clean_text(warning), w.formats["bold"])
        row += 1
    if not report.images:
        w.text(ws, row, 0, w.tr("chain.no_flows"), "note1")
        row += 2
    breaks = []
    for name, scale in (("sankey", SANKEY_SCALE), ("map", MAP_SCALE)):
        png = report.images.get(name)
        if not png:
            continue
        if row > 4:
            breaks.append(row)
        _width, height = _png_size(png)
        ws.insert_image(row, 0, f"{name}.png", {"image_data": io.BytesIO(png),
                                                "x_scale": scale, "y_scale": scale,
                                                "object_position": 3})
        row += math.ceil(height * scale / 20) + 1
    breaks.append(row)
    ws.set_h_pagebreaks(breaks)
    # the numbers drawn
    w.text(ws, row, 0, w.tr("chain.sankey_table"), "section")
    cols = [Col("source_label", w.tr("col.from")), Col("target_label", w.tr("col.to")),
            Col("stage_words", w.tr("chain.kind")), Col("tonnes", w.tr("col.tonnes"), "t")]
    w.header(ws, row + 1, cols, widths=False)
    recs = [{**rec, "stage_words": w.tr(f"chain.stage.{rec['stage']}"),
             "source_label": _label(data, rec["source"], w.lang),
             "target_label": _label(data, rec["target"], w.lang)}
            for rec in report.sankey.to_dict("records")]
    row = w.rows(ws, row + 2, recs, cols)
    row += 1
    w.text(ws, row, 0, w.tr("chain.map_table"), "section")
    cols = [Col("origin_name", w.tr("col.from")), Col("destination_name", w.tr("col.to")),
            Col("tonnes", w.tr("col.tonnes"), "t")]
    w.header(ws, row + 1, cols, widths=False)
    end = w.rows(ws, row + 2, report.map_lines.to_dict("records"), cols)
    w.text(ws, end, 0, w.tr("total"), total=True)
    w.text(ws, end, 1, "", total=True)
    w.cell(ws, end, 2, float(report.map_lines.tonnes.sum()) if len(report.map_lines) else 0.0,
           "t", total=True)
    _print_setup(ws)


def _label(data: Any, node: str, lang: str) -> str:
    return figures.node_label(data, node, lang)


def _png_size(png: bytes) -> tuple[int, int]:
    # PNG header: width and height are big-endian at bytes 16..24
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# ---- Marginal values ----------------------------------------------------------------------

KIND_ORDER = ("feedstock", "offtake_min", "demand_max", "demand_min", "line_capacity",
              "lane_capacity", "recovered_min", "local_share", "group", "site_lines",
              "resource", "budget_total", "budget_period", "jobs_min", "lines_min",
              "supply_group")


def _marginal(w: _Writer, outcome: Any) -> None:
    data, res = outcome.data, outcome.results
    mv = res.marginal
    if mv is not None and len(mv):
        mv = mv.assign(_order=mv.kind.map(KIND_ORDER.index), _bind=~mv.binding.astype(bool))
        mv = mv.sort_values(["_bind", "_order"], kind="stable")

    def records() -> Iterator[dict[str, object]]:
        if mv is not None and len(mv):
            for r in itertuples(mv):
                unit_key = {"t": "unit.t", "share": "unit.share", "lines": "unit.lines",
                            "jobs": "unit.jobs"}.get(str(r.unit))
                per_unit = r.kind in story.PER_UNIT_KINDS
                name = _item_name(data, r)
                yield ({
                    "kind": w.tr(f"kind.{r.kind}"), "item": r.item, "name": name,
                    "period": r.period,
                    "limit": float(r.limit) if str(r.unit) != "share" else None,
                    "limit_share": float(r.limit) if str(r.unit) == "share" else None,
                    "used": float(r.used) if str(r.unit) != "share" else None,
                    "used_share": float(r.used) if str(r.unit) == "share" else None,
                    "unit": w.tr(unit_key) if unit_key else data.currency if str(r.unit) ==
                    "money" else str(r.unit),
                    "binding": bool(r.binding),
                    "value": float(r.value) if per_unit and r.value is not None else None,
                    "value_tighter": _num(getattr(r, "value_tighter", None)) if per_unit else None,
                    "per": (w.tr("unit.per_point") if r.kind == "local_share" else
                            w.tr("unit.per_t")) if per_unit else w.tr("marginal.per_build"),
                    "explanation": story.marginal_explanation(r, data, res, w.lang),
                })
    cols = [
        Col("kind", w.tr("col.limit_kind"), width=20), Col("item", w.tr("col.item"), width=14),
        Col("name", w.tr("col.name"), width=24), Col("period", w.tr("col.period"), width=8),
        Col("limit", w.tr("col.limit"), "num0", 12),
        Col("limit_share", w.tr("col.limit") + " (%)", "pct", 9),
        Col("used", w.tr("col.used"), "num0", 12),
        Col("used_share", w.tr("col.used") + " (%)", "pct", 9),
        Col("unit", w.tr("col.unit"), width=7), Col("binding", w.tr("col.binding"), "bool", 9),
        Col("value", w.tr("col.value_unit"), "mv", 14, w.tr("note.value_looser")),
        Col("value_tighter", w.tr("col.value_tighter"), "mv", 14, w.tr("note.value_tighter")),
        Col("per", w.tr("col.per"), "wrap", 14),
        Col("explanation", w.tr("col.explanation"), "wrap", 70),
    ]
    w.table("sheet.marginal", records(), cols, w.tr("marginal.intro"), intro_height=95,
            stream=True)


def _item_name(data: Any, r: Any) -> str:
    if r.kind in ("feedstock", "offtake_min"):
        return story.short(data.material_name.get(str(r.detail), str(r.detail)))
    if r.kind in ("demand_max", "demand_min"):
        return story.short(data.material_name.get(str(r.detail), str(r.detail)))
    if r.kind == "line_capacity":  # main_products is computed once per case (story.py)
        product = story.main_products(data).get(r.item, data.line_technology.get(r.item, ""))
        return f"{product} ({r.detail})"
    if r.kind == "lane_capacity":
        return str(r.detail).replace(">", " - ")
    if r.kind in ("site_lines",):
        return story.short(data.place_name.get(str(r.item), str(r.item)))
    return ""


# ---- Assumptions --------------------------------------------------------------------------

# The Assumptions sheet echoes the key inputs; the input workbook (named on Run info) holds
# them all. A table of more rows than this lists only those the plan uses: 100,000 lanes
# were 11 s of a 16 s write (OR-Library capb-5000), in rows no reader goes through there.
ASSUMED_ROWS = 5_000


# where the plan's tonnes of each kind of Assumptions row are, and the row's key there
USED_BY_THE_PLAN = {"lanes": ("flows", ("lane",)),
                    "offers": ("purchases", ("source", "period")),
                    "markets": ("sales", ("market", "material", "period"))}


def _used_by_the_plan(res: Any, kind: str) -> set[Any]:
    """The keys of one kind of row with tonnes in the plan: lanes, (offer, period) or
    (market, material, period)."""
    table, keys = USED_BY_THE_PLAN[kind]
    frame = getattr(res, table)
    frame = frame[frame.tonnes > 1e-9]
    return set(zip(*(frame[k] for k in keys), strict=True)) if len(keys) > 1 \
        else set(frame[keys[0]])


def _assumptions(w: _Writer, outcome: Any) -> None:
    d = outcome.data
    ws = w.sheet("sheet.assumptions", stream=True)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 12, 13)
    w.intro(ws, w.tr("assume.intro"), 9, 32)
    row = 2

    def section(title: str, cols: Sequence[Col], records: Iterable[dict[str, object]],
                ) -> None:
        nonlocal row
        w.text(ws, row, 0, title, "section")
        w.header(ws, row + 1, cols, widths=False)
        row = w.rows(ws, row + 2, records, cols) + 1

    def key_rows(title: str, keys: Sequence[Any], kind: str) -> tuple[str, Iterable[Any]]:
        """The section's title and keys: all of them, or past ASSUMED_ROWS only those
        the plan uses (and the title says so)."""
        if len(keys) <= ASSUMED_ROWS:
            return title, keys
        used = _used_by_the_plan(outcome.results, kind)
        shown = [k for k in keys if k in used]
        return w.tr("assume.only_used", title=title, shown=fmt.integer(len(shown), w.lang),
                    total=fmt.integer(len(keys), w.lang)), shown

    section(w.tr("assume.settings"), [Col("k", w.tr("col.setting")), Col("v", w.tr("run.value"))],
            [{"k": w.tr("setting.case_name"), "v": d.case_name},
             {"k": w.tr("setting.currency"), "v": d.currency},
             {"k": w.tr("setting.discount_rate"), "v": f"{d.discount_rate:g}"},
             {"k": w.tr("setting.time_limit"), "v": f"{d.time_limit:g}"},
             {"k": w.tr("setting.mip_gap"), "v": f"{d.mip_gap:g}"},
             {"k": w.tr("setting.threads"), "v": str(d.threads)}])
    section(w.tr("assume.periods"), [Col("p", w.tr("col.period")),
                                     Col("y", w.tr("col.years"), "int"),
                                     Col("w", w.tr("col.weight"), "num")],
            [{"p": p, "y": d.period_years[p], "w": d.period_weight[p]} for p in d.periods])
    title, offers = key_rows(w.tr("assume.offers"), d.source_periods, "offers")
    section(title, [
        Col("o", w.tr("col.offer")), Col("m", w.tr("col.material")),
        Col("loc", w.tr("col.location")), Col("p", w.tr("col.period")),
        Col("price", w.tr("col.price"), "price"), Col("a", w.tr("col.available"), "t"),
        Col("min", w.tr("col.offtake_min"), "t"), Col("local", w.tr("col.local"), "bool")],
        ({"o": o, "m": d.source_material[o], "loc": d.source_location[o], "p": p,
          "price": d.source_price[o, p],
          "a": d.availability[o, p] if d.availability[o, p] is not None else w.tr("unlimited"),
          "min": d.offtake_min[o, p], "local": d.source_local[o]}
         for o, p in offers))
    section(w.tr("assume.lines"), [
        Col("l", w.tr("col.line")), Col("s", w.tr("col.site")),
        Col("t", w.tr("col.technology")), Col("k", w.tr("col.capacity"), "t"),
        Col("f", w.tr("col.cost_fixed"), "money"), Col("c", w.tr("col.capex_line"), "money"),
        Col("v", w.tr("col.cost_variable"), "price"), Col("u", w.tr("col.util_min"), "pct"),
        Col("j", w.tr("col.jobs"), "int"), Col("g", w.tr("col.group")),
        Col("st", w.tr("col.status"))],
        ({"l": ln, "s": d.line_site[ln], "t": d.line_technology[ln], "k": d.capacity[ln],
          "f": d.cost_fixed[ln], "c": d.capex[ln], "v": d.cost_variable[ln],
          "u": d.utilisation_min[ln], "j": d.jobs[ln], "g": d.line_group.get(ln, ""),
          "st": w.tr("status.existing" if ln in d.lines_existing else "status.candidate")}
         for ln in d.lines))
    title, markets = key_rows(w.tr("assume.markets"), d.markets, "markets")
    section(title, [
        Col("n", w.tr("col.market")), Col("m", w.tr("col.product")),
        Col("p", w.tr("col.period")), Col("price", w.tr("col.price"), "price"),
        Col("lo", w.tr("col.minimum"), "t"), Col("hi", w.tr("col.maximum"), "t")],
        ({"n": n, "m": m, "p": p, "price": d.price[n, m, p], "lo": d.sales_min[n, m, p],
          "hi": d.sales_max[n, m, p] if d.sales_max[n, m, p] is not None
          else w.tr("unlimited")} for n, m, p in markets))
    title, lanes = key_rows(w.tr("assume.lanes"), d.lanes, "lanes")
    section(title, [
        Col("a", w.tr("col.lane")), Col("o", w.tr("col.from")), Col("t", w.tr("col.to")),
        Col("mode", w.tr("col.mode")), Col("m", w.tr("col.material")),
        Col("f", w.tr("col.distance"), "price"), Col("cap", w.tr("col.lane_capacity"), "t")],
        ({"a": a, "o": d.lane_origin[a], "t": d.lane_destination[a], "mode": d.lane_mode[a],
          "m": d.lane_material[a], "f": d.lane_freight.get(a, 0.0) + d.lane_surcharge.get(a, 0.0),
          "cap": d.lane_capacity[a] if d.lane_capacity[a] is not None else w.tr("unlimited")}
         for a in lanes))
    policy: list[dict[str, object]] = []
    if d.budget_total is not None:
        policy.append({"k": w.tr("kind.budget_total"), "p": "", "v": d.budget_total})
    for key, values in (("budget_period", d.budget_period), ("lines_min", d.lines_min),
                        ("jobs_min", d.jobs_min), ("recovered_min", d.recovered_min),
                        ("local_share", d.local_share_min)):
        for p, v in values.items():
            policy.append({"k": w.tr(f"kind.{key}"), "p": p, "v": v})
    if policy:
        section(w.tr("assume.policy"), [Col("k", w.tr("col.policy")),
                                        Col("p", w.tr("col.period")),
                                        Col("v", w.tr("run.value"), "general")], policy)
    else:
        w.text(ws, row, 0, w.tr("assume.policy"), "section")
        w.text(ws, row + 1, 0, w.tr("assume.no_policy"), "note1")
        row += 3
    limits: list[dict[str, object]] = [{"s": s, "r": w.tr("sites.line_slots"), "a": float(n),
                                        "u": w.tr("unit.lines")}
                                       for s, n in d.site_lines_max.items()]
    limits += [{"s": s, "r": r, "a": d.resource_available[s, r],
                "u": d.resource_unit.get((s, r), "")} for s, r in d.site_resources]
    if limits:
        section(w.tr("assume.resources"), [Col("s", w.tr("col.site")),
                                           Col("r", w.tr("col.resource")),
                                           Col("a", w.tr("col.available"), "num"),
                                           Col("u", w.tr("col.unit"))], limits)
    ws.freeze_panes(1, 0)
    _print_setup(ws)


# ---- Run info, Issues, Changes -------------------------------------------------------------

def _note_count(notes: list[str], kind: str) -> str | None:
    """The count of the explanations' first ``kind:<count>`` note (explain.py), if any."""
    return next((n.split(":", 1)[1] for n in notes if n.startswith(kind + ":")), None)


def _run_info(w: _Writer, outcome: Any, started: dt.datetime) -> None:
    ws = w.sheet("sheet.run_info", stream=True)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 80)
    s, solve, res = outcome.settings, outcome.solve, outcome.results
    notes = res.explain_notes
    skipped = _note_count(notes, "entry_skipped")
    explain = (w.tr("run.explain_failed") if "lp_failed" in notes else
               w.tr("run.explain_skipped", n=skipped) if skipped else
               w.tr("run.explain_ok"))
    # the lines whose sentence says "at most" (not those left "not analysed")
    bounds = story.at_most_count(outcome.data, res) if "lp_failed" not in notes else 0
    if bounds:
        explain += "; " + w.tr("run.replan_skipped", n=bounds)
    rows: list[tuple[str, object]] = [
        (w.tr("run.input_file"), outcome.input_path.name),
        (w.tr("run.sha"), outcome.input_sha256),
        (w.tr("run.started"), started.isoformat(timespec="seconds")),
        (w.tr("run.finished"), dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        (w.tr("run.solver"), f"{solve.solver} {solve.solver_version}"),
        (w.tr("run.termination"), solve.termination),
        (w.tr("run.status"), story.status_short(solve, w.lang)),
        (w.tr("run.status_words"), story.status_words(solve, s, w.lang)),
        (w.tr("run.time_limit"), s.time_limit),
        (w.tr("run.gap_tol"), s.mip_gap),
        (w.tr("run.threads"), s.threads),
        (w.tr("run.objective"), solve.objective),
        (w.tr("run.bound"), solve.bound),
        (w.tr("run.gap"), solve.gap),
        (w.tr("run.language"), w.lang),
        (w.tr("run.explain"), explain),
    ]
    if getattr(solve, "warm_start", ""):
        rows.append((w.tr("run.warm_start"), solve.warm_start))
    rows += [(w.tr("run.phase", phase=phase), seconds)
             for phase, seconds in outcome.timings.items()]
    versions = package_versions()
    for name in ("matplotlib", "pillow"):  # the figures of the report
        if name not in versions:
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[name] = "not installed"
    rows += [(w.tr("run.version", name=name), ver) for name, ver in versions.items()]
    w.text(ws, 0, 0, w.tr("run.item"), "header")
    w.text(ws, 0, 1, w.tr("run.value"), "header")
    for i, (label, value) in enumerate(rows, start=1):
        w.text(ws, i, 0, label)
        if isinstance(value, bool) or not isinstance(value, int | float):
            w.cell(ws, i, 1, "" if value is None else value, "text")
        else:
            w.cell(ws, i, 1, value, "general")
    ws.freeze_panes(1, 0)
    _print_setup(ws, header_row=0)


def _issues(w: _Writer, outcome: Any, report: Report) -> None:
    ws = w.sheet("sheet.issues", stream=True)
    keys = ("issues.severity", "issues.sheet", "issues.cell", "issues.column", "issues.value",
            "issues.message")
    widths = (12, 16, 8, 16, 18, 90)
    for j, (key, width) in enumerate(zip(keys, widths, strict=True)):
        w.text(ws, 0, j, w.tr(key), "header")
        ws.set_column(j, j, width)
    row = 1
    for f in outcome.check_findings:
        for j, v in enumerate((w.tr("severity.error"), w.tr("issues.result_check"), "",
                               f.check, "", f.format())):
            w.text(ws, row, j, v, "wrap")
        row += 1
    for warning in report.warnings:
        for j, v in enumerate((w.tr("severity.warning"), w.tr("issues.report"), "", "", "",
                               warning)):
            w.text(ws, row, j, v, "wrap")
        row += 1
    for issue in outcome.issues:
        severity = issue.severity.value
        key = f"severity.{severity}"
        values = (w.tr(key) if key in _SEVERITIES else severity, issue.sheet, issue.cell,
                  issue.column, issue.value,
                  issue.message + (f" {issue.hint}" if issue.hint else ""))
        for j, v in enumerate(values):
            w.text(ws, row, j, "" if v is None else v, "wrap")
        row += 1
    for first, extra in outcome.issues.more_like_this():  # repeats are counted, not listed
        key = f"severity.{first.severity.value}"
        values = (w.tr(key) if key in _SEVERITIES else first.severity.value, first.sheet, "",
                  first.column, "", more_text(first, extra))
        for j, v in enumerate(values):
            w.text(ws, row, j, v, "wrap")
        row += 1
    if row == 1:
        w.text(ws, 1, 0, w.tr("none"))
        w.text(ws, 1, 5, w.tr("issues.none"))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(row - 1, 1), len(keys) - 1)
    _print_setup(ws, header_row=0)


_SEVERITIES = {"severity.error", "severity.warning", "severity.info"}


def _changes(w: _Writer, changes: Any) -> None:
    """A generic table of what a nightly run found changed in the input."""
    rows = list(getattr(changes, "rows", []) or [])
    summary = list(getattr(changes, "summary", []) or [])
    cols = [Col("kind", w.tr("changes.kind"), width=14),
            Col("sheet", w.tr("issues.sheet"), width=14),
            Col("row_id", w.tr("changes.row"), width=18),
            Col("column", w.tr("issues.column"), width=16),
            Col("old", w.tr("changes.old"), "wrap", 24),
            Col("new", w.tr("changes.new"), "wrap", 24)]
    records = [{c.key: _plain(r.get(c.key)) for c in cols} for r in rows]
    intro = w.tr("changes.intro")
    if summary:
        intro += " " + " ".join(str(s) for s in summary)
    ws, end = w.table("sheet.changes", records, cols, intro, stream=True)
    if not records:
        w.text(ws, end, 0, w.tr("changes.none"), "note1")


def _plain(value: object) -> object:
    """Numbers stay numbers; everything else becomes literal text."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def _num(value: object) -> float | None:
    """A float, or None for a missing value (None or NaN)."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if number != number else number
