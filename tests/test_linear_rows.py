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
