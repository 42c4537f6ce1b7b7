"""PDF of a results workbook through LibreOffice headless, when it is installed.

Each conversion uses a fresh LibreOffice profile in a temporary folder (calls sharing a
profile block each other), converts into a temporary folder, checks that the PDF exists
(soffice can exit 0 without writing) and publishes it atomically.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from optimizer.fileio import atomic_write

INSTALL_HINT = ("install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-calc-nogui; "
                "Windows/macOS: libreoffice.org) or open the workbook and print it to PDF")


class PdfError(RuntimeError):
    """LibreOffice is missing, failed or wrote nothing."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def unavailable_reason() -> str | None:
    """None when a PDF can be made here, else why not and what to do, in one sentence."""
    if soffice() is None:
        return f"LibreOffice (soffice) is not installed; {INSTALL_HINT}"
    return None


def convert(source: Path, folder: Path, to: str = "pdf", timeout: float = 240) -> Path:
    """Convert ``source`` into ``folder`` with LibreOffice headless; returns the new file."""
    exe = soffice()
    if exe is None:
        raise PdfError(f"LibreOffice (soffice) is not installed; {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="chainopt-lo-") as profile:
        try:
            done = subprocess.run(
                [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                 "--norestore", "--convert-to", to, "--outdir", str(folder), str(source)],
                capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice did not finish within {timeout:.0f} s") from exc
    out = folder / f"{source.stem}.{to.split(':')[0]}"
    if not out.exists():
        detail = (done.stderr or done.stdout or "").strip().splitlines()
        raise PdfError("LibreOffice exited without writing the file"
                       + (f" ({detail[-1]})" if detail else ""))
    return out


def export_pdf(workbook: Path, target: Path, timeout: float = 240) -> Path:
    """Write ``target`` (a PDF of ``workbook``) atomically; returns where it landed.

    ``timeout``: seconds LibreOffice may take (the run's time limit passes what is left).
    """
    with tempfile.TemporaryDirectory(prefix="chainopt-pdf-") as tmp:
        made = convert(workbook, Path(tmp), timeout=timeout)

        def copy(out: Path) -> None:
            shutil.copyfile(made, out)
        return atomic_write(target, copy)
