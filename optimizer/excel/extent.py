"""How far a sheet really reaches, found by streaming its XML before any reader sees it.

python-calamine builds a dense grid over a sheet's used range (measured with 0.9: one
value at CV1048576 took 3.3 GB and 6 s before the first row came back; one at
XFD1048576 aborts the process). So every sheet part is scanned first, in blocks:

1. a byte scan with two regular expressions collects the row and column of every
   ``<c r="...">`` tag (C speed; no tree is built). Cells without an ``r`` attribute
   or a bounding box over the limits lead to step 2;
2. a streaming parse (defusedxml) finds the cells that actually hold a value (``<v>``,
   ``<is>`` or a formula): empty, merely formatted cells (which calamine skips) do not
   count. If those still reach beyond the limits, the sheet is refused with the far
   cell named, and calamine never opens it.

The declared ``<dimension>`` is recorded but never trusted or allocated by (calamine 0.9
ignores it too: a declared A1:XFD1048576 over two cells read in 11 MB).

Limits (README, docs/user-guide.md "Limits"): at most ``MAX_COLUMNS`` columns and
``MAX_SHEET_CELLS`` cells (rows x columns of the range holding values) per sheet,
``MAX_WORKBOOK_CELLS`` over the workbook, and Excel's own 1,048,576 rows.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET

from models.validation.a1 import column_letter, column_number

MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 1_000  # a sheet of the schema has about 15; notes columns fit easily
MAX_SHEET_CELLS = 12_000_000  # rows x columns of the range that holds values, per sheet
MAX_WORKBOOK_CELLS = 20_000_000  # the same, over every sheet
MAX_TEXT_CHARS = 32_767  # Excel's own limit for one cell

_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Za-z]{1,3})([0-9]{1,7})\"")
# The same two, for a chunk whose cell tags have no namespace prefix and whose cells give
# ``r`` first (what Excel, LibreOffice, openpyxl and xlsxwriter write). They start with a
# literal, which the regular-expression engine finds at C speed: 0.05 + 0.25 s on a
# 29 MB sheet of 500,000 cells, against 0.35 + 0.47 s for the two above.
_PLAIN_CELL_TAG = re.compile(rb"<c[\s>/]")
_PLAIN_CELL_REF = re.compile(rb'<c r="([A-Za-z]{1,3})([0-9]{1,7})"')
_PREFIXED_TAG = re.compile(rb":c[\s>/]")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]{1,40})\"")
_REF = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")


@dataclass
class Extent:
    """The range of a sheet that holds values (1-based, inclusive); empty when rows == 0."""

    first_row: int = 0
    first_col: int = 0
    last_row: int = 0
    last_col: int = 0
    declared: str = ""  # the <dimension ref>, as written
    far_cell: str = ""  # the value cell that reaches furthest (for the error message)
    exact: bool = False  # from the streaming parse (values only), not the byte scan

    @property
    def rows(self) -> int:
        return self.last_row - self.first_row + 1 if self.last_row else 0

    @property
    def columns(self) -> int:
        return self.last_col - self.first_col + 1 if self.last_col else 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    @property
    def range(self) -> str:
        if not self.last_row:
            return ""
        return (f"{column_letter(self.first_col)}{self.first_row}:"
                f"{column_letter(self.last_col)}{self.last_row}")

    def within_limits(self) -> bool:
        return (self.cells <= MAX_SHEET_CELLS and self.columns <= MAX_COLUMNS
                and self.last_row <= MAX_ROWS)

    def add(self, row: int, col: int) -> None:
        if not self.last_row:
            self.first_row = self.last_row = row
            self.first_col = self.last_col = col
            return
        self.first_row, self.last_row = min(self.first_row, row), max(self.last_row, row)
        self.first_col, self.last_col = min(self.first_col, col), max(self.last_col, col)


def sheet_extent(archive: zipfile.ZipFile, part: str) -> Extent:
    """The range holding values, by the cheap scan when it settles it, else by parsing."""
    quick = _scan(archive, part)
    if quick is not None and quick.within_limits():
        return quick  # every cell, formatted or not, is inside: calamine's range is too
    exact = _parse(archive, part)
    exact.declared = quick.declared if quick is not None else exact.declared
    return exact


def _scan(archive: zipfile.ZipFile, part: str) -> Extent | None:
    """Bounding box of every cell tag; None when some cell has no r attribute."""
    out = Extent()
    tags = refs = 0
    carry = b""
    rows: list[int] = []
    letters: set[bytes] = set()
    with archive.open(part) as handle:
        while True:
            block = handle.read(1 << 22)
            data = carry + block
            cut = data.rfind(b">") + 1 if block else len(data)
            chunk, carry = data[:cut], data[cut:]
            if not out.declared:
                found = _DIMENSION.search(chunk)
                if found:
                    out.declared = found.group(1).decode("ascii", "replace")
            found_tags, pairs = _cell_refs(chunk)
            tags += found_tags
            refs += len(pairs)
            if pairs:
                chunk_letters, chunk_rows = zip(*pairs, strict=True)
                found_rows = list(map(int, set(chunk_rows)))
                rows += [max(found_rows), min(found_rows)]
                letters.update(chunk_letters)
            if not block:
                break
    if tags != refs:
        return None
    if refs:
        cols = [column_number(c.decode().upper()) for c in letters]
        out.add(min(rows), min(cols))
        out.add(max(rows), max(cols))
    return out


def _cell_refs(chunk: bytes) -> tuple[int, list[tuple[bytes, bytes]]]:
    """How many cell tags a chunk holds, and the (letters, digits) of each ``r`` found.

    The plain expressions are used when they see every cell tag: a tag they would miss
    (a namespace prefix, ``r`` not first, a reference they cannot read) makes the counts
    differ, and the chunk is then read with the general ones, as before."""
    if not _PREFIXED_TAG.search(chunk):
        tags = len(_PLAIN_CELL_TAG.findall(chunk))
        pairs = _PLAIN_CELL_REF.findall(chunk)
        if len(pairs) == tags:
            return tags, pairs
    return len(_CELL_TAG.findall(chunk)), _CELL_REF.findall(chunk)


def _parse(archive: zipfile.ZipFile, part: str) -> Extent:
    """Bounding box of the cells that hold a value, and the one that reaches furthest."""
    out = Extent(exact=True)
    row_number = col_number = 0
    far = (0, 0)
    with archive.open(part) as handle:
        for event, el in SafeET.iterparse(handle, events=("start", "end"), forbid_dtd=True):
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    row_number = int(el.get("r") or row_number + 1)
                    col_number = 0
                elif tag == "dimension":
                    out.declared = (el.get("ref") or "")[:40]
                continue
            if tag == "c":
                match = _REF.match(el.get("r") or "")
                if match:
                    col_number = column_number(match.group(1).upper())
                    row_number = int(match.group(2))
                else:
                    col_number += 1
                if _holds_value(el):
                    out.add(row_number, col_number)
                    if row_number * col_number > far[0] * far[1] or (
                            row_number + col_number > sum(far)):
                        far = (row_number, col_number)
                el.clear()
            elif tag == "row":
                el.clear()
    if far != (0, 0):
        out.far_cell = f"{column_letter(far[1])}{far[0]}"
    return out


def _holds_value(el: object) -> bool:
    for child in el:  # type: ignore[attr-defined]
        name = child.tag.rsplit("}", 1)[-1]
        if name == "f" or name == "is" or (name == "v" and (child.text or "") != ""):
            return True
    return False
