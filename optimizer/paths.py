"""Where the bundled case and results live, in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

from optimizer.errors import ChainoptError, ExitCode

_REPO = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    checkout = _REPO / "input_templates"
    if checkout.is_dir():
        return checkout
    return Path(__file__).resolve().parent / "_bundled_templates"  # wheel install


def bundled_case() -> Path:
    path = templates_dir() / "absheron.xlsx"
    if not path.exists():
        raise ChainoptError(f"the bundled case is missing ({path})", ExitCode.INPUT_UNREADABLE)
    return path


def default_results_dir() -> Path:
    return Path.cwd() / "results"
