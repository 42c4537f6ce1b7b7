"""Write the bundled input workbooks: input_templates/absheron.xlsx, metals.xlsx,
cluster.xlsx and blank.xlsx.

Run from the repository root: ``uv run python tools/make_templates.py``. Never edit the
workbooks by hand; change tools/absheron_case.py, tools/metals_case.py,
tools/cluster_case.py or models/chain/schema.py and rerun.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script, tools/ is sys.path[0], not the root
    sys.path.insert(0, str(ROOT))

from optimizer.excel.template import write_input_workbook  # noqa: E402
from tools.absheron_case import absheron_tables  # noqa: E402
from tools.cluster_case import cluster_tables  # noqa: E402
from tools.metals_case import metals_tables  # noqa: E402

TEMPLATES = ROOT / "input_templates"
CASE_FILE = "absheron.xlsx"
METALS_FILE = "metals.xlsx"
CLUSTER_FILE = "cluster.xlsx"
BLANK_FILE = "blank.xlsx"
CASES = {CASE_FILE: absheron_tables, METALS_FILE: metals_tables, CLUSTER_FILE: cluster_tables}


def make_templates(folder: Path = TEMPLATES) -> list[Path]:
    """Write the bundled cases and the blank template into ``folder``; return their paths."""
    written = [write_input_workbook(folder / name, tables()) for name, tables in CASES.items()]
    return [*written, write_input_workbook(folder / BLANK_FILE, None)]


def main() -> None:
    for path in make_templates():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
