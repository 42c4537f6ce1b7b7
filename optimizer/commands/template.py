"""`chainopt template`: a blank input workbook, or the bundled example."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app
from optimizer.paths import bundled_case


@app.command()
def template(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the workbook.")]
    = Path("chainopt-template.xlsx"),
    example: Annotated[bool, typer.Option("--example", help="Write the bundled Absheron case "
                                          "instead of a blank template.")] = False,
) -> None:
    """Write a blank input template (or, with --example, the bundled case)."""
    import shutil

    from optimizer.excel.template import write_input_workbook

    if example:
        shutil.copyfile(bundled_case(), output)
    else:
        write_input_workbook(output, None)
    typer.echo(f"Wrote {output}")
