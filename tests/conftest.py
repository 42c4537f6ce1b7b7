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
