"""The hand-off gives the memory its temporaries were freed from back to the system
before the solver process starts (optimizer/solve.py ``give_back_free_memory``): this
process waits at its size while the solver holds the model, and the two together are the
run's peak memory (bench/run.py; docs/performance.md)."""

from __future__ import annotations

from typing import Any

import pytest

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

    monkeypatch.setattr(solve.ctypes, "CDLL", lambda _name: Glibc())
    solve.give_back_free_memory()
    assert calls == [0]

    class Musl:  # no malloc_trim
        pass

    monkeypatch.setattr(solve.ctypes, "CDLL", lambda _name: Musl())
    solve.give_back_free_memory()  # nothing done, nothing raised

    def no_library(_name: Any) -> Any:
        raise OSError("no C library")

    monkeypatch.setattr(solve.ctypes, "CDLL", no_library)
    solve.give_back_free_memory()
