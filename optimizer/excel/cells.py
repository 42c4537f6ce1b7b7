"""Safe cell values for workbooks we write.

openpyxl turns strings starting with '=' into formulas and '#N/A'-like strings into
error cells; control characters raise. User text must always land as literal text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the results writer uses clean_text only: no openpyxl import (~0.5 s)
    from openpyxl.cell.cell import Cell

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767


def clean_text(text: str) -> str:
    """Replace control characters and cut to Excel's cell limit."""
    if len(text) <= MAX_CELL_TEXT and text.isprintable():  # no control character: as is
        return text
    text = _CONTROL.sub("\ufffd", text)
    return text[:MAX_CELL_TEXT]


MAX_LABEL = 40  # a name in a chart, a picture or a sentence; the full text is in the tables
MAX_TITLE = 120  # a chart or picture title
# xlsxwriter's own test for "this name is a cell reference" (Chart._process_names, 3.3):
# a title, axis name or series name shaped like Sheet!A1 becomes a formula, and a text
# such as "cmd|' /C calc'!A0" (a currency) or "2030!A1" (a period) a broken reference.
_LOOKS_LIKE_REFERENCE = re.compile(r"^=?[^!]+!\$?[A-Z]+\$?\d+")
WORD_JOINER = "\u2060"  # invisible, zero-width: breaks the pattern, not the text


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    """The text cut to ``limit`` characters with an ellipsis, control characters replaced."""
    text = clean_text(str(text))
    return text if len(text) <= limit else text[: max(limit - 1, 1)].rstrip() + "…"


def chart_text(text: str, limit: int = MAX_TITLE) -> str:
    """Text for a chart title, axis name or series name: literal and bounded.

    xlsxwriter has no option to keep a name literal (set_title's 'name' is parsed; only
    the list form [sheet, row, col] is always a reference), so a text that would match its
    reference pattern gets a word joiner after each '!': it reads the same, and is shown
    as text.
    """
    text = shorten(text, limit)
    if _LOOKS_LIKE_REFERENCE.match(text):
        text = text.replace("!", "!" + WORD_JOINER)
    return text


def set_text(cell: Cell, text: str) -> None:
    """Write ``text`` as a literal string cell, never a formula or an error value."""
    text = clean_text(text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True  # type: ignore[attr-defined]


def set_value(cell: Cell, value: object) -> None:
    """Numbers and booleans as themselves; everything else as literal text."""
    if value is None:
        cell.value = None
    elif isinstance(value, bool | int | float):
        cell.value = value
    else:
        set_text(cell, str(value))
