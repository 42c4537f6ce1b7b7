"""Workbooks are untrusted: every hazard is refused before a parser runs, with a clear
message and never a traceback, and the input file is never modified."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from models.validation.issues import IssueList
from optimizer.errors import ExitCode
from optimizer.excel import safety
from optimizer.pipeline import validate_workbook
from tests.tiny_cases import base_case
from tests.workbook_edits import write_tables

CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def _valid(path: Path) -> Path:
    return write_tables(base_case(), path)


def _add_parts(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "a") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _replace_part(path: Path, name: str, data: bytes) -> Path:
    with zipfile.ZipFile(path) as archive:
        items = [(i.filename, archive.read(i.filename)) for i in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, content in items:
            archive.writestr(filename, data if filename == name else content)
    return path


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                  b'<si><t>&lol2;</t></si></sst>')
XXE_AFTER_COMMENT = (b'<?xml version="1.0"?>\n<!-- a comment first -->\n  '
                     b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')


def _content_types_macro(path: Path) -> Path:
    _valid(path)
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml",
                          b"ms-excel.sheet.macroEnabled.main+xml")
    return _replace_part(path, "[Content_Types].xml", types)


HAZARDS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("macros", lambda p: _add_parts(_valid(p), {"xl/vbaProject.bin": b"\0" * 64}),
     "contains macros"),
    ("Excel 4 macro sheet", lambda p: _add_parts(_valid(p), {"xl/macrosheets/sheet1.xml":
                                                              "<x/>"}), "contains macros"),
    ("macro content type", _content_types_macro, "declares macros"),
    ("external links", lambda p: _add_parts(_valid(p), {
        "xl/externalLinks/externalLink1.xml": "<externalLink/>"}), "external links"),
    ("embedded OLE object", lambda p: _add_parts(_valid(p), {
        "xl/embeddings/oleObject1.bin": b"\0" * 64}), "embedded objects"),
    ("ActiveX control", lambda p: _add_parts(_valid(p), {"xl/activeX/activeX1.xml": "<a/>"}),
     "embedded objects"),
    ("data connection", lambda p: _add_parts(_valid(p), {"xl/connections.xml":
                                                          "<connections/>"}),
     "data connections"),
    ("query table", lambda p: _add_parts(_valid(p), {"xl/queryTables/queryTable1.xml":
                                                      "<queryTable/>"}), "data connections"),
    ("entity expansion (billion laughs)",
     lambda p: _add_parts(_valid(p), {"xl/sharedStrings.xml": BILLION_LAUGHS}),
     "document type declaration"),
    ("external entity after a comment",
     lambda p: _replace_part(_valid(p), "docProps/app.xml", XXE_AFTER_COMMENT),
     "document type declaration"),
]


@pytest.mark.parametrize(("name", "make", "phrase"), HAZARDS, ids=[h[0] for h in HAZARDS])
def test_hazards_are_refused_before_parsing(tmp_path: Path, name: str,
                                            make: Callable[[Path], Path], phrase: str) -> None:
    path = make(tmp_path / "hazard.xlsx")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    outcome = validate_workbook(path)
    assert outcome.data is None and not outcome.readable
    messages = [e.message for e in outcome.issues.errors]
    assert any(phrase in m for m in messages), messages
    assert all(e.hint or "zip bomb" in e.message for e in outcome.issues.errors)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_file_over_the_size_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _valid(tmp_path / "big.xlsx")
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", path.stat().st_size - 1)
    outcome = validate_workbook(path)
    assert outcome.issues.errors[0].message == "The file is too large."


def test_too_many_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_PARTS", 5)
    outcome = validate_workbook(_valid(tmp_path / "parts.xlsx"))
    assert outcome.issues.errors[0].message == "The workbook has too many parts."


def test_part_inflating_by_an_absurd_ratio(tmp_path: Path) -> None:
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))  # ~1000:1
    outcome = validate_workbook(path)
    assert any("inflates far beyond its size" in e.message for e in outcome.issues.errors)


def test_total_inflation_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_UNPACKED_BYTES", 1000)
    outcome = validate_workbook(_valid(tmp_path / "total.xlsx"))
    assert any("unpacks to too much data" in e.message for e in outcome.issues.errors)


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("empty.xlsx", b"", "The file is empty."),
        ("random.xlsx", bytes(range(256)) * 4, "not an Excel workbook"),
        ("truncated.xlsx", None, "not an Excel workbook"),
        ("encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "password"),
        ("renamed.xlsx", "ods", "OpenDocument"),
        ("nozip.xlsx", "nobook", "no xl/workbook.xml"),
        ("badxml.xlsx", "badxml", "cannot be read"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "not supported"),
        ("binary.xlsb", b"PK\x03\x04", "not supported"),
        ("macro.xlsm", b"PK\x03\x04", "not supported"),
        ("sheet.ods", b"PK\x03\x04", "not supported"),
        ("data.csv", b"a,b\n1,2\n", "not supported"),
    ],
)
def test_unreadable_files_get_one_clear_error(tmp_path: Path, name: str,
                                              content: bytes | str | None,
                                              phrase: str) -> None:
    path = tmp_path / name
    if content is None:
        data = _valid(tmp_path / "whole.xlsx").read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif content == "ods":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<office:document-content/>")
    elif content == "nobook":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    elif content == "badxml":
        _replace_part(_valid(path), "xl/workbook.xml", b"<workbook><sheets><oops")
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    outcome = validate_workbook(path)
    assert outcome.data is None
    errors = outcome.issues.errors
    assert len(errors) == 1 and phrase in errors[0].message + " " + errors[0].hint, \
        outcome.issues.report()
    if path.suffix in (".xls", ".xlsb", ".ods", ".csv", ".xlsm"):
        assert "xlsx" in errors[0].hint or "chainopt template" in errors[0].hint  # what to do


def test_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    assert "folder" in validate_workbook(tmp_path).issues.errors[0].message
    assert "does not exist" in validate_workbook(tmp_path / "no.xlsx").issues.errors[0].message


def test_damaged_file_through_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    data = _valid(tmp_path / "whole.xlsx").read_bytes()
    path.write_bytes(data[:2000])
    for command in ("validate", "run"):
        out = subprocess.run([CHAINOPT, command, str(path)], capture_output=True, text=True,
                             timeout=120, check=False, cwd=tmp_path)
        assert out.returncode == ExitCode.INPUT_UNREADABLE, out.stdout + out.stderr
        assert "Traceback" not in out.stdout + out.stderr
        assert "damaged" in out.stdout + out.stderr or "not an Excel" in out.stdout + out.stderr


# --- issue 10: bounded reading, DTD pre-check ------------------------------------------


def _limit_memory(megabytes: int) -> Callable[[], None]:
    def apply() -> None:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    return apply


def _far_cell(path: Path, ref: str, xml: str) -> Path:
    """Add one cell (a value, or a formatted empty cell) far outside the Lines table."""
    from tests.workbook_edits import edit_part, sheet_part
    row = int("".join(ch for ch in ref if ch.isdigit()))
    cell = xml.format(ref=ref)
    return edit_part(path, sheet_part(path, "Lines"),
                     lambda text: text.replace("</sheetData>",
                                               f'<row r="{row}">{cell}</row></sheetData>'))


@pytest.mark.parametrize("ref", ["XFD1048576", "CV1048576"])
def test_one_far_away_value_is_refused_by_cell_within_bounded_memory(tmp_path: Path,
                                                                      ref: str) -> None:
    """Before: XFD1048576 aborted the reader (exit 134); CV1048576 needed 5.1 GB. Now the
    sheet XML is scanned first and the far cell is named; 1.5 GB of address space is
    plenty (the interpreter with its libraries maps about 0.9 GB)."""
    path = _far_cell(_valid(tmp_path / "far.xlsx"), ref,
                     '<c r="{ref}" t="inlineStr"><is><t>junk</t></is></c>')
    out = subprocess.run([CHAINOPT, "validate", str(path)], capture_output=True, text=True,
                         timeout=300, check=False, cwd=tmp_path,
                         preexec_fn=_limit_memory(1536))
    text = out.stdout + out.stderr
    assert out.returncode == ExitCode.INPUT_UNREADABLE, text
    assert f"Lines!{ref}" in text and "Traceback" not in text
    assert "12,000,000 cells" in text


def test_formatted_empty_cells_and_a_huge_declared_dimension_are_read_normally(
        tmp_path: Path) -> None:
    """Only cells holding values bound the read: a formatted empty cell at XFD1048576 and
    a <dimension> declaring the whole sheet change nothing (the case still validates)."""
    from tests.workbook_edits import edit_part, sheet_part
    path = _far_cell(_valid(tmp_path / "styled.xlsx"), "XFD1048576", '<c r="{ref}" s="0"/>')
    part = sheet_part(path, "Lines")
    edit_part(path, part, lambda text: text.replace(
        "<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>', 1)
        if "<dimension" not in text else
        __import__("re").sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>',
                             text))
    outcome = validate_workbook(path)
    assert outcome.data is not None, outcome.issues.report()


def test_text_longer_than_excel_allows_is_an_error_at_its_cell(tmp_path: Path) -> None:
    """Excel holds at most 32,767 characters in a cell; a generated file with more gets a
    located error (and the text is cut, so no megabyte string travels on)."""
    from tests.workbook_edits import at, edit_part, sheet_part
    path = _valid(tmp_path / "long.xlsx")
    edit_part(path, sheet_part(path, "Lines"),
              lambda text: text.replace("</sheetData>", '<row r="9"><c r="M9" t="inlineStr">'
                                        f'<is><t>{"x" * 40_000}</t></is></c></row>'
                                        "</sheetData>"))
    issues = validate_workbook(path).issues
    found = at(issues, "Lines", "M9")
    assert found and "more text than Excel allows" in found[0].message, issues.report()
    assert len(found[0].value) < 100


DTD_HIDDEN = [
    ("byte-order mark", "xl/sharedStrings.xml", b"\xef\xbb\xbf" + BILLION_LAUGHS),
    ("not named .xml", "xl/strings.bin", BILLION_LAUGHS),
    ("no extension at all", "customXml/item1", XXE_AFTER_COMMENT),
    ("UTF-16 with a mark", "docProps/custom.xml",
     BILLION_LAUGHS.decode().replace('?xml version="1.0"?', '?xml version="1.0" '
                                     'encoding="UTF-16"?').encode("utf-16")),
]


@pytest.mark.parametrize(("name", "part", "data"), DTD_HIDDEN, ids=[d[0] for d in DTD_HIDDEN])
def test_dtd_pre_check_sees_through_marks_names_and_encodings(tmp_path: Path, name: str,
                                                             part: str, data: bytes) -> None:
    """Before, a BOM or a part name not ending in .xml skipped the DTD pre-check (the
    parser still refused, later); now the pre-check itself refuses every one."""
    path = _valid(tmp_path / "dtd.xlsx")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    path = (_replace_part(path, part, data) if part in names else
            _add_parts(path, {part: data}))
    issues = IssueList(path.name)
    assert not safety.check_workbook_file(path, issues)
    assert any("document type declaration" in e.message and e.value == part
               for e in issues.errors), issues.report()


def test_binary_parts_do_not_trip_the_dtd_pre_check(tmp_path: Path) -> None:
    path = _add_parts(_valid(tmp_path / "img.xlsx"),
                      {"xl/media/image1.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
                       "xl/media/image2.bin": b"<\0x\0"})
    issues = IssueList(path.name)
    assert safety.check_workbook_file(path, issues), issues.report()
