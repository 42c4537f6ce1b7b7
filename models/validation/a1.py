"""Excel A1 column letters, without importing an Excel library.

openpyxl's helpers would pull in the whole of openpyxl (and numpy) at import time, about
0.6 s that `chainopt validate` and `--help` should not pay for two lines of arithmetic.
tests/test_startup.py checks both functions against openpyxl's.
"""

from __future__ import annotations

import re

_LETTERS = re.compile(r"^[A-Z]{1,3}$")


def column_letter(number: int) -> str:
    """1 -> 'A', 26 -> 'Z', 27 -> 'AA', 16384 -> 'XFD'."""
    if number < 1:
        raise ValueError(f"column numbers start at 1, not {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27, 'XFD' -> 16384."""
    if not _LETTERS.match(letters):
        raise ValueError(f"not a column name: {letters!r}")
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - ord("A") + 1
    return number
