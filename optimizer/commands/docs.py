"""`chainopt docs` and `chainopt version`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optimizer import __version__
from optimizer.commands._app import app


@app.command()
def docs(
    output: Annotated[Path, typer.Option("-o", "--output")] = Path("docs/formulation.md"),
) -> None:
    """Regenerate the formulation document from the model code."""
    from models.chain.docs import formulation_markdown

    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(formulation_markdown(), encoding="utf-8")
    typer.echo(f"Wrote {output}")


@app.command()
def version() -> None:
    """Print the chainopt version."""
    typer.echo(__version__)
