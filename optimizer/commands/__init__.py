"""One module per command; importing them registers each on the shared Typer app."""

from optimizer.commands import docs, run, template, validate  # order of --help
from optimizer.commands._app import app

__all__ = ["app", "docs", "run", "template", "validate"]
