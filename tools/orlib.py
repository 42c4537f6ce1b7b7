"""OR-Library capacitated warehouse location instances as chainopt input workbooks.

Beasley's instances (cap41-cap134, capa/capb/capc; see ../shared/benchmarks/orlib/README.md)
are written in chainopt's own input format, so that the reader, model, solver and checker a
user runs must reproduce the published optima.

Mapping, for m warehouses (capacity s_i, fixed cost f_i) and n customers (demand d_j, cost
c_ij of serving *all* of j's demand from i); indices are 1-based, as in OR-Library:

- customer j is a source ``S{j}`` of its own material ``D{j}`` at location ``C{j}``, with
  availability = offtake_min = d_j (all demand must be served) and price 0;
- warehouse i is a candidate line ``L{i}`` (technology ``WH``) at site ``W{i}`` with
  capacity s_i and cost_fixed f_i;
- technology ``WH`` takes any mix of the ``D{j}`` and yields ``SERVED`` (a residue disposed
  of at cost 0), one tonne per tonne;
- lane ``C{j}>W{i}`` carries D{j} at c_ij / d_j per tonne.

Because every customer is its own material, the model's per-line input-flow links
x_ij <= min(s_i, d_j) y_i are the classic strong tightening of the CFLP. The model maximises
net value (revenue - costs) and there is no revenue, so the published optimum is
-(net value).

Command line: ``uv run python -m tools.orlib cap41 capa-8000 --out build/orlib`` (``all``
converts every row of optima.csv).
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parents[1]
ENV_VAR = "CHAINOPT_BENCHMARKS"

# Settings of every generated workbook: mip_gap 1e-9 so that "optimal" means proven to far
# better than the 1e-6 relative tolerance the tests compare against.
DEFAULT_MIP_GAP = 1e-9
DEFAULT_TIME_LIMIT = 600.0
DEFAULT_THREADS = 0

TECHNOLOGY = "WH"
RECIPE = "main"
PERIOD = "P1"
SERVED = "SERVED"


def benchmarks_dir() -> Path:
    """The folder holding optima.csv and the instance files.

    ``$CHAINOPT_BENCHMARKS`` if set (either the orlib folder itself or its parent
    ``benchmarks`` folder), else ``<repo>/../shared/benchmarks/orlib``. The folder may not
    exist; callers check.
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        base = Path(env).expanduser()
        if not (base / "optima.csv").exists() and (base / "orlib" / "optima.csv").exists():
            return base / "orlib"
        return base
    return REPO_ROOT.parent / "shared" / "benchmarks" / "orlib"


# ---------------------------------------------------------------------------------------
# Instances


@dataclass
class OrlibInstance:
    """One instance: m warehouses, n customers; ``costs[i, j]`` serves all of j from i."""

    name: str
    capacities: np.ndarray  # (m,) s_i
    fixed_costs: np.ndarray  # (m,) f_i
    demands: np.ndarray  # (n,) d_j
    costs: np.ndarray  # (m, n) c_ij, cost of serving ALL of j's demand from i

    @property
    def m(self) -> int:
        return int(self.capacities.shape[0])

    @property
    def n(self) -> int:
        return int(self.demands.shape[0])

    @property
    def total_demand(self) -> float:
        return float(self.demands.sum())

    @property
    def unit_costs(self) -> np.ndarray:
        """(m, n) cost per tonne c_ij / d_j."""
        return self.costs / self.demands[np.newaxis, :]


def _number(token: str, what: str, path: Path) -> float:
    try:
        value = float(token)
    except ValueError:
        raise ValueError(f"{path.name}: {what} is {token!r}, not a number") from None
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{path.name}: {what} is {token!r}; expected a finite number >= 0")
    return value


