"""Reading and validating workbooks: every problem reported at once, located to the cell."""

from __future__ import annotations

import copy
from pathlib import Path

import openpyxl
import pytest

from models.chain.data import load_data
from models.validation.issues import IssueList, Severity
from optimizer.excel.read import read_workbook
from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import sha256_of, validate_workbook
from tools.absheron_case import absheron_tables


def _write(tables: dict, path: Path) -> Path:
    write_input_workbook(path, tables)
    return path


def _errors(path: Path) -> list:
    issues = IssueList(path.name)
    raw = read_workbook(path, issues)
    if raw is not None:
        load_data(raw, issues)
    return [i for i in issues if i.severity is Severity.ERROR]


def _find(errors: list, sheet: str, cell: str) -> object:
    hits = [e for e in errors if e.sheet == sheet and e.cell == cell]
    assert hits, f"no error at {sheet}!{cell}; got " + "; ".join(e.format() for e in errors)
    return hits[0]


def test_bundled_case_is_valid(absheron_path: Path) -> None:
    assert _errors(absheron_path) == []


def test_every_mistake_is_reported_at_once_with_its_cell(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    lines = tables["Lines"]
    lines[1]["capacity"] = -5  # Lines row 3, column D (capacity)
    lines[2]["site"] = "scip"  # Lines row 4, column B: near miss of SCIP
    lines[3]["line"] = lines[0]["line"]  # Lines row 5, column A: duplicate C01
    lines[4]["jobs"] = "many"  # Lines row 6: not a number
    tables["Sources"][0]["material"] = "V_NOPE"  # Sources row 2, column B
    tables["Markets"][0]["sales_min"] = 10**9  # above sales_max
    path = _write(tables, tmp_path / "broken.xlsx")
    errors = _errors(path)

    cap = _find(errors, "Lines", "D3")
    assert cap.column == "capacity" and cap.value == "-5" and "Negative" in cap.message
    assert "at least 0" in cap.expected

    site = _find(errors, "Lines", "B4")
    assert site.value == "scip" and "Did you mean 'SCIP'" in site.hint

    dup = _find(errors, "Lines", "A5")
    assert "Duplicate" in dup.message and "row 2" in dup.message

    jobs_col = openpyxl.utils.get_column_letter(
        [c.name for c in __import__("models.chain.schema", fromlist=["LINES"]).LINES.columns]
        .index("jobs") + 1)
    jobs = _find(errors, "Lines", f"{jobs_col}6")
    assert jobs.value == "many" and "not a number" in jobs.message

    mat = _find(errors, "Sources", "B2")
    assert mat.value == "V_NOPE" and "Materials" in mat.expected

    assert any(e.sheet == "Markets" and "sales_min" in e.message for e in errors)
    assert len(errors) >= 6
    assert all(e.file == "broken.xlsx" for e in errors)


def test_missing_sheet_and_missing_column(tmp_path: Path) -> None:
    path = _write(copy.deepcopy(absheron_tables()), tmp_path / "cut.xlsx")
    book = openpyxl.load_workbook(path)
    del book["Markets"]
    book["Sources"].delete_cols(7)  # the price column
    book.save(path)
    errors = _errors(path)
    assert any(e.sheet == "Markets" and "required sheet is missing" in e.message for e in errors)
    price = [e for e in errors if e.sheet == "Sources" and e.column == "price"]
    assert price and "required column is missing" in price[0].message


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("empty.xlsx", b"", "empty"),
        ("text.xlsx", b"this is not a workbook", "not an Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "not supported"),
        ("data.csv", b"a,b\n1,2\n", "not supported"),
        ("sheet.ods", b"PK\x03\x04", "not supported"),
    ],
)
def test_unreadable_files_get_a_clear_error(tmp_path: Path, name: str, content: bytes,
                                            phrase: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    outcome = validate_workbook(path)
    assert outcome.data is None
    assert any(phrase in e.message for e in outcome.issues.errors), outcome.issues.report()


def test_missing_file(tmp_path: Path) -> None:
    outcome = validate_workbook(tmp_path / "nowhere.xlsx")
    assert outcome.data is None and "does not exist" in outcome.issues.errors[0].message


def test_macros_and_external_links_are_refused(tmp_path: Path) -> None:
    import zipfile

    path = _write(copy.deepcopy(absheron_tables()), tmp_path / "macro.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\x00" * 10)
        archive.writestr("xl/externalLinks/externalLink1.xml", "<x/>")
    messages = " ".join(e.message for e in _errors(path))
    assert "macros" in messages and "external links" in messages


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    messages = " ".join(e.message for e in _errors(path))
    assert "zip bomb" in messages


def test_reading_never_modifies_the_input(absheron_path: Path) -> None:
    before = sha256_of(absheron_path)
    mtime = absheron_path.stat().st_mtime_ns
    validate_workbook(absheron_path)
    assert sha256_of(absheron_path) == before
    assert absheron_path.stat().st_mtime_ns == mtime


def test_numbers_typed_as_text_are_read(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    tables["Lines"][0]["capacity"] = "3 000"
    tables["Lines"][1]["capex"] = "2,200,000"
    tables["Lines"][2]["utilisation_min"] = "40%"
    path = _write(tables, tmp_path / "typed.xlsx")
    outcome = validate_workbook(path)
    assert outcome.data is not None, outcome.issues.report()
    assert outcome.data.capacity["C01"] == 3000
    assert outcome.data.capex["C02"] == 2_200_000
    assert outcome.data.utilisation_min["C03"] == pytest.approx(0.40)


def test_blank_rows_and_extra_columns(tmp_path: Path) -> None:
    path = _write(copy.deepcopy(absheron_tables()), tmp_path / "extra.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book["Lines"]
    ws.insert_rows(4, 2)  # two blank rows in the middle
    ws.cell(row=1, column=ws.max_column + 1, value="my notes")
    book.save(path)
    outcome = validate_workbook(path)
    assert outcome.data is not None, outcome.issues.report()
    assert len(outcome.data.lines) == 36
    notes = [i for i in outcome.issues if i.column == "my notes"]
    assert notes and notes[0].severity is Severity.INFO
