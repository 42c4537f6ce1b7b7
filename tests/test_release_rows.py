"""The rows' expressions let go once HiGHS has the model (models/chain/formulation.py
``release_rows``, optimizer/solve.py ``solve_model(let_go=True)``; issue 12, goal
4): a released row answers every question as before by making its expression again
with its own rule, a model compiled again is the same model, the compiled row list
follows the model's new row objects, and the terms are really freed."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyomo.core as pyo
import pytest
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.expr.numeric_expr import MonomialTermExpression

import optimizer.solve as solve
from models.chain.data import ChainData
from models.chain.formulation import CONSTRAINTS, ReleasedRow, build_model, release_rows
from optimizer.pipeline import RunOutcome
from optimizer.solve import SolveSettings, SolveStatus

SETTINGS = SolveSettings(time_limit=60, mip_gap=1e-6, threads=1)


def _rule_rows(model: pyo.ConcreteModel) -> list[Any]:
    return [row for name in CONSTRAINTS if (c := getattr(model, name, None)) is not None
            and c.is_indexed() for row in c.values()]


def _described(model: pyo.ConcreteModel) -> list[tuple[Any, ...]]:
    return [(row.name, row.lb, row.ub, row.equality, str(row.body), str(row.expr))
            for row in model.component_data_objects(pyo.Constraint)]


@pytest.fixture()
def model(absheron_data: ChainData) -> Iterator[pyo.ConcreteModel]:
    yield build_model(absheron_data)  # a model of its own: the tests release its rows


def test_released_rows_answer_as_the_built_rows(model: pyo.ConcreteModel) -> None:
    before = _described(model)
    rows = _rule_rows(model)
    assert release_rows(model) == len(rows) > 500
    released = _rule_rows(model)
    assert all(type(r) is ReleasedRow and r._expr is None for r in released)
    assert all(new is not old for new, old in zip(released, rows, strict=True))
    assert _described(model) == before  # each read makes the row again by its rule
    assert all(type(r) is ConstraintData for r in released)
    assert release_rows(model) == len(rows)  # and it can be let go again


def _answers(row: Any) -> tuple[Any, ...]:
    return row(), [str(x) for x in row.to_bounded_expression(True)], str(row.get_value())


def test_every_way_of_reading_a_released_row(model: pyo.ConcreteModel) -> None:
    for var in model.component_data_objects(pyo.Var):
        var.set_value(1.0, skip_validation=True)
    index = next(iter(model.capacity_limit))
    row = model.capacity_limit[index]
    answers = _answers(row)
    for read in (lambda r: r(), lambda r: r.to_bounded_expression(True),
                 lambda r: str(r.get_value()), lambda r: str(r.expr), lambda r: r.ub):
        release_rows(model)
        again = model.capacity_limit[index]
        assert type(again) is ReleasedRow
        read(again)
        assert type(again) is ConstraintData
    again = model.capacity_limit[index]
    assert _answers(again) == answers
    release_rows(model)
    given = model.capacity_limit[index]
    given.set_value(model.build[next(iter(model.build))] <= 1)  # a new expression: kept
    assert type(given) is ConstraintData and str(given.body).startswith("build")


def test_rows_outside_the_rules_are_kept(model: pyo.ConcreteModel) -> None:
    model.cut = pyo.ConstraintList()
    model.cut.add(model.build[next(iter(model.build))] <= 1)
    model.single = pyo.Constraint(expr=model.build[next(iter(model.build))] >= 0)
    kept = (model.cut[1], model.single)
    release_rows(model)
    assert (model.cut[1], model.single) == kept
    assert all(type(r) is not ReleasedRow and r._expr is not None for r in kept)


def test_a_model_compiled_again_after_the_release_is_the_same(
        model: pyo.ConcreteModel) -> None:
    first = solve._session(model, fresh=True)
    first_rows = [(r.name, s) for r, s in first.rows]
    release_rows(model)
    again = solve._session(model, fresh=True)
    for name in ("cost", "col_lower", "col_upper", "row_lower", "row_upper", "a_start",
                 "a_index", "a_value", "integer"):
        assert np.array_equal(getattr(first.arrays, name), getattr(again.arrays, name)), name
    assert first.arrays.offset == again.arrays.offset
    assert first_rows == [(r.name, s) for r, s in again.rows]


def _monomials() -> int:
    gc.collect()
    return sum(type(o) is MonomialTermExpression for o in gc.get_objects())


def test_a_solve_that_releases_frees_the_terms_and_keeps_its_rows_in_step(
        model: pyo.ConcreteModel) -> None:
    """The compiled row list is pointed at the model's new rows: without that it would
    keep the old rows, and their terms, alive, and a row looked up in the model (as the
    explanations do) would not be found among the compiled rows."""
    in_rows = sum(type(t) is MonomialTermExpression
                  for r in _rule_rows(model) for t in r.body.args)
    before = _monomials()
    result = solve.solve_model(model, SETTINGS, let_go=True)
    assert result.status is SolveStatus.OPTIMAL
    assert before - _monomials() >= in_rows > 100
    session = solve._session(model)
    assert all(con is solve._row_in_model(con) for con, _s in session.rows)
    assert all(type(r) is ReleasedRow for r in _rule_rows(model))
    with solve.HeldLP(model, SETTINGS) as held:
        names = solve._names(session)[0]
        for index in model.capacity_limit:
            (i,) = held.rows(model.capacity_limit[index])
            assert names[i] == ("capacity_limit", index)


def test_the_same_plan_and_figures_with_and_without_the_release(
        absheron_data: ChainData) -> None:
    """The same plan, objective and held LP's duals whether the rows were let go."""
    solved = []
    for release in (False, True):
        m = build_model(absheron_data)
        result = solve.solve_model(m, SETTINGS, let_go=release)
        lp = solve.marginal_values(m, SETTINGS)
        solved.append((result.objective, [v.value for v in m.component_data_objects(pyo.Var)],
                       lp.duals))
    assert solved[0] == solved[1]


