"""Reading HiGHS's MIP log, for the benchmarks (bench/run.py, bench/bench_tighten.py).

Only the standard library: the "HiGHS alone" processes of bench/run.py use it too, and
must not import the modelling layer they are measured against.
"""

from __future__ import annotations

import re

# A row of the branch-and-bound table: source letter, nodes, queue, leaves, explored %,
# dual bound, primal bound, ...
LOG_ROW = re.compile(r"^\s*[A-Za-z]?\s+(\d+)\s+(\d+)\s+(\d+)\s+[\d.]+%\s+(\S+)\s+(\S+)")


def root_bound(log: str) -> float | None:
    """The dual bound at the end of the root node: the last log row with 0 nodes."""
    bound = None
    for line in log.splitlines():
        hit = LOG_ROW.match(line)
        if hit and hit.group(2) == "0" and hit.group(4) not in ("inf", "-inf"):
            bound = float(hit.group(4))
        elif hit and int(hit.group(2)) > 0:
            break
    return bound
