"""The input templates, generated from the schema: Guide, tables, notes, formats, drop-downs,
version stamp, no formulas in input areas; `chainopt template` on the command line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from models.chain.schema import (
    SCHEMA_VERSION,
    SETTINGS,
    SETTINGS_SHEET,
    SHEETS,
    SHEETS_BY_NAME,
    VERSION_NAME,
    ColType,
)
from optimizer.errors import ExitCode
from optimizer.excel.template import (
    HEADER_FILL,
    REQUIRED_FILL,
    number_format,
    write_input_workbook,
)
from optimizer.pipeline import validate_workbook
from tools.absheron_case import absheron_tables

CHAINOPT = str(Path(sys.executable).parent / "chainopt")
ENTITY_SHEETS = [s for s in SHEETS if s.name != SETTINGS_SHEET.name]


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = write_input_workbook(tmp_path_factory.mktemp("t") / "blank.xlsx", None)
    return openpyxl.load_workbook(path)


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Workbook:
    path = write_input_workbook(tmp_path_factory.mktemp("t") / "case.xlsx", absheron_tables())
    return openpyxl.load_workbook(path)


def test_guide_has_purpose_order_units_glossary_and_version(blank: Workbook) -> None:
    assert blank.sheetnames[0] == "Guide" and blank.active.title == "Guide"  # type: ignore[union-attr]
    ws = blank["Guide"]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    joined = "\n".join(text)
    assert ws["A2"].value == "Template version" and ws["B2"].value == SCHEMA_VERSION
    for heading in ("What this workbook is for", "Fill the sheets in this order",
                    "Units and how to type values", "Glossary"):
        assert heading in joined
    order = [m.group(1) for t in text if (m := re.match(r"^\d+\. (\w+) \((?:required|"
                                                      r"optional)\)", t))]
    assert order == [
        s.name for s in sorted(SHEETS, key=lambda s: s.fill_order)]
    rows = list(ws.iter_rows(values_only=True))
    glossary = {(r[0], r[1]) for r in rows if r[0] in SHEETS_BY_NAME and r[1]}
    for sheet in ENTITY_SHEETS:
        for col in sheet.columns:
            assert (sheet.name, col.name) in glossary, (sheet.name, col.name)
    for setting in SETTINGS:
        assert ("Settings", setting.name) in glossary
    for row in rows:
        if row[0] == "Lines" and row[1] == "capacity":
            assert row[4] == "t/yr" and row[2] == "required"


def test_version_stamp(blank: Workbook) -> None:
    assert blank.defined_names[VERSION_NAME].attr_text == f'"{SCHEMA_VERSION}"'


@pytest.mark.parametrize("sheet", SHEETS, ids=[s.name for s in SHEETS])
def test_every_sheet_is_a_styled_table_with_notes(blank: Workbook, sheet) -> None:  # type: ignore[no-untyped-def]
    ws = blank[sheet.name]
    assert ws.freeze_panes == "A2"
    [table] = ws.tables.values()
    assert table.ref.startswith("A1:")
    assert table.name == f"tbl{sheet.name}"
    for idx, col in enumerate(sheet.columns, start=1):
        head = ws.cell(row=1, column=idx)
        assert head.value == col.name
        fill = REQUIRED_FILL if col.required else HEADER_FILL
        assert head.fill.fgColor.rgb.endswith(fill.fgColor.rgb[-6:])  # explicit fill
        assert head.font.b and head.font.color.rgb.endswith("FFFFFF")  # readable
        assert head.comment is not None and col.description in head.comment.text
        if col.unit and col.unit != "fraction":
            assert col.unit in head.comment.text
        for choice in col.choices:
            assert choice in head.comment.text
        letter = head.column_letter
        assert ws.column_dimensions[letter].width >= len(col.name)


@pytest.mark.parametrize("sheet", ENTITY_SHEETS, ids=[s.name for s in ENTITY_SHEETS])
def test_number_formats_show_the_unit(blank: Workbook, sheet) -> None:  # type: ignore[no-untyped-def]
    ws = blank[sheet.name]
    for idx, col in enumerate(sheet.columns, start=1):
        fmt = number_format(col)
        letter = ws.cell(row=1, column=idx).column_letter
        if fmt is None:
            continue
        assert ws.column_dimensions[letter].number_format == fmt
        if col.unit in ("t/yr", "t/t", "km"):
            assert col.unit in fmt
        if col.unit == "fraction":
            assert "%" in fmt


@pytest.mark.parametrize("sheet", ENTITY_SHEETS, ids=[s.name for s in ENTITY_SHEETS])
def test_drop_downs_for_every_reference_and_enumeration(blank: Workbook, sheet) -> None:  # type: ignore[no-untyped-def]
    ws = blank[sheet.name]
    lists = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            lists[rng.coord.split(":")[0].rstrip("0123456789")] = dv
    for idx, col in enumerate(sheet.columns, start=1):
        letter = ws.cell(row=1, column=idx).column_letter
        wanted = bool(col.refs or col.choices or col.suggest or col.type is ColType.BOOL)
        if not wanted:
            continue
        dv = lists.get(letter)
        assert dv is not None and dv.type == "list", (sheet.name, col.name)
        assert not dv.formula1.startswith("=")  # openpyxl copies it verbatim
        assert not dv.showDropDown  # True would HIDE the arrow
        assert dv.showErrorMessage
        if col.refs or col.suggest:
            target = blank.defined_names[dv.formula1].attr_text
            if len(col.refs) == 1:
                ref = SHEETS_BY_NAME[col.refs[0]]
                key = [c.name for c in ref.columns].index(ref.key[0]) + 1
                assert target.startswith(f"{ref.name}!$"
                                         f"{openpyxl.utils.get_column_letter(key)}$2")
            elif len(col.refs) > 1:
                assert target.startswith("Lists!")
        else:
            options = dv.formula1.strip('"').split(",")
            assert options == list(col.choices or ("yes", "no"))


def test_joined_lists_are_on_a_hidden_sheet(blank: Workbook) -> None:
    ws = blank["Lists"]
    assert ws.sheet_state == "hidden"
    formulas = [c.value for c in ws["A"][1:]]
    assert all(isinstance(f, str) and f.startswith("=IFERROR(") for f in formulas)


@pytest.mark.parametrize("book", ["blank", "filled"])
def test_no_formulas_in_input_areas(book: str, request: pytest.FixtureRequest) -> None:
    workbook: Workbook = request.getfixturevalue(book)
    for sheet in SHEETS:
        ws = workbook[sheet.name]
        formulas = [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"]
        assert not formulas, (sheet.name, formulas)


def test_blank_has_no_data_rows_and_settings_defaults(blank: Workbook) -> None:
    for sheet in ENTITY_SHEETS:
        assert blank[sheet.name].max_row == 1, sheet.name
    values = {r[0]: r[1] for r in blank["Settings"].iter_rows(min_row=2, values_only=True)}
    assert values == {s.name: s.default for s in SETTINGS}


def test_filled_cells_carry_the_unit_format(filled: Workbook) -> None:
    ws = filled["Lines"]
    assert ws["D2"].value == 3000 and ws["D2"].number_format == '#,##0 "t/yr"'
    assert ws["H2"].number_format == "0.0%"


def test_blank_template_reports_every_empty_sheet(tmp_path: Path) -> None:
    outcome = validate_workbook(write_input_workbook(tmp_path / "blank.xlsx", None))
    sheets = sorted(e.sheet for e in outcome.issues.errors)
    assert sheets == sorted(["Periods", "Materials", "Sites", "Lines", "Recipes"])


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHAINOPT, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def test_template_command_never_overwrites_without_force(tmp_path: Path) -> None:
    assert _cli("template", "-o", "mine.xlsx", cwd=tmp_path).returncode == 0
    before = (tmp_path / "mine.xlsx").read_bytes()
    again = _cli("template", "-o", "mine.xlsx", cwd=tmp_path)
    assert again.returncode == ExitCode.USAGE and "--force" in again.stderr
    assert (tmp_path / "mine.xlsx").read_bytes() == before
    assert _cli("template", "--example", "-o", "mine.xlsx", "--force",
                cwd=tmp_path).returncode == 0
    assert openpyxl.load_workbook(tmp_path / "mine.xlsx")["Lines"].max_row == 37
    bad = _cli("template", "-o", "mine.csv", cwd=tmp_path)
    assert bad.returncode == ExitCode.USAGE and ".xlsx" in bad.stderr


def test_validate_text_report_groups_by_sheet(tmp_path: Path) -> None:
    tables = absheron_tables()
    tables["Lines"][1]["capacity"] = -5
    tables["Markets"][0]["price"] = 1.7  # a warning
    write_input_workbook(tmp_path / "case.xlsx", tables)
    out = _cli("validate", "case.xlsx", cwd=tmp_path)
    assert out.returncode == ExitCode.INVALID_INPUT
    lines = out.stdout.splitlines()
    assert lines[0] == "Lines (1 error):"
    assert lines[1].startswith("  ERROR: case.xlsx, Lines!D3, column 'capacity': ")
    assert "Markets (1 warning):" in lines
    assert lines[-1].startswith("case.xlsx: fix the errors above")
    fixed = absheron_tables()
    fixed["Markets"][0]["price"] = 1.7
    write_input_workbook(tmp_path / "warn.xlsx", fixed)
    out = _cli("validate", "warn.xlsx", cwd=tmp_path)
    assert out.returncode == 0 and "1 warning" in out.stdout and "no errors" in out.stdout
    assert _cli("validate", "warn.xlsx", "--format", "xml", cwd=tmp_path).returncode == \
        ExitCode.USAGE
