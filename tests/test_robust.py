r"""A plan robust to uncertainty: the extensive form, its figures and `chainopt robust`.

The hedging case (``hedging_case``), one period of one year, no discounting::

    feedstock F at site S, free and unlimited; products X and Y sold at market M
    (lane S->M free); at most one line (exclusive group G):
      L_A  makes X only (F -> X, yield 1), capacity 100, fixed cost 1000
      L_B  makes Y only (F -> Y, yield 1), capacity 100, fixed cost 1000
      L_F  makes X or Y (two recipes),    capacity 100, fixed cost 1800
    base    (probability 0.6): X at 50/t, Y at 10/t
    y_high  (probability 0.4): X at 10/t, Y at 50/t

Net value of each line in each scenario (it runs at capacity on its best product):

    ========  ==========================  ==========================
    line      base                        y_high
    ========  ==========================  ==========================
    L_A       50*100 - 1000 = 4000        10*100 - 1000 = 0
    L_B       10*100 - 1000 = 0           50*100 - 1000 = 4000
    L_F       50*100 - 1800 = 3200        50*100 - 1800 = 3200
    ========  ==========================  ==========================

- each scenario alone builds its own specialist: base {L_A}, y_high {L_B}; so
  WS = 0.6*4000 + 0.4*4000 = 4000;
- expected value of one build set for both: {L_A} 0.6*4000 + 0.4*0 = 2400,
  {L_B} 0.6*0 + 0.4*4000 = 1600, {L_F} 3200, {} 0: the robust plan builds L_F, which
  neither scenario builds alone; RP = 3200;
- average scenario: X at 0.6*50 + 0.4*10 = 34, Y at 0.6*10 + 0.4*50 = 26; there L_A
  gives 3400 - 1000 = 2400, L_B 2600 - 1000 = 1600, L_F 3400 - 1800 = 1600: the EV plan
  is {L_A}, worth 2400 in the average scenario; held in each scenario it gives
  EEV = 0.6*4000 + 0.4*0 = 2400;
- VSS = RP - EEV = 800; EVPI = WS - RP = 800. Against the average-scenario plan the
  robust plan adds L_F and drops L_A.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyomo.core as pyo
import pytest

from models.chain.stochastic import (
    STOCHASTIC_CONSTRAINTS,
    STOCHASTIC_VARIABLES,
    build_extensive_form,
    build_values,
)
from optimizer import api
from optimizer.excel.template import write_input_workbook
from optimizer.scenarios.robust import mean_tables, scenario_data
from optimizer.solve import SolveSettings, solve_model
from tests.tiny_cases import Tables, add_line, add_rows, base_case, replace_rows, set_setting

ROOT = Path(__file__).resolve().parent.parent
EXACT = SolveSettings(mip_gap=1e-9, time_limit=60)


def hedging_case(probabilities: tuple[float, float] = (0.6, 0.4)) -> Tables:
    """The case of the module docstring."""
    t = base_case()
    set_setting(t, "case_name", "hedge")
    replace_rows(t, "Lines")
    add_line(t, "L_A", technology="TA", capacity=100, cost_fixed=1000, group="G")
    add_line(t, "L_B", technology="TB", capacity=100, cost_fixed=1000, group="G")
    add_line(t, "L_F", technology="TF", capacity=100, cost_fixed=1800, group="G")
    replace_rows(t, "Materials", {"material": "F", "kind": "feedstock"},
                 {"material": "X", "kind": "product"}, {"material": "Y", "kind": "product"})
    replace_rows(t, "Sources", {"source": "SRC_F", "material": "F", "location": "S",
                                "price": 0})
    recipes = [("TA", "main", "X"), ("TB", "main", "Y"), ("TF", "x", "X"), ("TF", "y", "Y")]
    replace_rows(t, "Recipes", *[row for tech, k, out in recipes for row in (
        {"applies_to": tech, "recipe": k, "material": "F", "role": "input"},
        {"applies_to": tech, "recipe": k, "material": out, "role": "output", "yield": 1.0})])
    replace_rows(t, "Markets", {"market": "M", "material": "X", "price": 50},
                 {"market": "M", "material": "Y", "price": 10})
    replace_rows(t, "Lanes", {"lane": "S-M", "origin": "S", "destination": "M", "cost": 0})
    add_rows(t, "Scenarios",
             {"scenario": "y_high", "sheet": "Markets", "row": "material=X",
              "column": "price", "change": "set", "value": 10},
             {"scenario": "y_high", "sheet": "Markets", "row": "material=Y",
              "column": "price", "change": "set", "value": 50})
    add_rows(t, "Uncertainty", {"scenario": "base", "probability": probabilities[0]},
             {"scenario": "y_high", "probability": probabilities[1]})
    return t


def frames(tables: Tables) -> dict[str, pd.DataFrame]:
    return {sheet: pd.DataFrame(rows) for sheet, rows in tables.items()}


@pytest.fixture(scope="module")
def hedging(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The hedging case through the real reader, analysed once."""
    path = write_input_workbook(tmp_path_factory.mktemp("hedge") / "hedge.xlsx",
                                hedging_case())
    case = api.load(path)
    return case, api.robust(case, gap=1e-9)


