"""A real client opens the results: LibreOffice headless renders every sheet, the charts and
the images to PDF, in English and Azerbaijani; ``chainopt run --pdf`` writes the PDF, or
says clearly that it cannot."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from optimizer.excel.write import write_results
from optimizer.pipeline import RunOutcome
from optimizer.report.i18n import tr
from optimizer.report.pdf import convert

pytestmark = pytest.mark.solver
NEEDS = pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext")
    or not shutil.which("pdfimages"),
    reason="LibreOffice (soffice) or poppler-utils (pdftotext, pdfimages) is not installed; "
           ".ci/run installs both")
SHEET_KEYS = ("summary", "lines", "feedstock", "flows", "markets", "sites", "value_chain",
              "marginal", "assumptions", "run_info", "issues")


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def _images(pdf: Path) -> int:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    return sum(1 for line in listing[2:] if " image " in line)


@pytest.mark.libreoffice
@NEEDS
@pytest.mark.parametrize("lang", ["en", "az"])
def test_libreoffice_renders_every_sheet_chart_and_image(
        lang: str, absheron_outcome: RunOutcome, tmp_path: Path) -> None:
    written = write_results(tmp_path / f"absheron-{lang}.xlsx", absheron_outcome,
                            dt.datetime.now().astimezone(), lang=lang)
    pdf = convert(written, tmp_path)
    assert pdf.exists(), "soffice exited without writing the PDF"
    text = " ".join(_pdf_text(pdf).split())
    # every sheet renders: its name is in the page footer, its first words on the page
    for key in SHEET_KEYS:
        assert tr(f"sheet.{key}", lang) in text, f"sheet {key} missing from the PDF"
    period = absheron_outcome.data.last_period  # type: ignore[union-attr]
    for phrase in (tr("summary.title", lang, case="absheron"), tr("summary.limits_title", lang),
                   tr("feed.intro", lang)[:40], tr("flows.intro", lang)[:40],
                   tr("markets.intro", lang)[:40], tr("sites.intro", lang)[:40],
                   tr("chain.sankey_table", lang), tr("marginal.intro", lang)[:40],
                   tr("assume.intro", lang)[:40], tr("run.sha", lang),
                   tr("issues.severity", lang)):
        assert " ".join(phrase.split()) in text, f"{phrase!r} missing from the PDF"
    # the four native charts are drawn (their titles are text in the PDF) ...
    for key in ("chart.net_by_line", "chart.costs", "feed.chart", "chart.sales"):
        assert tr(key, lang, period=period) in text, f"chart {key} missing"
    # ... and the Sankey diagram and the map are embedded images
    assert _images(pdf) >= 2


@pytest.mark.libreoffice
@NEEDS
def test_run_pdf_writes_the_pdf(absheron_path: Path, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "optimizer", "run", str(absheron_path),
                          "-o", str(tmp_path), "--lang", "ru", "--pdf", "--quiet"],
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr
    pdfs = list(tmp_path.glob("absheron-*.pdf"))
    assert len(pdfs) == 1 and f"PDF: {pdfs[0]}" in out.stdout
    assert tr("sheet.summary", "ru") in _pdf_text(pdfs[0])
    assert len(list(tmp_path.glob("absheron-*-sankey.png"))) == 1


def test_run_pdf_without_libreoffice_says_so(absheron_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    out = subprocess.run([sys.executable, "-m", "optimizer", "run", str(absheron_path),
                          "-o", str(tmp_path / "res"), "--pdf", "--quiet"], env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr  # the workbook is the result; the PDF is extra
    assert "PDF not written: LibreOffice (soffice) is not installed" in out.stderr
    assert "PDF: not written" in out.stdout
    assert len(list((tmp_path / "res").glob("*.xlsx"))) == 1
    assert not list((tmp_path / "res").glob("*.pdf"))


def test_unknown_language_is_a_usage_error(absheron_path: Path, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "optimizer", "run", str(absheron_path),
                          "-o", str(tmp_path), "--lang", "de"], capture_output=True,
                         text=True, timeout=120, check=False)
    assert out.returncode == 2
    assert "choose en, az or ru" in out.stderr
