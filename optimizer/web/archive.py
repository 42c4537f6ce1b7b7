"""Read-only access to the nightly archive and the output folder.

Nothing here writes, renames or deletes: files are opened for reading only. Every path a
request names is resolved inside one of the two roots and refused otherwise (``..``,
absolute paths, symbolic links leading out, hidden files, other file types).

Layout read (written by `chainopt nightly`, see optimizer/nightly/run.py):

    ARCHIVE/<run id>/run.json                 run record (every run, failed ones too)
    ARCHIVE/<run id>/<case>-<date>.xlsx       dated results workbook
    ARCHIVE/<run id>/<case>-<date>-page.json  the page data (optimizer/report/page.py)
    ARCHIVE/<run id>/<case>-<date>-*.png|.pdf figures, PDF
    OUTPUT/<case>-latest.xlsx                 the published latest workbook
    OUTPUT/ or ARCHIVE/**/*-comparison.xlsx   scenario comparisons (`chainopt scenarios`)
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

log = logging.getLogger(__name__)

RUN_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")
DOWNLOADABLE = (".xlsx", ".pdf", ".png", ".html")
COMPARISON_SUFFIX = "-comparison.xlsx"
MAX_JSON_BYTES = 20_000_000
SIGNATURE_SECONDS = 1.0  # a run record or page data larger than this is not read


class NotFound(Exception):
    """The request names nothing the server may show."""


@dataclass(frozen=True)
class CaseResult:
    """One workbook's result in one run."""

    case: str  # the input workbook's stem
    status: str
    exit_code: int | None
    objective: float | None
    gap: float | None
    kpis: dict[str, float]
    issues: list[dict[str, Any]]
    workbook: str | None  # file name in the run folder
    page: str | None  # page data file name in the run folder
    changes: dict[str, Any] | None
    seconds: float | None


@dataclass(frozen=True)
class Run:
    run_id: str
    start: str
    end: str
    seconds: float | None
    exit_code: int | None
    exit_meaning: str
    error: str
    cases: list[CaseResult] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # downloadable files in the folder

    @property
    def failed(self) -> bool:
        return self.exit_code not in (0, 10)


def _read_json(path: Path) -> Any | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            log.warning("%s is larger than %d bytes: not read", path, MAX_JSON_BYTES)
            return None
        return json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def _seconds(start: str, end: str) -> float | None:
    import datetime as dt

    try:
        return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds()
    except (TypeError, ValueError):
        return None


def _case(entry: dict[str, Any], folder: Path) -> CaseResult:
    stem = Path(str(entry.get("input", "?"))).stem
    outputs = entry.get("outputs") or {}
    workbook = Path(str(outputs["dated"])).name if outputs.get("dated") else None
    page = None
    if workbook and (folder / workbook).with_name(Path(workbook).stem + "-page.json").is_file():
        page = Path(workbook).stem + "-page.json"
    timings = entry.get("timings") or {}
    kpis = {k: float(v) for k, v in (entry.get("kpis") or {}).items()
            if isinstance(v, int | float) and not isinstance(v, bool)}
    return CaseResult(
        case=stem, status=str(entry.get("status", "")), exit_code=entry.get("exit_code"),
        objective=_float(entry.get("objective")), gap=_float(entry.get("gap")), kpis=kpis,
        issues=[i for i in entry.get("issues") or [] if isinstance(i, dict)],
        workbook=workbook, page=page, changes=entry.get("changes"),
        seconds=sum(float(v) for v in timings.values() if isinstance(v, int | float))
        if timings else None)


