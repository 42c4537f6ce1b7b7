"""The layers run one way: optimizer (Excel, CLI, solver, reports) -> models (schema, typed
data, formulation, checks). A case can then be built and checked without any Excel code."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_under_models_imports_optimizer() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(n for n in _imported_modules(path)
                                            if n == "optimizer" or n.startswith("optimizer."))
        for path in sorted((ROOT / "models").rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_the_model_layer_loads_no_optimizer_module() -> None:
    code = ("import sys, models.chain.data, models.chain.formulation, models.chain.results, "
            "models.chain.checks; print(sorted(m for m in sys.modules "
            "if m == 'optimizer' or m.startswith('optimizer.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
