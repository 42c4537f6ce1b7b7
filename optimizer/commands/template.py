"""`chainopt template`: a blank input workbook, or the bundled example."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app, fail
from optimizer.errors import ExitCode
from optimizer.paths import DEFAULT_CASE, bundled_case


@app.command()
def template(
    case: Annotated[str | None, typer.Argument(
        metavar="[CASE]", help="With --example: which bundled case to write (absheron, "
        "metals, cluster; default absheron).", show_default=False)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the workbook "
                                         "(.xlsx).")] = Path("chainopt-template.xlsx"),
    example: Annotated[bool, typer.Option("--example", help="Write a bundled example case "
                                          "(CASE, default absheron) instead of a blank "
                                          "template.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]
    = False,
) -> None:
    """Write a blank input template (or, with --example [CASE], a bundled case).

    Both are generated from the schema: a Guide sheet, one table per entity with notes on
    every header, drop-down lists and number formats that show units. An existing file is
    never replaced unless --force is given.
    """
    import shutil

    from optimizer.excel.template import write_input_workbook
    from optimizer.fileio import atomic_write

    if case is not None and not example:
        fail(ExitCode.USAGE, f"a case name ({case}) goes with --example, e.g. "
             f"chainopt template --example {case}")
    if output.suffix.lower() != ".xlsx":
        fail(ExitCode.USAGE, f"{output} must end in .xlsx")
    if output.exists() and not force:
        fail(ExitCode.USAGE, f"{output} exists; choose another name or add --force to "
             "replace it")
    if example:
        source = bundled_case(case or DEFAULT_CASE)

        def copy(tmp: Path) -> None:
            shutil.copyfile(source, tmp)

        atomic_write(output, copy)
    else:
        write_input_workbook(output, None)
    typer.echo(f"Wrote {output}")
