"""The metals and cluster cases through every user-facing path, exactly as the polymer case:
the template command, validate, run in three languages, a LibreOffice render of the results
and a nightly run. No option or code path is specific to a case."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import ExitCode
from optimizer.excel.write import write_results
from optimizer.pipeline import RunOutcome
from optimizer.report.i18n import tr
from optimizer.report.pdf import convert
from tests.test_nightly import Night
from tests.test_report_libreoffice import NEEDS, SHEET_KEYS, _images, _pdf_text
from tools.metals_case import metals_tables

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "input_templates"
CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def run(*args: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHAINOPT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.mark.parametrize("case", ["metals", "cluster"])
def test_template_example_writes_the_bundled_case(tmp_path: Path, case: str) -> None:
    out = run("template", "--example", case, "-o", "mine.xlsx", cwd=tmp_path)
    assert out.returncode == ExitCode.OK, out.stderr
    assert (tmp_path / "mine.xlsx").read_bytes() == (TEMPLATES / f"{case}.xlsx").read_bytes()


def test_template_example_alone_is_still_the_polymer_case(tmp_path: Path) -> None:
    out = run("template", "--example", "--force", "-o", "a.xlsx", cwd=tmp_path)
    assert out.returncode == ExitCode.OK, out.stderr
    assert (tmp_path / "a.xlsx").read_bytes() == (TEMPLATES / "absheron.xlsx").read_bytes()


def test_template_case_names_are_checked(tmp_path: Path) -> None:
    out = run("template", "--example", "steel", "-o", "x.xlsx", cwd=tmp_path)
    assert out.returncode == ExitCode.USAGE
    assert "no bundled case named 'steel'" in out.stderr and "metals" in out.stderr
    assert "Traceback" not in out.stderr
    out = run("template", "metals", "-o", "x.xlsx", cwd=tmp_path)  # a name without --example
    assert out.returncode == ExitCode.USAGE and "--example metals" in out.stderr
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("case", ["metals", "cluster"])
def test_validate_finds_no_problem(tmp_path: Path, case: str) -> None:
    out = run("validate", str(TEMPLATES / f"{case}.xlsx"), cwd=tmp_path)
    assert out.returncode == ExitCode.OK, out.stdout + out.stderr
    assert "no problems found" in out.stdout


@pytest.mark.solver
@pytest.mark.slow
@pytest.mark.parametrize("case", ["metals", "cluster"])
def test_run_in_three_languages(tmp_path: Path, case: str) -> None:
    for lang in ("en", "az", "ru"):
        folder = tmp_path / lang
        out = run("run", str(TEMPLATES / f"{case}.xlsx"), "-o", str(folder), "--lang", lang,
                  "--quiet", cwd=tmp_path)
        assert out.returncode == ExitCode.OK, out.stderr  # 0: an optimal plan was written
        written = list(folder.glob(f"{case}-*.xlsx"))
        assert len(written) == 1
        assert written[0].name in out.stdout  # the status line (in `lang`) says where
        book = openpyxl.load_workbook(written[0], read_only=True)
        try:
            assert book.sheetnames[0] == tr("sheet.summary", lang)
            assert tr("sheet.marginal", lang) in book.sheetnames
        finally:
            book.close()


@pytest.mark.libreoffice
@pytest.mark.solver
@pytest.mark.slow
@NEEDS
@pytest.mark.parametrize("case", ["metals", "cluster"])
def test_libreoffice_renders_the_results(case: str, request: pytest.FixtureRequest,
                                         tmp_path: Path) -> None:
    outcome: RunOutcome = request.getfixturevalue(f"{case}_outcome")
    written = write_results(tmp_path / f"{case}.xlsx", outcome,
                            dt.datetime.now().astimezone(), lang="en")
    pdf = convert(written, tmp_path)
    assert pdf.exists(), "soffice exited without writing the PDF"
    text = " ".join(_pdf_text(pdf).split())
    for key in SHEET_KEYS:
        assert tr(f"sheet.{key}", "en") in text, f"sheet {key} missing from the PDF"
    assert tr("summary.title", "en", case=case) in text
    for line in ("M01", "M11"):  # built in both plans; their rows render
        assert line in text
    assert _images(pdf) >= 2  # the Sankey diagram and the map


@pytest.mark.solver
@pytest.mark.slow
def test_nightly_on_the_metals_case(tmp_path: Path) -> None:
    night = Night(tmp_path, metals_tables(), name="metals")
    out = night.run("--quiet")
    assert out.returncode == ExitCode.OK, out.stderr
    assert night.latest.exists()
    (record,) = night.records()
    (wb,) = record["workbooks"]
    assert record["exit_code"] == 0 and wb["status"] == "optimal"
    # the metals plan's net value (tests/test_metals_cluster.py explains it)
    assert abs(wb["objective"] - 5_675_127.41) <= 1e-4 * 5_675_127.41
    assert wb["outputs"]["latest_sha256"] and json.dumps(record)
