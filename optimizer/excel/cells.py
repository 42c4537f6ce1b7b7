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
    text = _CONTROL.sub("\ufffd", text)
    return text[:MAX_CELL_TEXT]


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
