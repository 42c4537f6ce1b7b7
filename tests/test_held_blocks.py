"""The explanations' per-line held figures from the held LP's independent blocks
(optimizer/_held_blocks.py): with the build decisions held, a multi-period chain falls
apart into one block per period, and each line's figure is found by re-solving only the
blocks its build columns are in. Every figure must be the whole held LP's, here and in a
worker process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pyomo.core as pyo
import pytest

import optimizer.solve as solve
from models.chain.data import ChainData, load_data
from models.chain.formulation import build_model
from models.validation.issues import IssueList
from optimizer._held_blocks import HeldBlocks
from optimizer._held_worker import answer, answer_in_blocks, held_blocks, held_highs
from optimizer._highs_child import save_arrays
from tools.synthetic import raw_workbook, synthetic_tables

SETTINGS = solve.SolveSettings(time_limit=60, mip_gap=1e-6, threads=1)
PERIODS = 4


@pytest.fixture(scope="module")
def solved() -> tuple[pyo.ConcreteModel, ChainData]:
    """16 synthetic lines over 4 periods, solved; a few lines built."""
    tables = synthetic_tables(lines=16, periods=PERIODS, sites=6, markets=6, hubs=4,
                              technologies=6, products=6, feedstocks=5, intermediates=2)
    issues = IssueList()
    data = load_data(raw_workbook(tables), issues)
    assert data is not None, issues.report()
    model = build_model(data)
    assert solve.solve_model(model, SETTINGS).status is solve.SolveStatus.OPTIMAL
    solve.marginal_values(model, SETTINGS)  # keeps the held LP's basis, as a run does
    return model, data


@pytest.fixture()
def held(solved: tuple[pyo.ConcreteModel, ChainData]) -> Iterator[solve.HeldLP]:
    with solve.HeldLP(solved[0], SETTINGS) as lp:
        yield lp


def _line_jobs(model: pyo.ConcreteModel, data: ChainData, held: solve.HeldLP
               ) -> list[dict[int, tuple[float, float]]]:
    """Per line, what the explanations ask: a built line closed (all its build columns
    at 0), a line not built added in its first build period; and one job that builds a
    line twice, which no plan allows."""
    options: dict[str, list[int]] = {}
    for line, p in data.build_options:
        col = held.column(model.build[line, p])
        assert col is not None
        options.setdefault(line, []).append(col)
    jobs = []
    for cols in options.values():
        built = any(held.col_lower[c] > 0.5 for c in cols)
        jobs.append({c: (0.0, 0.0) for c in cols} if built else
                    {c: ((1.0, 1.0) if k == 0 else (0.0, 0.0)) for k, c in enumerate(cols)})
    twice = next(cols for cols in options.values() if len(cols) > 1)
    jobs.append({c: (1.0, 1.0) for c in twice[:2]})
    return jobs


def _whole(held: solve.HeldLP, job: dict[int, tuple[float, float]]) -> float | None:
    """The whole held LP's answer (the blocks switched off for it)."""
    blocks, held._blocks = held._blocks, False
    try:
        return held.solve(job, from_plan=True)
    finally:
        held._blocks = blocks


def test_a_multi_period_held_lp_falls_apart_into_one_block_per_period(
        held: solve.HeldLP) -> None:
    blocks = held.blocks()
    assert blocks is not None and blocks.usable
    sizes = sorted(len(b.cols) for b in blocks.blocks.values())
    assert len([s for s in sizes if s == sizes[-1]]) == PERIODS  # the periods, alike
    assert sum(sizes) == int((held.col_lower != held.col_upper).sum())


