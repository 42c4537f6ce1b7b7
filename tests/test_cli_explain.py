"""The new commands as a user runs them: chainopt diagnose, alternatives, tradeoff, and
the diagnosis `run` writes on exit 30. Tiny cases (tests/tiny_cases.py): L1 makes at
most 100 t of X, so a contracted minimum of 150 t at M cannot be met; the diagnosis must
lower Markets row 2's sales_min to 100.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from optimizer.errors import ExitCode
from tests.tiny_cases import add_line, base_case, update_rows
from tests.workbook_edits import write_tables

pytestmark = pytest.mark.solver

CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def chainopt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHAINOPT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


def _infeasible(tmp_path: Path) -> Path:
    t = update_rows(base_case(), "Markets", {"market": "M"}, sales_min=150)
    return write_tables(t, tmp_path / "short.xlsx")


def test_diagnose_json_names_the_cell(tmp_path: Path) -> None:
    out = chainopt("diagnose", str(_infeasible(tmp_path)), "--format", "json", cwd=tmp_path)
    assert out.returncode == ExitCode.INFEASIBLE, out.stderr
    report = json.loads(out.stdout)
    assert report["status"] == "infeasible"
    (fix,) = report["relaxations"]
    assert (fix["sheet"], fix["row"], fix["column"]) == ("Markets", 2, "sales_min")
    assert fix["found"] == 150 and fix["suggested"] == 100
    ok = chainopt("diagnose", str(write_tables(base_case(), tmp_path / "ok.xlsx")),
                  cwd=tmp_path)
    assert ok.returncode == ExitCode.OK and "nothing to relax" in ok.stdout


def test_run_writes_the_diagnosis_on_exit_30(tmp_path: Path) -> None:
    out = chainopt("run", str(_infeasible(tmp_path)), "-o", str(tmp_path / "out"), "--quiet",
                   cwd=tmp_path)
    assert out.returncode == ExitCode.INFEASIBLE
    assert "Markets row 2" in out.stderr and "lower it by 50 t to 100" in out.stderr
    (book,) = (tmp_path / "out").glob("*-diagnosis.xlsx")
    (data,) = (tmp_path / "out").glob("*-diagnosis.json")
    assert json.loads(data.read_text())["relaxations"][0]["suggested"] == 100
    sheet = openpyxl.load_workbook(book, read_only=True)["Diagnosis"]
    assert any("Markets row 2" in str(c) for row in sheet.iter_rows(values_only=True)
               for c in row)


def test_diagnose_names_an_excluded_line_that_would_do(tmp_path: Path) -> None:
    """As above, with L2 (capacity 100) excluded: lowering the minimum to 100 or allowing
    L2 (Lines row 3, status -> candidate) each make a plan possible; run writes both to
    the terminal, the Diagnosis sheet and the JSON."""
    t = add_line(update_rows(base_case(), "Markets", {"market": "M"}, sales_min=150), "L2",
                 status="excluded")
    path = write_tables(t, tmp_path / "excluded.xlsx")
    out = chainopt("diagnose", str(path), "--format", "json", cwd=tmp_path)
    assert out.returncode == ExitCode.INFEASIBLE, out.stderr
    report = json.loads(out.stdout)
    assert report["alternatives"] == [{"sheet": "Lines", "row": 3, "column": "status",
                                       "found": "excluded", "suggested": "candidate",
                                       "line": "L2", "option": 1}]
    assert report["conflict"][0]["row"] == 2
    run = chainopt("run", str(path), "-o", str(tmp_path / "out"), "--quiet", cwd=tmp_path)
    assert run.returncode == ExitCode.INFEASIBLE
    assert "lower it by 50 t to 100, or allow line L2 (Lines row 3" in run.stderr
    (book,) = (tmp_path / "out").glob("*-diagnosis.xlsx")
    cells = [str(c) for row in openpyxl.load_workbook(book, read_only=True)["Diagnosis"]
             .iter_rows(values_only=True) for c in row if c is not None]
    assert "candidate" in cells and any("allow line L2" in c for c in cells)


@pytest.mark.slow
def test_alternatives_and_tradeoff_commands(tmp_path: Path) -> None:
    """L1 (fixed 1000) and L2 (fixed 1200), market for 100 t: the best plan builds L1
    (2500); the only other build set within 10 % is L2 alone (2300)."""
    t = update_rows(add_line(base_case(), "L2", cost_fixed=1200, jobs=30), "Markets",
                    {"market": "M"}, sales_max=100)
    path = write_tables(t, tmp_path / "two.xlsx")
    out = chainopt("alternatives", str(path), "-n", "3", "--within", "10%", "--format",
                   "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["best"]["net_value"] == pytest.approx(2500)
    assert [(p["net_value"], p["added"], p["dropped"]) for p in report["alternatives"]] == [
        (pytest.approx(2300), ["L2"], ["L1"])]
    out = chainopt("tradeoff", str(path), "--between", "net_value", "jobs", "-k", "2",
                   "-o", str(tmp_path / "t"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "jobs 0: net value 2,500" in out.stdout and "jobs 30: net value 2,300" in out.stdout
    assert list((tmp_path / "t").glob("*-tradeoff-jobs.xlsx"))


def test_diagnosis_covers_supply_groups(tmp_path: Path) -> None:
    """SRC_F is in supply group G, which must buy at least 150 t; L1 can use only 100 t
    and F has no other outlet: the diagnosis lowers SupplyGroups row 2 to 100."""
    from optimizer.diagnose import diagnose
    from optimizer.pipeline import validate_workbook
    from tests.tiny_cases import add_rows

    t = update_rows(base_case(), "Sources", {"source": "SRC_F"}, supply_group="G")
    add_rows(t, "SupplyGroups", {"group": "G", "purchases_min": 150})
    data = validate_workbook(write_tables(t, tmp_path / "group.xlsx")).data
    assert data is not None
    (fix,) = diagnose(data).relaxations
    assert (fix.sheet, fix.row, fix.column, fix.found, fix.suggested) == (
        "SupplyGroups", 2, "purchases_min", 150, 100)
