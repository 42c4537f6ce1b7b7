"""Checks on an untrusted workbook before any parser sees it.

The zip central directory declares every part's size, so bombs, macros, external
links, embedded objects and data connections can be refused in milliseconds from the
listing alone (see ../shared/design/tech-notes.md, "Security of workbook input").
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from optimizer.validation.issues import IssueList

MAX_FILE_BYTES = 50 * 1024 * 1024  # 50 MB on disk
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # all parts inflated
MAX_PART_BYTES = 200 * 1024 * 1024  # one part inflated
MAX_RATIO = 200  # inflated / compressed, for parts over 1 MB
MAX_PARTS = 10_000

OTHER_FORMATS = {
    ".xls": "This is an old Excel 97-2003 file. Open it in Excel or LibreOffice and save it "
    "as 'Excel Workbook (.xlsx)'.",
    ".xlsb": "This is a binary Excel file. Open it in Excel and save it as 'Excel Workbook "
    "(.xlsx)'.",
    ".xlsm": "Macro-enabled workbooks are not accepted. Save a copy as 'Excel Workbook "
    "(.xlsx)' (macros are dropped).",
    ".ods": "This is an OpenDocument spreadsheet. Open it in LibreOffice and save it as "
    "'Excel 2007-365 (.xlsx)'.",
    ".csv": "chainopt reads one workbook with a sheet per entity, not CSV files. Start from "
    "'chainopt template' and paste the data into its sheets.",
}


def check_workbook_file(path: Path, issues: IssueList) -> bool:
    """Report every reason not to open the file; True if it is safe to parse."""
    suffix = path.suffix.lower()
    if not path.exists():
        issues.error("The file does not exist.", value=str(path), expected="an .xlsx workbook")
        return False
    if path.is_dir():
        issues.error("This is a folder, not a workbook.", value=str(path))
        return False
    if suffix in OTHER_FORMATS:
        issues.error("This file format is not supported.", value=path.name,
                     expected="an .xlsx workbook", hint=OTHER_FORMATS[suffix])
        return False
    size = path.stat().st_size
    if size == 0:
        issues.error("The file is empty.", value="0 bytes", expected="an .xlsx workbook")
        return False
    if size > MAX_FILE_BYTES:
        issues.error("The file is too large.", value=f"{size:,} bytes",
                     expected=f"at most {MAX_FILE_BYTES:,} bytes")
        return False
    if not zipfile.is_zipfile(path):
        issues.error("This is not an Excel workbook (.xlsx) or it is damaged.", value=path.name,
                     expected="an .xlsx workbook",
                     hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        issues.error("The workbook is damaged and cannot be opened.", value=str(exc))
        return False
    return _check_members(members, issues)


def _check_members(members: list[zipfile.ZipInfo], issues: IssueList) -> bool:
    ok = True
    names = [m.filename for m in members]
    if len(members) > MAX_PARTS:
        issues.error("The workbook has too many parts.", value=len(members),
                     expected=f"at most {MAX_PARTS}")
        return False
    total = sum(m.file_size for m in members)
    if total > MAX_UNPACKED_BYTES:
        issues.error("The workbook unpacks to too much data (possible zip bomb).",
                      value=f"{total:,} bytes", expected=f"at most {MAX_UNPACKED_BYTES:,}")
        ok = False
    for m in members:
        if m.file_size > MAX_PART_BYTES or (
            m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        ):
            issues.error("A part of the workbook inflates far beyond its size (possible zip "
                         "bomb).", value=f"{m.filename}: {m.file_size:,} bytes",
                         expected=f"at most {MAX_PART_BYTES:,} bytes and ratio {MAX_RATIO}")
            ok = False
    if "xl/workbook.xml" not in names:
        issues.error("This is not an Excel workbook (no xl/workbook.xml inside).",
                     expected="an .xlsx workbook")
        return False
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        issues.error("The workbook contains macros, which are never run or accepted.",
                     hint="Save a copy as 'Excel Workbook (.xlsx)' without macros.")
        ok = False
    if any(n.startswith("xl/externalLinks/") for n in names):
        issues.error("The workbook links to other files (external links); their values may "
                     "be stale.", hint="In Excel: Data > Edit Links > Break Link, then save.")
        ok = False
    if any(n.startswith("xl/embeddings/") for n in names):
        issues.error("The workbook contains embedded objects.",
                     hint="Delete the embedded objects and save.")
        ok = False
    if "xl/connections.xml" in names:
        issues.error("The workbook contains data connections.",
                     hint="Remove the connections (Data > Queries & Connections) and save.")
        ok = False
    return ok
