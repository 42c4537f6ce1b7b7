"""bench/run.py --tier S runs end to end and prints its tables (a smoke test, no timing).

The suite is a benchmark, not a test: nothing here asserts how long anything takes. What
this proves is that the script still runs against the current code (every phase of the
bundled case and of the 50-line synthetic case, the MPS export, HiGHS alone and, with
``--whole-run``, `chainopt run` on each case's workbook) and that chainopt and HiGHS alone
found plans of the same value.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_tier_s_runs_and_prints_the_tables() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--tier", "S", "--time-limit", "10",
         "--explain-budget", "1", "--whole-run"], cwd=ROOT, capture_output=True, text=True,
        timeout=900, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    for title in ("Seconds per phase", "Ratios against HiGHS alone", "Whole run",
                  "Formulation strength"):
        assert title in text, text
    for case in ("bundled", "synthetic-50"):
        rows = [line for line in text.splitlines() if line.startswith(case + " ")]
        assert len(rows) == 4, text  # one row in each of the four tables
        # the whole run: `chainopt run` on the case's workbook wrote a plan (exit 0 or 10)
        section = text.split("Whole run")[1].split("Formulation strength")[0]
        whole = re.search(rf"^{case}\s+(\d+)\s+\S+\s+\S+ \|", section, re.MULTILINE)
        assert whole is not None and whole.group(1) in ("0", "10"), text
    # the bundled case solves to optimality in both: the same plan value
    ratio = re.search(r"^bundled .*optimal\s+(\S+)$", text, re.MULTILINE)
    assert ratio is not None and float(ratio.group(1)) == pytest.approx(1.0, abs=1e-6), text


def test_bench_read_runs_and_prints_its_table() -> None:
    """bench/bench_read.py on the bundled case: one row, both processes ran (the cell count
    is calamine's, the peak memories are read), no timing asserted."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_read.py"), "--cases", "bundled",
         "--repeat", "1"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    rows = [line for line in out.stdout.splitlines() if line.startswith("| bundled |")]
    assert len(rows) == 1, out.stdout
    cells = rows[0].strip("|").split("|")
    assert len(cells) == 9 and int(cells[1].replace(",", "")) > 1000, rows[0]
    peak_ours, peak_alone = (float(x.replace(",", "")) for x in cells[8].split("/"))
    assert peak_ours > 0 and peak_alone > 0, rows[0]


@pytest.mark.slow
def test_bench_held_blocks_runs_and_measures_the_explanations_figures() -> None:
    """bench/bench_held_blocks.py at 50 lines x 12 periods: it re-runs the jobs the
    explanations answered and gets their own figures (no timing asserted)."""
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_held_blocks.py"), "--lines", "50",
         "--periods", "12", "--jobs", "10"], cwd=ROOT, capture_output=True, text=True,
        timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    same = re.search(r"HeldBlocks\.solve\): (\d+)/(\d+)", out.stdout)
    assert same is not None and int(same.group(2)) > 0, out.stdout
    assert same.group(1) == same.group(2), out.stdout
    for text in ("blocks per job", "per block re-solve", "per iteration",
                 "a run with nothing changed"):
        assert text in out.stdout, out.stdout
