"""The byte scans that run before calamine sees a sheet (optimizer/excel/extent.py,
optimizer/excel/read.py) take a fast path of plain expressions where they can. These
tests hold each fast path to the general expression it stands in for, on the forms a
sheet's XML takes (namespace prefixes, ``r`` not first, a line break inside a tag, a
missing or unreadable reference, look-alike tags and text), and through a whole
workbook: a far cell written in a form the fast path does not read is still refused.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.excel import extent, read
from optimizer.pipeline import validate_workbook
from tests.tiny_cases import base_case
from tests.workbook_edits import edit_part, sheet_part, write_tables

CELL_PIECES = [
    b'<c r="A1">', b'<c r="b2" s="1" t="n">', b'<c s="1" r="C3">', b"<c>", b"<c/>",
    b'<x:c r="D4">', b'<c\nr="E5">', b'<c\tr="F6"/>', b'<c r="AAAA7">', b'<c r="A12345678">',
    b'<c r="">', b'<col min="1" max="3"/>', b"<cols>", b"<cfRule>", b"<v>1</v>", b"</c>",
    b"<is><t>W1:c x</t></is>", b'<row r="9">', b"</row>", b' r="Z9"', b"<c", b"c>",
]
FORMULA_PIECES = [
    b"<f>", b"<f/>", b'<f t="shared" ref="A1:A3"', b"<x:f>", b"<x:f ", b"<formula>",
    b"<filterColumn>", b' t="e"', b't="e"', b'\nt="e"', b":f ", b":f>", b"<v>#DIV/0!</v>",
    b'<c r="A1" t="s">', b"<is><t>ratio:f/x</t></is>", b"<", b"f", b" ",
]


def _general_cells(chunk: bytes) -> tuple[int, list[tuple[bytes, bytes]]]:
    return len(extent._CELL_TAG.findall(chunk)), extent._CELL_REF.findall(chunk)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(CELL_PIECES), max_size=12))
def test_cell_references_as_the_general_expressions_read_them(pieces: list[bytes]) -> None:
    chunk = b"".join(pieces)
    assert extent._cell_refs(chunk) == _general_cells(chunk)


def test_the_plain_path_is_taken_for_what_writers_write() -> None:
    chunk = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c></row>'
    assert extent._cell_refs(chunk) == (2, [(b"A", b"1"), (b"B", b"1")])
    odd = b'<c r="A1"/><c s="2" r="XFD1048576"/>'  # r not first: the general expression
    assert extent._cell_refs(odd) == (2, [(b"A", b"1"), (b"XFD", b"1048576")])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FORMULA_PIECES), max_size=10))
def test_formula_or_error_found_as_the_general_expression_finds_it(
        pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    expected = read._HAS_FORMULA_OR_ERROR.search(data) is not None
    assert read._holds_formula_or_error(data) is expected


def test_the_row_picker_takes_the_header_cells() -> None:
    row = ["a", "b", "c", "d"]
    assert read._picker([0, 2])(row) == ("a", "c")
    assert read._picker([3])(row) == ("d",)
    assert read._picker([])(row) == ()


def test_a_far_cell_the_plain_scan_cannot_read_is_still_refused(tmp_path: Path) -> None:
    """A far value whose tag has ``r`` after another attribute and a line break: the scan
    falls back to the general expressions, which see it, and the sheet is refused with
    the far cell named (it would take calamine gigabytes otherwise)."""
    path = write_tables(base_case(), tmp_path / "far.xlsx")
    edit_part(path, sheet_part(path, "Lines"), lambda text: text.replace(
        "</sheetData>", '<row r="1048576"><c\ns="0" r="CV1048576" t="inlineStr">'
                        "<is><t>junk</t></is></c></row></sheetData>"))
    outcome = validate_workbook(path)
    assert outcome.raw is None
    texts = [issue.format() for issue in outcome.issues]
    assert any("CV1048576" in t and "12,000,000 cells" in t for t in texts), texts


def test_an_error_cell_past_the_first_megabyte_is_reported(tmp_path: Path) -> None:
    """The formula and error scan reads the sheet in 1 MB blocks: an error cell late in a
    large sheet, in no plain form, is found and reported at its cell."""
    path = write_tables(base_case(), tmp_path / "late.xlsx")
    filler = "".join(f'<row r="{r}"><c r="Z{r}" t="inlineStr"><is><t>{"n" * 200}</t></is>'
                     "</c></row>" for r in range(1000, 7000))
    edit_part(path, sheet_part(path, "Lines"), lambda text: text.replace(
        "</sheetData>", filler + '<row r="7001"><c r="B7001" t="e"><v>#REF!</v></c></row>'
                        "</sheetData>"))
    outcome = validate_workbook(path)
    texts = [issue.format() for issue in outcome.issues]
    assert any("#REF!" in t and "7001" in t for t in texts), texts[:5]
