"""The Uncertainty sheet: which scenarios a robust plan must serve, and how likely each is.

Each row names a scenario of the Scenarios sheet (or ``base``, the workbook unchanged) and
its probability; the probabilities add up to 1 (within ``SUM_TOLERANCE``). Every problem
is reported at its cell (sheet, row, column, value found, what was expected).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.chain.schema import UNCERTAINTY
from models.validation.hints import did_you_mean
from models.validation.issues import IssueList
from models.validation.raw import RawWorkbook
from models.validation.tables import INVALID, parse_table
from optimizer.scenarios.spec import BASE, WhatIf

SUM_TOLERANCE = 1e-6
SHEET = UNCERTAINTY.name


@dataclass
class Uncertainty:
    """Scenario name -> probability, in sheet order, and the Excel row of each."""

    probability: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.probability)

    def __bool__(self) -> bool:
        return bool(self.probability)


def read_uncertainty(raw: RawWorkbook, what_if: WhatIf, issues: IssueList) -> Uncertainty:
    """The Uncertainty sheet, checked against the scenarios; every problem located."""
    table = parse_table(raw.tables.get(SHEET), UNCERTAINTY, issues)
    out = Uncertainty()
    if not table.rows and not table.dropped:
        return out

    def where(row: int, column: str) -> dict[str, object]:
        return {"sheet": SHEET, "row": row, "column": column,
                "column_index": table.column_index(column)}

    known = [BASE, *what_if.scenarios]
    ok = not table.dropped  # a row with a bad cell was reported by parse_table already
    for r in table.rows:
        name = str(r["scenario"])
        if name.lower() == BASE:
            name = BASE
        if name not in known:
            issues.error("The Uncertainty sheet names a scenario the workbook does not have.",
                         value=name, expected="a scenario of the Scenarios sheet, or base",
                         hint=did_you_mean(name, known), **where(r.excel_row, "scenario"))
            ok = False
            continue
        probability = r["probability"]
        if probability is None or probability is INVALID:
            ok = False
            continue
        out.probability[name] = float(probability)  # type: ignore[arg-type]
        out.rows[name] = r.excel_row
        if r["description"]:
            out.descriptions[name] = str(r["description"])
    if ok and out.probability:
        total = sum(out.probability.values())
        if abs(total - 1.0) > SUM_TOLERANCE:
            last = max(out.rows.values())
            issues.error(f"The probabilities on the Uncertainty sheet add up to {total:.6g}, "
                         "not 1.", value=f"{total:.6g}", expected="probabilities adding up "
                         "to 1 (within 0.000001)", hint="Scale them so that they add up "
                         "to 1, e.g. divide each by their sum.",
                         **where(last, "probability"))
            ok = False
    return out if ok else Uncertainty()
