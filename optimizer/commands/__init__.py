"""One module per command; importing them registers each on the shared Typer app."""

from optimizer.commands import run, validate, diagnose, template, nightly, doctor, docs  # noqa: I001  (order of --help)
from optimizer.commands._app import app

__all__ = ["app", "diagnose", "docs", "doctor", "nightly", "run", "template", "validate"]