def test_a_run_releases_the_rows_and_reads_none_of_them_again(
        absheron_outcome: RunOutcome) -> None:
    """``solve_workbook`` lets go of the rows, and nothing after the solve (the
    explanations, the check, the shared limits) reads one again: each would make its
    row anew and hold it to the end of the run."""
    assert absheron_outcome.status is SolveStatus.OPTIMAL
    assert absheron_outcome.model is not None
    rows = _rule_rows(absheron_outcome.model)
    assert rows and all(type(r) is ReleasedRow for r in rows)


def test_a_release_that_fails_half_way_leaves_a_consistent_model(
        model: pyo.ConcreteModel, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Only memory is at stake: the solve goes on, the log says why, and the compiled row
    list still names the model's own row objects (some let go, some not)."""

    def half(m: pyo.ConcreteModel) -> int:
        component = m.material_balance
        for index in list(component._data)[:5]:
            empty = ReleasedRow(component=component)
            empty._index = index
            component._data[index] = empty
        raise MemoryError("no memory left")

    monkeypatch.setattr(solve, "release_formulation_rows", half)
    result = solve.solve_model(model, SETTINGS, let_go=True)
    assert result.status is SolveStatus.OPTIMAL
    assert "could not let go of the model's rows" in caplog.text
    session = solve._session(model)
    assert all(con is solve._row_in_model(con) for con, _s in session.rows)
    assert sum(type(con) is ReleasedRow for con, _s in session.rows) == 5


def test_the_rows_are_let_go_once_the_solver_process_has_the_model(
        model: pyo.ConcreteModel, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not while the model's file is written (the two would share the GIL), and not
    after the solve: between the two."""
    events: list[str] = []
    take, release = solve.standby.take, solve.release_formulation_rows
    save = solve.save_arrays

    def saved(*a: Any) -> Any:
        events.append("file")
        return save(*a)

    def taken(folder: Any) -> Any:
        events.append("process")
        return take(folder)

    def released(m: pyo.ConcreteModel) -> int:
        events.append("release")
        return release(m)

    monkeypatch.setattr(solve, "save_arrays", saved)
    monkeypatch.setattr(solve.standby, "take", taken)
    monkeypatch.setattr(solve, "release_formulation_rows", released)
    result = solve.solve_model(model, SETTINGS, let_go=True,
                               on_handoff=lambda: events.append("hand-off"))
    assert result.status is SolveStatus.OPTIMAL
    assert events == ["hand-off", "file", "process", "release"]


def _arrays(session: Any) -> dict[str, Any]:
    a = session.arrays
    return {name: np.array(getattr(a, name)) for name in (
        "cost", "offset", "maximize", "col_lower", "col_upper", "row_lower", "row_upper",
        "a_start", "a_index", "a_value", "integer")}


@pytest.mark.parametrize("fails", [False, True])
def test_the_arrays_are_set_aside_while_highs_solves(
        model: pyo.ConcreteModel, absheron_data: ChainData, monkeypatch: pytest.MonkeyPatch,
        fails: bool) -> None:
    """The run's own copy of the compiled arrays is let go while the solver process has
    them, and read back, the same, when the solve ends, even by an error or a signal."""
    reference = _arrays(solve._Session(build_model(absheron_data)))
    held: list[bool] = []
    watch = solve._watch

    def watched(*a: Any, **k: Any) -> Any:
        held.append(hasattr(solve._session(model), "arrays"))
        if fails:
            raise KeyboardInterrupt
        return watch(*a, **k)

    monkeypatch.setattr(solve, "_watch", watched)
    if fails:
        with pytest.raises(KeyboardInterrupt):
            solve.solve_model(model, SETTINGS, let_go=True)
    else:
        assert solve.solve_model(model, SETTINGS, let_go=True).status is SolveStatus.OPTIMAL
    assert held == [False]
    after = _arrays(solve._session(model))
    assert after.keys() == reference.keys()
    assert all(np.array_equal(after[k], reference[k]) and after[k].dtype == reference[k].dtype
               for k in reference)


def test_a_solve_that_does_not_let_go_keeps_its_arrays(
        model: pyo.ConcreteModel, monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[bool] = []
    watch = solve._watch

    def watched(*a: Any, **k: Any) -> Any:
        held.append(hasattr(solve._session(model), "arrays"))
        return watch(*a, **k)

    monkeypatch.setattr(solve, "_watch", watched)
    assert solve.solve_model(model, SETTINGS).status is SolveStatus.OPTIMAL
    assert held == [True]
    assert all(type(r) is ConstraintData for r in _rule_rows(model))


def test_only_the_reduced_costs_asked_for_are_kept(model: pyo.ConcreteModel) -> None:
    """The explanations read the reduced costs of purchases and sales only; the others
    (every flow and recipe input) are not kept, and those kept are the same."""
    from optimizer.explain import REDUCED_COSTS_READ

    assert solve.solve_model(model, SETTINGS).status is SolveStatus.OPTIMAL
    every = solve.marginal_values(model, SETTINGS)
    kept = solve.marginal_values(model, SETTINGS, REDUCED_COSTS_READ)
    assert set(every.reduced_costs) > set(REDUCED_COSTS_READ) == set(kept.reduced_costs)
    assert all(kept.reduced_costs[n] == every.reduced_costs[n] for n in REDUCED_COSTS_READ)
    assert kept.duals == every.duals and kept.objective == every.objective
