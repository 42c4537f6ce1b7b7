"""The Pyomo model's own rows as sparse arrays, without Pyomo's expression walker per row.

Pyomo stays the one source of the formulation: this module reads the constraint objects
the rules of models/chain/constraints.py built (``Constraint.construct``), it writes no
row of its own. What it replaces is only the *reading*: Pyomo's
``LinearStandardFormCompiler`` walks every constraint body with its general expression
visitor (a Python object, a dispatch and a dict per row, a function call per term), which
was 70 % of the hand-off at national scale (issue 12). The large constraints are already
flat ``LinearExpression`` objects whose arguments are numbers, variables and
``coefficient * variable`` monomials; for those rows the coefficients are read straight
into the arrays, and everything else (any other expression, a coefficient that is a
Param, a fixed variable seen before its component, a template constraint, a component
the compiler does not know) is read by Pyomo's own visitor or compiler. The result is a
``LinearStandardFormInfo`` in mixed form with no sense flipped, the one
``LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)`` returns:
the same columns in the same order (whole variable components in order of first use,
unused columns dropped), the same rows, coefficients summed and zeros dropped the same
way, the same right-hand sides. tests/test_standard_form.py holds the two equal, array
for array, on the bundled, metals and cluster cases, synthetic tiers and edge cases.
"""

from __future__ import annotations

import itertools
from operator import attrgetter, is_, itemgetter
from typing import Any

import numpy as np
import pyomo.core as pyo
from pyomo.common.errors import (
    InfeasibleConstraintException,
    InvalidConstraintError,
    InvalidExpressionError,
)
from pyomo.common.gc_manager import PauseGC
from pyomo.common.numeric_types import native_numeric_types, native_types, value
from pyomo.core.base import (
    Block,
    Constraint,
    Expression,
    ExternalFunction,
    Objective,
    Param,
    RangeSet,
    Set,
    Suffix,
    Var,
)
from pyomo.core.base.constraint import ConstraintData
from pyomo.core.base.expression import ExpressionData, ScalarExpression
from pyomo.core.base.var import VarData
from pyomo.core.expr.numeric_expr import (
    LinearExpression,
    MonomialTermExpression,
    NegationExpression,
    SumExpression,
)
from pyomo.core.expr.relational_expr import EqualityExpression, InequalityExpression
from pyomo.network import Port
from pyomo.repn.linear import LinearRepnVisitor
from pyomo.repn.plugins import standard_form as standard_form_plugin
from pyomo.repn.plugins.standard_form import (
    LinearStandardFormCompiler,
    LinearStandardFormInfo,
    RowEntry,
)
from pyomo.repn.util import (
    FileDeterminism,
    FileDeterminism_to_SortComponents,
    categorize_valid_components,
)

from optimizer.lean_imports import unhook_pyomo_import_finalizers


def _compile_with_scipy_sparse_only() -> None:
    """Give Pyomo's standard-form compiler the scipy.sparse array types directly.

    Left alone, the compiler reaches scipy through Pyomo's deferred import, whose finalizer
    imports scipy.stats, scipy.integrate and scipy.spatial as well (see
    optimizer/lean_imports.py): 1.5-2.5 s on the first solve of every process, for modules
    nothing here uses. The compiler exposes these three hooks as class attributes for
    exactly this purpose.
    """
    impl = getattr(standard_form_plugin, "_LinearStandardFormCompiler_impl", None)
    if impl is None or getattr(impl, "_to_vector", "missing") is not None:
        return  # already set (by us or by Pyomo itself), or not the compiler we know
    unhook_pyomo_import_finalizers()
    import scipy.sparse

    impl._to_vector = np.fromiter
    impl._csc_matrix = scipy.sparse.csc_array
    impl._csr_matrix = scipy.sparse.csr_array


_compile_with_scipy_sparse_only()


# The compiler's defaults (file_determinism=ORDERED, no column or row order given): the
# order in which components and their indices are visited.
_SORTER = FileDeterminism_to_SortComponents(FileDeterminism.ORDERED)
_VALID = {Block, Constraint, Var, Param, Expression, ExternalFunction, Set, RangeSet, Port}


def pyomo_standard_form(model: pyo.ConcreteModel) -> LinearStandardFormInfo:
    """Pyomo's own compiler, as the hand-off called it before (the reference in tests)."""
    with PauseGC():
        return LinearStandardFormCompiler().write(model, mixed_form=True, set_sense=None)


