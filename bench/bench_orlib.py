"""chainopt end to end against HiGHS alone on OR-Library warehouse location instances.

For each instance (default: the twelve capa/capb/capc capacity variants):

1. the instance is written as a chainopt input workbook (tools/orlib.py; not timed);
2. ``chainopt``: a fresh process runs ``optimizer.pipeline.solve_workbook`` on it, as a
   user's run does (read, validate, build, solve, marginal values, check), and reports
   its phase timings and its peak resident memory;
3. ``HiGHS alone``: a fresh process that imports only highspy solves the same model with
   the same gap, time limit and threads, either read from the MPS file chainopt's own
   model writes (``optimizer.solve.write_model_file``; exported in a separate process,
   not timed) or built directly in highspy from the instance (``--baseline direct``,
   tools.orlib.build_direct: the same CFLP in tonnes with the x_ij <= min(s_i, d_j) y_i
   links).

Each measurement runs in its own process so that peak RSS (getrusage ru_maxrss) is that
run's alone. Prints a table: objective, published optimum, relative error, time and
memory of both, and the chainopt / HiGHS-alone ratios.

    uv run python bench/bench_orlib.py --instances capa-8000,capb-5000 --time-limit 600

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT_TAG = "BENCH_RESULT "
LARGE = ("capa", "capb", "capc")


# ---------------------------------------------------------------------------------------
# Workers: each runs in its own process and prints one tagged JSON line.


def _peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _emit(result: dict[str, object]) -> None:
    result["peak_rss_mb"] = _peak_rss_mb()
    print(RESULT_TAG + json.dumps(result), flush=True)


def worker_chainopt(workbook: Path) -> None:
    """The user's path, end to end, on a workbook already written."""
    t0 = time.perf_counter()
    from optimizer.pipeline import solve_workbook

    t_import = time.perf_counter() - t0
    rss_imports = _peak_rss_mb()
    t1 = time.perf_counter()
    outcome = solve_workbook(workbook)
    wall = time.perf_counter() - t1
    solve = outcome.solve
    # chainopt maximises net value; the instances have no revenue, so cost = -(net value)
    _emit({
        "status": outcome.status.name if outcome.status else "INVALID",
        "objective": -outcome.objective if outcome.objective is not None else None,
        "bound": -solve.bound if solve and solve.bound is not None else None,
        "timings": dict(getattr(outcome, "timings", {}) or {}),
        "seconds": wall,
        "import_seconds": t_import,
        "rss_after_imports_mb": rss_imports,
        "findings": len(outcome.check_findings),
        "errors": [str(i) for i in list(outcome.issues.errors)[:5]],
    })


def worker_export(workbook: Path, mps: Path) -> None:
    """chainopt's own model of the workbook, written as MPS for HiGHS alone (not timed)."""
    from models.chain.formulation import build_model
    from optimizer.pipeline import validate_workbook
    from optimizer.solve import write_model_file

    outcome = validate_workbook(workbook)
    if outcome.data is None:
        raise SystemExit(f"{workbook} did not validate: {list(outcome.issues.errors)[:3]}")
    write_model_file(build_model(outcome.data), mps)
    _emit({"mps": str(mps)})


def _highs_options(h, time_limit: float, mip_gap: float, threads: int) -> None:  # type: ignore[no-untyped-def]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", mip_gap)
    h.setOptionValue("time_limit", time_limit)
    if threads:
        h.setOptionValue("threads", threads)


def _highs_result(h, build_seconds: float, solve_seconds: float, rss_imports: float,  # type: ignore[no-untyped-def]
                  sign: float) -> dict[str, object]:
    info = h.getInfo()
    return {
        "status": h.modelStatusToString(h.getModelStatus()),
        "objective": sign * float(info.objective_function_value),
        "bound": sign * float(info.mip_dual_bound),
        "build_seconds": build_seconds,
        "solve_seconds": solve_seconds,
        "seconds": build_seconds + solve_seconds,
        "rss_after_imports_mb": rss_imports,
    }


def worker_highs_mps(mps: Path, time_limit: float, mip_gap: float, threads: int) -> None:
    """HiGHS alone on chainopt's exported model; objective reported as total cost."""
    import highspy

    rss_imports = _peak_rss_mb()
    h = highspy.Highs()
    _highs_options(h, time_limit, mip_gap, threads)
    t0 = time.perf_counter()
    h.readModel(str(mps))
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    _, sense = h.getObjectiveSense()
    # chainopt maximises net value; the published optimum is a cost
    sign = -1.0 if sense == highspy.ObjSense.kMaximize else 1.0
    _emit(_highs_result(h, t1 - t0, t2 - t1, rss_imports, sign))


