"""Checks on an untrusted workbook before any parser sees it.

The zip central directory declares every part's size, so bombs, macros, external
links, embedded objects and data connections can be refused in milliseconds from the
listing alone (see ../shared/design/tech-notes.md, "Security of workbook input").
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path
from typing import Any

from models.validation.issues import IssueList

MAX_FILE_BYTES = 50 * 1024 * 1024  # 50 MB on disk
MAX_UNPACKED_BYTES = 500 * 1024 * 1024  # all parts inflated
MAX_PART_BYTES = 200 * 1024 * 1024  # one part inflated
MAX_RATIO = 200  # inflated / compressed, for parts over 1 MB
MAX_PARTS = 10_000
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx, or a real .xls
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX", b"macrosheet")

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
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        issues.error("This file is password-protected (encrypted), or an old Excel 97-2003 "
                     "file renamed to .xlsx.", value=path.name, expected="an .xlsx workbook",
                     hint="Open it in Excel, remove the password (File > Info > Protect "
                     "Workbook) and save it as 'Excel Workbook (.xlsx)'.")
        return False
    if not zipfile.is_zipfile(path):
        issues.error("This is not an Excel workbook (.xlsx) or it is damaged.", value=path.name,
                     expected="an .xlsx workbook",
                     hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if not _check_members(members, issues):
                return False
            return _check_contents(archive, members, issues)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError) as exc:
        issues.error("The workbook is damaged and cannot be opened.", value=str(exc)[:200],
                     expected="an .xlsx workbook",
                     hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return False


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
    if not ok:
        return False
    if any(m.flag_bits & 0x1 for m in members):
        issues.error("Parts of the workbook are encrypted.", expected="an .xlsx workbook",
                     hint="Remove the password in Excel and save it as .xlsx.")
        return False
    if "xl/workbook.xml" not in names:
        if "mimetype" in names or "content.xml" in names:
            issues.error("This is an OpenDocument spreadsheet (.ods) with an .xlsx name.",
                         expected="an .xlsx workbook",
                         hint="Open it in LibreOffice and save it as 'Excel 2007-365 (.xlsx)'.")
        else:
            issues.error("This is not an Excel workbook (no xl/workbook.xml inside).",
                         expected="an .xlsx workbook",
                         hint="Open it in Excel or LibreOffice and save it as .xlsx.")
        return False
    lower = [n.lower() for n in names]
    if any(n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/")
           or n.startswith("xl/dialogsheets/") for n in lower):
        issues.error("The workbook contains macros, which are never run or accepted.",
                     hint="Save a copy as 'Excel Workbook (.xlsx)' without macros.")
        ok = False
    if any(n.startswith("xl/externallinks/") for n in lower):
        issues.error("The workbook links to other files (external links); their values may "
                     "be stale.", hint="In Excel: Data > Edit Links > Break Link, then save.")
        ok = False
    if any(n.startswith(("xl/embeddings/", "xl/activex/")) for n in lower):
        issues.error("The workbook contains embedded objects (OLE or ActiveX).",
                     hint="Delete the embedded objects and save.")
        ok = False
    if any(n == "xl/connections.xml" or n.startswith(("xl/querytables/", "xl/model/"))
           for n in lower):
        issues.error("The workbook contains data connections (queries, external data or a "
                     "data model).", hint="Remove the connections (Data > Queries & "
                     "Connections) and save, or copy the values into a fresh template.")
        ok = False
    return ok


def _check_contents(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo],
                    issues: IssueList) -> bool:
    """Content types that declare macros, and XML parts that declare a DTD or entities.

    XML in a workbook never needs a DTD; a declared entity is how 'billion laughs' and
    external-entity attacks start, so any DOCTYPE or ENTITY declaration is refused. A
    literal '<!DOCTYPE' cannot occur in text or attributes (it would be escaped).
    """
    ok = True
    names = {m.filename for m in members}
    if "[Content_Types].xml" in names:
        types = archive.read("[Content_Types].xml")
        if any(word in types for word in _MACRO_TYPES):
            issues.error("The workbook declares macros or ActiveX controls, which are never "
                         "run or accepted.", hint="Save a copy as 'Excel Workbook (.xlsx)'.")
            ok = False
    for m in members:  # every part, whatever its name: content types can map any name to XML
        if m.is_dir():
            continue
        if _declares_dtd(archive, m):
            issues.error("The workbook contains an XML document type declaration (DTD), "
                         "which real workbooks never need; it is refused for safety.",
                         value=m.filename, expected="an .xlsx workbook saved by Excel or "
                         "LibreOffice", hint="Open it in Excel or LibreOffice and save it as "
                         ".xlsx.")
            return False
    return ok


class _Utf8Reader:
    """The start of a part as UTF-8 bytes, whatever it was written in.

    A byte-order mark is dropped, and UTF-16 or UTF-32 (with a mark, or recognisable by
    its zero bytes around '<') is decoded, so that '<!DOCTYPE' cannot hide behind an
    encoding the parser accepts. Binary parts (images) pass through unchanged: their
    first byte is not '<', so the prolog scan stops at once.
    """

    _WIDE = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
             (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
             (b"<\0\0\0", "utf-32-le"), (b"\0\0\0<", "utf-32-be"),
             (b"<\0", "utf-16-le"), (b"\0<", "utf-16-be"))

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.decoder: Any = None
        self.started = False

    def read(self, size: int) -> bytes:
        block = self.raw.read(size)
        if not self.started:
            self.started = True
            block = self._start(block)
        elif self.decoder is not None:
            block = self.decoder.decode(block, final=not block).encode("utf-8")
        return block

    def _start(self, block: bytes) -> bytes:
        if block.startswith(codecs.BOM_UTF8):
            return block[len(codecs.BOM_UTF8):]
        for mark, encoding in self._WIDE:
            if block.startswith(mark):
                self.decoder = codecs.getincrementaldecoder(encoding)("replace")
                text = self.decoder.decode(block, final=False)
                return text.lstrip("\ufeff").encode("utf-8")
        return block


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the XML prolog (everything before the root element) declares a DTD.

    Reads only as far as the root element: a byte-order mark, whitespace, the XML
    declaration, processing instructions and comments are skipped; a declaration can only
    appear among them. Text in UTF-16 or UTF-32 is decoded first (_Utf8Reader).
    """
    buffer = b""
    pos = 0
    with archive.open(member) as raw:
        handle = _Utf8Reader(raw)
        while True:
            if len(buffer) - pos < 64:
                block = handle.read(1 << 16)
                buffer = buffer[pos:] + block
                pos = 0
                if not block and not buffer:
                    return False
            rest = buffer[pos:]
            stripped = rest.lstrip()
            pos += len(rest) - len(stripped)
            if not stripped:
                if not block:
                    return False
                continue
            if _DTD.match(stripped):
                return True
            for start, end in ((b"<?", b"?>"), (b"<!--", b"-->")):
                if stripped.startswith(start):
                    close = buffer.find(end, pos + len(start))
                    while close < 0:
                        block = handle.read(1 << 16)
                        if not block:
                            return False
                        buffer += block
                        close = buffer.find(end, pos + len(start))
                    pos = close + len(end)
                    break
            else:
                if len(stripped) < 10 and block:
                    continue  # too short to tell; read more
                return False  # the root element (or garbage the parser will reject)
