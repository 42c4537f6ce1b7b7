"""The command line as a user runs it: subprocesses, exit codes, no tracebacks."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import ExitCode
from optimizer.excel.template import write_input_workbook
from tools.absheron_case import absheron_tables

CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHAINOPT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


def test_help_lists_commands_options_and_exit_codes(tmp_path: Path) -> None:
    out = run("--help", cwd=tmp_path)
    assert out.returncode == 0
    for word in ("run", "validate", "template", "Exit codes", "fix the spreadsheet", "busy"):
        assert word in out.stdout
    run_help = run("run", "--help", cwd=tmp_path).stdout
    for option in ("--output", "--time-limit", "--gap", "--threads", "--quiet"):
        assert option in run_help


@pytest.mark.solver
def test_run_without_arguments_solves_the_bundled_case(tmp_path: Path) -> None:
    out = run("run", cwd=tmp_path)
    assert out.returncode == ExitCode.OK, out.stderr
    written = list((tmp_path / "results").glob("absheron-*.xlsx"))
    assert len(written) == 1
    assert "Optimal" in out.stdout and str(written[0].name) in out.stdout
    book = openpyxl.load_workbook(written[0], read_only=True)
    assert {"Summary", "Lines", "Flows", "Markets", "Run info"} <= set(book.sheetnames)
    assert not list((tmp_path / "results").glob(".*tmp"))  # no temporary file left


@pytest.mark.solver
def test_python_dash_m_is_the_same_command(tmp_path: Path, absheron_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "optimizer", "run", str(absheron_path),
                          "-o", str(tmp_path / "out"), "--gap", "0.001", "--quiet"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == ExitCode.OK, out.stderr
    assert len(list((tmp_path / "out").glob("absheron-*.xlsx"))) == 1


def _broken(tmp_path: Path) -> Path:
    tables = copy.deepcopy(absheron_tables())
    tables["Lines"][1]["capacity"] = -5
    tables["Sources"][0]["material"] = "V_NOPE"
    path = tmp_path / "broken.xlsx"
    write_input_workbook(path, tables)
    return path


def test_invalid_workbook_exits_20_with_every_problem_and_no_traceback(tmp_path: Path) -> None:
    path = _broken(tmp_path)
    out = run("run", str(path), cwd=tmp_path)
    assert out.returncode == ExitCode.INVALID_INPUT
    assert "Lines!D3" in out.stderr and "Sources!B2" in out.stderr
    assert "Traceback" not in out.stderr + out.stdout
    assert not (tmp_path / "results").exists()  # nothing written


def test_validate_json_for_scripts(tmp_path: Path) -> None:
    out = run("validate", str(_broken(tmp_path)), "--format", "json", cwd=tmp_path)
    assert out.returncode == ExitCode.INVALID_INPUT
    issues = json.loads(out.stdout)
    cells = {(i["sheet"], i["cell"]) for i in issues if i["severity"] == "error"}
    assert ("Lines", "D3") in cells and ("Sources", "B2") in cells
    assert {"severity", "sheet", "cell", "column", "value", "expected", "message", "hint"} <= set(
        issues[0])


def test_validate_valid_workbook(tmp_path: Path, absheron_path: Path) -> None:
    out = run("validate", str(absheron_path), cwd=tmp_path)
    assert out.returncode == 0, out.stdout


def test_missing_input_exits_21(tmp_path: Path) -> None:
    out = run("run", str(tmp_path / "missing.xlsx"), cwd=tmp_path)
    assert out.returncode == ExitCode.INPUT_UNREADABLE
    assert "does not exist" in out.stderr and "Traceback" not in out.stderr


def test_not_a_workbook_exits_21(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("hello")
    out = run("run", str(path), cwd=tmp_path)
    assert out.returncode == ExitCode.INPUT_UNREADABLE, out.stderr


@pytest.mark.solver
def test_infeasible_case_exits_30_and_writes_only_the_diagnosis(tmp_path: Path) -> None:
    tables = copy.deepcopy(absheron_tables())
    tables["Policy"] = [{"policy": "lines_min", "value": 40}]  # only 36 candidates
    path = tmp_path / "too-many.xlsx"
    write_input_workbook(path, tables)
    out = run("run", str(path), cwd=tmp_path)
    assert out.returncode == ExitCode.INFEASIBLE, out.stdout + out.stderr
    assert "infeasible" in out.stderr.lower()
    # no results workbook; the diagnosis names the Policy row to lower (40 -> at most 36)
    written = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert len(written) == 2 and all("-diagnosis." in name for name in written), written
    assert "Policy row 2 (lines_min" in out.stderr


def test_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    out = run("run", "--gap", "5", cwd=tmp_path)
    assert out.returncode == ExitCode.USAGE
    assert "Traceback" not in out.stderr


def test_template_writes_blank_and_example(tmp_path: Path) -> None:
    assert run("template", "-o", "blank.xlsx", cwd=tmp_path).returncode == 0
    assert run("template", "--example", "-o", "case.xlsx", cwd=tmp_path).returncode == 0
    blank = openpyxl.load_workbook(tmp_path / "blank.xlsx")
    assert "Lines" in blank.sheetnames and blank["Lines"].max_row == 1
    assert openpyxl.load_workbook(tmp_path / "case.xlsx")["Lines"].max_row == 37


def test_commands_run_in_process_keep_one_log_handler_on_the_current_stderr() -> None:
    """Each in-process command (API users, notebooks, tests) used to add a handler bound to
    the sys.stderr of that moment; once that stream was closed, every later log record
    printed '--- Logging error ---' with a traceback."""
    script = (
        "import logging, sys\n"
        "from typer.testing import CliRunner\n"
        "from optimizer.cli import app\n"
        "for _ in range(2):\n"
        "    CliRunner().invoke(app, ['run', 'no-such-workbook.xlsx'])\n"
        "mine = [h for h in logging.getLogger().handlers\n"
        "        if type(h).__name__ == '_StderrHandler']\n"
        "assert len(mine) == 1, mine\n"
        "logging.getLogger('chainopt').warning('still heard')\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[1],
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert "Logging error" not in out.stderr and "still heard" in out.stderr
