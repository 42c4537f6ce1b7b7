"""Start-up and the bundled case end to end: each command against the floor it cannot beat.

Every figure is a fresh process, run ``--repeat`` times with the commands interleaved (so a
busy neighbour slows all of them alike); min and median wall seconds are printed, and the
ratios against two references measured in the same run:

- ``import highspy``: a Python process that only imports the solver (the floor for any
  command that solves);
- ``HiGHS alone``: that process reading chainopt's own MPS file of the bundled case and
  solving it with the same gap (the floor for ``run``).

    uv run python bench/bench_startup.py --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "input_templates" / "absheron.xlsx"

HIGHS_ALONE = """
import sys, highspy
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.setOptionValue("mip_rel_gap", float(sys.argv[2]))
h.readModel(sys.argv[1])
h.run()
assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
"""

EXPORT = """
import sys
from pathlib import Path
from models.chain.data import load_data
from models.chain.formulation import build_model
from models.validation.issues import IssueList
from optimizer.excel.read import read_workbook
from optimizer.solve import write_model_file
issues = IssueList()
data = load_data(read_workbook(Path(sys.argv[1]), issues), issues)
write_model_file(build_model(data), Path(sys.argv[2]))
print(data.mip_gap)
"""


def _wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        mps = Path(tmp) / "absheron.mps"
        gap = subprocess.run([sys.executable, "-c", EXPORT, str(CASE), str(mps)], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout.split()[-1]
        chainopt = [sys.executable, "-m", "optimizer"]
        commands = {
            "import highspy": [sys.executable, "-c", "import highspy"],
            "HiGHS alone (MPS read + solve)": [sys.executable, "-c", HIGHS_ALONE, str(mps),
                                               gap],
            "chainopt --help": [*chainopt, "--help"],
            "chainopt validate": [*chainopt, "validate", str(CASE)],
            "chainopt run (bundled case)": [*chainopt, "run", "--quiet", "-o", tmp],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, argv in commands.items():
                times[name].append(_wall(argv))

    floor = min(times["import highspy"])
    alone = min(times["HiGHS alone (MPS read + solve)"])
    print(f"{'command':34} {'min s':>7} {'median s':>9} {'/ import highspy':>17} "
          f"{'/ HiGHS alone':>14}")
    for name, seconds in times.items():
        best = min(seconds)
        print(f"{name:34} {best:7.2f} {statistics.median(seconds):9.2f} "
              f"{best / floor:17.1f} {best / alone:14.1f}")


if __name__ == "__main__":
    main()
