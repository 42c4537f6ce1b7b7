"""The nightly configuration: a TOML file, every setting also a command-line flag.

See nightly.example.toml at the repository root for a documented example. Relative paths
in the file are relative to the file's own folder, so a config can travel with its data.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from optimizer.errors import ChainoptError, ExitCode


@dataclass(frozen=True)
class NightlyConfig:
    inputs: tuple[Path, ...]  # workbooks, or folders whose *.xlsx are all solved
    output_dir: Path  # where <case>-latest.xlsx is replaced atomically
    archive_dir: Path  # one folder per run: dated results, run record, solver log
    log_dir: Path  # JSON-lines log (one line per event, with the run id)
    time_limit: float = 600.0
    gap: float = 1e-4
    threads: int = 0
    archive_days: int = 30  # runs older than this many days are removed
    warm_start: bool = True  # offer last night's plan to the solver
    fixed_lines: tuple[str, ...] = ()  # lines already approved: held built
    lock_file: Path | None = None  # default: <log_dir>/chainopt-nightly.lock (local disk!)
    change_threshold: float = 1.0  # tonnes: smaller allocation shifts are not reported
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lock_path(self) -> Path:
        return self.lock_file or self.log_dir / "chainopt-nightly.lock"

    def workbooks(self) -> list[Path]:
        """Every input workbook, folders expanded (Excel's ~$ lock files skipped)."""
        out: list[Path] = []
        for item in self.inputs:
            if item.is_dir():
                out.extend(sorted(p for p in item.glob("*.xlsx") if not p.name.startswith("~$")))
            else:
                out.append(item)
        return out


_PATHS = {"output_dir", "archive_dir", "log_dir", "lock_file"}
_KNOWN = {f.name for f in fields(NightlyConfig)} - {"extra"}


def _resolve(base: Path, value: str | Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path)


def load_config(path: Path | None, overrides: dict[str, Any]) -> NightlyConfig:
    """Read the TOML file (if any), then apply command-line overrides that were given."""
    data: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        if not path.exists():
            raise ChainoptError(f"config file {path} does not exist", ExitCode.INPUT_UNREADABLE)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ChainoptError(f"{path} is not valid TOML: {exc}", ExitCode.USAGE) from exc
        base = path.resolve().parent
        unknown = set(data) - _KNOWN
        if unknown:
            raise ChainoptError(f"{path}: unknown setting(s) {sorted(unknown)}; known: "
                                f"{sorted(_KNOWN)}", ExitCode.USAGE)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in _PATHS:
            values[key] = _resolve(base, value)
        elif key == "inputs":
            items = value if isinstance(value, list) else [value]
            values[key] = tuple(_resolve(base, v) for v in items)
        elif key == "fixed_lines":
            values[key] = tuple(str(v) for v in value)
        else:
            values[key] = value
    for key, value in overrides.items():
        if value is None or value == ():
            continue
        if key in _PATHS:
            values[key] = Path(value)
        elif key == "inputs":
            values[key] = tuple(Path(v) for v in value)
        else:
            values[key] = value
    missing = [k for k in ("inputs", "output_dir", "archive_dir", "log_dir") if k not in values]
    if missing:
        raise ChainoptError(f"missing setting(s): {', '.join(missing)} (give them in the config "
                            "file or as flags)", ExitCode.USAGE)
    try:
        config = NightlyConfig(**values)
        return replace(config, time_limit=float(config.time_limit), gap=float(config.gap),
                       threads=int(config.threads), archive_days=int(config.archive_days),
                       warm_start=bool(config.warm_start),
                       change_threshold=float(config.change_threshold))
    except (TypeError, ValueError) as exc:
        raise ChainoptError(f"invalid nightly setting: {exc}", ExitCode.USAGE) from exc
