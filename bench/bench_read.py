"""Reading and validating a workbook, against python-calamine reading the same sheets.

What a user waits for before the model is built is ``read`` (the safety checks of the
package, the byte scans of each sheet's XML, calamine, the raw rows) and ``validate``
(typed rows, the cross-sheet data and its checks). The reference, measured in the same
run, is **calamine alone**: a fresh Python process that imports python-calamine, opens
the workbook and turns every sheet into Python values, which no reader built on calamine
can beat. Each figure is a fresh process; the processes are interleaved ``--repeat``
times (a busy neighbour slows all alike) and min and median are printed, with the
ratios of the medians and each process's own peak memory (``VmHWM``).

    uv run python bench/bench_read.py                         # bundled + synthetic 5,000 x 12
    uv run python bench/bench_read.py --cases orlib-capb-5000 --repeat 3
    uv run python bench/bench_read.py --workbook my_case.xlsx

Cases: ``bundled``, ``synthetic-N`` (N lines x 12 periods, written as a workbook first,
untimed), ``orlib-NAME`` (an OR-Library instance from ../shared/benchmarks/orlib as a
workbook: capb-5000 has 100,000 lanes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TAG = "BENCH_READ "

PEAK = """
def peak_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
"""

CHAINOPT = PEAK + """
import json, sys, time
from pathlib import Path
start = time.perf_counter()
from optimizer.pipeline import validate_workbook
imported = time.perf_counter()
out = validate_workbook(Path(sys.argv[1]))
assert out.data is not None, out.issues.report()
print(sys.argv[2] + json.dumps({"read": out.timings["read"], "validate": out.timings["validate"],
                         "imports": imported - start, "peak_mb": peak_mb()}), flush=True)
"""

CALAMINE = PEAK + """
import json, sys, time
start = time.perf_counter()
from python_calamine import CalamineWorkbook
imported = time.perf_counter()
book = CalamineWorkbook.from_path(sys.argv[1])
cells = 0
for name in book.sheet_names:
    for row in book.get_sheet_by_name(name).to_python(skip_empty_area=False):
        cells += len(row)
book.close()
print(sys.argv[2] + json.dumps({"read": time.perf_counter() - imported, "cells": cells,
                         "imports": imported - start, "peak_mb": peak_mb()}), flush=True)
"""


def _workbook(case: str, workdir: Path) -> Path:
    """The case's workbook, written first for a synthetic or OR-Library case, as
    bench/run.py writes it (the same tiers and instances)."""
    import run as suite  # bench/run.py, beside this script

    if case.startswith("synthetic-"):
        from optimizer.excel.template import write_input_workbook

        write_input_workbook(suite._workbook(case, workdir), suite._synthetic_tables(case))
    elif case.startswith("orlib-"):
        suite._prepare_orlib(case, workdir)
    elif case != "bundled":
        raise SystemExit(f"unknown case {case!r}")
    return suite._workbook(case, workdir)


def _run(script: str, path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", script, str(path), TAG], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith(TAG))
    return json.loads(line[len(TAG):])


def _spread(values: list[float]) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f}"


def measure(name: str, path: Path, repeat: int) -> None:
    ours: list[dict[str, float]] = []
    alone: list[dict[str, float]] = []
    for _ in range(repeat):
        ours.append(_run(CHAINOPT, path))
        alone.append(_run(CALAMINE, path))
    read = [r["read"] for r in ours]
    both = [r["read"] + r["validate"] for r in ours]
    floor = [r["read"] for r in alone]
    median_floor = statistics.median(floor)
    print(f"| {name} | {int(alone[0]['cells']):,} | {_spread(floor)} | {_spread(read)} | "
          f"{_spread([r['validate'] for r in ours])} | {_spread(both)} | "
          f"{statistics.median(read) / median_floor:.2f} | "
          f"{statistics.median(both) / median_floor:.2f} | "
          f"{max(r['peak_mb'] for r in ours):,.0f} / {max(r['peak_mb'] for r in alone):,.0f} |",
          flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="bundled,synthetic-5000")
    parser.add_argument("--workbook", action="append", default=[], type=Path,
                        help="a workbook of your own (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print("Seconds as min / median of fresh processes (imports not counted); ratios of "
          "medians against calamine alone; peak memory of each process (VmHWM).\n")
    print("| case | cells | calamine alone s | chainopt read s | validate s | "
          "read + validate s | read ÷ calamine | read + validate ÷ calamine | "
          "peak MB chainopt / calamine |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        cases = [c for c in args.cases.split(",") if c]
        for case in cases:
            measure(case, _workbook(case, Path(tmp)), args.repeat)
        for path in args.workbook:
            measure(path.name, path, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
