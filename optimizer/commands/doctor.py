"""`chainopt doctor`: is this installation ready to run (and to run unattended)?"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app
from optimizer.errors import ExitCode


def _check_solver() -> tuple[bool, str]:
    import highspy
    import numpy as np

    from optimizer.solve import new_highs, solver_version

    h = new_highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 1, 0
    lp.col_cost_ = np.array([1.0])
    lp.col_lower_, lp.col_upper_ = np.array([2.0]), np.array([5.0])
    h.passModel(lp)
    h.run()
    ok = abs(h.getInfo().objective_function_value - 2.0) < 1e-9
    return ok, f"HiGHS {solver_version()} ({'solves' if ok else 'FAILED a 1-variable LP'})"


def _check_libreoffice() -> tuple[bool, str]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return False, ("not found: --pdf and the real-client tests need it "
                       "(Debian: apt-get install libreoffice-calc-nogui)")
    try:
        out = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60,
                             check=False)
        return True, f"{soffice}: {out.stdout.strip() or 'version unknown'}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{soffice} does not start: {exc}"


def _check_writable(folder: Path) -> tuple[bool, str]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".chainopt-doctor-"):
            pass
        return True, f"{folder}: writable"
    except OSError as exc:
        return False, f"{folder}: NOT writable ({exc})"


@app.command()
def doctor(
    folders: Annotated[list[Path] | None, typer.Option(
        "--folder", help="Folder to check for write access (repeatable) [default: ./results]")]
    = None,
    lock_file: Annotated[Path | None, typer.Option(
        "--lock-file", help="Where the nightly lock will be [default: ./chainopt-nightly.lock]")]
    = None,
) -> None:
    """Check the installation and print versions: solver, LibreOffice, folders, lock."""
    from optimizer.paths import bundled_case
    from optimizer.versions import package_versions

    rows: list[tuple[str, bool, str]] = []
    rows.append(("solver", *_check_solver()))
    _lo_ok, lo_text = _check_libreoffice()
    rows.append(("LibreOffice (optional)", True, lo_text))  # optional: never fails doctor
    try:
        rows.append(("bundled case", True, str(bundled_case())))
    except Exception as exc:
        rows.append(("bundled case", False, str(exc)))
    for folder in folders or [Path.cwd() / "results"]:
        rows.append(("write access", *_check_writable(folder)))
    lock = lock_file or Path.cwd() / "chainopt-nightly.lock"
    local = "local disk" if not str(lock).startswith(("//", "\\\\")) else "NETWORK SHARE"
    rows.append(("lock location", local == "local disk",
                 f"{lock} ({local}; locks are unreliable on network shares)"))
    for name, version in package_versions().items():
        rows.append((name, version != "not installed", version))
    rows.append(("user", True, os.environ.get("USER", "?")))
    for name, ok, text in rows:
        typer.echo(f"{'ok ' if ok else 'BAD'}  {name:<24} {text}")
    if not all(ok for _, ok, _ in rows):
        raise typer.Exit(int(ExitCode.SOLVER_ERROR))
