"""The issue type: one problem found in a workbook, located to the cell."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum

from models.validation.a1 import column_letter


class Severity(StrEnum):
    ERROR = "error"  # the run cannot go on
    WARNING = "warning"  # the run goes on, but the user should look
    INFO = "info"  # for the record


@dataclass(frozen=True)
class Issue:
    """One problem, named by file, sheet, row, column, the value found and what was expected."""

    severity: Severity
    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None  # 1-based Excel row number
    column: str = ""  # column header
    column_index: int | None = None  # 1-based Excel column number
    value: str = ""
    expected: str = ""
    hint: str = ""

    @property
    def cell(self) -> str:
        """A1 reference of the cell (or of the row / sheet when no column is known)."""
        if self.row is None:
            return ""
        if self.column_index is None:
            return f"row {self.row}"
        return f"{column_letter(self.column_index)}{self.row}"

    @property
    def location(self) -> str:
        parts = [self.file] if self.file else []
        where = self.sheet
        if self.cell:
            sep = "!" if self.column_index else " "
            where = f"{self.sheet}{sep}{self.cell}"
        if where:
            parts.append(where)
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def format(self) -> str:
        """One line a person can act on."""
        text = f"{self.severity.value.upper()}: {self.location}: {self.message}"
        if self.value != "":
            text += f" (found {self.value!r}"
            text += f", expected {self.expected})" if self.expected else ")"
        elif self.expected:
            text += f" (expected {self.expected})"
        if self.hint:
            text += f" Hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        data["cell"] = self.cell
        return data


REPEATS_SHOWN = 10  # issues kept per sheet, column, severity and message; the rest counted

_GroupKey = tuple[Severity, str, str, int | None, str]


def _group(issue: Issue) -> _GroupKey:
    return (issue.severity, issue.sheet, issue.column, issue.column_index, issue.message)


class IssueList:
    """Collects every issue so that all of them are reported at once.

    Repeats are capped: of the issues sharing a sheet, column, severity and message (a
    million rows with the same mistake) the first ``REPEATS_SHOWN`` are kept, the rest are
    counted ("and 999,990 more like this in column D"), so a report stays a few kilobytes
    and memory stays flat however bad the input.
    """

    def __init__(self, file: str = "") -> None:
        self.file = file
        self._items: list[Issue] = []
        self._counts: dict[_GroupKey, int] = {}
        self._first: dict[_GroupKey, Issue] = {}
        self.sheet_order: tuple[str, ...] = ()  # sheets in this order first in report()

    def _keep(self, issue: Issue) -> None:
        key = _group(issue)
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        if count == 1:
            self._first[key] = issue
        if count <= REPEATS_SHOWN:
            self._items.append(issue)

    def add(
        self,
        severity: Severity,
        message: str,
        *,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        column_index: int | None = None,
        value: object = "",
        expected: str = "",
        hint: str = "",
    ) -> None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # Excel stores every number as a float; show 5, not 5.0
        shown = "" if value is None else str(value)
        if len(shown) > 200:  # a 32,767-character name is shown by its start and length
            shown = f"{shown[:120]}… ({len(shown):,} characters)"
        self._keep(Issue(severity, message, self.file, sheet, row, column, column_index,
                         shown, expected, hint))

    def error(self, message: str, **where: object) -> None:
        self.add(Severity.ERROR, message, **where)  # type: ignore[arg-type]

    def warning(self, message: str, **where: object) -> None:
        self.add(Severity.WARNING, message, **where)  # type: ignore[arg-type]

    def info(self, message: str, **where: object) -> None:
        self.add(Severity.INFO, message, **where)  # type: ignore[arg-type]

    def extend(self, issues: Iterable[Issue]) -> None:
        for issue in issues:
            self._keep(issue)

    def saturated(self, severity: Severity, sheet: str, column: str,
                  column_index: int | None, message: str) -> bool:
        """Whether such an issue would only be counted now (its hint need not be built)."""
        key = (severity, sheet, column, column_index, message)
        return self._counts.get(key, 0) >= REPEATS_SHOWN

    def more_like_this(self) -> list[tuple[Issue, int]]:
        """(the first issue of a group, how many more were counted but not kept)."""
        return [(self._first[key], count - REPEATS_SHOWN)
                for key, count in self._counts.items() if count > REPEATS_SHOWN]

    def count(self, severity: Severity) -> int:
        """How many issues of this severity were found, counted ones included."""
        return sum(n for key, n in self._counts.items() if key[0] is severity)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self._items if i.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return any(i.severity is Severity.ERROR for i in self._items)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def by_sheet(self) -> dict[str, list[Issue]]:
        """Issues grouped by sheet: the workbook first, then ``sheet_order``, then the rest
        in order of appearance; within a sheet errors, warnings, notes, each by cell."""
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        sheets: dict[str, list[Issue]] = {"(workbook)": []}
        sheets.update({name: [] for name in self.sheet_order})
        for issue in self._items:
            sheets.setdefault(issue.sheet or "(workbook)", []).append(issue)
        return {
            sheet: sorted(issues, key=lambda i: (order[i.severity], i.row or 0,
                                                  i.column_index or 0))
            for sheet, issues in sheets.items() if issues
        }

    def report(self) -> str:
        """Every issue, grouped by sheet, errors first within a sheet; repeats counted."""
        lines: list[str] = []
        more: dict[str, list[tuple[Issue, int]]] = {}
        for first, extra in self.more_like_this():
            more.setdefault(first.sheet or "(workbook)", []).append((first, extra))
        for sheet, issues in self.by_sheet().items():
            counts = {s: sum(n for k, n in self._counts.items()
                             if k[0] is s and (k[1] or "(workbook)") == sheet)
                      for s in Severity}
            parts = [f"{n:,} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
            lines.append(f"{sheet} ({', '.join(parts)}):")
            for issue in issues:
                lines.append(f"  {issue.format()}")
            for first, extra in more.get(sheet, []):
                lines.append(f"  {more_text(first, extra)}")
        counts = {s: self.count(s) for s in Severity}
        lines.append(
            f"{counts[Severity.ERROR]:,} error(s), {counts[Severity.WARNING]:,} warning(s), "
            f"{counts[Severity.INFO]:,} note(s)."
        )
        return "\n".join(lines)

    def to_json(self) -> str:
        """The kept issues, then one entry per capped group with ``more_like_this``."""
        items = [i.to_dict() for i in self._items]
        for first, extra in self.more_like_this():
            entry = first.to_dict()
            entry.update(row=None, cell="", value="", more_like_this=extra,
                         message=more_text(first, extra))
            items.append(entry)
        return json.dumps(items, indent=2, ensure_ascii=False)


def more_text(first: Issue, extra: int) -> str:
    """'and 999,990 more like this in column D (price): <message>'."""
    where = ""
    if first.column_index is not None:
        where = f" in column {column_letter(first.column_index)}"
        if first.column:
            where += f" ({first.column})"
    elif first.column:
        where = f" in column '{first.column}'"
    return (f"… and {extra:,} more like this{where}: {first.severity.value.upper()}: "
            f"{first.message}")
