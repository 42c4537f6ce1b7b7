"""Helpers that make workbooks the way people break them: from case tables, or by editing
a written workbook (cells, headers, sheets, formulas, package parts).

Every helper writes a new file; none edits the committed templates.
"""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from models.chain.schema import SHEETS_BY_NAME
from models.validation.issues import Issue, IssueList
from optimizer.excel.read import read_workbook
from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import validate_workbook
from tools.absheron_case import absheron_tables

Tables = dict[str, list[dict[str, Any]]]

_EXAMPLE = absheron_tables()


def example() -> Tables:
    """A fresh copy of the bundled Absheron case as tables."""
    return copy.deepcopy(_EXAMPLE)


def letter(sheet: str, column: str) -> str:
    """The column letter of ``column`` in a template-written ``sheet``."""
    names = [c.name for c in SHEETS_BY_NAME[sheet].columns]
    return get_column_letter(names.index(column) + 1)


def cell(sheet: str, column: str, row: int) -> str:
    """A1 reference of a template-written cell, e.g. cell('Lines', 'capacity', 3) == 'D3'."""
    return f"{letter(sheet, column)}{row}"


def row_of(tables: Tables, sheet: str, **match: Any) -> int:
    """Excel row of the first row of ``sheet`` whose cells equal ``match`` (header is row 1)."""
    for i, row in enumerate(tables[sheet], start=2):
        if all(row.get(k) == v for k, v in match.items()):
            return i
    raise KeyError(f"no row of {sheet} matches {match}")


def write_tables(tables: Tables, path: Path) -> Path:
    return write_input_workbook(path, tables)


def edit_workbook(path: Path, edit: Callable[[Workbook], object]) -> Path:
    """Open a written workbook with openpyxl, apply ``edit``, save it again."""
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    return path


def edit_part(path: Path, part: str, edit: Callable[[str], str]) -> Path:
    """Rewrite one XML part of the package (e.g. to add a cached formula value)."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename == part:
                data = edit(data.decode("utf-8")).encode("utf-8")
            archive.writestr(info.filename, data)
    return path


def sheet_part(path: Path, sheet: str) -> str:
    """The package part holding ``sheet`` (a workbook written by openpyxl)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet[^>]*name="{sheet}"[^>]*r:id="(\w+)"', workbook)
    if rid is None:
        rid = re.search(rf'<sheet[^>]*r:id="(\w+)"[^>]*name="{sheet}"', workbook)
    assert rid is not None, sheet
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target is not None
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def issues_of(path: Path) -> IssueList:
    return validate_workbook(path).issues


def at(issues: IssueList, sheet: str, cell_ref: str) -> list[Issue]:
    """Issues located at one cell (cell_ref '' for the sheet, 'row 1' for a row)."""
    return [i for i in issues if i.sheet == sheet and i.cell == cell_ref]


def reads(path: Path) -> IssueList:
    """Only the reader's issues (no validation)."""
    issues = IssueList(path.name)
    read_workbook(path, issues)
    return issues
