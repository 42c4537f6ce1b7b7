"""The template version stamp: report a workbook that is too old or too new, and read an
older one as the current version where the schema's migrations allow it.

The stamp is the workbook-level defined name ``chainopt_template_version`` that
``chainopt template`` writes (its value is also shown on the Guide sheet). A workbook
without it (made by hand or by another program) is read as the current version.
"""

from __future__ import annotations

import re

from models.chain.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    VERSION_NAME,
    Migration,
)
from models.validation.issues import IssueList
from models.validation.raw import RawRow, RawTable, RawWorkbook

_VERSION = re.compile(r"^\s*(\d+)\.(\d+)\s*$")
FRESH_TEMPLATE_HINT = ("Copy your data into a fresh template from 'chainopt template' "
                       "(same sheets and columns), then validate again.")


def parse_version(text: str) -> tuple[int, int] | None:
    match = _VERSION.match(text.strip().strip('"').strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def workbook_version(raw: RawWorkbook) -> str | None:
    """The stamp as written in the workbook, without quotes; None when there is none."""
    text = raw.defined_names.get(VERSION_NAME)
    if text is None:
        return None
    return text.strip().strip('"').strip()


def check_version(raw: RawWorkbook, issues: IssueList,
                  migrations: tuple[Migration, ...] = MIGRATIONS,
                  current: str = SCHEMA_VERSION) -> RawWorkbook | None:
    """The workbook as the current template version, or None when it cannot be read as one.

    Every finding is reported on the workbook (no sheet): an info note for a migrated or
    unstamped workbook, a warning for a newer minor version, an error for a newer major
    version or one older than the oldest migration.
    """
    stamp = workbook_version(raw)
    ours = parse_version(current)
    assert ours is not None, current
    if stamp is None:
        issues.info(f"The workbook has no template version stamp (it was not made with "
                    f"'chainopt template'); it is read as template version {current}.")
        return raw
    theirs = parse_version(stamp)
    if theirs is None:
        issues.warning("The template version stamp cannot be read; the workbook is read as "
                       f"template version {current}.", value=stamp,
                       expected="a version such as 1.0", column=VERSION_NAME)
        return raw
    if theirs == ours:
        return raw
    if theirs > ours:
        if theirs[0] > ours[0]:
            issues.error(f"The workbook was made for a newer chainopt (template version "
                         f"{stamp}); this chainopt reads template version {current}.",
                         value=stamp, expected=f"template version {current} or older",
                         hint="Update chainopt, or " + FRESH_TEMPLATE_HINT[0].lower()
                         + FRESH_TEMPLATE_HINT[1:])
            return None
        issues.warning(f"The workbook was made from a newer template (version {stamp}) "
                       f"than this chainopt knows ({current}); columns it does not know "
                       "are ignored.", value=stamp, expected=f"template version {current}",
                       hint="Update chainopt to use every column.")
        return raw
    steps = _path(stamp, current, migrations)
    if steps is None:
        oldest = migrations[0].from_version if migrations else current
        issues.error(f"The workbook was made from template version {stamp}, which is too "
                     f"old to read; this chainopt reads template versions {oldest} to "
                     f"{current}.", value=stamp, expected=f"template version {current}",
                     hint=FRESH_TEMPLATE_HINT)
        return None
    for step in steps:
        raw = _migrate(raw, step)
    notes = " ".join(step.note for step in steps)
    issues.info(f"The workbook was made from template version {stamp}; it is read as "
                f"version {current}. {notes}", value=stamp, expected=current)
    return raw


def _path(start: str, end: str, migrations: tuple[Migration, ...]) -> list[Migration] | None:
    by_start = {parse_version(m.from_version): m for m in migrations}
    steps: list[Migration] = []
    here, goal = parse_version(start), parse_version(end)
    while here != goal:
        step = by_start.get(here)
        if step is None or len(steps) > len(migrations):
            return None
        steps.append(step)
        here = parse_version(step.to_version)
    return steps


def _migrate(raw: RawWorkbook, step: Migration) -> RawWorkbook:
    sheets = dict(step.renamed_sheets)
    tables: dict[str, RawTable] = {}
    for name, table in raw.tables.items():
        new_name = sheets.get(name, name)
        renames = {old: new for sheet, old, new in step.renamed_columns if sheet == new_name}
        if renames:
            columns = {renames.get(c, c): i for c, i in table.columns.items()}
            rows = tuple(RawRow(r.excel_row, {renames.get(c, c): v for c, v in r.cells.items()})
                         for r in table.rows)
            table = RawTable(new_name, table.header_row, columns, rows, table.repeated_headers)
        elif new_name != name:
            table = RawTable(new_name, table.header_row, table.columns, table.rows,
                             table.repeated_headers)
        tables[new_name] = table
    return RawWorkbook(raw.file, tables, raw.defined_names)
