"""Benchmark: 24 scenarios of the bundled case, serial against the process pool.

    uv run python bench/bench_scenarios.py [--workers 2] [--json out.json]

Reports the wall time of each runner (the pool with and without its start-up), the ratio
pool / serial, and the overhead per scenario beyond HiGHS's own time: a scenario's total
time in its worker (read the case, apply the overrides, validate, build, hand off, solve,
extract, check) minus the time HiGHS itself ran. Not a timed test: the figures depend on
the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from optimizer import api  # noqa: E402
from optimizer.scenarios.runner import Job, Runner, ScenarioResult  # noqa: E402
from optimizer.scenarios.spec import BASE, Override  # noqa: E402


def scenarios(case: api.Case) -> list[Job]:
    """The base case, the five bundled scenarios and 18 variants: 24 jobs."""
    jobs = [Job(case.ref(), BASE)]
    jobs += [Job(case.ref(), n, case.what_if.chain(n)) for n in case.scenarios]
    for k in (0.80, 0.90, 0.95, 1.05, 1.10, 1.20):
        jobs.append(Job(case.ref(), f"prices_x{k:.2f}",
                        (Override("Markets", "*", "price", "multiply", k),)))
    for k in (0.75, 0.80, 0.90, 0.95, 1.10, 1.25):
        jobs.append(Job(case.ref(), f"capacity_x{k:.2f}",
                        (Override("Lines", "*", "capacity", "multiply", k),)))
    for k in (0.70, 0.85, 0.90, 1.10, 1.20, 1.30):
        jobs.append(Job(case.ref(), f"feedstock_x{k:.2f}",
                        (Override("Sources", "*", "price", "multiply", k),)))
    assert len(jobs) == 24, len(jobs)
    return jobs


def overhead(results: list[ScenarioResult]) -> list[float]:
    return [r.seconds["total"] - r.seconds.get("solver", 0.0) for r in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    case = api.load(ROOT / "input_templates" / "absheron.xlsx")
    jobs = scenarios(case)

    api.solve(case)  # warm this process as a worker would be: imports, compiler
    start = time.perf_counter()
    serial = Runner(workers=1).run(jobs)
    t_serial = time.perf_counter() - start

    with Runner(workers=args.workers) as runner:
        start = time.perf_counter()
        runner.run([Job(case.ref(), f"warm{i}") for i in range(args.workers)])
        t_start = time.perf_counter() - start
        start = time.perf_counter()
        pooled = runner.run(jobs)
        t_pool_warm = time.perf_counter() - start

    same = all(a.status == b.status and a.built == b.built and
               abs((a.net_value or 0) - (b.net_value or 0)) <= 1e-6 * max(1, abs(a.net_value or 0))
               for a, b in zip(serial, pooled, strict=True))
    solver_serial = sum(r.seconds.get("solver", 0.0) for r in serial)
    o_serial, o_pool = overhead(serial), overhead(pooled)
    figures = {
        "scenarios": len(jobs), "workers": args.workers, "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "serial_s": t_serial, "highs_serial_s": solver_serial,
        "pool_start_s": t_start, "pool_warm_s": t_pool_warm,
        "pool_with_start_s": t_start + t_pool_warm,
        "ratio_warm": t_pool_warm / t_serial,
        "ratio_with_start": (t_start + t_pool_warm) / t_serial,
        "overhead_per_scenario_serial_median_s": statistics.median(o_serial),
        "overhead_per_scenario_pool_median_s": statistics.median(o_pool),
        "overhead_per_scenario_pool_mean_s": statistics.fmean(o_pool),
        "overhead_per_scenario_pool_max_s": max(o_pool),
        "identical_plans": same,
        "statuses": sorted({r.status for r in pooled}),
    }
    print(f"{len(jobs)} scenarios of the bundled case, {args.workers} workers on "
          f"{os.cpu_count()} cores (load average {figures['load_average'][0]:.1f})")
    print(f"  serial (one warm process)    {t_serial:7.2f} s   "
          f"(HiGHS itself {solver_serial:.2f} s)")
    print(f"  pool, start-up               {t_start:7.2f} s")
    print(f"  pool, warm workers           {t_pool_warm:7.2f} s   "
          f"= {figures['ratio_warm']:.2f} x serial")
    print(f"  pool, including start-up     {t_start + t_pool_warm:7.2f} s   "
          f"= {figures['ratio_with_start']:.2f} x serial")
    print(f"  overhead per scenario beyond HiGHS (warm worker): median "
          f"{figures['overhead_per_scenario_pool_median_s']:.3f} s, mean "
          f"{figures['overhead_per_scenario_pool_mean_s']:.3f} s, max "
          f"{figures['overhead_per_scenario_pool_max_s']:.3f} s "
          f"(serial: median {figures['overhead_per_scenario_serial_median_s']:.3f} s)")
    print(f"  identical plans, pool and serial: {same}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