@pytest.mark.solver
def test_robust_plan_hedges_where_neither_scenario_plan_does(hedging: Any) -> None:
    """Module docstring: RP 3200 with L_F; WS 4000; EV plan {L_A}, EEV 2400."""
    _case, r = hedging
    assert r.solve.status.value == "optimal"
    assert r.built == {"L_F": "P1"}
    own = {s.name: s.own_built for s in r.scenarios}
    assert own == {"base": {"L_A"}, "y_high": {"L_B"}}
    assert set(r.built) not in own.values()  # differs from both single-scenario plans
    assert r.rp == pytest.approx(3200, abs=1e-6)
    assert r.ws == pytest.approx(4000, abs=1e-6)
    assert r.ev_built == {"L_A": "P1"} and r.ev_value == pytest.approx(2400, abs=1e-6)
    assert r.eev == pytest.approx(2400, abs=1e-6)
    assert r.vss == pytest.approx(800, abs=1e-6) and r.evpi == pytest.approx(800, abs=1e-6)
    assert r.added == ["L_F"] and r.dropped == ["L_A"]
    by = {s.name: s for s in r.scenarios}
    assert by["base"].robust_value == pytest.approx(3200) and \
        by["y_high"].robust_value == pytest.approx(3200)
    assert by["base"].ev_value == pytest.approx(4000) and by["y_high"].ev_value == \
        pytest.approx(0, abs=1e-6)
    assert by["base"].regret == pytest.approx(800) and by["y_high"].regret == \
        pytest.approx(800)


@pytest.mark.solver
def test_checker_passes_on_every_scenarios_second_stage(hedging: Any) -> None:
    """The independent checker (models/chain/checks.py) recomputes each scenario's flows,
    limits and net value from that scenario's input rows: nothing is violated."""
    _case, r = hedging
    assert all(s.robust_value is not None for s in r.scenarios)
    assert r.findings == []
    # the per-scenario values it checked add up to the extensive form's objective
    assert sum(s.probability * s.robust_value for s in r.scenarios) == pytest.approx(r.rp)


@pytest.mark.solver
def test_without_nonanticipativity_each_scenario_builds_its_own(hedging: Any) -> None:
    """Dropping the non-anticipativity rows lets each block choose its own lines: the
    extensive form then returns WS (4000), not RP (3200). The rows are what make the
    plan robust."""
    case, _r = hedging
    scenarios, _ = scenario_data(case.raw, case.what_if, case.issues)
    ef = build_extensive_form(scenarios)
    ef.nonanticipativity.deactivate()
    solved = solve_model(ef, EXACT)
    assert solved.objective == pytest.approx(4000, abs=1e-6)
    ef.nonanticipativity.activate()
    solved = solve_model(ef, EXACT)
    assert solved.objective == pytest.approx(3200, abs=1e-6)
    assert {k for k, v in build_values(ef).items() if v} == {("L_F", "P1")}


