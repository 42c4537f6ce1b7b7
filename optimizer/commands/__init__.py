"""One module per command; importing them registers each on the shared Typer app."""

from optimizer.commands import run, validate, diagnose, alternatives, tradeoff, template, nightly, serve, doctor, docs  # noqa: I001,E501  (order of --help)
from optimizer.commands import whatif
from optimizer.commands import robust
from optimizer.commands._app import app

__all__ = ["alternatives", "app", "diagnose", "docs", "doctor", "nightly", "robust", "run",
           "serve", "template", "tradeoff", "validate", "whatif"]