class Archive:
    """The archive and output folders, read on demand; run records cached by mtime."""

    def __init__(self, archive_dir: Path, output_dir: Path) -> None:
        self.archive_dir = archive_dir.resolve()
        self.output_dir = output_dir.resolve()
        self._lock = threading.Lock()
        self._runs: dict[str, tuple[tuple[int, int], Run]] = {}
        self._signature: tuple[float, tuple[tuple[str, int, int], ...]] | None = None

    # ---- runs ---------------------------------------------------------------------------
    def signature(self) -> tuple[tuple[str, int, int], ...]:
        """Changes whenever a run is added, removed or its record rewritten. Re-read at
        most every SIGNATURE_SECONDS (a new run shows up that much later at worst), with
        plain os calls: this runs on every history request."""
        now = time.monotonic()
        with self._lock:
            if self._signature is not None and now - self._signature[0] < SIGNATURE_SECONDS:
                return self._signature[1]
        sig = self._read_signature()
        with self._lock:
            self._signature = (now, sig)
        return sig

    def _read_signature(self) -> tuple[tuple[str, int, int], ...]:
        base = str(self.archive_dir)
        try:
            with os.scandir(base) as entries:
                names = sorted(e.name for e in entries if RUN_ID.match(e.name))
        except OSError:
            return ()
        out = []
        for name in names:
            try:
                st = os.stat(f"{base}/{name}/run.json")
            except OSError:
                continue
            out.append((name, st.st_mtime_ns, st.st_size))
        return tuple(out)

    def runs(self, signature: tuple[tuple[str, int, int], ...] | None = None) -> list[Run]:
        """Every run with a record, newest first (``signature``: one just computed)."""
        runs = []
        for name, mtime, size in signature if signature is not None else self.signature():
            with self._lock:
                cached = self._runs.get(name)
            if cached and cached[0] == (mtime, size):
                runs.append(cached[1])
                continue
            run = self._load_run(name)
            if run is not None:
                with self._lock:
                    self._runs[name] = ((mtime, size), run)
                runs.append(run)
        runs.sort(key=lambda r: r.run_id, reverse=True)
        return runs

    def _load_run(self, run_id: str) -> Run | None:
        folder = self.archive_dir / run_id
        record = _read_json(folder / "run.json")
        if not isinstance(record, dict):
            return None
        files = sorted(p.name for p in folder.iterdir()
                       if p.is_file() and p.suffix.lower() in DOWNLOADABLE
                       and not p.name.startswith("."))
        start, end = str(record.get("start", "")), str(record.get("end", ""))
        return Run(run_id=run_id, start=start, end=end, seconds=_seconds(start, end),
                   exit_code=record.get("exit_code"),
                   exit_meaning=str(record.get("exit_meaning", "")),
                   error=str(record.get("error", "")),
                   cases=[_case(e, folder) for e in record.get("workbooks") or []
                          if isinstance(e, dict)],
                   files=files)

    def run(self, run_id: str) -> Run:
        if not RUN_ID.match(run_id):
            raise NotFound(run_id)
        for run in self.runs():
            if run.run_id == run_id:
                return run
        raise NotFound(run_id)

    def previous(self, run_id: str, case: str) -> Run | None:
        """The run before ``run_id`` with a result for ``case``."""
        for run in self.runs():
            if run.run_id < run_id and any(c.case == case and c.page for c in run.cases):
                return run
        return None

    def latest(self) -> dict[str, tuple[Run, CaseResult]]:
        """For each case, the newest run that published a result with page data."""
        found: dict[str, tuple[Run, CaseResult]] = {}
        for run in self.runs():
            for case in run.cases:
                if case.page and case.case not in found:
                    found[case.case] = (run, case)
        return dict(sorted(found.items()))

    def page(self, run: Run, case: CaseResult) -> dict[str, Any]:
        if not case.page:
            raise NotFound(case.case)
        data = _read_json(self.archive_dir / run.run_id / case.page)
        if not isinstance(data, dict):
            raise NotFound(case.page)
        return data

    # ---- files --------------------------------------------------------------------------
    def root(self, area: str) -> Path:
        if area == "archive":
            return self.archive_dir
        if area == "output":
            return self.output_dir
        raise NotFound(area)

    def resolve(self, area: str, rel: str) -> Path:
        """A downloadable file inside one root, or NotFound. Refuses absolute paths, ``..``,
        backslashes, hidden parts, other suffixes, and links that lead out of the root."""
        root = self.root(area)
        if not rel or "\x00" in rel or "\\" in rel:
            raise NotFound(rel)
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or any(p in ("..", ".") or p.startswith(".")
                                                   for p in parts):
            raise NotFound(rel)
        if not rel.lower().endswith(DOWNLOADABLE):
            raise NotFound(rel)
        path = (root / Path(*parts)).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise NotFound(rel)
        return path

    def output_files(self) -> list[str]:
        if not self.output_dir.is_dir():
            return []
        return sorted(p.name for p in self.output_dir.iterdir()
                      if p.is_file() and p.suffix.lower() in DOWNLOADABLE
                      and not p.name.startswith("."))

    def comparisons(self) -> list[tuple[str, str]]:
        """Scenario comparison workbooks (``*-comparison.xlsx``) as (area, relative path):
        in the output folder and up to two folders deep in the archive, newest first."""
        found: list[tuple[float, str, str]] = []
        for area, root, patterns in (("output", self.output_dir, ("*" + COMPARISON_SUFFIX,)),
                                     ("archive", self.archive_dir,
                                      ("*" + COMPARISON_SUFFIX, "*/*" + COMPARISON_SUFFIX,
                                       "*/*/*" + COMPARISON_SUFFIX))):
            if not root.is_dir():
                continue
            for pattern in patterns:
                for path in root.glob(pattern):
                    rel = path.relative_to(root).as_posix()
                    try:
                        self.resolve(area, rel)
                        found.append((path.stat().st_mtime, area, rel))
                    except (NotFound, OSError):
                        continue
        found.sort(reverse=True)
        return [(area, rel) for _, area, rel in found]
