"""Issue 10, item 6: a workbook with the same mistake on many rows gives a report of a few
kilobytes (the first repeats shown, the rest counted), not one line per row; and checking a
bad workbook never pays for the solve path's imports.

Before the cap, 1,000,000 bad rows gave a 517 MB text report with 3,000,000 errors.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from models.validation.issues import REPEATS_SHOWN
from optimizer.errors import ExitCode
from tools.absheron_case import absheron_tables

ROOT = Path(__file__).resolve().parents[1]
CHAINOPT = str(Path(sys.executable).parent / "chainopt")
BAD_ROWS = 20_000


def _cells(row: dict[str, Any], columns: list[str]) -> list[Any]:
    return ["" if row.get(c) is None else row.get(c) for c in columns]


def _workbook_with_bad_market_rows(path: Path, bad: int) -> None:
    """The bundled case, plus ``bad`` Markets rows whose price is the word 'lots'.
    Written with xlsxwriter row by row (the template writer would take minutes)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for sheet, rows in absheron_tables().items():
        sheet_out = book.add_worksheet(sheet)
        columns = list(dict.fromkeys(k for r in rows for k in r))
        sheet_out.write_row(0, 0, columns)
        for i, row in enumerate(rows, start=1):
            sheet_out.write_row(i, 0, _cells(row, columns))
        if sheet == "Markets":
            for j in range(bad):
                row = {**rows[0], "price": "lots"}
                sheet_out.write_row(len(rows) + 1 + j, 0, _cells(row, columns))
    book.close()


@pytest.fixture(scope="module")
def bad_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("caps") / "many-bad-rows.xlsx"
    _workbook_with_bad_market_rows(path, BAD_ROWS)
    return path


def _validate(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHAINOPT, "validate", str(path), *extra], capture_output=True,
                          text=True, timeout=600, check=False)


@pytest.mark.slow
def test_repeated_mistakes_are_counted_not_listed(bad_workbook: Path) -> None:
    out = _validate(bad_workbook)
    assert out.returncode == ExitCode.INVALID_INPUT, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    # Every bad row is counted, the first few are located, the rest summed up in one line.
    assert f"{BAD_ROWS:,} error(s)" in out.stdout
    assert out.stdout.count("found 'lots'") == REPEATS_SHOWN
    more = BAD_ROWS - REPEATS_SHOWN
    assert f"and {more:,} more like this in column C (price)" in out.stdout
    assert len(out.stdout.encode()) < 20_000


@pytest.mark.slow
def test_the_json_report_counts_the_repeats_for_scripts(bad_workbook: Path) -> None:
    out = _validate(bad_workbook, "--format", "json")
    assert out.returncode == ExitCode.INVALID_INPUT
    issues = json.loads(out.stdout)
    assert len(out.stdout.encode()) < 50_000
    located = [i for i in issues if i.get("value") == "lots"]
    counted = [i for i in issues if i.get("more_like_this")]
    assert len(located) == REPEATS_SHOWN
    assert [(i["sheet"], i["column"], i["more_like_this"]) for i in counted] == [
        ("Markets", "price", BAD_ROWS - REPEATS_SHOWN)]


def test_checking_a_bad_workbook_imports_no_solver(tmp_path: Path) -> None:
    """The exit code of an invalid workbook used to import the solve path (Pyomo, highspy,
    scipy: 4.5 s of a 100,000-bad-row validation) just to name the solver statuses."""
    path = tmp_path / "bad.xlsx"
    _workbook_with_bad_market_rows(path, 3)
    script = (
        "import sys, json\n"
        "from typer.testing import CliRunner\n"
        "from optimizer.cli import app\n"
        f"result = CliRunner().invoke(app, ['validate', {str(path)!r}])\n"
        f"assert result.exit_code == {int(ExitCode.INVALID_INPUT)}, result.output\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert loaded & {"pyomo", "highspy", "scipy", "matplotlib", "pandas"} == set()
