"""The results writer at national scale against xlsxwriter writing the same cell values.

A synthetic chain (tools/synthetic.py, default 5,000 lines x 12 periods) is solved once
(``--time-limit``: any plan will do; explanations get ``--explain`` seconds), and the
solved run is kept as a pickle (``--cache``, reused when it exists). Then, each in a fresh
process that loads that pickle, ``--repeat`` times interleaved:

1. ``chainopt workbook``: ``optimizer.excel.write`` writing the results workbook (the
   .xlsx only: no PNG figures, no page data), as ``write_results`` does;
2. ``chainopt write_results``: the whole write phase of ``chainopt run`` (workbook, the
   two PNG figures, ``-page.json``);
3. ``xlsxwriter alone``: the same cell values (recorded from run 1: every string, number
   and blank our writer wrote, sheet by sheet), written with plain ``write_string`` /
   ``write_number`` / ``write_blank`` calls in ``constant_memory`` mode: the floor.

Peak memory is the growth of resident memory during the write (``VmHWM`` reset through
``/proc/self/clear_refs`` after loading the pickle, so the loaded run does not count).

    uv run python bench/bench_writer.py --lines 5000 --periods 12 --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TAG = "BENCH_RESULT "


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Make VmHWM (peak resident memory) start again from the current resident size."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _solve(lines: int, periods: int, time_limit: float, explain: float, cache: Path,
           hold: int, only_held: bool = False) -> None:
    import logging

    from models.chain.checks import check_finite, check_solution
    from models.chain.data import load_data
    from models.chain.formulation import build_model, hold_built
    from models.chain.results import extract_results
    from models.validation.issues import IssueList
    from optimizer.explain import explain_plan
    from optimizer.pipeline import RunOutcome
    from optimizer.solve import SolveSettings, marginal_values, solve_model
    from tools.synthetic import raw_workbook, synthetic_tables

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    tables = synthetic_tables(lines=lines, periods=periods, sites=max(20, lines // 100),
                              markets=30, hubs=20)
    issues = IssueList()
    data = load_data(raw_workbook(tables), issues)
    assert data is not None, issues.report()
    settings = SolveSettings(time_limit=time_limit, mip_gap=0.01, threads=1)
    t0 = time.perf_counter()
    model = build_model(data)
    # every hold-th line that needs only bought feedstock held built (lines fed by an
    # intermediate need another line to make it): the writer needs a plan with flows, not
    # the optimum, and on a busy machine the search may not leave the empty plan in time
    fed_only = {r["applies_to"] for r in tables["Recipes"]} - {
        r["applies_to"] for r in tables["Recipes"]
        if r["role"] == "input" and data.material_kind.get(r["material"]) != "feedstock"}
    held = [r["line"] for r in tables["Lines"] if r["technology"] in fed_only]
    hold_built(model, held[::hold] if hold else [])
    if only_held:  # every other build decision fixed at 0: what is left is an LP
        for var in model.ix.var["build"].values():
            if var.lb != 1:
                var.setub(0)
    solve = solve_model(model, settings)
    assert solve.status.has_plan, solve.describe()
    lp = marginal_values(model, settings)
    results = extract_results(model, data, lp.duals)
    explain_plan(model, data, results, settings, lp=lp, time_budget=explain)
    outcome = RunOutcome(input_path=Path(f"synthetic-{lines}x{periods}.xlsx"), data=data,
                         solve=solve, results=results, settings=settings, issues=issues)
    outcome.check_findings = check_finite(results, solve.objective)
    outcome.check_findings += check_solution(data, results, solve.objective)
    outcome.timings = {"solve and explain": time.perf_counter() - t0}
    cache.write_bytes(pickle.dumps(outcome))


def _load(cache: Path) -> Any:
    return pickle.loads(cache.read_bytes())


def worker_workbook(cache: Path, out: Path, record: Path | None) -> None:
    import datetime as dt

    from optimizer.excel import write

    outcome = _load(cache)
    started = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    recorded: list[tuple[str, list[Any]]] = []
    if record is not None:
        _record_cells(recorded)
    report = write.prepare_report(outcome, "en", draw=False)
    _reset_peak()
    rss0 = _rss_kb("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    write._write(out, outcome, started, report)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = _rss_kb("VmHWM") - rss0
    if record is not None:
        record.write_bytes(pickle.dumps(recorded))
    _emit({"seconds": seconds, "cpu": cpu, "peak_mb": peak / 1024,
           "bytes": out.stat().st_size})


def worker_write_results(cache: Path, out: Path) -> None:
    import datetime as dt

    from optimizer.excel.write import write_results

    outcome = _load(cache)
    _reset_peak()
    rss0 = _rss_kb("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    write_results(out, outcome, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    _emit({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
           "peak_mb": (_rss_kb("VmHWM") - rss0) / 1024})


def _record_cells(recorded: list[tuple[str, list[Any]]]) -> None:
    """Record every cell value the writer writes, sheet by sheet, in writing order."""
    from xlsxwriter.worksheet import Worksheet

    sheets: dict[int, list[Any]] = {}

    def cells(ws: Worksheet) -> list[Any]:
        if id(ws) not in sheets:
            sheets[id(ws)] = []
            recorded.append((ws.get_name(), sheets[id(ws)]))
        return sheets[id(ws)]

    string, number, blank = Worksheet.write_string, Worksheet.write_number, \
        Worksheet.write_blank

    def write_string(self: Worksheet, row: int, col: int, value: str, *args: Any) -> int:
        cells(self).append((row, col, "s", value))
        return string(self, row, col, value, *args)  # type: ignore[no-any-return]

    def write_number(self: Worksheet, row: int, col: int, value: float, *args: Any) -> int:
        cells(self).append((row, col, "n", value))
        return number(self, row, col, value, *args)  # type: ignore[no-any-return]

    def write_blank(self: Worksheet, row: int, col: int, *args: Any) -> int:
        cells(self).append((row, col, "b", None))
        return blank(self, row, col, *args)  # type: ignore[no-any-return]

    Worksheet.write_string = write_string  # type: ignore[method-assign]
    Worksheet.write_number = write_number  # type: ignore[method-assign]
    Worksheet.write_blank = write_blank  # type: ignore[method-assign]


def worker_xlsxwriter(cells_file: Path, out: Path) -> None:
    """Plain xlsxwriter, constant memory, the recorded values in row order."""
    import xlsxwriter

    recorded: list[tuple[str, list[Any]]] = pickle.loads(cells_file.read_bytes())
    _reset_peak()
    rss0 = _rss_kb("VmRSS")
    t0, c0 = time.perf_counter(), time.process_time()
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True,
                                          "strings_to_formulas": False,
                                          "strings_to_urls": False,
                                          "strings_to_numbers": False})
    for name, cells in recorded:
        ws = book.add_worksheet(name)
        for row, col, kind, value in sorted(cells, key=lambda c: (c[0], c[1])):
            if kind == "s":
                ws.write_string(row, col, value)
            elif kind == "n":
                ws.write_number(row, col, value)
            else:
                ws.write_blank(row, col, None)
    book.close()
    _emit({"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
           "peak_mb": (_rss_kb("VmHWM") - rss0) / 1024,
           "cells": sum(len(c) for _, c in recorded), "bytes": out.stat().st_size})


def _emit(result: dict[str, object]) -> None:
    print(TAG + json.dumps(result), flush=True)


def _spawn(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith(TAG):
            return json.loads(line[len(TAG):])  # type: ignore[no-any-return]
    raise RuntimeError(f"worker {args[0]} failed:\n{out.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--explain", type=float, default=10.0,
                        help="seconds for the explanations of the solved case")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--hold", type=int, default=2,
                        help="hold every n-th line built (0: none), so a plan with flows "
                             "is found quickly")
    parser.add_argument("--only-held", action="store_true",
                        help="build the held lines and no other (the solve is then an LP: "
                             "a plan with flows at 5,000 x 12 in minutes on a busy machine)")
    parser.add_argument("--cache", type=Path, default=None,
                        help="pickle of the solved case (made when missing)")
    parser.add_argument("--skip-write-results", action="store_true",
                        help="time the workbook only (no figures, no page data)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cache = args.cache or tmp / "outcome.pkl"
        if not cache.exists():
            t0 = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--worker", "solve", str(args.lines),
                            str(args.periods), str(args.time_limit), str(args.explain),
                            str(cache), str(args.hold), str(int(args.only_held))], cwd=ROOT,
                           check=True)
            print(f"solved {args.lines} x {args.periods} in {time.perf_counter() - t0:.0f} s "
                  f"(cached in {cache})", flush=True)
        cells = tmp / "cells.pkl"
        # the recording run (every cell kept in a list) is not timed
        first = _spawn("workbook", str(cache), str(tmp / "ours.xlsx"), str(cells))
        runs: dict[str, list[dict[str, float]]] = {"chainopt workbook": [],
                                                   "xlsxwriter alone": []}
        if not args.skip_write_results:
            runs["chainopt write_results"] = []
        for _ in range(args.repeat):
            runs["xlsxwriter alone"].append(_spawn("xlsxwriter", str(cells),
                                                   str(tmp / "plain.xlsx")))
            runs["chainopt workbook"].append(_spawn("workbook", str(cache),
                                                    str(tmp / "ours.xlsx"), "-"))
            if not args.skip_write_results:
                runs["chainopt write_results"].append(_spawn("write_results", str(cache),
                                                             str(tmp / "all.xlsx")))
    floor = runs["xlsxwriter alone"]
    best_floor = min(r["seconds"] for r in floor)
    cpu_floor = min(r["cpu"] for r in floor)
    mem_floor = min(r["peak_mb"] for r in floor)
    print(f"{args.lines} lines x {args.periods} periods: {int(floor[0]['cells']):,} cells, "
          f"workbook {first['bytes'] / 1e6:.1f} MB (xlsxwriter alone "
          f"{floor[0]['bytes'] / 1e6:.1f} MB)")
    # CPU seconds as well as wall: on a shared machine the wall time says more about the
    # neighbours than about the writer
    print(f"{'writer':26} {'min s':>7} {'median s':>9} {'/ xlsxw.':>9} {'cpu s':>7} "
          f"{'/ xlsxw.':>9} {'peak MB':>8} {'/ xlsxw.':>9}")
    for name, rs in runs.items():
        seconds = [r["seconds"] for r in rs]
        cpu = min(r["cpu"] for r in rs)
        peak = max(r["peak_mb"] for r in rs)
        print(f"{name:26} {min(seconds):7.2f} {statistics.median(seconds):9.2f} "
              f"{min(seconds) / best_floor:9.2f} {cpu:7.2f} {cpu / cpu_floor:9.2f} "
              f"{peak:8.0f} {peak / max(mem_floor, 1):9.2f}")

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "solve":
            _solve(int(rest[0]), int(rest[1]), float(rest[2]), float(rest[3]), Path(rest[4]),
                   int(rest[5]), rest[6:] == ["1"])
        elif kind == "workbook":
            worker_workbook(Path(rest[0]), Path(rest[1]),
                            None if rest[2] == "-" else Path(rest[2]))
        elif kind == "write_results":
            worker_write_results(Path(rest[0]), Path(rest[1]))
        elif kind == "xlsxwriter":
            worker_xlsxwriter(Path(rest[0]), Path(rest[1]))
    else:
        main()
