"""Nightly archives for the web pages' tests, screenshots and load benchmark.

``real_archive(root, tables)`` runs `chainopt nightly` as a scheduler would, in its own
process (the real pipeline: read, validate, solve, write the workbook and its page data,
publish latest) for each night given, so the archive holds what a scheduler would leave
and the caller's process keeps no state of the run (logging, signal handlers, sweeps).
``synthetic_nights(...)`` then multiplies one real run into many nights without solving
again: it copies the run folder under new run ids (one per day back in time) and varies
the numbers in run.json and the page data, so the history of a year can be served and measured.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from optimizer.excel.template import write_input_workbook
from optimizer.nightly.config import NightlyConfig

Tables = dict[str, list[dict[str, Any]]]


def nightly_config(root: Path, case: str = "absheron") -> NightlyConfig:
    return NightlyConfig(inputs=(root / "inputs" / f"{case}.xlsx",),
                         output_dir=root / "output", archive_dir=root / "archive",
                         log_dir=root / "logs", time_limit=60.0, gap=1e-4,
                         archive_days=100000, warm_start=True)


def real_archive(root: Path, nights: list[Tables], case: str = "absheron") -> Path:
    """Run one nightly run per tables in ``nights`` (in order); returns the archive."""
    config = nightly_config(root, case)
    command = [sys.executable, "-m", "optimizer", "nightly", "--input", str(config.inputs[0]),
               "--output-dir", str(config.output_dir), "--archive-dir",
               str(config.archive_dir), "--log-dir", str(config.log_dir), "--time-limit",
               str(config.time_limit), "--gap", str(config.gap), "--archive-days",
               str(config.archive_days), "--warm-start"]
    for tables in nights:
        config.inputs[0].parent.mkdir(parents=True, exist_ok=True)
        write_input_workbook(config.inputs[0], tables)
        # exit codes vary by night on purpose (an invalid workbook gives 20)
        subprocess.run(command, cwd=Path(__file__).resolve().parents[1], check=False,
                       capture_output=True, timeout=600)
    return config.archive_dir


def _scale(value: Any, factor: float) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return type(value)(value * factor) if isinstance(value, float) else round(value * factor)


def synthetic_nights(archive: Path, template_run: str, count: int, seed: int = 7,
                     end: dt.datetime | None = None,
                     edit_page: Callable[[dict[str, Any], int], None] | None = None) -> list[str]:
    """``count`` copies of ``template_run`` as nights ending yesterday, with varied net
    value, jobs, lines built and gap; every seventh night a failure (exit 20 or 11).
    Returns the new run ids."""
    rng = random.Random(seed)
    source = archive / template_run
    record = json.loads((source / "run.json").read_text(encoding="utf-8"))
    end = end or dt.datetime.now().astimezone().replace(hour=2, minute=30, second=0,
                                                        microsecond=0)
    made = []
    for i in range(count):
        when = end - dt.timedelta(days=count - i)
        run_id = f"{when.strftime('%Y%m%d-%H%M%S')}-{rng.getrandbits(24):06x}"
        folder = archive / run_id
        folder.mkdir()
        rec = copy.deepcopy(record)
        rec["run_id"] = run_id
        rec["start"] = when.isoformat()
        rec["end"] = (when + dt.timedelta(seconds=rng.uniform(20, 400))).isoformat()
        failed = i % 7 == 3
        for entry in rec["workbooks"]:
            factor = rng.uniform(0.9, 1.1)
            if failed:
                code = rng.choice((20, 11))
                entry.update(status="not solved" if code == 20 else "time limit, no plan",
                             objective=None, gap=None, kpis={}, outputs={},
                             exit_code=code)
                if code == 20:
                    entry["issues"] = [{"severity": "error", "sheet": "Markets",
                                        "cell": f"E{rng.randint(2, 40)}", "column": "price",
                                        "value": "n/a", "message": "price must be a number"}]
                rec["exit_code"] = code
                rec["exit_meaning"] = ("the workbook has errors" if code == 20 else
                                       "time limit reached before any plan was found")
                continue
            entry["objective"] = _scale(entry.get("objective"), factor)
            entry["gap"] = rng.choice((0.0, 0.0, 0.0, rng.uniform(0, 0.004)))
            kpis = entry.get("kpis") or {}
            entry["kpis"] = {k: _scale(v, factor) for k, v in kpis.items()}
            if "lines_built" in kpis:
                entry["kpis"]["lines_built"] = int(kpis["lines_built"]) + rng.randint(-2, 2)
            names = {}
            for key in ("dated",):
                old = Path(entry["outputs"][key]).name
                stem = old.rsplit("-", 2)[0]
                new = f"{stem}-{when.strftime('%Y%m%d-%H%M%S')}.xlsx"
                names[old] = new
                entry["outputs"][key] = str(folder / new)
            for item in source.iterdir():
                if item.name == "run.json":
                    continue
                target = item.name
                for old, new in names.items():
                    target = target.replace(Path(old).stem, Path(new).stem)
                if item.name.endswith("-page.json"):
                    page = json.loads(item.read_text(encoding="utf-8"))
                    page["started"] = when.isoformat(timespec="seconds")
                    page["objective"] = entry["objective"]
                    for k in page["kpis"]:
                        if k.get("value") is not None and k["key"] not in ("kpi.gap",
                                                                            "kpi.seconds"):
                            k["value"] = _scale(k["value"], factor)
                    if edit_page:
                        edit_page(page, i)
                    (folder / target).write_text(json.dumps(page, ensure_ascii=False),
                                                 encoding="utf-8")
                elif item.is_file():
                    shutil.copyfile(item, folder / target)
        if not failed:
            rec["exit_code"] = 0
            rec["exit_meaning"] = "optimal plan written"
        (folder / "run.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
        made.append(run_id)
    return made
