"""The solver process (optimizer/_highs_child.py) stops when the run that started it is
killed outright (SIGKILL, the OOM killer): a killed run cannot ask it to stop, and it
would otherwise solve on for the rest of its time limit, with a core and its memory.

An intermediate process starts the solver process on a MILP that takes far longer than
the test (50 synthetic lines x 12 periods, gap 0, 120 s limit), and is then killed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.chain.data import load_data
from models.chain.formulation import build_model
from models.validation.issues import IssueList
from optimizer._highs_child import save_arrays
from optimizer.solve import _session
from tools.synthetic import raw_workbook, synthetic_tables

pytestmark = [pytest.mark.solver, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
START = ("import subprocess, sys, time\n"
         "p = subprocess.Popen([sys.executable, '-m', 'optimizer._highs_child', sys.argv[1]],"
         " stdout=subprocess.DEVNULL)\n"
         "print(p.pid, flush=True)\n"
         "time.sleep(600)\n")


def _running(pid: int) -> bool:
    """Alive and not a zombie (a re-parented child may wait unreaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_solver_process_stops_when_its_run_is_killed(tmp_path: Path) -> None:
    tables = synthetic_tables(lines=50, periods=12, sites=20, markets=30, hubs=20,
                              technologies=6)
    data = load_data(raw_workbook(tables), IssueList())
    assert data is not None
    save_arrays(_session(build_model(data)).arrays, tmp_path / "model.npz")
    (tmp_path / "options.json").write_text(json.dumps(
        {"time_limit": 120.0, "mip_rel_gap": 0.0, "threads": 1}))
    run = subprocess.Popen([sys.executable, "-c", START, str(tmp_path)], cwd=ROOT,
                           stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    solver = int(run.stdout.readline())
    try:
        time.sleep(4.0)  # loaded, and HiGHS well into its search
        assert _running(solver)
        assert not (tmp_path / "solution.npy").exists()
        run.kill()
        run.wait()
        deadline = time.monotonic() + 15.0
        while _running(solver) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(solver), "the solver process solved on after its run died"
    finally:
        if _running(solver):
            os.kill(solver, 9)
        run.kill()