def test_every_lines_figure_in_blocks_is_the_whole_held_lps(
        solved: tuple[pyo.ConcreteModel, ChainData], held: solve.HeldLP) -> None:
    model, data = solved
    jobs = _line_jobs(model, data, held)
    assert held.blocks() is not None
    plan = held.solve()
    in_blocks = [held.solve(job, from_plan=True) for job in jobs]
    whole = [_whole(held, job) for job in jobs]
    assert in_blocks[-1] is None and whole[-1] is None  # built twice: no plan
    for a, b in zip(in_blocks, whole, strict=True):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a == pytest.approx(b, rel=1e-9, abs=1e-6)
    # figures that differ from the plan's, and lines that cannot be added alone (their
    # utilisation floor, a site's limits): both kinds are compared above
    assert plan is not None
    assert len([a for a in in_blocks if a is not None and abs(a - plan) > 1.0]) >= 4
    assert in_blocks.count(None) >= 4


def test_the_whole_held_lp_is_let_go_while_the_blocks_answer(
        solved: tuple[pyo.ConcreteModel, ChainData]) -> None:
    """The blocks hold the same LP in parts, so the whole held LP's Highs (the session's
    kept instance) is given back once they are made: at national scale it is a copy of
    the model beside them. Asked for again (a job the blocks cannot take), it is passed
    the model anew and held at the plan, with the same answers; after the explanations
    the session's next Highs is the MILP as compiled."""
    model, data = solved
    with solve.HeldLP(model, SETTINGS) as held:
        jobs = _line_jobs(model, data, held)[:6]
        col = int(np.flatnonzero(held.col_lower == held.col_upper)[0])
        whole = [_whole(held, job) for job in jobs]  # no blocks yet
        ranged = _whole(held, {col: (0.0, 1.0)})
        assert None in whole and len({w for w in whole if w is not None}) >= 2
        plan = held.solve()
        kept = held.h
        assert held._blocks is None and held.blocks() is not None
        assert held._h is None and held.session._highs is None  # given back
        again = [held.solve(job, from_plan=True) for job in jobs]
        assert [a is None for a in again] == [w is None for w in whole]
        assert [a for a in again if a is not None] == pytest.approx(
            [w for w in whole if w is not None], rel=1e-9)
        assert held._h is None  # the blocks answered alone
        # a range for a held column needs the whole LP: held again, from the plan
        assert held.solve({col: (0.0, 1.0)}, from_plan=True) == pytest.approx(
            ranged, rel=1e-9)
        assert held._h is not None and held._h is not kept
        assert held.solve() == pytest.approx(plan, rel=1e-9)
    lp = solve._session(model).highs.getLp()
    integer = highspy.HighsVarType.kInteger
    ints = held.ints
    assert len(ints) and all(lp.integrality_[i] == integer for i in ints)
    assert np.array_equal(np.asarray(lp.col_lower_)[ints], held.session.arrays.col_lower[ints])
    assert np.array_equal(np.asarray(lp.row_lower_), held.session.arrays.row_lower)
    # and when the blocks were the last to answer, the session simply starts anew
    with solve.HeldLP(model, SETTINGS) as held:
        assert held.blocks() is not None and held._h is None
    assert solve._session(model)._highs is None
    lp = solve._session(model).highs.getLp()
    assert all(lp.integrality_[i] == integer for i in held.ints)


def test_a_range_for_a_held_column_goes_to_the_whole_lp(held: solve.HeldLP) -> None:
    blocks = held.blocks()
    assert blocks is not None
    col = int(np.flatnonzero(held.col_lower == held.col_upper)[0])
    with pytest.raises(ValueError):
        blocks.solve({col: (0.0, 1.0)}, 10.0)
    assert held.solve({col: (0.0, 1.0)}, from_plan=True) == pytest.approx(
        _whole(held, {col: (0.0, 1.0)}), rel=1e-9)


def test_a_one_period_case_is_not_split(unexplained_bundled: Any) -> None:
    model = unexplained_bundled
    with solve.HeldLP(model, SETTINGS) as lp:
        assert lp.block_labels() is None and lp.blocks() is None


