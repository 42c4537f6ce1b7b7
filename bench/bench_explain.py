"""Explanations against the solve: seconds of ``explain_plan`` ÷ seconds of the solve.

For each tier (synthetic chains from tools/synthetic.py, lines x periods) a fresh process
validates the tables, builds the model, solves it (``solve_model``), computes the marginal
values and results tables as a run does (optimizer/pipeline.py), then times
``explain_plan`` with the time budget a run would give it (what is left of ``--run-limit``
seconds after the solve; never less than ``--min-budget``). As in a run, the re-plan
workers start when HiGHS gets the model and load while it solves. It prints

- the solve's and the explanations' seconds, and their ratio (issue 12's goal 2:
  explanations ≤ 25 % of the solve or ≤ 2 s, whichever is larger);
- lines analysed: candidate lines whose entry figure (held plan: closing, adding or
  swapping) was computed, out of all candidate lines;
- two-sided: binding limits whose value was re-solved one unit looser and tighter, of all
  binding limits with a unit;
- re-planned: lines with a MILP figure (``replan_change``), and of those how many are
  exact (the re-solve finished) rather than a bound;
- where the explanation time went (``res.explain_timings``, when the code provides it).

Run it with (each tier in a fresh process):

    uv run python bench/bench_explain.py --lines 50,500,2000,5000 --periods 1

``--bundled`` adds the bundled case (input_templates/absheron.xlsx) through
``solve_workbook`` with its own settings.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TAG = "BENCH_RESULT "


LOOSEN = ("feedstock", "demand_max", "line_capacity", "lane_capacity", "offtake_min",
          "demand_min", "recovered_min")  # the kinds optimizer.explain re-solves two-sided


def _summary(res: Any, seconds: float, solve: float, budget: float) -> dict[str, object]:
    lines = res.lines
    cand = lines[lines.status == "candidate"]
    status = cand.get("entry_status")
    analysed = int((~status.isin(["", "not_analysed"])).sum()) if status is not None else 0
    replan = cand.get("replan_change")
    replanned = int(replan.notna().sum()) if replan is not None else 0
    exact = int((replan.notna() & cand.replan_exact.astype(bool)).sum()) \
        if replan is not None else 0
    mv = res.marginal
    todo = mv[mv.kind.isin(list(LOOSEN)) & mv.binding.astype(bool)] if len(mv) else mv
    two = f"{int((todo.sides != '').sum())}/{len(todo)}" if "sides" in todo else "-"
    return {"solve": solve, "explain": seconds, "two_sided": two, "budget": budget,
            "candidates": len(cand),
            "analysed": analysed, "replanned": replanned, "exact": exact,
            "notes": list(res.explain_notes),
            "timings": _timings()}


def _timings() -> dict[str, float]:
    import optimizer.explain as explain

    return dict(getattr(explain, "LAST_TIMINGS", {}))


def worker_synthetic(lines: int, periods: int, run_limit: float, min_budget: float) -> None:
    import dataclasses

    from models.chain.data import load_data
    from models.chain.formulation import build_model
    from models.chain.results import extract_results
    from models.validation.issues import IssueList
    from optimizer.explain import explain_plan
    from optimizer.pipeline import _start_replan_workers
    from optimizer.solve import ReplanPool, SolveSettings, marginal_values, solve_model
    from tools.synthetic import raw_workbook, synthetic_tables

    started = time.perf_counter()
    tables = synthetic_tables(lines=lines, periods=periods, sites=max(20, lines // 100),
                              markets=30, hubs=20,
                              # small tiers: fewer technologies, so that each one is used
                              technologies=max(6, min(24, lines // 8)))
    issues = IssueList()
    data = load_data(raw_workbook(tables), issues)
    assert data is not None, issues.report()
    model = build_model(data)
    settings = SolveSettings(time_limit=run_limit, mip_gap=0.01, threads=1)
    # the solve is held to one thread (steady timings); the explanations get the
    # machine as a run's would (threads 0: worker processes on the other cores)
    explaining = dataclasses.replace(settings, threads=0)
    pools: list[ReplanPool] = []  # started at the hand-off, as a run starts them
    t0 = time.perf_counter()
    result = solve_model(model, settings, on_handoff=lambda: pools.append(
        _start_replan_workers(model, data, explaining)))
    solve = time.perf_counter() - t0
    assert result.status.has_plan, result.status
    lp = marginal_values(model, dataclasses.replace(settings, time_limit=60.0))
    res = extract_results(model, data, lp.duals)
    budget = max(run_limit - (time.perf_counter() - started), min_budget)
    t0 = time.perf_counter()
    explain_plan(model, data, res, explaining, lp=lp,
                 time_budget=budget, solve_seconds=solve,
                 replan_pool=pools[0] if pools else None)
    out = _summary(res, time.perf_counter() - t0, solve, budget)
    print(TAG + json.dumps(out), flush=True)


def worker_bundled(run_limit: float) -> None:
    from optimizer.pipeline import solve_workbook

    # the run itself (no figures drawn): its explanations get what is left of the run's
    # time limit and aim at a quarter of its solve, as this script's other tiers
    outcome = solve_workbook(ROOT / "input_templates" / "absheron.xlsx",
                             {"time_limit": run_limit})
    assert outcome.results is not None
    timings = outcome.timings
    before = ("read", "validate", "build", "solve", "marginal values", "check")
    budget = run_limit - sum(timings.get(phase, 0.0) for phase in before)  # about
    out = _summary(outcome.results, timings["explain"], timings["solve"], budget)
    print(TAG + json.dumps(out), flush=True)


def _spawn(*args: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--worker", *args], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    for line in out.stdout.splitlines():
        if line.startswith(TAG):
            return json.loads(line[len(TAG):])  # type: ignore[no-any-return]
    raise RuntimeError(f"worker {args} failed:\n{out.stderr[-3000:]}")


def _row(name: str, r: dict[str, Any]) -> str:
    ratio = r["explain"] / r["solve"] if r["solve"] > 0 else float("inf")
    goal = "yes" if r["explain"] <= max(0.25 * r["solve"], 2.0) else "no"
    times = " ".join(f"{k}={v:.2f}" for k, v in r["timings"].items())
    return (f"{name:>12} | {r['solve']:>7.2f} {r['explain']:>7.2f} {ratio:>6.2f} {goal:>4} | "
            f"{r['analysed']:>5}/{r['candidates']:<5} {r['replanned']:>5} {r['exact']:>5} | "
            f"{r['two_sided']:>9} | {r['budget']:>6.1f} {','.join(r['notes'])} {times}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", default="50,500,2000,5000")
    parser.add_argument("--periods", default="1")
    parser.add_argument("--run-limit", type=float, default=120.0,
                        help="the run's time limit (the solve gets it; explanations what "
                             "is left, at least --min-budget)")
    parser.add_argument("--min-budget", type=float, default=30.0)
    parser.add_argument("--bundled", action="store_true")
    args = parser.parse_args()
    print(f"{'case':>12} | {'solve s':>7} {'expl s':>7} {'ratio':>6} {'goal':>4} | "
          f"{'analysed':>11} {'repl':>5} {'exact':>5} | {'2-sided':>9} | {'budget':>6} notes")
    if args.bundled:
        print(_row("bundled", _spawn("bundled", str(args.run_limit))), flush=True)
    for periods in (int(p) for p in args.periods.split(",") if p):
        for lines in (int(n) for n in args.lines.split(",") if n):
            r = _spawn("synthetic", str(lines), str(periods), str(args.run_limit),
                       str(args.min_budget))
            print(_row(f"{lines}x{periods}", r), flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "synthetic":
            worker_synthetic(int(rest[0]), int(rest[1]), float(rest[2]), float(rest[3]))
        else:
            worker_bundled(float(rest[0]))
    else:
        main()
