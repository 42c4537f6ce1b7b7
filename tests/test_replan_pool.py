"""The explanations' MILP re-plans, shared with worker processes (optimizer/solve.py
``ReplanPool``, optimizer/_replan.py, optimizer/_held_worker.py): the same figures as one
process computes alone, a worker that fails costs nothing but time, and one whose re-plan
overruns is stopped."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest

import optimizer._replan as _replan
import optimizer.explain as explain
import optimizer.solve as solve
from models.chain.results import extract_results
from optimizer._highs_child import PREFIX
from optimizer.pipeline import RunOutcome, solve_workbook
from tests.conftest import ABSHERON

REPLAN = ["line", "entry_status", "replan_exact"]


@pytest.fixture(scope="module")
def unexplained() -> RunOutcome:
    """The bundled case solved, its explanations left to each test."""
    with mock.patch("optimizer.explain.explain_plan", lambda *a, **_k: a[2]):
        return solve_workbook(ABSHERON)


def _replans(outcome: RunOutcome, workers: int,
             monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, int, list[str]]:
    """Every line's re-planned figure with this many workers (time enough for all), how
    many lines this process re-planned itself, and the explanation notes."""
    model, data, settings = outcome.model, outcome.data, outcome.settings
    assert model is not None and data is not None and settings is not None
    lp = solve.marginal_values(model, settings)
    res = extract_results(model, data, lp.duals)
    monkeypatch.setattr(explain, "replan_workers", lambda *_a: workers)
    here = [0]
    replan_line = _replan.replan_line

    def counted(*a: Any, **k: Any) -> _replan.LineAnswer:
        here[0] += 1
        return replan_line(*a, **k)

    monkeypatch.setattr(_replan, "replan_line", counted)
    explain.explain_plan(model, data, res, settings, lp=lp, time_budget=300,
                         replan_budget=240)
    monkeypatch.undo()
    lines = res.lines[res.lines.status == "candidate"]
    return lines[[*REPLAN, "replan_change"]].reset_index(drop=True), here[0], \
        list(res.explain_notes)


def test_a_worker_process_gives_the_re_plans_this_process_gives(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, here_alone, notes_alone = _replans(unexplained, 0, monkeypatch)
    shared, here_shared, notes = _replans(unexplained, 1, monkeypatch)
    assert alone.replan_change.notna().all() and alone.replan_exact.all()  # every line
    assert here_shared == 0 < here_alone  # the worker re-planned every line
    assert "replan_workers:1" in notes and "replan_workers:1" not in notes_alone
    pd.testing.assert_frame_equal(alone[REPLAN], shared[REPLAN])
    # exact within the run's MIP gap: two optimal plans may differ by that much
    gap = float(unexplained.settings.mip_gap)  # type: ignore[union-attr]
    net = abs(float(unexplained.results.net_value))  # type: ignore[union-attr]
    assert np.allclose(alone.replan_change, shared.replan_change, rtol=0, atol=gap * net)


def test_a_failing_worker_leaves_its_lines_to_this_process(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    alone, here_alone, _ = _replans(unexplained, 0, monkeypatch)
    monkeypatch.setattr(solve, "held_worker_command",
                        lambda _folder: [sys.executable, "-c", "import sys; sys.exit(3)"])
    failed, here_failed, _ = _replans(unexplained, 1, monkeypatch)
    assert here_failed == here_alone  # every line came back here
    pd.testing.assert_frame_equal(alone[REPLAN], failed[REPLAN])
    assert np.allclose(alone.replan_change, failed.replan_change, rtol=1e-9)


def _hung_workers(monkeypatch: pytest.MonkeyPatch) -> _replan.LineJob:
    """Re-plan workers that say they are ready, read one job and never answer; and a job
    for them."""
    ready = f"sys.stdout.write({PREFIX + 'ready'!r} + chr(10)); sys.stdout.flush()"
    hung = f"import sys, time; {ready}; sys.stdin.readline(); time.sleep(600)"
    monkeypatch.setattr(solve, "held_worker_command", lambda _folder: [sys.executable, "-c",
                                                                       hung])
    return _replan.LineJob({}, None, None, np.zeros(0, dtype=np.int64), None)


def test_a_worker_whose_re_plan_overruns_is_stopped(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """HiGHS's own limit is soft: a worker that has not answered well after the time its
    line was given is killed, and that line gets no re-planned figure (it keeps its bound);
    the lines this process re-plans are not held up."""
    model, settings = unexplained.model, unexplained.settings
    assert model is not None and settings is not None
    job = _hung_workers(monkeypatch)
    monkeypatch.setattr(solve, "REPLAN_WORKER_GRACE", 0.2)
    with solve.ReplanPool(model, settings, 1, share=True) as pool:
        proc = pool._procs[0]
        answers = pool.run(8, lambda _k: job, solve.time.perf_counter() + 3.0)
        assert pool.killed == 1
        assert proc.wait(timeout=30) == -9  # killed, not ended
    skipped = [a for a in answers if a is not None and a.status == _replan.SKIPPED]
    solved = [a for a in answers if a is not None and a.status == _replan.OPTIMAL]
    assert len(skipped) == 1 and len(solved) == 7  # the rest were re-planned here


def test_an_overrunning_worker_is_stopped_soon_after_the_deadline(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    """A re-plan's seconds end REPLAN_WORKER_GRACE before the explanations' deadline and
    the worker is killed that long after them: a worker that never answers is stopped at
    the deadline, not seconds later."""
    model, settings = unexplained.model, unexplained.settings
    assert model is not None and settings is not None
    job = _hung_workers(monkeypatch)
    with solve.ReplanPool(model, settings, 1) as pool:
        assert pool._ready_or_drop(pool._procs[0], 30.0)
        began = solve.time.perf_counter()
        answers = pool.run(4, lambda _k: job, began + 2.0)
        waited = solve.time.perf_counter() - began
    assert pool.killed == 1
    assert answers[0] is not None and answers[0].status == _replan.SKIPPED
    assert answers[1:] == [None, None, None]  # not started: the deadline had passed
    # killed at 2.0 s; a grace of 1 s plus a fifth of the seconds made it 3.4 s
    assert 1.9 <= waited < 2.6, waited


def test_a_live_worker_leaves_the_last_tenth_of_a_second_unused(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker takes no line with less than its grace left before the deadline, and this
    process does not take that line instead: a re-plan here cannot be stopped by a kill,
    and one started then ran 0.2-0.3 s past the aim (50 lines x 12 periods)."""
    model, settings = unexplained.model, unexplained.settings
    assert model is not None and settings is not None
    job = _hung_workers(monkeypatch)
    here: list[Any] = []
    monkeypatch.setattr(_replan, "replan_line", lambda *a, **_k: here.append(a))
    with solve.ReplanPool(model, settings, 1) as pool:
        assert pool._ready_or_drop(pool._procs[0], 30.0)
        began = solve.time.perf_counter()
        left = _replan.MIN_SECONDS + solve.REPLAN_WORKER_GRACE / 2
        answers = pool.run(4, lambda _k: job, began + left)
        waited = solve.time.perf_counter() - began
        assert pool.workers == 1  # alive: it was given nothing to overrun
    assert answers == [None] * 4 and not here
    assert waited < 2.0  # it returned: nothing waited for a line (a loaded machine: slack)


