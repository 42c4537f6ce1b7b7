"""Issue 10: absurd numbers, unbounded cases named, non-finite plans, look-alike IDs,
bounded reports and literal chart text. Subprocess tests where the behaviour is the CLI's."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path

import pyomo.environ as pyo
import pytest

from models.chain.checks import check_finite
from optimizer.errors import ExitCode
from optimizer.pipeline import solve_workbook
from optimizer.solve import SolveSettings, SolveStatus, solve_model
from tests.tiny_cases import add_rows, base_case, update_rows
from tests.workbook_edits import at, cell, write_tables

CHAINOPT = str(Path(sys.executable).parent / "chainopt")


def _cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHAINOPT, *args], capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=cwd)


# --- absurd magnitudes ---------------------------------------------------------------------


@pytest.mark.parametrize(("sheet", "match", "column", "value"), [
    ("Markets", {"market": "M"}, "price", 1e308),  # was exit 0 "Optimal", net value inf
    ("Lines", {"line": "L1"}, "capacity", 1e15),  # was exit 1 "internal error"
    ("Sources", {"source": "SRC_F"}, "price", 1e300),
])
def test_absurd_magnitudes_are_located_errors_not_optimal_plans(
        tmp_path: Path, sheet: str, match: dict[str, str], column: str, value: float) -> None:
    tables = update_rows(base_case(), sheet, match, **{column: value})
    path = write_tables(tables, tmp_path / "absurd.xlsx")
    out = _cli("run", str(path), "-o", str(tmp_path / "out"), cwd=tmp_path)
    text = out.stdout + out.stderr
    assert out.returncode == ExitCode.INVALID_INPUT, text
    assert f"{sheet}!{cell(sheet, column, 2)}" in text, text
    assert "far beyond any plausible size" in text and "Traceback" not in text
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.xlsx"))


def test_sanity_ranges_are_documented_in_the_guide() -> None:
    guide = (Path(__file__).parents[1] / "docs" / "user-guide.md").read_text()
    assert "Numbers chainopt accepts" in guide and "12,000,000 cells" in guide


def test_a_badly_scaled_model_is_solved_with_a_warning(tmp_path: Path) -> None:
    """Capacity 1e9 t/yr is inside its sanity range but puts 1e9 in the constraint
    matrix (capacity x build), HiGHS's own 'large' territory: the plan is still exact,
    35 USD/t margin x 1e9 t - 1000 fixed = 34,999,999,000, and a warning says why the
    solver may struggle."""
    tables = update_rows(base_case(), "Lines", {"line": "L1"}, capacity=1e9)
    outcome = solve_workbook(write_tables(tables, tmp_path / "scaled.xlsx"))
    assert outcome.status is SolveStatus.OPTIMAL
    assert outcome.objective == pytest.approx(35 * 1e9 - 1000, rel=1e-9)
    warned = [i for i in outcome.issues if "badly scaled" in i.message]
    assert warned and "1e+09" in warned[0].message


def test_a_non_finite_objective_is_never_reported_optimal() -> None:
    """max 1e307 x + y, x <= 10 y, x in [0, 10], y binary: the optimum 1e308 overflows to
    infinity once evaluated; the solve must say so (solver error), not 'optimal'."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var(bounds=(0, 10))
    m.y = pyo.Var(domain=pyo.Binary)
    m.c = pyo.Constraint(expr=m.x <= 10 * m.y)
    m.o = pyo.Objective(expr=1e307 * m.x + m.y, sense=pyo.maximize)
    result = solve_model(m, SolveSettings(time_limit=30))
    assert result.status is SolveStatus.ERROR and result.objective is None
    assert "infinite or undefined" in result.describe()


def test_the_checker_fails_a_non_finite_plan(tmp_path: Path) -> None:
    outcome = solve_workbook(write_tables(base_case(), tmp_path / "ok.xlsx"))
    assert outcome.results is not None and not outcome.check_findings
    assert check_finite(outcome.results, outcome.objective) == []
    sales = outcome.results.sales.copy()
    sales.loc[sales.index[0], "tonnes"] = math.inf
    broken = dataclasses.replace(outcome.results, sales=sales, net_value=math.nan)
    findings = check_finite(broken, math.inf)
    texts = [f.message for f in findings]
    assert any("objective" in t and "inf" in t for t in texts), texts
    assert any(t.startswith("sales row 0 column tonnes") for t in texts), texts
    assert any("net value" in t and "nan" in t for t in texts), texts


