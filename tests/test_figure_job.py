"""The figures a run draws in a background thread beside its explanations' re-plans are
the very figures the write phase would draw, and a failure there still reaches the user."""

from __future__ import annotations

import copy
import os
import sys
import threading
from typing import Any

import pytest

from optimizer import solve
from optimizer.excel import write
from optimizer.pipeline import RunOutcome, solve_workbook
from tests.conftest import ABSHERON


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_figures_drawn_in_the_background_equal_those_drawn_in_the_write(
        absheron_outcome: RunOutcome, lang: str) -> None:
    data, res = absheron_outcome.data, absheron_outcome.results
    job = write.FigureJob(data, res, lang)
    background = job.images()
    here = write.draw_figures(data, res, write.figure_tables(data, res, lang))
    assert set(background) == {"sankey", "map"}
    assert background == here  # byte for byte
    outcome = copy.copy(absheron_outcome)
    outcome.figure_job = job
    report = write.prepare_report(outcome, lang)
    assert report.images == here
    assert report.sankey.equals(job.pictures.sankey)


def test_a_job_in_another_language_is_not_used(absheron_outcome: RunOutcome,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    outcome = copy.copy(absheron_outcome)
    outcome.figure_job = write.FigureJob(outcome.data, outcome.results, "en")
    monkeypatch.setattr(write.FigureJob, "images", lambda self: pytest.fail("used"))
    report = write.prepare_report(outcome, "az")
    assert report.lang == "az" and set(report.images) == {"sankey", "map"}


def test_a_failure_while_drawing_in_the_background_surfaces_in_the_write(
        absheron_outcome: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: Any, **_k: Any) -> bytes:
        raise MemoryError("no room for the map")

    monkeypatch.setattr(write.figures, "draw_map", broken)
    outcome = copy.copy(absheron_outcome)
    outcome.figure_job = write.FigureJob(outcome.data, outcome.results, "en")
    with pytest.raises(MemoryError, match="no room for the map"):
        write.prepare_report(outcome, "en")


def test_a_run_starts_its_figures_when_the_re_plans_begin(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not before: the two-sided values and entry figures are thousands of short LP
    re-solves that each need the GIL back, and a drawing thread would slow every one."""
    import optimizer.explain as explain

    seen: list[str] = []
    replanned = explain._replanned
    started = write.start_figures

    def replans(*a: Any, **k: Any) -> None:
        seen.append("replans")
        replanned(*a, **k)

    def start(outcome: Any, lang: str) -> None:
        seen.append(f"figures {lang}")
        started(outcome, lang)

    monkeypatch.setattr(explain, "_replanned", replans)
    monkeypatch.setattr(write, "start_figures", start)
    outcome = solve_workbook(ABSHERON, figures="az")
    assert seen[:2] == ["figures az", "replans"]
    assert isinstance(outcome.figure_job, write.FigureJob)
    assert outcome.figure_job.lang == "az"
    assert set(outcome.figure_job.images()) == {"sankey", "map"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice: Linux")
def test_the_figures_thread_runs_below_the_re_plan_workers(
        absheron_outcome: RunOutcome, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawn beside the re-plans, the figures must leave the cores to the re-plan workers
    (at normal priority they took one, and half the bundled case's lines kept the "at
    most" bound); the run's own threads keep their priority."""
    seen: list[tuple[int, int]] = []
    draw = write.draw_figures

    def noted(*a: Any, **k: Any) -> dict[str, bytes]:
        seen.append((os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
                     os.getpriority(os.PRIO_PROCESS, os.getpid())))
        return draw(*a, **k)

    monkeypatch.setattr(write, "draw_figures", noted)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    job = write.FigureJob(absheron_outcome.data, absheron_outcome.results, "en")
    assert set(job.images()) == {"sankey", "map"}
    (thread_nice, process_nice), = seen
    assert thread_nice == max(write.FIGURES_NICE, before) > solve.REPLAN_WORKER_NICE
    assert process_nice == before  # the run's main thread (and so the process) as it was
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before
