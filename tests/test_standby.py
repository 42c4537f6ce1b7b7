"""The solver process a run starts while it builds its model (optimizer/standby.py): the
solve uses that very process, and a run that never gets to its solve leaves none behind."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from optimizer import standby
from optimizer.pipeline import solve_workbook
from tests.conftest import ABSHERON


@pytest.fixture
def spawned(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], subprocess.Popen[str]]]:
    """Every solver process started, with its arguments."""
    standby.discard()  # none left over from another test
    started: list[tuple[list[str], subprocess.Popen[str]]] = []
    popen = standby._popen

    def recorded(args: list[str], stdin: int) -> subprocess.Popen[str]:
        proc = popen(args, stdin)
        started.append((args, proc))
        return proc

    monkeypatch.setattr(standby, "_popen", recorded)
    return started


def test_a_run_solves_in_the_process_it_started_before_building(
        spawned: list[tuple[list[str], subprocess.Popen[str]]]) -> None:
    outcome = solve_workbook(ABSHERON, {"time_limit": 120})
    assert outcome.solve is not None and outcome.solve.status.has_plan
    assert round(outcome.objective or 0) == 14_597_906  # the bundled optimum, as always
    solvers = [args for args, _ in spawned]
    assert solvers == [standby.command(standby.STANDBY)]  # one process, started ahead
    assert spawned[0][1].returncode == 0  # it solved and ended
    assert standby._waiting is None


def test_a_run_that_fails_before_its_solve_leaves_no_process_waiting(
        spawned: list[tuple[list[str], subprocess.Popen[str]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import models.chain.formulation as formulation

    def broken(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("the build broke")

    monkeypatch.setattr(formulation, "build_model", broken)
    with pytest.raises(RuntimeError, match="the build broke"):
        solve_workbook(ABSHERON)
    assert len(spawned) == 1 and standby._waiting is None
    assert spawned[0][1].poll() is not None  # stopped, not left waiting


def test_without_a_waiting_process_the_solve_starts_its_own(
        spawned: list[tuple[list[str], subprocess.Popen[str]]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(standby, "start", lambda: None)
    outcome = solve_workbook(ABSHERON, {"time_limit": 120})
    assert round(outcome.objective or 0) == 14_597_906
    assert len(spawned) == 1 and spawned[0][0][-1] != standby.STANDBY


def test_a_waiting_process_that_gets_no_model_exits_without_solving(tmp_path: Path) -> None:
    proc = standby._popen(standby.command(standby.STANDBY), subprocess.PIPE)
    out, err = proc.communicate("", timeout=120)  # end of input at once
    assert proc.returncode == 0 and out == "" and "Traceback" not in err