# --- unbounded: which offer or market ------------------------------------------------------


def test_unbounded_names_the_offer_and_market(tmp_path: Path) -> None:
    """Market M also buys the feedstock F at 50/t; the offer SRC_F sells it at 10/t
    without limit, and a lane S-M-F carries it at 5/t: each tonne earns 35 with no limit
    anywhere, so net value is unbounded. Exit 31 must name the offer and the market."""
    tables = add_rows(base_case(), "Markets", {"market": "M", "material": "F", "price": 50})
    add_rows(tables, "Lanes", {"lane": "S-M-F", "origin": "S", "destination": "M",
                               "material": "F", "cost": 5})
    path = write_tables(tables, tmp_path / "unbounded.xlsx")
    out = _cli("run", str(path), "-o", str(tmp_path / "out"), cwd=tmp_path)
    text = out.stdout + out.stderr
    assert out.returncode == ExitCode.UNBOUNDED, text
    assert "offer SRC_F" in text and "market M" in text, text


def test_every_unit_range_in_the_schema_is_in_the_guide() -> None:
    from models.chain.schema import DEFAULT_MAGNITUDE, MAGNITUDE_BY_UNIT
    guide = (Path(__file__).parents[1] / "docs" / "user-guide.md").read_text()
    for unit, largest in MAGNITUDE_BY_UNIT.items():
        if unit in ("fraction", "deg"):
            continue  # bounded by their own ranges (0..1, -180..360)
        assert f"| {unit}" in guide and f"{largest:.0e}".replace("+0", "").replace("+", "") \
            in guide, unit
    assert f"{DEFAULT_MAGNITUDE:.0e}".replace("+", "") in guide


# --- look-alike IDs --------------------------------------------------------------------------


def test_an_nfd_look_alike_id_gets_an_honest_hint(tmp_path: Path) -> None:
    """The site is 'Göy_site' with 'ö' as one character (NFC); a line names it with 'o'
    plus a combining diaeresis (NFD). They look the same, so 'did you mean Göy_site' named
    the same-looking text; now the hint says what differs and what to do."""
    import unicodedata
    nfc = unicodedata.normalize("NFC", "Göy_site")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    tables = base_case()
    tables["Sites"] = [{"site": "S"}, {"site": nfc}]
    add_rows(tables, "Lines", {"line": "L2", "site": nfd, "technology": "T",
                               "capacity": 10, "cost_fixed": 1})
    issues = solve_workbook(write_tables(tables, tmp_path / "nfd.xlsx")).issues
    (issue,) = at(issues, "Lines", cell("Lines", "site", 3))
    assert "different Unicode characters" in issue.hint and "Did you mean" not in issue.hint


# --- literal, bounded text in charts and pictures -------------------------------------------


def _chart_xml(path: Path) -> list[str]:
    import zipfile
    with zipfile.ZipFile(path) as archive:
        return [archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.startswith("xl/charts/chart")]


