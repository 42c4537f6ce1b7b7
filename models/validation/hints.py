"""'Did you mean ...?' hints for near misses: case, spacing, dashes, small typos.

IDs are always compared exactly (after trimming); these functions only suggest.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[\s_\-\u00a0\u200b]+")


def loose(text: object) -> str:
    """The text with case, spaces, dashes, underscores and Unicode form ignored."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFC", str(text))).lower()


def look_alike(value: object, candidates: Iterable[object]) -> str | None:
    """A candidate that is the same text in another Unicode form ('ö' as one character or
    as 'o' plus a combining accent): it looks identical but is not the same ID."""
    text = str(value).strip()
    wanted = unicodedata.normalize("NFC", text)
    for c in candidates:
        if c is not None and str(c) != text and unicodedata.normalize("NFC", str(c)) == wanted:
            return str(c)
    return None


def closest(value: object, candidates: Iterable[object], cutoff: float = 0.8) -> str | None:
    """The candidate that differs from ``value`` only by case or spacing, else the closest
    by spelling (at least ``cutoff`` similar), else None."""
    text = str(value).strip()
    options = [str(c) for c in candidates if c is not None and str(c) != text]
    wanted = loose(text)
    for option in options:
        if loose(option) == wanted:
            return option
    if not options or not text:
        return None
    starts = [o for o in options if len(wanted) >= 2 and loose(o).startswith(wanted)]
    if len(starts) == 1:
        return starts[0]  # 'in' -> 'input'
    by_loose = {loose(o): o for o in options}
    match = difflib.get_close_matches(wanted, list(by_loose), n=1, cutoff=cutoff)
    return by_loose[match[0]] if match else None


def did_you_mean(value: object, candidates: Iterable[object], cutoff: float = 0.8) -> str:
    """A hint sentence, or '' when nothing is close."""
    candidates = list(candidates)
    twin = look_alike(value, candidates)
    if twin is not None:
        return (f"'{value}' looks exactly like '{twin}' but is typed with different Unicode "
                "characters (a letter with its accent as one character in one, as two in "
                f"the other). Copy the ID '{twin}' from its own sheet and paste it here.")
    best = closest(value, candidates, cutoff)
    return f"Did you mean '{best}'?" if best is not None else ""
