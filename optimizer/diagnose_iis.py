"""Diagnosis, the conflict: which limits a user set cannot hold together, from HiGHS's IIS.

HiGHS computes an irreducible infeasible subset (IIS) of a linear program: constraints and
bounds that together have no solution, such that dropping any one of them leaves a set
that has (``Highs.getIis``, highspy >= 1.11; optimizer/solve.py ``relaxation_iis``). It is
computed on the *linear relaxation* of the model (lines may be built in part), so:

- when the relaxation itself has no solution, the IIS's members that are cells a user
  typed (minimum and maximum sales, offtake minimums and availabilities, policy rows,
  supply groups, lane capacities, resources, line slots, existing lines' minimum use) are
  the *conflict*: they cannot all hold whatever is built; the rest of the IIS is recipes,
  balances and line capacities, which the report sums up as "the recipes and lines";
- when the relaxation has a solution (the build decisions alone make the model
  infeasible, e.g. a jobs minimum with a capex budget), there is no IIS, and the report
  relies on the elastic re-solve only.

The conflict narrows where to look; the elastic re-solve (optimizer/diagnose.py) still
decides how much to change, and may change a limit outside the conflict when that is the
least total change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from models.chain.data import ChainData
from models.chain.formulation import build_model
from optimizer.solve import relaxation_iis

POLICY_ROWS = {"jobs_min_floor": "jobs_min", "lines_min_floor": "lines_min",
               "recovered_min_floor": "recovered_min", "local_share_floor": "local_share_min",
               "budget_total_limit": "budget_total", "budget_period_limit": "budget_period"}


@dataclass(frozen=True)
class ConflictCell:
    sheet: str
    row: int
    column: str
    found: float
    what: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def text(self) -> str:
        return f"{self.sheet} row {self.row} ({self.what}, {self.column} {self.found:,.6g})"


def _cell(sheet: str, row: Any, column: str, what: str) -> ConflictCell | None:
    if row is None or row[column] is None:
        return None
    return ConflictCell(sheet, row.excel_row, column, float(row[column]), what)


def _column_cell(d: ChainData, var: Any, side: str, rows: dict[str, Any]) -> ConflictCell | None:
    from optimizer.diagnose import _expanded_rows, market_rows

    name, index = var.parent_component().name, var.index()
    if name == "sales":
        n, mat, p = index
        row = rows.setdefault("Markets", market_rows(d)).get((n, mat, p))
        column = "sales_max" if side == "upper" else "sales_min"
        return _cell("Markets", row, column, f"{mat} at {n}")
    if name == "purchase":
        o, p = index
        row = rows.setdefault("Sources", _expanded_rows(d, "Sources", ("source",))).get((o, p))
        column = "availability" if side == "upper" else "offtake_min"
        return _cell("Sources", row, column, str(o))
    return None


def _row_cell(d: ChainData, con: Any, rows: dict[str, Any]) -> ConflictCell | None:
    from optimizer.diagnose import _expanded_rows, _first_row, _policy_rows

    name, index = con.parent_component().name, con.index()
    if name in POLICY_ROWS:
        kind = POLICY_ROWS[name]
        row = rows.setdefault("Policy", _policy_rows(d)).get(
            (kind, "" if index is None else str(index)))
        return _cell("Policy", row, "value", kind)
    if name in ("supply_group_floor", "supply_group_ceiling"):
        g, p = index
        row = rows.setdefault("SupplyGroups", _expanded_rows(d, "SupplyGroups", ("group",))
                              ).get((g, p))
        column = "purchases_min" if name.endswith("floor") else "purchases_max"
        return _cell("SupplyGroups", row, column, f"supply group {g}")
    if name == "lane_capacity_limit":
        return _cell("Lanes", _first_row(d, "Lanes", lane=index[0]), "capacity",
                     f"lane {index[0]}")
    if name == "site_resource_limit":
        s, r = index[0], index[1]
        return _cell("Resources", _first_row(d, "Resources", site=s, resource=r), "available",
                     f"{r} at {s}")
    if name == "site_lines_limit":
        return _cell("Sites", _first_row(d, "Sites", site=index[0]), "lines_max",
                     f"lines at {index[0]}")
    if name == "utilisation_floor" and index[0] in d.lines_existing:
        return _cell("Lines", _first_row(d, "Lines", line=index[0]), "utilisation_min",
                     f"existing line {index[0]}")
    return None


def conflict(d: ChainData, seconds: float) -> list[ConflictCell] | None:
    """The user's cells in the IIS of the linear relaxation, in sheet and row order; None
    when the relaxation has a solution or no IIS was found in ``seconds``."""
    m = build_model(d)
    if list(getattr(m, "constant_violations", [])):
        return None  # named by the build already; the compiled model is not the whole story
    found = relaxation_iis(m, seconds)
    if found is None:
        return None
    con_rows, var_bounds = found
    rows: dict[str, Any] = {}
    cells = [_row_cell(d, con, rows) for con, _side in con_rows]
    cells += [_column_cell(d, var, side, rows) for var, side in var_bounds]
    unique = {(c.sheet, c.row, c.column): c for c in cells if c is not None}
    return [unique[k] for k in sorted(unique)]