def test_chart_titles_axis_and_series_names_stay_literal(tmp_path: Path) -> None:
    """A currency shaped like a DDE reference and a period shaped like a cell reference:
    xlsxwriter parses any 'Sheet!A1' title as a reference (the PDF then showed 'Chart
    Title'). Every chart title and axis name must be literal text (c:rich), and no chart
    formula may name anything but the workbook's own Summary sheet."""
    import re

    from tests.tiny_cases import set_periods, set_setting
    tables = set_setting(base_case(), "currency", "cmd|' /C calc'!A0")
    tables = set_periods(tables, ("2030!A1", 1))
    for sheet in ("Sources", "Markets"):
        for row in tables[sheet]:
            row.pop("period", None)
    path = write_tables(tables, tmp_path / "refs.xlsx")
    out = _cli("run", str(path), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert out.returncode == ExitCode.OK, out.stdout + out.stderr
    (result,) = (tmp_path / "out").glob("*.xlsx")
    charts = _chart_xml(result)
    assert charts
    formulas = [f for xml in charts for f in re.findall(r"<c:f>([^<]*)</c:f>", xml)]
    assert formulas and all(f.startswith("Summary!") for f in formulas), formulas
    texts = "".join(re.findall(r"<a:t>([^<]*)</a:t>", "".join(charts))).replace("\u2060", "")
    assert "cmd|' /C calc'!A0" in texts and "2030!A1" in texts, texts


def test_long_names_are_shortened_in_pictures_and_charts_full_in_tables(tmp_path: Path) -> None:
    """A 32,767-character line name made a 263,289-pixel-wide map PNG and a results file
    LibreOffice needed 223 s to open. Pictures and chart labels now carry at most 40
    characters with an ellipsis; the Lines table keeps the whole name."""
    import struct
    import zipfile

    import openpyxl
    long_name = "L" * 32_767
    tables = update_rows(base_case(), "Lines", {"line": "L1"}, line=long_name)
    path = write_tables(tables, tmp_path / "long.xlsx")
    out = _cli("run", str(path), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert out.returncode == ExitCode.OK, out.stdout + out.stderr
    (result,) = (tmp_path / "out").glob("*.xlsx")
    for png in (tmp_path / "out").glob("*.png"):
        width, height = struct.unpack(">II", png.read_bytes()[16:24])
        assert width < 4000 and height < 4000, (png.name, width, height)
    with zipfile.ZipFile(result) as archive:
        strings = archive.read("xl/sharedStrings.xml").decode()
    assert "L" * 39 + "…" in strings
    book = openpyxl.load_workbook(result, read_only=True)
    lines_sheet = next(s for s in book.sheetnames if s.startswith("Lines"))
    assert any(v == long_name for row in book[lines_sheet].iter_rows(values_only=True)
               for v in row)


# --- the time limit covers the whole run ---------------------------------------------------


def test_the_solver_gets_most_of_the_limit_and_explanations_what_is_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--time-limit 20: the solve gets 80 % of what is left after reading and building,
    less a reserve for checking and explaining the plan (POST_SOLVE_FACTOR times what
    reading, validating and building took); the watchdog's grace comes out of that share,
    so the solve phase ends within it even when HiGHS does not look at the clock. The
    explanations get what is left after the solve (never past the deadline)."""
    import time

    import optimizer.explain
    import optimizer.solve
    seen: dict[str, float] = {}
    real_solve, real_explain = optimizer.solve.solve_model, optimizer.explain.explain_plan

    def solve(model, settings, progress=None, **kwargs):  # type: ignore[no-untyped-def]
        seen["solver_limit"], seen["grace"] = settings.time_limit, settings.grace
        seen["solve_start"] = time.monotonic()
        return real_solve(model, settings, progress, **kwargs)

    def explain(*args, time_budget=None, **kwargs):  # type: ignore[no-untyped-def]
        seen["budget"], seen["explain_start"] = time_budget, time.monotonic()
        return real_explain(*args, time_budget=time_budget, **kwargs)

    # the pipeline imports both where it uses them, so patching the modules reaches it
    monkeypatch.setattr(optimizer.solve, "solve_model", solve)
    monkeypatch.setattr(optimizer.explain, "explain_plan", explain)
    path = write_tables(base_case(), tmp_path / "t.xlsx")
    started = time.monotonic()
    outcome = solve_workbook(path, {"time_limit": 20})
    assert outcome.status is SolveStatus.OPTIMAL and outcome.deadline is not None
    assert outcome.deadline == pytest.approx(started + 20, abs=1.0)
    left_at_solve = outcome.deadline - seen["solve_start"]
    import optimizer.pipeline as pipeline
    reserve = pipeline.POST_SOLVE_FACTOR * (sum(
        outcome.timings[p] for p in ("read", "validate", "build")) - outcome.import_seconds)
    budget = max(0.8 * (left_at_solve - reserve), 0.25 * 20)
    assert seen["grace"] == pytest.approx(pipeline.watchdog_grace(budget), abs=0.05)
    assert seen["solver_limit"] + seen["grace"] == pytest.approx(budget, abs=0.3)
    left_at_explain = outcome.deadline - seen["explain_start"]
    assert seen["budget"] == pytest.approx(left_at_explain, abs=0.5)
    # (the old rule gave max(5, 3 x solve seconds), capped at 60, whatever was left)


def test_the_writers_imports_wait_for_the_hand_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's modules are imported in a thread while HiGHS runs, not while the model
    is handed to it: during the hand-off (seconds at national scale, all Python) they
    would compete for the GIL and slow it down by as long as they take."""
    import optimizer.pipeline as pipeline
    import optimizer.solve
    events: list[str] = []
    real_init = optimizer.solve._Session.__init__

    def init(self, model):  # type: ignore[no-untyped-def]
        real_init(self, model)
        events.append("hand-off done")

    monkeypatch.setattr(optimizer.solve._Session, "__init__", init)
    monkeypatch.setattr(pipeline, "_prefetch_report_imports",
                        lambda _nonzeros: events.append("prefetch"))
    outcome = solve_workbook(write_tables(base_case(), tmp_path / "t.xlsx"))
    assert outcome.status is SolveStatus.OPTIMAL
    assert events[:2] == ["hand-off done", "prefetch"]


def test_the_solve_leaves_a_reserve_for_the_phases_after_it() -> None:
    """10 s left: without a reserve the solve would get 8 s; with 4 s kept for checking
    and explaining, 0.8 x 6 = 4.8 s. The floor (a quarter of the limit) still holds when
    the reserve eats everything; the grace is 5 % of the share within 1-5 s."""
    from optimizer.pipeline import solver_time_limit, watchdog_grace
    assert solver_time_limit(10.0, 10.0) == pytest.approx(8.0)
    assert solver_time_limit(10.0, 10.0, reserve=4.0) == pytest.approx(4.8)
    assert solver_time_limit(3.0, 10.0, reserve=4.0) == pytest.approx(2.5)
    assert watchdog_grace(4.8) == 1.0
    assert watchdog_grace(40.0) == pytest.approx(2.0)
    assert watchdog_grace(1000.0) == 5.0


def test_explanations_cut_short_by_the_limit_say_so_in_the_workbook(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's time is used up when the solve ends (simulated: no second is ever left,
    so the solver gets its floor of a quarter of the 10 s limit and the explanations
    nothing): the plan is still optimal and written, the Issues sheet says the
    explanations were cut short, and so does the line's own sentence."""
    import datetime as dt

    import openpyxl

    import optimizer.pipeline as pipeline
    from optimizer.excel.write import write_results
    monkeypatch.setattr(pipeline.RunOutcome, "seconds_left", lambda self: 0.0)
    outcome = solve_workbook(write_tables(base_case(), tmp_path / "t.xlsx"),
                             {"time_limit": 10})
    assert outcome.status is SolveStatus.OPTIMAL and outcome.objective == pytest.approx(2500)
    assert outcome.results is not None
    assert any(n.startswith("entry_skipped") for n in outcome.results.explain_notes)
    written = write_results(tmp_path / "out" / "r.xlsx", outcome,
                            dt.datetime.now().astimezone())
    book = openpyxl.load_workbook(written, read_only=True)
    texts = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    assert any("cut short by the time limit" in t for t in texts)
    # Run info does not count the line among those stating a bound ("at most"): it says
    # "not analysed"
    info = {r[0]: r[1] for r in book["Run info"].iter_rows(values_only=True) if r}
    assert "not analysed" in str(info["Explanations"])
    assert "state a bound" not in str(info["Explanations"]), info["Explanations"]
    # and the line itself says so on the Lines sheet (it used to be left blank)
    l1 = next(row for row in book["Lines"].iter_rows(values_only=True) if row[0] == "L1")
    assert any(str(v).startswith("Not analysed: the time for explanations ran out")
               for v in l1 if v is not None), l1


# --- signals through `chainopt run` ----------------------------------------------------------


def test_sigterm_during_run_stops_the_solver_and_writes_nothing(tmp_path: Path) -> None:
    """`chainopt run` on a case whose solve takes minutes, SIGTERM once the solver's
    folder exists: exit 143 with one line, the solver process and its folder gone, no
    results file and no temporary file. Before: killed with no line and the folder left."""
    import os
    import signal
    import tempfile
    import time

    from optimizer.excel.template import write_input_workbook
    from tools.synthetic import synthetic_tables
    book = write_input_workbook(tmp_path / "big.xlsx", synthetic_tables(lines=1000, sites=20))
    out_dir = tmp_path / "out"
    proc = subprocess.Popen([CHAINOPT, "run", str(book), "-o", str(out_dir), "--time-limit",
                             "300", "--gap", "0", "--quiet"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def ours() -> list[Path]:
        found = []
        for p in Path(tempfile.gettempdir()).glob("chainopt-highs-*"):
            try:
                if (p / "owner").read_text() == str(proc.pid):
                    found.append(p)
            except OSError:
                continue
        return found

    deadline = time.time() + 240
    while not ours():
        assert proc.poll() is None and time.time() < deadline, proc.communicate()
        time.sleep(0.2)
    time.sleep(2.0)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == ExitCode.STOPPED_TERM, stdout + stderr
    assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr
    assert not ours()
    assert not out_dir.exists() or not [p for p in out_dir.iterdir()]
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True,
                              check=False)
    assert children.stdout.strip() == ""
    assert os.path.exists(book)
