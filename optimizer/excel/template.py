"""Input workbooks (blank template or a filled case) generated from the schema.

Never edit input_templates/*.xlsx by hand: `chainopt template` and tools/make_templates.py
write them from models/chain/schema.py and the case data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from models.chain.schema import SCHEMA_VERSION, SETTINGS, SHEETS, ColType, Column, Sheet
from optimizer.excel.cells import set_text, set_value
from optimizer.fileio import atomic_write

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
REQUIRED_FILL = PatternFill("solid", fgColor="833C0B")
VERSION_NAME = "chainopt_template_version"

Rows = Sequence[Mapping[str, object]]


def column_note(col: Column) -> str:
    """The header comment: meaning, unit, allowed values, blank rule."""
    parts = [col.description]
    if col.unit:
        parts.append(f"Unit: {col.unit}.")
    if col.choices:
        parts.append("Allowed: " + ", ".join(col.choices) + ".")
    if col.refs:
        parts.append("Must name a row of: " + " or ".join(col.refs) + ".")
    parts.append(col.optional_blank_means.capitalize() + ".")
    return "\n".join(parts)


def write_input_workbook(path: Path, tables: Mapping[str, Rows] | None = None) -> Path:
    """Write a workbook in the input format, atomically; blank when ``tables`` is None."""
    tables = tables or {}
    workbook = Workbook()
    guide = workbook.active
    assert guide is not None
    guide.title = "Guide"
    _write_guide(guide)
    for sheet in sorted(SHEETS, key=lambda s: s.fill_order):
        ws = workbook.create_sheet(sheet.name)
        if sheet.name == "Settings":
            _write_settings(ws, tables.get("Settings", ()))
        else:
            _write_table(ws, sheet, tables.get(sheet.name, ()))
    workbook.defined_names[VERSION_NAME] = DefinedName(
        VERSION_NAME, attr_text=f'"{SCHEMA_VERSION}"'
    )
    return atomic_write(path, lambda tmp: workbook.save(tmp))


def _style_header(ws, sheet: Sheet) -> None:  # type: ignore[no-untyped-def]
    for idx, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=idx)
        set_text(cell, col.name)
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center")
        cell.comment = Comment(column_note(col), "chainopt", width=320, height=160)
        width = max(len(col.name) + 4, 12 if col.type is not ColType.TEXT else 30)
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "A2"


def _write_table(ws, sheet: Sheet, rows: Rows) -> None:  # type: ignore[no-untyped-def]
    _style_header(ws, sheet)
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(sheet.columns, start=1):
            value = row.get(col.name)
            cell = ws.cell(row=r, column=c)
            if col.type in (ColType.ID, ColType.TEXT, ColType.ENUM) and value is not None:
                set_text(cell, str(value))
            elif col.type is ColType.BOOL and value is not None:
                set_text(cell, "yes" if value else "no")
            else:
                set_value(cell, value)
            if col.type is ColType.NUMBER and col.unit == "fraction":
                cell.number_format = "0.00"
            elif col.type is ColType.NUMBER:
                cell.number_format = "#,##0.###"
    last = max(len(rows) + 1, 200)
    for c, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(c)
        choices = col.choices or (("yes", "no") if col.type is ColType.BOOL else ())
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=not col.required)
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)


def _write_settings(ws, rows: Rows) -> None:  # type: ignore[no-untyped-def]
    from models.chain.schema import SETTINGS_SHEET

    _style_header(ws, SETTINGS_SHEET)
    given = {str(r["setting"]): r.get("value") for r in rows}
    for r, setting in enumerate(SETTINGS, start=2):
        set_text(ws.cell(row=r, column=1), setting.name)
        set_value(ws.cell(row=r, column=2), given.get(setting.name, setting.default))
        unit = f" Unit: {setting.unit}." if setting.unit else ""
        set_text(ws.cell(row=r, column=3), setting.description + unit)


def _write_guide(ws) -> None:  # type: ignore[no-untyped-def]
    lines = [
        ("chainopt input workbook", True),
        (f"Template version {SCHEMA_VERSION}", False),
        ("Fill the sheets in this order; every column header carries a note with its "
         "meaning and unit. Dark red headers are required.", False),
        ("Run 'chainopt validate THIS_FILE' to check it, then 'chainopt run THIS_FILE'.", False),
        ("", False),
    ]
    for sheet in sorted(SHEETS, key=lambda s: s.fill_order):
        need = "required" if sheet.required else "optional"
        lines.append((f"{sheet.name} ({need}): {sheet.description}", False))
    lines.append(("", False))
    lines.append(("Glossary: sheet, column, unit, meaning", True))
    for sheet in SHEETS:
        for col in sheet.columns:
            unit = f" [{col.unit}]" if col.unit else ""
            lines.append((f"{sheet.name}.{col.name}{unit}: {col.description} "
                          f"({col.optional_blank_means})", False))
    for r, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(row=r, column=1)
        set_text(cell, text)
        if bold:
            cell.font = Font(bold=True, size=14 if r == 1 else 11)
    ws.column_dimensions["A"].width = 140