def standard_form(model: pyo.ConcreteModel) -> LinearStandardFormInfo:
    """``pyomo_standard_form(model)``, reading flat linear rows without the walker."""
    component_map, unknown = categorize_valid_components(
        model, active=True, sort=_SORTER, valid=_VALID, targets={Suffix, Objective})
    if unknown or component_map[Suffix]:
        return pyomo_standard_form(model)  # Pyomo's errors and warnings, as they were
    try:
        with PauseGC():
            return _Compiler(model).write()
    except _Template:
        return pyomo_standard_form(model)


class _Template(Exception):
    """A template constraint or objective (Pyomo's templatised rules): Pyomo reads those."""


class _Recorder:
    """Pyomo's ``TemplateVarRecorder`` without what only template rows need (its symbol
    table per index): the same columns in the same order, every variable of a component
    (fixed ones too) numbered when the first of them is seen."""

    def __init__(self, var_map: dict[int, Any]) -> None:
        self.var_map = var_map
        self.var_order: dict[int, int] = {}
        self._components: set[int] = set()

    def add(self, var: Any) -> None:
        component = var.parent_component()
        if id(component) in self._components:
            return
        self._components.add(id(component))
        variables = list(component.values(_SORTER))
        ids = list(map(id, variables))
        start = len(self.var_map)
        self.var_map.update(zip(ids, variables, strict=True))
        self.var_order.update(zip(ids, range(start, start + len(ids)), strict=True))


