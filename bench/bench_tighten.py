"""Output-side links (constraint ``output_link``): root gap, nodes and time, with and without.

For each case the model is built once per variant (all constraints; ``output_link``
deactivated) and measured two ways:

- the LP relaxation (every binary relaxed, solved by HiGHS): its bound against the
  optimum is the *LP gap*, before any presolve or cut of HiGHS;
- the MIP solve (HiGHS, one thread, gap 1e-9 so both variants prove the same optimum):
  the dual bound at the end of the root node (the last log row with no node explored,
  after cuts and restarts) gives the *root gap*; then nodes, LP iterations and seconds.

Usage::

    uv run python bench/bench_tighten.py                   # the bundled Absheron case
    uv run python bench/bench_tighten.py case.xlsx --orlib cap41 cap71 --repeat 3

The machine is shared: solve seconds vary run to run; gaps and nodes do not (one thread).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import pyomo.environ as pyo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.chain.data import ChainData, load_data  # noqa: E402
from models.chain.formulation import build_model  # noqa: E402
from models.validation.issues import IssueList  # noqa: E402
from optimizer.excel.read import read_workbook  # noqa: E402
from optimizer.solve import SolveSettings, solve_model  # noqa: E402
from tools.highs_log import root_bound  # noqa: E402


def load(path: Path) -> ChainData:
    issues = IssueList(path.name)
    raw = read_workbook(path, issues)
    data = load_data(raw, issues) if raw is not None else None
    if data is None:
        raise SystemExit(issues.report())
    return data


def orlib_data(name: str, folder: Path) -> ChainData:
    from tools.orlib import (
        benchmarks_dir,
        load_instance,
        load_optima,
        select_rows,
        write_instance_workbook,
    )
    rows = select_rows(load_optima(benchmarks_dir() / "optima.csv"), [name])
    path = write_instance_workbook(load_instance(rows[0]), folder / f"{name}.xlsx")
    return load(path)


def variant(data: ChainData, links: bool) -> pyo.ConcreteModel:
    model = build_model(data)
    if not links:
        model.output_link.deactivate()
    return model


def lp_bound(data: ChainData, links: bool) -> float:
    model = variant(data, links)
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(model)
    result = solve_model(model, SolveSettings(mip_gap=1e-9, time_limit=600, threads=1))
    assert result.objective is not None
    return float(result.objective)


def nodes(log: str) -> int:
    hit = re.search(r"Nodes\s+(\d+)", log)
    return int(hit.group(1)) if hit else -1


def iterations(log: str) -> int:
    hit = re.search(r"LP iterations\s+(\d+)", log)
    return int(hit.group(1)) if hit else -1


def gap(bound: float | None, opt: float) -> str:
    return "-" if bound is None else f"{(bound - opt) / max(abs(opt), 1e-9):.2%}"


def measure(name: str, data: ChainData, repeat: int) -> list[str]:
    rows = []
    for links in (False, True):
        lp = lp_bound(data, links)
        seconds, result = [], None
        for _ in range(repeat):
            model = variant(data, links)
            started = time.perf_counter()
            result = solve_model(model, SolveSettings(mip_gap=1e-9, time_limit=600, threads=1))
            seconds.append(time.perf_counter() - started)
        assert result is not None and result.objective is not None
        opt = result.objective
        root = root_bound(result.log)
        n_links = sum(1 for _ in variant(data, True).output_link) if links else 0

        rows.append(f"| {name} | {'with' if links else 'without'} | {n_links} | "
                    f"{opt:,.0f} | {gap(lp, opt)} | {gap(root, opt)} | {nodes(result.log)} | "
                    f"{iterations(result.log)} | {statistics.median(seconds):.2f} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workbooks", nargs="*", type=Path,
                        default=[ROOT / "input_templates" / "absheron.xlsx"])
    parser.add_argument("--orlib", nargs="*", default=[])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=Path("/tmp"))
    args = parser.parse_args(argv)
    print("| case | output_link | rows | optimum | LP gap | root gap | nodes | LP iters "
          "| solve s (median) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for path in args.workbooks:
        for row in measure(path.stem, load(path), args.repeat):
            print(row, flush=True)
    for name in args.orlib:
        for row in measure(name, orlib_data(name, args.folder), args.repeat):
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
