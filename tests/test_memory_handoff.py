"""The hand-off gives the memory its temporaries were freed from back to the system
before the solver process starts, and the solver process its copy of the arrays once
HiGHS has the model (optimizer/_highs_child.py ``give_back_free_memory``): the run's own
process waits at its size while the solver holds the model, and the two together are the
run's peak memory (bench/run.py; docs/performance.md)."""

from __future__ import annotations

import json
import weakref
from pathlib import Path
from typing import Any

import pytest

import optimizer._highs_child as _highs_child
import optimizer.solve as solve
from models.chain.formulation import build_model
from optimizer.pipeline import validate_workbook
from tests.conftest import ABSHERON


def test_freed_memory_is_given_back_after_the_compile_and_before_the_solve(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = validate_workbook(ABSHERON).data
    assert data is not None
    events: list[str] = []
    compile_, child = solve._Session._compile, solve._run_child

    def compiled(self: Any, model: Any) -> None:
        compile_(self, model)
        events.append("compile")

    def solved(*a: Any, **k: Any) -> Any:
        events.append("solve")
        return child(*a, **k)

    monkeypatch.setattr(solve._Session, "_compile", compiled)
    monkeypatch.setattr(solve, "_run_child", solved)
    monkeypatch.setattr(solve, "give_back_free_memory", lambda: events.append("give back"))
    result = solve.solve_model(build_model(data), solve.SolveSettings(time_limit=60))
    assert result.status is solve.SolveStatus.OPTIMAL
    assert events == ["compile", "give back", "solve"]


def test_giving_memory_back_is_glibc_only_and_never_fails(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    class Glibc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(_highs_child.ctypes, "CDLL", lambda _name: Glibc())
    _highs_child.give_back_free_memory()
    assert calls == [0]

    class Musl:  # no malloc_trim
        pass

    monkeypatch.setattr(_highs_child.ctypes, "CDLL", lambda _name: Musl())
    _highs_child.give_back_free_memory()  # nothing done, nothing raised

    def no_library(_name: Any) -> Any:
        raise OSError("no C library")

    monkeypatch.setattr(_highs_child.ctypes, "CDLL", no_library)
    _highs_child.give_back_free_memory()


def test_the_solver_process_drops_its_arrays_once_highs_has_the_model(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The solver process's code, run here on the bundled model: when it gives memory
    back, its arrays are gone (HiGHS has its own copy), and the solve still finds the
    plan."""
    data = validate_workbook(ABSHERON).data
    assert data is not None
    session = solve._session(build_model(data), fresh=True)
    _highs_child.save_arrays(session.arrays, tmp_path / "model.npz")
    (tmp_path / "options.json").write_text(json.dumps({"time_limit": 60.0}))
    loaded: list[Any] = []
    load = _highs_child.load_arrays

    def tracked(path: Path) -> Any:
        arrays = load(path)
        loaded.append(weakref.ref(arrays))
        loaded.append(weakref.ref(arrays.a_value))
        return arrays

    alive_then: list[bool] = []
    monkeypatch.setattr(_highs_child, "load_arrays", tracked)
    monkeypatch.setattr(_highs_child, "give_back_free_memory",
                        lambda: alive_then.extend(r() is not None for r in loaded))
    _highs_child.child_main(tmp_path)
    assert alive_then == [False, False]
    assert (tmp_path / "solution.npy").exists()
