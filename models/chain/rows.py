"""Reading result tables row by row, fast.

``DataFrame.itertuples`` boxes every cell of pandas' string columns one call at a time
(about a microsecond each): at national scale (5,000 lines x 12 periods) the loops over
the result tables spent seconds there. ``rows_of`` gives the same Python values, read
from each column's ``tolist()``.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import pandas as pd


def rows_of(df: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """The named columns of ``df``, row by row, as ``itertuples`` would give them."""
    return zip(*(df[n].tolist() for n in names), strict=True)


def itertuples(df: pd.DataFrame) -> Iterator[Any]:
    """``df.itertuples(index=False)``: the same namedtuples (named "Pandas", fields renamed
    as pandas renames them), built from each column's ``tolist()``."""
    row = namedtuple("Pandas", list(df.columns), rename=True)  # type: ignore[misc]
    return map(row._make, zip(*(df.iloc[:, k].tolist() for k in range(df.shape[1])),
                              strict=True))