def test_a_re_plan_worker_loads_its_milp_before_it_is_ready(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-plan workers start while HiGHS solves: they load the MILP then, not when the
    first line (perhaps given the last tenth of a second) reaches them. A held-LP worker,
    which may never be asked for a re-plan, does not."""
    import io

    import optimizer._held_worker as worker

    model, settings = unexplained.model, unexplained.settings
    assert model is not None and settings is not None
    said: list[str] = []
    milp = worker._Milp
    monkeypatch.setattr(worker, "_Milp", lambda *a: said.append("milp") or milp(*a))
    monkeypatch.setattr(worker, "_say", said.append)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with solve.ReplanPool(model, settings, 1) as pool:
        assert pool._folder is not None
        folder = Path(pool._folder.name)
        worker.worker_main(folder)
        assert said == ["milp", "ready"]
        said.clear()
        # the same folder with the held LP in it is a held-LP worker's
        with solve.HeldLP(model, settings) as held:
            solve.HeldPool(held, 0)._held_file(folder)
        worker.worker_main(folder)
    assert said == ["ready"]


def test_the_workers_and_their_folder_are_gone_after_the_explanations(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    started = _recording_pools(monkeypatch)
    _replans(unexplained, 1, monkeypatch)
    assert started and started[0][0] and started[0][1] is not None
    procs, folder = started[0]
    assert all(p.poll() is not None for p in procs)  # stopped (killed: nothing to keep)
    assert not folder.exists()


def test_who_gets_re_plan_workers(unexplained: RunOutcome) -> None:
    """One per core (at most four: the run's own process waits for them); none on one core
    or with ``--threads 1``, for a few lines, a short time or a model too large to copy."""
    model = unexplained.model
    cores = len(solve.os.sched_getaffinity(0))
    some = min(cores, 4) if cores > 1 else 0
    assert solve.replan_workers(model, 36, 2.0) == some  # the bundled case
    assert solve.replan_workers(model, 36, 2.0, threads=1) == 0
    assert solve.replan_workers(model, 36, 2.0, threads=2) == min(some, 2)
    assert solve.replan_workers(model, solve.REPLAN_WORKER_MIN_LINES - 1, 2.0) == 0
    assert solve.replan_workers(model, 36, solve.REPLAN_WORKER_MIN_SECONDS / 2) == 0
    with mock.patch.object(solve, "REPLAN_WORKER_MAX_NONZEROS", 1000):
        assert solve.replan_workers(model, 36, 2.0) == 0


def test_each_re_plan_start_is_made_when_its_line_starts(
        unexplained: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    """A start is the plan's every build decision with the line's own changed: made for
    all lines at once they were lines x build decisions values (2.4 GB at 5,000 lines x 12
    periods, seen as the run's peak memory), so the pool gets a maker, not a list."""
    got: list[tuple[int, Any]] = []
    run = solve.ReplanPool.run

    def recorded(self: solve.ReplanPool, count: int, job: Any, *a: Any, **k: Any) -> Any:
        got.append((count, job))
        return run(self, count, job, *a, **k)

    monkeypatch.setattr(solve.ReplanPool, "run", recorded)
    _replans(unexplained, 0, monkeypatch)
    (count, job), = got
    model = unexplained.model
    plan = {c: round(v.value or 0.0) for c, v in enumerate(solve._session(model).columns)}
    first, again = job(0), job(0)
    assert first.start is not None and again.start is not None
    assert first.start[1] is not again.start[1]  # made anew each time it is asked for
    cols, values = first.start
    differ = [int(c) for c, v in zip(cols, values, strict=True) if v != plan[int(c)]]
    assert 0 < len(differ) <= 3  # the line's own decisions (and a swap partner's)
    assert all(job(k).start is not None for k in range(count))


def test_re_plan_workers_load_at_a_lower_priority(unexplained: RunOutcome) -> None:
    """They start beside the two-sided values and held figures, which need the cores as
    much; their loading waits for idle time instead of slowing those down."""
    model, settings = unexplained.model, unexplained.settings
    assert model is not None and settings is not None
    own = solve.os.getpriority(solve.os.PRIO_PROCESS, 0)
    with solve.ReplanPool(model, settings, 1) as pool:
        (proc,) = pool._procs
        assert solve.os.getpriority(solve.os.PRIO_PROCESS, proc.pid) == min(
            own + solve.REPLAN_WORKER_NICE, 19)


def _recording_pools(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[Any], Path | None]]:
    """Every ReplanPool made from now on: its worker processes and folder."""
    started: list[tuple[list[Any], Path | None]] = []
    pool_init = solve.ReplanPool.__init__

    def recorded(self: solve.ReplanPool, *a: Any, **k: Any) -> None:
        pool_init(self, *a, **k)
        started.append((list(self._procs), Path(self._folder.name) if self._folder else None))

    monkeypatch.setattr(solve.ReplanPool, "__init__", recorded)
    return started


def test_a_run_starts_its_re_plan_workers_while_highs_solves(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's one pool is started at the hand-off (its workers load beside the solve,
    not beside the re-plans and the figures), the explanations use it, and its workers
    and folder are gone at the end."""
    monkeypatch.setattr(solve, "_cores", lambda threads=0: 2)
    started = _recording_pools(monkeypatch)
    seen: dict[str, Any] = {}
    real_solve, real_explain = solve.solve_model, explain.explain_plan

    def solving(*a: Any, **k: Any) -> Any:
        seen["pools before the solve"] = len(started)
        return real_solve(*a, **k)

    def explaining(*a: Any, **k: Any) -> Any:
        seen["pool"] = k.get("replan_pool")
        seen["pools before the explanations"] = len(started)
        return real_explain(*a, **k)

    monkeypatch.setattr(solve, "solve_model", solving)
    monkeypatch.setattr(explain, "explain_plan", explaining)
    outcome = solve_workbook(ABSHERON)
    assert outcome.results is not None and outcome.results.explained
    assert seen["pools before the solve"] == 0 and seen["pools before the explanations"] == 1
    assert isinstance(seen["pool"], solve.ReplanPool) and len(started) == 1
    procs, folder = started[0]
    assert len(procs) == 2 and folder is not None
    assert all(p.poll() is not None for p in procs) and not folder.exists()
    assert "replan_workers:2" in outcome.results.explain_notes


def test_early_re_plan_workers_are_stopped_when_the_run_does_not_explain(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that fails after its solve (here: the marginal values raise) leaves neither
    workers nor their folder behind."""
    monkeypatch.setattr(solve, "_cores", lambda threads=0: 2)
    started = _recording_pools(monkeypatch)

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("marginal values failed")

    monkeypatch.setattr(solve, "marginal_values", broken)
    with pytest.raises(RuntimeError, match="marginal values failed"):
        solve_workbook(ABSHERON)
    (procs, folder), = started
    assert procs and folder is not None
    assert all(p.poll() is not None for p in procs) and not folder.exists()
