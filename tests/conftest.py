"""Shared fixtures: the bundled case, read, validated and built once per session."""

from __future__ import annotations

from pathlib import Path

import pyomo.core as pyo
import pytest

from models.chain.data import ChainData, load_data
from models.chain.formulation import build_model
from models.validation.issues import IssueList
from optimizer.excel.read import read_workbook
from optimizer.pipeline import RunOutcome, solve_workbook

ROOT = Path(__file__).resolve().parent.parent
ABSHERON = ROOT / "input_templates" / "absheron.xlsx"
METALS = ROOT / "input_templates" / "metals.xlsx"
CLUSTER = ROOT / "input_templates" / "cluster.xlsx"


@pytest.fixture(scope="session")
def absheron_path() -> Path:
    return ABSHERON


@pytest.fixture(scope="session")
def absheron_data() -> ChainData:
    issues = IssueList(ABSHERON.name)
    raw = read_workbook(ABSHERON, issues)
    assert raw is not None, issues.report()
    data = load_data(raw, issues)
    assert data is not None, issues.report()
    return data


@pytest.fixture(scope="session")
def absheron_model(absheron_data: ChainData) -> pyo.ConcreteModel:
    return build_model(absheron_data)


@pytest.fixture(scope="session")
def absheron_outcome() -> RunOutcome:
    return solve_workbook(ABSHERON)


@pytest.fixture(scope="session")
def metals_outcome() -> RunOutcome:
    """The bundled metals case, solved once per session."""
    return solve_workbook(METALS)


@pytest.fixture(scope="session")
def cluster_outcome() -> RunOutcome:
    """The bundled cluster case (polymer + metals), solved once per session."""
    return solve_workbook(CLUSTER)


# ---- web pages (tests/test_web.py, tests/test_web_browser.py) --------------------------

HOSTILE = {
    "case": "<script>window.__xss=1</script>",
    "line": 'L"><img src=x onerror=window.__xss=2>',
    "market": "<svg onload=window.__xss=3>",
    "product": "</script><script>window.__xss=4</script>",
}


@pytest.fixture(scope="session")
def web_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A nightly set-up after real runs of the bundled case: night 1, night 2 with three
    market prices raised 8 % (so a change report), night 3 with an invalid workbook
    (exit 20), plus 20 older synthetic nights for the history. Returns the root holding
    archive/ and output/."""
    import copy

    from tools.absheron_case import absheron_tables
    from tools.web_archive import real_archive, synthetic_nights

    root = tmp_path_factory.mktemp("web")
    first = absheron_tables()
    second = copy.deepcopy(first)
    for row in second["Markets"][:3]:
        row["price"] = round(float(row["price"]) * 1.08, 2)
    broken = copy.deepcopy(second)
    broken["Markets"][0]["price"] = "about 900"
    archive = real_archive(root, [first, second, broken])
    template = sorted(p.name for p in archive.iterdir())[0]
    synthetic_nights(archive, template, 20)
    return root


@pytest.fixture(scope="session")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real nightly runs of the tiny case whose names are HTML and script: night 1 solves
    with a hostile line ID, market name and product name; night 2 is refused because its
    case name is a script (the validator allows no markup there), so the script stands in
    the run record's issue."""
    import copy

    from tests.tiny_cases import base_case
    from tools.web_archive import real_archive

    t = base_case()
    t["Lines"][0]["line"] = HOSTILE["line"]
    t["Locations"][0]["name"] = HOSTILE["market"]
    t["Materials"][1]["name"] = HOSTILE["product"]
    bad = copy.deepcopy(t)
    bad["Settings"][0]["value"] = HOSTILE["case"]
    root = tmp_path_factory.mktemp("hostile")
    real_archive(root, [t, bad], case="tiny")
    return root
