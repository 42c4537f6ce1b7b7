"""Does the time limit hold? HiGHS's own (soft) limit against chainopt's watchdog.

For each size, the same synthetic model (tools/synthetic.py, gap 0 so the search cannot
finish) is solved twice in fresh processes with the same time limit: by HiGHS alone with
only its own ``time_limit`` option (on the MPS chainopt exports), and by chainopt's
solve_model (HiGHS's option plus the watchdog that cancels at the limit). Prints the wall
time of HiGHS alone and, for chainopt, the hand-off (compile and pass to HiGHS, before the
clock starts) and the solver time that the limit governs.

    uv run python bench/bench_time_limit.py --lines 2000,5000 --periods 3 --limit 5
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


def _model(lines: int, periods: int):  # type: ignore[no-untyped-def]
    from models.chain.data import load_data
    from models.chain.formulation import build_model
    from models.validation.issues import IssueList
    from tools.synthetic import raw_workbook, synthetic_tables

    issues = IssueList()
    data = load_data(raw_workbook(synthetic_tables(lines=lines, periods=periods,
                                                   sites=max(20, lines // 100))), issues)
    assert data is not None, issues.report()
    return build_model(data)


def worker(kind: str, lines: int, periods: int, limit: float, mps: str) -> None:
    if kind == "export":
        from optimizer.solve import write_model_file

        write_model_file(_model(lines, periods), Path(mps))
        print(TAG + "{}")
        return
    if kind == "highs":
        import highspy

        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(mps)
        h.setOptionValue("time_limit", limit)
        h.setOptionValue("mip_rel_gap", 0.0)
        t0 = time.perf_counter()
        h.run()
        wall = time.perf_counter() - t0
        print(TAG + json.dumps({"wall": wall, "status": h.modelStatusToString(
            h.getModelStatus()), "objective": h.getInfo().objective_function_value}))
        return
    from optimizer.solve import SolveSettings, solve_model

    model = _model(lines, periods)
    t0 = time.perf_counter()
    result = solve_model(model, SolveSettings(time_limit=limit, mip_gap=0.0))
    wall = time.perf_counter() - t0
    print(TAG + json.dumps({"wall": wall, "status": result.status.value,
                            "objective": result.objective, "handoff": result.seconds_handoff,
                            "solver": result.seconds_solver,
                            "watchdog": result.interrupted_by_watchdog}))


def _spawn(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith(TAG):
            return json.loads(line[len(TAG):])  # type: ignore[no-any-return]
    raise RuntimeError(out.stderr[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="2000,5000")
    parser.add_argument("--periods", type=int, default=3)
    parser.add_argument("--limit", type=float, default=5.0)
    args = parser.parse_args()
    print(f"{'lines':>6} {'per':>3} {'limit':>6} | {'HiGHS alone':>11} {'status':>18} | "
          f"{'hand-off':>8} {'HiGHS':>7} {'status':>26} {'watchdog':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for lines in (int(x) for x in args.lines.split(",")):
            mps = str(Path(tmp) / f"m{lines}.mps")
            lim = str(args.limit)
            _spawn("export", str(lines), str(args.periods), lim, mps)
            h = _spawn("highs", str(lines), str(args.periods), lim, mps)
            c = _spawn("chainopt", str(lines), str(args.periods), lim, mps)
            print(f"{lines:>6} {args.periods:>3} {args.limit:>6.1f} | {h['wall']:>9.1f} s "
                  f"{h['status']:>18} | {c['handoff']:>6.1f} s {c['solver']:>5.1f} s "
                  f"{c['status']:>26} {c['watchdog']!s:>8}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        a = sys.argv[2:]
        worker(a[0], int(a[1]), int(a[2]), float(a[3]), a[4])
    else:
        main()
