"""The results workbook: complete, consistent with the plan, safe, and readable by a real client."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from optimizer.excel.template import write_input_workbook
from optimizer.excel.write import write_results
from optimizer.pipeline import RunOutcome, sha256_of, solve_workbook
from optimizer.solve import SolveStatus
from tools.absheron_case import absheron_tables

pytestmark = pytest.mark.solver
SHEETS = ("Summary", "Lines", "Flows", "Sales", "Feedstock", "Run info", "Issues")


@pytest.fixture(scope="module")
def written(absheron_outcome: RunOutcome, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("results")
    return write_results(folder / "absheron.xlsx", absheron_outcome,
                         dt.datetime.now().astimezone())


def _table(book: openpyxl.Workbook, sheet: str) -> list[dict[str, object]]:
    rows = list(book[sheet].iter_rows(min_row=2, values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def _summary(book: openpyxl.Workbook) -> dict[str, object]:
    return {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}


def test_sheets_and_totals_match_the_plan(written: Path, absheron_outcome: RunOutcome) -> None:
    book = openpyxl.load_workbook(written)
    assert tuple(book.sheetnames) == SHEETS
    summary = _summary(book)
    lines = _table(book, "Lines")
    assert len(lines) == 36
    built = [r for r in lines if r["Built"] == "yes"]
    assert summary["Lines built"] == len(built)
    assert summary["Jobs"] == pytest.approx(sum(float(r["Jobs"] or 0) for r in lines))
    sales = _table(book, "Sales")
    assert summary["Revenue"] == pytest.approx(sum(float(r["Revenue"]) for r in sales))
    flows = _table(book, "Flows")
    assert summary["Transport cost"] == pytest.approx(sum(float(r["Cost"]) for r in flows))
    parts = ("Revenue", "Feedstock cost", "Variable processing cost", "Transport cost",
             "Disposal cost", "Fixed cost of lines")
    net = summary["Revenue"] - sum(summary[p] for p in parts[1:])  # type: ignore[operator]
    assert summary["Net value = revenue - costs"] == pytest.approx(net)
    assert summary["Net value (objective)"] == pytest.approx(net, rel=1e-6)
    assert absheron_outcome.objective == pytest.approx(net, rel=1e-6)
    headline = book["Summary"]["A2"].value
    assert headline.startswith(f"Build {len(built)} of 36 candidate lines")
    assert summary["Independent check"] == "passed"


def test_run_info_names_input_hash_versions_and_settings(written: Path,
                                                         absheron_path: Path) -> None:
    info = {r[0]: r[1] for r in openpyxl.load_workbook(written)["Run info"].iter_rows(
        values_only=True)}
    assert info["Input file"] == "absheron.xlsx"
    assert info["Input SHA-256"] == sha256_of(absheron_path)
    for key in ("Version: pyomo", "Version: highspy", "Version: pandas", "Version: openpyxl",
                "Time limit (s)", "Relative gap tolerance", "Solver"):
        assert info[key] not in (None, "", "not installed"), key


HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1", "bad\x07name"]


def test_hostile_names_are_written_as_literal_text(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    originals = [r["line"] for r in tables["Lines"][: len(HOSTILE)]]
    for row, name in zip(tables["Lines"], HOSTILE, strict=False):
        row["line"] = name
        row["description"] = name
    path = tmp_path / "hostile.xlsx"
    write_input_workbook(path, tables)
    outcome = solve_workbook(path)
    assert outcome.status is SolveStatus.OPTIMAL, outcome.issues.report()
    out = write_results(tmp_path / "out.xlsx", outcome, dt.datetime.now())
    ws = openpyxl.load_workbook(out)["Lines"]
    cells = {c.value: c for c in ws["A"] if c.value is not None}
    for name in HOSTILE[:4]:
        assert name in cells, f"{name!r} not found as text; saw {list(cells)[:8]}"
        assert cells[name].data_type == "s"
    assert "bad\ufffdname" in cells  # control character replaced, write did not fail
    assert originals  # the case really had lines to rename


def test_failed_write_keeps_the_previous_result(tmp_path: Path,
                                                absheron_outcome: RunOutcome) -> None:
    target = tmp_path / "latest.xlsx"
    target.write_bytes(b"previous result")

    class Broken(RunOutcome):
        pass

    broken = copy.copy(absheron_outcome)
    broken.results = None  # the writer fails half-way
    with pytest.raises(AttributeError):
        write_results(target, broken, dt.datetime.now())
    assert target.read_bytes() == b"previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["latest.xlsx"]  # no temp file left


@pytest.mark.libreoffice
def test_libreoffice_renders_every_sheet(written: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or pdftotext is not installed (.ci/run installs both)")
    profile = tmp_path / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(written)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "absheron.pdf"
    assert pdf.exists(), "soffice exited without writing the PDF"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for phrase in ("chainopt results: absheron", "Every candidate line",
                   "Every transport lane used", "Sales by market", "Feedstock use",
                   "Input SHA-256", "Severity"):
        assert phrase in text, f"{phrase!r} missing from the rendered PDF"
