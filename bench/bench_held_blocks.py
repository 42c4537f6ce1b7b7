"""Where the per-line figures' time goes: HiGHS's work per run against its iterations.

The explanations' per-line figures (optimizer/explain.py ``_entry``) re-solve the held LP
in blocks (optimizer/_held_blocks.py), one HiGHS run per block a line's job changes. This
script runs one synthetic tier's explanations as ``bench/bench_explain.py`` does, keeps
the held LP's blocks and the jobs the run's own process answered, and re-runs those jobs
alone, block by block, through the explanations' own re-solve (``HeldBlocks._resolve``:
from the plan's basis, the job's row shifts, HiGHS's run, the bounds put back). It prints

- blocks per job, and per block re-solve: milliseconds and simplex iterations (and
  whether each job's figure is the explanations' own, ``HeldBlocks.solve``);
- a least-squares fit of milliseconds against iterations (HiGHS's work per run and per
  iteration) and the share of the time in iterations;
- the reference, measured in the same run on the block the jobs re-solved most often:
  a run of HiGHS with nothing changed (``run()`` again at the optimum), and the ratio
  of a re-solve to it.

    uv run python bench/bench_held_blocks.py --lines 500 --periods 12 --jobs 80

The figures of 2 December are in docs/performance.md ("What bounds the per-line
figures").
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def capture(lines: int, periods: int) -> tuple[tuple[Any, ...], list[dict[int, Any]]]:
    """The first held-LP blocks a run makes (their arguments) and the jobs they answer."""
    import bench_explain

    import optimizer._held_blocks as hb

    made: list[tuple[Any, ...]] = []
    jobs: list[dict[int, Any]] = []
    original_init, original_solve = hb.HeldBlocks.__init__, hb.HeldBlocks.solve

    def init(self: Any, *args: Any) -> None:
        if not made:
            made.append(args)
        original_init(self, *args)

    def solve(self: Any, cols: dict[int, Any], time_limit: float) -> float | None:
        jobs.append(dict(cols))
        return original_solve(self, cols, time_limit)

    hb.HeldBlocks.__init__ = init  # type: ignore[method-assign, assignment]
    hb.HeldBlocks.solve = solve  # type: ignore[method-assign]
    try:
        bench_explain.worker_synthetic(lines, periods, 600.0, 2.0)
    finally:
        hb.HeldBlocks.__init__ = original_init  # type: ignore[method-assign]
        hb.HeldBlocks.solve = original_solve  # type: ignore[method-assign]
    if not made:
        raise SystemExit("no held-LP blocks were made (a one-period tier does not split)")
    return made[0], jobs


def measure(args: tuple[Any, ...], jobs: list[dict[int, Any]], count: int) -> None:
    from optimizer._held_blocks import HeldBlocks

    blocks = HeldBlocks(*args)
    assert blocks.usable
    seconds, iterations, per_job = [], [], []
    touched: dict[int, int] = {}
    same = 0
    for job in jobs[:count]:
        delta, row_moves, _cols = blocks._moves(job)
        row_moves.pop(-1, None)
        per_job.append(len(row_moves))
        total: float | None = blocks._plan_total() + delta
        for b, rows in row_moves.items():
            touched[b] = touched.get(b, 0) + 1
            block = blocks.blocks[b]
            # the explanations' own re-solve: the plan's basis, the job's row shifts,
            # HiGHS's run, the bounds put back
            t0 = time.perf_counter()
            found = blocks._resolve(block, rows, {}, 60.0)
            seconds.append(time.perf_counter() - t0)
            iterations.append(blocks.iterations)
            total = None if total is None or found is None else \
                total + found - block.objective
        # what is measured is the explanations' own figure
        figure = blocks.solve(job, 60.0)
        same += (total is None and figure is None) or (
            total is not None and figure is not None
            and math.isclose(total, figure, rel_tol=1e-9, abs_tol=1e-6))
    s, it = np.array(seconds), np.array(iterations, dtype=float)
    fit = np.linalg.lstsq(np.vstack([np.ones_like(it), it]).T, s, rcond=None)[0]
    # the reference on the block the jobs re-solved most often
    usual = blocks.blocks[max(touched, key=lambda b: touched[b])]
    h = usual.h
    h.setBasis(usual.basis)
    h.run()
    t0 = time.perf_counter()
    for _ in range(50):
        h.run()
    nothing = (time.perf_counter() - t0) / 50
    print(f"jobs {len(per_job)}, blocks per job {np.mean(per_job):.1f}, "
          f"the block re-solved most often {len(usual.rows):,} rows x {len(usual.cols):,} "
          "columns")
    print(f"per block re-solve: {s.mean() * 1e3:.2f} ms mean, iterations mean "
          f"{it.mean():.0f}, median {np.median(it):.0f}, p90 {np.percentile(it, 90):.0f}")
    print(f"fit: {fit[0] * 1e3:.2f} ms per run + {fit[1] * 1e6:.0f} us per iteration; "
          f"share in iterations {float(fit[1] * it.sum() / s.sum()):.0%}")
    print(f"the same figures as the explanations' (HeldBlocks.solve): {same}/{len(per_job)}")
    print(f"reference, a run with nothing changed: {nothing * 1e3:.2f} ms; a re-solve = "
          f"{s.mean() / nothing:.2f} x that")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=500)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--jobs", type=int, default=80, help="jobs re-run (first ones)")
    a = parser.parse_args()
    made, jobs = capture(a.lines, a.periods)
    measure(made, jobs, a.jobs)


if __name__ == "__main__":
    main()
