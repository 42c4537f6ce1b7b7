"""The formulation document is generated from the code and every component is documented
and tested (the architecture's 'test_all_math_registered' rule)."""

from __future__ import annotations

from pathlib import Path

import pyomo.core as pyo

from models.chain.docs import formulation_markdown
from models.chain.formulation import CONSTRAINTS, OBJECTIVE_PARTS, VARIABLES

ROOT = Path(__file__).resolve().parent.parent


def test_committed_formulation_matches_code() -> None:
    committed = (ROOT / "docs" / "formulation.md").read_text(encoding="utf-8")
    assert committed == formulation_markdown(), (
        "docs/formulation.md is stale: run `uv run chainopt docs` and commit it")


def test_every_constraint_rule_has_an_equation() -> None:
    for name, (rule, _index) in CONSTRAINTS.items():
        doc = rule.__doc__ or ""  # type: ignore[attr-defined]
        assert ".. math::" in doc, f"{name} has no equation in its docstring"
        assert doc.strip().splitlines()[0].strip(), f"{name} has no one-line purpose"


def test_every_constraint_has_a_test_named_after_it() -> None:
    tests = (ROOT / "tests" / "test_constraints.py").read_text(encoding="utf-8")
    missing = [name for name in CONSTRAINTS if f"def test_{name}" not in tests]
    assert not missing, f"constraints without a test in tests/test_constraints.py: {missing}"


def test_every_model_component_is_documented(absheron_model: pyo.ConcreteModel) -> None:
    model = absheron_model
    variables = {v.name for v in model.component_objects(pyo.Var)}
    assert variables == set(VARIABLES), "Var components and the VARIABLES glossary differ"
    cons = {c.name for c in model.component_objects(pyo.Constraint)}
    assert cons <= set(CONSTRAINTS), f"undocumented constraints: {cons - set(CONSTRAINTS)}"
    expressions = {e.name for e in model.component_objects(pyo.Expression)}
    assert set(OBJECTIVE_PARTS) <= expressions