def test_every_extensive_form_component_is_documented(hedging: Any) -> None:
    case, _r = hedging
    scenarios, _ = scenario_data(case.raw, case.what_if, case.issues)
    ef = build_extensive_form(scenarios)
    own_vars = {v.local_name for v in ef.component_objects(pyo.Var, descend_into=False)}
    own_cons = {c.local_name for c in ef.component_objects(pyo.Constraint,
                                                           descend_into=False)}
    assert own_vars == set(STOCHASTIC_VARIABLES)
    assert own_cons == set(STOCHASTIC_CONSTRAINTS)
    for rule in STOCHASTIC_CONSTRAINTS.values():
        assert ".. math::" in (rule.__doc__ or "")
    text = (ROOT / "docs" / "formulation.md").read_text(encoding="utf-8")
    assert "nonanticipativity" in text and "expected_net_value" in text


def test_mean_value_problem_averages_only_the_changed_cells(hedging: Any) -> None:
    """Average scenario: X at 34, Y at 26 (module docstring); nothing else changes."""
    case, _r = hedging
    _raw, cells = mean_tables(case.raw, case.what_if, {"base": 0.6, "y_high": 0.4})
    assert [(c.sheet, c.column, c.base, c.value, c.how) for c in cells] == [
        ("Markets", "price", 50, pytest.approx(34), "mean"),
        ("Markets", "price", 10, pytest.approx(26), "mean")]


def _random_case(rng: random.Random) -> Tables:
    t = hedging_case()
    replace_rows(t, "Lines")
    # every technology the recipes name has a line (else the workbook is invalid)
    techs = ["TA", "TB", "TF", *rng.choices(["TA", "TB", "TF"], k=rng.randint(0, 2))]
    for i, tech in enumerate(techs):
        add_line(t, f"L{i}", technology=tech, capacity=rng.randint(40, 150),
                 cost_fixed=rng.randint(0, 40) * 100, cost_variable=rng.randint(0, 10),
                 group="G" if rng.random() < 0.5 else None)
    n = rng.randint(2, 3)
    weights = [rng.randint(1, 9) for _ in range(n)]
    replace_rows(t, "Scenarios")
    for k in range(1, n):
        for mat in ("X", "Y"):
            add_rows(t, "Scenarios", {"scenario": f"s{k}", "sheet": "Markets",
                                      "row": f"material={mat}", "column": "price",
                                      "change": "multiply",
                                      "value": round(rng.uniform(0.2, 2.0), 2)})
        if rng.random() < 0.5:
            add_rows(t, "Scenarios", {"scenario": f"s{k}", "sheet": "Markets",
                                      "row": "material=Y", "column": "sales_max",
                                      "change": "set", "value": rng.randint(0, 120)})
    names = ["base", *(f"s{k}" for k in range(1, n))]
    total = sum(weights)
    probs = [w / total for w in weights]
    replace_rows(t, "Uncertainty", *({"scenario": s, "probability": p}
                                     for s, p in zip(names, probs, strict=True)))
    return t


@pytest.mark.solver
@pytest.mark.parametrize("seed", range(5))
def test_vss_and_evpi_are_never_negative(seed: int) -> None:
    """EEV <= RP <= WS for every case: RP maximises over one build set, WS over one per
    scenario (a relaxation of RP), and the EV plan is one candidate build set for RP."""
    case = api.from_frames(frames(_random_case(random.Random(seed))), name=f"random{seed}")
    r = api.robust(case, gap=1e-9)
    assert r.solve.status.value == "optimal"
    scale = 1e-6 * max(1.0, abs(r.ws or 0.0))
    assert r.evpi is not None and r.evpi >= -scale
    if r.eev is not None:  # EEV is undefined when the EV plan has no flows somewhere
        assert r.vss is not None and r.vss >= -scale
    assert sum(s.probability * s.robust_value for s in r.scenarios) == pytest.approx(r.rp)
    assert r.findings == []


# ---- the Uncertainty sheet: located errors ------------------------------------------------


def _errors(tables: Tables) -> list[Any]:
    with pytest.raises(api.CaseError) as caught:
        api.from_frames(frames(tables), name="bad")
    return caught.value.issues.errors


def test_unknown_scenario_is_located() -> None:
    t = hedging_case()
    t["Uncertainty"][1]["scenario"] = "y_hgh"
    (error,) = _errors(t)
    assert (error.sheet, error.row, error.column, error.value) == \
        ("Uncertainty", 3, "scenario", "y_hgh")
    assert "Scenarios sheet" in error.expected and "y_high" in error.hint


