"""The results workbook: complete, consistent with the plan, safe, in three languages."""

from __future__ import annotations

import copy
import datetime as dt
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from optimizer.excel.template import write_input_workbook
from optimizer.excel.write import TOTAL_FILL, write_results
from optimizer.pipeline import RunOutcome, sha256_of, solve_workbook
from optimizer.report.i18n import tr
from optimizer.solve import SolveStatus
from tools.absheron_case import absheron_tables

pytestmark = pytest.mark.solver
SHEETS = ("Summary", "Lines", "Feedstock", "Flows", "Markets", "Sites", "Value chain",
          "Marginal values", "Assumptions", "Run info", "Issues")
SHEET_KEYS = ("summary", "lines", "feedstock", "flows", "markets", "sites", "value_chain",
              "marginal", "assumptions", "run_info", "issues")


@pytest.fixture(scope="module")
def written(absheron_outcome: RunOutcome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("results")
    return write_results(folder / "absheron.xlsx", absheron_outcome,
                         dt.datetime.now().astimezone())


@pytest.fixture(scope="module")
def book(written: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(written)


def _table(book: openpyxl.Workbook, sheet: str, header_row: int = 2,
           stop: str | None = None) -> list[dict[str, object]]:
    """A table whose header is in ``header_row``; stops at the first blank row or a row
    whose first cell is ``stop`` (totals)."""
    rows = list(book[sheet].iter_rows(min_row=header_row, values_only=True))
    header = [str(h) for h in rows[0]]
    out = []
    for r in rows[1:]:
        if all(v is None for v in r) or (stop is not None and r[0] == stop):
            break
        out.append(dict(zip(header, r, strict=False)))
    return out


def _section(book: openpyxl.Workbook, sheet: str, title: str,
             skip: int = 0) -> list[dict[str, object]]:
    """The table under a section title (title row, ``skip`` note rows, header row, rows
    until a blank or the totals)."""
    ws = book[sheet]
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == title:
            return _table(book, sheet, header_row=row[0].row + 1 + skip, stop="Total")
    raise AssertionError(f"no section {title!r} on {sheet}")


def _summary(book: openpyxl.Workbook) -> dict[str, object]:
    return {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}


def _num(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def test_sheets_and_totals_match_the_detail_sheets(book: openpyxl.Workbook,
                                                    absheron_outcome: RunOutcome) -> None:
    assert tuple(book.sheetnames) == SHEETS
    summary = _summary(book)
    lines = _table(book, "Lines", stop="Total")
    candidates = [r for r in lines if r["Line"] != tr("chart.other")]
    assert len(candidates) == 36
    built = [r for r in candidates if r["Built"] == "yes"]
    assert summary["Lines built"] == len(built)
    assert summary["Candidate lines"] == len(candidates)
    assert summary["Jobs"] == pytest.approx(sum(_num(r["Jobs"]) for r in lines))
    assert summary["Variable processing cost"] == pytest.approx(
        sum(_num(r["Variable cost"]) for r in lines))
    assert summary["Fixed cost of lines"] == pytest.approx(
        sum(_num(r["Fixed cost"]) for r in lines))
    # the lines' net values (with what no line can be charged with) add up to the total
    assert summary["Net value = revenue - costs"] == pytest.approx(
        sum(_num(r["Net value"]) for r in lines), rel=1e-9)
    markets = _table(book, "Markets", stop="Total")
    assert summary["Revenue"] == pytest.approx(sum(_num(r["Revenue"]) for r in markets))
    assert summary["Products sold"] == pytest.approx(sum(_num(r["Sold"]) for r in markets))
    flows = _table(book, "Flows", stop="Total")
    assert summary["Transport cost"] == pytest.approx(sum(_num(r["Cost"]) for r in flows))
    feed = _table(book, "Feedstock", stop="Total")
    assert summary["Feedstock cost"] == pytest.approx(sum(_num(r["Cost"]) for r in feed))
    assert summary["Feedstock processed"] == pytest.approx(sum(_num(r["Used"]) for r in feed))
    parts = ("Revenue", "Feedstock cost", "Variable processing cost", "Transport cost",
             "Disposal cost", "Fixed cost of lines")
    net = summary["Revenue"] - sum(summary[p] for p in parts[1:])  # type: ignore[operator]
    assert summary["Net value = revenue - costs"] == pytest.approx(net)
    assert summary["Net value (objective)"] == pytest.approx(net, rel=1e-6)
    assert absheron_outcome.objective == pytest.approx(net, rel=1e-6)
    headline = book["Summary"]["A2"].value
    assert headline.startswith(f"Build {len(built)} of 36 candidate lines")
    assert summary["Independent check"] == "passed"
    assert summary["Solver status"] == "optimal"
    assert str(book["Summary"]["A3"].value).startswith("Optimal: no better plan exists")


def test_what_limits_the_plan_is_in_words(book: openpyxl.Workbook) -> None:
    texts = [str(c.value) for row in book["Summary"].iter_rows(min_col=4, max_col=4)
             for c in row if c.value]
    assert "What limits the plan" in texts
    bullets = [t for t in texts if t.startswith("• ")]
    assert 3 <= len(bullets) <= 12
    assert any("one more tonne" in t and "would add" in t for t in bullets)
    lines = _table(book, "Lines", stop="Total")
    not_built = [r for r in lines if r["Built"] == "no"]
    assert not_built and all(r["What it would take"] for r in not_built)
    assert any("fixed cost would need to fall by" in str(r["What it would take"]).lower()
               for r in not_built)


def test_sankey_and_map_totals_match_flows_and_markets(book: openpyxl.Workbook,
                                                       written: Path) -> None:
    bands = _section(book, "Value chain", "Sankey bands (t/yr)")
    by_stage: dict[str, float] = {}
    for r in bands:
        by_stage[str(r["Stage"])] = by_stage.get(str(r["Stage"]), 0.0) + _num(r["Tonnes"])
    markets = _table(book, "Markets", stop="Total")
    sold = sum(_num(r["Sold"]) for r in markets)
    assert by_stage["product to market"] + by_stage.get("sold unprocessed", 0.0) == \
        pytest.approx(sold)
    feed = _table(book, "Feedstock", stop="Total")
    bought = sum(_num(r["Used"]) for r in feed)
    from_offers = sum(_num(r["Tonnes"]) for r in bands if str(r["Stage"]) in (
        "feedstock to line", "sold unprocessed") or (str(r["Stage"]) == "disposed of" and
                                                     str(r["From"]) in {str(f["Offer"])
                                                                        for f in feed}))
    assert from_offers == pytest.approx(bought)
    assert by_stage["between lines"] == pytest.approx(by_stage["to other lines"])
    pairs = _section(book, "Value chain", "Map lines (t/yr)")
    flows = _table(book, "Flows", stop="Total")
    assert sum(_num(r["Tonnes"]) for r in pairs) == pytest.approx(
        sum(_num(r["Tonnes"]) for r in flows))
    assert (written.with_name("absheron-sankey.png")).read_bytes()[:4] == b"\x89PNG"
    assert (written.with_name("absheron-map.png")).read_bytes()[:4] == b"\x89PNG"


def test_feedstock_matrix_adds_up_to_use(book: openpyxl.Workbook) -> None:
    """Offers by lines (either way round, whichever is narrower): each offer's total
    equals its tonnes used, and each line's total what it takes from the offers."""
    feed = {str(r["Offer"]): _num(r["Used"]) for r in _table(book, "Feedstock", stop="Total")}
    title = next(c.value for row in book["Feedstock"].iter_rows(min_col=1, max_col=1)
                 for c in row if str(c.value).startswith("Where the feedstock went"))
    ws = book["Feedstock"]
    start = next(c.row for row in ws.iter_rows(min_col=1, max_col=1) for c in row
                 if c.value == title) + 2
    rows = list(ws.iter_rows(min_row=start, values_only=True))
    header = [h for h in rows[0] if h is not None]
    body = [dict(zip(header, r, strict=False)) for r in rows[1:] if r[0] is not None]
    totals = body[-1]
    assert totals[header[0]] == "Total"
    body = body[:-1]
    if header[0] == "Offer":
        per_offer = {str(r["Offer"]): _num(r["Total"]) for r in body}
    else:
        assert header[0] == "Line"
        per_offer = {h: _num(totals[h]) for h in header[1:-1] if h in feed}
    assert set(per_offer) == {o for o, t in feed.items() if t > 1e-6}
    for offer, tonnes in per_offer.items():
        assert tonnes == pytest.approx(feed[offer], abs=1e-6)
    for r in body:
        assert sum(_num(r[h]) for h in header[1:-1]) == pytest.approx(_num(r["Total"]),
                                                                      abs=1e-6)


def test_run_info_names_input_hash_versions_settings_and_status(
        book: openpyxl.Workbook, absheron_path: Path) -> None:
    info = {r[0]: r[1] for r in book["Run info"].iter_rows(values_only=True)}
    assert info["Input file"] == "absheron.xlsx"
    assert info["Input SHA-256"] == sha256_of(absheron_path)
    for key in ("Version: pyomo", "Version: highspy", "Version: pandas", "Version: openpyxl",
                "Time limit (s)", "Relative gap tolerance", "Solver", "Status", "Objective",
                "Bound", "Gap", "Started", "Finished", "Time: solve (s)"):
        assert info[key] not in (None, "", "not installed"), key
    assert info["Status"] == "optimal"


def test_presentation_charts_axes_labels_print_setup(written: Path) -> None:
    with zipfile.ZipFile(written) as z:
        names = z.namelist()
        charts = [n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == 4
        for name in charts:
            xml = z.read(name).decode()
            axes = re.findall(r"<c:(?:catAx|valAx)>.*?</c:(?:catAx|valAx)>", xml, re.S)
            assert len(axes) == 2, name
            for ax in axes:
                assert '<c:delete val="0"/>' in ax, f"axis not explicitly shown in {name}"
            assert "<c:dLbls>" in xml and '<c:showVal val="1"/>' in xml, name
        images = [n for n in names if n.startswith("xl/media/")]
        assert len(images) == 2  # Sankey and map on Value chain
        workbook = z.read("xl/workbook.xml").decode()
        sheet_files = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml",
                                                             n))
        assert len(sheet_files) == len(SHEETS)
        for name in sheet_files:
            xml = z.read(name).decode()
            assert 'orientation="landscape"' in xml, name
            assert '<pageSetUpPr fitToPage="1"/>' in xml and 'fitToHeight="0"' in xml, name
        summary = z.read("xl/worksheets/sheet1.xml").decode()
        assert 'showGridLines="0"' in summary
        lines = z.read("xl/worksheets/sheet2.xml").decode()
        assert 'state="frozen"' in lines
        assert "Print_Titles" in workbook  # header rows repeat on every printed page
        styles = z.read("xl/styles.xml").decode()
        assert 'rgb="FF1F4E78"' in styles  # explicit header fill, not a table style
        assert '&quot;t&quot;' in styles and "USD" in styles  # units in number formats


@pytest.mark.parametrize("lang", ["az", "ru"])
def test_languages_translate_every_sheet_and_the_headline(
        lang: str, absheron_outcome: RunOutcome, tmp_path: Path) -> None:
    out = write_results(tmp_path / f"absheron-{lang}.xlsx", absheron_outcome,
                        dt.datetime.now().astimezone(), lang=lang)
    book = openpyxl.load_workbook(out)
    assert tuple(book.sheetnames) == tuple(tr(f"sheet.{k}", lang) for k in SHEET_KEYS)
    assert not set(book.sheetnames) & set(SHEETS)
    summary = book[tr("sheet.summary", lang)]
    assert summary["A1"].value == tr("summary.title", lang, case="absheron")
    english = ("Build ", "Net value", "feedstock", "no better plan")
    assert not any(word in str(summary["A2"].value) for word in english)
    assert not any(word in str(summary["A3"].value) for word in english)
    assert str(summary["A3"].value).startswith(tr("status.words.optimal", lang, tol="")[:12])
    labels = [r[0] for r in summary.iter_rows(min_row=6, max_row=26, values_only=True)]
    assert tr("kpi.net", lang) in labels and "Revenue" not in labels
    lines = book[tr("sheet.lines", lang)]
    assert lines["A2"].value == tr("col.line", lang)


# formulas, a bell character, and matplotlib mathtext that does not parse (figures)
HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1", "bad\x07name",
           "$\\frac{1$"]


def test_hostile_names_are_written_as_literal_text(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    originals = [r["line"] for r in tables["Lines"][: len(HOSTILE)]]
    for row, name in zip(tables["Lines"], HOSTILE, strict=False):
        row["line"] = name
        row["description"] = name
    tables["Locations"][0]["name"] = HOSTILE[0]
    tables["Sites"][0]["name"] = HOSTILE[5]
    path = tmp_path / "hostile.xlsx"
    write_input_workbook(path, tables)
    outcome = solve_workbook(path)
    assert outcome.status is SolveStatus.OPTIMAL, outcome.issues.report()
    out = write_results(tmp_path / "out.xlsx", outcome, dt.datetime.now())
    book = openpyxl.load_workbook(out)
    cells = {c.value: c for c in book["Lines"]["A"] if c.value is not None}
    for name in (*HOSTILE[:4], HOSTILE[5]):
        assert name in cells, f"{name!r} not found as text; saw {list(cells)[:8]}"
        assert cells[name].data_type == "s"
    assert "bad\ufffdname" in cells  # control character replaced, write did not fail
    assert originals  # the case really had lines to rename
    for ws in book.worksheets:  # no formula and no error value anywhere in the workbook
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type not in ("f", "e"), f"{ws.title}!{c.coordinate}: {c.value!r}"


def test_changes_sheet_from_a_nightly_run(absheron_outcome: RunOutcome, tmp_path: Path) -> None:
    outcome = copy.copy(absheron_outcome)
    outcome.changes = SimpleNamespace(  # type: ignore[attr-defined]
        rows=[{"kind": "changed", "sheet": "Sources", "row_id": "SOCAR_PPH",
               "column": "price", "old": 1000, "new": "=1+1"}],
        summary=["1 value changed."])
    out = write_results(tmp_path / "nightly.xlsx", outcome, dt.datetime.now())
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[-1] == "Changes"
    rows = _table(book, "Changes")
    assert rows[0]["Row"] == "SOCAR_PPH" and rows[0]["Now"] == "=1+1"
    assert "1 value changed." in str(book["Changes"]["A1"].value)


def test_missing_coordinates_leave_the_map_out_with_a_warning(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    for row in tables["Locations"]:
        if row["location"] == "M_BAKU":
            row["latitude"] = row["longitude"] = None
    path = tmp_path / "nocoords.xlsx"
    write_input_workbook(path, tables)
    outcome = solve_workbook(path)
    assert outcome.status is SolveStatus.OPTIMAL, outcome.issues.report()
    out = write_results(tmp_path / "nocoords-out.xlsx", outcome, dt.datetime.now())
    assert not out.with_name("nocoords-out-map.png").exists()
    assert out.with_name("nocoords-out-sankey.png").exists()
    issues = [r[5] for r in openpyxl.load_workbook(out)["Issues"].iter_rows(values_only=True)]
    assert any("map is left out" in str(m) and "M_BAKU" in str(m) for m in issues)
    with zipfile.ZipFile(out) as z:
        assert len([n for n in z.namelist() if n.startswith("xl/media/")]) == 1


def test_failed_write_keeps_the_previous_result(tmp_path: Path,
                                                absheron_outcome: RunOutcome) -> None:
    target = tmp_path / "latest.xlsx"
    target.write_bytes(b"previous result")
    broken = copy.copy(absheron_outcome)
    broken.results = None  # the writer fails half-way
    with pytest.raises(AttributeError):
        write_results(target, broken, dt.datetime.now())
    assert target.read_bytes() == b"previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["latest.xlsx"]  # no temp file left


def _content(path: Path) -> dict[str, object]:
    """Everything a reader sees on each sheet: values, formats, merges, heights, widths,
    comments, frozen panes and filters."""
    book = openpyxl.load_workbook(path)
    content: dict[str, object] = {"sheets": book.sheetnames}
    for ws in book.worksheets:
        content[ws.title] = {
            "cells": {c.coordinate: (c.value, c.number_format, c.font.b, c.alignment.wrap_text)
                      for row in ws.iter_rows() for c in row
                      if c.value is not None or c.has_style},
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            "widths": {k: d.width for k, d in ws.column_dimensions.items()},
            "comments": {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row
                         if c.comment},
            "panes": (ws.freeze_panes, ws.auto_filter.ref, ws.print_title_rows),
        }
    return content


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_streamed_sheets_hold_every_cell_of_the_in_memory_workbook(
        absheron_outcome: RunOutcome, tmp_path: Path, lang: str) -> None:
    """Most sheets stream their rows to disk (constant memory at national scale), where a
    write above the last row written would be lost without an error: the streamed
    workbook must equal, cell by cell, the one kept in memory (changes sheet included)."""
    from optimizer.excel.write import _write, prepare_report

    outcome = copy.copy(absheron_outcome)
    outcome.changes = SimpleNamespace(  # type: ignore[attr-defined]
        rows=[{"kind": "changed", "sheet": "Sources", "row_id": "SOCAR_PPH",
               "column": "price", "old": 1000, "new": "=1+1"}], summary=["1 changed."])
    report = prepare_report(outcome, lang, draw=False)
    started = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    streamed, in_memory = tmp_path / "streamed.xlsx", tmp_path / "memory.xlsx"
    _write(streamed, outcome, started, report)
    _write(in_memory, outcome, started, report, stream=False)
    a, b = _content(streamed), _content(in_memory)
    finished = tr("run.finished", lang)  # the clock time of each write
    for content in (a, b):
        cells = content[tr("sheet.run_info", lang)]["cells"]  # type: ignore[index]
        row = next(k for k, v in cells.items() if v[0] == finished)
        cells.pop("B" + row[1:])
    assert a == b
    with zipfile.ZipFile(streamed) as z:  # really streamed: in-line strings on Lines
        assert '<c r="A3" s="' in z.read("xl/worksheets/sheet2.xml").decode()
        assert 't="inlineStr"' in z.read("xl/worksheets/sheet2.xml").decode()
        assert 't="inlineStr"' not in z.read("xl/worksheets/sheet1.xml").decode()


def test_a_long_input_table_is_echoed_as_the_rows_the_plan_uses(
        absheron_outcome: RunOutcome, book: openpyxl.Workbook, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Assumptions echoes every lane, offer and market of the bundled case. Past
    ASSUMED_ROWS rows (here lowered to 20) a section lists only the rows with tonnes in
    the plan, and its title says how many of how many: 100,000 OR-Library lanes took 11 s
    of a 16 s write."""
    import optimizer.excel.write as writer

    res = absheron_outcome.results
    data = absheron_outcome.data
    assert res is not None and data is not None
    everything = _section(book, "Assumptions", "Transport lanes")
    assert len(everything) == len(data.lanes) > 20
    monkeypatch.setattr(writer, "ASSUMED_ROWS", 20)
    short = openpyxl.load_workbook(write_results(tmp_path / "short.xlsx", absheron_outcome,
                                                 dt.datetime.now().astimezone()))
    used = set(res.flows.lane[res.flows.tonnes > 1e-9])
    title = f"Transport lanes: the {len(used)} the plan uses, of {len(data.lanes)} " \
            "(all are in the input workbook)"
    lanes = _section(short, "Assumptions", title)
    assert {r["Lane"] for r in lanes} == used and 0 < len(used) < len(data.lanes)
    assert all(r in everything for r in lanes)  # the same rows, as they were
    sold = {k for k, t in zip(zip(res.sales.market, res.sales.material, res.sales.period,
                                  strict=True), res.sales.tonnes, strict=True) if t > 1e-9}
    titles = [c.value for (c,) in short["Assumptions"].iter_rows(min_col=1, max_col=1)
              if c.value]
    assert len(data.markets) > 20 and f"Markets: the {len(sold)} the plan uses, of " \
        f"{len(data.markets)} (all are in the input workbook)" in titles
    # 15 offers: under the limit, all listed under the plain title
    assert len(data.source_periods) <= 20 and "Feedstock offers" in titles



def test_empty_data_cells_are_not_written_but_a_totals_rows_are(written: Path) -> None:
    """An empty cell of a table's data row is left out of the sheet (its format shows
    nothing without a value; a fifth of the big sheets' cells), while the empty cells of
    its totals row are written with their fill, so the band is unbroken."""
    ws = openpyxl.load_workbook(written)["Lines"]
    cells = dict(ws._cells)  # the cells present in the sheet's XML
    width = sum(1 for (r, _c) in cells if r == 2)  # the header row
    total_row = next(r for (r, c), cell in cells.items() if c == 1 and cell.value == "Total")
    data_rows = range(3, total_row)
    missing = [(r, c) for r in data_rows for c in range(1, width + 1) if (r, c) not in cells]
    assert missing  # lines not built leave columns empty
    assert all(cells[(r, c)].value is not None for r in data_rows for c in range(1, width + 1)
               if (r, c) in cells)
    totals = [cells.get((total_row, c)) for c in range(1, width + 1)]
    assert all(cell is not None for cell in totals)  # every cell of the band is written
    assert any(cell.value is None for cell in totals if cell is not None)
    for cell in totals:
        assert cell is not None and cell.fill.fill_type == "solid"
        assert cell.fill.fgColor.rgb[-6:] == TOTAL_FILL.lstrip("#")
    # the Feedstock sheet's offers x lines matrix: a pair with no tonnes has no cell
    feed = dict(openpyxl.load_workbook(written)["Feedstock"]._cells)
    title = next(r for (r, c), cell in feed.items()
                 if c == 1 and str(cell.value).startswith("Where the feedstock went"))
    header = title + 2
    columns = max(c for (r, c) in feed if r == header)
    total = next(r for (r, c), cell in feed.items() if c == 1 and r > header
                 and cell.value == "Total")
    body = [(r, c) for r in range(header + 1, total) for c in range(2, columns)]
    assert [rc for rc in body if rc not in feed]  # some offer does not feed some line
    assert all(feed[rc].value for rc in body if rc in feed)