class _Compiler:
    """One write: the objective part by part, the rows in bulk where they are flat, every
    other part or row by Pyomo's visitor, all numbering columns with one recorder."""

    def __init__(self, model: pyo.ConcreteModel) -> None:
        self.model = model
        self.var_map: dict[int, Any] = {}
        # a variable first seen adds its whole component, in the component's index order,
        # as Pyomo's compiler records them (the walker below, for the objective and any
        # row it reads, shares the recorder)
        self.recorder = _Recorder(self.var_map)
        self.visitor = LinearRepnVisitor({}, var_recorder=self.recorder)

    def write(self) -> LinearStandardFormInfo:
        objectives = list(self.model.component_data_objects(
            Objective, active=True, descend_into=True, sort=_SORTER))
        obj_cols: list[int] = []
        obj_vals: list[float] = []
        obj_ptr = [0]
        obj_offset: list[float] = []
        for obj in objectives:
            if hasattr(obj, "template_expr"):
                raise _Template
            cols, vals, constant = self._objective(obj)
            obj_cols.extend(cols)
            obj_vals.extend(vals)
            obj_ptr.append(len(obj_cols))
            obj_offset.append(constant)
        cons = list(self.model.component_data_objects(Constraint, active=True,
                                                      descend_into=True, sort=_SORTER))
        if any(hasattr(con, "template_expr") for con in cons
               if con.__class__ is not ConstraintData):
            raise _Template
        rows = _Rows(cons, _bounded(cons))
        rows.read_flat(self.recorder.var_order)
        for i in np.flatnonzero(~rows.fast).tolist():  # in order: they may add columns
            rows.set_slow(i, self._read(cons[i], rows.bounded[i]))
        columns = list(self.var_map.values())
        c = _csc(np.array(obj_vals, float), np.array(obj_cols, np.int32),
                 np.array(obj_ptr, np.int32), len(columns))
        entries, A, rhs = rows.matrix(len(columns))
        c, A, rhs, offset, columns = _drop_unused_and_fixed_columns(
            c, A, rhs, np.array(obj_offset, dtype=float), columns)
        return LinearStandardFormInfo(c, offset, A, rhs, entries, columns, objectives, [])

    def _objective(self, obj: Any) -> tuple[list[int], list[float], Any]:
        """Columns, coefficients and constant of the objective, as the walker sums them.

        The objective is a sum of named parts (revenue, each cost), most of them, negated
        or not, one flat LinearExpression: those are read term by term (``_linear``), the
        others by the walker, in order (so columns are numbered in the same order). The
        walker sums a part's repeated variables first, then adds the part, times -1 if
        negated, to the total; zeros are dropped at the end. The same here, with the
        same additions in the same order, so the sums are the same to the last bit.
        """
        expr = obj.expr
        parts: list[tuple[np.ndarray, np.ndarray, int]] = []  # columns, values, sign
        constant: Any = 0
        if expr.__class__ is not SumExpression:
            return self._walked(obj, expr)
        for arg in expr.args:
            sign, part = 1, arg
            if part.__class__ is NegationExpression:
                sign, part = -1, part.args[0]
            read = None
            if (part.__class__ in _NAMED and part.expr.__class__ is LinearExpression
                    and id(part) not in self.visitor.subexpression_cache):
                read = self._linear(part.expr)
            if read is None:  # anything else, sign and all, as the walker reads it
                sign = 1
                cols, vals, const = self._walked(obj, arg)
            else:
                cols, vals, const = read
            parts.append((np.array(cols, dtype=np.int64), np.array(vals, dtype=float), sign))
            if const:
                constant += sign * const
        n = len(self.var_map)
        total = np.zeros(n)
        for cols_, vals_, sign in parts:
            total += sign * np.bincount(cols_, weights=vals_, minlength=n)
        nonzero = np.flatnonzero(total)
        return nonzero.tolist(), total[nonzero].tolist(), constant

    def _walked(self, component: Any, expr: Any, constraint: bool = False,
                ) -> tuple[list[int], list[float], Any]:
        """``expr`` read by Pyomo's visitor: columns, coefficients and constant; a
        nonlinear term is refused as the compiler refuses it, naming the objective (or,
        with ``constraint``, the constraint) ``component``."""
        repn = self.visitor.walk_expression(expr)
        if repn.nonlinear is not None:
            error = InvalidConstraintError if constraint else InvalidExpressionError
            what = "constraint" if constraint else "objective"
            raise error(
                f"Model {what} ({component.name}) contains nonlinear terms that cannot be "
                "compiled to standard (linear) form.")
        order = self.recorder.var_order
        return [order[i] for i in repn.linear], list(repn.linear.values()), repn.constant

    def _read(self, con: Any, bounded: tuple[Any, Any, Any]) -> _Read | None:
        """One row the bulk reader left, term by term as the compiler reads it: bounds,
        columns, coefficients and constant; None when the compiler writes no row."""
        lb, body, ub = bounded
        if lb.__class__ not in native_types:
            lb = value(lb)
        if ub.__class__ not in native_types:
            ub = value(ub)
        if lb is None and ub is None:
            return None  # nothing to write, as the compiler skips it
        read = self._linear(body)
        if read is None:  # not a plain linear row: Pyomo's visitor reads it
            read = self._walked(con, body, constraint=True)
        cols, vals, offset = read
        if not cols and offset.__class__ in native_types:
            _decide_constant(con, lb, ub, offset)
            return None
        return lb, ub, cols, vals, offset

    def _linear(self, body: Any) -> tuple[list[int], list[float], float] | None:
        """Columns, coefficients and constant of a flat linear body, or None.

        The walker's ``_before_linear`` and ``record_monomial``, term for term, without
        its per-row objects: numbers add to the constant; a variable not yet mapped adds
        its component (one it would treat as a constant, a fixed variable seen first,
        sends the row to the walker); repeated variables are summed and zero sums dropped
        later, on the matrix, as the walker's dict would have.
        """
        cls = body.__class__
        if cls is LinearExpression:
            args = body.args
        elif cls is MonomialTermExpression or (cls not in native_types
                                               and body.is_variable_type()):
            args = (body,)
        else:
            return None
        order = self.recorder.var_order
        get = order.get
        cols: list[int] = []
        vals: list[float] = []
        const = 0
        for arg in args:
            acls = arg.__class__
            if acls is MonomialTermExpression:
                coef, var = arg._args_
                if coef.__class__ not in native_numeric_types:
                    return None
            elif acls in native_numeric_types:
                const += arg
                continue
            elif acls not in native_types and arg.is_variable_type():
                coef, var = 1, arg
            else:
                return None
            i = get(id(var))
            if i is None:
                if var.fixed:
                    return None
                self.recorder.add(var)
                i = order[id(var)]
            cols.append(i)
            vals.append(coef)
        return cols, vals, 0 + const  # the walker's constant starts at 0 as well


