"""A scenario over its whole time limit (validating, building and solving together) is
recorded as "time-out" with its reason, and the others are solved: serially, on the
process pool, and through `chainopt scenarios --time-limit`.

The tiny base case (tests/tiny_cases.py) solves to 35 x 100 - 1000 = 2500; a limit of
0.1 ms cannot hold even reading the tables into a model, so the watchdog stops it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from optimizer.errors import ExitCode
from optimizer.excel.template import write_input_workbook
from optimizer.pipeline import sha256_of
from optimizer.scenarios.runner import TIME_OUT, CaseRef, Job, ScenarioTimeout, _watchdog, run_jobs
from tests.tiny_cases import BASE_OPTIMUM, add_rows, base_case

CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def _jobs(tmp_path: Path) -> list[Job]:
    path = write_input_workbook(tmp_path / "case.xlsx", base_case())
    case = CaseRef(str(path), sha256_of(path))
    return [Job(case, "tight", time_limit=1e-4), Job(case, "free"),
            Job(case, "roomy", time_limit=120.0)]


def _check(results: list) -> None:  # type: ignore[type-arg]
    tight, free, roomy = results
    assert tight.status == TIME_OUT and not tight.has_plan
    assert "time limit of 0.0001 s" in tight.reason and tight.reason.startswith("stopped while")
    for r in (free, roomy):
        assert r.status == "optimal" and r.net_value == pytest.approx(BASE_OPTIMUM)


@pytest.mark.solver
def test_serial_run_records_the_time_out_and_goes_on(tmp_path: Path) -> None:
    results = run_jobs(_jobs(tmp_path), workers=1)
    _check(results)
    time.sleep(0.6)  # no alarm is left behind to fire after the run (grace is 0.5 s)


@pytest.mark.solver
@pytest.mark.slow
def test_pool_records_the_time_out_and_goes_on(tmp_path: Path) -> None:
    _check(run_jobs(_jobs(tmp_path), workers=2))


def test_the_watchdog_stops_a_python_step_and_leaves_no_timer() -> None:
    phase = ["waiting"]
    with pytest.raises(ScenarioTimeout, match="waiting"), _watchdog(0.01, phase):
        time.sleep(5)  # interrupted after 0.01 s + the 0.5 s grace
    with _watchdog(10.0, phase):
        pass
    time.sleep(0.1)


@pytest.mark.solver
@pytest.mark.slow
def test_cli_time_limit_per_scenario(tmp_path: Path) -> None:
    tables = base_case()
    add_rows(tables, "Scenarios", {"scenario": "dear", "sheet": "Sources", "row": "SRC_F",
                                   "column": "price", "value": 20})
    path = write_input_workbook(tmp_path / "case.xlsx", tables)
    done = subprocess.run([CHAINOPT, "scenarios", str(path), "-o", str(tmp_path / "out"),
                           "--workers", "1", "--time-limit", "0.0001", "--no-full", "-q"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == ExitCode.TIME_LIMIT_NO_PLAN, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert list((tmp_path / "out").glob("*-comparison.xlsx"))
