"""One module per command; importing them registers each on the shared Typer app."""

from optimizer.commands import run, validate, template, nightly, serve, doctor, docs  # noqa: I001  (order of --help)
from optimizer.commands import whatif
from optimizer.commands._app import app

__all__ = ["app", "docs", "doctor", "nightly", "run", "serve", "template", "validate", "whatif"]
