"""Benchmark: where the extensive form of `chainopt robust` stops scaling.

    uv run python bench/bench_robust.py [--sizes 2 4 8 16] [--time-limit 600] [--json out.json]

For each number of scenarios n, n equally likely scenarios of the bundled case are made
(seeded: every market price of a material times a factor drawn from 0.85..1.15, every
line's capacity times one factor drawn from 0.85..1.0); the extensive form over them is
built (models/chain/stochastic.py) and solved with HiGHS through optimizer/solve.py with
the bundled case's gap. Printed per n: the extensive form's columns, rows, nonzeros and
binaries, its build and solve seconds, status and gap, and the ratios against the
single-scenario solve of the base case in the same run (size and time). Not a timed
test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from models.chain.data import ChainData  # noqa: E402
from models.chain.formulation import build_model  # noqa: E402
from models.chain.stochastic import build_extensive_form  # noqa: E402
from models.validation.issues import IssueList  # noqa: E402
from optimizer import api  # noqa: E402
from optimizer.scenarios.overrides import load_scenario  # noqa: E402
from optimizer.scenarios.spec import Override  # noqa: E402
from optimizer.solve import SolveSettings, solve_model  # noqa: E402


def scenario_set(case: api.Case, n: int, seed: int = 0) -> dict[str, tuple[float, ChainData]]:
    """n equally likely perturbations of the bundled case (module docstring)."""
    rng = random.Random(seed)
    materials = sorted({str(r.cells.get("material")) for r in case.raw.tables["Markets"].rows})
    out: dict[str, tuple[float, ChainData]] = {}
    for i in range(n):
        overrides = [Override("Markets", f"material={m}", "price", "multiply",
                              round(rng.uniform(0.85, 1.15), 3)) for m in materials]
        overrides.append(Override("Lines", "*", "capacity", "multiply",
                                  round(rng.uniform(0.85, 1.0), 3)))
        issues = IssueList("bench")
        data = load_scenario(case.raw, tuple(overrides), f"s{i}", issues)
        assert data is not None, issues.report()
        out[f"s{i}"] = (1.0 / n, data)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 4, 8, 16])
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    case = api.load(ROOT / "input_templates" / "absheron.xlsx")
    settings = SolveSettings(time_limit=args.time_limit, mip_gap=case.data.mip_gap)

    t0 = time.perf_counter()
    single_model = build_model(case.data)
    single_build = time.perf_counter() - t0
    single = solve_model(single_model, settings)
    print(f"single scenario (base): {single.size}, build {single_build:.2f} s, "
          f"solve {single.seconds:.2f} s, {single.status.value}")
    rows = []
    for n in args.sizes:
        scenarios = scenario_set(case, n)
        t0 = time.perf_counter()
        ef = build_extensive_form(scenarios)
        build = time.perf_counter() - t0
        solved = solve_model(ef, settings)
        rows.append({"scenarios": n, **solved.size, "build_s": build, "solve_s": solved.seconds,
                     "status": solved.status.value, "gap": solved.gap,
                     "size_ratio": solved.size["nonzeros"] / single.size["nonzeros"],
                     "time_ratio": solved.seconds / single.seconds})
        r = rows[-1]
        print(f"n={n:>3}: columns {r['columns']:>7,} rows {r['rows']:>7,} nonzeros "
              f"{r['nonzeros']:>8,} binaries {r['integers']:>5,}  build {build:6.2f} s  "
              f"solve {solved.seconds:8.2f} s  {solved.status.value}"
              f"{'' if solved.gap is None else f' gap {100 * solved.gap:.3f} %'}  "
              f"x{r['size_ratio']:.1f} size, x{r['time_ratio']:.1f} time", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"single": {**single.size,
                                                    "solve_s": single.seconds},
                                         "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
