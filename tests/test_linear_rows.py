"""The flat rows of models/chain/constraints.py are the rows Pyomo makes from the operators.

The large constraints are written from (coefficient, variable) terms into one
LinearExpression per row (``_relation``), because the nested expressions Python's
operators build made most of the build and hand-off time. Duals are read by row and their
sign means something in the explanations, so the compiled row must be the operator form's
exactly: the same coefficients in the same column order, the same sense and the same bound.
Each case below compiles ``lhs (<=, >=, ==) rhs`` both ways and compares.
"""

from __future__ import annotations

import numpy as np
import pyomo.core as pyo
import pytest
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

import optimizer.solve  # noqa: F401  (sets the compiler's scipy.sparse hooks)
from models.chain.constraints import _relation

CASES = [  # lhs terms as (coef, var name), lhs constant, sense, rhs terms, rhs constant
    ([(1.0, "x"), (1.0, "y")], 0.0, "<=", [(40.0, "b")], 0.0),    # capacity_limit, new line
    ([(1.0, "x"), (1.0, "y")], 0.0, "<=", [], 40.0),              # ... existing line
    ([(1.0, "x"), (1.0, "y")], 0.0, ">=", [(0.3, "x"), (0.3, "y")], 0.0),  # share_floor
    ([(1.0, "x")], 0.0, ">=", [(12.0, "b")], 0.0),                # utilisation_floor
    ([(1.0, "x")], 0.0, ">=", [], 5.0),                           # a constant floor
    ([], 0.0, "<=", [(2.0, "b")], 0.0),                           # no throughput terms
    ([(1.0, "s")], 0.0, ">=", [(1.0, "x")], -7.5),                # price_tier_excess
    ([(1.0, "x"), (-1.0, "y"), (0.8, "x")], 0.0, "==", [], 0.0),  # material_balance
]


def _compiled(m: pyo.ConcreteModel) -> tuple[np.ndarray, list[int], np.ndarray, list[str]]:
    info = LinearStandardFormCompiler().write(m, mixed_form=True)
    return (info.A.toarray(), [s for _c, s in info.rows], np.asarray(info.rhs),
            [v.name for v in info.columns])


def _model() -> pyo.ConcreteModel:
    m = pyo.ConcreteModel()
    m.x, m.y, m.s = pyo.Var(), pyo.Var(), pyo.Var()
    m.b = pyo.Var(domain=pyo.Binary)
    m.obj = pyo.Objective(expr=m.x + m.y + m.s + m.b)
    m.constant_violations = []
    return m


def _operator_form(m: pyo.ConcreteModel, lhs, lc, sense, rhs, rc):  # type: ignore[no-untyped-def]
    left = sum(c * getattr(m, v) for c, v in lhs) + lc
    right = sum(c * getattr(m, v) for c, v in rhs) + rc
    return left <= right if sense == "<=" else left >= right if sense == ">=" else left == right


@pytest.mark.parametrize("case", CASES)
def test_relation_compiles_to_the_operator_forms_row(case) -> None:  # type: ignore[no-untyped-def]
    lhs, lc, sense, rhs, rc = case
    ours, theirs = _model(), _model()
    ours.c = pyo.Constraint(expr=_relation(
        ours, "c", (), [(c, getattr(ours, v)) for c, v in lhs], lc, sense,
        [(c, getattr(ours, v)) for c, v in rhs], rc))
    theirs.c = pyo.Constraint(expr=_operator_form(theirs, lhs, lc, sense, rhs, rc))
    a, b = _compiled(ours), _compiled(theirs)
    assert np.array_equal(a[0], b[0])  # coefficients, column by column
    assert a[1] == b[1]  # sense of the row
    assert np.array_equal(a[2], b[2])  # its bound
    assert a[3] == b[3]  # column order


def test_a_limit_without_variables_is_decided_not_written() -> None:
    """No decision enters: it holds (skipped) or can never hold (recorded as a violation)."""
    m = _model()
    assert _relation(m, "c", ("a",), [], 0.0, "<=", [], 5.0) is pyo.Constraint.Skip
    assert m.constant_violations == []
    assert _relation(m, "c", ("a",), [], 1.0, ">=", [], 5.0) is pyo.Constraint.Skip
    assert m.constant_violations == ["c['a']: 1 >= 5 cannot hold whatever is built"]


