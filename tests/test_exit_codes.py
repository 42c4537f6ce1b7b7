"""Every documented exit code that the other test modules do not already produce.

Covered elsewhere: 0, 20, 21, 30, 2 (test_cli.py); 10, 31 (test_solve_status.py);
41, 50, 1, and the nightly forms of 0, 10, 20, 21, 30 (test_nightly.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from optimizer.errors import EXIT_CODE_HELP, ExitCode

pytestmark = pytest.mark.solver
CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    from optimizer.cli import main

    monkeypatch.setattr(sys, "argv", ["chainopt", *args])
    with pytest.raises(SystemExit) as stop:
        main()
    return int(stop.value.code or 0)


def test_no_plan_within_the_time_limit_exits_11(tmp_path: Path) -> None:
    out = subprocess.run([CHAINOPT, "run", "--time-limit", "0", "-o", str(tmp_path)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == ExitCode.TIME_LIMIT_NO_PLAN
    assert "No plan found in the time allowed" in out.stderr
    assert not list(tmp_path.iterdir())


def test_failed_independent_check_exits_40_and_still_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from models.chain import checks
    from models.chain.checks import Finding

    # the pipeline imports its solve path when it runs, so patch where it is defined
    monkeypatch.setattr(checks, "check_solution", lambda *_a, **_k: [
        Finding("capacity_limit", "C02 in 2025 processes 6001 > 6000", 1.0)])
    code = _main(monkeypatch, "run", "-o", str(tmp_path), "-q")
    assert code == ExitCode.CHECK_FAILED
    assert len(list(tmp_path.glob("absheron-*.xlsx"))) == 1  # written, and flagged inside


def test_solver_failure_exits_60(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from optimizer import solve

    def broken(self: object, model: object) -> None:
        raise RuntimeError("simulated solver failure")

    monkeypatch.setattr(solve._Session, "__init__", broken)
    code = _main(monkeypatch, "run", "-o", str(tmp_path), "-q")
    assert code == ExitCode.SOLVER_ERROR
    assert not list(tmp_path.iterdir())


def test_internal_error_exits_1_without_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from models.chain import formulation

    def bug(*_a: object, **_k: object) -> None:
        raise KeyError("simulated bug")

    monkeypatch.setattr(formulation, "build_model", bug)
    code = _main(monkeypatch, "run", "-o", str(tmp_path))
    assert code == ExitCode.INTERNAL_ERROR
    err = capsys.readouterr().err
    assert "internal error" in err and "--debug" in err and "Traceback" not in err


def test_every_code_is_documented_in_help_and_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    help_text = subprocess.run([CHAINOPT, "--help"], capture_output=True, text=True,
                               check=True).stdout
    for code, meaning in EXIT_CODE_HELP.items():
        assert f"| {int(code)} |" in readme, f"exit code {int(code)} missing from README"
        assert f"{int(code):>3}  {meaning}" in help_text
