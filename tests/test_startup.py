"""Start-up stays lean: each command imports only what it uses.

Measured on the 2-core machine (docs/performance.md): Pyomo's import hooks would pull in
scipy.stats/integrate/spatial (1.5-2.5 s) and pyplot (0.5 s) on every solve, and
pyomo.environ costs 0.8 s more than pyomo.core. These tests fail when such an import comes
back (a new import, or a Pyomo release that renames the hooks optimizer/lean_imports.py and
optimizer/solve.py rely on). They check what is imported, never how long it takes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl.utils
import pytest

from models.validation.a1 import column_letter, column_number

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pyomo", "pandas", "highspy", "scipy", "matplotlib", "openpyxl")


def _modules_after(code: str) -> set[str]:
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=300)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def _top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_imports_no_solver_or_table_library() -> None:
    loaded = _modules_after(
        "from typer.testing import CliRunner\n"
        "from optimizer.cli import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0")
    assert _top_level(loaded) & set(HEAVY) == set()


def test_validate_reads_and_checks_without_the_solve_path() -> None:
    loaded = _modules_after(
        "from pathlib import Path\n"
        "from optimizer.pipeline import validate_workbook\n"
        "assert validate_workbook(Path('input_templates/absheron.xlsx')).data is not None")
    assert _top_level(loaded) & set(HEAVY) == set()


@pytest.mark.solver
@pytest.mark.slow
def test_a_full_run_imports_no_module_it_does_not_use(tmp_path: Path) -> None:
    loaded = _modules_after(
        "from pathlib import Path\n"
        "from optimizer.pipeline import solve_workbook\n"
        "from optimizer.excel.write import write_results\n"
        "out = solve_workbook(Path('input_templates/absheron.xlsx'))\n"
        "import datetime as dt\n"
        f"write_results(Path({str(tmp_path)!r}) / 'r.xlsx', out, dt.datetime.now())\n"
        "assert out.objective and out.objective > 1e7")
    assert "scipy.sparse" in loaded and "matplotlib.figure" in loaded  # really ran
    unused = {"scipy.stats", "scipy.integrate", "scipy.spatial", "pyomo.environ",
              "matplotlib.pyplot", "openpyxl"}
    assert loaded & unused == set()


def test_column_letters_agree_with_openpyxl() -> None:
    for n in (*range(1, 800), 16383, 16384):
        letters = openpyxl.utils.get_column_letter(n)
        assert column_letter(n) == letters
        assert column_number(letters) == n
    with pytest.raises(ValueError):
        column_number("A1")
    with pytest.raises(ValueError):
        column_letter(0)


def test_the_writer_is_imported_while_the_solver_runs() -> None:
    """solve_workbook starts importing the writer (matplotlib, xlsxwriter) and the shared
    limits (scipy's graph modules) in a thread when the solve begins, so that those
    phases do not wait for the imports."""
    loaded = _modules_after(
        "import threading\n"
        "from optimizer.pipeline import _prefetch_report_imports\n"
        "_prefetch_report_imports(5_000)\n"
        "[t.join() for t in threading.enumerate() if t.name == 'chainopt-prefetch']")
    assert {"optimizer.excel.write", "matplotlib.figure", "xlsxwriter",
            "optimizer.shared_limits", "scipy.sparse.csgraph"} <= loaded
    assert "matplotlib.pyplot" not in loaded


def test_a_large_model_leaves_the_writer_until_it_is_used() -> None:
    """Beyond PREFETCH_MAX_NONZEROS the import's second is nothing beside the solve, and
    its memory would add to the run's peak (the run's process beside HiGHS's)."""
    loaded = _modules_after(
        "import threading\n"
        "from optimizer.pipeline import PREFETCH_MAX_NONZEROS, _prefetch_report_imports\n"
        "_prefetch_report_imports(PREFETCH_MAX_NONZEROS + 1)\n"
        "[t.join() for t in threading.enumerate() if t.name == 'chainopt-prefetch']")
    assert not {"optimizer.excel.write", "matplotlib.figure", "xlsxwriter",
                "optimizer.shared_limits"} & loaded


def test_a_run_keeps_its_model_and_modules_out_of_the_collectors_sight(tmp_path: Path) -> None:
    """`chainopt run` freezes (gc.freeze) once the model is built: the full collections
    after that no longer walk the model and the modules, which the run keeps to its end
    (0.3 s of collections on the bundled case, half of it). Only when the process ends
    with the run (the chainopt script): main() called in a caller's process, the API and
    the nightly run, which run many workbooks in one process, leave the collector alone,
    or every model they built would stay."""
    script = (
        "import gc, json\n"
        "import optimizer.pipeline as pipeline\n"
        "from typer.testing import CliRunner\n"
        "from optimizer.cli import app\n"
        "kept = {}\n"
        "solve = pipeline.solve_workbook\n"
        "def keep(*args, **kwargs):\n"
        "    kept['outcome'] = out = solve(*args, **kwargs)\n"
        "    return out\n"
        "pipeline.solve_workbook = keep\n"
        f"result = CliRunner().invoke(app, ['run', '-q', '-o', {str(tmp_path)!r}])\n"
        "in_process = gc.get_freeze_count()  # main() in a caller's process: no freeze\n"
        "from optimizer.commands._app import state\n"
        "state['process_ends'] = True  # as cli.console_main sets it\n"
        f"result = CliRunner().invoke(app, ['run', '-q', '-o', {str(tmp_path)!r}])\n"
        "model = kept['outcome'].model\n"
        "seen = {id(o) for o in gc.get_objects()}\n"
        "print(json.dumps({'exit': result.exit_code, 'frozen': gc.get_freeze_count(),\n"
        "                  'in_process': in_process,\n"
        "                  'model_seen': id(model) in seen,\n"
        "                  'var_seen': id(model.flow) in seen}))\n"
        "from optimizer import api\n"
        "from optimizer.paths import bundled_case\n"
        "gc.unfreeze()\n"
        "assert api.solve(api.load(bundled_case())).net_value > 1e7\n"
        "print(json.dumps({'frozen_after_api': gc.get_freeze_count()}))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [json.loads(x) for x in out.stdout.strip().splitlines() if x.startswith("{")]
    run, api = lines[-2], lines[-1]
    assert run["exit"] == 0 and list(tmp_path.glob("*.xlsx"))
    assert run["in_process"] == 0 and run["frozen"] > 100_000
    assert not run["model_seen"] and not run["var_seen"]
    assert api["frozen_after_api"] == 0