@pytest.fixture(scope="module")
def unexplained_bundled() -> pyo.ConcreteModel:
    from optimizer.excel.read import read_workbook
    from tests.conftest import ABSHERON

    issues = IssueList()
    raw = read_workbook(ABSHERON, issues)
    assert raw is not None
    data = load_data(raw, issues)
    assert data is not None
    model = build_model(data)
    assert solve.solve_model(model, SETTINGS).status.has_plan
    return model


def test_a_worker_answers_in_the_blocks_held_npz_names(
        solved: tuple[pyo.ConcreteModel, ChainData], held: solve.HeldLP,
        tmp_path: Path) -> None:
    """The run writes the blocks' labels and the plan's optimum into held.npz; the worker
    builds the same blocks from them (without scipy) and gives the whole LP's answers."""
    model, data = solved
    save_arrays(held.session.arrays, tmp_path / "model.npz")
    (tmp_path / "options.json").write_text(json.dumps(
        {k: v for k, v in solve._options(SETTINGS).items() if k != "time_limit"}))
    solve.HeldPool(held, 0)._held_file(tmp_path)
    with np.load(tmp_path / "held.npz") as z:
        assert {"row_block", "col_block", "objective"} <= set(z.files)
    arrays = held.session.arrays
    blocks = held_blocks(tmp_path, arrays)
    assert isinstance(blocks, HeldBlocks)
    h, lower, upper = held_highs(tmp_path, arrays)
    plan = h.getBasis()
    for job in _line_jobs(model, data, held):
        line = {"cols": [[c, lo, up] for c, (lo, up) in job.items()], "limit": 30,
                "from_plan": True}
        got = answer_in_blocks(blocks, line)
        assert got is not None
        want = answer(h, line, lower, upper, plan)
        assert (got["objective"] is None) == (want["objective"] is None)
        if want["objective"] is not None:
            assert got["objective"] == pytest.approx(want["objective"], rel=1e-9)
    # not from the plan: the whole LP's
    assert answer_in_blocks(blocks, {"cols": [], "limit": 1, "from_plan": False}) is None


def test_no_blocks_are_made_without_the_time_to_make_them(
        solved: tuple[pyo.ConcreteModel, ChainData], held: solve.HeldLP) -> None:
    """Making the blocks solves each once: with less time left than that takes, the jobs
    re-solve the whole LP (the same figures) rather than overrun the explanations."""
    model, data = solved
    need = solve.BLOCKS_MIN_SECONDS + solve.BLOCKS_SECONDS_PER_NONZERO * \
        held.session.size["nonzeros"]
    job = _line_jobs(model, data, held)[0]
    made: list[object] = []
    init = HeldBlocks.__init__

    def counted(self: HeldBlocks, *a: Any, **k: Any) -> None:
        made.append(self)
        init(self, *a, **k)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(HeldBlocks, "__init__", counted)
        short = held.solve(job, time_limit=0.9 * need, from_plan=True)
        assert made == [] and held.blocks(need) is None  # and not later either
    assert short == pytest.approx(_whole(held, job), rel=1e-9)
    with solve.HeldLP(model, SETTINGS) as fresh:
        assert fresh.blocks(1.1 * need) is not None


def test_a_free_columns_new_bounds_go_to_its_block(held: solve.HeldLP) -> None:
    """A job may also move a free column (a flow): its block alone takes the new bounds."""
    assert held.blocks() is not None
    plan = held.solve()
    assert plan is not None
    x = np.asarray(held.h.getSolution().col_value)
    used = np.flatnonzero((held.col_lower != held.col_upper) & (x > 1.0))[:6]
    assert len(used) == 6
    found = []
    for c in used.tolist():
        job = {c: (float(held.col_lower[c]), float(x[c]) / 2)}
        got, want = held.solve(job, from_plan=True), _whole(held, job)
        assert (got is None) == (want is None)
        if got is not None:
            assert got == pytest.approx(want, rel=1e-9, abs=1e-6)
            found.append(got)
    assert any(abs(f - plan) > 1.0 for f in found)  # halving a used flow costs something