def _bounded(cons: list[Any]) -> list[tuple[Any, Any, Any]]:
    """``con.to_bounded_expression()`` of every constraint: a row ``body <= number``,
    ``number <= body`` or ``==`` (the rules' rows) is split here as Pyomo splits it,
    without a method call and an ``args`` copy per row; any other row asks Pyomo."""
    out: list[tuple[Any, Any, Any]] = []
    append = out.append
    for con in cons:
        expr = con._expr
        cls = expr.__class__
        if cls is InequalityExpression or cls is EqualityExpression:
            lhs, rhs = expr._args_
            if rhs.__class__ in native_types:
                append((rhs if cls is EqualityExpression else None, lhs, rhs))
                continue
            if lhs.__class__ in native_types:
                append((lhs, rhs, lhs if cls is EqualityExpression else None))
                continue
        append(con.to_bounded_expression())
    return out


_Read = tuple[Any, Any, list[int], list[float], Any]  # lb, ub, columns, values, constant
_PLAIN = {type(None), float, int}
_NAMED = {ExpressionData, ScalarExpression}


def _decide_constant(con: Any, lb: Any, ub: Any, offset: Any) -> None:
    """A row without a coefficient: written nowhere if it holds, refused if it cannot."""
    if not ((lb is None or lb <= offset) and (ub is None or ub >= offset)):
        raise InfeasibleConstraintException(
            f"model contains a trivially infeasible constraint, '{con.name}'")


