"""The performance suite: chainopt's phases against HiGHS alone on chainopt's own MPS file.

    uv run python bench/run.py --tier S              # bundled case + 50 lines x 12 periods
    uv run python bench/run.py --tier S,M,L          # + 500, 2,000 and 5,000 lines x 12: growth fit
    uv run python bench/run.py --tier orlib          # capa-8000, capb-5000, capc-5000

For every case, three fresh processes run one after the other:

1. **chainopt**: read and validate (a workbook, or the synthetic tables without Excel), build
   the Pyomo model, hand it off (compile to arrays), solve (HiGHS in its solver process),
   marginal values, extract and check the results, explanations (with ``--explain-budget``
   seconds) and write the results workbook; seconds per phase;
2. **export** (not timed): the same model written as MPS;
3. **HiGHS alone**: a process that imports only highspy reads that MPS and solves it with
   the same time limit, gap and one thread; its log gives nodes and the root gap.

With ``--whole-run`` a fourth process runs ``chainopt run WORKBOOK`` as a user does (the
synthetic cases written as a workbook first, not timed): default threads, so the solver's
threads, the explanations' worker processes and the figures' thread all count. Its wall
time, exit code and peak memory are what a run costs; the first process above solves with
one thread, like HiGHS alone, so its memory leaves the explanations' workers out.

Peak memory is the largest sum of resident memory over the process and all its
descendants (the chainopt run's solver process too), polled from /proc every 20 ms by this
process: ``ru_maxrss`` of a child starts at its parent's size at fork, so it cannot be used.

Ratios, all against HiGHS alone in the same run: build + hand-off ÷ its MPS read (goal
≤ 4, ≤ 2.5 at 5,000 x 12), chainopt to the end of the solve ÷ HiGHS alone read + solve,
end to end ÷ HiGHS alone, peak memory ÷ HiGHS alone's (goal ≤ 1.3). With two or more
synthetic cases the growth exponent of each phase is fitted: the slope of log seconds
against log nonzeros (1.0 = linear in the model's size).

With ``--gap 0.01`` (the default) HiGHS alone's solve time is the time to a 1 % gap.
Linux only (reads /proc). Not a test: CI runs ``--tier S`` once as a smoke test
(tests/test_bench_smoke.py) and asserts no time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: the repository's packages
    sys.path.insert(0, str(ROOT))

from tools.highs_log import root_bound  # noqa: E402

TAG = "BENCH_RESULT "
BUNDLED = ROOT / "input_templates" / "absheron.xlsx"
PERIODS = 12
TIERS: dict[str, list[str]] = {
    "S": ["bundled", "synthetic-50"],
    "M": ["synthetic-500", "synthetic-2000"],
    "L": ["synthetic-5000"],
    "orlib": ["orlib-capa-8000", "orlib-capb-5000", "orlib-capc-5000"],
}
PHASES = ("read", "build", "hand-off", "solve", "marginal", "extract", "explain", "write")


# ---- workers (fresh processes) -------------------------------------------------------------


def _synthetic_tables(case: str) -> Any:
    from tools.synthetic import synthetic_tables

    lines = int(case.split("-")[1])
    # small cases draw fewer technologies: a technology no line uses is an input error
    return synthetic_tables(lines=lines, periods=PERIODS, sites=max(20, lines // 100),
                            markets=30, hubs=20, technologies=24 if lines >= 500 else 6)


def _workbook(case: str, workdir: Path) -> Path:
    """The case as a workbook a user would run (bundled, OR-Library: already one)."""
    if case == "bundled":
        return BUNDLED
    return workdir / f"{case}.xlsx"


def worker_workbook(case: str, workdir: Path) -> None:
    """Write a synthetic case's tables as an input workbook (for ``--whole-run``)."""
    from optimizer.excel.template import write_input_workbook

    write_input_workbook(_workbook(case, workdir), _synthetic_tables(case))
    _emit({})


