"""Model build and hand-off at national scale: chainopt against HiGHS alone on the same model.

For each size (synthetic chains from tools/synthetic.py: lines x periods, ~100 lines per
site, hubs, markets, lanes site-hub/site-market/site-site), three fresh processes:

1. ``chainopt``: validate the tables (no Excel), build the Pyomo model, hand it to HiGHS
   and solve (time limit, gap), with seconds per phase and peak RSS;
2. ``export``: the same model written as MPS (not timed);
3. ``HiGHS alone``: highspy reads that MPS and solves it with the same settings.

Prints sizes (columns, rows), seconds per phase, and the ratios chainopt / HiGHS alone for
total time, for the solve phase, and for peak memory. With ``--excel`` it also writes the
case as a workbook and times reading it back (calamine) through the validator.

    uv run python bench/bench_scale.py --lines 500,2000,5000 --periods 1 --time-limit 60
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = "BENCH_RESULT "


def _peak_mb() -> float:
    """Peak resident memory of this process plus its solver process (HiGHS runs in a
    child; counting both is the conservative figure, as they overlap in time)."""
    import resource

    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _emit(result: dict[str, object]) -> None:
    result["peak_mb"] = _peak_mb()
    print(TAG + json.dumps(result), flush=True)


def _data(lines: int, periods: int):  # type: ignore[no-untyped-def]
    from models.chain.data import load_data
    from models.validation.issues import IssueList
    from tools.synthetic import raw_workbook, synthetic_tables

    tables = synthetic_tables(lines=lines, periods=periods, sites=max(20, lines // 100),
                              markets=30, hubs=20)
    issues = IssueList()
    t0 = time.perf_counter()
    data = load_data(raw_workbook(tables), issues)
    assert data is not None, issues.report()
    return tables, data, time.perf_counter() - t0


def worker_chainopt(lines: int, periods: int, time_limit: float, gap: float) -> None:
    from models.chain.formulation import build_model
    from optimizer.solve import SolveSettings, solve_model

    _tables, data, t_validate = _data(lines, periods)
    t0 = time.perf_counter()
    model = build_model(data)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = solve_model(model, SolveSettings(time_limit=time_limit, mip_gap=gap, threads=1))
    t_solve = time.perf_counter() - t0
    _emit({"validate": t_validate, "build": t_build, "solve": t_solve,
           "hand_off_and_solve_highs_reported": result.seconds,
           "objective": result.objective, "status": result.status.value})


def worker_export(lines: int, periods: int, path: str) -> None:
    from models.chain.formulation import build_model
    from optimizer.solve import write_model_file

    _tables, data, _ = _data(lines, periods)
    write_model_file(build_model(data), Path(path))
    _emit({})


def worker_highs(path: str, time_limit: float, gap: float) -> None:
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("threads", 1)
    t0 = time.perf_counter()
    h.readModel(path)
    t_read = time.perf_counter() - t0
    lp = h.getLp()
    t0 = time.perf_counter()
    h.run()
    t_solve = time.perf_counter() - t0
    info = h.getInfo()
    _emit({"read": t_read, "solve": t_solve, "objective": -info.objective_function_value
           if lp.sense_ == highspy.ObjSense.kMinimize else info.objective_function_value,
           "cols": lp.num_col_, "rows": lp.num_row_, "nonzeros": len(lp.a_matrix_.value_),
           "status": h.modelStatusToString(h.getModelStatus())})


def worker_excel(lines: int, periods: int, folder: str) -> None:
    from optimizer.excel.template import write_input_workbook
    from optimizer.pipeline import validate_workbook

    tables, _, _ = _data(lines, periods)
    path = Path(folder) / f"synthetic-{lines}.xlsx"
    t0 = time.perf_counter()
    write_input_workbook(path, tables)
    t_write = time.perf_counter() - t0
    t0 = time.perf_counter()
    outcome = validate_workbook(path)
    assert outcome.data is not None
    _emit({"write": t_write, "read_validate": time.perf_counter() - t0,
           "lanes": len(tables["Lanes"]), "bytes": path.stat().st_size})


def _spawn(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith(TAG):
            return json.loads(line[len(TAG):])  # type: ignore[no-any-return]
    raise RuntimeError(f"worker {args[0]} failed:\n{out.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="500,2000,5000")
    parser.add_argument("--periods", default="1")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--excel", action="store_true")
    args = parser.parse_args()
    print(f"{'lines':>6} {'per':>3} {'cols':>8} {'rows':>8} {'nnz':>9} | {'valid':>6} "
          f"{'build':>6} {'solve':>7} {'total':>7} | {'H read':>6} {'H solve':>7} | "
          f"{'x time':>6} {'x solve':>7} {'x mem':>5} | {'obj ratio':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for periods in (int(p) for p in args.periods.split(",")):
            for lines in (int(n) for n in args.lines.split(",")):
                tl, gap = str(args.time_limit), str(args.gap)
                c = _spawn("chainopt", str(lines), str(periods), tl, gap)
                mps = str(Path(tmp) / f"m{lines}-{periods}.mps")
                _spawn("export", str(lines), str(periods), mps)
                h = _spawn("highs", mps, tl, gap)
                total = c["validate"] + c["build"] + c["solve"]
                alone = h["read"] + h["solve"]
                obj = (c["objective"] or 0) / h["objective"] if h["objective"] else float("nan")
                print(f"{lines:>6} {periods:>3} {h['cols']:>8} {h['rows']:>8} "
                      f"{h['nonzeros']:>9} | {c['validate']:>6.2f} {c['build']:>6.2f} "
                      f"{c['solve']:>7.2f} {total:>7.2f} | {h['read']:>6.2f} "
                      f"{h['solve']:>7.2f} | {total / alone:>6.2f} "
                      f"{c['solve'] / h['solve']:>7.2f} {c['peak_mb'] / h['peak_mb']:>5.2f} | "
                      f"{obj:>9.6f}", flush=True)
                if args.excel:
                    e = _spawn("excel", str(lines), str(periods), tmp)
                    print(f"       Excel: {e['lanes']} lanes, {e['bytes'] / 1e6:.1f} MB, "
                          f"write {e['write']:.2f} s, read+validate {e['read_validate']:.2f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "chainopt":
            worker_chainopt(int(rest[0]), int(rest[1]), float(rest[2]), float(rest[3]))
        elif kind == "export":
            worker_export(int(rest[0]), int(rest[1]), rest[2])
        elif kind == "highs":
            worker_highs(rest[0], float(rest[1]), float(rest[2]))
        elif kind == "excel":
            worker_excel(int(rest[0]), int(rest[1]), rest[2])
    else:
        main()
