"""Scenarios, sweeps and the runners: overrides apply exactly as stated (inheritance,
filters), every override error is located at its row, a sweep finds a switching price
derived by hand, pool / serial / Dask give identical plans, a failing scenario never stops
the others, and Ctrl-C keeps what finished."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from models.validation.issues import IssueList
from optimizer import api
from optimizer.excel.read import read_workbook
from optimizer.excel.template import write_input_workbook
from optimizer.scenarios.compare import write_comparison
from optimizer.scenarios.overrides import load_scenario
from optimizer.scenarios.spec import Override, parse_sweep_text
from tests.tiny_cases import Tables, add_line, add_rows, base_case, update_rows

ROOT = Path(__file__).resolve().parent.parent


def case_with(tmp_path: Path, *scenarios: dict[str, Any], tables: Tables | None = None,
              name: str = "case") -> Path:
    tables = tables or base_case()
    add_rows(tables, "Scenarios", *scenarios)
    return write_input_workbook(tmp_path / f"{name}.xlsx", tables)


def two_lines() -> Tables:
    """L1 (capacity 100) and L2 (capacity 80, fixed 500); two markets for X."""
    tables = base_case()
    add_line(tables, "L2", capacity=80, cost_fixed=500)
    add_rows(tables, "Locations", {"location": "M2"})
    add_rows(tables, "Markets", {"market": "M2", "material": "X", "price": 40,
                                 "sales_max": 30})
    add_rows(tables, "Lanes", {"lane": "S-M2", "origin": "S", "destination": "M2",
                               "cost": 5})
    return tables


def scenario_data(path: Path, name: str) -> Any:
    case = api.load(path)
    issues = IssueList(path.name)
    data = load_scenario(case.raw, case.what_if.chain(name), name, issues)
    assert data is not None, issues.report()
    return data


# --- overrides apply exactly as stated ------------------------------------------------------


def test_set_multiply_add_filters_and_inheritance(tmp_path: Path) -> None:
    path = case_with(
        tmp_path,
        {"scenario": "low", "sheet": "Lines", "row": "*", "column": "capacity",
         "change": "multiply", "value": 0.5},
        {"scenario": "low", "sheet": "Markets", "row": "market=M2", "column": "price",
         "change": "add", "value": -4},
        {"scenario": "lower", "parent": "low", "sheet": "Lines", "row": "L2",
         "column": "capacity", "change": "set", "value": 10},
        {"scenario": "lower", "sheet": "Markets", "row": "market=M2; material=X",
         "column": "sales_max", "change": "multiply", "value": 2},
        {"scenario": "lower", "sheet": "Markets", "row": "market=M", "column": "sales_max",
         "change": "multiply", "value": 3},  # blank (unlimited) stays blank
        {"scenario": "lower", "sheet": "Settings", "row": "mip_gap", "change": "set",
         "value": 0.01},
        tables=two_lines())
    low = scenario_data(path, "low")
    assert low.capacity == {"L1": 50.0, "L2": 40.0}
    assert low.price[("M2", "X", "P1")] == 36.0
    assert low.price[("M", "X", "P1")] == 50.0  # not selected by the filter
    lower = scenario_data(path, "lower")  # the parent's changes first, then its own
    assert lower.capacity == {"L1": 50.0, "L2": 10.0}
    assert lower.price[("M2", "X", "P1")] == 36.0
    assert lower.sales_max[("M2", "X", "P1")] == 60.0
    assert lower.sales_max[("M", "X", "P1")] is None
    assert lower.mip_gap == 0.01
    base = api.load(path).data
    assert base.capacity == {"L1": 100.0, "L2": 80.0}  # the base case is untouched


def test_override_errors_are_located_at_their_row(tmp_path: Path) -> None:
    path = case_with(
        tmp_path,
        {"scenario": "a", "sheet": "Lines", "row": "L9", "column": "capacity", "value": 1},
        {"scenario": "b", "sheet": "Lines", "row": "*", "column": "capacty",
         "change": "multiply", "value": 2},
        {"scenario": "c", "sheet": "Markets", "row": "material=Y", "column": "price",
         "change": "multiply", "value": 2},
        {"scenario": "d", "sheet": "Markets", "row": "colour=red", "column": "price",
         "change": "multiply", "value": 2},
        {"scenario": "e", "sheet": "Lines", "row": "*", "column": "capacity",
         "change": "multiply", "value": "half"},
        {"scenario": "f", "sheet": "Lines", "row": "L1", "column": "capacity",
         "change": "set", "value": -5},
        {"scenario": "g", "parent": "nobody", "sheet": "Lines", "row": "L1",
         "column": "capacity", "value": 5},
        {"scenario": "h", "parent": "i"}, {"scenario": "i", "parent": "h"},
        {"scenario": "j", "sheet": "Lnes", "row": "L1", "column": "capacity", "value": 5},
        {"scenario": "k", "sheet": "Sources", "row": "SRC_F", "column": "offtake_min",
         "value": 5, "change": "set"},
        {"scenario": "k", "sheet": "Sources", "row": "SRC_F", "column": "availability",
         "value": 1, "change": "set"})
    with pytest.raises(api.CaseError) as raised:
        api.load(path)
    errors = {(i.row, i.column): i for i in raised.value.issues.errors}
    assert all(i.sheet == "Scenarios" for i in errors.values()), raised.value.report()
    expect = {
        (2, "row"): "No row of Lines has line L9",
        (3, "column"): "Lines has no column capacty",
        (4, "row"): "No row of Markets matches material=Y",
        (5, "row"): "names no column of Markets",
        (6, "value"): "needs a number",
        (7, "value"): "Lines!D2 (capacity): Negative values are not allowed",
        (8, "parent"): "unknown scenario",
        (11, "sheet"): "",  # an unknown sheet name, reported by the cell check
    }
    for where, text in expect.items():
        assert where in errors, (where, raised.value.report())
        assert text in errors[where].message, errors[where].format()
    assert errors[(3, "column")].hint == "Did you mean 'capacity'?"
    assert errors[(3, "column")].cell == "E3"
    cycle = [i for i in raised.value.issues.errors if "circle" in i.message]
    assert cycle and cycle[0].row in (9, 10)
    consequence = [i for i in raised.value.issues.errors if "offtake_min" in i.message]
    assert consequence and consequence[0].row in (12, 13), raised.value.report()


def test_sweep_text() -> None:
    axis = parse_sweep_text("Markets[material=P_WOVEN].price*0.80:1.20:0.05")
    assert (axis.sheet, axis.row, axis.column, axis.change) == \
        ("Markets", "material=P_WOVEN", "price", "multiply")
    assert axis.values[0] == 0.8 and axis.values[-1] == 1.2 and len(axis.values) == 9
    assert axis.tolerance == pytest.approx(0.0025)
    listed = parse_sweep_text("lines[C06].capacity=3000,2000,1000")
    assert listed.sheet == "Lines" and listed.change == "set"
    assert listed.values == (1000.0, 2000.0, 3000.0)
    for bad in ("Markets.price*1:0:0.1", "Nowhere[x].y*1:2:1", "Markets price"):
        with pytest.raises(ValueError):
            parse_sweep_text(bad)


# --- solving --------------------------------------------------------------------------------


@pytest.mark.solver
def test_sweep_finds_the_switching_price_derived_by_hand(tmp_path: Path) -> None:
    """L1 earns (p - 10 - 5) per tonne on 100 t against a fixed cost of 1230: it is built
    exactly when p > 15 + 12.3 = 27.3. A sweep of the price over 20..40 (step 5) brackets
    the switch between 25 and 30; bisection to a tolerance of 0.1 puts it within 0.05 of
    27.3."""
    tables = base_case()
    update_rows(tables, "Lines", {"line": "L1"}, cost_fixed=1230)
    case = api.load(write_input_workbook(tmp_path / "switch.xlsx", tables))
    kpis = api.sweep(case, "Markets[material=X].price", [20, 25, 30, 35, 40], change="set",
                     tolerance=0.1, workers=1)
    assert list(kpis["lines_built"]) == [0, 0, 1, 1, 1], kpis.to_dict("records")
    assert kpis["net_value_USD"].iloc[-1] == pytest.approx(100 * 25 - 1230)
    (switch,) = kpis.attrs["switching_points"].itertuples(index=False)
    assert abs(switch.switch_at - 27.3) <= 0.05
    assert switch.lower < 27.3 < switch.upper and switch.upper - switch.lower <= 0.1
    assert switch.enter_above == "L1"
    assert switch.sentence.startswith(
        "Line L1 leaves the plan when Markets[material=X].price falls below 27.3 (± 0.05)")
    # the same as a multiplier of the base price 50: the switch at 27.3 / 50 = 0.546
    by_factor = api.sweep(case, "Markets[material=X].price*0.4:0.8:0.1", tolerance=0.002,
                          workers=1)
    (switch,) = by_factor.attrs["switching_points"].itertuples(index=False)
    assert abs(switch.switch_at - 0.546) <= 0.001
    assert switch.cell_value_at_switch == pytest.approx(50 * switch.switch_at)


def _solve_case(tmp_path: Path) -> api.Case:
    tables = two_lines()
    return api.load(case_with(
        tmp_path,
        {"scenario": "cheap", "sheet": "Markets", "row": "*", "column": "price",
         "change": "multiply", "value": 0.6},
        {"scenario": "small", "sheet": "Lines", "row": "L1", "column": "capacity",
         "value": 40},
        {"scenario": "stuck", "sheet": "Markets", "row": "market=M", "column": "sales_min",
         "value": 1000},  # more than both lines can make: no plan
        tables=tables))


def _summary(plans: dict[str, api.Plan]) -> dict[str, Any]:
    return {n: (p.status, None if p.net_value is None else round(p.net_value, 6),
                sorted(p.built), p.sales.round(6).to_dict("records")) for n, p in plans.items()}


@pytest.mark.solver
def test_a_failing_scenario_does_not_stop_the_others(tmp_path: Path) -> None:
    """Base: both lines run and every tonne goes to M (50 - 10 - 5 = 35/t; M2 pays less):
    180 * 35 - 1000 - 500 = 4800. 'stuck' must sell 1000 t at M, more than the lines can
    make: infeasible, with its reason, and the other scenarios are solved."""
    plans = api.run_scenarios(_solve_case(tmp_path), workers=1)
    assert list(plans) == ["base", "cheap", "small", "stuck"]
    assert plans["stuck"].status == "infeasible" and not plans["stuck"].ok
    assert plans["stuck"].reason
    assert all(plans[n].ok for n in ("base", "cheap", "small"))
    assert plans["base"].net_value == pytest.approx(180 * 35 - 1500)
    # small: L1 at 40 t: 120 * 35 - 1500 = 2700
    assert plans["small"].net_value == pytest.approx(120 * 35 - 1500)
    table = api.no_regret(plans).set_index("line")
    # L1 and L2 are built wherever there is a plan ('stuck' has none and does not count)
    assert table.loc["L1", "built_in"] == "all" and table.loc["L2", "built_in"] == "all"
    # the comparison in Russian: sheet names and the yes/no words of the results workbook
    written = write_comparison(tmp_path / "ru.xlsx", {n: p.result for n, p in plans.items()},
                               "tiny", "USD", lang="ru")
    book = openpyxl.load_workbook(written)
    assert book.sheetnames == ["Сводка", "Матрица строительства", "Различия", "Диаграммы",
                               "Overrides"]
    assert book["Матрица строительства"]["C3"].value == "да"


@pytest.mark.solver
@pytest.mark.slow
def test_pool_and_serial_give_identical_plans(tmp_path: Path) -> None:
    case = _solve_case(tmp_path)
    serial = api.run_scenarios(case, workers=1)
    pooled = api.run_scenarios(case, workers=2)
    assert _summary(serial) == _summary(pooled)
    assert len({p.result.worker for p in pooled.values()} - {os.getpid()}) >= 1


@pytest.mark.solver
@pytest.mark.slow
def test_dask_local_cluster_gives_identical_plans(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    case = _solve_case(tmp_path)
    serial = api.run_scenarios(case, workers=1)
    on_dask = api.run_scenarios(case, workers=2, dask=True)
    assert _summary(serial) == _summary(on_dask)


# --- the command line -----------------------------------------------------------------------


def _chainopt(*args: str) -> list[str]:
    return [sys.executable, "-m", "optimizer", *args]


class _Stop(Exception):
    pass


@pytest.mark.parametrize("command", ["scenarios", "sweep"])
def test_dask_options_reach_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    command: str) -> None:
    """--dask is a plain flag (a local cluster), --scheduler ADDRESS names a scheduler, and
    the workbook after --dask stays the workbook; an address where the workbook goes (the
    old `--dask ADDRESS`) is refused with where to put it."""
    from typer.testing import CliRunner

    from optimizer.cli import app
    from optimizer.errors import ExitCode

    case = _solve_case(tmp_path)
    seen: list[object] = []

    def capture(*_args: object, dask: object = None, **_kw: object) -> None:
        seen.append(dask)
        raise _Stop

    monkeypatch.setattr(api, "run_scenarios" if command == "scenarios" else "sweep", capture)
    extra = ["--sweep", "Markets[material=P1].price*1:2:1"] if command == "sweep" else []
    for flags, expected in (([], None), (["--dask"], True),
                            (["--scheduler", "tcp://host:8786"], "tcp://host:8786"),
                            (["--dask", "--scheduler", "tcp://h:1"], "tcp://h:1")):
        seen.clear()
        out = CliRunner().invoke(app, [command, *flags, str(case.path), *extra, "-q"])
        assert isinstance(out.exception, _Stop), out.output
        assert seen == [expected], flags
    refused = CliRunner().invoke(app, [command, "--dask", "tcp://host:8786", *extra])
    assert refused.exit_code == ExitCode.USAGE
    assert "--scheduler tcp://host:8786" in refused.output


@pytest.mark.solver
def test_scenarios_command_writes_the_comparison(tmp_path: Path) -> None:
    case = _solve_case(tmp_path)
    assert case.path is not None
    done = subprocess.run(_chainopt("scenarios", str(case.path), "-o", str(tmp_path / "out"),
                                    "--workers", "1", "--only", "cheap,small,stuck"),
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 30, done.stderr  # 'stuck' has no plan: as `run` would exit
    (written,) = (tmp_path / "out").glob("tiny-scenarios-*-comparison.xlsx")
    book = openpyxl.load_workbook(written)
    assert book.sheetnames[:1] == ["Summary"]
    assert {"Build matrix", "Differences", "Charts", "Overrides"} <= set(book.sheetnames)
    summary = [[c for c in row if c is not None] for row in
               book["Summary"].iter_rows(values_only=True)]
    assert summary[4] == ["No-regret lines: which candidate lines are built in every "
                          "scenario"]
    kpis = {row[0]: row for row in summary if row and row[0] in ("base", "cheap", "stuck")}
    assert kpis["stuck"][1] == "infeasible"
    # the web pages list it (by its ending) and show its KPI table, one row per scenario
    from optimizer.web.scenarios import read_comparison

    table = read_comparison(written)
    assert [row[0] for row in table.rows] == ["base", "cheap", "small", "stuck"]
    assert table.header[2].startswith("Net value") and table.numeric_columns()
    subfolder = written.parent / written.name.removesuffix("-comparison.xlsx")
    assert {p.name for p in subfolder.glob("*.xlsx")} == {"base.xlsx", "cheap.xlsx",
                                                          "small.xlsx"}


@pytest.mark.solver
@pytest.mark.slow
def test_ctrl_c_keeps_what_finished(tmp_path: Path) -> None:
    """SIGINT to a running `chainopt scenarios`: it stops, writes the comparison of the
    scenarios that finished, and exits 130. 200 scenarios (about 10 s): with 40 (2 s),
    once in the full suite the run had ended (exit 0, 41/41 done) by the time the signal
    was sent after "3/41 done"."""
    rows = [{"scenario": f"s{i:03d}", "sheet": "Lines", "row": "L1", "column": "capacity",
             "value": 100 + i} for i in range(200)]
    path = case_with(tmp_path, *rows)
    # a shell's Ctrl-C reaches a foreground program whose SIGINT is at its default; the
    # test process's own may not be (in the full suite it was once left so that the
    # child never saw the signal), so the child starts from the default, as from a shell
    default_sigint = ("import os, signal, sys; "
                      "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
                      "signal.signal(signal.SIGINT, signal.SIG_DFL); "
                      "os.execv(sys.argv[1], sys.argv[1:])")
    proc = subprocess.Popen([sys.executable, "-c", default_sigint,
                             *_chainopt("scenarios", str(path), "-o", str(tmp_path / "out"),
                                        "--workers", "1", "--no-full")],
                            stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    assert proc.stderr is not None
    deadline = time.monotonic() + 300
    for line in proc.stderr:
        if "3/201 done" in line or time.monotonic() > deadline:
            break
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    (written,) = (tmp_path / "out").glob("tiny-scenarios-*-comparison.xlsx")
    names = [row[0] for row in openpyxl.load_workbook(written)["Overrides"]
             .iter_rows(min_row=2, values_only=True)]
    finished = set(names)
    assert 3 <= len(finished) < 201
    assert "base" in finished


# --- the bundled case -----------------------------------------------------------------------


def test_bundled_case_has_the_five_scenarios() -> None:
    case = api.load(ROOT / "input_templates" / "absheron.xlsx")
    assert {"nameplate", "resin_cap_21kt", "utilisation_85", "prices_minus_5",
            "no_export_russia"} <= set(case.scenarios)
    cap = scenario_data(ROOT / "input_templates" / "absheron.xlsx", "resin_cap_21kt")
    assert cap.supply_group_max[("SOCAR_POLYMER", "2025")] == 21_000
    assert set(cap.supply_group_members["SOCAR_POLYMER"]) == {
        s for s in cap.sources if s.startswith("SOCAR_")}
    plate = scenario_data(ROOT / "input_templates" / "absheron.xlsx", "nameplate")
    assert plate.availability[("SOCAR_PPH", "2025")] == 130_000
    low = scenario_data(ROOT / "input_templates" / "absheron.xlsx", "utilisation_85")
    assert low.capacity["C06"] == pytest.approx(0.85 * case.data.capacity["C06"])
    cheap = scenario_data(ROOT / "input_templates" / "absheron.xlsx", "prices_minus_5")
    assert all(cheap.price[k] == pytest.approx(0.95 * v) for k, v in case.data.price.items())
    closed = scenario_data(ROOT / "input_templates" / "absheron.xlsx", "no_export_russia")
    assert all(v == 0 for (d, _m, _p), v in closed.sales_max.items() if d == "M_RUS")
    assert case.data.supply_group_max[("SOCAR_POLYMER", "2025")] is None  # base: no cap


def test_read_keeps_the_input_untouched(tmp_path: Path) -> None:
    path = case_with(tmp_path, {"scenario": "x", "sheet": "Lines", "row": "*",
                                "column": "capacity", "change": "multiply", "value": 2})
    before = path.read_bytes()
    raw = read_workbook(path, IssueList(path.name))
    assert raw is not None
    issues = IssueList(path.name)
    load_scenario(raw, (Override("Lines", "*", "capacity", "multiply", 2.0, None),), "x",
                  issues)
    assert path.read_bytes() == before
