"""Write the bundled input workbooks: input_templates/absheron.xlsx and blank.xlsx.

Run from the repository root: ``uv run python tools/make_templates.py``. Never edit the
workbooks by hand; change tools/absheron_case.py or models/chain/schema.py and rerun.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script, tools/ is sys.path[0], not the root
    sys.path.insert(0, str(ROOT))

from optimizer.excel.template import write_input_workbook  # noqa: E402
from tools.absheron_case import absheron_tables  # noqa: E402

TEMPLATES = ROOT / "input_templates"
CASE_FILE = "absheron.xlsx"
BLANK_FILE = "blank.xlsx"


def make_templates(folder: Path = TEMPLATES) -> list[Path]:
    """Write the Absheron case and the blank template into ``folder``; return their paths."""
    return [
        write_input_workbook(folder / CASE_FILE, absheron_tables()),
        write_input_workbook(folder / BLANK_FILE, None),
    ]


def main() -> None:
    for path in make_templates():
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