def parse_orlib(path: Path, capacity: float | None = None, *,
                name: str | None = None) -> OrlibInstance:
    """Read an OR-Library cap* file. Fields are separated by white space; lines mean nothing.

    ``capacity``: None keeps the capacities in the file (an error where the file writes the
    word "capacity", as capa/capb/capc do); a positive number gives every warehouse that
    capacity; 0 means uncapacitated (every capacity = the sum of all demands), as in the
    capacity column of optima.csv.
    """
    path = Path(path)
    tokens = path.read_text(encoding="ascii").split()
    if len(tokens) < 2:
        raise ValueError(f"{path.name}: expected 'm n' at the start, found {tokens!r}")
    try:
        m, n = int(tokens[0]), int(tokens[1])
    except ValueError:
        raise ValueError(f"{path.name}: 'm n' must be integers, found {tokens[:2]!r}") from None
    if m < 1 or n < 1:
        raise ValueError(f"{path.name}: m={m} warehouses and n={n} customers must be >= 1")
    expected = 2 + 2 * m + n * (1 + m)
    if len(tokens) != expected:
        raise ValueError(f"{path.name}: {len(tokens)} fields, expected {expected} "
                         f"for m={m}, n={n} (2 + 2m + n(1 + m))")

    pos = 2
    caps: list[float | None] = []
    fixed = np.empty(m)
    for i in range(m):
        token = tokens[pos]
        if token.lower() == "capacity":
            caps.append(None)
        else:
            caps.append(_number(token, f"capacity of warehouse {i + 1}", path))
        fixed[i] = _number(tokens[pos + 1], f"fixed cost of warehouse {i + 1}", path)
        pos += 2
    demands = np.empty(n)
    costs = np.empty((m, n))
    for j in range(n):
        demands[j] = _number(tokens[pos], f"demand of customer {j + 1}", path)
        if demands[j] <= 0:
            raise ValueError(f"{path.name}: demand of customer {j + 1} is {tokens[pos]}; "
                             "expected > 0 (costs are per whole demand)")
        pos += 1
        for i in range(m):
            costs[i, j] = _number(tokens[pos + i], f"cost c[{i + 1},{j + 1}]", path)
        pos += m

    if capacity is None:
        missing = [i + 1 for i, c in enumerate(caps) if c is None]
        if missing:
            raise ValueError(f"{path.name} writes 'capacity' instead of the capacity of "
                             f"{len(missing)} warehouse(s); pass capacity= (the capacity "
                             "column of optima.csv; 0 = uncapacitated)")
        capacities = np.array(caps, dtype=float)
    elif capacity < 0:
        raise ValueError(f"capacity must be >= 0 (0 = uncapacitated), got {capacity}")
    elif capacity == 0:
        capacities = np.full(m, float(demands.sum()))
    else:
        capacities = np.full(m, float(capacity))
    return OrlibInstance(name or path.stem, capacities, fixed, demands, costs)


@dataclass(frozen=True)
class OptimumRow:
    """One row of optima.csv."""

    instance: str  # e.g. cap41, capa-8000, cap71-uncap
    file: str  # e.g. capa.txt
    capacity: float | None  # None: as in the file; 0: uncapacitated
    problem: str  # CFLP or UFLP
    optimum: float
    source: str

    @property
    def stem(self) -> str:
        return Path(self.file).stem

    def capacity_arg(self) -> float | None:
        """The ``capacity`` argument of parse_orlib for this row.

        UFLP rows are uncapacitated whatever the file says (for cap71-74, cap101-104 and
        cap131-134 the file's capacity already equals the total demand).
        """
        return 0.0 if self.problem.upper() == "UFLP" else self.capacity


