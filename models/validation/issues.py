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


class IssueList:
    """Collects every issue so that all of them are reported at once."""

    def __init__(self, file: str = "") -> None:
        self.file = file
        self._items: list[Issue] = []
        self.sheet_order: tuple[str, ...] = ()  # sheets in this order first in report()

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
        self._items.append(
            Issue(severity, message, self.file, sheet, row, column, column_index, shown,
                  expected, hint)
        )

    def error(self, message: str, **where: object) -> None:
        self.add(Severity.ERROR, message, **where)  # type: ignore[arg-type]

    def warning(self, message: str, **where: object) -> None:
        self.add(Severity.WARNING, message, **where)  # type: ignore[arg-type]

    def info(self, message: str, **where: object) -> None:
        self.add(Severity.INFO, message, **where)  # type: ignore[arg-type]

    def extend(self, issues: Iterable[Issue]) -> None:
        self._items.extend(issues)

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
        """Every issue, grouped by sheet, errors first within a sheet."""
        lines: list[str] = []
        for sheet, issues in self.by_sheet().items():
            counts = {s: sum(1 for i in issues if i.severity is s) for s in Severity}
            parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
            lines.append(f"{sheet} ({', '.join(parts)}):")
            for issue in issues:
                lines.append(f"  {issue.format()}")
        counts = {s: sum(1 for i in self._items if i.severity is s) for s in Severity}
        lines.append(
            f"{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), "
            f"{counts[Severity.INFO]} note(s)."
        )
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps([i.to_dict() for i in self._items], indent=2, ensure_ascii=False)
