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


DEFAULT_CASE = "absheron"
BLANK = "blank"


def bundled_cases() -> list[str]:
    """Names of the bundled example workbooks (every template but the blank one)."""
    return sorted(p.stem for p in templates_dir().glob("*.xlsx") if p.stem != BLANK)


def bundled_case(name: str = DEFAULT_CASE) -> Path:
    """The bundled example workbook ``name`` (default: the one ``chainopt run`` solves)."""
    path = templates_dir() / f"{name}.xlsx"
    if name == BLANK or not path.exists():
        if name != DEFAULT_CASE and (templates_dir() / f"{DEFAULT_CASE}.xlsx").exists():
            raise ChainoptError(f"there is no bundled case named {name!r}; choose one of "
                                f"{', '.join(bundled_cases())}", ExitCode.USAGE)
        raise ChainoptError(f"the bundled case is missing ({path})", ExitCode.INPUT_UNREADABLE)
    return path


def default_results_dir() -> Path:
    return Path.cwd() / "results"
