"""The hand-off's arrays are the ones Pyomo's own standard-form compiler gives, exactly.

optimizer/standard_form.py reads the flat rows of the Pyomo model in bulk instead of
walking them with Pyomo's expression visitor (issue 12: the walk was most of the
hand-off). Pyomo stays the only formulation, so the proof is equality with
``LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)``: the same
column objects in the same order, the same (constraint, sense) rows in the same order,
bit-identical matrix, costs, right-hand sides and objective offset, on the three bundled
workbooks, synthetic cases, and small models built to reach every path (rows the bulk
reader leaves to Pyomo's visitor, repeated and cancelling terms, fixed variables,
ranges, Param coefficients, columns first seen late).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyomo.core as pyo
import pytest
from pyomo.common.errors import InfeasibleConstraintException
from pyomo.core.expr.numeric_expr import LinearExpression, MonomialTermExpression
from pyomo.repn.plugins.standard_form import LinearStandardFormInfo

from models.chain.data import load_data
from models.chain.formulation import build_model
from models.validation.issues import IssueList
from optimizer._highs_child import make_highs
from optimizer.excel.read import read_workbook
from optimizer.solve import _Session
from optimizer.standard_form import pyomo_standard_form, standard_form
from tools.synthetic import raw_workbook, synthetic_tables

TEMPLATES = Path(__file__).resolve().parent.parent / "input_templates"


def assert_same(ours: LinearStandardFormInfo, pyomos: LinearStandardFormInfo) -> None:
    assert [id(v) for v in ours.columns] == [id(v) for v in pyomos.columns]
    assert [(id(c), s) for c, s in ours.rows] == [(id(c), s) for c, s in pyomos.rows]
    for name in ("A", "c"):
        a, b = getattr(ours, name), getattr(pyomos, name)
        assert a.shape == b.shape, name
        assert np.array_equal(a.indptr, b.indptr), name
        assert np.array_equal(a.indices, b.indices), name
        assert np.array_equal(a.data, b.data), name  # bit for bit, not approximately
    assert np.array_equal(np.asarray(ours.rhs, float), np.asarray(pyomos.rhs, float))
    assert np.array_equal(np.asarray(ours.c_offset, float),
                          np.asarray(pyomos.c_offset, float))
    assert list(ours.objectives) == list(pyomos.objectives)


def _workbook_model(name: str) -> pyo.ConcreteModel:
    issues = IssueList(name)
    raw = read_workbook(TEMPLATES / name, issues)
    assert raw is not None, issues.report()
    data = load_data(raw, issues)
    assert data is not None, issues.report()
    return build_model(data)


@pytest.mark.parametrize("name", ["absheron.xlsx", "metals.xlsx", "cluster.xlsx"])
def test_bundled_workbooks_compile_as_pyomo_does(name: str) -> None:
    model = _workbook_model(name)
    assert_same(standard_form(model), pyomo_standard_form(model))


@pytest.mark.parametrize(("lines", "periods"), [(30, 3), (120, 2)])
def test_synthetic_cases_compile_as_pyomo_does(lines: int, periods: int) -> None:
    tables = synthetic_tables(lines=lines, periods=periods, sites=20, markets=30, hubs=20,
                              technologies=6)
    data = load_data(raw_workbook(tables), IssueList())
    assert data is not None
    model = build_model(data)
    ours = standard_form(model)
    assert ours.A.nnz > 10 * lines  # a real model, not an empty one
    assert_same(ours, pyomo_standard_form(model))


def test_fixed_build_decisions_compile_as_pyomo_does(absheron_outcome) -> None:  # type: ignore[no-untyped-def]
    """Fixed variables (as the stochastic stage-two model fixes the builds of a plan) leave
    the columns and move their value times their coefficients to the right-hand sides, as
    in Pyomo."""
    plan = absheron_outcome.model.build
    model = _workbook_model("absheron.xlsx")
    for key, var in model.build.items():
        var.fix(round(plan[key].value or 0.0))
    assert any(v.value == 1 for v in model.build.values())
    ours = standard_form(model)
    assert not any(v.fixed for v in ours.columns)
    assert_same(ours, pyomo_standard_form(model))


def test_the_session_hands_highs_the_same_model_and_optimum(absheron_model) -> None:  # type: ignore[no-untyped-def]
    """The arrays HiGHS gets from the hand-off equal those built from Pyomo's compiler, so
    the optimum is the same one."""
    session = _Session(absheron_model)
    info = pyomo_standard_form(absheron_model)
    assert [id(v) for v in session.columns] == [id(v) for v in info.columns]
    assert np.array_equal(session.arrays.a_value, info.A.tocsc().data)
    h = make_highs(session.arrays)
    h.run()
    ours = h.getInfo().objective_function_value
    # the optimum the bundled-case tests and README state (net value, EUR)
    assert ours == pytest.approx(14_597_905.66, abs=0.01)


# ---- small models that reach every path ----------------------------------------------


def _flat(*terms: object) -> LinearExpression:
    """A flat LinearExpression as models/chain/constraints.py writes them."""
    return LinearExpression([t if not isinstance(t, tuple) else MonomialTermExpression(t)
                             for t in terms])


def _edge_model() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.I = pyo.Set(initialize=[1, 2, 3])
    m.x = pyo.Var(m.I, bounds=(0, 10))
    m.y = pyo.Var(m.I, domain=pyo.Binary)
    m.s = pyo.Var(bounds=(-1, None))
    m.late = pyo.Var(m.I, bounds=(0, 4))  # in no objective term: numbered by a row
    m.unused = pyo.Var(m.I)
    m.p = pyo.Param(mutable=True, initialize=2.5)
    m.cost = pyo.Expression(expr=_flat((3.0, m.x[1]), (2.0, m.x[2]), m.s))
    m.obj = pyo.Objective(expr=m.cost - m.y[1] - 0.5 * m.x[3] + 7, sense=pyo.maximize)
    m.flat = pyo.Constraint(expr=_flat(4.0, (1.0, m.x[1]), (-2.0, m.y[1])) <= 9)
    m.repeat = pyo.Constraint(expr=_flat((1.0, m.x[2]), (0.5, m.x[2]), m.x[3]) >= 1)
    m.cancel = pyo.Constraint(expr=_flat((1.0, m.x[1]), (-1.0, m.x[1])) <= 3)  # 0 <= 3
    m.zero = pyo.Constraint(expr=_flat((0.0, m.x[2]), (1.0, m.x[3])) == 2)
    m.range = pyo.Constraint(expr=pyo.inequality(-2, _flat((1.0, m.x[1]), m.y[2]), 5))
    m.param = pyo.Constraint(expr=_flat((m.p, m.x[1]), m.x[2]) <= 8)  # the walker's
    m.operators = pyo.Constraint(expr=m.x[1] + 2 * m.y[3] - m.s >= -4)  # the walker's
    m.first_late = pyo.Constraint(expr=_flat((1.0, m.late[2]), (1.0, m.x[1])) <= 6)
    m.second_late = pyo.Constraint(expr=_flat((1.0, m.late[1]), (2.0, m.y[2])) <= 3)
    m.two_constants = pyo.Constraint(expr=_flat(1.0, (1.0, m.x[3]), 2.0) <= 8)
    m.single = pyo.Constraint(expr=m.x[2] <= 7)
    m.bounds_only = pyo.Constraint(expr=_flat((1.0, m.x[1]), m.s) == 1.5)
    m.indexed = pyo.Constraint(m.I, rule=lambda m, i: _flat((float(i), m.x[i]),
                                                            (1.0, m.late[i])) <= 10 * i)
    m.off = pyo.Constraint(expr=_flat((1.0, m.x[1])) <= 1)
    m.off.deactivate()
    return m


def test_every_path_of_the_bulk_reader_compiles_as_pyomo_does() -> None:
    m = _edge_model()
    ours = standard_form(m)
    assert_same(ours, pyomo_standard_form(m))
    names = [c.name for c, _sense in ours.rows]
    assert "cancel" not in names  # 0 <= 3 holds whatever is chosen: no row
    assert names.count("range") == 2  # mixed form: <= 5 and >= -2
    assert "off" not in names
    assert all("unused" not in v.name for v in ours.columns)


def test_fixed_variables_first_seen_or_already_numbered() -> None:
    m = _edge_model()
    m.y[1].fix(1)  # numbered by the objective before it is met in a row
    m.late[2].fix(3)  # the first of its component any row meets: a constant there
    m.x[3].fix(2)
    assert_same(standard_form(m), pyomo_standard_form(m))


def test_rows_that_cancel_and_cannot_hold_are_refused_as_pyomo_refuses_them() -> None:
    m = _edge_model()
    m.cancel.set_value(_flat(5.0, (1.0, m.x[1]), (-1.0, m.x[1])) <= 3)  # 5 <= 3
    with pytest.raises(InfeasibleConstraintException, match="cancel"):
        pyomo_standard_form(m)
    with pytest.raises(InfeasibleConstraintException, match="cancel"):
        standard_form(m)


def test_a_param_changes_the_compiled_row_as_in_pyomo() -> None:
    m = _edge_model()
    m.p = -1.0
    ours = standard_form(m)
    assert_same(ours, pyomo_standard_form(m))
    row = next(i for i, (c, _s) in enumerate(ours.rows) if c.name == "param")
    x1 = next(j for j, v in enumerate(ours.columns) if v.name == "x[1]")
    assert ours.A.toarray()[row, x1] == -1.0


def test_column_bounds_and_integrality_are_pyomos() -> None:
    """The session reads bounds on arrays, the domains asked once each
    (optimizer/solve.py ``_column_bounds``); every column must get what Pyomo's own
    ``VarData.bounds`` and ``is_integer`` say: the tighter of the variable's bound and its
    domain's (the variable's when they are equal), None as ±inf. A Param bound or an
    infinite bound goes through Pyomo one column at a time."""
    from optimizer.solve import _column_bounds, _integer_columns

    def bounds_of(m: pyo.ConcreteModel) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        columns = list(m.component_data_objects(pyo.Var))
        expected = np.array([[-np.inf if lo is None else lo, np.inf if hi is None else hi]
                             for lo, hi in (v.bounds for v in columns)])
        assert np.array_equal(_integer_columns(columns),
                              np.array([v.is_integer() for v in columns]))
        return _column_bounds(columns), expected, columns

    m = pyo.ConcreteModel()
    m.free = pyo.Var()
    m.nonneg = pyo.Var([1, 2, 3], domain=pyo.NonNegativeReals,
                       bounds=lambda _m, i: {1: (-5, 7), 2: (2.5, None), 3: (0, 0)}[i])
    m.binary = pyo.Var([1, 2], domain=pyo.Binary,
                       bounds=lambda _m, i: {1: (None, 0.5), 2: (-1, 3)}[i])
    m.integer = pyo.Var(domain=pyo.Integers, bounds=(-4, 9))
    m.unit = pyo.Var(domain=pyo.UnitInterval, bounds=(0.25, 2))
    ours, expected, columns = bounds_of(m)
    assert np.array_equal(ours, expected)
    at = {id(v): i for i, v in enumerate(columns)}
    assert ours[at[id(m.nonneg[1])]].tolist() == [0, 7]  # the domain's 0 wins
    assert ours[at[id(m.binary[1])]].tolist() == [0, 0.5]
    assert ours[at[id(m.free)]].tolist() == [-np.inf, np.inf]
    assert _integer_columns(columns).sum() == 3

    m.p = pyo.Param(mutable=True, initialize=4.0)
    m.by_param = pyo.Var(bounds=(None, m.p))
    m.infinite = pyo.Var(bounds=(-float("inf"), 3))
    ours, expected, _ = bounds_of(m)
    assert np.array_equal(ours, expected)
    m.p = 1.5  # a mutable Param bound is read when the model is handed off
    ours, expected, _ = bounds_of(m)
    assert ours[-2].tolist() == [-np.inf, 1.5]
