"""The held LP as independent blocks, for the explanations' per-line re-solves (part of
optimizer/solve.py, the only module that talks to the solver).

With every build decision held at the plan, the held LP often falls apart into blocks
that share no free column: a multi-period chain into one block per period (nothing but
build decisions links the periods). A per-line job moves only the bounds of that line's
build columns, which are held (fixed) columns: each is a constant in the rows it is in,
so moving it shifts those rows' bounds and the objective's constant, and only the blocks
holding those rows change. Their optimum moves; every other block's stays. So the job's
objective is the plan's optimum plus the constant's change plus, per changed block, the
change in that block's optimum, each block re-solved alone from its share of the plan's
basis. That is exactly the held LP's optimum (an LP of independent blocks is their sum),
found on LPs a twelfth of the size for twelve periods.

Measured on the held LP of 500 synthetic lines x 12 periods (written out, 40 jobs checked
against the whole LP: the same objective to 2e-16): 191-205 ms per job whole, 69-79 ms
in blocks. Each re-solve of a block still pays HiGHS's fixed work for its size (3.7 ms
for a block of 14,846 columns with no change at all), which is why twelve blocks cost
more than a twelfth.

``block_labels`` (which block each row and column is in) needs scipy's graph routines
and is found by the run's own process; this module imports only numpy and highspy, so a
worker process (optimizer/_held_worker.py) builds the same blocks from the labels.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from optimizer._highs_child import ModelArrays, quiet_highs
from optimizer._replan import basis_of, from_plan, lp_optimum, run_time_limit

# Components smaller than this (rows + columns) share one block: a block per stray
# column or two would cost a HiGHS instance each, and a job touching them a run each.
SMALL_BLOCK = 200
# Rows whose columns are all held have no block: a job that moves a held column in one
# only has to check its bounds, within this relative tolerance (HiGHS's own default
# primal feasibility tolerance).
FEASIBILITY_TOLERANCE = 1e-7


@dataclass
class _Block:
    h: highspy.Highs
    rows: np.ndarray  # the held LP's rows in this block, in the block's order
    cols: np.ndarray  # the held LP's columns in this block
    objective: float  # the block's optimum at the plan
    basis: highspy.HighsBasis  # ... and its optimal basis there


class HeldBlocks:
    """The held LP (``arrays`` with held ``col_lower``/``col_upper`` and the held row
    bounds) in blocks, each on a Highs of its own at its optimum of the plan.

    ``row_block``/``col_block``: the block of each row and column (``block_labels``; -1:
    a held column, or a row no block has: free, or only held columns in it).
    ``col_status``/``row_status``: the held LP's optimal basis at the plan (HiGHS's
    status numbers), each block's share of it is where the block starts. ``objective``:
    the held LP's optimum at the plan; ``usable`` is False when the blocks do not add up
    to it (then callers re-solve the whole LP, as without blocks)."""

    def __init__(self, arrays: ModelArrays, row_block: np.ndarray, col_block: np.ndarray,
                 col_status: np.ndarray | None, row_status: np.ndarray | None,
                 options: dict[str, Any], objective: float) -> None:
        self.col_lower, self.col_upper = arrays.col_lower, arrays.col_upper
        self.row_lower, self.row_upper = arrays.row_lower, arrays.row_upper
        self.a_start, self.a_index, self.a_value = arrays.a_start, arrays.a_index, \
            arrays.a_value
        self.cost, self.maximize = arrays.cost, arrays.maximize
        self.row_block, self.col_block = row_block, col_block
        held = self.col_lower == self.col_upper
        # the held columns' share of each row's activity, and of the objective
        self.shift = self._activity(np.flatnonzero(held), self.col_lower[held])
        self.constant = float(arrays.offset + self.cost[held] @ self.col_lower[held])
        self.local_row = np.zeros(len(row_block), dtype=np.int32)
        self.local_col = np.zeros(len(col_block), dtype=np.int32)
        self.blocks: dict[int, _Block] = {}
        self.timed_out = False
        self.iterations = 0  # simplex iterations of the last block re-solve (bench/)
        self.usable = False
        for b in np.unique(col_block[col_block >= 0]).tolist():
            block = self._block(int(b), col_status, row_status, options)
            if block is None:
                return
            self.blocks[int(b)] = block
        self.usable = math.isclose(self._plan_total(), objective, rel_tol=1e-9, abs_tol=1e-6)

    def _plan_total(self) -> float:
        """The held LP's optimum at the plan as the blocks have it."""
        return self.constant + sum(b.objective for b in self.blocks.values())

    def _entries(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of these columns' matrix entries (column after column), and
        how many each column has."""
        starts = self.a_start[cols]
        lengths = self.a_start[cols + 1] - starts
        at = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(
            lengths.sum())
        return at, lengths

    def _activity(self, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The rows' activity of these columns at these values (all other columns 0)."""
        out = np.zeros(len(self.row_lower))
        at, lengths = self._entries(cols)
        np.add.at(out, self.a_index[at], self.a_value[at] * np.repeat(values, lengths))
        return out

    def _block(self, b: int, col_status: np.ndarray | None, row_status: np.ndarray | None,
               options: dict[str, Any]) -> _Block | None:
        """Block ``b`` on a Highs of its own, solved at the plan from its share of the
        plan's basis (None: no optimum there, which the held LP has)."""
        rows = np.flatnonzero(self.row_block == b)
        cols = np.flatnonzero(self.col_block == b)
        self.local_row[rows] = np.arange(len(rows), dtype=np.int32)
        self.local_col[cols] = np.arange(len(cols), dtype=np.int32)
        at, lengths = self._entries(cols)
        # entries in rows of no block (free rows) are dropped; every other row of a
        # column of this block is in this block
        keep = self.row_block[self.a_index[at]] == b
        per_col = np.bincount(np.repeat(np.arange(len(cols)), lengths)[keep],
                              minlength=len(cols))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(cols), len(rows)
        lp.col_cost_ = self.cost[cols]
        lp.sense_ = highspy.ObjSense.kMaximize if self.maximize else highspy.ObjSense.kMinimize
        lp.col_lower_, lp.col_upper_ = self.col_lower[cols], self.col_upper[cols]
        lp.row_lower_ = self.row_lower[rows] - self.shift[rows]
        lp.row_upper_ = self.row_upper[rows] - self.shift[rows]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.r_[0, np.cumsum(per_col)].astype(np.int32)
        lp.a_matrix_.index_ = self.local_row[self.a_index[at][keep]]
        lp.a_matrix_.value_ = self.a_value[at][keep]
        h = quiet_highs()
        h.setOptionValue("output_flag", False)
        h.passModel(lp)
        for key, value in options.items():
            if key not in ("output_flag", "log_to_console", "time_limit"):
                h.setOptionValue(key, value)
        if col_status is not None and row_status is not None:
            basis = _basis(col_status[cols], row_status[rows])
            if basis is not None:
                h.setBasis(basis)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return _Block(h, rows, cols, float(h.getInfo().objective_function_value),
                      h.getBasis())

    def solve(self, cols: dict[int, tuple[float, float]], time_limit: float
              ) -> float | None:
        """The held LP's optimum with these column bounds (None: no optimum; then
        ``timed_out`` says whether a block was stopped by ``time_limit`` seconds rather
        than found without a plan), each changed block re-solved from its optimal basis
        at the plan (``_replan.from_plan``); its bounds are put back.

        Raises ValueError for a job the blocks cannot take: a held column given a range
        rather than a value. Callers re-solve the whole LP then."""
        self.timed_out = False
        delta, row_moves, col_moves = self._moves(cols)
        # rows of no block: only their bounds to check
        loose = row_moves.pop(-1, {})
        for r, moved in loose.items():
            if not _within(self.row_lower[r] - self.shift[r] - moved,
                           self.row_upper[r] - self.shift[r] - moved):
                return None
        changed = sorted(set(row_moves) | set(col_moves))
        total = self._plan_total() + delta
        deadline = time.perf_counter() + time_limit  # for the job, not for each block
        for b in changed:
            found = self._resolve(self.blocks[b], row_moves.get(b, {}),
                                  col_moves.get(b, {}),
                                  max(deadline - time.perf_counter(), 0.01))
            if found is None:
                return None
            total += found - self.blocks[b].objective
        return total

    def _moves(self, cols: dict[int, tuple[float, float]]
               ) -> tuple[float, dict[int, dict[int, float]],
                          dict[int, dict[int, tuple[float, float]]]]:
        """The job as the objective constant's change, the row-bound shifts per block
        (block -1: rows of no block) and the free columns' new bounds per block."""
        delta = 0.0
        row_moves: dict[int, dict[int, float]] = {}
        col_moves: dict[int, dict[int, tuple[float, float]]] = {}
        for c, (lo, up) in cols.items():
            b = int(self.col_block[c])
            if b >= 0:  # a free column: its block gets the new bounds
                col_moves.setdefault(b, {})[c] = (lo, up)
                continue
            if lo != up:
                raise ValueError(f"held column {c} given a range")
            moved = lo - float(self.col_lower[c])
            if moved == 0.0:
                continue
            delta += float(self.cost[c]) * moved
            for at in range(int(self.a_start[c]), int(self.a_start[c + 1])):
                r = int(self.a_index[at])
                rb = int(self.row_block[r])
                if rb == -1 and math.isinf(self.row_lower[r]) and math.isinf(
                        self.row_upper[r]):
                    continue  # a free row
                shifts = row_moves.setdefault(rb, {})
                shifts[r] = shifts.get(r, 0.0) + float(self.a_value[at]) * moved
        return delta, row_moves, col_moves

    def _resolve(self, block: _Block, rows: dict[int, float],
                 cols: dict[int, tuple[float, float]], time_limit: float) -> float | None:
        h = block.h
        r = np.fromiter(rows, dtype=np.int64, count=len(rows))
        local_r = self.local_row[r]
        shift = np.fromiter(rows.values(), dtype=float, count=len(rows))
        base_lo = self.row_lower[r] - self.shift[r]
        base_up = self.row_upper[r] - self.shift[r]
        c = np.fromiter(cols, dtype=np.int64, count=len(cols))
        local_c = self.local_col[c]
        with from_plan(h, block.basis):
            h.setOptionValue("time_limit", run_time_limit(h, time_limit))
            try:
                if len(r):
                    h.changeRowsBounds(len(r), local_r, base_lo - shift,  # type: ignore[attr-defined]
                                       base_up - shift)
                if len(c):
                    h.changeColsBounds(
                        len(c), local_c,
                        np.array([cols[i][0] for i in c.tolist()], dtype=float),
                        np.array([cols[i][1] for i in c.tolist()], dtype=float))
                found, self.timed_out = lp_optimum(h)
                # read before the bounds are put back, which clears HiGHS's info
                self.iterations = int(h.getInfo().simplex_iteration_count)
                return found
            finally:
                if len(r):
                    h.changeRowsBounds(len(r), local_r, base_lo, base_up)  # type: ignore[attr-defined]
                if len(c):
                    h.changeColsBounds(len(c), local_c, self.col_lower[c],
                                       self.col_upper[c])


def _within(lower: float, upper: float) -> bool:
    """Whether 0 (a row with no free column) lies within these bounds, to tolerance."""
    return lower <= FEASIBILITY_TOLERANCE * (1 + abs(lower)) and \
        upper >= -FEASIBILITY_TOLERANCE * (1 + abs(upper))


def _basis(col_status: np.ndarray, row_status: np.ndarray) -> highspy.HighsBasis | None:
    """A HiGHS basis from status numbers (None: not one basic per row, as when a held
    column was basic in the whole LP's basis; the block then starts from HiGHS's own)."""
    basic = int(highspy.HighsBasisStatus.kBasic.value)
    if int((col_status == basic).sum() + (row_status == basic).sum()) != len(row_status):
        return None
    return basis_of(col_status, row_status)
