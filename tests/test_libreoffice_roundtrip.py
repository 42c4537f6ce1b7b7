"""A real client: workbooks re-saved by LibreOffice headless read back to the same data.

1. The bundled example, re-saved by LibreOffice, gives exactly the same ChainData.
2. The blank template, filled in (cells typed into its tables, one of them a formula) and
   saved by LibreOffice, gives the same ChainData as the same case written directly; the
   formula's result, which LibreOffice caches, is used.
The template's notes, drop-downs, tables and version stamp survive the save.

.ci/run installs LibreOffice (Debian libreoffice-calc-nogui); these tests skip, with the
reason shown, only where soffice is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from models.chain.schema import SCHEMA_VERSION, SETTINGS_SHEET, SHEETS_BY_NAME, VERSION_NAME
from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import validate_workbook
from tests.tiny_cases import base_case
from tests.workbook_edits import write_tables

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; "
                       ".ci/run installs libreoffice-calc-nogui"),
]


def resave(path: Path, work: Path) -> Path:
    """``path`` opened and saved as .xlsx by LibreOffice headless, in a fresh profile."""
    out = work / "libreoffice"
    out.mkdir(exist_ok=True)
    profile = work / "lo-profile"
    assert SOFFICE is not None
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False)
    result = out / path.name
    if not result.exists():  # soffice can exit 0 without writing anything
        pytest.fail(f"LibreOffice wrote nothing (exit {done.returncode}): {done.stderr[-500:]}")
    return result


def _data(path: Path):  # type: ignore[no-untyped-def]
    outcome = validate_workbook(path)
    assert outcome.data is not None, outcome.issues.report()
    return outcome.data


def test_example_resaved_by_libreoffice_reads_the_same(tmp_path: Path,
                                                        absheron_path: Path) -> None:
    source = tmp_path / "absheron.xlsx"
    shutil.copyfile(absheron_path, source)
    saved = resave(source, tmp_path)
    assert _data(saved) == _data(absheron_path)
    book = openpyxl.load_workbook(saved)
    assert book.defined_names[VERSION_NAME].attr_text.strip('"') == SCHEMA_VERSION
    lines = book["Lines"]
    assert lines.tables and lines["A1"].comment is not None
    assert any(dv.type == "list" for dv in lines.data_validations.dataValidation)
    assert book["Lines"]["A1"].fill.fgColor.rgb.endswith("833C0B")  # the header fill stays


def _fill(book: openpyxl.Workbook, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Type a case into the template's cells, as a person would."""
    for sheet, rows in tables.items():
        ws = book[sheet]
        if sheet == SETTINGS_SHEET.name:
            where = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
            for row in rows:
                ws.cell(row=where[row["setting"]], column=2).value = row["value"]
            continue
        names = [c.name for c in SHEETS_BY_NAME[sheet].columns]
        for r, row in enumerate(rows, start=2):
            for name, value in row.items():
                if isinstance(value, bool):
                    value = "yes" if value else "no"
                ws.cell(row=r, column=names.index(name) + 1).value = value


def test_filled_template_saved_by_libreoffice_reads_the_same(tmp_path: Path) -> None:
    case = base_case()
    case["Lines"][0]["jobs"] = 3
    expected = _data(write_tables(case, tmp_path / "direct.xlsx"))
    template = write_input_workbook(tmp_path / "template.xlsx", None)
    book = openpyxl.load_workbook(template)
    _fill(book, case)
    book["Lines"]["I2"] = "=1+2"  # jobs typed as a formula: LibreOffice stores its result
    book["Lines"]["D2"] = "100 "  # capacity typed as text with a trailing space
    book["Sites"]["A2"] = "S "  # an ID with a trailing space
    typed = tmp_path / "filled.xlsx"
    book.save(typed)
    before = validate_workbook(typed)
    assert before.data is None  # the formula has no saved result yet: reported, not blank
    assert any(e.cell == "I2" and "formula" in e.message for e in before.issues.errors)
    saved = resave(typed, tmp_path)
    assert _data(saved) == expected