def test_probabilities_not_adding_up_to_one_are_located() -> None:
    (error,) = _errors(hedging_case((0.6, 0.3)))
    assert (error.sheet, error.row, error.column, error.value) == \
        ("Uncertainty", 3, "probability", "0.9")
    assert "adding up to 1" in error.expected


def test_probability_above_one_is_located() -> None:
    errors = _errors(hedging_case((1.5, 0.4)))
    assert [(e.sheet, e.row, e.column) for e in errors] == [("Uncertainty", 2, "probability")]


def test_a_scenario_that_changes_the_candidates_is_refused_at_its_row() -> None:
    t = hedging_case()
    add_rows(t, "Scenarios", {"scenario": "y_high", "sheet": "Lines", "row": "L_F",
                              "column": "status", "change": "set", "value": "excluded"})
    case = api.from_frames(frames(t), name="differ")
    with pytest.raises(api.CaseError) as caught:
        api.robust(case)
    (error,) = caught.value.issues.errors
    assert (error.sheet, error.row, error.column, error.value) == \
        ("Uncertainty", 3, "scenario", "y_high")
    assert "L_F" in error.message


def test_no_uncertainty_rows_is_an_error_not_a_crash() -> None:
    t = hedging_case()
    del t["Uncertainty"]
    case = api.from_frames(frames(t), name="none")
    with pytest.raises(api.CaseError) as caught:
        api.robust(case)
    assert caught.value.issues.errors[0].sheet == "Uncertainty"


def test_the_sheet_does_not_change_run(tmp_path: Path) -> None:
    """The Uncertainty sheet is read only by `chainopt robust`: the base case's data is the
    same with or without it."""
    with_sheet = api.from_frames(frames(hedging_case()), name="a")
    t = hedging_case()
    del t["Uncertainty"]
    without = api.from_frames(frames(t), name="b")
    assert with_sheet.data.price == without.data.price
    assert with_sheet.data.build_options == without.data.build_options
    assert with_sheet.what_if.probabilities == {"base": 0.6, "y_high": 0.4}


def test_template_has_the_uncertainty_sheet_with_notes(tmp_path: Path) -> None:
    path = write_input_workbook(tmp_path / "blank.xlsx", None)
    ws = openpyxl.load_workbook(path)["Uncertainty"]
    headers = [c.value for c in ws[1]]
    assert headers[:2] == ["scenario", "probability"]
    assert ws.cell(1, 2).comment is not None and "add up to 1" in ws.cell(1, 2).comment.text


def test_bundled_case_probabilities_are_marked_illustrative() -> None:
    case = api.load(ROOT / "input_templates" / "absheron.xlsx")
    assert set(case.what_if.probabilities) == {"base", *case.scenarios}
    assert sum(case.what_if.probabilities.values()) == pytest.approx(1.0)
    rows = case.raw.tables["Uncertainty"].rows
    assert all("[E] illustrative" in str(r.cells.get("reference")) for r in rows)


# ---- the command line, on the bundled case ------------------------------------------------


@pytest.mark.solver
@pytest.mark.slow
def test_robust_command_on_the_bundled_case(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "optimizer", "robust", "-o", str(tmp_path),
                           "--time-limit", "300", "--lang", "az"],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (written,) = tmp_path.glob("absheron-*-robust.xlsx")
    book = openpyxl.load_workbook(written)
    assert book.sheetnames == ["Xülasə", "Ssenarilər", "Tikinti matrisi", "Orta ssenari",
                               "İcra məlumatı"]
    rows = [[c for c in row if c is not None] for row in
            book["Xülasə"].iter_rows(values_only=True)]
    figures = {row[0]: row[1] for row in rows if len(row) >= 2 and "(" in str(row[0])}
    rp, ws = figures["Dayanıqlı planın gözlənilən xalis dəyəri (RP)"], \
        figures["Gözlə və gör (WS)"]
    vss = figures["Stoxastik həllin dəyəri (VSS = RP − EEV)"]
    evpi = figures["Tam məlumatın gözlənilən dəyəri (EVPI = WS − RP)"]
    assert evpi == pytest.approx(ws - rp)
    tolerance = 1e-4 * abs(ws)  # the default gap of the Settings sheet
    assert vss >= -tolerance and evpi >= -tolerance
    scenarios = book["Ssenarilər"]
    checks = [row[9] for row in scenarios.iter_rows(min_row=3, values_only=True)]
    assert checks and all(c == "keçdi" for c in checks)  # the checker passed everywhere
    assert "VSS" in done.stdout and "EVPI" in done.stdout