class _Rows:
    """Every active constraint in the compiler's order, read in bulk where it is flat.

    A row is *flat* when its body is one ``LinearExpression`` of numbers (at most one),
    ``coefficient * variable`` monomials with number coefficients and plain variables,
    every variable already numbered (so the row adds no column, and rows read out of
    order cannot change the column order), with number bounds. Its terms are read with
    numpy over all rows at once; every other row is read one by one in order
    (``set_slow``). Repeated variables and zero coefficients are summed and dropped on the
    matrix, in the order the walker sums them.
    """

    def __init__(self, cons: list[Any], bounded: list[tuple[Any, Any, Any]]) -> None:
        n = len(cons)
        self.cons, self.bounded = cons, bounded
        self.fast = np.zeros(n, dtype=bool)
        self.skip = np.zeros(n, dtype=bool)
        self.lower = np.full(n, np.nan)
        self.upper = np.full(n, np.nan)
        self.offset = np.zeros(n)
        self.parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # row, col, value
        self._slow_rows: list[int] = []
        self._slow_cols: list[int] = []
        self._slow_vals: list[float] = []

    def read_flat(self, order: dict[int, int]) -> None:
        n = len(self.bounded)
        lbs = list(map(itemgetter(0), self.bounded))
        bodies = list(map(itemgetter(1), self.bounded))
        ubs = list(map(itemgetter(2), self.bounded))
        unbounded = (np.fromiter(map(is_, lbs, itertools.repeat(None)), bool, n)
                     & np.fromiter(map(is_, ubs, itertools.repeat(None)), bool, n))
        cand = np.flatnonzero(_of_class(bodies, {LinearExpression}) & _of_class(lbs, _PLAIN)
                              & _of_class(ubs, _PLAIN) & ~unbounded)
        if not len(cand):
            return
        if len(cand) < n:
            picked = cand.tolist()
            bodies = [bodies[i] for i in picked]
            lbs = [lbs[i] for i in picked]
            ubs = [ubs[i] for i in picked]
        lower = np.array(lbs, dtype=float)  # None: nan, as the other rows' missing bounds
        upper = np.array(ubs, dtype=float)
        arglists = list(map(attrgetter("args"), bodies))
        del lbs, ubs, bodies
        lens = np.fromiter(map(len, arglists), np.int64, len(cand))
        flat = np.fromiter(itertools.chain.from_iterable(arglists), object, int(lens.sum()))
        del arglists
        kind = np.fromiter(map(_KIND.get, map(type, flat), itertools.repeat(3)), np.int8,
                           len(flat))
        row = np.repeat(np.arange(len(cand)), lens)
        bad = np.zeros(len(cand), dtype=bool)
        bad[row[kind == 3]] = True  # anything else: Params, expressions, other classes
        mono = np.flatnonzero(kind == 0)
        pairs = list(map(attrgetter("_args_"), flat[mono]))
        coefs = list(map(itemgetter(0), pairs))
        plain = (np.ones(len(coefs), dtype=bool)
                 if set(map(type, coefs)) <= native_numeric_types else
                 np.fromiter(map(native_numeric_types.__contains__, map(type, coefs)), bool,
                             len(coefs)))
        bad[row[mono[~plain]]] = True  # a Param coefficient: the walker evaluates it
        value_of = np.ones(len(flat))
        value_of[mono] = (np.array(coefs, dtype=float) if plain.all() else
                          [c if ok else 0.0 for c, ok in zip(coefs, plain, strict=True)])
        ids = np.zeros(len(flat), dtype=np.int64)
        ids[mono] = np.fromiter(map(id, map(itemgetter(1), pairs)), np.int64, len(pairs))
        bare = np.flatnonzero(kind == 1)
        ids[bare] = np.fromiter(map(id, flat[bare]), np.int64, len(bare))
        const = np.flatnonzero(kind == 2)
        constants = flat[const].astype(float)
        del pairs, coefs, flat  # the largest intermediates: the model's peak memory
        term = np.flatnonzero(kind <= 1)
        cols = _columns(order, ids[term])
        del ids
        bad[row[term[cols < 0]]] = True  # a variable not numbered yet: read in order
        bad[np.bincount(row[const], minlength=len(cand)) > 1] = True
        bad[np.bincount(row[term], minlength=len(cand)) == 0] = True
        good = cand[~bad]
        self.fast[good] = True
        self.offset[cand[row[const]]] = constants
        self.lower[good], self.upper[good] = lower[~bad], upper[~bad]
        keep = ~bad[row[term]]
        self.parts.append((cand[row[term[keep]]], cols[keep], value_of[term[keep]]))

    def set_slow(self, i: int, read: _Read | None) -> None:
        if read is None:
            self.skip[i] = True
            return
        lb, ub, cols, vals, offset = read
        self.lower[i], self.upper[i] = _nan_if_none(lb), _nan_if_none(ub)
        self.offset[i] = offset
        self._slow_rows.extend([i] * len(cols))
        self._slow_cols.extend(cols)
        self._slow_vals.extend(vals)

    def matrix(self, n_cols: int) -> tuple[list[RowEntry], Any, np.ndarray]:
        """The rows written (mixed form: ``==`` once, a range as ``<=`` then ``>=``), the
        matrix in CSC, the right-hand sides."""
        lower, upper = self.lower, self.upper
        skip = self.skip | (np.isnan(lower) & np.isnan(upper))
        equal = (lower == upper) & ~skip
        has_upper = ~np.isnan(upper) & ~equal & ~skip
        has_lower = ~np.isnan(lower) & ~equal & ~skip
        count = equal.astype(np.int64) + has_upper + has_lower
        src = np.repeat(np.arange(len(count)), count)
        nth = np.arange(len(src)) - np.repeat(np.cumsum(count) - count, count)
        sense = np.where(equal[src], 0, np.where(has_upper[src] & (nth == 0), 1, -1))
        rhs = np.where(sense == -1, lower[src], upper[src]) - self.offset[src]
        # the terms of every source row, in row order, then gathered per written row
        if self._slow_rows or len(self.parts) != 1:
            parts = [*self.parts, (np.array(self._slow_rows, np.int64),
                                   np.array(self._slow_cols, np.int64),
                                   np.array(self._slow_vals, float))]
            t_row = np.concatenate([p[0] for p in parts])
            by_row = np.argsort(t_row, kind="stable")
            t_row = t_row[by_row]
            t_col = np.concatenate([p[1] for p in parts])[by_row]
            t_val = np.concatenate([p[2] for p in parts])[by_row]
            del parts, by_row
        else:  # all rows flat: their terms are in row order already
            t_row, t_col, t_val = self.parts[0]
        self.parts = []
        per_row = np.bincount(t_row, minlength=len(count))
        del t_row
        lens = per_row[src]
        indptr = np.concatenate(([0], np.cumsum(lens))).astype(np.int32)
        if (count <= 1).all() and not per_row[count == 0].any():
            cols, vals = t_col, t_val  # each row written once, in order: no gathering
        else:
            first = np.cumsum(per_row) - per_row
            take = (np.repeat(first[src] - (np.cumsum(lens) - lens), lens)
                    + np.arange(int(lens.sum())))
            cols, vals = t_col[take], t_val[take]
        del t_col, t_val
        A = _csc(vals, cols.astype(np.int32), indptr, n_cols)
        cons = self.cons
        entries = list(map(RowEntry, map(cons.__getitem__, src.tolist()), sense.tolist()))
        return self._drop_cancelled(entries, A, rhs, src)

    def _drop_cancelled(self, entries: list[RowEntry], A: Any, rhs: np.ndarray,
                        src: np.ndarray) -> tuple[list[RowEntry], Any, np.ndarray]:
        """Rows whose terms summed to zero: the compiler never writes them (a constant
        that holds) or refuses the model (one that cannot hold)."""
        empty = np.flatnonzero(np.bincount(A.indices, minlength=A.shape[0]) == 0)
        if not len(empty):
            return entries, A, rhs
        keep = np.ones(len(entries), dtype=bool)
        for r in empty:
            i = src[r]
            lb, ub = self.lower[i], self.upper[i]
            _decide_constant(self.cons[i], None if np.isnan(lb) else lb,
                             None if np.isnan(ub) else ub, self.offset[i])
            keep[r] = False
        new_index = (np.cumsum(keep) - 1).astype(np.int32)
        A = type(A)((A.data, new_index[A.indices], A.indptr),
                    shape=(int(keep.sum()), A.shape[1]))
        return [e for e, k in zip(entries, keep, strict=True) if k], A, rhs[keep]


