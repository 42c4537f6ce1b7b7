"""Versions of chainopt and the packages a result depends on, for the Run info sheet."""

from __future__ import annotations

import functools
import platform
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ("chainopt", "pyomo", "highspy", "pandas", "numpy", "scipy", "openpyxl",
            "python-calamine", "xlsxwriter", "defusedxml", "matplotlib", "pillow")


def package_versions() -> dict[str, str]:
    """A new dictionary each call (callers add to it); looked up once per process."""
    return dict(_versions())


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    # each lookup scans the installed distributions (about 0.1 s for the dozen, and the
    # results workbook, the page data and the run record each ask): once is enough, the
    # packages of a running process do not change
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return tuple(out.items())
