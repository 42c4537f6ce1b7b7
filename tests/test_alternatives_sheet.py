"""The Alternatives sheet of a normal run, against brute force on the four-line case of
tests/test_alternatives.py.

Four lines at S (capacities 100 t, fixed costs L1 1000, L2 1200, L3 1500, L4 3200, jobs
10, 10, 10, 40), margin 35/t, market for at most 250 t. A build set S is worth
35 * min(100 |S|, 250) - its fixed costs. The best is {L1, L2, L3} = 5050; the next three
build sets, from the enumeration of all 16: {L1, L2} = 7000 - 2200 = 4800, {L1, L3} =
4500, {L2, L3} = 4300 (no ties), each with 20 jobs.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import openpyxl
import pyomo.environ as pyo
import pytest

from optimizer.alternatives import RunAlternatives, closest_alternatives
from optimizer.excel.alternatives_sheet import note, records
from optimizer.excel.write import write_results
from optimizer.pipeline import solve_workbook
from optimizer.report.i18n import tr
from tests.tiny_cases import add_line, base_case, update_rows
from tests.workbook_edits import write_tables

pytestmark = [pytest.mark.solver, pytest.mark.slow]

FIXED = {"L1": 1000.0, "L2": 1200.0, "L3": 1500.0, "L4": 3200.0}
JOBS = {"L1": 10.0, "L2": 10.0, "L3": 10.0, "L4": 40.0}
BEST = {"L1", "L2", "L3"}


def _four(tmp_path: Path) -> Path:
    t = base_case()
    update_rows(t, "Lines", {"line": "L1"}, jobs=10)
    for line in ("L2", "L3", "L4"):
        add_line(t, line, cost_fixed=FIXED[line], jobs=JOBS[line])
    update_rows(t, "Markets", {"market": "M"}, sales_max=250)
    return write_tables(t, tmp_path / "four.xlsx")


def _brute() -> list[tuple[float, frozenset[str]]]:
    out = [(35 * min(100 * len(s), 250) - sum(FIXED[x] for x in s), frozenset(s))
           for k in range(5) for s in itertools.combinations(FIXED, k)]
    return sorted(out, key=lambda v: -v[0])


@pytest.mark.parametrize("lang", ["en", "az", "ru"])
def test_run_lists_the_next_build_sets(tmp_path: Path, lang: str) -> None:
    brute = _brute()
    assert brute[0] == (5050.0, frozenset(BEST))
    expected = brute[1:4]
    outcome = solve_workbook(_four(tmp_path), {"time_limit": 60}, alternatives=3)
    found = outcome.alternatives
    assert found is not None and found.note == ""
    assert [p.net_value for p in found.plans] == pytest.approx([v for v, _ in expected])
    assert [frozenset(p.built) for p in found.plans] == [s for _, s in expected]
    written = write_results(tmp_path / "out" / "four.xlsx", outcome,
                            dt.datetime.now().astimezone(), lang=lang)
    sheet = openpyxl.load_workbook(written)[tr("sheet.alternatives", lang)]
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] is not None]
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[1] for r in rows] == pytest.approx([5050, 4800, 4500, 4300])
    assert [r[2] for r in rows] == pytest.approx([0, -250, -550, -750])
    assert [r[3] for r in rows] == pytest.approx([30, 20, 20, 20])
    assert rows[0][5] == tr("alt.best", lang)
    for (_value, built), row in zip(expected, rows[1:], strict=True):
        assert set(filter(None, str(row[5]).replace(tr("alt.none", lang), "").split(", "))) \
            == set(built - BEST)
        assert set(str(row[6]).split(", ")) == BEST - built
    assert sheet.cell(1, 1).value == tr("alt.intro", lang)


def test_no_time_left_gives_a_note_and_no_other_set_says_so(tmp_path: Path) -> None:
    outcome = solve_workbook(_four(tmp_path), {"time_limit": 60})
    assert outcome.alternatives is None  # only asked for by `chainopt run`
    assert outcome.model is not None and outcome.data is not None
    skipped = closest_alternatives(outcome.model, outcome.data, seconds=1.0)
    assert skipped.note == "skipped" and records(skipped, "en") == []
    assert note(skipped, "ru") == tr("alt.note.skipped", "ru")
    # one line and a minimum sale it alone can meet: building nothing has no plan
    t = update_rows(base_case(), "Markets", {"market": "M"}, sales_min=50)
    one = solve_workbook(write_tables(t, tmp_path / "one.xlsx"), {"time_limit": 60},
                         alternatives=3)
    assert one.alternatives is not None and one.alternatives.plans == []
    assert one.alternatives.note == "none"
    assert [r["rank"] for r in records(one.alternatives, "en")] == [1]


def test_lines_the_run_holds_built_stay_built_in_the_alternatives(tmp_path: Path) -> None:
    """The nightly run holds approved lines built (``hold_built``); the alternatives are
    searched on the run's own model, so they keep them. With L4 held, the build sets
    that contain L4, by brute force: {L1, L2, L4} = 8750 - 5400 = 3350 (the run's plan),
    then {L1, L3, L4} = 8750 - 5700 = 3050, {L2, L3, L4} = 8750 - 5900 = 2850,
    {L1, L4} = 7000 - 4200 = 2800. The run's model keeps its own plan's values."""
    from models.chain.formulation import hold_built

    def hold(model: Any, _data: Any) -> None:
        hold_built(model, ["L4"])

    outcome = solve_workbook(_four(tmp_path), {"time_limit": 60}, alternatives=3,
                             prepare=hold)
    assert outcome.objective == pytest.approx(3350.0)
    found = outcome.alternatives
    assert found is not None and found.note == ""
    assert [p.net_value for p in found.plans] == pytest.approx([3050.0, 2850.0, 2800.0])
    assert [set(p.built) for p in found.plans] == [{"L1", "L3", "L4"}, {"L2", "L3", "L4"},
                                                   {"L1", "L4"}]
    model = outcome.model
    assert model is not None
    assert {line for (line, _p), v in model.build.items() if (v.value or 0) > 0.5} \
        == {"L1", "L2", "L4"}
    # the held plans too (too little time for the MILPs): the explanations' figure for
    # closing L4 ({L1, L2} = 4800) is not an alternative the run may list. What is left
    # of their sets: close L2 ({L1, L4} = 2800), close L1 ({L2, L4} = 2600), add L3
    # (all four = 8750 - 6900 = 1850). The swaps above (3050, 2850) are not among them
    # (L3 is not blocked, so the explanations add it rather than swap it): as the note
    # says, other sets may lie between the listed ones.
    assert outcome.data is not None
    held = closest_alternatives(model, outcome.data, seconds=60.0, aim=2.0,
                                solve_seconds=100.0)
    assert held.note == "held"
    assert [set(p.built) for p in held.plans] == [{"L1", "L4"}, {"L2", "L4"},
                                                  {"L1", "L2", "L3", "L4"}]
    assert [p.net_value for p in held.plans] == pytest.approx([2800.0, 2600.0, 1850.0])


def test_the_runs_search_stops_at_its_aim_and_keeps_what_it_found(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run's search aims at a quarter of the solve's time or 2 s (run_aim); with time
    left in the run but none in the aim, no solve starts and the note says "time" (not
    "skipped": that is for a run out of time). With the aim of a run, the four-line case
    finds its three alternatives, in order, as without one."""
    from optimizer import alternatives as alt

    assert alt.run_aim(None) == alt.RUN_FLOOR == 2.0
    assert alt.run_aim(40.0) == pytest.approx(10.0)
    outcome = solve_workbook(_four(tmp_path), {"time_limit": 60})
    assert outcome.model is not None and outcome.data is not None
    none = closest_alternatives(outcome.model, outcome.data, seconds=60.0, aim=0.0)
    assert none.note == "time" and none.plans == []
    aimed = closest_alternatives(outcome.model, outcome.data, seconds=60.0,
                                 aim=alt.run_aim(0.05))
    assert aimed.note == "" and [p.net_value for p in aimed.plans] == pytest.approx(
        [4800.0, 4500.0, 4300.0])
    # the run passes its aim: with none (less than its solve took), it lists the held
    # plans it reached, none here, and the sheet says so
    monkeypatch.setattr(alt, "RUN_FLOOR", 0.0)
    monkeypatch.setattr(alt, "RUN_SHARE", 0.0)
    run = solve_workbook(_four(tmp_path), {"time_limit": 60}, alternatives=3)
    assert run.alternatives is not None and run.alternatives.note == "held"
    assert run.alternatives.plans == []
    assert note(run.alternatives, "en") == tr("alt.note.held", "en", n=0)


def test_an_alternative_that_beats_the_plan_is_explained_and_a_rerun_confirms_it(
        tmp_path: Path) -> None:
    """The bundled case with mip_gap 0.01 typed on its Settings sheet, solved with one
    thread: HiGHS stops at a plan 6.5 k USD short of the best, and the closest alternative
    (solved exactly) is that better plan. The note under the table says so, and what it
    claims holds: with mip_gap 0.0001 typed instead, a re-run finds a plan at least as
    good as that rank."""
    from optimizer.alternatives import better_than_best
    from optimizer.report.numbers import money, percent
    from tests.tiny_cases import set_setting
    from tests.workbook_edits import example

    loose = write_tables(set_setting(example(), "mip_gap", 0.01), tmp_path / "loose.xlsx")
    run = solve_workbook(loose, {"threads": 1}, alternatives=3)
    assert run.alternatives is not None and run.objective is not None
    better = better_than_best(run.alternatives)
    assert better is not None  # this case's fixed point: the loose gap leaves 6.5 k
    rank, more = better
    plan = run.alternatives.plans[rank - 2]
    assert more == pytest.approx(plan.net_value - run.objective) and more > 1000.0
    for lang in ("en", "az", "ru"):
        expected = tr("alt.note.better", lang, rank=rank, more=money(more, "USD", lang),
                      gap=percent(0.01, lang, 2))
        assert expected in note(run.alternatives, lang, 0.01, "USD")
    tight = write_tables(set_setting(example(), "mip_gap", 0.0001), tmp_path / "tight.xlsx")
    rerun = solve_workbook(tight, {"threads": 1})
    assert rerun.objective is not None
    assert rerun.objective >= plan.net_value - 1e-6 * abs(plan.net_value)
    # and the workbook shows the note under its table
    written = write_results(tmp_path / "out" / "loose.xlsx", run,
                            dt.datetime.now().astimezone())
    sheet = openpyxl.load_workbook(written)[tr("sheet.alternatives", "en")]
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(f"Rank {rank} gives " in t for t in texts), texts


def test_no_note_when_the_alternatives_are_worse() -> None:
    from optimizer.alternatives import Plan, RunAlternatives, better_than_best

    def plan(v: float) -> Plan:
        return Plan(v, 0.0, 0.0, 0.0, [])

    worse = RunAlternatives(plan(100.0), [plan(90.0), plan(80.0)], "")
    assert better_than_best(worse) is None and note(worse, "en", 0.01) == ""
    tie = RunAlternatives(plan(1e6), [plan(1e6 + 0.4)], "")  # within the solver's tolerance
    assert better_than_best(tie) is None
    beats = RunAlternatives(plan(100.0), [plan(90.0), plan(250.0)], "time")
    assert better_than_best(beats) == (3, pytest.approx(150.0))
    text = note(beats, "en", 0.005)
    assert text.startswith(tr("alt.note.time", "en", n=2)) and "Rank 3 gives" in text
    assert "0.50\u00a0%" in text


BUNDLED = Path(__file__).resolve().parents[1] / "input_templates" / "absheron.xlsx"


def test_plans_are_read_from_highs_values_as_the_model_would_give_them() -> None:
    """The search runs beside the writer, so it reads each plan's figures from HiGHS's
    values (_PlanReader) instead of loading them into the model: on the bundled case the
    figures are those the model gives with the same values loaded, and the model's values
    are never touched by a whole search."""
    from optimizer.alternatives import _add_no_good, _plan, _prepare_search

    outcome = solve_workbook(BUNDLED, {"time_limit": 60})
    model, d = outcome.model, outcome.data
    assert model is not None and d is not None
    before = {id(v): v.value for v in model.component_data_objects(pyo.Var)}
    prepared = _prepare_search(model, d, 60.0, None)
    assert not isinstance(prepared, RunAlternatives)
    search, reader, cols, best, clock = (prepared.search, prepared.reader, prepared.cols,
                                         prepared.best, prepared.clock)
    best_set = set(best.built)
    _add_no_good(search, cols, best_set)
    step = clock.settings()
    assert step is not None
    solved = search.solve(step)
    assert solved.values is not None and solved.objective is not None
    got = reader.plan(solved.values, solved.objective, best_set)
    saved = search.load(solved.values)
    try:
        expected = _plan(model, d, best_set, net_value=solved.objective)
    finally:
        search.restore(saved)
    assert got.built == expected.built and got.built != best.built
    assert (got.added, got.dropped) == (expected.added, expected.dropped)
    assert (got.jobs, got.recovered, got.local_share) == pytest.approx(
        (expected.jobs, expected.recovered, expected.local_share), rel=1e-9, abs=1e-6)
    found = closest_alternatives(model, d, seconds=60.0)
    assert len(found.plans) == 3
    assert {id(v): v.value for v in model.component_data_objects(pyo.Var)} == before


def test_a_run_searches_beside_the_write_and_a_cancelled_search_stops() -> None:
    """solve_workbook returns with the search still running (its job); the outcome's
    alternatives wait for it. A cancelled search starts no re-solve: its note is "time"."""
    import threading

    from optimizer.alternatives import _prepare_search, _search

    outcome = solve_workbook(BUNDLED, {"time_limit": 60}, alternatives=3)
    assert outcome.alternatives_job is not None  # still searching, or done: not yet read
    found = outcome.alternatives
    assert outcome.alternatives_job is None and found is outcome.found_alternatives
    assert found.note == "" and len(found.plans) == 3
    assert "alternatives" in outcome.timings
    assert outcome.model is not None and outcome.data is not None
    prepared = _prepare_search(outcome.model, outcome.data, 60.0, None)
    assert not isinstance(prepared, RunAlternatives)
    stop = threading.Event()
    stop.set()
    cancelled = _search(prepared, n=3, cancel=stop)
    assert cancelled.note == "time" and cancelled.plans == []


def test_without_time_for_the_milps_the_run_lists_the_held_plans_each_exact(
        tmp_path: Path) -> None:
    """With an aim shorter than the solve took (MILP_SHARE), the search lists the best plan
    of each build set the explanations found with a line or two changed, note "held".
    On the four-line case those are the three sets one line short of the best; each value
    is what brute force gives for its set, best first. A MILP search lists the same three
    here, so the held mode is checked against it too."""
    from optimizer import alternatives as alt

    outcome = solve_workbook(_four(tmp_path), {"time_limit": 60})
    assert outcome.model is not None and outcome.data is not None
    assert alt.held_starts(outcome.model), "the explanations left no held plans"
    held = closest_alternatives(outcome.model, outcome.data, seconds=60.0, aim=2.0,
                                solve_seconds=2.0 / alt.MILP_SHARE + 1.0)
    assert held.note == "held"
    by_set = {s: v for v, s in _brute()}
    assert [frozenset(p.built) for p in held.plans] == [
        frozenset({"L1", "L2"}), frozenset({"L1", "L3"}), frozenset({"L2", "L3"})]
    assert [p.net_value for p in held.plans] == pytest.approx(
        [by_set[frozenset(p.built)] for p in held.plans])
    assert [p.jobs for p in held.plans] == pytest.approx([20, 20, 20])
    assert [(p.added, p.dropped) for p in held.plans] == [([], ["L3"]), ([], ["L2"]),
                                                          ([], ["L1"])]
    # time for the MILPs (the aim at least the solve's seconds): the cut search
    searched = closest_alternatives(outcome.model, outcome.data, seconds=60.0, aim=2.0,
                                    solve_seconds=2.0 / alt.MILP_SHARE)
    assert searched.note == ""
    assert [p.net_value for p in searched.plans] == pytest.approx(
        [p.net_value for p in held.plans])
    # the sheet says which list it is, above the table and under it, in each language
    outcome.alternatives = held
    for lang in ("en", "az", "ru"):
        assert note(held, lang) == tr("alt.note.held", lang, n=3)
        written = write_results(tmp_path / "out" / f"held-{lang}.xlsx", outcome,
                                dt.datetime.now().astimezone(), lang=lang)
        sheet = openpyxl.load_workbook(written)[tr("sheet.alternatives", lang)]
        assert sheet.cell(1, 1).value == tr("alt.intro.held", lang)
        cells = [v for row in sheet.iter_rows(values_only=True) for v in row if v]
        assert tr("alt.note.held", lang, n=3) in cells
        assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)
                if isinstance(r[0], int)] == [1, 2, 3, 4]


