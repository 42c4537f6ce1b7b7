"""Does --time-limit bound the whole run? Wall time of `chainopt run` end to end.

Writes the synthetic case (tools/synthetic.py) as a workbook, then times
``chainopt run WORKBOOK --time-limit LIMIT --gap 0`` in a fresh process, from start to
exit: reading, validating, building, solving, marginal values, explanations and writing.
The promise (README, "The time limit"): wall time <= 1.2 x limit + 5 s.

    uv run python bench/bench_whole_run.py --lines 5000 --periods 3 --limit 10
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
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--periods", type=int, default=3)
    parser.add_argument("--limit", type=float, default=10.0)
    args = parser.parse_args()
    from optimizer.excel.template import write_input_workbook
    from tools.synthetic import synthetic_tables

    with tempfile.TemporaryDirectory(prefix="bench-whole-") as tmp:
        book = Path(tmp) / f"synthetic-{args.lines}x{args.periods}.xlsx"
        write_input_workbook(book, synthetic_tables(
            lines=args.lines, periods=args.periods, sites=max(20, args.lines // 100)))
        chainopt = str(Path(sys.executable).parent / "chainopt")
        start = time.perf_counter()
        out = subprocess.run([chainopt, "run", str(book), "-o", tmp, "--time-limit",
                              str(args.limit), "--gap", "0"], capture_output=True, text=True,
                             check=False)
        wall = time.perf_counter() - start
        phases = {}
        for line in out.stderr.splitlines():  # "... INFO <logger>: <phase>: 1.23 s"
            for logger in ("optimizer.pipeline: ", "chainopt: "):
                if logger in line and line.rstrip().endswith(" s"):
                    name, _, seconds = line.split(logger, 1)[1].rpartition(": ")
                    try:
                        phases[name] = float(seconds.split()[0])
                    except ValueError:
                        continue
        promise = 1.2 * args.limit + 5.0
        print(json.dumps({"lines": args.lines, "periods": args.periods, "limit": args.limit,
                          "exit_code": out.returncode, "wall_s": round(wall, 1),
                          "promise_s": promise, "held": wall <= promise,
                          "phases_s": phases,
                          "outside_phases_s": round(wall - sum(phases.values()), 1),
                          "load_average": round(os.getloadavg()[0], 1)}, indent=1))
        if out.returncode not in (0, 10):
            print(out.stderr[-3000:], file=sys.stderr)


if __name__ == "__main__":
    main()