def worker_highs_direct(instance: str, benchmarks: Path, time_limit: float, mip_gap: float,
                        threads: int) -> None:
    """HiGHS alone on the CFLP built directly in highspy (no Pyomo, no workbook)."""
    from tools.orlib import benchmarks_dir, build_direct, load_instance, load_optima

    root = benchmarks or benchmarks_dir()
    row = {r.instance: r for r in load_optima(root / "optima.csv")}[instance]
    inst = load_instance(row, root)
    rss_imports = _peak_rss_mb()
    t0 = time.perf_counter()
    h = build_direct(inst)
    _highs_options(h, time_limit, mip_gap, threads)
    t1 = time.perf_counter()
    h.run()
    t2 = time.perf_counter()
    _emit(_highs_result(h, t1 - t0, t2 - t1, rss_imports, 1.0))


# ---------------------------------------------------------------------------------------
# Driver


def _run_worker(args: list[str], timeout: float) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              cwd=ROOT, check=False)
    except subprocess.TimeoutExpired:
        return {"status": "KILLED", "error": f"no answer within {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_TAG)]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"status": "FAILED", "error": " | ".join(tail)}
    result: dict[str, object] = json.loads(lines[-1][len(RESULT_TAG):])
    result["process_seconds"] = time.perf_counter() - start
    return result


def _select(names: str) -> list:  # type: ignore[type-arg]
    from tools.orlib import benchmarks_dir, load_optima, select_rows

    rows = load_optima(benchmarks_dir() / "optima.csv")
    picked: list = []  # type: ignore[type-arg]
    for name in (n.strip() for n in names.split(",")):
        if name == "large":
            picked += [r for r in rows if r.stem in LARGE and r.problem == "CFLP"]
        elif name == "small":
            picked += [r for r in rows if r.stem not in LARGE and r.problem == "CFLP"]
        elif name:
            picked += select_rows(rows, [name])
    return picked


def _rel(value: object, reference: float) -> float | None:
    return abs(float(value) - reference) / abs(reference) if value is not None else None  # type: ignore[arg-type]


def _fmt(value: object, spec: str, width: int) -> str:
    if value is None:
        return "-".rjust(width)
    return format(value, spec).rjust(width)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", default="large",
                        help="comma-separated optima.csv instance names (capa-8000, cap41, "
                             "cap71-uncap), or 'large' (capa/b/c CFLP, the default), 'small' "
                             "(cap41-cap134), 'all'")
    parser.add_argument("--time-limit", type=float, default=600.0, help="seconds, both runs")
    parser.add_argument("--mip-gap", type=float, default=1e-9, help="relative gap, both runs")
    parser.add_argument("--threads", type=int, default=0, help="0 lets HiGHS choose")
    parser.add_argument("--baseline", choices=("mps", "direct", "both"), default="mps",
                        help="HiGHS alone on chainopt's exported MPS (default), on the CFLP "
                             "built directly in highspy, or both")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep workbooks and MPS files here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        kind, *rest = args.worker
        if kind == "chainopt":
            worker_chainopt(Path(rest[0]))
        elif kind == "export":
            worker_export(Path(rest[0]), Path(rest[1]))
        elif kind == "highs-mps":
            worker_highs_mps(Path(rest[0]), float(rest[1]), float(rest[2]), int(rest[3]))
        elif kind == "highs-direct":
            worker_highs_direct(rest[0], Path(rest[1]), float(rest[2]), float(rest[3]),
                                int(rest[4]))
        else:
            parser.error(f"unknown worker {kind}")
        return 0

    sys.path.insert(0, str(ROOT))
    from tools.orlib import benchmarks_dir, load_instance, write_instance_workbook

    rows = _select("all" if args.instances == "all" else args.instances)
    baselines = ["mps", "direct"] if args.baseline == "both" else [args.baseline]
    timeout = 2 * args.time_limit + 600  # HiGHS's time limit is soft
    bench_dir = benchmarks_dir()
    tmp = None
    if args.workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench_orlib_")
        workdir = Path(tmp.name)
    else:
        workdir = args.workdir
        workdir.mkdir(parents=True, exist_ok=True)
    solver_args = [str(args.time_limit), str(args.mip_gap), str(args.threads)]

    records: list[dict[str, object]] = []
    try:
        for row in rows:
            print(f"{row.instance}: writing workbook ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            inst = load_instance(row, bench_dir)
            workbook = write_instance_workbook(
                inst, workdir / f"{row.instance}.xlsx", mip_gap=args.mip_gap,
                time_limit=args.time_limit, threads=args.threads)
            record: dict[str, object] = {
                "instance": row.instance, "published": row.optimum,
                "size": f"{inst.m}x{inst.n}", "write_seconds": time.perf_counter() - t0,
            }
            print(f"{row.instance}: chainopt ...", file=sys.stderr, flush=True)
            record["chainopt"] = _run_worker(["chainopt", str(workbook)], timeout)
            for base in baselines:
                print(f"{row.instance}: HiGHS alone ({base}) ...", file=sys.stderr, flush=True)
                if base == "mps":
                    mps = workdir / f"{row.instance}.mps"
                    exported = _run_worker(["export", str(workbook), str(mps)], timeout)
                    if exported.get("status") in ("FAILED", "KILLED"):
                        record["highs-mps"] = exported
                        continue
                    record["highs-mps"] = _run_worker(["highs-mps", str(mps), *solver_args],
                                                      timeout)
                else:
                    record["highs-direct"] = _run_worker(
                        ["highs-direct", row.instance, str(bench_dir), *solver_args], timeout)
            records.append(record)
            _print_row(record, baselines, header=len(records) == 1)
    finally:
        if tmp is not None:
            tmp.cleanup()
    _print_phases(records)
    if args.json:
        args.json.write_text(json.dumps(records, indent=2))
    return 0


COLUMNS = ("instance", "size", "published", "who", "objective", "rel.err", "status", "time s",
           "peak MB", "t ratio", "mem ratio")
WIDTHS = (12, 9, 15, 12, 15, 9, 16, 9, 9, 8, 9)


def _line(cells: tuple[str, ...]) -> str:
    return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                     enumerate(zip(cells, WIDTHS, strict=True)))