def test_each_held_plan_holds_when_the_other_lines_are_excluded(tmp_path: Path) -> None:
    """What the held note claims, as a user checks it: each listed plan is a plan with its
    own set of lines, so marking every other candidate line "excluded" on the Lines sheet
    and re-running gives at least its net value (the bundled case; the run's model keeps
    its values through the search)."""
    from tests.workbook_edits import example

    path = write_tables(example(), tmp_path / "absheron.xlsx")
    outcome = solve_workbook(path, {"time_limit": 60})
    model, d = outcome.model, outcome.data
    assert model is not None and d is not None
    before = {id(v): v.value for v in model.component_data_objects(pyo.Var)}
    held = closest_alternatives(model, d, seconds=60.0, aim=5.0, solve_seconds=100.0)
    assert held.note == "held" and len(held.plans) == 3
    assert {id(v): v.value for v in model.component_data_objects(pyo.Var)} == before
    values = [p.net_value for p in held.plans]
    assert values == sorted(values, reverse=True)
    assert held.best is not None
    for plan in held.plans:
        assert plan.built != held.best.built
        assert 1 <= len(plan.added) + len(plan.dropped) <= 2
    for i, plan in enumerate(held.plans):
        t = example()
        for row in t["Lines"]:
            if row.get("status") in (None, "", "candidate") and row["line"] not in plan.built:
                row["status"] = "excluded"
        rerun = solve_workbook(write_tables(t, tmp_path / f"held-{i}.xlsx"),
                               {"time_limit": 60, "mip_gap": 1e-6})
        assert rerun.objective is not None
        assert rerun.objective >= plan.net_value - 1e-6 * abs(plan.net_value) - 1.0