def load_optima(csv_path: Path) -> list[OptimumRow]:
    """Read optima.csv (columns instance, file, capacity, problem, optimum, source)."""
    rows: list[OptimumRow] = []
    with Path(csv_path).open(newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            cap_text = (rec.get("capacity") or "").strip()
            capacity = None if cap_text.lower() in ("", "file") else float(cap_text)
            rows.append(OptimumRow(
                instance=rec["instance"].strip(),
                file=rec["file"].strip(),
                capacity=capacity,
                problem=rec["problem"].strip().upper(),
                optimum=float(rec["optimum"]),
                source=(rec.get("source") or "").strip(),
            ))
    return rows


def load_instance(row: OptimumRow, root: Path | None = None) -> OrlibInstance:
    """The instance an optima.csv row refers to, named after the row."""
    root = benchmarks_dir() if root is None else Path(root)
    return parse_orlib(root / row.file, row.capacity_arg(), name=row.instance)


# ---------------------------------------------------------------------------------------
# chainopt input workbook


def _num(x: float) -> float | int:
    """Whole numbers as int (tidy cells), everything else as float."""
    value = float(x)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def instance_tables(
    inst: OrlibInstance,
    *,
    mip_gap: float = DEFAULT_MIP_GAP,
    time_limit: float = DEFAULT_TIME_LIMIT,
    threads: int = DEFAULT_THREADS,
) -> dict[str, list[dict[str, object]]]:
    """The instance as chainopt input tables: sheet name -> rows keyed by column name."""
    m, n = inst.m, inst.n
    customers = range(1, n + 1)
    warehouses = range(1, m + 1)
    unit = inst.unit_costs
    settings: list[dict[str, object]] = [
        {"setting": "case_name", "value": inst.name},
        {"setting": "discount_rate", "value": 0},
        {"setting": "mip_gap", "value": mip_gap},
        {"setting": "time_limit", "value": time_limit},
        {"setting": "threads", "value": threads},
    ]
    materials: list[dict[str, object]] = [
        {"material": f"D{j}", "name": f"demand of customer {j}", "kind": "feedstock"}
        for j in customers
    ]
    materials.append({"material": SERVED, "name": "served demand", "kind": "residue",
                      "disposal_cost": 0})
    sources: list[dict[str, object]] = [
        {"source": f"S{j}", "material": f"D{j}", "location": f"C{j}",
         "availability": _num(inst.demands[j - 1]), "offtake_min": _num(inst.demands[j - 1]),
         "price": 0}
        for j in customers
    ]
    lines: list[dict[str, object]] = [
        {"line": f"L{i}", "site": f"W{i}", "technology": TECHNOLOGY,
         "capacity": _num(inst.capacities[i - 1]), "cost_fixed": _num(inst.fixed_costs[i - 1])}
        for i in warehouses
    ]
    recipes: list[dict[str, object]] = [
        {"applies_to": TECHNOLOGY, "recipe": RECIPE, "material": f"D{j}", "role": "input",
         "share_min": 0, "share_max": 1}
        for j in customers
    ]
    recipes.append({"applies_to": TECHNOLOGY, "recipe": RECIPE, "material": SERVED,
                    "role": "output", "yield": 1})
    lanes: list[dict[str, object]] = [
        {"lane": f"C{j}>W{i}", "origin": f"C{j}", "destination": f"W{i}",
         "material": f"D{j}", "cost": float(unit[i - 1, j - 1])}
        for i in warehouses
        for j in customers
    ]
    return {
        "Settings": settings,
        "Periods": [{"period": PERIOD, "years": 1}],
        "Materials": materials,
        "Locations": [{"location": f"C{j}", "name": f"customer {j}"} for j in customers],
        "Sites": [{"site": f"W{i}", "name": f"warehouse {i}"} for i in warehouses],
        "Lines": lines,
        "Sources": sources,
        "Recipes": recipes,
        "Markets": [],
        "Lanes": lanes,
    }


def write_instance_workbook(
    inst: OrlibInstance,
    path: Path,
    *,
    mip_gap: float = DEFAULT_MIP_GAP,
    time_limit: float = DEFAULT_TIME_LIMIT,
    threads: int = DEFAULT_THREADS,
) -> Path:
    """Write the instance as a chainopt input workbook; returns the path written."""
    from optimizer.excel.template import write_input_workbook

    tables = instance_tables(inst, mip_gap=mip_gap, time_limit=time_limit, threads=threads)
    return write_input_workbook(Path(path), tables)


# ---------------------------------------------------------------------------------------
# The same CFLP straight into HiGHS (independent of chainopt)


@dataclass(frozen=True)
class DirectSolve:
    """Result of solve_direct."""

    status: str  # HiGHS model status, e.g. "Optimal"
    objective: float  # total cost (the published optimum when optimal)
    bound: float
    build_seconds: float
    solve_seconds: float
    open_warehouses: tuple[int, ...]  # 1-based


def build_direct(inst: OrlibInstance, *, tighten: bool = True):  # type: ignore[no-untyped-def]
    """The CFLP in tonnes as a highspy model, built row-wise from numpy arrays.

    Columns: y_i (binary, i < m) then x_ij (tonnes from j to i, column m + i*n + j).
    Rows: sum_i x_ij = d_j; sum_j x_ij - s_i y_i <= 0; if ``tighten``,
    x_ij - min(s_i, d_j) y_i <= 0. Objective: sum f_i y_i + sum (c_ij / d_j) x_ij.
    """
    import highspy

    m, n = inst.m, inst.n
    s, d = inst.capacities, inst.demands
    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)

    ncol = m + m * n
    cost = np.concatenate([inst.fixed_costs, inst.unit_costs.ravel()])
    lower = np.zeros(ncol)
    upper = np.concatenate([np.ones(m), np.tile(d, m)])
    empty_i = np.zeros(0, dtype=np.int32)
    h.addCols(ncol, cost, lower, upper, 0, np.zeros(ncol, dtype=np.int32), empty_i,
              np.zeros(0))
    h.changeColsIntegrality(m, np.arange(m, dtype=np.int32),
                            np.full(m, highspy.HighsVarType.kInteger))

    x = (m + np.arange(m * n, dtype=np.int32)).reshape(m, n)  # x[i, j] column index
    # demand rows: one per customer, over warehouses
    d_idx = x.T.ravel()
    d_val = np.ones(m * n)
    d_start = np.arange(n, dtype=np.int32) * m
    # capacity rows: -s_i y_i + sum_j x_ij <= 0
    c_idx = np.concatenate([np.arange(m, dtype=np.int32)[:, None], x], axis=1).ravel()
    c_val = np.concatenate([-s[:, None], np.ones((m, n))], axis=1).ravel()
    c_start = np.arange(m, dtype=np.int32) * (n + 1)
    h.addRows(n, d, d, m * n, d_start, d_idx, d_val)
    h.addRows(m, np.full(m, -inf), np.zeros(m), m * (n + 1), c_start, c_idx, c_val)
    if tighten:
        # link rows: x_ij - min(s_i, d_j) y_i <= 0
        y_of = np.repeat(np.arange(m, dtype=np.int32), n)
        l_idx = np.stack([x.ravel(), y_of], axis=1).ravel()
        l_val = np.stack([np.ones(m * n), -np.minimum(s[:, None], d[None, :]).ravel()],
                         axis=1).ravel()
        l_start = np.arange(m * n, dtype=np.int32) * 2
        h.addRows(m * n, np.full(m * n, -inf), np.zeros(m * n), 2 * m * n, l_start, l_idx,
                  l_val)
    return h