def _print_row(rec: dict[str, object], baselines: list[str], header: bool) -> None:
    if header:
        print(_line(COLUMNS))
        print("-" * (sum(WIDTHS) + 2 * (len(WIDTHS) - 1)))
    published = float(rec["published"])  # type: ignore[arg-type]
    chain = rec["chainopt"]
    assert isinstance(chain, dict)
    for who in ["chainopt", *(f"highs-{b}" for b in baselines)]:
        res = rec.get(who)
        if not isinstance(res, dict):
            continue
        t, mem = res.get("seconds"), res.get("peak_rss_mb")
        t_ratio = mem_ratio = None
        if who != "chainopt" and t and chain.get("seconds"):
            t_ratio = float(chain["seconds"]) / float(t)  # type: ignore[arg-type]
        if who != "chainopt" and mem and chain.get("peak_rss_mb"):
            mem_ratio = float(chain["peak_rss_mb"]) / float(mem)  # type: ignore[arg-type]
        first = who == "chainopt"
        print(_line((
            str(rec["instance"]) if first else "",
            str(rec["size"]) if first else "",
            f"{published:,.3f}" if first else "",
            who,
            _fmt(res.get("objective"), ",.3f", 15),
            _fmt(_rel(res.get("objective"), published), ".1e", 9),
            str(res.get("status", ""))[:16],
            _fmt(t, ".2f", 9),
            _fmt(mem, ".0f", 9),
            _fmt(t_ratio, ".2f", 8),
            _fmt(mem_ratio, ".2f", 9),
        )), flush=True)
        if res.get("error"):
            print(f"    {who}: {res['error']}", flush=True)


def _print_phases(records: list[dict[str, object]]) -> None:
    """chainopt's time by phase (outcome.timings) next to HiGHS alone's build and solve."""
    phases: list[str] = []
    for rec in records:
        chain = rec.get("chainopt")
        for name in (chain.get("timings") or {}) if isinstance(chain, dict) else {}:
            if name not in phases:
                phases.append(name)
    if not phases:
        return
    print()
    print("chainopt seconds by phase (workbook writing not included), HiGHS alone build/solve:")
    head = ["instance", *phases, "chainopt", "highs build", "highs solve", "solve ratio"]
    widths = [max(12, len(h)) for h in head]
    print("  ".join(h.rjust(w) if i else h.ljust(w)
                    for i, (h, w) in enumerate(zip(head, widths, strict=True))))
    for rec in records:
        chain = rec.get("chainopt")
        if not isinstance(chain, dict):
            continue
        timings = chain.get("timings") or {}
        assert isinstance(timings, dict)
        base = next((rec[k] for k in ("highs-mps", "highs-direct")
                     if isinstance(rec.get(k), dict)), {})
        assert isinstance(base, dict)
        hs = base.get("solve_seconds")
        ratio = (float(timings["solve"]) / float(hs)  # type: ignore[arg-type]
                 if hs and "solve" in timings else None)
        values = [*(timings.get(p) for p in phases), chain.get("seconds"),
                  base.get("build_seconds"), hs, ratio]
        cells = [str(rec["instance"]).ljust(widths[0])]
        cells += [_fmt(v, ".2f", w) for v, w in zip(values, widths[1:], strict=True)]
        print("  ".join(cells))


if __name__ == "__main__":
    raise SystemExit(main())
