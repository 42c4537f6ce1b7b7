"""Numbers in sentences, written the way each language writes them.

English: 14.60 M USD, 41.4 kt, 1,234 t. Azerbaijani and Russian: decimal comma and a
space between thousands (14,60 mln USD / 14,60 млн USD; 41,4 min t / 41,4 тыс. т).
"""

from __future__ import annotations

import math

NBSP = "\u00a0"
SECONDS = {"en": "s", "az": "san", "ru": "с"}  # the unit after a number of seconds
_SCALE = {
    "en": {"M": "M", "k": "k", "kt": "kt", "t": "t"},
    "az": {"M": "mln", "k": "min", "kt": "min t", "t": "t"},
    "ru": {"M": "млн", "k": "тыс.", "kt": "тыс. т", "t": "т"},
}


def number(value: float, decimals: int, lang: str) -> str:
    """1234.5 -> '1,234.5' (en) or '1 234,5' (az, ru)."""
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", NBSP).replace(".", ",")


def integer(value: float, lang: str) -> str:
    return number(round(value), 0, lang)


def money(value: float, currency: str, lang: str) -> str:
    """A money amount with a sensible scale: 14.60 M USD, 120 k USD, 312 USD."""
    s = _SCALE[lang]
    size = abs(value)
    if size >= 1e6:
        return f"{number(value / 1e6, 2, lang)}{NBSP}{s['M']} {currency}"
    if size >= 1e4:
        return f"{number(value / 1e3, 0, lang)}{NBSP}{s['k']} {currency}"
    if size >= 100:
        return f"{integer(value, lang)} {currency}"
    return f"{number(value, 2, lang)} {currency}"


def tonnes(value: float, lang: str) -> str:
    """41.4 kt above a thousand tonnes, else 500 t."""
    s = _SCALE[lang]
    if abs(value) >= 1000:
        return f"{number(value / 1000, 1, lang)}{NBSP}{s['kt']}"
    return f"{integer(value, lang)}{NBSP}{s['t']}"


def percent(share: float, lang: str, decimals: int = 1) -> str:
    """0.008 -> '0.8 %' (a space before the sign in every language here)."""
    return f"{number(100 * share, decimals, lang)}{NBSP}%"


def unit_t(lang: str) -> str:
    return _SCALE[lang]["t"]
