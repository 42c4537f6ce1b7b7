"""Atomic file publication: a result is complete or absent, never half-written.

Write to a temporary file in the target's folder, flush and fsync, then os.replace.
If the target is locked (a workbook open in Excel on Windows raises PermissionError),
retry a few times, then publish under a time-stamped name and say so. The previous
file is never removed before the new one is complete.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


def atomic_write(
    target: Path,
    write: Callable[[Path], None],
    *,
    retries: int = 3,
    retry_delay: float = 0.5,
) -> Path:
    """Call ``write(tmp_path)`` then move the finished file onto ``target``.

    Returns the path the file was published under: ``target``, or a time-stamped
    sibling when ``target`` stayed locked.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix + ".tmp",
                                    dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are ordinary files
    try:
        write(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        return _replace_with_retry(tmp, target, retries, retry_delay)
    finally:
        if tmp.exists():
            tmp.unlink()


def _replace_with_retry(tmp: Path, target: Path, retries: int, delay: float) -> Path:
    for attempt in range(retries):
        try:
            os.replace(tmp, target)
            _fsync_dir(target.parent)
            return target
        except PermissionError:
            log.warning("%s is locked (open in another program?); retry %d of %d",
                        target, attempt + 1, retries)
            time.sleep(delay)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    fallback = target.with_name(f"{target.stem}-{stamp}{target.suffix}")
    os.replace(tmp, fallback)
    _fsync_dir(target.parent)
    log.warning("%s stayed locked; wrote %s instead", target, fallback)
    return fallback


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# Our temporary files: ".<stem>-<random><suffix>.tmp" (atomic_write, publish_latest).
_TEMP_NAME = re.compile(r"^\..+\.tmp$")


def sweep_temp_files(folder: Path) -> list[Path]:
    """Remove temporary files a killed run left in ``folder`` (kill -9 skips ``finally``).

    Only names of the form chainopt gives its temporary files (a dot first, '.tmp' last)
    are removed; call it only while holding the folder's lock (the nightly run does), so
    no other run can be writing one.
    """
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if _TEMP_NAME.match(entry.name) and entry.is_file():
            try:
                entry.unlink()
                removed.append(entry)
            except OSError as exc:
                log.warning("could not remove the leftover temporary file %s: %s", entry,
                            exc.strerror or exc)
    return removed


def describe_os_error(exc: BaseException, path: Path | str | None = None) -> str:
    """'<path>: <reason>' for a failed write, e.g. '/srv/out/x.xlsx: No space left on device'.

    xlsxwriter wraps the OSError it met in FileCreateError; the original is unwrapped.
    """
    inner = exc
    while not isinstance(inner, OSError) and (inner.__cause__ or inner.__context__ or (
            inner.args and isinstance(inner.args[0], BaseException))):
        inner = inner.__cause__ or inner.__context__ or inner.args[0]
    if isinstance(inner, OSError):
        # os.replace(tmp, target) names both: the target is what the user knows
        where = next((f for f in (inner.filename2, inner.filename, path) if f is not None),
                     None)
        reason = inner.strerror or str(inner) or type(inner).__name__
        return f"{where}: {reason}" if where is not None else reason
    return f"{path}: {exc}" if path is not None else str(exc)
