"""Versions of chainopt and the packages a result depends on, for the Run info sheet."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ("chainopt", "pyomo", "highspy", "pandas", "numpy", "scipy", "openpyxl",
            "python-calamine", "xlsxwriter", "defusedxml", "matplotlib", "pillow")


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out
