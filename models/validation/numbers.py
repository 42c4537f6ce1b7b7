"""Numbers as people type them: '1 200', '1,200', '1.200,5', '1,5', '45%'.

Excel stores a number typed into a number cell as a number; these rules are for numbers
that arrive as text (pasted, typed into a text-formatted cell, or typed in another
locale). A reading is only used when it is unambiguous: '1,200' is 1200 in a column of
tonnes, but in a column of fractions or yields it could as well be 1.2, so it is flagged
there and never guessed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")  # thousands separators: spaces, '
_PLAIN = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:[,.]\d{3})+")  # 1,200,000 or 1.200.000


@dataclass(frozen=True)
class NumberReading:
    """What a typed value says as a number.

    ``value`` is None when the text is not a number, or when it is ambiguous (then
    ``readings`` holds both candidates, e.g. (1200.0, 1.2)). ``percent`` marks a trailing
    '%' (the value is already divided by 100).
    """

    value: float | None
    percent: bool = False
    readings: tuple[float, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.value is None and len(self.readings) > 1


NOT_A_NUMBER = NumberReading(None)


def read_number(value: object, *, small: bool = False) -> NumberReading:
    """Read a cell value as a number.

    ``small``: the column holds small values (fractions, yields, degrees), where a single
    comma followed by three digits ('1,200') may be a decimal comma as well as a
    thousands separator; the reading is then ambiguous instead of 1200.
    """
    if isinstance(value, bool):
        return NOT_A_NUMBER
    if isinstance(value, int | float):
        number = float(value)
        return NumberReading(number) if math.isfinite(number) else NOT_A_NUMBER
    if not isinstance(value, str):
        return NOT_A_NUMBER
    text = value.strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    sign = ""
    if text[:1] in ("+", "-"):
        sign, text = text[0], text[1:].strip()
    if not text:
        return NOT_A_NUMBER
    if _SPACES.search(text):
        groups = _SPACES.split(text)
        head, *rest = groups
        last = rest[-1] if rest else ""
        # "1 200", "1 200 000", "1 200,5", "1 200.5": every group after the first has 3 digits
        last_digits = re.split(r"[,.]", last, maxsplit=1)[0]
        if not (head.isdigit() and 1 <= len(head) <= 3
                and all(g.isdigit() and len(g) == 3 for g in rest[:-1])
                and last_digits.isdigit() and len(last_digits) == 3):
            return NOT_A_NUMBER
        text = "".join(groups)
        if "," in text and "." not in text:
            text = text.replace(",", ".", 1) if text.count(",") == 1 else "x"
    readings = _readings(text)
    if not readings:
        return NOT_A_NUMBER
    scale = 0.01 if percent else 1.0
    signed = tuple(-r * scale if sign == "-" else r * scale for r in readings)
    if len(signed) == 1:
        return NumberReading(signed[0], percent)
    if small:
        return NumberReading(None, percent, signed)
    return NumberReading(signed[0], percent)  # thousands reading: '1,200' is 1200


def _readings(text: str) -> tuple[float, ...]:
    """Candidate values of unsigned text; two when a single ',ddd' could be either."""
    if not text:
        return ()
    if _PLAIN.fullmatch(text):
        return _finite(text)
    commas, points = text.count(","), text.count(".")
    if commas and points:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = text.rpartition(decimal)
        if thousands in fraction or not fraction.isdigit() or not _GROUPED.fullmatch(whole):
            return ()
        return _finite(whole.replace(thousands, "") + "." + fraction)
    if commas == 1 and not points:
        whole, fraction = text.split(",")
        if not fraction.isdigit() or (whole and not whole.isdigit()):
            return ()
        if len(fraction) != 3 or whole in ("", "0") or whole.startswith("0"):
            return _finite((whole or "0") + "." + fraction)  # decimal comma: 1,5 or 0,125
        return _finite(whole + fraction) + _finite(whole + "." + fraction)  # 1,200: either
    if _GROUPED.fullmatch(text):  # 1,200,000 or 1.200.000 (several groups: thousands only)
        return _finite(text.replace(",", "").replace(".", ""))
    return ()


def _finite(text: str) -> tuple[float, ...]:
    try:
        number = float(text)
    except ValueError:
        return ()
    return (number,) if math.isfinite(number) else ()


def parse_number(value: object, fraction: bool = False) -> float | None:
    """A number from what people type; None if it is not one or is ambiguous."""
    return read_number(value, small=fraction).value