def _columns(order: dict[int, int], ids: np.ndarray) -> np.ndarray:
    """The column of each variable id, -1 where it has none yet: a sorted search over
    the numbered ids (one dict look-up per term was most of the bulk read)."""
    known = np.fromiter(order.keys(), np.int64, len(order))
    number = np.fromiter(order.values(), np.int64, len(order))
    by_id = np.argsort(known)
    known, number = known[by_id], number[by_id]
    at = np.minimum(np.searchsorted(known, ids), max(len(known) - 1, 0))
    if not len(known):
        return np.full(len(ids), -1, dtype=np.int64)
    return np.where(known[at] == ids, number[at], -1)


def _of_class(values: list[Any], classes: set[type]) -> np.ndarray:
    return np.fromiter(map(classes.__contains__, map(type, values)), bool, len(values))


def _nan_if_none(x: Any) -> float:
    return np.nan if x is None else float(x)


_KIND = {MonomialTermExpression: 0, VarData: 1, **{t: 2 for t in native_numeric_types}}


def _csc(vals: np.ndarray, cols: np.ndarray, indptr: np.ndarray, n_cols: int) -> Any:
    """Rows (CSR with repeated columns) to CSC, repeats summed and zeros dropped, as
    Pyomo's ``_create_csc`` does."""
    import scipy.sparse

    csr = scipy.sparse.csr_array((vals, cols, indptr), shape=(len(indptr) - 1, n_cols))
    A = csr.tocsc()
    if len(vals):
        A.sum_duplicates()
        A.eliminate_zeros()
    return A


def _drop_unused_and_fixed_columns(c: Any, A: Any, rhs: np.ndarray, offset: np.ndarray,
                                   columns: list[Any]) -> tuple[Any, Any, np.ndarray,
                                                                np.ndarray, list[Any]]:
    """The compiler's last step: columns without a coefficient go; fixed ones move their
    value times their coefficients to the right-hand sides and the objective's offset."""
    import scipy.sparse

    active = (np.diff(A.indptr) > 0) | (np.diff(c.indptr) > 0)
    fixed = np.fromiter(map(attrgetter("fixed"), columns), bool, len(columns)) & active
    if fixed.any():
        x = np.array([columns[i].value for i in np.flatnonzero(fixed)])
        offset = offset + c[:, fixed] @ x
        rhs = rhs - A[:, fixed] @ x
        active &= ~fixed
        return (c[:, active], A[:, active], rhs, offset,
                [v for k, v in zip(active, columns, strict=True) if k])
    if active.all():
        return c, A, rhs, offset, columns
    mask = np.concatenate((active, [True]))
    kept = [v for k, v in zip(active, columns, strict=True) if k]
    c = scipy.sparse.csc_array((c.data, c.indices, c.indptr[mask]), shape=(c.shape[0],
                                                                           len(kept)))
    A = scipy.sparse.csc_array((A.data, A.indices, A.indptr[mask]), shape=(A.shape[0],
                                                                           len(kept)))
    return c, A, rhs, offset, kept
