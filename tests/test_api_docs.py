"""docs/api.md stays true: its Python examples run as written."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", DOC, re.S)


def test_the_doc_has_both_examples() -> None:
    assert len(BLOCKS) == 3
    assert "api.from_frames" in BLOCKS[1]
    assert "api.robust" in BLOCKS[2]


@pytest.mark.solver
def test_frames_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(BLOCKS[1], "docs/api.md (frames)", "exec"), {})
    out = capsys.readouterr().out
    assert "Line L1 leaves the plan when Markets[material=X].price falls below 27.3 " \
        "(× 0.546 ± 0.001)." in out


@pytest.mark.solver
@pytest.mark.slow
def test_absheron_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(BLOCKS[0], "docs/api.md (absheron)", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert "optimal 14597906" in out
    assert "nameplate optimal" in out and "utilisation_85 optimal" in out


@pytest.mark.solver
@pytest.mark.slow
def test_robust_example_runs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    code = BLOCKS[2].replace('"results/absheron-robust.xlsx"', repr(str(tmp_path / "r.xlsx")))
    try:
        exec(compile(code, "docs/api.md (robust)", "exec"), {})
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert out.startswith("optimal ") and "VSS " in out and "resin_cap_21kt 0.2" in out
    assert (tmp_path / "r.xlsx").exists()