def test_the_fixed_cost_is_the_walkers_reading_of_the_operator_form() -> None:
    """cost_fixed is one flat LinearExpression (models/chain/formulation.py
    ``_fixed_cost``); Pyomo's walker must read from it exactly what it reads from
    ``sum(w_p * c_l * o_{l,p})`` written with operators: the same coefficient of every
    build variable (summed over the periods it is open in, in the same order) and the
    same constant (the existing lines' fixed cost). Three periods with discounting, a new
    line buildable in every period, a new line buildable only in the last two, an
    existing line and a line without a fixed cost: every branch of the sum. Fails if a
    period, a term or the existing lines' constant is left out or counted twice."""
    from pyomo.repn.linear import LinearRepnVisitor

    from models.chain.constraints import is_open
    from models.chain.data import load_data
    from models.chain.formulation import build_model
    from models.validation.issues import IssueList
    from tests.tiny_cases import add_line, base_case, set_periods, set_setting, update_rows
    from tools.synthetic import raw_workbook

    tables = set_periods(base_case(), ("P1", 1), ("P2", 2), ("P3", 5))
    tables = set_setting(tables, "discount_rate", 0.07)
    tables = add_line(tables, "L2", cost_fixed=2500, period_earliest="P2")
    tables = add_line(tables, "L3", cost_fixed=700)
    tables = add_line(tables, "L4", cost_fixed=0)
    tables = update_rows(tables, "Lines", {"line": "L3"}, status="existing")
    issues = IssueList()
    data = load_data(raw_workbook(tables), issues)
    assert data is not None, issues.report()
    assert set(data.lines_existing) == {"L3"}
    m = build_model(data)
    operators = sum(data.period_weight[p] * data.cost_fixed[line] * is_open(m, line, p)
                    for line in data.lines for p in data.periods)
    ours = LinearRepnVisitor({}).walk_expression(m.cost_fixed.expr)
    theirs = LinearRepnVisitor({}).walk_expression(operators)
    assert ours.constant == theirs.constant  # bit for bit, not approximately
    assert ours.constant > 0  # the existing line's cost is in it
    assert dict(ours.linear) == dict(theirs.linear)
    assert list(ours.linear) == list(theirs.linear)  # the same order: the same columns
    assert len(ours.linear) == 3 + 2  # L1 in P1-P3, L2 in P2-P3; L4 costs 0, L3 exists
    # and the hand-off's bulk reader takes the flat part, constant and all, as Pyomo does
    from optimizer.standard_form import pyomo_standard_form, standard_form
    from tests.test_standard_form import assert_same

    assert_same(standard_form(m), pyomo_standard_form(m))


def test_index_sets_stored_at_once_behave_as_the_sets_pyomo_builds() -> None:
    """models/chain/formulation.py ``_tuples`` stores an index set's members at once
    instead of letting Pyomo normalise them one by one; the set must be the one
    ``pyo.Set(initialize=..., dimen=...)`` builds: the same members in the same order
    (duplicates dropped where first seen), positions, membership, dimension, and a
    variable indexed by it with the same keys. Members that are not flat tuples of
    strings and numbers of that length go through Pyomo (which flattens or refuses them)."""
    from models.chain.formulation import _tuples

    values = [("b", 2, "p1"), ("a", 1, "p2"), ("b", 2, "p1"), ("c", 10, "p1")]
    ours, theirs = pyo.ConcreteModel(), pyo.ConcreteModel()
    ours.s = _tuples(initialize=values, dimen=3, doc="an index")
    theirs.s = pyo.Set(initialize=values, dimen=3, doc="an index")
    assert type(ours.s) is type(theirs.s)
    assert list(ours.s) == list(theirs.s) == [("b", 2, "p1"), ("a", 1, "p2"), ("c", 10, "p1")]
    assert (ours.s.dimen, len(ours.s), ours.s.doc) == (theirs.s.dimen, len(theirs.s), "an index")
    assert [ours.s.ord(v) for v in values] == [theirs.s.ord(v) for v in values]
    assert ours.s.at(3) == theirs.s.at(3) and ours.s.last() == theirs.s.last()
    assert ("a", 1, "p2") in ours.s and ("a", 1, "p1") not in ours.s
    ours.v, theirs.v = pyo.Var(ours.s), pyo.Var(theirs.s)
    assert list(ours.v.keys()) == list(theirs.v.keys())
    assert ours.v["c", 10, "p1"].index() == ("c", 10, "p1")

    ours.empty = _tuples(initialize=[], dimen=2)
    assert list(ours.empty) == [] and ours.empty.dimen == 2
    # not plain: a float member, a nested tuple (Pyomo flattens it), a wrong length
    ours.floats = _tuples(initialize=[("a", 1.5)], dimen=2)
    assert list(ours.floats) == [("a", 1.5)]
    ours.nested = _tuples(initialize=[(("a", "b"), 1)], dimen=3)
    assert list(ours.nested) == [("a", "b", 1)]
    with pytest.raises(ValueError, match="dimen"):
        ours.short = _tuples(initialize=[("a", 1), ("b",)], dimen=2)