def _load(case: str, workdir: Path) -> Any:
    """ChainData of a case: the bundled workbook, an OR-Library workbook or synthetic tables."""
    from models.chain.data import load_data
    from models.validation.issues import IssueList

    if case.startswith("synthetic-"):
        from tools.synthetic import raw_workbook

        issues = IssueList()
        data = load_data(raw_workbook(_synthetic_tables(case)), issues)
    else:
        from optimizer.excel.read import read_workbook

        path = _workbook(case, workdir)
        issues = IssueList(path.name)
        raw = read_workbook(path, issues)
        data = load_data(raw, issues) if raw is not None else None
    if data is None:
        raise SystemExit(issues.report())
    return data


def _emit(result: dict[str, Any]) -> None:
    print(TAG + json.dumps(result), flush=True)


def worker_chainopt(case: str, workdir: Path, time_limit: float, gap: float,
                    explain_budget: float) -> None:
    """chainopt's phases as solve_workbook and the results writer run them."""
    import datetime as dt

    t: dict[str, float] = {}
    t0 = time.perf_counter()
    data = _load(case, workdir)
    t["read"] = time.perf_counter() - t0

    from models.chain.checks import check_finite, check_solution
    from models.chain.formulation import build_model
    from models.chain.results import extract_results
    from optimizer.excel.write import write_results
    from optimizer.explain import explain_plan
    from optimizer.pipeline import RunOutcome
    from optimizer.solve import SolveSettings, marginal_values, solve_model

    settings = SolveSettings(time_limit=time_limit, mip_gap=gap, threads=1)
    t0 = time.perf_counter()
    model = build_model(data)
    t["build"] = time.perf_counter() - t0
    solved = solve_model(model, settings, let_go=True)  # as a run does
    t["hand-off"], t["solve"] = solved.seconds_handoff, solved.seconds - solved.seconds_handoff
    out: dict[str, Any] = {"status": solved.status.value, "objective": solved.objective,
                           "size": solved.size, "nodes": _nodes(solved.log),
                           "root_bound": root_bound(solved.log)}
    if solved.status.has_plan:
        outcome = RunOutcome(input_path=workdir / f"{case}.xlsx", data=data, model=model,
                             solve=solved, settings=settings, readable=True)
        t0 = time.perf_counter()
        lp = marginal_values(model, settings)
        t["marginal"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        outcome.results = results = extract_results(model, data, lp.duals)
        outcome.check_findings = check_finite(results, solved.objective)
        outcome.check_findings += check_solution(data, results, solved.objective)
        t["extract"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        # as a run does: aiming at max(2 s, 25 % of the solve), the figures drawn in the
        # background once the MILP re-plans start (the write then waits for what is left)
        from optimizer.excel.write import start_figures

        explain_plan(model, data, results, settings, lp=lp, time_budget=explain_budget,
                     solve_seconds=t["solve"],
                     beside_replans=lambda: start_figures(outcome, "en"))
        start_figures(outcome, "en")
        t["explain"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_results(workdir / f"{case}-results.xlsx", outcome, dt.datetime.now())
        t["write"] = time.perf_counter() - t0
        out["check_findings"] = len(outcome.check_findings)
    _emit({**out, "seconds": t})


def worker_export(case: str, workdir: Path, path: str) -> None:
    from models.chain.formulation import build_model
    from optimizer.solve import write_model_file

    write_model_file(build_model(_load(case, workdir)), Path(path))
    _emit({})


def worker_highs(path: str, time_limit: float, gap: float) -> None:
    """HiGHS alone: read the MPS file and solve it; nothing else imported."""
    import highspy

    h = highspy.Highs()
    log_path = path + ".log"
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("log_file", log_path)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("threads", 1)
    t0 = time.perf_counter()
    status = h.readModel(path)
    read = time.perf_counter() - t0
    if status != highspy.HighsStatus.kOk:  # a baseline HiGHS could not read is no baseline
        raise SystemExit(f"HiGHS could not read {path}: {status}")
    # only now: HiGHS's MPS reader obeys time_limit too, and gives up with an error (no
    # model) when reading takes longer than the limit, as it did on a loaded machine
    h.setOptionValue("time_limit", time_limit)
    lp = h.getLp()
    t0 = time.perf_counter()
    h.run()
    solve = time.perf_counter() - t0
    info = h.getInfo()
    value = info.objective_function_value
    text = Path(log_path).read_text(errors="replace")
    _emit({"seconds": {"read": read, "solve": solve},
           "objective": -value if lp.sense_ == highspy.ObjSense.kMinimize else value,
           "size": {"columns": lp.num_col_, "rows": lp.num_row_,
                    "nonzeros": len(lp.a_matrix_.value_)},
           "status": h.modelStatusToString(h.getModelStatus()),
           "nodes": int(info.mip_node_count), "root_bound": root_bound(text),
           "minimize": lp.sense_ == highspy.ObjSense.kMinimize})


def _nodes(log: str) -> int | None:
    hit = re.search(r"Nodes\s+(\d+)", log)
    return int(hit.group(1)) if hit else None


# ---- the parent: spawn, poll memory, print -------------------------------------------------


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, in kB (0 once it has gone)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
            continue
    return total


def _polled(cmd: list[str]) -> tuple[int, str, str, float, float]:
    """Run ``cmd`` in a fresh process: exit code, stdout, stderr, wall seconds and the peak
    resident memory of it and its descendants in MB (polled every 20 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = [0]

    def poll() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            time.sleep(0.02)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    watcher.join()
    return proc.returncode, stdout, stderr, wall, peak[0] / 1024


def _spawn(*args: str) -> dict[str, Any]:
    """Run one worker in a fresh process; its result with ``peak_mb`` (tree peak, polled)."""
    _code, stdout, stderr, _wall, peak = _polled([sys.executable, __file__, "--worker", *args])
    for line in stdout.splitlines():
        if line.startswith(TAG):
            result: dict[str, Any] = json.loads(line[len(TAG):])
            result["peak_mb"] = peak
            return result
    raise RuntimeError(f"worker {args[0]} {args[1]} failed:\n{stderr[-3000:]}")


def whole_run(case: str, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """``chainopt run`` on the case's workbook, as a user runs it (exit code 0 or 10 is a
    plan written)."""
    if case.startswith("synthetic-"):
        _spawn("workbook", case, str(workdir))
    out = workdir / f"{case}-run"
    out.mkdir(exist_ok=True)
    chainopt = str(Path(sys.executable).parent / "chainopt")
    code, _stdout, stderr, wall, peak = _polled(
        [chainopt, "run", str(_workbook(case, workdir)), "-o", str(out), "-q",
         "--time-limit", str(args.time_limit), "--gap", str(args.gap)])
    if code not in (0, 10):
        raise RuntimeError(f"chainopt run {case} exited {code}:\n{stderr[-3000:]}")
    return {"exit_code": code, "wall": wall, "peak_mb": peak}


@dataclass
class Measured:
    case: str
    chainopt: dict[str, Any]
    highs: dict[str, Any]
    run: dict[str, Any] | None = None  # ``--whole-run``: the real command, as a user runs it

    @property
    def nonzeros(self) -> int:
        return int(self.highs["size"]["nonzeros"])


def _prepare_orlib(case: str, workdir: Path) -> None:
    from tools.orlib import (
        benchmarks_dir,
        load_instance,
        load_optima,
        select_rows,
        write_instance_workbook,
    )

    rows = select_rows(load_optima(benchmarks_dir() / "optima.csv"), [case[len("orlib-"):]])
    write_instance_workbook(load_instance(rows[0]), workdir / f"{case}.xlsx")


def measure(case: str, workdir: Path, args: argparse.Namespace) -> Measured:
    if case.startswith("orlib-"):
        _prepare_orlib(case, workdir)
    tl, gap = str(args.time_limit), str(args.gap)
    c = _spawn("chainopt", case, str(workdir), tl, gap, str(args.explain_budget))
    mps = str(workdir / f"{case}.mps")
    _spawn("export", case, str(workdir), mps)
    h = _spawn("highs", mps, tl, gap)
    return Measured(case, c, h, whole_run(case, workdir, args) if args.whole_run else None)


def _gap(bound: float | None, objective: float | None) -> str:
    if bound is None or objective is None or not all(map(math.isfinite, (bound, objective))) \
            or abs(objective) >= 1e20:  # HiGHS's "no plan" objective is +-inf or huge
        return "-"
    return f"{100 * abs(bound - objective) / max(abs(objective), 1e-9):.2f}%"


def _fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def report(results: list[Measured], args: argparse.Namespace) -> None:
    print(f"\nSeconds per phase (time limit {args.time_limit:g} s, gap {args.gap:g}, one "
          f"thread; explanations budget {args.explain_budget:g} s); HiGHS alone = fresh "
          "process reading chainopt's MPS file")
    head = (f"{'case':<18} {'rows':>8} {'cols':>8} {'nnz':>9} | "
            + " ".join(f"{p:>8}" for p in PHASES) + f" | {'H read':>7} {'H solve':>7}")
    print(head)
    print("-" * len(head))
    for r in results:
        s, size = r.chainopt["seconds"], r.highs["size"]
        print(f"{r.case:<18} {size['rows']:>8} {size['columns']:>8} {size['nonzeros']:>9} | "
              + " ".join(f"{_fmt(s.get(p)):>8}" for p in PHASES)
              + f" | {r.highs['seconds']['read']:>7.2f} {r.highs['seconds']['solve']:>7.2f}")
    print("\nRatios against HiGHS alone (goals: build+hand-off / read <= 4, <= 2.5 at 5,000 x "
          "12; to-solve / alone <= 1.10 when HiGHS alone >= 20 s; memory <= 1.3)")
    print(f"{'case':<18} {'b+h / read':>10} {'to solve':>9} {'end-end':>8} | {'peak MB':>8} "
          f"{'H MB':>7} {'x mem':>6} | {'status':<26} {'obj ratio':>9}")
    for r in results:
        s, hs = r.chainopt["seconds"], r.highs["seconds"]
        alone = hs["read"] + hs["solve"]
        to_solve = s["read"] + s["build"] + s["hand-off"] + s["solve"]
        whole = sum(v for v in s.values())
        c_obj, h_obj = r.chainopt.get("objective"), r.highs.get("objective")
        obj = c_obj / h_obj if c_obj is not None and h_obj else float("nan")
        print(f"{r.case:<18} {(s['build'] + s['hand-off']) / hs['read']:>10.2f} "
              f"{to_solve / alone:>9.2f} {whole / alone:>8.2f} | "
              f"{r.chainopt['peak_mb']:>8.0f} {r.highs['peak_mb']:>7.0f} "
              f"{r.chainopt['peak_mb'] / r.highs['peak_mb']:>6.2f} | "
              f"{r.chainopt['status']:<26} {_fmt(obj, 6):>9}")
    runs = [r for r in results if r.run is not None]
    if runs:
        print("\nWhole run: `chainopt run WORKBOOK` as a user runs it (default threads: the "
              "solver's, the explanations' workers, the figures; --time-limit bounds the "
              "whole run), against HiGHS alone's read + solve with one thread")
        print(f"{'case':<18} {'exit':>4} {'wall s':>8} {'x alone':>8} | {'peak MB':>8} "
              f"{'H MB':>7} {'x mem':>6}")
        for r in runs:
            assert r.run is not None
            hs = r.highs["seconds"]
            print(f"{r.case:<18} {r.run['exit_code']:>4} {r.run['wall']:>8.2f} "
                  f"{r.run['wall'] / (hs['read'] + hs['solve']):>8.2f} | "
                  f"{r.run['peak_mb']:>8.0f} {r.highs['peak_mb']:>7.0f} "
                  f"{r.run['peak_mb'] / r.highs['peak_mb']:>6.2f}")
    print("\nFormulation strength (HiGHS alone on the MPS; with gap 0.01 its solve time is the "
          "time to 1 %)")
    print(f"{'case':<18} {'root gap':>9} {'nodes':>8} {'solve s':>8} {'status':<20}")
    for r in results:
        h = r.highs
        objective = h["objective"] if not h["minimize"] else -h["objective"]
        root = _gap(h["root_bound"], objective) if h["status"] == "Optimal" else "-"
        print(f"{r.case:<18} {root:>9} {h['nodes']:>8} {h['seconds']['solve']:>8.2f} "
              f"{h['status']:<20}")
    growth(results)


def fit_exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log y against log x (None with fewer than two usable points)."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(usable) < 2:
        return None
    mx = sum(p[0] for p in usable) / len(usable)
    my = sum(p[1] for p in usable) / len(usable)
    sxx = sum((p[0] - mx) ** 2 for p in usable)
    if sxx == 0:
        return None
    return sum((p[0] - mx) * (p[1] - my) for p in usable) / sxx


def growth(results: list[Measured]) -> None:
    synthetic = [r for r in results if r.case.startswith("synthetic-")]
    if len(synthetic) < 2:
        return
    cases = ", ".join(r.case.split("-")[1] for r in synthetic)
    print(f"\nGrowth: exponent of seconds against nonzeros over {len(synthetic)} synthetic "
          f"cases ({cases} lines x {PERIODS}); 1.0 = linear"
          + ("" if len(synthetic) >= 4 else "; fewer than 4 sizes: indicative only"))
    for phase in (*PHASES, "H read", "H solve"):
        if phase.startswith("H "):
            key = phase[2:]
            pts = [(r.nonzeros, r.highs["seconds"][key]) for r in synthetic]
        else:
            pts = [(r.nonzeros, r.chainopt["seconds"].get(phase, 0.0)) for r in synthetic]
        k = fit_exponent(pts)
        print(f"  {phase:<10} {_fmt(k)}")
    mem = fit_exponent([(r.nonzeros, r.chainopt["peak_mb"]) for r in synthetic])
    print(f"  {'peak MB':<10} {_fmt(mem)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tier", default="S",
                        help="S, M, L or orlib; several joined by commas (S,M,L for the fit)")
    parser.add_argument("--cases", default="",
                        help="explicit cases instead of tiers: bundled, synthetic-N, "
                             "orlib-NAME (names of optima.csv)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.01)
    parser.add_argument("--explain-budget", type=float, default=30.0)
    parser.add_argument("--whole-run", action="store_true",
                        help="also time `chainopt run` on each case's workbook as a user "
                             "runs it, with its peak memory")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    args = parser.parse_args(argv)
    if args.cases:
        cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    else:
        tiers = [t.strip() for t in args.tier.split(",")]
        unknown = [t for t in tiers if t not in TIERS]
        if unknown:
            parser.error(f"unknown tier {', '.join(unknown)}; choose from {', '.join(TIERS)}")
        cases = [c for t in tiers for c in TIERS[t]]
    load = os.getloadavg()[0]
    print(f"chainopt suite: {', '.join(cases)}; {os.cpu_count()} cores, load average "
          f"{load:.1f} at the start", flush=True)
    results: list[Measured] = []
    with tempfile.TemporaryDirectory(prefix="chainopt-bench-") as tmp:
        for case in cases:
            r = measure(case, Path(tmp), args)
            results.append(r)
            s = r.chainopt["seconds"]
            print(f"  {case}: build {s['build']:.2f} s, hand-off {s['hand-off']:.2f} s, "
                  f"HiGHS read {r.highs['seconds']['read']:.2f} s", flush=True)
    report(results, args)
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=1))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, rest = sys.argv[2], sys.argv[3:]
        if kind == "chainopt":
            worker_chainopt(rest[0], Path(rest[1]), float(rest[2]), float(rest[3]),
                            float(rest[4]))
        elif kind == "workbook":
            worker_workbook(rest[0], Path(rest[1]))
        elif kind == "export":
            worker_export(rest[0], Path(rest[1]), rest[2])
        elif kind == "highs":
            worker_highs(rest[0], float(rest[1]), float(rest[2]))
        sys.exit(0)
    sys.exit(main())