def solve_direct(
    inst: OrlibInstance,
    *,
    mip_gap: float = DEFAULT_MIP_GAP,
    time_limit: float = DEFAULT_TIME_LIMIT,
    threads: int = DEFAULT_THREADS,
    tighten: bool = True,
    output: bool = False,
) -> DirectSolve:
    """Build (build_direct) and solve the CFLP with HiGHS alone."""
    t0 = time.perf_counter()
    h = build_direct(inst, tighten=tighten)
    t1 = time.perf_counter()
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("time_limit", float(time_limit))
    if threads:
        h.setOptionValue("threads", int(threads))
    if output:
        h.setOptionValue("output_flag", True)
    h.run()
    t2 = time.perf_counter()
    info = h.getInfo()
    sol = h.getSolution()
    y = np.asarray(sol.col_value[: inst.m]) if sol.value_valid else np.zeros(inst.m)
    return DirectSolve(
        status=h.modelStatusToString(h.getModelStatus()),
        objective=float(info.objective_function_value),
        bound=float(info.mip_dual_bound),
        build_seconds=t1 - t0,
        solve_seconds=t2 - t1,
        open_warehouses=tuple(int(i) + 1 for i in np.flatnonzero(y > 0.5)),
    )


# ---------------------------------------------------------------------------------------
# Command line


def select_rows(rows: Sequence[OptimumRow], names: Sequence[str]) -> list[OptimumRow]:
    """Rows named by instance (cap41, capa-8000) or ``all``; unknown names raise KeyError."""
    if any(n.lower() == "all" for n in names):
        return list(rows)
    by_name = {r.instance.lower(): r for r in rows}
    chosen: list[OptimumRow] = []
    for name in names:
        for part in name.split(","):
            key = part.strip().lower()
            if not key:
                continue
            if key not in by_name:
                raise KeyError(f"unknown instance {part!r}; known: "
                               + ", ".join(r.instance for r in rows))
            chosen.append(by_name[key])
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.orlib",
        description="Write OR-Library warehouse location instances as chainopt workbooks.")
    parser.add_argument("instances", nargs="+",
                        help="instance names from optima.csv (cap41, capa-8000, cap71-uncap) "
                             "or 'all'; commas allowed")
    parser.add_argument("--out", type=Path, default=Path("orlib_workbooks"),
                        help="folder for the workbooks (default: ./orlib_workbooks)")
    parser.add_argument("--benchmarks", type=Path, default=None,
                        help=f"folder with optima.csv (default: ${ENV_VAR} or "
                             "../shared/benchmarks/orlib)")
    parser.add_argument("--mip-gap", type=float, default=DEFAULT_MIP_GAP)
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    args = parser.parse_args(argv)

    root = args.benchmarks or benchmarks_dir()
    rows = load_optima(root / "optima.csv")
    try:
        chosen = select_rows(rows, args.instances)
    except KeyError as exc:
        parser.error(str(exc.args[0]))
    for row in chosen:
        inst = load_instance(row, root)
        written = write_instance_workbook(inst, args.out / f"{row.instance}.xlsx",
                                          mip_gap=args.mip_gap, time_limit=args.time_limit,
                                          threads=args.threads)
        print(f"{row.instance}: {inst.m} warehouses x {inst.n} customers, "
              f"published {row.problem} optimum {row.optimum:,.3f} -> {written}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