@pytest.mark.solver
def test_in_process_solves_with_other_thread_counts_follow_each_other(hedging: Any) -> None:
    """The robust analysis solves in this process with the Settings threads (0: HiGHS's
    default); an in-process scenario solve with one thread (api.solve) must still work
    after it. HiGHS sizes one thread scheduler per process at its first run and fails a
    later run asking for another size unless the scheduler is restarted
    (optimizer/solve.py, _fit_thread_scheduler)."""
    case, _r = hedging
    from optimizer.solve import solve_in_process

    scenarios, _ = scenario_data(case.raw, case.what_if, case.issues)
    data = scenarios["base"][1]
    from models.chain.formulation import build_model

    for threads in (0, 1, 2, 0):
        solved = solve_in_process(build_model(data), SolveSettings(threads=threads))
        assert solved.status.value == "optimal", threads
        assert solved.objective == pytest.approx(4000)
    assert api.solve(case, "y_high").net_value == pytest.approx(4000)


@pytest.mark.solver
def test_eev_is_not_defined_when_the_average_plan_fails_a_scenario() -> None:
    """base_case (margin 50 - 10 - 5 = 35 per tonne), at most one of two lines:
    L_S capacity 60, fixed 500 (60*35 - 500 = 1600); L_L capacity 100, fixed 2000
    (100*35 - 2000 = 1500). Scenario ``contract`` (0.4) must sell at least 90 t of X.
    The average scenario must sell 0.4*90 = 36 t: L_S serves it and is best there (1600),
    but cannot deliver 90 t in ``contract``: EEV (and VSS) are not defined and the report
    says why. The robust plan builds L_L: RP = 1500; WS = 0.6*1600 + 0.4*1500 = 1560;
    EVPI = 60."""
    t = base_case()
    replace_rows(t, "Lines")
    add_line(t, "L_S", capacity=60, cost_fixed=500, group="G")
    add_line(t, "L_L", capacity=100, cost_fixed=2000, group="G")
    add_rows(t, "Scenarios", {"scenario": "contract", "sheet": "Markets",
                              "row": "material=X", "column": "sales_min", "change": "set",
                              "value": 90})
    add_rows(t, "Uncertainty", {"scenario": "base", "probability": 0.6},
             {"scenario": "contract", "probability": 0.4})
    r = api.robust(api.from_frames(frames(t), name="contract"), gap=1e-9)
    assert r.built == {"L_L": "P1"} and r.rp == pytest.approx(1500)
    assert r.ws == pytest.approx(1560) and r.evpi == pytest.approx(60)
    assert r.ev_built == {"L_S": "P1"}
    assert r.eev is None and r.vss is None
    assert "contract (infeasible)" in r.eev_reason
    from optimizer.scenarios.robust_report import figure_rows, summary_lines

    eev = figure_rows(r, "en")[2]
    assert eev["value"] is None and str(eev["meaning"]).startswith("not defined: the "
                                                                   "average-scenario plan")
    assert any("EEV" in line and "not defined" in line for line in summary_lines(r))


def test_commands_refuse_a_bad_uncertainty_sheet_with_its_cell(tmp_path: Path) -> None:
    """`chainopt validate` and `chainopt robust` exit 20 and name Uncertainty!B3 (the
    probabilities 0.6 + 0.3 add up to 0.9)."""
    path = write_input_workbook(tmp_path / "bad.xlsx", hedging_case((0.6, 0.3)))
    for command in ("validate", "robust"):
        done = subprocess.run([sys.executable, "-m", "optimizer", command, str(path)],
                              capture_output=True, text=True, timeout=300, cwd=ROOT)
        assert done.returncode == 20, (command, done.stdout, done.stderr)
        assert "Uncertainty!B3" in done.stdout + done.stderr, command
        assert "Traceback" not in done.stderr
    assert not list(tmp_path.glob("*-robust.xlsx"))
